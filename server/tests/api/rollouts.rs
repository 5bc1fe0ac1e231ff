//! Fleet rollouts (issue 17) against the simulator over real HTTP and a real database: the
//! plan with its skips and ETA, a rollout of five demo mini programs released automatically
//! while the simulated reviewers approve (one rejected, its reason kept, retried), lost
//! answers settled from WeChat's state instead of writing twice, a target held by a dead
//! instance taken over after its lease, pause / resume / cancel, backoff on quota and rate
//! limits, gray steps, and merchants confined to their own targets. WeChat writes are
//! counted in the simulator's call log.

use crate::helpers::*;
use app::domain::mini_program::AppStatus;
use app::services::demo::{demo_appid, demo_program, DEMO_MINI_PROGRAMS};
use reqwest::Client;
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use std::time::Duration;

/// The rollout worker looks every 100 ms; audits stay with the simulated reviewers until a
/// test decides them.
const FAST: [(&str, &str); 2] = [
    ("WXA_ROLLOUT_TICK_MS", "100"),
    ("WXA_SIMULATOR_AUDIT_DELAY_SECS", "86400"),
];

const VERSION: &str = "2.0.0";
const EXT: &str = r#"{"extAppid":"{appid}","ext":{"shop":"{merchant.name}"}}"#;

/// Authorized demo mini programs of `merchant` (0 = `merchant`, 1 = `merchant2`) that have
/// no audit in review (demo code stages: released, rejected, committed).
fn demo_apps(merchant: usize) -> Vec<String> {
    (0..DEMO_MINI_PROGRAMS)
        .filter(|i| i % 5 != 1)
        .map(|i| demo_program(i, 0))
        .filter(|p| p.merchant == Some(merchant) && p.status == AppStatus::Authorized)
        .map(|p| p.appid)
        .collect()
}

async fn app() -> TestApp {
    let app = spawn_app_with(&FAST).await;
    settle_demo_pushes(&app).await;
    app
}

/// The demo's own audit pushes arrive after the server started: wait until they stop.
async fn settle_demo_pushes(app: &TestApp) {
    let mut quiet = 0;
    let mut seen = -1;
    for _ in 0..200 {
        let (all, open): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN outcome IN ('received', 'processing') \
             THEN 1 ELSE 0 END), 0) FROM wechat_callbacks",
        )
        .fetch_one(&app.db.pool)
        .await
        .expect("callbacks");
        quiet = if open == 0 && all == seen {
            quiet + 1
        } else {
            0
        };
        if quiet >= 5 {
            return;
        }
        seen = all;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn wait_for<F, Fut>(what: &str, secs: u64, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = std::time::Instant::now() + Duration::from_secs(secs);
    while std::time::Instant::now() < deadline {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timed out waiting for {what}");
}

fn request(appids: &[String], policy: Value) -> Value {
    json!({"request": {
        "spec": {"template_id": 1, "user_version": VERSION, "user_desc": "春季菜单",
                 "ext_json_template": EXT, "policy": policy},
        "targets": {"Appids": {"text": appids.join("\n")}},
        "limits": {"concurrency": 4, "calls_per_minute": 600},
        // Category left to each target (its first one): one item list for all.
        "items": [{"address": "pages/index/index", "tag": "咖啡 点单", "title": "首页"}]
    }})
}

async fn create(app: &TestApp, c: &Client, appids: &[String], policy: Value) -> i64 {
    app.call_ok(c, "rollouts/create", request(appids, policy))
        .await
        .as_i64()
        .expect("rollout id")
}

async fn create_paused(app: &TestApp, c: &Client, appids: &[String]) -> i64 {
    let mut body = request(appids, json!("Automatic"));
    body["request"]["paused"] = json!(true);
    app.call_ok(c, "rollouts/create", body)
        .await
        .as_i64()
        .expect("rollout id")
}

/// The name of a serialized `TargetState`: "Pending", "Failed", "Gray" …
fn state_name(state: &Value) -> String {
    match state {
        Value::String(s) => s.clone(),
        Value::Object(o) => o.keys().next().cloned().unwrap_or_default(),
        _ => String::new(),
    }
}

/// appid → target row.
async fn targets(app: &TestApp, c: &Client, id: i64) -> HashMap<String, Value> {
    let v = app
        .call_ok(
            c,
            "rollouts/targets",
            json!({"id": id, "query": {"state": null, "page": {"page": 1, "per_page": 100}}}),
        )
        .await;
    v["page"]["items"]
        .as_array()
        .expect("targets")
        .iter()
        .map(|t| (t["appid"].as_str().unwrap_or("").to_owned(), t.clone()))
        .collect()
}

async fn states(app: &TestApp, c: &Client, id: i64) -> HashMap<String, String> {
    targets(app, c, id)
        .await
        .into_iter()
        .map(|(a, t)| (a, state_name(&t["state"])))
        .collect()
}

async fn wait_states(app: &TestApp, c: &Client, id: i64, appids: &[String], want: &str) {
    wait_for(&format!("{appids:?} to be {want}"), 60, || async {
        let s = states(app, c, id).await;
        appids.iter().all(|a| s.get(a).is_some_and(|k| k == want))
    })
    .await;
}

async fn rollout(app: &TestApp, c: &Client, id: i64) -> Value {
    app.call_ok(c, "rollouts/get", json!({ "id": id })).await
}

async fn events(app: &TestApp, c: &Client, id: i64, appid: &str) -> Vec<Value> {
    app.call_ok(c, "rollouts/events", json!({"id": id, "appid": appid}))
        .await
        .as_array()
        .cloned()
        .unwrap_or_default()
}

async fn clear_calls(app: &TestApp) {
    reqwest::Client::new()
        .delete(format!("{}/__sim/calls", app.sim_base))
        .send()
        .await
        .expect("clear calls");
}

async fn fault(app: &TestApp, body: Value) {
    app.sim_ok("/faults", body).await;
}

/// The simulated reviewers decide every audit of the rollout that is with them: approve,
/// except `reject` (once, with `reason`). Returns when `done` holds.
async fn review_until(
    app: &TestApp,
    c: &Client,
    id: i64,
    reject: Option<(&str, &str)>,
    what: &str,
    done: impl Fn(&HashMap<String, String>) -> bool,
) {
    let mut decided: HashSet<(String, i64)> = HashSet::new();
    let deadline = std::time::Instant::now() + Duration::from_secs(90);
    loop {
        let rows = targets(app, c, id).await;
        let now: HashMap<String, String> = rows
            .iter()
            .map(|(a, t)| (a.clone(), state_name(&t["state"])))
            .collect();
        if done(&now) {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "timed out: {what}: {now:?}"
        );
        for (appid, t) in &rows {
            let auditid = t["auditid"].as_i64().unwrap_or(0);
            if now.get(appid).map(String::as_str) != Some("Submitted")
                || decided.contains(&(appid.clone(), auditid))
            {
                continue;
            }
            let body = match reject {
                Some((who, reason)) if who == appid => {
                    json!({"appid": appid, "status": 1, "reason": reason})
                }
                _ => json!({"appid": appid, "status": 0}),
            };
            let res = reqwest::Client::new()
                .post(format!("{}/__sim/audit/outcome", app.sim_base))
                .json(&body)
                .send()
                .await
                .expect("outcome");
            if res.status().is_success() {
                decided.insert((appid.clone(), auditid));
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn the_plan_names_every_skip_and_the_time_it_takes() {
    let app = app().await;
    let op = app.signed_in(OPERATOR).await;
    // Demo 8 is taken by a paused rollout first.
    create_paused(&app, &op, &[demo_appid(8)]).await;
    let runs = demo_appid(2); // rejected before: may run
    let listed = vec![
        runs.clone(),
        demo_appid(0),  // 1.0.0 of template 1 online
        demo_appid(1),  // an audit in review
        demo_appid(5),  // needs re-authorization
        demo_appid(11), // unauthorized
        demo_appid(3),  // no merchant: {merchant.name} has no value
        demo_appid(8),  // in the paused rollout
        runs.clone(),   // twice
        "wx123".into(),
        "wx00000000000000aa".into(), // not a mini program of the platform
    ];
    let mut body = request(&listed, json!("Automatic"));
    body["request"]["spec"]["user_version"] = json!("1.0.0");
    let v = app.call_ok(&op, "rollouts/plan", body.clone()).await;
    let plan = &v["plan"];
    let run: Vec<&str> = plan["run"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["appid"].as_str().unwrap())
        .collect();
    assert_eq!(run, vec![runs.as_str()]);
    assert!(plan["run"][0]["ext_json"].as_str().unwrap().contains(&runs));
    let skipped: Vec<(String, String)> = plan["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let reason = &s["reason"];
            let name = reason
                .as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| state_name(reason));
            (s["appid"].as_str().unwrap().to_owned(), name)
        })
        .collect();
    let expected: Vec<(String, String)> = [
        (demo_appid(0), "AlreadyOnVersion"),
        (demo_appid(1), "AuditInReview"),
        (demo_appid(5), "NeedsReauthorization"),
        (demo_appid(11), "Unauthorized"),
        (demo_appid(3), "ExtJson"),
        (demo_appid(8), "InOtherRollout"),
        (runs.clone(), "Duplicate"),
        ("wx123".into(), "InvalidAppid"),
        ("wx00000000000000aa".into(), "NotRegistered"),
    ]
    .into_iter()
    .map(|(a, r)| (a, r.to_owned()))
    .collect();
    assert_eq!(skipped, expected);
    assert!(plan["violations"].as_array().unwrap().is_empty());
    // The ETA at the limits: one target, its calls, an audit of a day (the default).
    let eta = &plan["eta"];
    assert_eq!(eta["calls"]["commit"], 1);
    assert_eq!(eta["calls"]["release"], 1);
    assert!(eta["total_secs"].as_u64().unwrap() >= 86_400, "{eta}");
    assert_eq!(eta["limited_by"], "AuditAndWaits");
    // The demo submitted a few dozen mini programs this week: the quota shows what is left.
    let left = v["audit_quota_remaining"].as_u64().unwrap();
    assert!(left > 0 && left < 100, "{left}");

    // A plan that cannot start is refused at its fields; nothing is stored.
    let mut broken = body.clone();
    broken["request"]["spec"]["template_id"] = json!(999);
    broken["request"]["targets"] = json!({"Appids": {"text": demo_appid(1)}});
    let fields: Vec<String> = problems(app.call(&op, "rollouts/create", broken).await)
        .await
        .into_iter()
        .map(|(f, _)| f)
        .collect();
    assert_eq!(fields, vec!["template_id", "targets"]);

    // The fleet view's filters select the targets: every mini program with an audit in
    // review is skipped for that reason (or an earlier one), so nothing can start.
    let mut fleet = body.clone();
    fleet["request"]["targets"] = json!({"Fleet": {"query": {"state": "auditing"}}});
    let v = app.call_ok(&op, "rollouts/plan", fleet).await;
    assert!(v["plan"]["run"].as_array().unwrap().is_empty());
    let reasons: HashSet<String> = v["plan"]["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| state_name(&s["reason"]))
        .collect();
    assert!(reasons.contains("AuditInReview"), "{reasons:?}");
    assert!(
        reasons.is_subset(
            &[
                "AuditInReview",
                "NeedsReauthorization",
                "Unauthorized",
                "InOtherRollout",
                // Its online version is already the planned one (checked before the audit).
                "AlreadyOnVersion"
            ]
            .into_iter()
            .map(str::to_owned)
            .collect()
        ),
        "{reasons:?}"
    );
}

#[tokio::test]
async fn five_mini_programs_are_released_one_rejected_and_retried() {
    let app = app().await;
    let op = app.signed_in(OPERATOR).await;
    let mut apps: Vec<String> = demo_apps(0).into_iter().take(3).collect();
    apps.extend(demo_apps(1).into_iter().take(2));
    let rejected = apps[1].clone();
    const REASON: &str = "1:小程序首页内容不完整:<br>(1):请补充门店信息<br>";

    let plan = app
        .call_ok(&op, "rollouts/plan", request(&apps, json!("Automatic")))
        .await;
    assert_eq!(plan["plan"]["run"].as_array().unwrap().len(), 5);
    assert!(plan["plan"]["skipped"].as_array().unwrap().is_empty());
    clear_calls(&app).await;
    let id = create(&app, &op, &apps, json!("Automatic")).await;
    let detail = rollout(&app, &op, id).await;
    assert_eq!(detail["summary"]["progress"]["total"], 5);

    review_until(
        &app,
        &op,
        id,
        Some((rejected.as_str(), REASON)),
        "four released, one rejected",
        |s| {
            s.values().filter(|k| *k == "Released").count() == 4
                && s.get(&rejected).is_some_and(|k| k == "Rejected")
        },
    )
    .await;
    let rows = targets(&app, &op, id).await;
    assert_eq!(rows[&rejected]["reason"], REASON);
    wait_for("the rollout to finish", 30, || async {
        rollout(&app, &op, id).await["summary"]["status"] == "Finished"
    })
    .await;
    let detail = rollout(&app, &op, id).await;
    assert_eq!(detail["summary"]["progress"]["percent"], 100);
    let notified: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM notifications WHERE kind = 'rollout_finished' AND link = $1",
    )
    .bind(format!("/rollouts/{id}"))
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(notified, 1);
    let timeline = events(&app, &op, id, &rejected).await;
    assert!(
        timeline
            .iter()
            .any(|e| e["outcome"] == "rejected" && e["detail"] == REASON),
        "{timeline:?}"
    );

    // Retried: submitted again, approved, released; the rollout runs again and finishes.
    let n = app
        .call_ok(&op, "rollouts/retry", json!({"id": id, "appids": []}))
        .await;
    assert_eq!(n, 1);
    assert_eq!(rollout(&app, &op, id).await["summary"]["status"], "Running");
    review_until(&app, &op, id, None, "the retried one released", |s| {
        s.values().all(|k| k == "Released")
    })
    .await;
    wait_for("the rollout to finish again", 30, || async {
        rollout(&app, &op, id).await["summary"]["status"] == "Finished"
    })
    .await;

    // Each write reached WeChat once per target (twice the submit of the rejected one),
    // and the console's records say what WeChat holds.
    for appid in &apps {
        assert_eq!(sim_calls(&app, "/wxa/commit", appid).await, 1, "{appid}");
        let submits = if *appid == rejected { 2 } else { 1 };
        assert_eq!(
            sim_calls(&app, "/wxa/submit_audit", appid).await,
            submits,
            "{appid}"
        );
        assert_eq!(sim_calls(&app, "/wxa/release", appid).await, 1, "{appid}");
        let online: Option<String> =
            sqlx::query_scalar("SELECT online_version FROM release_status WHERE appid = $1")
                .bind(appid)
                .fetch_one(&app.db.pool)
                .await
                .unwrap();
        assert_eq!(online.as_deref(), Some(VERSION), "{appid}");
    }
    // A second rollout of the same version skips them all: already on the version.
    let again = app
        .call_ok(&op, "rollouts/plan", request(&apps, json!("Automatic")))
        .await;
    assert!(again["plan"]["run"].as_array().unwrap().is_empty());
}

/// WeChat handles a write but its answer never arrives (held past the client's timeout):
/// the worker reads WeChat's state before repeating it, so each write reaches WeChat once.
#[tokio::test]
async fn lost_answers_are_settled_from_wechat_not_sent_twice() {
    let mut env = FAST.to_vec();
    env.push(("WXA_WECHAT_TIMEOUT_SECS", "3"));
    let app = spawn_app_with(&env).await;
    settle_demo_pushes(&app).await;
    let op = app.signed_in(OPERATOR).await;
    let apps: Vec<String> = demo_apps(0).into_iter().take(2).collect();
    clear_calls(&app).await;
    for path in ["/wxa/commit", "/wxa/submit_audit", "/wxa/release"] {
        fault(
            &app,
            json!({"path": path, "fault": "delay", "ms": 5000, "times": 1}),
        )
        .await;
    }
    let id = create(&app, &op, &apps, json!("Automatic")).await;
    review_until(&app, &op, id, None, "both released", |s| {
        s.len() == 2 && s.values().all(|k| k == "Released")
    })
    .await;
    for appid in &apps {
        for path in ["/wxa/commit", "/wxa/submit_audit", "/wxa/release"] {
            assert_eq!(sim_calls(&app, path, appid).await, 1, "{path} {appid}");
        }
        let commits: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM code_commits WHERE appid = $1 AND user_version = $2",
        )
        .bind(appid)
        .bind(VERSION)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
        assert_eq!(commits, 1, "{appid}");
        let audits: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM code_audits WHERE appid = $1 AND user_version = $2",
        )
        .bind(appid)
        .bind(VERSION)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
        assert_eq!(audits, 1, "{appid}");
    }
    // The timeline shows the lost answers and what WeChat's state said of them.
    let mut outcomes = Vec::new();
    for appid in &apps {
        for e in events(&app, &op, id, appid).await {
            outcomes.push((
                e["path"].as_str().unwrap_or("").to_owned(),
                e["outcome"].as_str().unwrap_or("").to_owned(),
            ));
        }
    }
    for expected in [
        ("/wxa/commit", "lost"),
        ("/wxa/commit", "done"),
        ("/wxa/release", "lost"),
        ("/wxa/release", "done"),
    ] {
        assert!(
            outcomes
                .iter()
                .any(|(p, o)| p == expected.0 && o == expected.1),
            "{expected:?} in {outcomes:?}"
        );
    }
}

/// A console instance claimed targets, sent their writes and died before writing down the
/// answers. Its leases run out; this instance then reads WeChat's state: a commit and a
/// submit that reached WeChat are recorded, not sent again; a commit that never left is sent.
#[tokio::test]
async fn targets_of_a_dead_instance_are_taken_over_after_the_lease() {
    let app = app().await;
    let op = app.signed_in(OPERATOR).await;
    let apps: Vec<String> = demo_apps(0).into_iter().take(3).collect();
    let (sent, never_sent, submitted) = (&apps[0], &apps[1], &apps[2]);
    let id = create_paused(&app, &op, &apps).await;
    let platform = app.state.platform().expect("platform");
    let commit = |appid: &str| wechat::api::code::CommitRequest {
        template_id: 1,
        ext_json: json!({"extAppid": appid, "ext": {"shop": "星辰咖啡"}}).to_string(),
        user_version: VERSION.into(),
        user_desc: "春季菜单".into(),
    };
    // What the dead instance got through to WeChat.
    for appid in [sent, submitted] {
        platform
            .client
            .commit_code(&platform.ctx(appid), &commit(appid))
            .await
            .expect("commit");
    }
    let before: Option<i64> =
        sqlx::query_scalar("SELECT MAX(auditid) FROM code_audits WHERE appid = $1")
            .bind(submitted)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    let ctx = platform.ctx(submitted);
    let category = platform
        .client
        .get_category(&ctx)
        .await
        .unwrap()
        .category_list;
    let c = &category[0];
    let auditid = platform
        .client
        .submit_audit(
            &ctx,
            &wechat::api::code::SubmitAuditRequest {
                item_list: vec![wechat::api::code::AuditItem {
                    address: "pages/index/index".into(),
                    tag: "咖啡 点单".into(),
                    first_class: c.first_class.clone(),
                    second_class: c.second_class.clone(),
                    third_class: c.third_class.clone(),
                    first_id: c.first_id,
                    second_id: c.second_id,
                    third_id: c.third_id,
                    title: "首页".into(),
                }],
                ..Default::default()
            },
        )
        .await
        .expect("submit")
        .auditid;
    clear_calls(&app).await;
    // Its claims: leases until 3 s from now, each with the write it was making.
    let now = app::db::now();
    let hold = |appid: &str, state: &str, write: &str, before: Option<i64>| {
        let pool = app.db.pool.clone();
        let (appid, state, write) = (appid.to_owned(), state.to_owned(), write.to_owned());
        async move {
            sqlx::query(
                "UPDATE rollout_targets SET state = $1, kind = $1, lease_owner = 'dead-instance', \
                 lease_until = $2, inflight = $3, inflight_at = $4, auditid_before = $5 \
                 WHERE appid = $6",
            )
            .bind(state.as_str())
            .bind(now + 3)
            .bind(write.as_str())
            .bind(now - 1)
            .bind(before)
            .bind(appid.as_str())
            .execute(&pool)
            .await
            .expect("hold");
        }
    };
    hold(sent, "pending", "commit", None).await;
    hold(never_sent, "pending", "commit", None).await;
    hold(submitted, "committed", "submit_audit", before).await;
    app.call_ok(&op, "rollouts/resume", json!({ "id": id }))
        .await;
    // Not before the lease runs out.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let early = targets(&app, &op, id).await;
    for appid in &apps {
        assert!(early[appid]["in_flight"].as_bool().unwrap(), "{appid}");
    }
    assert_eq!(sim_calls(&app, "/wxa/commit", "").await, 0);
    wait_states(&app, &op, id, &apps, "Submitted").await;
    assert_eq!(sim_calls(&app, "/wxa/commit", sent).await, 0);
    assert_eq!(sim_calls(&app, "/wxa/commit", never_sent).await, 1);
    assert_eq!(sim_calls(&app, "/wxa/commit", submitted).await, 0);
    assert_eq!(sim_calls(&app, "/wxa/submit_audit", sent).await, 1);
    assert_eq!(sim_calls(&app, "/wxa/submit_audit", never_sent).await, 1);
    assert_eq!(sim_calls(&app, "/wxa/submit_audit", submitted).await, 0);
    let rows = targets(&app, &op, id).await;
    assert_eq!(rows[submitted.as_str()]["auditid"], auditid);
    // The console's records hold what the dead instance could not write.
    let recorded: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM code_audits WHERE appid = $1 AND auditid = $2")
            .bind(submitted)
            .bind(auditid)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(recorded, 1);
    let commits: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM code_commits WHERE appid = $1 AND user_version = $2",
    )
    .bind(sent)
    .bind(VERSION)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(commits, 1);
    let outcomes: Vec<String> = events(&app, &op, id, sent)
        .await
        .iter()
        .map(|e| e["outcome"].as_str().unwrap_or("").to_owned())
        .collect();
    assert!(outcomes.contains(&"done".to_owned()), "{outcomes:?}");
    let outcomes: Vec<String> = events(&app, &op, id, never_sent)
        .await
        .iter()
        .map(|e| e["outcome"].as_str().unwrap_or("").to_owned())
        .collect();
    assert!(outcomes.contains(&"not_done".to_owned()), "{outcomes:?}");
}

#[tokio::test]
async fn pause_resume_and_cancel() {
    let app = app().await;
    let op = app.signed_in(OPERATOR).await;
    let apps: Vec<String> = demo_apps(0).into_iter().take(3).collect();
    clear_calls(&app).await;
    let id = create_paused(&app, &op, &apps).await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(
        sim_calls(&app, "/wxa/commit", "").await,
        0,
        "paused: nothing sent"
    );
    assert!(states(&app, &op, id).await.values().all(|k| k == "Pending"));
    let refused = app
        .call(&op, "rollouts/resume", json!({"id": id + 100}))
        .await;
    assert_eq!(refused.status(), 404);

    app.call_ok(&op, "rollouts/resume", json!({ "id": id }))
        .await;
    wait_states(&app, &op, id, &apps, "Submitted").await;
    let paused = app
        .call_ok(&op, "rollouts/pause", json!({ "id": id }))
        .await;
    assert_eq!(paused["status"], "Paused");
    let again = app.call(&op, "rollouts/pause", json!({ "id": id })).await;
    assert_eq!(again.status(), 409);
    // Approved while paused: recorded by audit tracking, not released until resumed.
    app.sim_ok("/audit/outcome", json!({"appid": apps[0], "status": 0}))
        .await;
    wait_for("the approval to be recorded", 30, || async {
        let status: Option<i64> = sqlx::query_scalar(
            "SELECT status FROM code_audits WHERE appid = $1 AND user_version = $2",
        )
        .bind(&apps[0])
        .bind(VERSION)
        .fetch_optional(&app.db.pool)
        .await
        .unwrap();
        status == Some(0)
    })
    .await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(states(&app, &op, id).await[&apps[0]], "Submitted");
    assert_eq!(sim_calls(&app, "/wxa/release", &apps[0]).await, 0);
    app.call_ok(&op, "rollouts/resume", json!({ "id": id }))
        .await;
    wait_states(&app, &op, id, &apps[..1], "Released").await;

    // Cancelled: the audits in review stay as they are and are still followed; nothing
    // more is written for them.
    let cancelled = app
        .call_ok(&op, "rollouts/cancel", json!({ "id": id }))
        .await;
    assert_eq!(cancelled["status"], "Cancelled");
    app.sim_ok("/audit/outcome", json!({"appid": apps[1], "status": 0}))
        .await;
    wait_states(&app, &op, id, &apps[1..2], "Approved").await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(sim_calls(&app, "/wxa/release", &apps[1]).await, 0);
    assert_eq!(states(&app, &op, id).await[&apps[2]], "Submitted");
    for endpoint in ["rollouts/resume", "rollouts/pause", "rollouts/cancel"] {
        let res = app.call(&op, endpoint, json!({ "id": id })).await;
        assert_eq!(res.status(), 409, "{endpoint}");
        assert!(body(res).await.contains("AlreadyOver"), "{endpoint}");
    }

    // Targets nothing was sent for are cancelled, and show where they stood.
    let other = demo_apps(1)[0].clone();
    let id2 = create_paused(&app, &op, std::slice::from_ref(&other)).await;
    app.call_ok(&op, "rollouts/cancel", json!({ "id": id2 }))
        .await;
    let rows = targets(&app, &op, id2).await;
    assert_eq!(state_name(&rows[&other]["state"]), "Cancelled");
    assert_eq!(rows[&other]["cancelled_from"], "Pending");
    assert_eq!(sim_calls(&app, "/wxa/commit", &other).await, 0);
    let refused = app
        .call(&op, "rollouts/retry", json!({"id": id2, "appids": []}))
        .await;
    assert_eq!(refused.status(), 409);
}

/// Operators planning overlapping rollouts at the same moment: each mini program goes to
/// one rollout only (the check is repeated under a lock when the rollout is stored); a
/// rollout whose every target was taken meanwhile is refused (409, plan again); a retry
/// never takes a mini program back from the rollout that has it now.
#[tokio::test]
async fn parallel_rollouts_never_share_a_mini_program() {
    let app = app().await;
    let op = app.signed_in(OPERATOR).await;
    let op2 = app.signed_in(OPERATOR).await;
    let apps: Vec<String> = demo_apps(0).into_iter().take(4).collect();
    // a: 0 1 2, b: 1 2 3, c: 0 1 2 3, d: 2 3 (all overlapping), sent together.
    let bodies = [&apps[0..3], &apps[1..4], &apps[0..4], &apps[2..4]].map(|set| {
        let mut body = request(set, json!("Automatic"));
        body["request"]["paused"] = json!(true);
        body
    });
    let [a, b, c, d] = bodies;
    let (ra, rb, rc, rd) = tokio::join!(
        app.call(&op, "rollouts/create", a),
        app.call(&op2, "rollouts/create", b),
        app.call(&op, "rollouts/create", c),
        app.call(&op2, "rollouts/create", d),
    );
    let mut created = Vec::new();
    for res in [ra, rb, rc, rd] {
        let status = res.status();
        let text = body(res).await;
        match status.as_u16() {
            200 => created.push(text.trim().parse::<i64>().expect("rollout id")),
            409 => assert!(text.contains("TargetsTaken"), "{text}"),
            _ => panic!("create answered {status}: {text}"),
        }
    }
    assert!(!created.is_empty());
    // Each mini program is pending in exactly one rollout; in the others it is skipped as
    // in another rollout.
    let mut owner: HashMap<String, i64> = HashMap::new();
    for id in &created {
        for (appid, row) in targets(&app, &op, *id).await {
            match state_name(&row["state"]).as_str() {
                "Pending" => {
                    let before = owner.insert(appid.clone(), *id);
                    assert_eq!(before, None, "{appid} pending in two rollouts");
                }
                "Skipped" => assert_eq!(row["skip_reason"], "in_other_rollout", "{appid}"),
                other => panic!("{appid}: {other}"),
            }
        }
    }
    assert_eq!(
        owner.len(),
        apps.len(),
        "every mini program went to one rollout"
    );

    // A retry does not take a mini program back: the first rollout of apps[0] fails it
    // (cancelled, then a new rollout has it), the retry is refused.
    let first = owner[&apps[0]];
    sqlx::query(
        "UPDATE rollout_targets SET state = 'failed:pending:-1', kind = 'failed' \
         WHERE rollout_id = $1 AND appid = $2",
    )
    .bind(first)
    .bind(&apps[0])
    .execute(&app.db.pool)
    .await
    .unwrap();
    let taker = create_paused(&app, &op, std::slice::from_ref(&apps[0])).await;
    assert_eq!(
        state_name(&targets(&app, &op, taker).await[&apps[0]]["state"]),
        "Pending"
    );
    let refused = app
        .call(
            &op,
            "rollouts/retry",
            json!({"id": first, "appids": [apps[0]]}),
        )
        .await;
    assert_eq!(refused.status(), 409);
    assert!(body(refused).await.contains("TargetsTaken"));
    assert_eq!(
        state_name(&targets(&app, &op, first).await[&apps[0]]["state"]),
        "Failed"
    );
}

/// Rate limits (45009, 45011) are waited out with a short backoff, the 7-day audit quota
/// (85085) with a long one; nothing fails.
#[tokio::test]
async fn quota_and_rate_limits_are_waited_out() {
    let app = app().await;
    let op = app.signed_in(OPERATOR).await;
    let appid = demo_apps(0)[0].clone();
    let one = std::slice::from_ref(&appid);
    clear_calls(&app).await;
    fault(
        &app,
        json!({"path": "/wxa/commit", "fault": "errcode", "errcode": 45009,
               "errmsg": "reach max api daily quota limit", "times": 1}),
    )
    .await;
    fault(
        &app,
        json!({"path": "/wxa/submit_audit", "fault": "errcode", "errcode": 85085,
               "errmsg": "submit audit reach limit", "times": 1}),
    )
    .await;
    fault(
        &app,
        json!({"path": "/wxa/release", "fault": "errcode", "errcode": 45011,
               "errmsg": "api minute-quota reach limit", "times": 1}),
    )
    .await;
    let id = create(&app, &op, one, json!("Automatic")).await;
    // 45009 on the commit: retried after 2 s; 85085 on the submit: waits 15 minutes.
    wait_for("the audit quota wait", 30, || async {
        targets(&app, &op, id).await[&appid]["last_errcode"] == 85085
    })
    .await;
    let row = targets(&app, &op, id).await[&appid].clone();
    assert_eq!(state_name(&row["state"]), "Committed");
    assert_eq!(row["attempt"], 1);
    let wait = row["next_at"].as_i64().unwrap() - app::db::now();
    assert!((800..=900).contains(&wait), "{wait}");
    assert_eq!(sim_calls(&app, "/wxa/commit", &appid).await, 2);
    assert_eq!(sim_calls(&app, "/wxa/submit_audit", &appid).await, 1);
    // The quarter of an hour passes.
    sqlx::query("UPDATE rollout_targets SET next_at = 0 WHERE appid = $1")
        .bind(&appid)
        .execute(&app.db.pool)
        .await
        .unwrap();
    // Then 45011 on the release: retried after 2 s.
    review_until(&app, &op, id, None, "released", |s| {
        s.get(&appid).is_some_and(|k| k == "Released")
    })
    .await;
    assert_eq!(sim_calls(&app, "/wxa/submit_audit", &appid).await, 2);
    assert_eq!(sim_calls(&app, "/wxa/release", &appid).await, 2);
    let codes: Vec<i64> = events(&app, &op, id, &appid)
        .await
        .iter()
        .filter(|e| e["kind"] == "call")
        .filter_map(|e| e["errcode"].as_i64())
        .filter(|c| *c != 0)
        .collect();
    assert_eq!(codes, vec![45009, 85085, 45011]);
}

/// Gray steps on approval, then the full release; a target with nothing online yet is
/// released in full at once (gray release needs a version online, 85079).
#[tokio::test]
async fn gray_steps_then_the_full_release() {
    let app = app().await;
    let op = app.signed_in(OPERATOR).await;
    // Demo 0: released before; demo 8: committed only.
    let apps = vec![demo_appid(0), demo_appid(8)];
    clear_calls(&app).await;
    let policy = json!({"GrayThenFull": {"steps": [
        {"percentage": 10, "wait_minutes": 0}, {"percentage": 50, "wait_minutes": 0}]}});
    let plan = app
        .call_ok(&op, "rollouts/plan", request(&apps, policy.clone()))
        .await;
    let skipped: Vec<bool> = plan["plan"]["run"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["gray_skipped"].as_bool().unwrap())
        .collect();
    assert_eq!(skipped, vec![false, true]);
    let id = create(&app, &op, &apps, policy).await;
    review_until(&app, &op, id, None, "both released", |s| {
        s.len() == 2 && s.values().all(|k| k == "Released")
    })
    .await;
    assert_eq!(sim_calls(&app, "/wxa/grayrelease", &apps[0]).await, 2);
    assert_eq!(sim_calls(&app, "/wxa/grayrelease", &apps[1]).await, 0);
    for appid in &apps {
        assert_eq!(sim_calls(&app, "/wxa/release", appid).await, 1, "{appid}");
    }
    let outcomes: Vec<String> = events(&app, &op, id, &apps[0])
        .await
        .iter()
        .filter(|e| e["kind"] == "state")
        .map(|e| e["outcome"].as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(
        outcomes,
        vec![
            "committed",
            "submitted",
            "approved",
            "gray:0",
            "gray:1",
            "released"
        ]
    );
}

/// Only staff plan, create and control; a merchant sees the rollouts that touch its mini
/// programs with its own targets only, and another merchant's rollout answers like a
/// missing one.
#[tokio::test]
async fn merchants_see_their_own_targets_and_control_nothing() {
    let app = app().await;
    let op = app.signed_in(OPERATOR).await;
    let mine: Vec<String> = demo_apps(0).into_iter().take(2).collect();
    let theirs: Vec<String> = demo_apps(1).into_iter().take(1).collect();
    let both: Vec<String> = mine.iter().chain(&theirs).cloned().collect();
    let shared = create_paused(&app, &op, &both).await;
    let only_theirs = create_paused(&app, &op, &demo_apps(1)[1..2]).await;

    let merchant = app.signed_in(MERCHANT).await;
    let list = app
        .call_ok(&merchant, "rollouts/list", json!({"query": {}}))
        .await;
    let ids: Vec<i64> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![shared]);
    assert_eq!(list["items"][0]["progress"]["total"], 2);
    assert_eq!(
        rollout(&app, &merchant, shared).await["summary"]["progress"]["total"],
        2
    );
    let seen: HashSet<String> = targets(&app, &merchant, shared).await.into_keys().collect();
    assert_eq!(seen, mine.iter().cloned().collect());
    // Its own target's timeline is open to it (empty: nothing was sent yet).
    assert!(events(&app, &merchant, shared, &mine[0]).await.is_empty());
    let hidden = app
        .call(
            &merchant,
            "rollouts/events",
            json!({"id": shared, "appid": theirs[0]}),
        )
        .await;
    assert_eq!(hidden.status(), 404);
    // Another merchant's rollout is a missing one, byte for byte.
    let other = app
        .call(&merchant, "rollouts/get", json!({ "id": only_theirs }))
        .await;
    let missing = app
        .call(&merchant, "rollouts/get", json!({"id": 987_654_321}))
        .await;
    assert_eq!(other.status(), 404);
    assert_eq!(body(other).await, body(missing).await);
    for (endpoint, args) in [
        ("rollouts/plan", request(&mine, json!("Automatic"))),
        ("rollouts/create", request(&mine, json!("Automatic"))),
        ("rollouts/pause", json!({ "id": shared })),
        ("rollouts/resume", json!({ "id": shared })),
        ("rollouts/cancel", json!({ "id": shared })),
        ("rollouts/retry", json!({"id": shared, "appids": []})),
    ] {
        let res = app.call(&merchant, endpoint, args).await;
        assert_eq!(res.status(), 403, "{endpoint}");
    }
    // Nothing was created or changed by the merchant.
    let list = app
        .call_ok(&op, "rollouts/list", json!({"query": {}}))
        .await;
    assert_eq!(list["total"], 2);
    assert_eq!(
        rollout(&app, &op, shared).await["summary"]["status"],
        "Paused"
    );
    // The other merchant sees its own rollout and its target in the shared one.
    let merchant2 = app.signed_in(MERCHANT2).await;
    let seen: HashSet<String> = targets(&app, &merchant2, shared)
        .await
        .into_keys()
        .collect();
    assert_eq!(seen, theirs.iter().cloned().collect());
    let list = app
        .call_ok(&merchant2, "rollouts/list", json!({"query": {}}))
        .await;
    assert_eq!(list["total"], 2);
}

/// The lines of a CSV export without its BOM (empty lines dropped).
fn csv_lines(text: &str) -> Vec<String> {
    text.trim_start_matches('\u{feff}')
        .split("\r\n")
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `GET /rollouts/{id}/export.csv`: every target for staff (of the state asked), only its
/// own for a merchant, a 404 for a rollout without any of its mini programs, 401 signed out.
#[tokio::test]
async fn the_csv_export_lists_the_targets_the_user_may_see() {
    let app = app().await;
    let op = app.signed_in(OPERATOR).await;
    let mine: Vec<String> = demo_apps(0).into_iter().take(2).collect();
    let theirs: Vec<String> = demo_apps(1).into_iter().take(1).collect();
    let both: Vec<String> = mine.iter().chain(&theirs).cloned().collect();
    let shared = create_paused(&app, &op, &both).await;
    let only_theirs = create_paused(&app, &op, &demo_apps(1)[1..2]).await;
    let url = |id: i64, query: &str| app.url(&format!("/rollouts/{id}/export.csv{query}"));

    let res = op.get(url(shared, "")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("attachment"));
    let bytes = res.bytes().await.unwrap();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "UTF-8 BOM for Excel");
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    let lines = csv_lines(&text);
    assert_eq!(lines.len(), 1 + both.len(), "{text}");
    assert!(
        lines[0].starts_with("AppID,小程序,商户 ID,状态,跳过原因"),
        "{}",
        lines[0]
    );
    for appid in &both {
        assert!(
            lines[1..]
                .iter()
                .any(|l| l.starts_with(&format!("{appid},"))),
            "{appid}: {text}"
        );
    }
    assert!(lines[1..].iter().all(|l| l.contains(",pending,")), "{text}");
    // The page's state filter: nothing failed yet.
    let text = op
        .get(url(shared, "?state=failed"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(csv_lines(&text).len(), 1, "{text}");
    let text = op
        .get(url(shared, "?state=pending"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(csv_lines(&text).len(), 1 + both.len(), "{text}");

    // A merchant gets its own targets only; a rollout without any of them is missing.
    let merchant = app.signed_in(MERCHANT).await;
    let res = merchant.get(url(shared, "")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let text = res.text().await.unwrap();
    assert_eq!(csv_lines(&text).len(), 1 + mine.len(), "{text}");
    assert!(!text.contains(&theirs[0]), "{text}");
    let res = merchant.get(url(only_theirs, "")).send().await.unwrap();
    assert_eq!(res.status(), 404);
    assert!(!res.text().await.unwrap().contains(&demo_apps(1)[1]));
    let res = merchant.get(url(987_654_321, "")).send().await.unwrap();
    assert_eq!(res.status(), 404);

    // Not signed in: 401, no data.
    let res = client().get(url(shared, "")).send().await.unwrap();
    assert_eq!(res.status(), 401);
    assert!(!res.text().await.unwrap().contains(&mine[0]));
}

/// The list and a rollout's page render on the server (readable without JavaScript): the
/// rollout, its targets, its controls for staff only, a target's timeline, 404 for a
/// rollout the user may not see.
#[tokio::test]
async fn the_rollout_pages_render_on_the_server() {
    let app = app().await;
    let op = app.signed_in(OPERATOR).await;
    let apps: Vec<String> = demo_apps(0).into_iter().take(2).collect();
    let id = create_paused(&app, &op, &apps).await;
    let page = |c: &Client, path: String| {
        let request = c.get(app.url(&path));
        async move {
            let res = request.send().await.unwrap();
            let status = res.status();
            (status, res.text().await.unwrap_or_default())
        }
    };

    let (status, html) = page(&op, "/rollouts".into()).await;
    assert_eq!(status, 200);
    assert!(html.contains(&format!("href=\"/rollouts/{id}\"")), "{html}");
    assert!(html.contains(&format!("data-id=\"{id}\"")));
    assert!(html.contains("data-testid=\"rollout-new\""));
    let (_, html) = page(&op, "/rollouts?status=finished".into()).await;
    assert!(!html.contains(&format!("data-id=\"{id}\"")));
    assert!(html.contains("data-testid=\"rollouts-empty\""));

    let (status, html) = page(&op, format!("/rollouts/{id}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("data-testid=\"rollout-progress\""), "{html}");
    assert!(html.contains(&format!("data-total=\"{}\"", apps.len())));
    for appid in &apps {
        assert!(html.contains(&format!("data-appid=\"{appid}\"")), "{appid}");
    }
    assert!(html.contains("data-testid=\"rollout-count-pending\""));
    assert!(html.contains(&format!("/rollouts/{id}/export.csv")));
    assert!(
        html.contains("data-testid=\"rollout-resume\""),
        "paused: resume"
    );
    assert!(!html.contains("data-testid=\"rollout-pause\""));
    let (status, html) = page(&op, format!("/rollouts/{id}?state=failed")).await;
    assert_eq!(status, 200);
    assert!(!html.contains(&format!("data-appid=\"{}\"", apps[0])));
    assert!(html.contains(&format!("/rollouts/{id}/export.csv?state=failed")));
    let (status, html) = page(&op, format!("/rollouts/{id}?appid={}", apps[0])).await;
    assert_eq!(status, 200);
    assert!(html.contains("data-testid=\"target-timeline\""));

    // A merchant sees the rollout touching its mini programs, without the controls.
    let merchant = app.signed_in(MERCHANT).await;
    let (status, html) = page(&merchant, format!("/rollouts/{id}")).await;
    assert_eq!(status, 200);
    assert!(html.contains(&format!("data-appid=\"{}\"", apps[0])));
    assert!(!html.contains("data-testid=\"rollout-resume\""));
    assert!(!html.contains("data-testid=\"rollout-cancel\""));
    let (_, html) = page(&merchant, "/rollouts".into()).await;
    assert!(html.contains(&format!("data-id=\"{id}\"")));
    assert!(!html.contains("data-testid=\"rollout-new\""));
    // Another merchant's view of it, and a missing one: 404 alike.
    let merchant2 = app.signed_in(MERCHANT2).await;
    let (status, html) = page(&merchant2, format!("/rollouts/{id}")).await;
    assert_eq!(status, 404);
    assert!(!html.contains(&apps[0]));
    let (status, _) = page(&op, "/rollouts/987654321".into()).await;
    assert_eq!(status, 404);
    // Pages need a session.
    let res = client().get(app.url("/rollouts")).send().await.unwrap();
    assert_eq!(res.status(), 303);
    let res = client()
        .get(app.url(&format!("/rollouts/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
}

/// A rollout whose targets could move but have not for half an hour is reported to staff
/// once per stall; targets waiting for their review are no stall.
#[tokio::test]
async fn a_stalled_rollout_is_reported_once_and_a_rollout_in_review_is_not() {
    let app = app().await;
    let op = app.signed_in(OPERATOR).await;
    let apps = demo_apps(0);
    let (stuck, reviewed) = (&apps[0], &apps[1]);
    let in_review = create(
        &app,
        &op,
        std::slice::from_ref(reviewed),
        json!("Automatic"),
    )
    .await;
    wait_states(
        &app,
        &op,
        in_review,
        std::slice::from_ref(reviewed),
        "Submitted",
    )
    .await;
    // Then 85085 on every submit: the other target waits at committed for the quota.
    fault(
        &app,
        json!({"path": "/wxa/submit_audit", "fault": "errcode", "errcode": 85085,
               "errmsg": "submit audit reach limit", "times": 1000}),
    )
    .await;
    let waiting = create(&app, &op, std::slice::from_ref(stuck), json!("Automatic")).await;
    wait_for("the quota wait", 30, || async {
        targets(&app, &op, waiting).await[stuck]["last_errcode"] == 85085
    })
    .await;
    let stalled = |id: i64| {
        let db = app.db.clone();
        async move {
            let n: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM notifications WHERE kind = 'rollout_stalled' AND link = $1",
            )
            .bind(format!("/rollouts/{id}"))
            .fetch_one(&db.pool)
            .await
            .expect("notifications");
            n
        }
    };
    // Not yet: the last change is recent.
    app::services::rollouts::worker::check_stalls(&app.state).await;
    assert_eq!(stalled(waiting).await, 0);
    // Half an hour passes for both.
    sqlx::query("UPDATE rollout_targets SET entered_at = entered_at - 1900")
        .execute(&app.db.pool)
        .await
        .expect("age");
    app::services::rollouts::worker::check_stalls(&app.state).await;
    app::services::rollouts::worker::check_stalls(&app.state).await;
    assert_eq!(stalled(waiting).await, 1, "reported once");
    assert_eq!(stalled(in_review).await, 0, "a review is no stall");
    // A merchant's bell does not ring for it: staff only.
    let (merchant_id,): (Option<i64>,) = sqlx::query_as(
        "SELECT merchant_id FROM notifications WHERE kind = 'rollout_stalled' AND link = $1",
    )
    .bind(format!("/rollouts/{waiting}"))
    .fetch_one(&app.db.pool)
    .await
    .expect("notification");
    assert_eq!(merchant_id, None);
}
