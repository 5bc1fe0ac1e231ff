//! Plugins (插件) end to end: the console's services against the built-in simulator and the
//! real database (SQLite, or PostgreSQL with WXA_TEST_DATABASE_URL). A mini program applies,
//! quick-updates and removes plugins (89237 refused by the console, 89239 / 89246 / 89257 from
//! WeChat at their field); the owner of a plugin approves one application and refuses another
//! with a reason (a refusal without one refused by the console, nothing sent), cannot delete a
//! pending one; the 24-hour deadline and paging; personal subjects and 61007; merchant
//! confinement; the pages rendered on the server.

use crate::helpers::{
    body, client, problems, sim_calls, spawn_app, wechat_code, TestApp, ADMIN, MERCHANT, MERCHANT2,
    OPERATOR,
};
use app::services::demo::{demo_appid, demo_program, NO_PLUGIN_SCOPE_DEMOS, PLUGIN_OWNER_DEMOS};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use wechat::simulator::code::{EXPRESS_PLUGIN, HOSPITAL_PLUGIN, ROUTE_PLUGIN};

/// Demo mini program 3: an enterprise (工具 - 办公), not assigned to a merchant, no plugin.
fn user_app() -> String {
    demo_appid(3)
}

/// Demo mini program 59 owns a plugin (demo data), with three applications made outside the
/// console: 城市停车助手 (2 hours old), 社区团购小站 (21 hours: near the deadline), 老年大学课程表
/// (timed out).
fn owner() -> String {
    demo_appid(PLUGIN_OWNER_DEMOS[1])
}

/// A personal-subject demo mini program of merchant 1.
fn personal() -> String {
    demo_appid(8)
}

/// Never granted permission set 40 (demo data).
fn no_scope() -> String {
    demo_appid(NO_PLUGIN_SCOPE_DEMOS[0])
}

const UNKNOWN: &str = "wx00000000000004a4";

async fn get(app: &TestApp, c: &Client, appid: &str) -> Value {
    app.call_ok(c, "plugins/get", json!({"appid": appid})).await
}

async fn apply(
    app: &TestApp,
    c: &Client,
    appid: &str,
    plugin: &str,
    reason: &str,
) -> reqwest::Response {
    app.call(
        c,
        "plugins/apply",
        json!({"appid": appid, "plugin_appid": plugin, "reason": reason}),
    )
    .await
}

async fn apply_ok(app: &TestApp, c: &Client, appid: &str, plugin: &str, reason: &str) -> Value {
    app.call_ok(
        c,
        "plugins/apply",
        json!({"appid": appid, "plugin_appid": plugin, "reason": reason}),
    )
    .await
}

async fn update(
    app: &TestApp,
    c: &Client,
    appid: &str,
    plugin: &str,
    version: &str,
) -> reqwest::Response {
    app.call(
        c,
        "plugins/update",
        json!({"appid": appid, "plugin_appid": plugin, "user_version": version}),
    )
    .await
}

async fn unbind_ok(app: &TestApp, c: &Client, appid: &str, plugin: &str) -> Value {
    app.call_ok(
        c,
        "plugins/unbind",
        json!({"appid": appid, "plugin_appid": plugin}),
    )
    .await
}

async fn applications(app: &TestApp, c: &Client, appid: &str, page: u32) -> Value {
    app.call_ok(
        c,
        "plugins/applications",
        json!({"appid": appid, "page": page}),
    )
    .await
}

/// `plugins/agree` or `plugins/delete` (no reason), or `plugins/refuse` with one.
async fn decide(
    app: &TestApp,
    c: &Client,
    endpoint: &str,
    appid: &str,
    applicant: &str,
    reason: Option<&str>,
) -> reqwest::Response {
    let mut body = json!({"appid": appid, "applicant": applicant, "page": 1});
    if let Some(r) = reason {
        body["reason"] = json!(r);
    }
    app.call(c, endpoint, body).await
}

async fn decide_ok(
    app: &TestApp,
    c: &Client,
    endpoint: &str,
    appid: &str,
    applicant: &str,
    reason: Option<&str>,
) -> Value {
    let res = decide(app, c, endpoint, appid, applicant, reason).await;
    let status = res.status();
    let text = body(res).await;
    assert!(status.is_success(), "{endpoint}: {status} {text}");
    serde_json::from_str(&text).unwrap()
}

/// A view's plugins: (plugin AppID, status).
fn plugins(view: &Value) -> Vec<(String, String)> {
    view["plugins"]
        .as_array()
        .expect("plugins")
        .iter()
        .map(|p| {
            (
                p["plugin_appid"].as_str().unwrap_or("").to_owned(),
                p["status"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

/// The application of `applicant` in an applications view.
fn application<'a>(view: &'a Value, applicant: &str) -> Option<&'a Value> {
    view["applications"]
        .as_array()
        .expect("applications")
        .iter()
        .find(|a| a["appid"] == applicant)
}

/// The AppID of the application whose applicant is called `nickname`.
fn applicant_named(view: &Value, nickname: &str) -> String {
    view["applications"]
        .as_array()
        .expect("applications")
        .iter()
        .find(|a| a["nickname"] == nickname)
        .and_then(|a| a["appid"].as_str())
        .unwrap_or_else(|| panic!("{nickname} not in {view}"))
        .to_owned()
}

/// An application made outside the console (the simulator's control API); its applicant.
async fn outside_application(app: &TestApp, owner: &str, nickname: &str, age_secs: i64) -> String {
    let made = app
        .sim_ok(
            "/plugins/applications",
            json!({"plugin_appid": owner, "nickname": nickname,
                "categories": [{"first": "IT科技", "second": "硬件与设备"}],
                "reason": format!("{nickname}的理由"), "age_secs": age_secs}),
        )
        .await;
    made["application"]["appid"]
        .as_str()
        .expect("applicant")
        .to_owned()
}

/// What the simulated WeChat stores for an application (refusal reason included).
async fn sim_application(app: &TestApp, owner: &str, applicant: &str) -> Value {
    let v: Value = reqwest::Client::new()
        .get(format!(
            "{}/__sim/plugins/applications?plugin_appid={owner}&appid={applicant}",
            app.sim_base
        ))
        .send()
        .await
        .expect("control call")
        .json()
        .await
        .expect("control JSON");
    v["applications"][0].clone()
}

async fn audit(app: &TestApp) -> Vec<(String, String, String)> {
    sqlx::query_as(
        "SELECT action, outcome, detail FROM audit_log WHERE target_type = 'plugin' ORDER BY id",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn an_operator_applies_updates_and_removes_plugins() {
    let app = spawn_app().await;
    let op = app.signed_in(OPERATOR).await;
    let appid = user_app();
    let view = get(&app, &op, &appid).await;
    assert_eq!(view["plugins"], json!([]));
    assert_eq!(view["refusal"], Value::Null);
    assert_eq!(view["subject"], "Enterprise");
    assert_eq!(view["grant"], Value::Null);
    assert!(view["now"].as_i64().unwrap_or(0) > 0);

    // A plugin added without review is in use at once; the console keeps who and why.
    let view = apply_ok(&app, &op, &appid, ROUTE_PLUGIN, "  需要路线规划 ").await;
    assert_eq!(
        plugins(&view),
        vec![(ROUTE_PLUGIN.to_owned(), "Approved".to_owned())]
    );
    let route = &view["plugins"][0];
    assert_eq!(route["nickname"], "路线规划");
    assert_eq!(route["applied_by"], "operator");
    assert_eq!(route["reason"], "需要路线规划");
    assert!(route["applied_at"].as_i64().is_some());
    assert_eq!(route["user_version"], Value::Null);

    // Quick update: WeChat's 89257 (with its meaning) for a version without quick update,
    // then one with it; the console's own check for a malformed version.
    let res = update(&app, &op, &appid, ROUTE_PLUGIN, "2.0.0").await;
    let v: Value = serde_json::from_str(&body(res).await).unwrap();
    assert_eq!(v["Wechat"]["errcode"], 89257);
    assert_eq!(v["Wechat"]["zh"], "该插件版本不支持快速更新");
    assert!(!v["Wechat"]["en"].as_str().unwrap_or("").is_empty());
    let view = app
        .call_ok(
            &op,
            "plugins/update",
            json!({"appid": appid, "plugin_appid": ROUTE_PLUGIN, "user_version": "1.1.0"}),
        )
        .await;
    assert_eq!(view["plugins"][0]["user_version"], "1.1.0");
    assert_eq!(
        problems(update(&app, &op, &appid, ROUTE_PLUGIN, "1.1").await).await,
        vec![("user_version".into(), json!("PluginVersionFormat"))]
    );

    // A reviewed plugin waits (申请中) and cannot be updated yet.
    let view = apply_ok(&app, &op, &appid, EXPRESS_PLUGIN, "查快递").await;
    assert_eq!(
        plugins(&view)[1],
        (EXPRESS_PLUGIN.to_owned(), "Applying".to_owned())
    );
    assert_eq!(
        problems(update(&app, &op, &appid, EXPRESS_PLUGIN, "1.0.1").await).await,
        vec![("user_version".into(), json!("PluginNotInUse"))]
    );

    // The console's own checks, before any write: applied for already (89237), its own AppID
    // (89236), a malformed AppID, the reason (required, 200 characters, no control
    // characters). Nothing of it is audited or reaches WeChat.
    let audited = audit(&app).await.len();
    assert_eq!(
        problems(apply(&app, &op, &appid, EXPRESS_PLUGIN, "again").await).await,
        vec![("plugin_appid".into(), json!("PluginAlreadyAdded"))]
    );
    assert_eq!(
        problems(apply(&app, &op, &appid, &appid, "mine").await).await,
        vec![("plugin_appid".into(), json!("PluginIsOwn"))]
    );
    assert_eq!(
        problems(apply(&app, &op, &appid, "wx123", "x").await).await,
        vec![("plugin_appid".into(), json!("AppidFormat"))]
    );
    assert_eq!(
        problems(apply(&app, &op, &appid, UNKNOWN, "   ").await).await,
        vec![("reason".into(), json!("Required"))]
    );
    assert_eq!(
        problems(apply(&app, &op, &appid, UNKNOWN, &"长".repeat(201)).await).await,
        vec![("reason".into(), json!({"TooLong": {"max": 200}}))]
    );
    assert_eq!(
        problems(apply(&app, &op, &appid, UNKNOWN, "a\u{7}b").await).await,
        vec![("reason".into(), json!("ControlChars"))]
    );
    assert_eq!(audit(&app).await.len(), audited);
    let stored: Value = reqwest::Client::new()
        .get(format!(
            "{}/__sim/plugins/applications?appid={appid}",
            app.sim_base
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(stored["applications"].as_array().map(Vec::len), Some(2));

    // WeChat's answers at the field: a plugin nobody has (89239), a special category (89246).
    let res = apply(&app, &op, &appid, UNKNOWN, "x").await;
    assert_eq!(wechat_code(res).await, 89239);
    let res = apply(&app, &op, &appid, HOSPITAL_PLUGIN, "x").await;
    assert_eq!(wechat_code(res).await, 89246);

    // Remove the pending one; again is done already (WeChat's 89244, settled from its list).
    let view = unbind_ok(&app, &op, &appid, EXPRESS_PLUGIN).await;
    assert_eq!(plugins(&view).len(), 1);
    let view = unbind_ok(&app, &op, &appid, EXPRESS_PLUGIN).await;
    assert_eq!(plugins(&view).len(), 1);
    let records: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM plugin_uses WHERE appid = $1")
        .bind(appid.as_str())
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(records, 1);

    // Every write that reached WeChat is in the audit log, with its errcode when refused.
    let log = audit(&app).await;
    let actions: Vec<(&str, &str)> = log
        .iter()
        .map(|(a, o, _)| (a.as_str(), o.as_str()))
        .collect();
    assert_eq!(
        actions,
        vec![
            ("plugin.apply", "success"),
            ("plugin.update", "failure"),
            ("plugin.update", "success"),
            ("plugin.apply", "success"),
            ("plugin.apply", "failure"),
            ("plugin.apply", "failure"),
            ("plugin.unbind", "success"),
            ("plugin.unbind", "success"),
        ]
    );
    assert!(log[1].2.contains("89257"), "{log:?}");
    assert!(log[0].2.contains("需要路线规划"), "{log:?}");
    assert!(log[4].2.contains("89239"), "{log:?}");
}

#[tokio::test]
async fn an_owner_approves_one_application_and_refuses_another_with_a_reason() {
    let app = spawn_app().await;
    let op = app.signed_in(OPERATOR).await;
    let owner = owner();
    let user = user_app();

    // The operator applies on one mini program; a mini program outside the console applies
    // too. Both appear in the owner's list with the demo's three.
    let view = apply_ok(&app, &op, &user, &owner, "预约功能").await;
    assert_eq!(plugins(&view), vec![(owner.clone(), "Applying".to_owned())]);
    let outside = outside_application(&app, &owner, "外部申请方", 60).await;
    let view = applications(&app, &op, &owner, 1).await;
    assert_eq!(view["may_own"], true);
    assert_eq!(view["has_plugin"], true);
    assert_eq!(view["refusal"], Value::Null);
    assert_eq!(view["page"], 1);
    assert_eq!(view["per_page"], 20);
    assert_eq!(view["has_next"], false);
    assert_eq!(view["applications"].as_array().map(Vec::len), Some(5));
    let theirs = application(&view, &user).expect("the console's application");
    assert_eq!(theirs["status"], "Applying");
    assert_eq!(theirs["reason"], "预约功能");
    assert_eq!(theirs["nickname"], demo_program(3, 0).nick_name.as_str());
    assert_eq!(theirs["categories"], json!([["工具", "办公"]]));
    assert!(theirs["create_time"].as_i64().unwrap_or(0) > 0);
    let theirs = application(&view, &outside).expect("the outside application");
    assert_eq!(theirs["categories"], json!([["IT科技", "硬件与设备"]]));

    // Approve one: the applicant sees it in use.
    let view = decide_ok(&app, &op, "plugins/agree", &owner, &user, None).await;
    assert_eq!(application(&view, &user).unwrap()["status"], "Approved");
    assert_eq!(
        plugins(&get(&app, &op, &user).await),
        vec![(owner.clone(), "Approved".to_owned())]
    );

    // Refuse another: without a reason the console refuses before asking WeChat anything,
    // as for an oversized or garbled one.
    let calls = sim_calls(&app, "/wxa/devplugin", &owner).await;
    let long = "x".repeat(201);
    for (reason, problem) in [
        ("", json!("Required")),
        ("   ", json!("Required")),
        (long.as_str(), json!({"TooLong": {"max": 200}})),
        ("a\u{0}b", json!("ControlChars")),
    ] {
        let res = decide(&app, &op, "plugins/refuse", &owner, &outside, Some(reason)).await;
        assert_eq!(
            problems(res).await,
            vec![("reason".into(), problem)],
            "{reason:?}"
        );
    }
    // A refusal without its reason field at all does not even decode: the caller's fault.
    let res = decide(&app, &op, "plugins/refuse", &owner, &outside, None).await;
    assert!(res.status().is_client_error(), "{}", res.status());
    assert_eq!(sim_calls(&app, "/wxa/devplugin", &owner).await, calls);
    let view = decide_ok(
        &app,
        &op,
        "plugins/refuse",
        &owner,
        &outside,
        Some(" 类目不符 "),
    )
    .await;
    assert_eq!(application(&view, &outside).unwrap()["status"], "Refused");
    assert_eq!(
        sim_application(&app, &owner, &outside).await["refuse_reason"],
        "类目不符"
    );

    // WeChat's state rules, checked by the console with their errcodes: decided already
    // (89240), delete a pending (89243) or an approved one (89241).
    let parking = applicant_named(&view, "城市停车助手");
    let res = decide(&app, &op, "plugins/agree", &owner, &user, None).await;
    assert_eq!(
        problems(res).await,
        vec![("applicant".into(), json!("PluginNotPending"))]
    );
    let res = decide(&app, &op, "plugins/delete", &owner, &parking, None).await;
    assert_eq!(
        problems(res).await,
        vec![("applicant".into(), json!("PluginPendingNotDeletable"))]
    );
    let res = decide(&app, &op, "plugins/delete", &owner, &user, None).await;
    assert_eq!(
        problems(res).await,
        vec![("applicant".into(), json!("PluginApprovedNotDeletable"))]
    );
    assert_eq!(
        application(&applications(&app, &op, &owner, 1).await, &parking).unwrap()["status"],
        "Applying"
    );
    // The refused one and the timed-out one go.
    let view = decide_ok(&app, &op, "plugins/delete", &owner, &outside, None).await;
    assert!(application(&view, &outside).is_none());
    let old = applicant_named(&view, "老年大学课程表");
    assert_eq!(application(&view, &old).unwrap()["status"], "TimedOut");
    let view = decide_ok(&app, &op, "plugins/delete", &owner, &old, None).await;
    assert_eq!(view["applications"].as_array().map(Vec::len), Some(3));
    // Someone not in the list: WeChat's 89242.
    let res = decide(&app, &op, "plugins/agree", &owner, UNKNOWN, None).await;
    assert_eq!(wechat_code(res).await, 89242);
    // A malformed applicant AppID: the console's check.
    let res = decide(&app, &op, "plugins/agree", &owner, "wx1", None).await;
    assert_eq!(
        problems(res).await,
        vec![("applicant".into(), json!("AppidFormat"))]
    );

    let log = audit(&app).await;
    let actions: Vec<(&str, &str)> = log
        .iter()
        .map(|(a, o, _)| (a.as_str(), o.as_str()))
        .collect();
    assert_eq!(
        actions,
        vec![
            ("plugin.apply", "success"),
            ("plugin.agree", "success"),
            ("plugin.refuse", "success"),
            ("plugin.delete", "success"),
            ("plugin.delete", "success"),
            ("plugin.agree", "failure"),
        ]
    );
    assert!(log[2].2.contains("类目不符"), "{log:?}");
    assert!(log[2].2.contains("外部申请方"), "{log:?}");
    assert!(log[5].2.contains("89242"), "{log:?}");
}

#[tokio::test]
async fn the_deadline_and_pages_come_from_wechat() {
    let app = spawn_app().await;
    let op = app.signed_in(OPERATOR).await;
    let owner = owner();
    // 21 hours old: 申请中 with 3 hours left (the page highlights it).
    let late = outside_application(&app, &owner, "快到期的申请", 21 * 3600).await;
    let view = applications(&app, &op, &owner, 1).await;
    let theirs = application(&view, &late).unwrap();
    assert_eq!(theirs["status"], "Applying");
    let age = view["now"].as_i64().unwrap() - theirs["create_time"].as_i64().unwrap();
    assert!((21 * 3600 - 5..=21 * 3600 + 60).contains(&age), "{age}");
    // Three hours more: WeChat says 申请已超时, and approving it is refused (89240).
    app.sim_ok(
        "/plugins/age",
        json!({"appid": late, "plugin_appid": owner, "seconds": 3 * 3600}),
    )
    .await;
    let view = applications(&app, &op, &owner, 1).await;
    assert_eq!(application(&view, &late).unwrap()["status"], "TimedOut");
    let res = decide(&app, &op, "plugins/agree", &owner, &late, None).await;
    assert_eq!(
        problems(res).await,
        vec![("applicant".into(), json!("PluginNotPending"))]
    );

    // Pages of 20 as WeChat gives them: 3 from the demo + 1 + 20 = 24.
    for n in 0..20 {
        outside_application(&app, &owner, &format!("申请方{n:02}"), 10).await;
    }
    let first = applications(&app, &op, &owner, 1).await;
    assert_eq!(first["applications"].as_array().map(Vec::len), Some(20));
    assert_eq!(first["has_next"], true);
    let second = applications(&app, &op, &owner, 2).await;
    assert_eq!(second["applications"].as_array().map(Vec::len), Some(4));
    assert_eq!(second["has_next"], false);
    assert_eq!(second["page"], 2);
    // Newest first: the oldest (the timed-out demo one) ends the last page.
    assert_eq!(
        second["applications"][3]["nickname"], "老年大学课程表",
        "{second}"
    );
    // Page 0 is page 1; far beyond the end is empty.
    assert_eq!(applications(&app, &op, &owner, 0).await["page"], 1);
    let beyond = applications(&app, &op, &owner, 99).await;
    assert_eq!(beyond["applications"], json!([]));
    assert_eq!(beyond["has_next"], false);
}

#[tokio::test]
async fn personal_subjects_own_no_plugin_and_61007_is_shown() {
    let app = spawn_app().await;
    let op = app.signed_in(OPERATOR).await;
    // A personal subject: WeChat is not asked; deciding is refused by the console.
    let view = applications(&app, &op, &personal(), 1).await;
    assert_eq!(view["may_own"], false);
    assert_eq!(view["has_plugin"], false);
    assert_eq!(view["applications"], json!([]));
    assert_eq!(sim_calls(&app, "/wxa/devplugin", &personal()).await, 0);
    let res = decide(&app, &op, "plugins/agree", &personal(), UNKNOWN, None).await;
    assert_eq!(
        problems(res).await,
        vec![("applicant".into(), json!("PluginOwnerPersonal"))]
    );
    // It may still use plugins (开放范围: 所有小程序).
    let view = apply_ok(&app, &op, &personal(), ROUTE_PLUGIN, "个人也能用").await;
    assert_eq!(
        plugins(&view),
        vec![(ROUTE_PLUGIN.to_owned(), "Approved".to_owned())]
    );

    // An organisation without a plugin: WeChat's 89239 means none.
    let view = applications(&app, &op, &user_app(), 1).await;
    assert_eq!(view["may_own"], true);
    assert_eq!(view["has_plugin"], false);
    let res = decide(&app, &op, "plugins/agree", &user_app(), UNKNOWN, None).await;
    assert_eq!(wechat_code(res).await, 89239);

    // Permission set 40 not granted: both pages say 61007 with its meaning; a write fails so.
    let view = get(&app, &op, &no_scope()).await;
    assert_eq!(view["refusal"]["errcode"], 61007);
    assert_eq!(view["refusal"]["zh"], "接口未授权给第三方平台");
    assert_eq!(view["plugins"], json!([]));
    let view = applications(&app, &op, &no_scope(), 1).await;
    assert_eq!(view["refusal"]["errcode"], 61007);
    let res = apply(&app, &op, &no_scope(), ROUTE_PLUGIN, "x").await;
    assert_eq!(wechat_code(res).await, 61007);
}

#[tokio::test]
async fn merchants_reach_only_their_own_plugins_and_within_their_permission() {
    let app = spawn_app().await;
    let owner = app.signed_in(MERCHANT).await;
    let stranger = app.signed_in(MERCHANT2).await;
    // Demo 0 is the merchant's and owns a plugin (demo 2 applied to it).
    let own = demo_appid(PLUGIN_OWNER_DEMOS[0]);
    let view = get(&app, &owner, &own).await;
    assert_eq!(view["grant"], "Release");
    let listed = applications(&app, &owner, &own, 1).await;
    assert!(application(&listed, &demo_appid(2)).is_some(), "{listed}");
    for (endpoint, body) in [
        ("plugins/get", json!({"appid": own})),
        (
            "plugins/apply",
            json!({"appid": own, "plugin_appid": ROUTE_PLUGIN, "reason": "x"}),
        ),
        (
            "plugins/update",
            json!({"appid": own, "plugin_appid": ROUTE_PLUGIN, "user_version": "1.1.0"}),
        ),
        (
            "plugins/unbind",
            json!({"appid": own, "plugin_appid": ROUTE_PLUGIN}),
        ),
        ("plugins/applications", json!({"appid": own, "page": 1})),
        (
            "plugins/agree",
            json!({"appid": own, "applicant": demo_appid(2), "page": 1}),
        ),
        (
            "plugins/refuse",
            json!({"appid": own, "applicant": demo_appid(2), "reason": "x", "page": 1}),
        ),
        (
            "plugins/delete",
            json!({"appid": own, "applicant": demo_appid(2), "page": 1}),
        ),
    ] {
        let res = app.call(&stranger, endpoint, body.clone()).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{endpoint}");
        let res = app.call(&client(), endpoint, body).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{endpoint}");
    }
    assert_eq!(
        application(&applications(&app, &owner, &own, 1).await, &demo_appid(2)).unwrap()["status"],
        "Applying"
    );
    assert_eq!(get(&app, &owner, &own).await["plugins"], json!([]));

    // View only: reads, but applies and decides nothing.
    let admin = app.signed_in(ADMIN).await;
    let merchant_id: i64 =
        sqlx::query_scalar("SELECT merchant_id FROM users WHERE username = 'merchant'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    app.call_ok(
        &admin,
        "merchants/set_permission",
        json!({"id": merchant_id, "permission": "view"}),
    )
    .await;
    assert_eq!(get(&app, &owner, &own).await["grant"], "View");
    assert_eq!(applications(&app, &owner, &own, 1).await["grant"], "View");
    let res = apply(&app, &owner, &own, ROUTE_PLUGIN, "x").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = decide(&app, &owner, "plugins/agree", &own, &demo_appid(2), None).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // Submit is enough.
    app.call_ok(
        &admin,
        "merchants/set_permission",
        json!({"id": merchant_id, "permission": "submit"}),
    )
    .await;
    apply_ok(&app, &owner, &own, ROUTE_PLUGIN, "门店路线").await;
    let view = decide_ok(&app, &owner, "plugins/agree", &own, &demo_appid(2), None).await;
    assert_eq!(
        application(&view, &demo_appid(2)).unwrap()["status"],
        "Approved"
    );
}

#[tokio::test]
async fn the_plugin_pages_render_on_the_server() {
    let app = spawn_app().await;
    let op = app.signed_in(OPERATOR).await;
    let user = user_app();
    apply_ok(&app, &op, &user, ROUTE_PLUGIN, "路线").await;
    apply_ok(&app, &op, &user, EXPRESS_PLUGIN, "快递").await;
    let page = |path: String| {
        let op = op.clone();
        let url = app.url(&path);
        async move {
            let res = op.get(url).send().await.unwrap();
            (res.status(), body(res).await)
        }
    };

    let (status, html) = page(format!("/apps/{user}/plugins")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("data-testid=\"plugin-apply-form\""), "{html}");
    assert!(html.contains("路线规划"));
    assert!(html.contains("data-status=\"approved\""));
    assert!(html.contains("data-status=\"applying\""));
    assert!(
        html.contains("data-testid=\"plugin-waiting\""),
        "the age of 申请中"
    );
    assert!(html.contains(&format!("href=\"/apps/{user}/plugin-applications\"")));

    let (status, html) = page(format!("/apps/{}/plugin-applications", owner())).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("data-testid=\"applications\""), "{html}");
    assert!(html.contains("社区团购小站"));
    assert!(
        html.contains("data-deadline=\"near\""),
        "21 hours old: highlighted"
    );
    assert!(
        html.contains("data-deadline=\"expired\""),
        "the timed-out one"
    );
    assert!(html.contains("data-testid=\"plugin-guide\""));
    assert!(html.contains("仅医疗类小程序可使用"));
    assert!(html.contains("data-testid=\"applications-near\""));

    let (status, html) = page(format!("/apps/{}/plugin-applications", personal())).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("data-testid=\"plugin-owner-personal\""));

    let (status, html) = page(format!("/apps/{}/plugins", no_scope())).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("data-testid=\"plugin-refusal\""));
    assert!(html.contains("61007"));

    // The mini program's home links both pages.
    let (_, home) = page(format!("/apps/{user}")).await;
    assert!(home.contains(&format!("href=\"/apps/{user}/plugins\"")));
    assert!(home.contains(&format!("href=\"/apps/{user}/plugin-applications\"")));

    // Another merchant: the 404 of a missing mini program, nothing of this one.
    let stranger = app.signed_in(MERCHANT2).await;
    let own = demo_appid(PLUGIN_OWNER_DEMOS[0]);
    let res = stranger
        .get(app.url(&format!("/apps/{own}/plugin-applications")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(!body(res).await.contains("写字楼餐饮导览"));
}
