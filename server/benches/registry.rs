//! Registry queries on 10,000 mini programs: prints timings (p50 / p95), never fails on speed.
//! SQLite always; PostgreSQL too when WXA_TEST_PG_URL names a server (scripts/bench.sh).

use app::db::{mini_programs::NewMiniProgram, Db};
use app::domain::auth::Role;
use app::domain::mini_program::{AppStatus, MiniProgramQuery, MiniProgramSort, SubjectType};
use app::domain::pagination::{PageRequest, SortDir};
use app::model::CurrentUser;
use app::services::{demo::demo_appid, mini_programs};
use sqlx::{AnyConnection, Connection, Executor};
use std::time::{Duration, Instant};

const ROWS: u64 = 10_000;
const RUNS: usize = 60;

async fn fill(db: &Db) {
    db.migrate().await.expect("migrate");
    let now = app::db::now();
    let mut merchants = Vec::new();
    for i in 0..20 {
        merchants.push(
            app::db::merchants::insert(db, &format!("商户{i:02}"), now)
                .await
                .expect("merchant"),
        );
    }
    let mut tx = db.pool.begin().await.expect("tx");
    for i in 0..ROWS {
        let p = NewMiniProgram {
            appid: &demo_appid(i),
            nick_name: &format!("门店小程序{i}"),
            principal_name: &format!("某某（上海）有限公司{}", i % 500),
            subject: SubjectType::ALL[(i % 6) as usize],
            merchant_id: Some(merchants[(i % 20) as usize]),
            status: AppStatus::ALL[(i % 3) as usize],
            created_at: now - i as i64 * 60,
        };
        app::db::mini_programs::insert(&mut *tx, &p)
            .await
            .expect("insert");
    }
    tx.commit().await.expect("commit");
    if db.kind == app::db::DbKind::Postgres {
        sqlx::query("ANALYZE")
            .execute(&db.pool)
            .await
            .expect("analyze");
    }
}

fn user(role: Role, merchant_id: Option<i64>) -> CurrentUser {
    CurrentUser {
        id: 1,
        username: "bench".into(),
        display_name: "bench".into(),
        role,
        merchant_id,
        merchant_name: None,
    }
}

async fn measure(db: &Db, label: &str, who: &CurrentUser, q: MiniProgramQuery) {
    let total = mini_programs::list(db, who, &q).await.expect("list").total;
    timed(&format!("{label:<44} rows={total:>6}"), || async {
        mini_programs::list(db, who, &q).await.expect("list");
    })
    .await;
}

/// p50 / p95 of `RUNS` runs of `work`.
async fn timed<F, Fut>(label: &str, mut work: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut times: Vec<Duration> = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let start = Instant::now();
        work().await;
        times.push(start.elapsed());
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "  {label:<58} p50 {:>7.3} ms  p95 {:>7.3} ms",
        ms(times[RUNS / 2]),
        ms(times[RUNS * 95 / 100])
    );
}

/// What every signed-in request reads first: its session and its user, as one joined query
/// (the store now) against the session and then the user by id (before).
async fn session_and_user(db: &Db) {
    use tower_sessions::session::{Id, Record};
    use tower_sessions::session_store::SessionStore;
    let uid = app::db::users::insert(
        db,
        &app::db::users::NewUserRecord {
            username: "bench-session",
            display_name: "bench",
            password_hash: "not-a-hash",
            role: Role::Operator,
            merchant_id: None,
        },
        app::db::now(),
    )
    .await
    .expect("user");
    let store = app::db::session_store::DbSessionStore::new(db.clone());
    let mut record = Record {
        id: Id::default(),
        data: [(
            app::db::session_store::USER_ID_KEY.to_string(),
            serde_json::json!(uid),
        )]
        .into_iter()
        .collect(),
        expiry_date: time::OffsetDateTime::now_utc() + time::Duration::hours(1),
    };
    store.create(&mut record).await.expect("session");
    let id = record.id;
    timed("session with its user, one query (now)", || async {
        let loaded = store.load(&id).await.expect("load").expect("session");
        assert!(loaded
            .data
            .contains_key(app::db::session_store::USER_ROW_KEY));
    })
    .await;
    timed("session, then its user by id (before)", || async {
        let data: Option<String> =
            sqlx::query_scalar("SELECT data FROM sessions WHERE id = $1 AND expiry_date > $2")
                .bind(id.to_string())
                .bind(app::db::now())
                .fetch_optional(&db.pool)
                .await
                .expect("session");
        let record: Record = serde_json::from_str(&data.expect("session")).expect("decode");
        assert!(record.data.contains_key("uid"));
        app::db::users::find(db, uid)
            .await
            .expect("user")
            .expect("found");
    })
    .await;
}

async fn run(name: &str, db: Db) {
    println!("{name}: filling {ROWS} mini programs…");
    let start = Instant::now();
    fill(&db).await;
    println!("  filled in {:.1} s", start.elapsed().as_secs_f64());
    let staff = user(Role::Operator, None);
    let merchant = user(Role::Merchant, Some(3));
    session_and_user(&db).await;
    let page = |p| PageRequest::new(p, 20);
    measure(
        &db,
        "first page, newest first",
        &staff,
        MiniProgramQuery::default(),
    )
    .await;
    measure(
        &db,
        "page 400 of 500",
        &staff,
        MiniProgramQuery {
            page: page(400),
            ..Default::default()
        },
    )
    .await;
    measure(
        &db,
        "search '门店小程序99' (substring)",
        &staff,
        MiniProgramQuery {
            search: "门店小程序99".into(),
            ..Default::default()
        },
    )
    .await;
    measure(
        &db,
        "filter subject + status",
        &staff,
        MiniProgramQuery {
            subject: Some(SubjectType::Enterprise),
            status: Some(AppStatus::Authorized),
            ..Default::default()
        },
    )
    .await;
    measure(
        &db,
        "sort by merchant name, asc",
        &staff,
        MiniProgramQuery {
            sort: MiniProgramSort::Merchant,
            dir: SortDir::Asc,
            ..Default::default()
        },
    )
    .await;
    measure(
        &db,
        "merchant scope (500 rows), sort by name",
        &merchant,
        MiniProgramQuery {
            sort: MiniProgramSort::Name,
            ..Default::default()
        },
    )
    .await;
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}/bench.db?mode=rwc", dir.path().display());
    run("SQLite", Db::connect(&url, 5).await.expect("sqlite")).await;
    if let Ok(admin) = std::env::var("WXA_TEST_PG_URL") {
        sqlx::any::install_default_drivers();
        let mut conn = AnyConnection::connect(&admin).await.expect("postgres");
        conn.execute("DROP DATABASE IF EXISTS wxa_bench")
            .await
            .expect("drop");
        conn.execute("CREATE DATABASE wxa_bench")
            .await
            .expect("create");
        let (prefix, _) = admin.rsplit_once('/').expect("url");
        run(
            "PostgreSQL",
            Db::connect(&format!("{prefix}/wxa_bench"), 5)
                .await
                .expect("pg"),
        )
        .await;
    }
}
