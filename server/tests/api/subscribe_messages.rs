//! Subscription messages end to end against the simulator and the real database: the
//! account's categories, public titles and keywords, composing and adding (the documented
//! limits refused before WeChat is asked), the account's list, delete, a test send with each
//! errcode at its field, consent, the audit log, and merchant confinement.

use crate::helpers::{
    problems, sim_calls, spawn_app, wechat_code, TestApp, MERCHANT, MERCHANT2, OPERATOR,
};
use app::services::demo::demo_appid;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// Merchant 1's coffee shop (category 305), released (its code has pages/index/index).
fn own() -> String {
    demo_appid(0)
}

async fn consent(app: &TestApp, appid: &str, openid: &str, template_id: &str) {
    app.sim_ok(
        "/subscribe/consent",
        json!({"appid": appid, "openid": openid, "template_id": template_id}),
    )
    .await;
}

fn send_form(template_id: &str, page: &str, values: &[&str]) -> Value {
    json!({"touser": "oSubUser1", "template_id": template_id, "page": page, "values": values,
        "miniprogram_state": "trial", "lang": "zh_CN"})
}

#[tokio::test]
async fn compose_add_send_and_delete_with_every_errcode_at_its_field() {
    let app = spawn_app().await;
    let c = app.signed_in(MERCHANT).await;
    let appid = own();
    let view = app
        .call_ok(&c, "subscribe_messages/view", json!({"appid": appid}))
        .await;
    assert_eq!(view["categories"][0]["id"], 305);
    assert_eq!(view["pages_known"], true);
    let before = view["templates"].as_array().unwrap().len();

    // Titles of the account's categories: the general ones and the coffee shop's.
    let titles = app
        .call_ok(
            &c,
            "subscribe_messages/titles",
            json!({"appid": appid, "category_ids": [], "start": 0}),
        )
        .await;
    let names: Vec<&str> = titles["titles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["title"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"取餐提醒") && names.contains(&"订单支付成功通知"),
        "{names:?}"
    );
    assert!(!names.contains(&"司机接单通知"));
    assert_eq!(titles["total"], names.len());
    // A category the account does not have is WeChat's 200019, with its meaning.
    let res = app
        .call(
            &c,
            "subscribe_messages/titles",
            json!({"appid": appid, "category_ids": [323], "start": 0}),
        )
        .await;
    assert_eq!(wechat_code(res).await, 200019);

    let keywords = app
        .call_ok(
            &c,
            "subscribe_messages/keywords",
            json!({"appid": appid, "tid": 2001}),
        )
        .await;
    assert_eq!(keywords[0]["rule"], "character_string");

    // Refused before WeChat is asked: one keyword, an unknown one, a long scene.
    let adds_before = sim_calls(&app, "/wxaapi/newtmpl/addtemplate", &appid).await;
    for (kids, scene, field) in [
        (json!([1]), "", "kid_list"),
        (json!([1, 99]), "", "kid_list"),
        (
            json!([1, 2]),
            "一二三四五六七八九十一二三四五六",
            "scene_desc",
        ),
    ] {
        let res = app
            .call(
                &c,
                "subscribe_messages/add",
                json!({"appid": appid, "tid": 2001, "kids": kids, "scene_desc": scene}),
            )
            .await;
        assert_eq!(problems(res).await[0].0, field);
    }
    assert_eq!(
        sim_calls(&app, "/wxaapi/newtmpl/addtemplate", &appid).await,
        adds_before
    );
    // A title of another category: WeChat's 200014.
    let res = app
        .call(
            &c,
            "subscribe_messages/add",
            json!({"appid": appid, "tid": 2201, "kids": [1, 2], "scene_desc": ""}),
        )
        .await;
    assert_eq!(wechat_code(res).await, 200014);

    let id = app
        .call_ok(
            &c,
            "subscribe_messages/add",
            json!({"appid": appid, "tid": 2001, "kids": [3, 1], "scene_desc": "咖啡做好时提醒取餐"}),
        )
        .await;
    let id = id.as_str().unwrap().to_owned();
    let view = app
        .call_ok(&c, "subscribe_messages/view", json!({"appid": appid}))
        .await;
    let templates = view["templates"].as_array().unwrap();
    assert_eq!(templates.len(), before + 1);
    let added = templates
        .iter()
        .find(|t| t["pri_tmpl_id"] == id.as_str())
        .unwrap();
    assert_eq!(added["title"], "取餐提醒");
    assert_eq!(added["fields"][0]["key"], "thing3");
    assert_eq!(added["fields"][1]["key"], "character_string1");

    // Sends: each rule the console knows is checked at its field before the call.
    let sends_before = sim_calls(&app, "/cgi-bin/message/subscribe/send", &appid).await;
    let res = app
        .call(
            &c,
            "subscribe_messages/send",
            json!({"appid": appid, "form": send_form(&id, "pages/nope/nope", &["拿铁×1", "A1024"])}),
        )
        .await;
    assert_eq!(problems(res).await[0].0, "page");
    let res = app
        .call(
            &c,
            "subscribe_messages/send",
            json!({"appid": appid, "form": send_form(&id, "", &["拿铁×1", "取餐号A1"])}),
        )
        .await;
    let got = problems(res).await;
    assert_eq!(got[0].0, "value.1");
    assert_eq!(got[0].1["ValueRule"]["rule"], "character_string");
    assert_eq!(
        sim_calls(&app, "/cgi-bin/message/subscribe/send", &appid).await,
        sends_before
    );
    // No consent yet: WeChat's 43101, at the recipient.
    let good = send_form(&id, "pages/index/index?from=test", &["拿铁×1", "A1024"]);
    let res = app
        .call(
            &c,
            "subscribe_messages/send",
            json!({"appid": appid, "form": good}),
        )
        .await;
    assert_eq!(wechat_code(res).await, 43101);
    consent(&app, &appid, "oSubUser1", &id).await;
    app.call_ok(
        &c,
        "subscribe_messages/send",
        json!({"appid": appid, "form": good}),
    )
    .await;
    // One consent, one message.
    let res = app
        .call(
            &c,
            "subscribe_messages/send",
            json!({"appid": appid, "form": good}),
        )
        .await;
    assert_eq!(wechat_code(res).await, 43101);
    // WeChat's 47003 names the value: it lands at that field.
    consent(&app, &appid, "oSubUser1", &id).await;
    app.sim_ok(
        "/faults",
        json!({"path": "/cgi-bin/message/subscribe/send", "times": 1, "fault": "errcode",
            "errcode": 47003, "errmsg": "argument invalid! data.character_string1.value invalid"}),
    )
    .await;
    let res = app
        .call(
            &c,
            "subscribe_messages/send",
            json!({"appid": appid, "form": good}),
        )
        .await;
    let got = problems(res).await;
    assert_eq!(got[0].0, "value.1", "{got:?}");
    assert_eq!(got[0].1["Wechat"]["errcode"], 47003);

    app.call_ok(
        &c,
        "subscribe_messages/delete",
        json!({"appid": appid, "pri_tmpl_id": id}),
    )
    .await;
    let res = app
        .call(
            &c,
            "subscribe_messages/delete",
            json!({"appid": appid, "pri_tmpl_id": id}),
        )
        .await;
    assert_eq!(wechat_code(res).await, 40037);

    // The audit log has each write; sends without the values.
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT action, detail FROM audit_log WHERE target_type = 'subscribe_message' ORDER BY id",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    let actions: Vec<&str> = rows.iter().map(|(a, _)| a.as_str()).collect();
    assert!(actions.contains(&"subscribe_message.add"));
    assert!(actions.contains(&"subscribe_message.send"));
    assert_eq!(actions.last(), Some(&"subscribe_message.delete"));
    assert!(rows.iter().all(|(_, d)| !d.contains("拿铁")), "{rows:?}");
}

#[tokio::test]
async fn another_merchants_mini_program_is_missing_on_every_function() {
    let app = spawn_app().await;
    let stranger = app.signed_in(MERCHANT2).await;
    let appid = own();
    for (endpoint, body) in [
        ("subscribe_messages/view", json!({"appid": appid})),
        (
            "subscribe_messages/titles",
            json!({"appid": appid, "category_ids": [], "start": 0}),
        ),
        (
            "subscribe_messages/keywords",
            json!({"appid": appid, "tid": 2001}),
        ),
        (
            "subscribe_messages/add",
            json!({"appid": appid, "tid": 2001, "kids": [1, 2], "scene_desc": ""}),
        ),
        (
            "subscribe_messages/delete",
            json!({"appid": appid, "pri_tmpl_id": "x"}),
        ),
        (
            "subscribe_messages/send",
            json!({"appid": appid, "form": send_form("x", "", &["a"])}),
        ),
    ] {
        let res = app.call(&stranger, endpoint, body).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{endpoint}");
    }
    assert_eq!(
        sim_calls(&app, "/wxaapi/newtmpl/addtemplate", &appid).await,
        0
    );
    let op = app.signed_in(OPERATOR).await;
    app.call_ok(&op, "subscribe_messages/view", json!({"appid": appid}))
        .await;
}
