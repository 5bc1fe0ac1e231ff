use app::db::Db;
use leptos::prelude::LeptosOptions;
use reqwest::{redirect::Policy, Client, Response};
use serde_json::Value;
use server::config::Config;
use server::startup;
use sqlx::{AnyConnection, Connection, Executor};
use std::collections::HashMap;

pub const ADMIN: (&str, &str) = ("admin", "admin-demo-2026");
pub const OPERATOR: (&str, &str) = ("operator", "operator-demo-2026");
pub const MERCHANT: (&str, &str) = ("merchant", "merchant-demo-2026");
pub const MERCHANT2: (&str, &str) = ("merchant2", "merchant2-demo-2026");

pub struct TestApp {
    pub base: String,
    pub db: Db,
    pub database_url: String,
    pub dir: tempfile::TempDir,
    pub state: app::services::AppState,
    /// The built-in simulator, e.g. `http://127.0.0.1:41234`.
    pub sim_base: String,
}

/// A fresh database name per test on the shared PostgreSQL server.
async fn postgres_database(admin_url: &str) -> String {
    sqlx::any::install_default_drivers();
    let name = format!("wxa_test_{}", uuid_like());
    let mut conn = AnyConnection::connect(admin_url)
        .await
        .expect("connect to the test PostgreSQL");
    conn.execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .expect("create test database");
    let (prefix, _) = admin_url
        .rsplit_once('/')
        .expect("database URL with a path");
    format!("{prefix}/{name}")
}

fn uuid_like() -> String {
    use rand::RngCore;
    let mut b = [0u8; 8];
    rand::thread_rng().fill_bytes(&mut b);
    b.iter().map(|x| format!("{x:02x}")).collect()
}

pub fn leptos_options() -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("wxa-console")
        .site_root("target/site")
        .build()
}

pub fn config_for(database_url: &str, dir: &std::path::Path, extra: &[(&str, &str)]) -> Config {
    let mut vars: HashMap<String, String> = HashMap::new();
    vars.insert("WXA_DATABASE_URL".into(), database_url.into());
    vars.insert("WXA_DATA_DIR".into(), dir.display().to_string());
    // Every test app starts its own simulator on a free port.
    vars.insert("WXA_SIMULATOR_LISTEN".into(), "127.0.0.1:0".into());
    for (k, v) in extra {
        vars.insert(k.to_string(), v.to_string());
    }
    Config::from_lookup(|k| vars.get(k).cloned()).expect("test configuration")
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

pub async fn spawn_app_with(extra: &[(&str, &str)]) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let database_url = fresh_database(dir.path()).await;
    start_on(database_url, dir, extra).await
}

/// A new PostgreSQL database when the suite runs on one, else a SQLite file in `dir`.
async fn fresh_database(dir: &std::path::Path) -> String {
    match std::env::var("WXA_TEST_DATABASE_URL") {
        Ok(admin) if !admin.is_empty() => postgres_database(&admin).await,
        _ => format!("sqlite://{}/test.db?mode=rwc", dir.display()),
    }
}

/// A server whose site (bundle, hash file, public files) is the folder `site_root`.
pub async fn spawn_app_on_site(site_root: &std::path::Path) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let database_url = fresh_database(dir.path()).await;
    let options = LeptosOptions::builder()
        .output_name("wxa-console")
        .site_root(site_root.display().to_string())
        .build();
    start_with(database_url, dir, &[], options).await
}

/// Starts a server on an existing database (restart tests).
pub async fn start_on(
    database_url: String,
    dir: tempfile::TempDir,
    extra: &[(&str, &str)],
) -> TestApp {
    start_with(database_url, dir, extra, leptos_options()).await
}

async fn start_with(
    database_url: String,
    dir: tempfile::TempDir,
    extra: &[(&str, &str)],
    options: LeptosOptions,
) -> TestApp {
    let config = config_for(&database_url, dir.path(), extra);
    let running = startup::start(&config, options, "127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("server starts");
    TestApp {
        base: format!("http://{}", running.addr),
        db: running.state.db.clone(),
        database_url,
        dir,
        sim_base: running
            .simulator
            .map(|a| format!("http://{a}"))
            .unwrap_or_default(),
        state: running.state,
    }
}

/// A browser-like client: its own cookie jar, redirects not followed (so tests see them).
pub fn client() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .expect("client")
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn login(&self, client: &Client, (user, pass): (&str, &str)) -> Response {
        client
            .post(self.url("/api/auth/login"))
            .form(&[("username", user), ("password", pass)])
            .send()
            .await
            .expect("login request")
    }

    /// A client already signed in as `who`.
    pub async fn signed_in(&self, who: (&str, &str)) -> Client {
        let c = client();
        let res = self.login(&c, who).await;
        assert_eq!(
            res.status(),
            200,
            "login as {} failed: {}",
            who.0,
            res.text().await.unwrap_or_default()
        );
        c
    }

    /// Calls a JSON server function.
    pub async fn call(&self, client: &Client, endpoint: &str, body: Value) -> Response {
        client
            .post(self.url(&format!("/api/{endpoint}")))
            .json(&body)
            .send()
            .await
            .expect("server fn request")
    }

    /// SQLite's plan for `sql` (`EXPLAIN QUERY PLAN`), one line per step.
    pub async fn query_plan(&self, sql: &str) -> Vec<String> {
        let plan: Vec<(i64, i64, i64, String)> =
            sqlx::query_as(&format!("EXPLAIN QUERY PLAN {sql}"))
                .fetch_all(&self.db.pool)
                .await
                .expect("query plan");
        plan.into_iter().map(|(_, _, _, step)| step).collect()
    }

    /// Asserts that SQLite reads `sql` through `index` in the query's own order: no step sorts
    /// (`USE TEMP B-TREE`), so a page stops at its limit.
    pub async fn assert_read_in_index_order(&self, sql: &str, index: &str) {
        let steps = self.query_plan(sql).await;
        assert!(
            steps.iter().any(|s| s.contains(index)),
            "{index}: {steps:?}\n{sql}"
        );
        assert!(
            !steps.iter().any(|s| s.contains("TEMP B-TREE")),
            "{index}: {steps:?}\n{sql}"
        );
    }

    pub async fn call_ok(&self, client: &Client, endpoint: &str, body: Value) -> Value {
        let res = self.call(client, endpoint, body).await;
        let status = res.status();
        let text = res.text().await.unwrap_or_default();
        assert!(status.is_success(), "{endpoint} answered {status}: {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }
}

/// A demo user's id.
pub async fn user_id_of(app: &TestApp, username: &str) -> i64 {
    app::db::users::find_by_username(&app.db, username)
        .await
        .expect("user")
        .expect("a demo user")
        .id
}

pub async fn body(res: Response) -> String {
    res.text().await.unwrap_or_default()
}

impl TestApp {
    async fn sim_answer(&self, path: &str, body: Value) -> (reqwest::StatusCode, Value) {
        let res = reqwest::Client::new()
            .post(format!("{}/__sim{path}", self.sim_base))
            .json(&body)
            .send()
            .await
            .expect("control call");
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    /// POSTs to the simulator's control API (`/__sim{path}`): its JSON answer (Null if none).
    pub async fn sim(&self, path: &str, body: Value) -> Value {
        self.sim_answer(path, body).await.1
    }

    /// The same, asserting that the control API accepted it.
    pub async fn sim_ok(&self, path: &str, body: Value) -> Value {
        let (status, answer) = self.sim_answer(path, body).await;
        assert!(status.is_success(), "{path}: {status} {answer}");
        answer
    }
}

/// The calls to `path` the simulator has seen, for `appid` unless it is empty.
pub async fn sim_call_records(app: &TestApp, path: &str, appid: &str) -> Vec<Value> {
    let filter = if appid.is_empty() {
        String::new()
    } else {
        format!("&appid={appid}")
    };
    reqwest::Client::new()
        .get(format!("{}/__sim/calls?path={path}{filter}", app.sim_base))
        .send()
        .await
        .expect("calls")
        .json::<Vec<Value>>()
        .await
        .expect("calls JSON")
}

/// How many calls to `path` for `appid` the simulator has seen.
pub async fn sim_calls(app: &TestApp, path: &str, appid: &str) -> usize {
    sim_call_records(app, path, appid).await.len()
}

/// The field errors of a 422 answer: (field, problem).
pub async fn problems(res: Response) -> Vec<(String, Value)> {
    let status = res.status();
    let text = body(res).await;
    assert_eq!(status, reqwest::StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    let v: Value = serde_json::from_str(&text).unwrap();
    v["Invalid"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["problem"].clone(),
            )
        })
        .collect()
}

/// The errcode of a 502 answer carrying WeChat's error.
pub async fn wechat_code(res: Response) -> i64 {
    let status = res.status();
    let text = body(res).await;
    assert_eq!(status, reqwest::StatusCode::BAD_GATEWAY, "{text}");
    serde_json::from_str::<Value>(&text).unwrap()["Wechat"]["errcode"]
        .as_i64()
        .unwrap()
}
