//! Testers (体验者) end to end: the console's services against the built-in simulator and
//! the real database (SQLite, or PostgreSQL with WXA_TEST_DATABASE_URL). Bind, list and
//! unbind; each errcode path (85001, 85003, 85004, 85002 at the limit); a lost answer settled
//! from WeChat's list; testers bound outside the console; merchant confinement; the page
//! rendered on the server.

use crate::helpers::{
    body, client, problems, sim_calls, spawn_app, spawn_app_with, wechat_code, TestApp, ADMIN,
    MERCHANT, MERCHANT2, OPERATOR,
};
use app::services::demo::demo_appid;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

/// Demo mini programs of merchant 1 (`merchant`): 0 is a company (verified: 40 testers),
/// 8 a personal subject (10 testers).
fn company() -> String {
    demo_appid(0)
}

fn personal() -> String {
    demo_appid(8)
}

async fn get(app: &TestApp, c: &Client, appid: &str) -> Value {
    app.call_ok(c, "testers/get", json!({"appid": appid})).await
}

async fn bind(app: &TestApp, c: &Client, appid: &str, wechatid: &str) -> reqwest::Response {
    app.call(
        c,
        "testers/bind",
        json!({"appid": appid, "wechatid": wechatid}),
    )
    .await
}

async fn bind_ok(app: &TestApp, c: &Client, appid: &str, wechatid: &str) -> Value {
    app.call_ok(
        c,
        "testers/bind",
        json!({"appid": appid, "wechatid": wechatid}),
    )
    .await
}

async fn unbind_ok(app: &TestApp, c: &Client, appid: &str, userstr: &str) -> Value {
    app.call_ok(
        c,
        "testers/unbind",
        json!({"appid": appid, "userstr": userstr}),
    )
    .await
}

/// The testers of a view: (userstr, WeChat ID if the console knows it).
fn testers(view: &Value) -> Vec<(String, Option<String>)> {
    view["testers"]
        .as_array()
        .expect("testers")
        .iter()
        .map(|t| {
            (
                t["userstr"].as_str().unwrap_or("").to_owned(),
                t["wechatid"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

fn userstr_of(view: &Value, wechatid: &str) -> String {
    testers(view)
        .into_iter()
        .find(|(_, w)| w.as_deref() == Some(wechatid))
        .map(|(u, _)| u)
        .unwrap_or_else(|| panic!("{wechatid} not in {view}"))
}

/// What the simulated WeChat holds for `appid`, WeChat IDs included.
async fn sim_testers(app: &TestApp, appid: &str) -> Vec<String> {
    let v: Value = reqwest::Client::new()
        .get(format!("{}/__sim/testers?appid={appid}", app.sim_base))
        .send()
        .await
        .expect("control call")
        .json()
        .await
        .expect("control JSON");
    v["testers"]
        .as_array()
        .expect("testers")
        .iter()
        .map(|t| t["wechatid"].as_str().unwrap_or("").to_owned())
        .collect()
}

async fn records(app: &TestApp, appid: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM testers WHERE appid = $1")
        .bind(appid)
        .fetch_one(&app.db.pool)
        .await
        .expect("count")
}

#[tokio::test]
async fn an_operator_binds_lists_and_unbinds_testers() {
    let app = spawn_app().await;
    let op = app.signed_in(OPERATOR).await;
    let appid = company();
    let view = get(&app, &op, &appid).await;
    assert_eq!(view["testers"], json!([]));
    assert_eq!(view["limit"], 40);
    assert_eq!(view["verified"], true);
    assert_eq!(view["subject"], "Enterprise");
    assert_eq!(view["grant"], Value::Null);

    let view = bind_ok(&app, &op, &appid, "zhang_wei").await;
    let zhang = userstr_of(&view, "zhang_wei");
    assert_eq!(zhang.len(), 64);
    assert_eq!(view["testers"][0]["bound_by"], "operator");
    assert!(view["testers"][0]["bound_at"].as_i64().is_some());
    // Surrounding spaces are not part of the ID.
    let view = bind_ok(&app, &op, &appid, "  li_na_88 ").await;
    assert_eq!(
        testers(&view)
            .into_iter()
            .map(|(_, w)| w)
            .collect::<Vec<_>>(),
        vec![Some("zhang_wei".to_owned()), Some("li_na_88".to_owned())]
    );
    assert_eq!(
        sim_testers(&app, &appid).await,
        vec!["zhang_wei", "li_na_88"]
    );
    assert_eq!(records(&app, &appid).await, 2);

    let view = unbind_ok(&app, &op, &appid, &zhang).await;
    assert_eq!(testers(&view).len(), 1);
    assert_eq!(sim_testers(&app, &appid).await, vec!["li_na_88"]);
    assert_eq!(records(&app, &appid).await, 1);
    // Unbinding again (a repeated click): WeChat no longer lists it, so it is done.
    let view = unbind_ok(&app, &op, &appid, &zhang).await;
    assert_eq!(testers(&view).len(), 1);

    // Every write is in the audit log.
    let actions: Vec<(String, String)> = sqlx::query_as(
        "SELECT action, outcome FROM audit_log WHERE target_type = 'tester' ORDER BY id",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    let names: Vec<&str> = actions.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(
        names,
        vec![
            "tester.bind",
            "tester.bind",
            "tester.unbind",
            "tester.unbind"
        ]
    );
    assert!(actions.iter().all(|(_, o)| o == "success"), "{actions:?}");
}

#[tokio::test]
async fn each_errcode_reaches_the_field() {
    let app = spawn_app().await;
    let op = app.signed_in(OPERATOR).await;
    let appid = company();
    // Only WeChat knows who exists: 85001 for an unknown or unsearchable ID, 85003 for a
    // person who already tests 50 mini programs.
    assert_eq!(
        wechat_code(bind(&app, &op, &appid, "nobody_here_404").await).await,
        85001
    );
    assert_eq!(
        wechat_code(bind(&app, &op, &appid, "hidden_user").await).await,
        85001
    );
    assert_eq!(
        wechat_code(bind(&app, &op, &appid, "busy_tester").await).await,
        85003
    );
    // The meaning comes in both languages.
    let res = bind(&app, &op, &appid, "nobody_here_404").await;
    let v: Value = serde_json::from_str(&body(res).await).unwrap();
    assert_eq!(v["Wechat"]["zh"], "微信号不存在或微信号设置为不可搜索");
    assert!(!v["Wechat"]["en"].as_str().unwrap_or("").is_empty());

    // The console's own checks, before any call.
    let calls = sim_calls(&app, "/wxa/bind_tester", &appid).await;
    assert_eq!(
        problems(bind(&app, &op, &appid, "   ").await).await,
        vec![("wechatid".into(), json!("Required"))]
    );
    assert_eq!(
        problems(bind(&app, &op, &appid, "zhang wei").await).await,
        vec![("wechatid".into(), json!("TesterIdHasSpace"))]
    );
    // 85004 twice: the second bind is refused by the console, WeChat is not asked again.
    bind_ok(&app, &op, &appid, "wang_fang").await;
    assert_eq!(
        problems(bind(&app, &op, &appid, "wang_fang").await).await,
        vec![("wechatid".into(), json!("TesterAlreadyBound"))]
    );
    assert_eq!(
        sim_calls(&app, "/wxa/bind_tester", &appid).await,
        calls + 1,
        "only the first wang_fang reached WeChat"
    );
    assert_eq!(records(&app, &appid).await, 1);

    // 85002: a personal mini program holds 10 testers. Nine bound by the owner elsewhere, the
    // tenth through the console, the eleventh refused before the call.
    let small = personal();
    let nine: Vec<String> = (1..=9).map(|n| format!("tester_{n:03}")).collect();
    app.sim_ok("/testers", json!({"appid": small, "wechatids": nine}))
        .await;
    let view = get(&app, &op, &small).await;
    assert_eq!(view["limit"], 10);
    assert_eq!(view["subject"], "Individual");
    assert_eq!(testers(&view).len(), 9);
    bind_ok(&app, &op, &small, "tester_010").await;
    let calls = sim_calls(&app, "/wxa/bind_tester", &small).await;
    assert_eq!(
        problems(bind(&app, &op, &small, "tester_011").await).await,
        vec![(
            "wechatid".into(),
            json!({"TesterLimitReached": {"max": 10}})
        )]
    );
    assert_eq!(sim_calls(&app, "/wxa/bind_tester", &small).await, calls);

    // Refusals by the console are not audited; WeChat's are, with the errcode.
    let failures: Vec<String> = sqlx::query_scalar(
        "SELECT detail FROM audit_log WHERE target_type = 'tester' AND outcome = 'failure' \
         ORDER BY id",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(failures.len(), 4, "{failures:?}");
    assert!(failures[0].contains("85001"), "{failures:?}");
    assert!(failures[2].contains("85003"), "{failures:?}");
}

#[tokio::test]
async fn testers_bound_outside_the_console_show_as_userstrs() {
    let app = spawn_app().await;
    let op = app.signed_in(OPERATOR).await;
    let appid = company();
    app.sim_ok(
        "/testers",
        json!({"appid": appid, "wechatids": ["outside_one"]}),
    )
    .await;
    let view = get(&app, &op, &appid).await;
    let listed = testers(&view);
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].0.len(), 64);
    assert_eq!(listed[0].1, None, "WeChat never tells the WeChat ID");
    assert_eq!(view["testers"][0]["bound_by"], Value::Null);
    let outside = listed[0].0.clone();

    // Bound again through the console: WeChat says 85004; the one userstr the console has no
    // record of is that person's, so the console names it instead of failing.
    let view = bind_ok(&app, &op, &appid, "outside_one").await;
    assert_eq!(userstr_of(&view, "outside_one"), outside);
    assert_eq!(records(&app, &appid).await, 1);

    // With two unnamed testers the console cannot tell which one it is: WeChat's 85004 stands.
    app.sim_ok(
        "/testers",
        json!({"appid": appid, "wechatids": ["outside_two", "outside_three"]}),
    )
    .await;
    assert_eq!(
        wechat_code(bind(&app, &op, &appid, "outside_two").await).await,
        85004
    );
    assert_eq!(records(&app, &appid).await, 1);

    // A bare userstr is unbound like any other.
    let view = get(&app, &op, &appid).await;
    let bare = testers(&view)
        .into_iter()
        .rev()
        .find(|(_, w)| w.is_none())
        .map(|(u, _)| u)
        .expect("an unnamed tester");
    let view = unbind_ok(&app, &op, &appid, &bare).await;
    assert_eq!(testers(&view).len(), 2);
    assert_eq!(
        sim_testers(&app, &appid).await,
        vec!["outside_one", "outside_two"]
    );

    // A record of someone WeChat no longer lists (unbound elsewhere) is dropped on reading.
    sqlx::query(
        "INSERT INTO testers (appid, wechatid, userstr, bound_by, bound_by_name, bound_at) \
         VALUES ($1, 'ghost', $2, NULL, 'gone', 1)",
    )
    .bind(appid.as_str())
    .bind("f".repeat(64))
    .execute(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(records(&app, &appid).await, 2);
    let view = get(&app, &op, &appid).await;
    assert_eq!(testers(&view).len(), 2);
    assert_eq!(records(&app, &appid).await, 1);
}

/// bind_tester is handled but its answer never arrives (held past the client's timeout):
/// WeChat's list settles it, and a retry neither calls WeChat again nor records twice.
#[tokio::test]
async fn a_lost_answer_is_settled_from_wechats_list() {
    let app = spawn_app_with(&[("WXA_WECHAT_TIMEOUT_SECS", "3")]).await;
    let op = app.signed_in(OPERATOR).await;
    let appid = company();
    app.sim_ok(
        "/faults",
        json!({"path": "/wxa/bind_tester", "fault": "delay", "ms": 5000, "times": 1}),
    )
    .await;
    let view = bind_ok(&app, &op, &appid, "zhou_xin").await;
    assert_eq!(testers(&view).len(), 1);
    let userstr = userstr_of(&view, "zhou_xin");
    assert_eq!(sim_calls(&app, "/wxa/bind_tester", &appid).await, 1);
    // The person retries: the console knows, WeChat is not asked again.
    assert_eq!(
        problems(bind(&app, &op, &appid, "zhou_xin").await).await,
        vec![("wechatid".into(), json!("TesterAlreadyBound"))]
    );
    assert_eq!(sim_calls(&app, "/wxa/bind_tester", &appid).await, 1);
    assert_eq!(records(&app, &appid).await, 1);

    // The same for unbind: done, though its answer was lost.
    app.sim_ok(
        "/faults",
        json!({"path": "/wxa/unbind_tester", "fault": "delay", "ms": 5000, "times": 1}),
    )
    .await;
    let view = unbind_ok(&app, &op, &appid, &userstr).await;
    assert!(testers(&view).is_empty());
    assert_eq!(records(&app, &appid).await, 0);
    assert_eq!(sim_calls(&app, "/wxa/unbind_tester", &appid).await, 1);
}

#[tokio::test]
async fn merchants_reach_only_their_own_testers_and_within_their_permission() {
    let app = spawn_app().await;
    let owner = app.signed_in(MERCHANT).await;
    let stranger = app.signed_in(MERCHANT2).await;
    let appid = company();
    let view = bind_ok(&app, &owner, &appid, "zhang_wei").await;
    let userstr = userstr_of(&view, "zhang_wei");
    assert_eq!(view["grant"], "Release");
    for (endpoint, body) in [
        ("testers/get", json!({"appid": appid})),
        (
            "testers/bind",
            json!({"appid": appid, "wechatid": "li_na_88"}),
        ),
        (
            "testers/unbind",
            json!({"appid": appid, "userstr": userstr}),
        ),
    ] {
        let res = app.call(&stranger, endpoint, body.clone()).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{endpoint}");
        let res = app.call(&client(), endpoint, body).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{endpoint}");
    }
    assert_eq!(sim_testers(&app, &appid).await, vec!["zhang_wei"]);

    // View only: reads, but binds and unbinds nothing.
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
    assert_eq!(get(&app, &owner, &appid).await["grant"], "View");
    let res = bind(&app, &owner, &appid, "li_na_88").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = app
        .call(
            &owner,
            "testers/unbind",
            json!({"appid": appid, "userstr": userstr}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // Submit is enough.
    app.call_ok(
        &admin,
        "merchants/set_permission",
        json!({"id": merchant_id, "permission": "submit"}),
    )
    .await;
    bind_ok(&app, &owner, &appid, "li_na_88").await;
    unbind_ok(&app, &owner, &appid, &userstr).await;
    assert_eq!(sim_testers(&app, &appid).await, vec!["li_na_88"]);
}

#[tokio::test]
async fn the_testers_page_renders_on_the_server() {
    let app = spawn_app().await;
    let op = app.signed_in(OPERATOR).await;
    let appid = company();
    bind_ok(&app, &op, &appid, "zhang_wei").await;
    app.sim_ok(
        "/testers",
        json!({"appid": appid, "wechatids": ["outside_one"]}),
    )
    .await;
    let outside = testers(&get(&app, &op, &appid).await)
        .into_iter()
        .find(|(_, w)| w.is_none())
        .map(|(u, _)| u)
        .expect("the outside tester");
    let res = op
        .get(app.url(&format!("/apps/{appid}/testers")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = body(res).await;
    assert!(html.contains("data-testid=\"tester-count\""), "{html}");
    assert!(html.contains("2 / 40"));
    assert!(html.contains("zhang_wei"));
    assert!(html.contains("data-testid=\"tester-userstr\""));
    assert!(
        html.contains(&format!("title=\"{outside}\"")),
        "full userstr in the title"
    );
    assert!(html.contains("data-testid=\"tester-bind\""));

    // The mini program's home and the release page's experience QR code link to it.
    let home = body(
        op.get(app.url(&format!("/apps/{appid}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(
        home.contains(&format!("href=\"/apps/{appid}/testers\"")),
        "home links it"
    );
    let release = body(
        op.get(app.url(&format!("/apps/{appid}/release")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(release.contains("data-testid=\"qrcode-testers-link\""));

    // Another merchant: the 404 of a missing mini program, nothing of this one.
    let stranger = app.signed_in(MERCHANT2).await;
    let res = stranger
        .get(app.url(&format!("/apps/{appid}/testers")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(!body(res).await.contains("zhang_wei"));
}
