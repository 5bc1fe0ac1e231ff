//! Audit tracking against the simulator and a real database: results by push and by
//! polling, recorded once whichever comes first, one notification per result, a lost push
//! recovered by polling, leases across pollers, merchant-scoped notifications.

use crate::helpers::{sim_calls, spawn_app, TestApp, ADMIN, MERCHANT, MERCHANT2};
use app::db;
use app::services::audit_tracking::{self, Reported};
use app::services::demo::demo_appid;
use serde_json::{json, Value};
use std::time::Duration;
use wechat::api::code::{AuditItem, CommitRequest, SubmitAuditRequest};

/// Authorized demo mini programs with committed code and no audit yet:
/// merchant 0 ("merchant"), merchant 1 ("merchant2"), unassigned.
const OF_MERCHANT: u64 = 8;
const OF_MERCHANT2: u64 = 13;
const UNASSIGNED: u64 = 23;

/// Pushes stop reaching the console (WeChat gave up, the network ate them …).
async fn lose_pushes(app: &TestApp) {
    app.sim(
        "/targets",
        json!({"component_url": app.url("/wechat/callback"),
               "message_url": "http://127.0.0.1:9/lost/$APPID$"}),
    )
    .await;
}

async fn deliver_pushes(app: &TestApp) {
    app.sim(
        "/targets",
        json!({"component_url": app.url("/wechat/callback"),
               "message_url": app.url("/wechat/callback/$APPID$")}),
    )
    .await;
}

/// Commits and submits through WeChat (the simulator); returns the auditid.
async fn submit_in_wechat(app: &TestApp, appid: &str) -> i64 {
    let platform = app.state.platform().expect("platform");
    let client = &platform.client;
    let ctx = platform.ctx(appid);
    let template = client
        .get_template_list(&platform.component_ctx(), None)
        .await
        .expect("templates")
        .template_list
        .into_iter()
        .next()
        .expect("a template");
    client
        .commit_code(
            &ctx,
            &CommitRequest {
                template_id: template.template_id,
                ext_json: json!({"extAppid": appid}).to_string(),
                user_version: "2.0.0".into(),
                user_desc: "tracking test".into(),
            },
        )
        .await
        .expect("commit");
    let category = client
        .get_category(&ctx)
        .await
        .expect("category")
        .category_list;
    let pages = client.get_page(&ctx).await.expect("pages").page_list;
    let c = category.first().expect("a category");
    client
        .submit_audit(
            &ctx,
            &SubmitAuditRequest {
                item_list: vec![AuditItem {
                    address: pages.first().expect("a page").clone(),
                    tag: "测试".into(),
                    first_class: c.first_class.clone(),
                    second_class: c.second_class.clone(),
                    first_id: c.first_id,
                    second_id: c.second_id,
                    title: "首页".into(),
                    ..Default::default()
                }],
                ..Default::default()
            },
        )
        .await
        .expect("submit")
        .auditid
}

/// What the release actions insert on submit: status 2, first poll in a minute.
async fn insert_submitted(app: &TestApp, appid: &str, auditid: i64) {
    sqlx::query(
        "INSERT INTO code_audits (appid, auditid, user_version, item_list, status, \
         submitted_by_name, submitted_at, next_poll_at) \
         VALUES ($1, $2, '2.0.0', '[]', 2, 'admin', $3, $4)",
    )
    .bind(appid)
    .bind(auditid)
    .bind(db::now())
    .bind(db::now() + 60)
    .execute(&app.db.pool)
    .await
    .expect("insert audit");
}

/// A submitted audit, known to the console.
async fn submitted(app: &TestApp, i: u64) -> (String, i64) {
    let appid = demo_appid(i);
    let auditid = submit_in_wechat(app, &appid).await;
    insert_submitted(app, &appid, auditid).await;
    (appid, auditid)
}

/// Waits until the simulator has delivered every push and the console processed them.
async fn settle_pushes(app: &TestApp) {
    wait_for("pushes to settle", || async {
        let state: Value = reqwest::Client::new()
            .get(format!("{}/__sim/state", app.sim_base))
            .send()
            .await
            .expect("state")
            .json()
            .await
            .expect("state JSON");
        let open: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM wechat_callbacks WHERE outcome IN ('received', 'processing')",
        )
        .fetch_one(&app.db.pool)
        .await
        .expect("open callbacks");
        state["outbox"] == json!(0) && open == 0
    })
    .await;
}

async fn make_due(app: &TestApp, appid: &str) {
    sqlx::query("UPDATE code_audits SET next_poll_at = 0 WHERE appid = $1")
        .bind(appid)
        .execute(&app.db.pool)
        .await
        .expect("due");
}

#[derive(Debug, sqlx::FromRow)]
struct AuditRow {
    status: i64,
    reason: Option<String>,
    screenshots: Option<String>,
    result_source: Option<String>,
    user_version: String,
    poll_attempts: i64,
    next_poll_at: i64,
    finished_at: Option<i64>,
}

async fn audit_row(app: &TestApp, appid: &str, auditid: i64) -> Option<AuditRow> {
    sqlx::query_as::<_, AuditRow>(
        "SELECT status, reason, screenshots, result_source, user_version, poll_attempts, \
         next_poll_at, finished_at FROM code_audits WHERE appid = $1 AND auditid = $2",
    )
    .bind(appid)
    .bind(auditid)
    .fetch_optional(&app.db.pool)
    .await
    .expect("read audit")
}

async fn notifications_for(app: &TestApp, appid: &str) -> Vec<(String, String)> {
    sqlx::query_as::<_, (String, String)>(
        "SELECT kind, dedupe_key FROM notifications WHERE appid = $1 ORDER BY id",
    )
    .bind(appid)
    .fetch_all(&app.db.pool)
    .await
    .expect("notifications")
}

async fn wait_for<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..300 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting for {what}");
}

async fn wait_status(app: &TestApp, appid: &str, auditid: i64, status: i64) {
    wait_for("the audit result", || async {
        audit_row(app, appid, auditid)
            .await
            .is_some_and(|r| r.status == status)
    })
    .await;
}

/// Callbacks of `kind` for `appid` that were processed.
async fn processed_pushes(app: &TestApp, appid: &str, kind: &str) -> Vec<String> {
    sqlx::query_scalar::<_, String>(
        "SELECT outcome_detail FROM wechat_callbacks WHERE appid = $1 AND kind = $2 \
         AND outcome = 'processed' ORDER BY id",
    )
    .bind(appid)
    .bind(kind)
    .fetch_all(&app.db.pool)
    .await
    .expect("callbacks")
}

#[tokio::test]
async fn a_pushed_result_is_recorded_once_with_one_notification() {
    let app = spawn_app().await;
    let (appid, auditid) = submitted(&app, OF_MERCHANT).await;
    app.sim("/audit/outcome", json!({"appid": appid, "status": 0}))
        .await;
    wait_status(&app, &appid, auditid, 0).await;
    let row = audit_row(&app, &appid, auditid).await.unwrap();
    assert_eq!(row.result_source.as_deref(), Some("push"));
    assert!(row.finished_at.is_some());
    // The notification is written just after the status: under load a read between the
    // two finds none yet.
    wait_for("the notification", || async {
        !notifications_for(&app, &appid).await.is_empty()
    })
    .await;
    assert_eq!(
        notifications_for(&app, &appid).await,
        vec![(
            "audit_approved".to_string(),
            format!("audit:{appid}:{auditid}:0")
        )]
    );
    // Polling afterwards finds nothing to do and changes nothing.
    make_due(&app, &appid).await;
    assert_eq!(audit_tracking::poll_due(&app.state, "late-poller").await, 0);
    let again = audit_tracking::record(
        &app.state,
        &Reported {
            appid: &appid,
            auditid,
            status: 0,
            reason: None,
            screenshots: None,
            source: "poll",
        },
    )
    .await
    .unwrap();
    assert!(!again);
    assert_eq!(
        audit_row(&app, &appid, auditid)
            .await
            .unwrap()
            .result_source
            .as_deref(),
        Some("push")
    );
    assert_eq!(notifications_for(&app, &appid).await.len(), 1);
    // The audit log still gets the push, as before.
    let logged: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'wechat.audit_result' AND target_id = $1",
    )
    .bind(&appid)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert!(logged >= 1);
}

#[tokio::test]
async fn a_lost_push_is_recovered_by_polling_and_the_late_push_changes_nothing() {
    let app = spawn_app_with_fast_retries().await;
    let (appid, auditid) = submitted(&app, OF_MERCHANT).await;
    lose_pushes(&app).await;
    app.sim(
        "/audit/outcome",
        json!({"appid": appid, "status": 1, "reason": "页面空白", "screenshot": "media_a|media_b"}),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(audit_row(&app, &appid, auditid).await.unwrap().status, 2);

    // Not due yet: nothing is polled.
    assert_eq!(audit_tracking::poll_due(&app.state, "poller-a").await, 0);
    make_due(&app, &appid).await;
    assert_eq!(audit_tracking::poll_due(&app.state, "poller-a").await, 1);
    let row = audit_row(&app, &appid, auditid).await.unwrap();
    assert_eq!(row.status, 1);
    assert_eq!(row.result_source.as_deref(), Some("poll"));
    assert_eq!(row.reason.as_deref(), Some("页面空白"));
    assert_eq!(row.screenshots.as_deref(), Some("media_a|media_b"));
    assert_eq!(row.poll_attempts, 1);
    assert_eq!(
        notifications_for(&app, &appid).await,
        vec![(
            "audit_rejected".to_string(),
            format!("audit:{appid}:{auditid}:1")
        )]
    );

    // The push arrives after all (a retry): stored, processed, nothing changes.
    deliver_pushes(&app).await;
    wait_for("the late push", || async {
        !processed_pushes(&app, &appid, "weapp_audit_fail")
            .await
            .is_empty()
    })
    .await;
    let details = processed_pushes(&app, &appid, "weapp_audit_fail").await;
    assert!(details[0].contains("nothing changed"), "{details:?}");
    let row = audit_row(&app, &appid, auditid).await.unwrap();
    assert_eq!(
        (row.status, row.result_source.as_deref()),
        (1, Some("poll"))
    );
    assert_eq!(notifications_for(&app, &appid).await.len(), 1);
}

async fn spawn_app_with_fast_retries() -> TestApp {
    crate::helpers::spawn_app_with(&[("WXA_SIMULATOR_PUSH_RETRY_SECS", "1")]).await
}

#[tokio::test]
async fn a_still_pending_audit_is_polled_again_later_with_backoff() {
    let app = spawn_app().await;
    let (appid, auditid) = submitted(&app, OF_MERCHANT2).await;
    make_due(&app, &appid).await;
    let before = db::now();
    assert_eq!(audit_tracking::poll_due(&app.state, "poller").await, 1);
    let row = audit_row(&app, &appid, auditid).await.unwrap();
    assert_eq!((row.status, row.poll_attempts), (2, 1));
    // After the first poll: two minutes.
    assert!(row.next_poll_at >= before + 120 && row.next_poll_at <= db::now() + 120);
    assert!(notifications_for(&app, &appid).await.is_empty());
    // A delay is recorded (and notified) but polling goes on; the final result still lands.
    lose_pushes(&app).await;
    app.sim("/audit/outcome", json!({"appid": appid, "status": 4}))
        .await;
    make_due(&app, &appid).await;
    assert_eq!(audit_tracking::poll_due(&app.state, "poller").await, 1);
    assert_eq!(audit_row(&app, &appid, auditid).await.unwrap().status, 4);
    app.sim("/audit/outcome", json!({"appid": appid, "status": 0}))
        .await;
    make_due(&app, &appid).await;
    assert_eq!(audit_tracking::poll_due(&app.state, "poller").await, 1);
    let row = audit_row(&app, &appid, auditid).await.unwrap();
    assert_eq!((row.status, row.poll_attempts), (0, 3));
    let kinds: Vec<String> = notifications_for(&app, &appid)
        .await
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert_eq!(kinds, vec!["audit_delayed", "audit_approved"]);
}

#[tokio::test]
async fn two_pollers_claim_an_audit_once() {
    let app = spawn_app().await;
    let (appid, auditid) = submitted(&app, OF_MERCHANT).await;
    lose_pushes(&app).await;
    app.sim("/audit/outcome", json!({"appid": appid, "status": 0}))
        .await;
    let calls_before = sim_calls(&app, "/wxa/get_auditstatus", &appid).await;
    make_due(&app, &appid).await;
    let (a, b) = tokio::join!(
        audit_tracking::poll_due(&app.state, "instance-a"),
        audit_tracking::poll_due(&app.state, "instance-b"),
    );
    assert_eq!(a + b, 1, "exactly one instance polls the audit");
    assert_eq!(
        sim_calls(&app, "/wxa/get_auditstatus", &appid).await - calls_before,
        1
    );
    assert_eq!(audit_row(&app, &appid, auditid).await.unwrap().status, 0);
    assert_eq!(notifications_for(&app, &appid).await.len(), 1);
    // A lease held by a live instance keeps the others off, even when due.
    let (appid2, auditid2) = submitted(&app, OF_MERCHANT2).await;
    make_due(&app, &appid2).await;
    let now = db::now();
    assert!(
        db::audit_tracking::claim(&app.db, &appid2, auditid2, "holder", now, now + 120)
            .await
            .unwrap()
    );
    assert!(
        !db::audit_tracking::claim(&app.db, &appid2, auditid2, "other", now, now + 120)
            .await
            .unwrap()
    );
    assert_eq!(audit_tracking::poll_due(&app.state, "other").await, 0);
}

#[tokio::test]
async fn duplicate_and_racing_reports_change_the_row_once() {
    let app = spawn_app().await;
    let (appid, auditid) = submitted(&app, OF_MERCHANT2).await;
    lose_pushes(&app).await;
    let report = |source: &'static str| Reported {
        appid: &appid,
        auditid,
        status: 1,
        reason: Some("类目不符"),
        screenshots: Some("m1"),
        source,
    };
    // Push and poll report the same result at the same moment, twice each.
    let (push, poll) = (report("push"), report("poll"));
    let (a, b, c, d) = tokio::join!(
        audit_tracking::record(&app.state, &push),
        audit_tracking::record(&app.state, &poll),
        audit_tracking::record(&app.state, &push),
        audit_tracking::record(&app.state, &poll),
    );
    let changed = [a.unwrap(), b.unwrap(), c.unwrap(), d.unwrap()];
    assert_eq!(changed.iter().filter(|c| **c).count(), 1, "{changed:?}");
    assert_eq!(notifications_for(&app, &appid).await.len(), 1);
    // A final status never changes, not even to another final one.
    let flipped = audit_tracking::record(
        &app.state,
        &Reported {
            status: 0,
            ..report("push")
        },
    )
    .await
    .unwrap();
    assert!(!flipped);
    let row = audit_row(&app, &appid, auditid).await.unwrap();
    assert_eq!((row.status, row.reason.as_deref()), (1, Some("类目不符")));
    assert_eq!(row.screenshots.as_deref(), Some("m1"));
}

#[tokio::test]
async fn duplicate_pushes_are_recorded_once_and_keep_the_rejection_details() {
    let app = spawn_app().await;
    let (appid, auditid) = submitted(&app, OF_MERCHANT).await;
    app.sim(
        "/audit/outcome",
        json!({"appid": appid, "status": 1, "reason": "含有测试内容", "screenshot": "s1|s2|s3"}),
    )
    .await;
    wait_status(&app, &appid, auditid, 1).await;
    // WeChat sends the result again (a retry the console had answered already).
    let user_name: String =
        sqlx::query_scalar("SELECT user_name FROM authorizations WHERE appid = $1")
            .bind(&appid)
            .fetch_one(&app.db.pool)
            .await
            .expect("user name");
    let again = format!(
        "<xml><ToUserName><![CDATA[{user_name}]]></ToUserName><FromUserName><![CDATA[o]]></FromUserName>\
         <CreateTime>{}</CreateTime><MsgType><![CDATA[event]]></MsgType>\
         <Event><![CDATA[weapp_audit_fail]]></Event><Reason><![CDATA[含有测试内容]]></Reason>\
         <FailTime>1</FailTime><ScreenShot><![CDATA[s1|s2|s3]]></ScreenShot></xml>",
        db::now() + 7
    );
    let id = app::services::callbacks::store(&app.state, Some(&appid), &again)
        .await
        .unwrap()
        .expect("a new delivery");
    app::services::callbacks::process_new(&app.state, id)
        .await
        .unwrap();
    assert_eq!(
        app::services::callbacks::store(&app.state, Some(&appid), &again)
            .await
            .unwrap(),
        None,
        "an identical delivery is stored once"
    );
    let details = processed_pushes(&app, &appid, "weapp_audit_fail").await;
    assert_eq!(details.len(), 2);
    assert!(details[1].contains("nothing changed"), "{details:?}");
    let row = audit_row(&app, &appid, auditid).await.unwrap();
    assert_eq!(row.status, 1);
    assert_eq!(row.reason.as_deref(), Some("含有测试内容"));
    assert_eq!(row.screenshots.as_deref(), Some("s1|s2|s3"));
    assert_eq!(notifications_for(&app, &appid).await.len(), 1);
}

#[tokio::test]
async fn a_push_for_an_audit_submitted_elsewhere_becomes_a_row() {
    let app = spawn_app().await;
    let appid = demo_appid(UNASSIGNED);
    let auditid = submit_in_wechat(&app, &appid).await;
    assert!(audit_row(&app, &appid, auditid).await.is_none());
    app.sim("/audit/outcome", json!({"appid": appid, "status": 0}))
        .await;
    wait_for("the new row", || async {
        audit_row(&app, &appid, auditid).await.is_some()
    })
    .await;
    let row = audit_row(&app, &appid, auditid).await.unwrap();
    assert_eq!(row.status, 0);
    assert_eq!(row.user_version, "", "version unknown");
    assert_eq!(row.result_source.as_deref(), Some("push"));
    // Unassigned mini program: a notification for staff only.
    wait_for("the notification", || async {
        !notifications_for(&app, &appid).await.is_empty()
    })
    .await;
    let merchant: Option<i64> =
        sqlx::query_scalar("SELECT merchant_id FROM notifications WHERE appid = $1")
            .bind(&appid)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(merchant, None);
}

#[tokio::test]
async fn notifications_are_scoped_to_the_merchant_and_marked_read_per_user() {
    // The demo's audits under review stay there; its finished ones notify too, so wait for
    // their pushes to be delivered and start from a clean slate.
    let app = crate::helpers::spawn_app_with(&[("WXA_SIMULATOR_AUDIT_DELAY_SECS", "86400")]).await;
    settle_pushes(&app).await;
    sqlx::query("DELETE FROM notifications")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let (mine, audit_mine) = submitted(&app, OF_MERCHANT).await;
    let (theirs, audit_theirs) = submitted(&app, OF_MERCHANT2).await;
    app.sim("/audit/outcome", json!({"appid": mine, "status": 0}))
        .await;
    app.sim("/audit/outcome", json!({"appid": theirs, "status": 1}))
        .await;
    wait_status(&app, &mine, audit_mine, 0).await;
    wait_status(&app, &theirs, audit_theirs, 1).await;

    let merchant = app.signed_in(MERCHANT).await;
    let merchant2 = app.signed_in(MERCHANT2).await;
    let admin = app.signed_in(ADMIN).await;
    let list = |c: reqwest::Client| {
        let app = &app;
        async move {
            app.call_ok(
                &c,
                "notifications/list",
                json!({"page": {"page": 1, "per_page": 20}, "unread_only": false}),
            )
            .await
        }
    };
    let page = list(merchant.clone()).await;
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["appid"], json!(mine));
    assert_eq!(items[0]["kind"], json!("audit_approved"));
    assert_eq!(items[0]["link"], json!(format!("/apps/{mine}/release")));
    assert_eq!(items[0]["read"], json!(false));
    let theirs_page = list(merchant2.clone()).await;
    assert_eq!(theirs_page["total"], json!(1));
    assert_eq!(theirs_page["items"][0]["appid"], json!(theirs));
    assert!(theirs_page["items"][0]["params"]
        .as_str()
        .unwrap()
        .contains("\"auditid\""));
    assert_eq!(list(admin.clone()).await["total"], json!(2));

    let unread = |c: reqwest::Client| {
        let app = &app;
        async move { app.call_ok(&c, "notifications/unread", json!({})).await }
    };
    assert_eq!(unread(merchant.clone()).await, json!(1));
    assert_eq!(unread(admin.clone()).await, json!(2));
    // Another merchant's notification cannot be touched (404, not "ok").
    let their_id = theirs_page["items"][0]["id"].clone();
    let res = app
        .call(&merchant, "notifications/read", json!({"id": their_id}))
        .await;
    assert_eq!(res.status(), 404);
    let my_id = items[0]["id"].clone();
    app.call_ok(&merchant, "notifications/read", json!({"id": my_id}))
        .await;
    assert_eq!(unread(merchant.clone()).await, json!(0));
    // Read state is per user: the admin still has both unread, then reads all.
    assert_eq!(unread(admin.clone()).await, json!(2));
    assert_eq!(
        app.call_ok(&admin, "notifications/read_all", json!({}))
            .await,
        json!(2)
    );
    assert_eq!(unread(admin.clone()).await, json!(0));
    assert_eq!(unread(merchant2.clone()).await, json!(1));
    // Without a session: refused.
    let res = app
        .call(&crate::helpers::client(), "notifications/unread", json!({}))
        .await;
    assert_eq!(res.status(), 401);
}

#[tokio::test]
async fn a_late_push_about_an_older_audit_does_not_touch_the_newer_one() {
    let app = spawn_app_with_fast_retries().await;
    let appid = demo_appid(UNASSIGNED);
    lose_pushes(&app).await;
    // Both submitted outside the console; the first one's result is delivered late.
    let first = submit_in_wechat(&app, &appid).await;
    app.sim("/audit/outcome", json!({"appid": appid, "status": 0}))
        .await;
    let second = submit_in_wechat(&app, &appid).await;
    assert_ne!(first, second);
    deliver_pushes(&app).await;
    wait_for("the late push", || async {
        !processed_pushes(&app, &appid, "weapp_audit_success")
            .await
            .is_empty()
    })
    .await;
    // The newer audit is tracked as in review, the old result not pinned on it.
    let row = audit_row(&app, &appid, second).await.expect("tracked");
    assert_eq!(row.status, 2);
    assert!(row.next_poll_at > 0);
    assert!(notifications_for(&app, &appid).await.is_empty());
    // Its own result is found by polling.
    lose_pushes(&app).await;
    app.sim("/audit/outcome", json!({"appid": appid, "status": 1}))
        .await;
    make_due(&app, &appid).await;
    assert_eq!(audit_tracking::poll_due(&app.state, "poller").await, 1);
    assert_eq!(audit_row(&app, &appid, second).await.unwrap().status, 1);
    assert_eq!(notifications_for(&app, &appid).await.len(), 1);
}
