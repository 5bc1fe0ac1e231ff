//! The fleet-rollout benchmark (issue 17). On SQLite, and on PostgreSQL when WXA_TEST_PG_URL
//! names a server (scripts/bench-rollouts.sh starts one), each on a fresh database:
//!
//! - `server simulate` (the WeChat simulator as its own process: audits approved after
//!   `WXA_BENCH_AUDIT_DELAY_SECS`, a 7-day audit quota of 1,000,000, a call log big enough for
//!   the whole run) and the release console in real mode pointed at it;
//! - seeding (timed apart, not a figure): N mini programs (`WXA_BENCH_TARGETS`, 10,000)
//!   authorized the way a real one arrives — a pre-auth code, the simulated owner confirms, the
//!   console's authorization service exchanges the code — run by this process with the
//!   console's own services on the same database (the console processes the `authorized`
//!   pushes meanwhile, as in production);
//! - run 1: an operator signed in over HTTP creates one rollout of all of them (the
//!   simulator's first template, released automatically); the time until every target is
//!   final, the WeChat calls the simulator logged per second, the console's peak RSS (VmHWM);
//! - run 2: the same with a new version while the console is killed (`kill -9`) three times
//!   and restarted at once: targets not released, and mini programs with more than one
//!   successful `/wxa/commit` or `/wxa/submit_audit` in the simulator's call log (the
//!   consoles' lease is `WXA_BENCH_LEASE_SECS`, 60 s: the killed console's targets wait it);
//! - run 3 (PostgreSQL): two consoles on the database sharing one rollout: the writes each
//!   made (its log of WeChat calls) and the duplicates in the call log.
//!
//! Prints figures and never fails on speed. It fails loudly when it would measure the wrong
//! thing: a process that does not start, seeding that does not register every mini program, a
//! rollout the console refuses. Child processes are stopped on every way out (a guard per
//! process, and SIGINT / SIGTERM). `WXA_BENCH_DIR` keeps the databases and logs there.

#[path = "support/procfs.rs"]
mod procfs;

use app::db::users::NewUserRecord;
use app::db::Db;
use app::domain::auth::Role;
use app::domain::mini_program::{AppStatus, SubjectType};
use app::domain::rollout::{Progress, StateKind};
use app::domain::rollout_view::{RolloutDetail, RolloutStatus, TARGETS_MAX};
use app::services::demo::demo_appid;
use app::services::platform::Platform;
use app::services::secrets::SecretBox;
use app::services::tokens::{ComponentCredentials, TokenCenter};
use app::services::{authorization, AppState, Settings};
use base64::Engine;
use rand::RngCore;
use secrecy::SecretString;
use serde_json::{json, Value};
use sqlx::{AnyConnection, Connection, Executor};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use wechat::crypto::MsgCrypt;
use wechat::simulator::{AuthorizerProfile, CallRecord, SimConfig, SimControl};

const USERNAME: &str = "operator";
const PASSWORD: &str = "bench-operator-password";
const MERCHANTS: usize = 20;
/// Every target's ext_json: its own AppID.
const EXT_JSON: &str = r#"{"extAppid":"{appid}"}"#;
/// A page every template of the simulator's library has (`code/state.rs`).
const AUDIT_PAGE: &str = "pages/index/index";
/// Write progress (commits and submits done, of two per target) at which run 2 kills.
const KILL_AT: [f64; 3] = [0.20, 0.45, 0.70];
const POLL: Duration = Duration::from_millis(500);
const PRINT_EVERY: Duration = Duration::from_secs(10);

// ---------------------------------------------------------------------------------------------
// Settings

#[derive(Clone, Debug)]
struct Params {
    targets: usize,
    seed_concurrency: usize,
    concurrency: u32,
    calls_per_minute: u32,
    tick_ms: u64,
    /// The consoles' WXA_ROLLOUT_LEASE_SECS: how long a killed console's targets wait.
    lease_secs: u64,
    audit_delay_secs: u64,
    timeout: Duration,
    plain: bool,
    crash: bool,
    pair: bool,
    /// WXA_BENCH_DATABASES (sqlite,postgres): which databases to run on.
    sqlite: bool,
    postgres: bool,
}

fn env_number<T: std::str::FromStr>(name: &str, default: T) -> T {
    match std::env::var(name) {
        Ok(v) if !v.trim().is_empty() => v
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name}: expected a number, got `{v}`")),
        _ => default,
    }
}

impl Params {
    fn from_env() -> Params {
        let targets: usize = env_number("WXA_BENCH_TARGETS", 10_000);
        assert!(
            (1..=TARGETS_MAX).contains(&targets),
            "WXA_BENCH_TARGETS must be 1–{TARGETS_MAX} (one rollout's limit)"
        );
        let runs = std::env::var("WXA_BENCH_RUNS").unwrap_or_else(|_| "plain,crash,pair".into());
        let runs: Vec<&str> = runs.split(',').map(str::trim).collect();
        for r in &runs {
            assert!(
                matches!(*r, "plain" | "crash" | "pair"),
                "WXA_BENCH_RUNS: `{r}` is none of plain, crash, pair"
            );
        }
        let databases =
            std::env::var("WXA_BENCH_DATABASES").unwrap_or_else(|_| "sqlite,postgres".into());
        let databases: Vec<&str> = databases.split(',').map(str::trim).collect();
        for d in &databases {
            assert!(
                matches!(*d, "sqlite" | "postgres"),
                "WXA_BENCH_DATABASES: `{d}` is none of sqlite, postgres"
            );
        }
        Params {
            targets,
            seed_concurrency: env_number("WXA_BENCH_SEED_CONCURRENCY", 16usize).max(1),
            concurrency: env_number("WXA_BENCH_CONCURRENCY", 16u32).clamp(1, 64),
            calls_per_minute: env_number("WXA_BENCH_CALLS_PER_MINUTE", 100_000u32)
                .clamp(1, 100_000),
            tick_ms: env_number("WXA_BENCH_TICK_MS", 100u64).clamp(50, 60_000),
            lease_secs: env_number("WXA_BENCH_LEASE_SECS", 60u64).clamp(60, 3600),
            audit_delay_secs: env_number("WXA_BENCH_AUDIT_DELAY_SECS", 1u64),
            timeout: Duration::from_secs(env_number("WXA_BENCH_TIMEOUT_SECS", 7200u64)),
            plain: runs.contains(&"plain"),
            crash: runs.contains(&"crash"),
            pair: runs.contains(&"pair"),
            sqlite: databases.contains(&"sqlite"),
            postgres: databases.contains(&"postgres"),
        }
    }

    /// WeChat calls the simulator keeps: every call of a run (a target takes about half a
    /// dozen), bounded by what WXA_SIMULATOR_CALL_LOG_LIMIT accepts.
    fn call_log_limit(&self) -> usize {
        (self.targets * 100).clamp(1_000_000, 10_000_000)
    }
}

// ---------------------------------------------------------------------------------------------
// Child processes

/// Every child's pid, for the SIGINT / SIGTERM handler.
static CHILDREN: Mutex<Vec<u32>> = Mutex::new(Vec::new());

fn children() -> std::sync::MutexGuard<'static, Vec<u32>> {
    CHILDREN.lock().unwrap_or_else(|p| p.into_inner())
}

/// Interrupted (Ctrl-C, `kill`): the children are killed before the bench exits.
fn install_signal_handlers() {
    tokio::spawn(async {
        use tokio::signal::unix::{signal, SignalKind};
        let Ok(mut term) = signal(SignalKind::terminate()) else {
            return;
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
        let pids = children().clone();
        for pid in pids {
            let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
        }
        eprintln!("interrupted: the simulator and consoles were killed");
        std::process::exit(130);
    });
}

/// A child process, killed when dropped (also on a panic).
struct Proc {
    child: Child,
    name: String,
    log: PathBuf,
}

impl Proc {
    fn spawn(mut cmd: Command, name: String, log: PathBuf) -> Proc {
        let out = std::fs::File::create(&log).expect("log file");
        let err = out.try_clone().expect("log file");
        cmd.stdin(Stdio::null())
            .stdout(Stdio::from(out))
            .stderr(Stdio::from(err));
        let child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("{name}: could not start: {e}"));
        children().push(child.id());
        Proc { child, name, log }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGKILL, and reaped.
    fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM (the console shuts down gracefully), SIGKILL after 15 s.
    async fn stop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = Command::new("kill")
                .args(["-TERM", &self.pid().to_string()])
                .status();
            let deadline = Instant::now() + Duration::from_secs(15);
            while matches!(self.child.try_wait(), Ok(None)) && Instant::now() < deadline {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
        self.kill9();
    }

    /// Waits until the log shows `needle`; an error (with the log's tail) when the process
    /// ends first or `secs` pass.
    async fn ready(&mut self, needle: &str, secs: u64) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            if std::fs::read_to_string(&self.log)
                .unwrap_or_default()
                .contains(needle)
            {
                return Ok(());
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!(
                    "{} stopped ({status}) before it was ready:\n{}",
                    self.name,
                    tail(&self.log, 30)
                ));
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "{} was not ready within {secs} s:\n{}",
                    self.name,
                    tail(&self.log, 30)
                ));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let pid = self.pid();
        self.kill9();
        children().retain(|p| *p != pid);
    }
}

fn tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// Distinct free loopback ports (all bound at once, then released).
fn free_ports(n: usize) -> Vec<u16> {
    let listeners: Vec<std::net::TcpListener> = (0..n)
        .map(|_| std::net::TcpListener::bind("127.0.0.1:0").expect("free port"))
        .collect();
    listeners
        .iter()
        .map(|l| l.local_addr().expect("port").port())
        .collect()
}

/// The release binary cargo built beside this bench, and the site beside it.
fn server_binary() -> (PathBuf, PathBuf) {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_server"));
    let site = bin
        .parent()
        .and_then(Path::parent)
        .map(|target| target.join("site"))
        .expect("target directory");
    (bin, site)
}

/// The server binary with only this benchmark's settings (nothing from the caller's WXA_*).
fn server_command(sub: &str) -> Command {
    let (bin, _) = server_binary();
    let mut cmd = Command::new(bin);
    cmd.arg(sub);
    for (k, _) in std::env::vars() {
        if k.starts_with("WXA_") {
            cmd.env_remove(k);
        }
    }
    // Plain text logs (the pair run reads them).
    cmd.env("NO_COLOR", "1");
    cmd
}

// ---------------------------------------------------------------------------------------------
// The simulator and the console

async fn start_simulator(dir: &Path, port: u16, console_port: u16, p: &Params) -> Proc {
    let data = dir.join("simulator");
    std::fs::create_dir_all(&data).expect("simulator dir");
    let mut cmd = server_command("simulate");
    cmd.env("WXA_SIMULATOR_LISTEN", format!("127.0.0.1:{port}"))
        .env("WXA_DATA_DIR", &data)
        .env(
            "WXA_SIMULATOR_AUDIT_DELAY_SECS",
            p.audit_delay_secs.to_string(),
        )
        .env("WXA_SIMULATOR_AUDIT_QUOTA", "1000000")
        .env(
            "WXA_SIMULATOR_CALL_LOG_LIMIT",
            p.call_log_limit().to_string(),
        )
        .env("WXA_SIMULATOR_PUSH_RETRY_SECS", "1")
        .env(
            "WXA_SIMULATOR_CALLBACK_URL",
            format!("http://127.0.0.1:{console_port}/wechat/callback"),
        )
        .env("WXA_LOG", "warn");
    let mut sim = Proc::spawn(cmd, "server simulate".into(), dir.join("simulator.log"));
    if let Err(e) = sim.ready("WeChat simulator listening", 60).await {
        panic!("{e}");
    }
    sim
}

/// The secret key (refresh tokens and tokens at rest) and the session secret every console
/// instance of one database shares, and this process too (it seeds with the same key).
struct Keys {
    secret_key: Vec<u8>,
    secret_key_b64: String,
    session_secret_b64: String,
}

fn keys() -> Keys {
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut secret_key = vec![0u8; 32];
    rand::thread_rng().fill_bytes(&mut secret_key);
    let mut session = vec![0u8; 64];
    rand::thread_rng().fill_bytes(&mut session);
    Keys {
        secret_key_b64: b64.encode(&secret_key),
        session_secret_b64: b64.encode(&session),
        secret_key,
    }
}

/// One console instance's settings; a restart uses the same ones.
#[derive(Clone, Debug)]
struct ConsoleSpec {
    label: String,
    url: String,
    dir: PathBuf,
    port: u16,
    sim_base: String,
    secret_key: String,
    session_secret: String,
    tick_ms: u64,
    lease_secs: u64,
    /// Logs every WeChat call (`wechat::client` at debug): the pair run counts them.
    log_calls: bool,
}

impl ConsoleSpec {
    fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn command(&self) -> Command {
        let (_, site) = server_binary();
        let demo = SimConfig::demo();
        let data = self.dir.join(format!("data-{}", self.label));
        std::fs::create_dir_all(&data).expect("console data dir");
        let mut cmd = server_command("serve");
        cmd.env("WXA_DATABASE_URL", &self.url)
            .env("WXA_DEMO_DATA", "false")
            .env("WXA_DATA_DIR", &data)
            .env("WXA_LISTEN", format!("127.0.0.1:{}", self.port))
            .env("WXA_PUBLIC_URL", self.base())
            .env("WXA_WECHAT_MODE", "real")
            .env("WXA_WECHAT_API_BASE", &self.sim_base)
            .env("WXA_COMPONENT_APPID", &demo.component_appid)
            .env("WXA_COMPONENT_SECRET", &demo.component_secret)
            .env("WXA_MESSAGE_TOKEN", &demo.message_token)
            .env("WXA_ENCODING_AES_KEY", &demo.encoding_aes_key)
            .env("WXA_SECRET_KEY", &self.secret_key)
            .env("WXA_SESSION_SECRET", &self.session_secret)
            .env("WXA_SESSION_IDLE_MINUTES", "1440")
            .env("WXA_ROLLOUT_TICK_MS", self.tick_ms.to_string())
            .env("WXA_ROLLOUT_LEASE_SECS", self.lease_secs.to_string())
            .env("LEPTOS_SITE_ROOT", &site)
            .env("LEPTOS_SITE_PKG_DIR", "pkg")
            .env("LEPTOS_OUTPUT_NAME", "wxa-console");
        if self.log_calls {
            cmd.env("WXA_LOG", "info,sqlx=warn,wechat::client=debug");
        }
        cmd
    }

    /// Started and listening (a few attempts: a killed predecessor's port may take a moment).
    async fn launch(&self, generation: usize) -> Proc {
        let mut last = String::new();
        for attempt in 0..5 {
            let suffix = if attempt == 0 {
                String::new()
            } else {
                format!("-retry{attempt}")
            };
            let log = self
                .dir
                .join(format!("console-{}-{generation}{suffix}.log", self.label));
            let mut proc = Proc::spawn(
                self.command(),
                format!("console {} (start {})", self.label, generation + 1),
                log,
            );
            match proc.ready("wxa-console listening", 120).await {
                Ok(()) => return proc,
                Err(e) => {
                    last = e;
                    drop(proc);
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
            }
        }
        panic!("console {} did not start: {last}", self.label);
    }
}

/// A console instance over its restarts: its peak RSS and CPU over all of them.
struct Console {
    spec: ConsoleSpec,
    proc: Proc,
    starts: usize,
    logs: Vec<PathBuf>,
    peak_kib: u64,
    /// CPU of the processes killed so far, and of the current one when the run began.
    cpu_done: f64,
    cpu_base: f64,
}

impl Console {
    async fn start(spec: ConsoleSpec) -> Console {
        let proc = spec.launch(0).await;
        let logs = vec![proc.log.clone()];
        Console {
            spec,
            proc,
            starts: 1,
            logs,
            peak_kib: 0,
            cpu_done: 0.0,
            cpu_base: 0.0,
        }
    }

    /// The run begins: CPU counts from here.
    fn begin(&mut self, ticks: f64) {
        self.cpu_base = procfs::cpu_secs(self.proc.pid(), ticks).unwrap_or(0.0);
        self.cpu_done = 0.0;
    }

    fn sample_memory(&mut self) {
        if let Some(kib) = procfs::status_kib(self.proc.pid(), "VmHWM:") {
            self.peak_kib = self.peak_kib.max(kib);
        }
    }

    fn cpu(&self, ticks: f64) -> f64 {
        self.cpu_done + procfs::cpu_secs(self.proc.pid(), ticks).unwrap_or(0.0) - self.cpu_base
    }

    /// `kill -9`, then the same settings started again; the seconds until it listens.
    async fn kill9_and_restart(&mut self, ticks: f64) -> f64 {
        self.sample_memory();
        self.cpu_done += procfs::cpu_secs(self.proc.pid(), ticks).unwrap_or(0.0);
        self.proc.kill9();
        let killed = Instant::now();
        let proc = self.spec.launch(self.starts).await;
        self.starts += 1;
        self.logs.push(proc.log.clone());
        // The old process is gone already; dropping it only forgets its pid.
        self.proc = proc;
        killed.elapsed().as_secs_f64()
    }

    async fn stop(&mut self) {
        self.proc.stop().await;
    }
}

// ---------------------------------------------------------------------------------------------
// HTTP

/// Signs in as the operator; the `wxa_session=…` cookie pair.
async fn sign_in(http: &reqwest::Client, base: &str) -> Result<String, String> {
    let res = http
        .post(format!("{base}/api/auth/login"))
        .header("Origin", base)
        .form(&[("username", USERNAME), ("password", PASSWORD)])
        .send()
        .await
        .map_err(|e| format!("sign-in: {e}"))?;
    let status = res.status();
    let cookie = res
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .find(|pair| pair.starts_with("wxa_session="))
        .map(str::to_owned);
    let body = res.text().await.unwrap_or_default();
    match cookie {
        Some(c) if status.is_success() => Ok(c),
        _ => panic!("sign-in as {USERNAME} refused: {status} {}", excerpt(&body)),
    }
}

fn excerpt(text: &str) -> String {
    text.chars().take(600).collect()
}

/// The operator's session with one console.
struct Api {
    http: reqwest::Client,
    base: String,
    cookie: String,
}

impl Api {
    async fn new(http: reqwest::Client, base: String) -> Api {
        let cookie = sign_in(&http, &base)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        Api { http, base, cookie }
    }

    /// A JSON server function's answer. Err: no answer or a 5xx (a console restarting, a busy
    /// database), worth another try. A 4xx other than 401 means the benchmark asks the wrong
    /// thing: it panics.
    async fn post(&mut self, endpoint: &str, body: &Value) -> Result<String, String> {
        for attempt in 0..2 {
            let res = self
                .http
                .post(format!("{}/api/{endpoint}", self.base))
                .header(reqwest::header::COOKIE, &self.cookie)
                .json(body)
                .send()
                .await
                .map_err(|e| e.to_string())?;
            let status = res.status();
            let text = res.text().await.map_err(|e| e.to_string())?;
            if status == reqwest::StatusCode::UNAUTHORIZED && attempt == 0 {
                self.cookie = sign_in(&self.http, &self.base).await?;
                continue;
            }
            if status.is_server_error() {
                return Err(format!("{status}: {}", excerpt(&text)));
            }
            if !status.is_success() {
                panic!("{endpoint} answered {status}: {}", excerpt(&text));
            }
            return Ok(text);
        }
        Err(format!(
            "{endpoint}: still not signed in after signing in again"
        ))
    }

    async fn detail(&mut self, id: i64) -> Result<RolloutDetail, String> {
        let text = self.post("rollouts/get", &json!({ "id": id })).await?;
        let detail = serde_json::from_str(&text).unwrap_or_else(|e| {
            panic!(
                "rollouts/get answered something else than a rollout ({e}): {}",
                excerpt(&text)
            )
        });
        Ok(detail)
    }
}

async fn sim_get(http: &reqwest::Client, sim_base: &str, path: &str) -> reqwest::Response {
    http.get(format!("{sim_base}/__sim{path}"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("simulator {path}: {e}"))
}

async fn clear_calls(http: &reqwest::Client, sim_base: &str) {
    let res = http
        .delete(format!("{sim_base}/__sim/calls"))
        .send()
        .await
        .expect("clear the simulator's call log");
    assert!(
        res.status().is_success(),
        "clearing the call log: {}",
        res.status()
    );
}

async fn calls(http: &reqwest::Client, sim_base: &str) -> Vec<CallRecord> {
    sim_get(http, sim_base, "/calls")
        .await
        .json()
        .await
        .expect("the simulator's call log")
}

// ---------------------------------------------------------------------------------------------
// Seeding

/// Migrated, with the operator and the merchants; the merchants' ids.
async fn prepare_database(url: &str) -> Vec<i64> {
    let db = Db::connect(url, 5).await.expect("connect");
    db.migrate().await.expect("migrate");
    let now = app::db::now();
    let hash = app::services::password::hash(PASSWORD.to_owned())
        .await
        .expect("password hash");
    app::db::users::insert(
        &db,
        &NewUserRecord {
            username: USERNAME,
            display_name: "批量发布基准",
            password_hash: &hash,
            role: Role::Operator,
            merchant_id: None,
        },
        now,
    )
    .await
    .expect("operator");
    let mut merchants = Vec::new();
    for i in 0..MERCHANTS {
        merchants.push(
            app::db::merchants::insert(&db, &format!("基准商户{i:02}"), now)
                .await
                .expect("merchant"),
        );
    }
    db.pool.close().await;
    merchants
}

/// The console's services in this process, on the same database and key, against the
/// simulator: what seeds the mini programs.
async fn seeding_state(url: &str, sim_base: &str, console_base: &str, keys: &Keys) -> AppState {
    let db = Db::connect(url, 24).await.expect("connect");
    let demo = SimConfig::demo();
    let client = wechat::Client::with_timeout(sim_base.to_owned(), Duration::from_secs(30));
    let tokens = TokenCenter::new(
        db.clone(),
        client.clone(),
        ComponentCredentials {
            component_appid: demo.component_appid.clone(),
            component_secret: SecretString::from(demo.component_secret.clone()),
        },
        SecretBox::new(&keys.secret_key).expect("secret key"),
        format!("rollout-bench-seed-{}", std::process::id()),
    );
    let platform = Platform {
        component_appid: demo.component_appid.clone(),
        client,
        tokens: Arc::new(tokens),
        crypt: MsgCrypt::new(
            demo.message_token.clone(),
            &demo.encoding_aes_key,
            demo.component_appid.clone(),
        )
        .expect("callback crypto"),
        auth_page: format!("{sim_base}/cgi-bin/componentloginpage"),
        public_url: console_base.to_owned(),
        simulator_control: Some(format!("{sim_base}/__sim")),
    };
    AppState::new(db, Settings::default()).with_platform(Arc::new(platform))
}

/// Second-level categories without third levels (an item submitted under the first category
/// `get_category` offers needs no third level).
fn categories() -> Vec<(i64, &'static str, i64, &'static str)> {
    use wechat::simulator::provisional::{second_levels, third_levels};
    let list: Vec<_> = second_levels()
        .into_iter()
        .filter(|(f, _, s, _)| third_levels(*f, *s).is_empty())
        .collect();
    assert!(
        !list.is_empty(),
        "the simulator offers no two-level category"
    );
    list
}

/// Mini program `i` authorized as a real one is: pre-auth code, the owner confirms in the
/// simulator, the console exchanges the code and registers it under its merchant.
async fn authorize_one(
    state: &AppState,
    control: &SimControl,
    i: usize,
    merchants: &[i64],
    categories: &[(i64, &'static str, i64, &'static str)],
) -> Result<(), String> {
    let appid = demo_appid(i as u64);
    let merchant = merchants[i % merchants.len()];
    let request =
        authorization::create_request(state, Some(merchant), None, Some(SubjectType::Enterprise))
            .await
            .map_err(|e| format!("{appid}: pre-auth code: {e}"))?;
    let (first_id, first, second_id, second) = categories[i % categories.len()];
    let profile = AuthorizerProfile {
        appid: Some(appid.clone()),
        nick_name: format!("门店小程序{i}"),
        principal_name: format!("某某（上海）有限公司{}", i % 500),
        verify_type: 0,
        categories: vec![wechat::simulator::second_level(
            first_id, first, second_id, second,
        )],
    };
    let confirmed = control
        .authorize(&request.pre_auth_code, &profile)
        .await
        .map_err(|e| format!("{appid}: the owner's confirmation: {e}"))?;
    authorization::complete(state, Some(request), &confirmed.auth_code)
        .await
        .map_err(|e| format!("{appid}: exchanging the code: {e}"))?;
    Ok(())
}

/// Authorizes mini programs 0..n, `concurrency` at a time (each tried up to four times).
async fn seed(
    state: &AppState,
    control: &SimControl,
    merchants: &[i64],
    n: usize,
    concurrency: usize,
) {
    // The simulator pushed a ticket when it started (maybe before the console listened):
    // one more, kept here at once, so the component token can be had.
    let ticket = control
        .post("/push-ticket", json!({}))
        .await
        .expect("push-ticket")["ticket"]
        .as_str()
        .map(str::to_owned)
        .expect("a ticket");
    state
        .platform()
        .expect("platform")
        .tokens
        .store_ticket(&ticket, app::db::now())
        .await
        .expect("store the ticket");

    let next = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicUsize::new(0));
    let merchants: Arc<Vec<i64>> = Arc::new(merchants.to_vec());
    let categories = Arc::new(categories());
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..concurrency {
        let (state, control) = (state.clone(), control.clone());
        let (next, done) = (next.clone(), done.clone());
        let (merchants, categories) = (merchants.clone(), categories.clone());
        workers.spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    return Ok::<(), String>(());
                }
                let mut attempt = 0u64;
                loop {
                    match authorize_one(&state, &control, i, &merchants, &categories).await {
                        Ok(()) => break,
                        Err(e) if attempt >= 3 => return Err(e),
                        Err(_) => {
                            attempt += 1;
                            tokio::time::sleep(Duration::from_millis(250 * attempt)).await;
                        }
                    }
                }
                done.fetch_add(1, Ordering::Relaxed);
            }
        });
    }
    let started = Instant::now();
    let counter = done.clone();
    let printer = tokio::spawn(async move {
        loop {
            tokio::time::sleep(PRINT_EVERY).await;
            let d = counter.load(Ordering::Relaxed);
            let secs = started.elapsed().as_secs_f64();
            println!(
                "    seeding: {d} of {n} authorized in {secs:.0} s ({:.0}/s)",
                d as f64 / secs.max(0.001)
            );
        }
    });
    while let Some(joined) = workers.join_next().await {
        match joined {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                printer.abort();
                panic!("seeding failed (four attempts): {e}");
            }
            Err(e) => {
                printer.abort();
                panic!("a seeding task ended: {e}");
            }
        }
    }
    printer.abort();
}

/// Waits until the simulator has delivered every push and the console processed them (the
/// `authorized` pushes of seeding must not land in a run).
async fn settle_pushes(http: &reqwest::Client, sim_base: &str, db: &Db) {
    let deadline = Instant::now() + Duration::from_secs(900);
    let mut quiet = 0;
    let mut seen = -1;
    loop {
        let state: Value = sim_get(http, sim_base, "/state")
            .await
            .json()
            .await
            .expect("the simulator's state");
        let outbox = state["outbox"].as_i64().unwrap_or(-1);
        let (all, open): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN outcome IN ('received', 'processing') \
             THEN 1 ELSE 0 END), 0) FROM wechat_callbacks",
        )
        .fetch_one(&db.pool)
        .await
        .expect("callbacks");
        quiet = if outbox == 0 && open == 0 && all == seen {
            quiet + 1
        } else {
            0
        };
        if quiet >= 4 {
            return;
        }
        seen = all;
        if Instant::now() > deadline {
            println!(
                "    (after 15 min the simulator still holds {outbox} pushes, the console {open} \
                 unprocessed; going on)"
            );
            return;
        }
        tokio::time::sleep(POLL).await;
    }
}

// ---------------------------------------------------------------------------------------------
// Runs

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// One console, left alone.
    Plain,
    /// One console, `kill -9` at [`KILL_AT`] and restarted at once.
    Crash,
    /// Two consoles on the database, one rollout.
    Pair,
}

impl Mode {
    fn title(self) -> &'static str {
        match self {
            Mode::Plain => "run 1: one console",
            Mode::Crash => "run 2: one console killed (kill -9) three times and restarted",
            Mode::Pair => "run 3: two consoles sharing the rollout",
        }
    }
}

/// What a database's runs share.
struct Ctx<'a> {
    p: &'a Params,
    http: reqwest::Client,
    sim_base: String,
    sim_pid: u32,
    analysis: Db,
    appids: Vec<String>,
    template_id: i64,
    ticks: f64,
    spec: ConsoleSpec,
}

fn count(p: &Progress, kind: StateKind) -> u64 {
    p.counts
        .iter()
        .filter(|(k, _)| *k == kind)
        .map(|(_, n)| *n)
        .sum()
}

/// Commits and submits done, of two per target (skipped and failed targets count as done).
fn write_progress(p: &Progress) -> f64 {
    if p.total == 0 {
        return 0.0;
    }
    let past_commit = p.total.saturating_sub(count(p, StateKind::Pending));
    let past_submit = past_commit.saturating_sub(count(p, StateKind::Committed));
    (past_commit + past_submit) as f64 / (2 * p.total) as f64
}

fn describe(p: &Progress) -> String {
    let parts: Vec<String> = p
        .counts
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(k, n)| format!("{} {n}", k.as_str()))
        .collect();
    format!("{}/{} final; {}", p.done, p.total, parts.join(" · "))
}

/// Successful and refused calls of one path.
#[derive(Clone, Copy, Debug, Default)]
struct PathCount {
    ok: usize,
    err: usize,
}

/// The simulator's call log of one run, read.
#[derive(Debug, Default)]
struct CallStats {
    total: usize,
    /// The log dropped calls (its limit): the figures are of the last ones only.
    truncated: bool,
    by_path: BTreeMap<String, PathCount>,
    dup_commits: usize,
    dup_submits: usize,
    dup_releases: usize,
    /// Planned targets with no successful /wxa/release in the log.
    unreleased: usize,
}

fn call_stats(calls: &[CallRecord], planned: &HashSet<String>) -> CallStats {
    let mut stats = CallStats {
        total: calls.len(),
        truncated: calls.first().is_some_and(|c| c.seq != 1),
        ..CallStats::default()
    };
    let mut ok_by_app: HashMap<(&str, &str), usize> = HashMap::new();
    for c in calls {
        let entry = stats.by_path.entry(c.path.clone()).or_default();
        if c.errcode == 0 {
            entry.ok += 1;
            if let Some(appid) = &c.appid {
                *ok_by_app
                    .entry((c.path.as_str(), appid.as_str()))
                    .or_default() += 1;
            }
        } else {
            entry.err += 1;
        }
    }
    let dups = |path: &str| {
        ok_by_app
            .iter()
            .filter(|((p, _), n)| *p == path && **n > 1)
            .count()
    };
    stats.dup_commits = dups("/wxa/commit");
    stats.dup_submits = dups("/wxa/submit_audit");
    stats.dup_releases = dups("/wxa/release");
    stats.unreleased = planned
        .iter()
        .filter(|a| !ok_by_app.contains_key(&("/wxa/release", a.as_str())))
        .count();
    stats
}

/// The WeChat calls a console logged (`wechat::client` at debug): per path, successful
/// (errcode 0) and not.
fn logged_calls(logs: &[PathBuf]) -> BTreeMap<String, PathCount> {
    let mut by_path: BTreeMap<String, PathCount> = BTreeMap::new();
    for log in logs {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        for line in text.lines() {
            let line = strip_ansi(line);
            // The fields after the message (a request span before it may name a path too).
            let Some(at) = line.find("WeChat call ") else {
                continue;
            };
            let fields = &line[at..];
            if fields.starts_with("WeChat call failed") {
                continue;
            }
            let Some(path) = log_field(fields, "path") else {
                continue;
            };
            let entry = by_path.entry(path.to_owned()).or_default();
            if log_field(fields, "errcode") == Some("0") {
                entry.ok += 1;
            } else {
                entry.err += 1;
            }
        }
    }
    by_path
}

/// ` name=value` (quotes trimmed) in a log line.
fn log_field<'a>(line: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=");
    let start = line.find(&key)? + key.len();
    let rest = &line[start..];
    let end = rest.find(' ').unwrap_or(rest.len());
    Some(rest[..end].trim_matches('"'))
}

/// The line without terminal colour codes (ESC [ … letter).
fn strip_ansi(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            chars.next();
            for c in chars.by_ref() {
                if ('@'..='~').contains(&c) {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

struct KillNote {
    at_secs: f64,
    progress: String,
    restart_secs: f64,
}

struct ConsoleReport {
    label: String,
    starts: usize,
    peak_kib: u64,
    cpu_secs: f64,
    /// The pair run: its WeChat calls per path, from its log.
    logged: Option<BTreeMap<String, PathCount>>,
}

struct RunReport {
    mode: Mode,
    version: String,
    planned: usize,
    skipped: usize,
    create_secs: f64,
    secs: f64,
    finished: bool,
    released: usize,
    /// Planned targets not released (from the console's database).
    lost: usize,
    kinds: Vec<(String, i64)>,
    calls: CallStats,
    consoles: Vec<ConsoleReport>,
    sim_cpu_secs: f64,
    kills: Vec<KillNote>,
    reconciled: Vec<(String, i64)>,
    lease_secs: u64,
}

impl RunReport {
    fn calls_per_sec(&self) -> f64 {
        self.calls.total as f64 / self.secs.max(0.001)
    }

    fn targets_per_sec(&self) -> f64 {
        self.released as f64 / self.secs.max(0.001)
    }

    fn peak_mib(&self) -> f64 {
        procfs::mib(self.consoles.iter().map(|c| c.peak_kib).max().unwrap_or(0))
    }

    fn console_cpu(&self) -> f64 {
        self.consoles.iter().map(|c| c.cpu_secs).sum()
    }
}

fn request_body(ctx: &Ctx<'_>, version: &str) -> Value {
    json!({"request": {
        "spec": {
            "template_id": ctx.template_id,
            "user_version": version,
            "user_desc": "批量发布基准",
            "ext_json_template": EXT_JSON,
            "policy": "Automatic",
            "template_app_json": null
        },
        "targets": {"Appids": {"text": ctx.appids.join("\n")}},
        "limits": {"concurrency": ctx.p.concurrency, "calls_per_minute": ctx.p.calls_per_minute},
        // The category left to each target (its first one): one item list for all.
        "items": [{"address": AUDIT_PAGE, "tag": "门店 会员", "title": "首页"}],
        "paused": false
    }})
}

async fn run_rollout(ctx: &Ctx<'_>, mode: Mode, version: &str) -> RunReport {
    println!("  {} (version {version})…", mode.title());
    let log_calls = mode == Mode::Pair;
    let mut consoles = vec![
        Console::start(ConsoleSpec {
            label: "A".into(),
            log_calls,
            ..ctx.spec.clone()
        })
        .await,
    ];
    if mode == Mode::Pair {
        consoles.push(
            Console::start(ConsoleSpec {
                label: "B".into(),
                port: free_ports(1)[0],
                log_calls,
                ..ctx.spec.clone()
            })
            .await,
        );
    }
    // Every request goes to A (the simulator pushes to A too); B only works.
    let mut api = Api::new(ctx.http.clone(), consoles[0].spec.base()).await;
    for c in consoles.iter_mut() {
        c.begin(ctx.ticks);
    }
    let sim_cpu_before = procfs::cpu_secs(ctx.sim_pid, ctx.ticks).unwrap_or(0.0);
    clear_calls(&ctx.http, &ctx.sim_base).await;

    let body = request_body(ctx, version);
    let started = Instant::now();
    let text = api
        .post("rollouts/create", &body)
        .await
        .unwrap_or_else(|e| panic!("rollouts/create: {e}"));
    let id: i64 = serde_json::from_str(text.trim())
        .unwrap_or_else(|_| panic!("rollouts/create answered `{}`", excerpt(&text)));
    let create_secs = started.elapsed().as_secs_f64();
    println!("    rollout #{id} created in {create_secs:.1} s");

    let thresholds: &[f64] = if mode == Mode::Crash { &KILL_AT } else { &[] };
    let mut kills: Vec<KillNote> = Vec::new();
    let mut printed = Instant::now();
    let mut finished = false;
    loop {
        for c in consoles.iter_mut() {
            c.sample_memory();
        }
        match api.detail(id).await {
            Ok(d) => {
                let p = d.summary.progress;
                if p.total > 0 && p.done >= p.total {
                    finished = true;
                    break;
                }
                if let Some(&at) = thresholds.get(kills.len()) {
                    if write_progress(&p) >= at {
                        let at_secs = started.elapsed().as_secs_f64();
                        let restart_secs = consoles[0].kill9_and_restart(ctx.ticks).await;
                        println!(
                            "    ({at_secs:.0} s) kill -9 #{} at {:.0} % of the writes ({}); \
                             listening again {restart_secs:.1} s later",
                            kills.len() + 1,
                            write_progress(&p) * 100.0,
                            describe(&p),
                        );
                        kills.push(KillNote {
                            at_secs,
                            progress: describe(&p),
                            restart_secs,
                        });
                    }
                }
                if printed.elapsed() >= PRINT_EVERY {
                    printed = Instant::now();
                    println!(
                        "    ({:.0} s) {}",
                        started.elapsed().as_secs_f64(),
                        describe(&p)
                    );
                }
            }
            Err(e) => {
                if printed.elapsed() >= PRINT_EVERY {
                    printed = Instant::now();
                    println!(
                        "    ({:.0} s) rollouts/get: {e}",
                        started.elapsed().as_secs_f64()
                    );
                }
            }
        }
        if started.elapsed() > ctx.p.timeout {
            println!(
                "    not finished after {} s (WXA_BENCH_TIMEOUT_SECS): what is not released \
                 counts as lost",
                ctx.p.timeout.as_secs()
            );
            break;
        }
        tokio::time::sleep(POLL).await;
    }
    let secs = started.elapsed().as_secs_f64();
    for c in consoles.iter_mut() {
        c.sample_memory();
    }
    let console_cpu: Vec<f64> = consoles.iter().map(|c| c.cpu(ctx.ticks)).collect();
    let sim_cpu_secs = procfs::cpu_secs(ctx.sim_pid, ctx.ticks).unwrap_or(0.0) - sim_cpu_before;
    let log = calls(&ctx.http, &ctx.sim_base).await;

    // The worker marks the rollout finished on its next pass; the next run plans these
    // mini programs again (an unfinished rollout would keep them).
    if finished {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Ok(d) = api.detail(id).await {
                if d.summary.status != RolloutStatus::Running {
                    break;
                }
            }
            tokio::time::sleep(POLL).await;
        }
    }
    for c in consoles.iter_mut() {
        c.stop().await;
    }

    let db = &ctx.analysis;
    let kinds: Vec<(String, i64)> = sqlx::query_as(
        "SELECT kind, COUNT(*) FROM rollout_targets WHERE rollout_id = $1 GROUP BY kind \
         ORDER BY kind",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await
    .expect("target counts");
    let planned: HashSet<String> = sqlx::query_scalar::<_, String>(
        "SELECT appid FROM rollout_targets WHERE rollout_id = $1 AND kind <> 'skipped'",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await
    .expect("planned targets")
    .into_iter()
    .collect();
    let reconciled: Vec<(String, i64)> = sqlx::query_as(
        "SELECT outcome, COUNT(*) FROM rollout_events WHERE rollout_id = $1 \
         AND kind = 'reconcile' GROUP BY outcome ORDER BY outcome",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await
    .expect("reconciliations");
    let of_kind = |kind: StateKind| -> usize {
        kinds
            .iter()
            .filter(|(k, _)| k == kind.as_str())
            .map(|(_, n)| usize::try_from(*n).unwrap_or(0))
            .sum()
    };
    let released = of_kind(StateKind::Released);
    let skipped = of_kind(StateKind::Skipped);
    let report = RunReport {
        mode,
        version: version.to_owned(),
        planned: planned.len(),
        skipped,
        create_secs,
        secs,
        finished,
        released,
        lost: planned.len().saturating_sub(released),
        calls: call_stats(&log, &planned),
        consoles: consoles
            .iter()
            .zip(console_cpu)
            .map(|(c, cpu_secs)| ConsoleReport {
                label: c.spec.label.clone(),
                starts: c.starts,
                peak_kib: c.peak_kib,
                cpu_secs,
                logged: log_calls.then(|| logged_calls(&c.logs)),
            })
            .collect(),
        sim_cpu_secs,
        kills,
        reconciled,
        kinds,
        lease_secs: ctx.spec.lease_secs,
    };
    print_run(&report);
    report
}

fn print_run(r: &RunReport) {
    println!(
        "    {} in {:.1} s (create {:.1} s): {} planned, {} skipped, {} released{}",
        if r.finished { "final" } else { "stopped" },
        r.secs,
        r.create_secs,
        r.planned,
        r.skipped,
        r.released,
        if r.finished { "" } else { " (not finished)" },
    );
    let kinds: Vec<String> = r.kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
    println!("    targets by state: {}", kinds.join(" · "));
    println!(
        "    {:.1} targets/s; {} WeChat calls in the simulator's log, {:.1}/s{}",
        r.targets_per_sec(),
        r.calls.total,
        r.calls_per_sec(),
        if r.calls.truncated {
            " (the log dropped the oldest: raise WXA_SIMULATOR_CALL_LOG_LIMIT)"
        } else {
            ""
        },
    );
    let mut paths: Vec<(&String, &PathCount)> = r.calls.by_path.iter().collect();
    paths.sort_by_key(|(_, c)| std::cmp::Reverse(c.ok + c.err));
    for (path, c) in paths {
        println!("      {path:<40} {:>8} ok {:>6} refused", c.ok, c.err);
    }
    for c in &r.consoles {
        println!(
            "    console {}: peak RSS (VmHWM) {:.1} MiB, CPU {:.1} s, {} start(s)",
            c.label,
            procfs::mib(c.peak_kib),
            c.cpu_secs,
            c.starts
        );
    }
    println!("    simulator CPU {:.1} s", r.sim_cpu_secs);
    println!(
        "    duplicates in the call log (mini programs with more than one successful call): \
         commit {}, submit_audit {}, release {}",
        r.calls.dup_commits, r.calls.dup_submits, r.calls.dup_releases
    );
    println!(
        "    targets lost: {} (not released in the console), {} (no successful /wxa/release in \
         the call log)",
        r.lost, r.calls.unreleased
    );
    if !r.reconciled.is_empty() {
        let parts: Vec<String> = r
            .reconciled
            .iter()
            .map(|(o, n)| format!("{o} {n}"))
            .collect();
        println!(
            "    writes whose answer was lost, settled from WeChat's state: {}",
            parts.join(", ")
        );
    }
    if r.mode == Mode::Crash {
        println!(
            "    (a killed console's claimed targets wait for their lease, {} s, before another \
             process takes them: WXA_ROLLOUT_LEASE_SECS)",
            r.lease_secs
        );
    }
    println!();
}

// ---------------------------------------------------------------------------------------------
// One database

struct Figures {
    name: &'static str,
    seed_secs: f64,
    runs: Vec<RunReport>,
}

async fn bench_database(
    name: &'static str,
    url: &str,
    dir: &Path,
    p: &Params,
    http: &reqwest::Client,
    two_consoles: bool,
) -> Figures {
    println!("{name}: {} mini programs", p.targets);
    let merchants = prepare_database(url).await;
    let ports = free_ports(2);
    let (sim_port, console_port) = (ports[0], ports[1]);
    let sim_base = format!("http://127.0.0.1:{sim_port}");
    let sim = start_simulator(dir, sim_port, console_port, p).await;
    let keys = keys();
    let spec = ConsoleSpec {
        label: "seed".into(),
        url: url.to_owned(),
        dir: dir.to_owned(),
        port: console_port,
        sim_base: sim_base.clone(),
        secret_key: keys.secret_key_b64.clone(),
        session_secret: keys.session_secret_b64.clone(),
        tick_ms: p.tick_ms,
        lease_secs: p.lease_secs,
        log_calls: false,
    };

    // Seeding: a console receives the simulator's pushes meanwhile, as in production.
    let mut seeding_console = Console::start(spec.clone()).await;
    let state = seeding_state(url, &sim_base, &spec.base(), &keys).await;
    let control = SimControl::new(format!("{sim_base}/__sim"));
    let started = Instant::now();
    seed(&state, &control, &merchants, p.targets, p.seed_concurrency).await;
    settle_pushes(http, &sim_base, &state.db).await;
    let seed_secs = started.elapsed().as_secs_f64();
    let authorized: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM mini_programs WHERE status = $1")
            .bind(AppStatus::Authorized.as_str())
            .fetch_one(&state.db.pool)
            .await
            .expect("count mini programs");
    assert_eq!(
        usize::try_from(authorized).unwrap_or(0),
        p.targets,
        "seeding registered {authorized} authorized mini programs, not {}",
        p.targets
    );
    let platform = state.platform().expect("platform");
    let templates = platform
        .client
        .get_template_list(&platform.component_ctx(), None)
        .await
        .expect("template list")
        .template_list;
    let template_id = templates
        .first()
        .map(|t| t.template_id)
        .expect("the simulator's library has a template");
    state.db.pool.close().await;
    drop(state);
    seeding_console.stop().await;
    drop(seeding_console);
    println!(
        "  seeded {} authorized mini programs in {seed_secs:.1} s ({:.0}/s, {} at a time; not \
         part of the figures)\n",
        p.targets,
        p.targets as f64 / seed_secs.max(0.001),
        p.seed_concurrency
    );

    let ctx = Ctx {
        p,
        http: http.clone(),
        sim_base,
        sim_pid: sim.pid(),
        analysis: Db::connect(url, 2).await.expect("connect"),
        appids: (0..p.targets as u64).map(demo_appid).collect(),
        template_id,
        ticks: procfs::clock_ticks(),
        spec,
    };
    let mut runs = Vec::new();
    if p.plain {
        runs.push(run_rollout(&ctx, Mode::Plain, "3.0.0").await);
    }
    if p.crash {
        runs.push(run_rollout(&ctx, Mode::Crash, "3.1.0").await);
    }
    if p.pair && two_consoles {
        runs.push(run_rollout(&ctx, Mode::Pair, "3.2.0").await);
    }
    ctx.analysis.pool.close().await;
    drop(sim);
    Figures {
        name,
        seed_secs,
        runs,
    }
}

// ---------------------------------------------------------------------------------------------
// The figures

fn print_figures(p: &Params, all: &[Figures]) {
    println!(
        "== Figures: {} targets, concurrency {}, {} calls/min, worker tick {} ms, audits approved \
         after {} s ==",
        p.targets, p.concurrency, p.calls_per_minute, p.tick_ms, p.audit_delay_secs
    );
    println!(
        "{:<11} {:<6} {:>9} {:>9} {:>10} {:>11} {:>9} {:>10} {:>12} {:>10}",
        "database",
        "run",
        "seed s",
        "run s",
        "targets/s",
        "WeChat calls",
        "calls/s",
        "peak MiB",
        "console CPU",
        "sim CPU"
    );
    for f in all {
        for r in &f.runs {
            println!(
                "{:<11} {:<6} {:>9.1} {:>9.1} {:>10.1} {:>11} {:>9.1} {:>10.1} {:>11.1}s \
                 {:>9.1}s{}",
                f.name,
                match r.mode {
                    Mode::Plain => "1",
                    Mode::Crash => "2 kill",
                    Mode::Pair => "3 pair",
                },
                f.seed_secs,
                r.secs,
                r.targets_per_sec(),
                r.calls.total,
                r.calls_per_sec(),
                r.peak_mib(),
                r.console_cpu(),
                r.sim_cpu_secs,
                if r.finished { "" } else { "  (not finished)" },
            );
        }
    }
    let crashes: Vec<(&Figures, &RunReport)> = all
        .iter()
        .flat_map(|f| f.runs.iter().map(move |r| (f, r)))
        .filter(|(_, r)| r.mode == Mode::Crash)
        .collect();
    if !crashes.is_empty() {
        println!("\nkill -9 and restart (run 2), read from the simulator's call log:");
        println!(
            "{:<11} {:>5} {:>12} {:>13} {:>12} {:>12} {:>12}  kills at",
            "database",
            "kills",
            "restart s",
            "targets lost",
            "dup commits",
            "dup submits",
            "reconciled"
        );
        for (f, r) in crashes {
            let restart =
                r.kills.iter().map(|k| k.restart_secs).sum::<f64>() / r.kills.len().max(1) as f64;
            let reconciled: i64 = r.reconciled.iter().map(|(_, n)| n).sum();
            let at: Vec<String> = r
                .kills
                .iter()
                .map(|k| format!("{:.0} s ({})", k.at_secs, k.progress))
                .collect();
            println!(
                "{:<11} {:>5} {:>12.1} {:>13} {:>12} {:>12} {:>12}  {}",
                f.name,
                r.kills.len(),
                restart,
                r.lost.max(r.calls.unreleased),
                r.calls.dup_commits,
                r.calls.dup_submits,
                reconciled,
                at.join("; "),
            );
        }
    }
    for f in all {
        for r in all_pairs(f) {
            println!(
                "\ntwo consoles on one {} (run 3, version {}): the writes each made (its log), \
                 duplicates from the call log",
                f.name, r.version
            );
            println!(
                "{:<9} {:>9} {:>9} {:>9} {:>12} {:>10}",
                "console", "commits", "submits", "releases", "all calls", "peak MiB"
            );
            for c in &r.consoles {
                let logged = c.logged.clone().unwrap_or_default();
                let ok = |path: &str| logged.get(path).map_or(0, |c| c.ok);
                let all_calls: usize = logged.values().map(|c| c.ok + c.err).sum();
                let share = |n: usize| {
                    if r.planned == 0 {
                        0.0
                    } else {
                        n as f64 * 100.0 / r.planned as f64
                    }
                };
                println!(
                    "{:<9} {:>9} {:>9} {:>9} {:>12} {:>10.1}   ({:.0} % of the commits)",
                    c.label,
                    ok("/wxa/commit"),
                    ok("/wxa/submit_audit"),
                    ok("/wxa/release"),
                    all_calls,
                    procfs::mib(c.peak_kib),
                    share(ok("/wxa/commit")),
                );
            }
            let total = |path: &str| -> usize {
                r.consoles
                    .iter()
                    .filter_map(|c| c.logged.as_ref())
                    .map(|l| l.get(path).map_or(0, |c| c.ok))
                    .sum()
            };
            println!(
                "both: commits {}, submits {}, releases {} for {} targets; duplicates: commit {}, \
                 submit_audit {}, release {}; targets lost {}",
                total("/wxa/commit"),
                total("/wxa/submit_audit"),
                total("/wxa/release"),
                r.planned,
                r.calls.dup_commits,
                r.calls.dup_submits,
                r.calls.dup_releases,
                r.lost.max(r.calls.unreleased),
            );
        }
    }
}

fn all_pairs(f: &Figures) -> impl Iterator<Item = &RunReport> {
    f.runs.iter().filter(|r| r.mode == Mode::Pair)
}

#[tokio::main]
async fn main() {
    install_signal_handlers();
    let p = Params::from_env();
    let (bin, _) = server_binary();
    assert!(
        bin.is_file(),
        "{} is missing: cargo bench --workspace --bench rollouts builds it",
        bin.display()
    );
    // WXA_BENCH_DIR keeps the databases and logs; otherwise a temporary folder.
    let kept = std::env::var("WXA_BENCH_DIR")
        .ok()
        .filter(|d| !d.is_empty());
    let temp = match kept {
        Some(_) => None,
        None => Some(tempfile::tempdir().expect("temp dir")),
    };
    let root: PathBuf = match (&kept, &temp) {
        (Some(d), _) => PathBuf::from(d),
        (None, Some(t)) => t.path().to_owned(),
        (None, None) => unreachable!("a temp dir when none is kept"),
    };
    std::fs::create_dir_all(&root).expect("bench dir");
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(600))
        .build()
        .expect("http client");

    let mut figures = Vec::new();
    let sqlite_dir = root.join("sqlite");
    std::fs::create_dir_all(&sqlite_dir).expect("sqlite dir");
    let sqlite_url = format!("sqlite://{}/bench.db?mode=rwc", sqlite_dir.display());
    if p.sqlite {
        figures.push(bench_database("SQLite", &sqlite_url, &sqlite_dir, &p, &http, false).await);
    }
    match std::env::var("WXA_TEST_PG_URL") {
        Ok(admin) if !admin.is_empty() && p.postgres => {
            sqlx::any::install_default_drivers();
            let mut conn = AnyConnection::connect(&admin).await.expect("postgres");
            conn.execute("DROP DATABASE IF EXISTS wxa_bench_rollouts")
                .await
                .expect("drop");
            conn.execute("CREATE DATABASE wxa_bench_rollouts")
                .await
                .expect("create");
            conn.close().await.expect("close");
            let (prefix, _) = admin.rsplit_once('/').expect("url");
            let pg_dir = root.join("postgres");
            std::fs::create_dir_all(&pg_dir).expect("postgres dir");
            let pg_url = format!("{prefix}/wxa_bench_rollouts");
            figures.push(bench_database("PostgreSQL", &pg_url, &pg_dir, &p, &http, true).await);
        }
        _ => println!(
            "PostgreSQL: skipped (WXA_TEST_PG_URL is not set; scripts/bench-rollouts.sh starts \
             one), and with it the run with two consoles\n"
        ),
    }
    print_figures(&p, &figures);
    if kept.is_some() {
        println!("\ndatabases and logs kept in {}", root.display());
    }
}
