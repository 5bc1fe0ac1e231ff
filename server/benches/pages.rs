//! The page benchmark (issue 16): seeds 10,000 mini programs, 1,000,000 audit-log rows and
//! 200,000 pushes in the callbacks inbox, starts the release server binary on that database,
//! signs in and measures the signed-in list pages with wrk (`-t2 -c32 -d8s --latency`,
//! loopback), against `/login` as the reference.
//! SQLite always; PostgreSQL too when WXA_TEST_PG_URL names a server (scripts/bench.sh).
//! Prints figures and whether each page meets the target; never fails on speed. It fails
//! loudly when it would measure the wrong thing (a page answering a redirect to /login).

#[path = "support/procfs.rs"]
mod procfs;

use app::db::users::NewUserRecord;
use app::db::{Db, DbKind};
use app::domain::audit_log::action;
use app::domain::auth::Role;
use app::domain::mini_program::{AppStatus, SubjectType};
use app::domain::notifications::KINDS;
use app::services::demo::demo_appid;
use sqlx::{AnyConnection, Connection, Executor};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const APPS: i64 = 10_000;
const MERCHANTS: i64 = 20;
const AUDIT_ROWS: i64 = 1_000_000;
/// Seconds between two audit-log rows: 1,000,000 rows cover about a year.
const AUDIT_STEP: i64 = 31;
const NOTIFICATIONS: i64 = 300;
/// Pushes in the callbacks inbox: a year of a busy platform's, one every 157 seconds.
const CALLBACKS: i64 = 200_000;
const CALLBACK_STEP: i64 = 157;
const USERNAME: &str = "operator";
const PASSWORD: &str = "bench-operator-password";
/// Rows per multi-row INSERT.
const CHUNK: usize = 500;

/// wrk's own timeout (2 s) would leave the slowest answers out of the latencies: 30 s keeps them.
const WRK_ARGS: [&str; 5] = ["-t2", "-c32", "-d8s", "--latency", "--timeout=30s"];
const WARMUP_ARGS: [&str; 3] = ["-t2", "-c32", "-d1s"];
/// The target: each signed-in page at least this share of /login's req/s …
const MIN_RATIO: f64 = 0.40;
/// … and a p99 at most this many milliseconds.
const MAX_P99_MS: f64 = 20.0;

// ---------------------------------------------------------------------------------------------
// Seeding

/// An SQL string literal.
fn lit(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn opt(v: Option<i64>) -> String {
    v.map_or_else(|| "NULL".to_owned(), |v| v.to_string())
}

/// `CASE <expr> WHEN 0 THEN <v0> WHEN 1 THEN <v1> … END`.
fn case(expr: &str, values: &[String]) -> String {
    let mut sql = format!("CASE {expr}");
    for (i, v) in values.iter().enumerate() {
        let _ = write!(sql, " WHEN {i} THEN {v}");
    }
    sql.push_str(" END");
    sql
}

/// Multi-row INSERTs of literal rows, `CHUNK` rows a statement, in one transaction.
async fn insert_rows(db: &Db, head: &str, rows: &[String]) {
    let mut tx = db.pool.begin().await.expect("begin");
    for chunk in rows.chunks(CHUNK) {
        let sql = format!("{head} VALUES {}", chunk.join(", "));
        sqlx::query(&sql)
            .persistent(false)
            .execute(&mut *tx)
            .await
            .unwrap_or_else(|e| panic!("{head}: {e}"));
    }
    tx.commit().await.expect("commit");
}

#[derive(Clone, Copy, PartialEq)]
enum Who {
    /// An admin or an operator.
    Staff,
    /// Staff, or the merchant user of the mini program's merchant.
    Anyone,
    /// WeChat's pushes ("wechat") and the token worker ("system").
    Named(&'static str),
}

/// Every action the audit log knows, with the target type and who does it.
fn actions() -> Vec<(&'static str, &'static str, Who)> {
    use action::*;
    vec![
        (LOGIN, "user", Who::Anyone),
        (LOGIN_FAILED, "user", Who::Anyone),
        (LOGOUT, "user", Who::Anyone),
        (USER_CREATE, "user", Who::Staff),
        (USER_DISABLE, "user", Who::Staff),
        (USER_ENABLE, "user", Who::Staff),
        (USER_RESET_PASSWORD, "user", Who::Staff),
        (USER_CHANGE_ROLE, "user", Who::Staff),
        (MERCHANT_CREATE, "merchant", Who::Staff),
        (MERCHANT_RENAME, "merchant", Who::Staff),
        (MERCHANT_ASSIGN, "merchant", Who::Staff),
        (MERCHANT_PERMISSION, "merchant", Who::Staff),
        (AUTHORIZATION_START, "authorization", Who::Staff),
        (
            MINI_PROGRAM_AUTHORIZED,
            "mini_program",
            Who::Named("wechat"),
        ),
        (
            MINI_PROGRAM_UNAUTHORIZED,
            "mini_program",
            Who::Named("wechat"),
        ),
        (
            MINI_PROGRAM_NEEDS_REAUTH,
            "mini_program",
            Who::Named("wechat"),
        ),
        (WECHAT_AUDIT_RESULT, "mini_program", Who::Named("wechat")),
        (CALLBACK_REPLAY, "callback", Who::Staff),
        (TOKEN_REFRESH, "token", Who::Named("system")),
        (ACCESS_REFUSED, "mini_program", Who::Anyone),
        (RELEASE_COMMIT, "mini_program", Who::Anyone),
        (RELEASE_SUBMIT_AUDIT, "mini_program", Who::Anyone),
        (RELEASE_AUDIT_REFRESH, "mini_program", Who::Anyone),
        (RELEASE_UNDO_AUDIT, "mini_program", Who::Anyone),
        (RELEASE_RELEASE, "mini_program", Who::Anyone),
        (RELEASE_VISIT_STATUS, "mini_program", Who::Anyone),
        (RELEASE_REVERT, "mini_program", Who::Anyone),
        (RELEASE_GRAY, "mini_program", Who::Anyone),
        (RELEASE_REVERT_GRAY, "mini_program", Who::Anyone),
        (RELEASE_SUPPORT_VERSION, "mini_program", Who::Anyone),
    ]
}

/// One code_audits row of a mini program (`k`: which of its audits, for the auditid).
struct Audit {
    k: i64,
    status: i64,
    reason: Option<&'static str>,
    submitted: i64,
    finished: Option<i64>,
    released: Option<i64>,
    next_poll: i64,
}

struct Staff {
    id: i64,
    name: String,
    role: Role,
}

/// 1,000,000 rows in one INSERT … SELECT over a recursive CTE (the same SQL on both
/// databases), oldest first, over all actions, actors, outcomes and mini programs.
fn audit_log_sql(first_app_id: i64, staff: &[Staff], start: i64) -> String {
    let acts = actions();
    let n = acts.len();
    let action = case(
        &format!("s.i % {n}"),
        &acts.iter().map(|a| lit(a.0)).collect::<Vec<_>>(),
    );
    let target_type = case(
        &format!("s.i % {n}"),
        &acts.iter().map(|a| lit(a.1)).collect::<Vec<_>>(),
    );
    // who: 0 staff, 1 the merchant's user, 2+ a named system actor.
    let mut named: Vec<&str> = Vec::new();
    let who = case(
        &format!("s.i % {n}"),
        &acts
            .iter()
            .map(|a| match a.2 {
                Who::Staff => "0".to_owned(),
                // Two in five entries of these are the merchant's user.
                Who::Anyone => "CASE WHEN (s.i / 7) % 5 < 3 THEN 0 ELSE 1 END".to_owned(),
                Who::Named(name) => {
                    let k = named.iter().position(|n| *n == name).unwrap_or_else(|| {
                        named.push(name);
                        named.len() - 1
                    });
                    (2 + k).to_string()
                }
            })
            .collect::<Vec<_>>(),
    );
    let staff_of =
        |f: &dyn Fn(&Staff) -> String| case("staff", &staff.iter().map(f).collect::<Vec<_>>());
    let staff_id = staff_of(&|s| s.id.to_string());
    let staff_name = staff_of(&|s| lit(&s.name));
    let staff_role = staff_of(&|s| lit(s.role.as_str()));
    let named_names: Vec<String> = named.iter().map(|n| lit(n)).collect();
    let actor_name = format!(
        "CASE WHEN who = 0 THEN {staff_name} WHEN who = 1 THEN mu_name ELSE {} END",
        case("who - 2", &named_names)
    );
    format!(
        "WITH RECURSIVE s(i) AS (SELECT CAST(0 AS BIGINT) UNION ALL SELECT i + 1 FROM s WHERE i < {last}), \
         r AS (SELECT s.i AS i, p.appid AS appid, p.merchant_id AS merchant_id, u.id AS mu_id, \
             COALESCE(u.username, 'operator') AS mu_name, {action} AS action, \
             {target_type} AS target_type, {who} AS who, (s.i / 11) % {staff_count} AS staff \
             FROM s CROSS JOIN mini_programs p LEFT JOIN users u ON u.merchant_id = p.merchant_id \
             WHERE p.id = {first_app_id} + s.i % {APPS}) \
         INSERT INTO audit_log (at, actor_id, actor_name, actor_role, merchant_id, action, \
             target_type, target_id, outcome, detail) \
         SELECT {start} + i * {AUDIT_STEP}, \
             CASE WHEN who = 0 THEN {staff_id} WHEN who = 1 THEN mu_id ELSE NULL END, \
             {actor_name}, \
             CASE WHEN who = 0 THEN {staff_role} WHEN who = 1 THEN 'merchant' ELSE NULL END, \
             CASE WHEN who = 1 OR target_type IN ('mini_program', 'authorization', 'merchant') \
                 THEN merchant_id ELSE NULL END, \
             action, target_type, \
             CASE target_type WHEN 'user' THEN mu_name \
                 WHEN 'merchant' THEN CAST(merchant_id AS TEXT) \
                 WHEN 'token' THEN 'component' \
                 WHEN 'callback' THEN CAST(i AS TEXT) \
                 WHEN 'authorization' THEN CAST(i % 1000 AS TEXT) \
                 ELSE appid END, \
             CASE WHEN action = 'auth.login_failed' OR i % 17 = 0 THEN 'failure' ELSE 'success' END, \
             CASE WHEN action = 'auth.login_failed' THEN 'bad_credentials' \
                 WHEN i % 17 = 0 THEN 'errcode 85009: 已有审核版本，请勿重复提交' \
                 WHEN action = 'release.commit' THEN '模板 ' || CAST(1 + i % 5 AS TEXT) \
                 ELSE '' END \
         FROM r",
        last = AUDIT_ROWS - 1,
        staff_count = staff.len(),
    )
}

/// The callbacks inbox (the same SQL on both databases), oldest first: mostly verify tickets,
/// the rest audit results and authorization changes of the seeded mini programs; one in 500
/// failed, one in 50 ignored.
fn callbacks_sql(start: i64) -> String {
    let kinds = [
        "component_verify_ticket",
        "component_verify_ticket",
        "component_verify_ticket",
        "weapp_audit_success",
        "weapp_audit_fail",
        "updateauthorized",
        "wxa_nickname_audit",
        "unauthorized",
    ];
    let kind = case(
        &format!("s.i % {}", kinds.len()),
        &kinds.iter().map(|k| lit(k)).collect::<Vec<_>>(),
    );
    format!(
        "WITH RECURSIVE s(i) AS (SELECT CAST(0 AS BIGINT) UNION ALL SELECT i + 1 FROM s WHERE i < {last}), \
         r AS (SELECT s.i AS i, {kind} AS kind, p.appid AS appid FROM s \
             CROSS JOIN mini_programs p WHERE p.id = (SELECT MIN(id) FROM mini_programs) + s.i % {APPS}) \
         INSERT INTO wechat_callbacks (dedupe_key, received_at, kind, appid, payload, outcome, \
             outcome_detail, processed_at, attempts) \
         SELECT 'bench-' || CAST(i AS TEXT), {start} + i * {CALLBACK_STEP}, kind, \
             CASE WHEN kind = 'component_verify_ticket' THEN NULL ELSE appid END, \
             '<xml><InfoType><![CDATA[' || kind || ']]></InfoType></xml>', \
             CASE WHEN i % 500 = 0 THEN 'failed' WHEN i % 50 = 0 THEN 'ignored' ELSE 'processed' END, \
             CASE WHEN i % 500 = 0 THEN 'errcode 61023' ELSE '' END, \
             {start} + i * {CALLBACK_STEP} + 1, 1 \
         FROM r",
        last = CALLBACKS - 1,
    )
}

async fn count(db: &Db, table: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(&db.pool)
        .await
        .expect("count")
}

/// Fills a migrated database; returns nothing, prints what took how long.
async fn seed(db: &Db) {
    let now = app::db::now();
    let started = Instant::now();

    let mut merchants = Vec::new();
    for i in 0..MERCHANTS {
        merchants.push(
            app::db::merchants::insert(db, &format!("商户{i:02}"), now)
                .await
                .expect("merchant"),
        );
    }
    // One hash for every account (the app's own argon2id).
    let hash = app::services::password::hash(PASSWORD.to_owned())
        .await
        .expect("password hash");
    let mut staff = Vec::new();
    for (name, role) in [
        (USERNAME, Role::Operator),
        ("admin", Role::Admin),
        ("ops-li", Role::Operator),
        ("ops-wang", Role::Operator),
        ("ops-zhao", Role::Operator),
    ] {
        let id = app::db::users::insert(
            db,
            &NewUserRecord {
                username: name,
                display_name: name,
                password_hash: &hash,
                role,
                merchant_id: None,
            },
            now,
        )
        .await
        .expect("user");
        staff.push(Staff {
            id,
            name: name.to_owned(),
            role,
        });
    }
    let operator_id = staff[0].id;
    for (i, m) in merchants.iter().enumerate() {
        let name = format!("merchant{:02}", i + 1);
        app::db::users::insert(
            db,
            &NewUserRecord {
                username: &name,
                display_name: &format!("商户{i:02} 管理员"),
                password_hash: &hash,
                role: Role::Merchant,
                merchant_id: Some(*m),
            },
            now,
        )
        .await
        .expect("merchant user");
    }

    // 10,000 mini programs, as in registry.rs.
    let appids: Vec<String> = (0..APPS as u64).map(demo_appid).collect();
    let rows: Vec<String> = (0..APPS)
        .map(|i| {
            format!(
                "({}, {}, {}, {}, {}, {}, {}, {})",
                lit(&appids[i as usize]),
                lit(&format!("门店小程序{i}")),
                lit(&format!("某某（上海）有限公司{}", i % 500)),
                lit(SubjectType::ALL[(i % 6) as usize].as_str()),
                merchants[(i % MERCHANTS) as usize],
                lit(AppStatus::ALL[(i % 3) as usize].as_str()),
                now - i * 60,
                now - i * 60,
            )
        })
        .collect();
    insert_rows(
        db,
        "INSERT INTO mini_programs (appid, nick_name, principal_name, subject_type, merchant_id, \
         status, created_at, updated_at)",
        &rows,
    )
    .await;
    let first_app_id: i64 = sqlx::query_scalar("SELECT MIN(id) FROM mini_programs")
        .fetch_one(&db.pool)
        .await
        .expect("first id");

    // Release state, by i % 10: 0 auditing, 1 rejected, 2 approved, 3 online (after a rejected
    // and an approved audit), 4 gray, 5 auditing (delayed), 6–7 online (released elsewhere),
    // 8 committed only, 9 never committed.
    let day = 86_400;
    let version = |i: i64| format!("2.{}.{}", i % 7, i % 11);
    let base = |i: i64| now - (i % 1000) * 3600;
    let commits: Vec<String> = (0..APPS)
        .filter(|i| i % 10 != 9)
        .map(|i| {
            let appid = &appids[i as usize];
            format!(
                "({}, {}, {}, {}, {}, {operator_id}, {}, {})",
                lit(appid),
                1 + i % 5,
                lit(&version(i)),
                lit("门店版本更新：会员与优惠券"),
                lit(&format!(
                    r#"{{"extAppid":"{appid}","ext":{{"storeId":{i},"theme":"green"}}}}"#
                )),
                lit(USERNAME),
                base(i) - 3 * day,
            )
        })
        .collect();
    insert_rows(
        db,
        "INSERT INTO code_commits (appid, template_id, user_version, user_desc, ext_json, \
         committed_by, committed_by_name, committed_at)",
        &commits,
    )
    .await;
    let commit_ids: HashMap<String, i64> =
        sqlx::query_as::<_, (i64, String)>("SELECT id, appid FROM code_commits")
            .fetch_all(&db.pool)
            .await
            .expect("commits")
            .into_iter()
            .map(|(id, appid)| (appid, id))
            .collect();
    let item_list = lit(
        r#"[{"address":"pages/index/index","tag":"门店 会员","first_class":"生活服务","second_class":"综合生活服务","title":"首页"}]"#,
    );
    let never = now + 10 * 365 * day;
    let mut audits = Vec::new();
    let mut statuses = Vec::new();
    for i in 0..APPS {
        let appid = &appids[i as usize];
        let commit = commit_ids.get(appid).copied();
        let v = version(i);
        let b = base(i);
        let audit = |k, status, reason, submitted, finished| Audit {
            k,
            status,
            reason,
            submitted,
            finished,
            released: None,
            // Pending audits are never due: the server's poller leaves them alone.
            next_poll: if finished.is_none() { never } else { 0 },
        };
        let these = match i % 10 {
            0 => vec![audit(0, 2, None, b - 2 * day, None)],
            1 => vec![audit(
                0,
                1,
                Some("小程序存在空白页"),
                b - 2 * day,
                Some(b - day),
            )],
            2 => vec![audit(0, 0, None, b - 2 * day, Some(b - day))],
            3 => vec![
                audit(0, 1, Some("类目不符"), b - 10 * day, Some(b - 9 * day)),
                Audit {
                    released: Some(b - day),
                    ..audit(1, 0, None, b - 2 * day, Some(b - 2 * day + 3600))
                },
            ],
            4 => vec![audit(0, 0, None, b - 3 * day, Some(b - 2 * day))],
            5 => vec![audit(0, 4, None, b - 5 * day, None)],
            _ => vec![],
        };
        for Audit {
            k,
            status,
            reason,
            submitted,
            finished,
            released,
            next_poll,
        } in these
        {
            audits.push(format!(
                "({}, {}, {}, {}, {item_list}, {status}, {}, {operator_id}, {}, {submitted}, {}, {}, {next_poll}, {})",
                lit(appid),
                400_000_000 + i * 2 + k,
                opt(commit),
                lit(&v),
                reason.map_or_else(|| "NULL".to_owned(), lit),
                lit(USERNAME),
                opt(finished),
                if finished.is_some() { lit("push") } else { "NULL".to_owned() },
                opt(released),
            ));
        }
        let online = match i % 10 {
            3 => Some((v.clone(), commit, b - day, None)),
            4 => Some(("1.9.0".to_owned(), None, b - 30 * day, Some((1, 20)))),
            6 | 7 => Some((format!("1.{}.0", i % 5), None, b - 5 * day, None)),
            _ => None,
        };
        if let Some((online_version, online_commit, released_at, gray)) = online {
            statuses.push(format!(
                "({}, {}, {}, {}, {}, {released_at}, {}, {}, {}, {}, {}, 'open', {released_at})",
                lit(appid),
                lit(&online_version),
                lit("门店版本更新"),
                1 + i % 5,
                opt(online_commit),
                lit("1.8.0"),
                lit("上一版本"),
                opt(gray.map(|g| g.0)),
                opt(gray.map(|g| g.1)),
                opt(gray.map(|_| b - 3600)),
            ));
        }
    }
    insert_rows(
        db,
        "INSERT INTO code_audits (appid, auditid, commit_id, user_version, item_list, status, \
         reason, submitted_by, submitted_by_name, submitted_at, finished_at, result_source, \
         next_poll_at, released_at)",
        &audits,
    )
    .await;
    insert_rows(
        db,
        "INSERT INTO release_status (appid, online_version, online_desc, online_template_id, \
         online_commit_id, online_released_at, previous_version, previous_desc, gray_status, \
         gray_percentage, gray_updated_at, visit_status, updated_at)",
        &statuses,
    )
    .await;

    // Notifications for the staff, a third of them unread by the operator.
    let notes: Vec<String> = (0..NOTIFICATIONS)
        .map(|j| {
            let i = (j * 33) % APPS;
            let appid = &appids[i as usize];
            let kind = KINDS[(j % KINDS.len() as i64) as usize];
            let params = serde_json::json!({
                "appid": appid,
                "nick_name": format!("门店小程序{i}"),
                "auditid": 400_000_000 + i * 2,
                "reason": if kind.ends_with("rejected") { "小程序存在空白页" } else { "" },
            });
            format!(
                "({}, {}, {}, {}, {}, {}, {})",
                now - j * 600,
                merchants[(i % MERCHANTS) as usize],
                lit(appid),
                lit(kind),
                lit(&params.to_string()),
                lit(&format!("/apps/{appid}/release")),
                lit(&format!("bench:{j}")),
            )
        })
        .collect();
    insert_rows(
        db,
        "INSERT INTO notifications (created_at, merchant_id, appid, kind, params, link, dedupe_key)",
        &notes,
    )
    .await;
    let note_ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM notifications ORDER BY id")
        .fetch_all(&db.pool)
        .await
        .expect("notification ids");
    let reads: Vec<String> = note_ids
        .iter()
        .enumerate()
        .filter(|(j, _)| j % 3 != 0)
        .map(|(_, id)| format!("({id}, {operator_id}, {now})"))
        .collect();
    insert_rows(
        db,
        "INSERT INTO notification_reads (notification_id, user_id, read_at)",
        &reads,
    )
    .await;
    let small = started.elapsed();

    let audit_started = Instant::now();
    let start = now - AUDIT_ROWS * AUDIT_STEP;
    sqlx::query(&audit_log_sql(first_app_id, &staff, start))
        .persistent(false)
        .execute(&db.pool)
        .await
        .expect("audit_log");
    sqlx::query(&callbacks_sql(now - CALLBACKS * CALLBACK_STEP))
        .persistent(false)
        .execute(&db.pool)
        .await
        .expect("wechat_callbacks");
    let audit = audit_started.elapsed();

    let analyze_started = Instant::now();
    if db.kind == DbKind::Postgres {
        // What autovacuum does to a table this size soon after a bulk load (visibility map
        // for index-only scans, statistics for the planner).
        sqlx::raw_sql("VACUUM ANALYZE")
            .execute(&db.pool)
            .await
            .expect("vacuum analyze");
    }
    let analyze = analyze_started.elapsed();
    println!(
        "  seeded in {:.1} s: merchants, users, {} mini programs, {} commits, {} audits, {} \
         release states, {} notifications in {:.1} s; {} audit-log rows and {} pushes in {:.1} s{}",
        started.elapsed().as_secs_f64(),
        count(db, "mini_programs").await,
        count(db, "code_commits").await,
        count(db, "code_audits").await,
        count(db, "release_status").await,
        count(db, "notifications").await,
        small.as_secs_f64(),
        count(db, "audit_log").await,
        count(db, "wechat_callbacks").await,
        audit.as_secs_f64(),
        if db.kind == DbKind::Postgres {
            format!("; VACUUM ANALYZE {:.1} s", analyze.as_secs_f64())
        } else {
            String::new()
        },
    );
}

// ---------------------------------------------------------------------------------------------
// The server

/// The release server as a child process; killed when dropped (also on a panic).
struct Server {
    child: Child,
    base: String,
    log: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port()
}

/// The release binary cargo built beside this bench, and the site cargo-leptos builds
/// beside it (`<target>/site`).
fn server_binary() -> (PathBuf, PathBuf) {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_server"));
    let site = bin
        .parent()
        .and_then(Path::parent)
        .map(|target| target.join("site"))
        .expect("target directory");
    (bin, site)
}

fn tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

fn start_server(url: &str, dir: &Path) -> Server {
    let (bin, site) = server_binary();
    if !site.join("pkg").is_dir() {
        println!(
            "  (no {}/pkg: pages render, their assets would 404; cargo leptos build --release --frontend-only)",
            site.display()
        );
    }
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let data = dir.join("data");
    std::fs::create_dir_all(&data).expect("data dir");
    let log = dir.join("server.log");
    let out = std::fs::File::create(&log).expect("server log");
    let err = out.try_clone().expect("server log");
    let mut cmd = Command::new(&bin);
    cmd.arg("serve");
    // Only this benchmark's settings: nothing from the caller's WXA_* environment.
    for (k, _) in std::env::vars() {
        if k.starts_with("WXA_") {
            cmd.env_remove(k);
        }
    }
    cmd.env("WXA_DATABASE_URL", url)
        .env("WXA_DEMO_DATA", "false")
        .env("WXA_DATA_DIR", &data)
        .env("WXA_LISTEN", format!("127.0.0.1:{port}"))
        .env("WXA_PUBLIC_URL", &base)
        .env("WXA_SIMULATOR_LISTEN", "127.0.0.1:0")
        // Sessions end after 30 idle minutes by default; a day keeps the benchmark's.
        .env("WXA_SESSION_IDLE_MINUTES", "1440")
        .env("LEPTOS_SITE_ROOT", &site)
        .env("LEPTOS_SITE_PKG_DIR", "pkg")
        .env("LEPTOS_OUTPUT_NAME", "wxa-console")
        .stdin(Stdio::null())
        .stdout(Stdio::from(out))
        .stderr(Stdio::from(err));
    let child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("{}: {e}", bin.display()));
    let mut server = Server { child, base, log };
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let text = std::fs::read_to_string(&server.log).unwrap_or_default();
        if text.contains("wxa-console listening") {
            break;
        }
        if let Ok(Some(status)) = server.child.try_wait() {
            panic!(
                "the server stopped ({status}) before listening:\n{}",
                tail(&server.log, 40)
            );
        }
        if Instant::now() > deadline {
            panic!(
                "the server did not listen within 120 s:\n{}",
                tail(&server.log, 40)
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    server
}

/// VmHWM (peak resident set) and VmRSS of a process, as printed by the kernel.
fn memory(pid: u32) -> (String, String) {
    let field = |name: &str| {
        procfs::status_kib(pid, name)
            .map(|kib| format!("{:.1} MiB", procfs::mib(kib)))
            .unwrap_or_else(|| "n/a".into())
    };
    (field("VmHWM:"), field("VmRSS:"))
}

// ---------------------------------------------------------------------------------------------
// Requests

/// The pages measured: [`TARGETS`], the audit log between two dates in the log's first
/// month (the seed spreads a year of entries back from now), the range at the far end from
/// the newest entry, and the callbacks inbox, whole and its failures.
fn targets() -> Vec<Target> {
    use app::domain::time::cst_date;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let day = |ts: i64| {
        let (y, m, d) = cst_date(ts);
        format!("{y:04}-{m:02}-{d:02}")
    };
    let first = now - AUDIT_ROWS * AUDIT_STEP + 86_400;
    let path = format!(
        "/audit?per_page=50&from={}&to={}",
        day(first),
        day(first + 29 * 86_400)
    );
    let page = |label: &'static str, path: &'static str, shows: &'static str| Target {
        label,
        path,
        signed_in: true,
        post: false,
        page: true,
        shows,
    };
    let mut targets = TARGETS.to_vec();
    let at = targets.len() - 2;
    targets.splice(
        at..at,
        [
            page(
                "GET /audit?from=&to= (30 days)",
                Box::leak(path.into_boxed_str()),
                "data-testid=\"audit-row\"",
            ),
            page(
                "GET /platform/callbacks?per_page=50",
                "/platform/callbacks?per_page=50",
                "data-testid=\"callback-row\"",
            ),
            page(
                "GET /platform/callbacks?outcome=failed",
                "/platform/callbacks?per_page=50&outcome=failed",
                "errcode 61023",
            ),
        ],
    );
    targets
}

#[derive(Clone, Copy)]
struct Target {
    label: &'static str,
    path: &'static str,
    signed_in: bool,
    post: bool,
    /// A signed-in page: held to the target.
    page: bool,
    /// Text the answer shows when it is what is meant to be measured (the seeded rows, the
    /// signed-in user).
    shows: &'static str,
}

const TARGETS: [Target; 9] = [
    Target {
        label: "GET /login (signed out)",
        path: "/login",
        signed_in: false,
        post: false,
        page: false,
        shows: "name=\"password\"",
    },
    Target {
        label: "GET /apps?per_page=50",
        path: "/apps?per_page=50",
        signed_in: true,
        post: false,
        page: true,
        shows: "门店小程序",
    },
    Target {
        label: "GET /releases?per_page=50",
        path: "/releases?per_page=50",
        signed_in: true,
        post: false,
        page: true,
        shows: "门店小程序",
    },
    Target {
        label: "GET /notifications",
        path: "/notifications",
        signed_in: true,
        post: false,
        page: true,
        shows: "门店小程序",
    },
    Target {
        label: "GET /domains/defaults?per_page=50",
        path: "/domains/defaults?per_page=50",
        signed_in: true,
        post: false,
        page: true,
        shows: "门店小程序",
    },
    Target {
        label: "GET /audit?per_page=50",
        path: "/audit?per_page=50",
        signed_in: true,
        post: false,
        page: true,
        shows: "errcode 85009",
    },
    Target {
        // The first seeded mini program (`demo_appid(0)`), as its page's "view all" link asks.
        label: "GET /audit?target=<appid>",
        path: "/audit?per_page=50&target=wxc5e6902c7216d8e6",
        signed_in: true,
        post: false,
        page: true,
        shows: "data-testid=\"audit-row\"",
    },
    Target {
        label: "GET /healthz",
        path: "/healthz",
        signed_in: false,
        post: false,
        page: false,
        shows: "ok",
    },
    Target {
        label: "POST /api/auth/me",
        path: "/api/auth/me",
        signed_in: true,
        post: true,
        page: false,
        shows: USERNAME,
    },
];

/// Signs in over HTTP as the operator; the `wxa_session=…` cookie pair.
async fn sign_in(client: &reqwest::Client, base: &str) -> String {
    let res = client
        .post(format!("{base}/api/auth/login"))
        .header("Origin", base)
        .form(&[("username", USERNAME), ("password", PASSWORD)])
        .send()
        .await
        .expect("sign-in request");
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
        Some(c) if status.is_success() => c,
        _ => panic!("sign-in failed: {status} {body}"),
    }
}

/// The answer to one request as wrk sends it.
struct Answer {
    status: u16,
    bytes: usize,
    /// 200 and showing what the target shows.
    ok: bool,
    excerpt: String,
}

async fn probe(client: &reqwest::Client, base: &str, t: &Target, cookie: &str) -> Answer {
    let url = format!("{base}{}", t.path);
    let mut req = if t.post {
        client
            .post(url)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body("")
    } else {
        client.get(url)
    };
    if t.signed_in {
        req = req.header("Cookie", cookie);
    }
    let res = req.send().await.expect("request");
    let status = res.status().as_u16();
    let location = res
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(|l| format!(" (to {l})"))
        .unwrap_or_default();
    let body = res.bytes().await.expect("body");
    let text = String::from_utf8_lossy(&body);
    Answer {
        status,
        bytes: body.len(),
        // auth/me answers 200 `null` to a visitor that is not signed in.
        ok: status == 200 && text.contains(t.shows),
        excerpt: format!(
            "{status}{location}: {}",
            text.chars().take(600).collect::<String>()
        ),
    }
}

/// Checks that `t` answers 200 (signed in when it should be), signing in again once when a
/// signed-in request is redirected; fails loudly otherwise.
async fn ensure_ok(client: &reqwest::Client, base: &str, t: &Target, cookie: &mut String) -> usize {
    let answer = probe(client, base, t, cookie).await;
    if answer.ok {
        return answer.bytes;
    }
    if t.signed_in {
        println!("  {} answered {}: signing in again", t.label, answer.status);
        *cookie = sign_in(client, base).await;
        let answer = probe(client, base, t, cookie).await;
        if answer.ok {
            return answer.bytes;
        }
        panic!(
            "{} does not show `{}` even right after signing in: the benchmark would measure the wrong thing.\n{}",
            t.label, t.shows, answer.excerpt
        );
    }
    panic!(
        "{} does not answer 200 with `{}`:\n{}",
        t.label, t.shows, answer.excerpt
    );
}

struct Wrk {
    rps: f64,
    /// Requests completed in the run.
    requests: f64,
    p50_ms: f64,
    p99_ms: f64,
    /// "Non-2xx or 3xx responses" and socket errors, when wrk reports any.
    problems: Vec<String>,
}

/// `5.23ms`, `830.00us`, `1.02s`, `2.00m` in milliseconds.
fn parse_duration(s: &str) -> Option<f64> {
    let s = s.trim();
    let (num, factor) = if let Some(n) = s.strip_suffix("us") {
        (n, 0.001)
    } else if let Some(n) = s.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = s.strip_suffix('s') {
        (n, 1000.0)
    } else if let Some(n) = s.strip_suffix('m') {
        (n, 60_000.0)
    } else if let Some(n) = s.strip_suffix('h') {
        (n, 3_600_000.0)
    } else {
        (s, 1.0)
    };
    num.parse::<f64>().ok().map(|n| n * factor)
}

fn parse_wrk(out: &str) -> Option<Wrk> {
    let mut rps = None;
    let mut requests = None;
    let mut p50 = None;
    let mut p99 = None;
    let mut problems = Vec::new();
    for line in out.lines() {
        let l = line.trim();
        if let Some((n, _)) = l.split_once(" requests in ") {
            requests = n.trim().parse::<f64>().ok();
        } else if let Some(v) = l.strip_prefix("Requests/sec:") {
            rps = v.trim().parse::<f64>().ok();
        } else if let Some(v) = l.strip_prefix("50%") {
            p50 = parse_duration(v);
        } else if let Some(v) = l.strip_prefix("99%") {
            p99 = parse_duration(v);
        } else if l.starts_with("Non-2xx or 3xx responses:") || l.starts_with("Socket errors:") {
            problems.push(l.to_owned());
        }
    }
    Some(Wrk {
        rps: rps?,
        requests: requests?,
        p50_ms: p50?,
        p99_ms: p99?,
        problems,
    })
}

fn wrk(args: &[&str], t: &Target, cookie: &str, script: &Path, url: &str) -> String {
    let mut cmd = Command::new("wrk");
    cmd.args(args);
    if t.signed_in {
        cmd.arg("-H").arg(format!("Cookie: {cookie}"));
    }
    if t.post {
        cmd.arg("-s").arg(script);
    }
    cmd.arg(url);
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("wrk: {e} (apt-get install wrk; scripts/bench.sh does)"));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() {
        panic!(
            "wrk {url} failed: {}\n{text}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    text
}

struct Measured {
    target: Target,
    bytes: usize,
    wrk: Wrk,
    /// The server's CPU milliseconds per request over the measured run.
    cpu_ms: f64,
}

async fn measure(
    client: &reqwest::Client,
    server: &Server,
    t: &Target,
    cookie: &mut String,
    script: &Path,
) -> Measured {
    let url = format!("{}{}", server.base, t.path);
    for attempt in 0..2 {
        let bytes = ensure_ok(client, &server.base, t, cookie).await;
        wrk(&WARMUP_ARGS, t, cookie, script, &url);
        let ticks = procfs::clock_ticks();
        let cpu_before = procfs::cpu_secs(server.child.id(), ticks);
        let out = wrk(&WRK_ARGS, t, cookie, script, &url);
        let cpu_after = procfs::cpu_secs(server.child.id(), ticks);
        // Still answering 200 after the run: what wrk measured was the page, not a redirect
        // (wrk counts redirects as successes).
        let after = probe(client, &server.base, t, cookie).await;
        if after.ok {
            let wrk = parse_wrk(&out)
                .unwrap_or_else(|| panic!("could not read wrk's output for {url}:\n{out}"));
            let cpu_ms = match (cpu_before, cpu_after) {
                (Some(before), Some(after)) if wrk.requests > 0.0 => {
                    (after - before) * 1000.0 / wrk.requests
                }
                _ => f64::NAN,
            };
            return Measured {
                target: *t,
                bytes,
                wrk,
                cpu_ms,
            };
        }
        if attempt == 0 && t.signed_in {
            println!(
                "  {} answered {} after the run: signing in again and measuring again",
                t.label, after.status
            );
            *cookie = sign_in(client, &server.base).await;
        } else {
            panic!(
                "{} answered {} after the run: the figures would be the wrong page's",
                t.label, after.excerpt
            );
        }
    }
    unreachable!("the loop returns or panics")
}

fn print_table(name: &str, results: &[Measured]) {
    let login = results
        .iter()
        .find(|m| m.target.path == "/login")
        .map_or(f64::NAN, |m| m.wrk.rps);
    println!(
        "\n  {name}: wrk {} on loopback; bytes: one answer, uncompressed (wrk asks for no encoding)",
        WRK_ARGS[..4].join(" "),
    );
    println!(
        "  {:<34} {:>8} {:>10} {:>9} {:>9} {:>10} {:>11}  target (≥ {:.0} % of /login, p99 ≤ {:.0} ms)",
        "request",
        "bytes",
        "req/s",
        "p50",
        "p99",
        "of /login",
        "CPU/req",
        MIN_RATIO * 100.0,
        MAX_P99_MS
    );
    for m in results {
        let ratio = m.wrk.rps / login;
        let verdict = if m.target.path == "/login" {
            "reference".to_owned()
        } else if m.target.page {
            if ratio >= MIN_RATIO && m.wrk.p99_ms <= MAX_P99_MS {
                "meets".to_owned()
            } else {
                let mut why = Vec::new();
                if ratio < MIN_RATIO {
                    why.push("req/s");
                }
                if m.wrk.p99_ms > MAX_P99_MS {
                    why.push("p99");
                }
                format!("misses ({})", why.join(", "))
            }
        } else {
            "-".to_owned()
        };
        println!(
            "  {:<34} {:>8} {:>10.1} {:>6.2} ms {:>6.2} ms {:>8.0} % {:>8.3} ms  {verdict}",
            m.target.label,
            m.bytes,
            m.wrk.rps,
            m.wrk.p50_ms,
            m.wrk.p99_ms,
            ratio * 100.0,
            m.cpu_ms,
        );
        for p in &m.wrk.problems {
            println!("  {:<34} wrk: {p}", "");
        }
    }
}

async fn run(name: &str, url: &str, dir: &Path) {
    println!("{name}: seeding {APPS} mini programs and {AUDIT_ROWS} audit-log rows…");
    let db = Db::connect(url, 5).await.expect("connect");
    db.migrate().await.expect("migrate");
    seed(&db).await;
    // PostgreSQL's kept counts as the server's minutely fold leaves them, not the thousands of
    // rows the seeding's bulk inserts appended.
    app::db::kept_counts::fold_all(&db)
        .await
        .expect("fold the kept counts");
    db.pool.close().await;

    let server = start_server(url, dir);
    let pid = server.child.id();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .build()
        .expect("http client");
    let mut cookie = sign_in(&client, &server.base).await;
    // Every request answers 200 before any is measured.
    let targets = targets();
    for t in &targets {
        ensure_ok(&client, &server.base, t, &mut cookie).await;
    }
    // For profiling (perf, wrk by hand): the seeded server stays up this many seconds, its
    // pid, address and an operator's cookie printed, before anything is measured.
    if let Some(secs) = std::env::var("WXA_BENCH_HOLD")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
    {
        println!(
            "  holding for {secs} s: pid {pid}, {} , cookie {cookie}",
            server.base
        );
        tokio::time::sleep(Duration::from_secs(secs)).await;
    }
    let script = dir.join("post.lua");
    std::fs::write(
        &script,
        "wrk.method = \"POST\"\nwrk.body = \"\"\nwrk.headers[\"Content-Type\"] = \"application/x-www-form-urlencoded\"\n",
    )
    .expect("wrk script");
    let mut results = Vec::new();
    for t in &targets {
        results.push(measure(&client, &server, t, &mut cookie, &script).await);
    }
    let (peak, now) = memory(pid);
    print_table(name, &results);
    println!("  server memory: peak RSS (VmHWM) {peak}, RSS at the end {now}");
    let errors = BufReader::new(std::fs::File::open(&server.log).expect("server log"))
        .lines()
        .map_while(Result::ok)
        .filter(|l| l.contains("ERROR"))
        .count();
    if errors > 0 {
        println!(
            "  the server logged {errors} errors; the last lines:\n{}",
            tail(&server.log, 10)
        );
    }
    drop(server);
    println!();
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sqlite_dir = dir.path().join("sqlite");
    std::fs::create_dir_all(&sqlite_dir).expect("sqlite dir");
    let url = format!("sqlite://{}/bench.db?mode=rwc", sqlite_dir.display());
    run("SQLite", &url, &sqlite_dir).await;
    if let Ok(admin) = std::env::var("WXA_TEST_PG_URL") {
        sqlx::any::install_default_drivers();
        let mut conn = AnyConnection::connect(&admin).await.expect("postgres");
        conn.execute("DROP DATABASE IF EXISTS wxa_bench_pages")
            .await
            .expect("drop");
        conn.execute("CREATE DATABASE wxa_bench_pages")
            .await
            .expect("create");
        conn.close().await.expect("close");
        let (prefix, _) = admin.rsplit_once('/').expect("url");
        let pg_dir = dir.path().join("postgres");
        std::fs::create_dir_all(&pg_dir).expect("postgres dir");
        run("PostgreSQL", &format!("{prefix}/wxa_bench_pages"), &pg_dir).await;
    } else {
        println!("PostgreSQL: skipped (WXA_TEST_PG_URL is not set; scripts/bench.sh starts one)");
    }
}
