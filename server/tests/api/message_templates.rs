//! Message templates end to end against the simulator and the real database: the library
//! (paged, searched among the titles fetched), composing and adding, the account's list,
//! delete, a test send with each errcode of the seed at its field, the audit log, and
//! merchant confinement.

use crate::helpers::{
    body, problems, spawn_app, wechat_code, TestApp, MERCHANT, MERCHANT2, OPERATOR,
};
use app::services::demo::demo_appid;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

/// Merchant 1's, released (its code has pages/index/index).
fn own() -> String {
    demo_appid(0)
}

async fn form_id(app: &TestApp, appid: &str, openid: &str) -> String {
    let res = Client::new()
        .post(format!("{}/__sim/template/form-id", app.sim_base))
        .json(&json!({"appid": appid, "openid": openid}))
        .send()
        .await
        .expect("control call");
    res.json::<Value>().await.unwrap()["form_id"]
        .as_str()
        .expect("form id")
        .to_owned()
}

fn send_form(template_id: &str, form_id: &str, page: &str) -> Value {
    json!({"touser": "oUser1", "template_id": template_id, "page": page, "form_id": form_id,
        "values": ["星辰咖啡", "2026年12月1日", "拿铁"], "colors": ["#173177", "", ""], "emphasis": 0})
}

#[tokio::test]
async fn compose_add_list_send_and_delete_with_every_errcode_at_its_field() {
    let app = spawn_app().await;
    let c = app.signed_in(MERCHANT).await;
    let appid = own();
    // The library, page by page; a search looks among the titles fetched so far.
    let first = app
        .call_ok(
            &c,
            "message_templates/library",
            json!({"appid": appid, "offset": 0, "search": ""}),
        )
        .await;
    assert_eq!(first["titles"].as_array().unwrap().len(), 20);
    assert_eq!(first["total"], 30);
    let found = app
        .call_ok(
            &c,
            "message_templates/library",
            json!({"appid": appid, "offset": 0, "search": "购买成功"}),
        )
        .await;
    assert_eq!(found["titles"][0]["id"], "AT0002");
    let last_page_title = app
        .call_ok(
            &c,
            "message_templates/library",
            json!({"appid": appid, "offset": 0, "search": "AT0025"}),
        )
        .await;
    assert_eq!(last_page_title["total"], 0, "not fetched yet");
    app.call_ok(
        &c,
        "message_templates/library",
        json!({"appid": appid, "offset": 20, "search": ""}),
    )
    .await;
    let now_found = app
        .call_ok(
            &c,
            "message_templates/library",
            json!({"appid": appid, "offset": 0, "search": "AT0025"}),
        )
        .await;
    assert_eq!(now_found["total"], 1);
    assert_eq!(now_found["fetched"], 30);

    // Keywords, then compose: order is kept; bad selections are refused before the call.
    let (title, keywords) = {
        let v = app
            .call_ok(
                &c,
                "message_templates/keywords",
                json!({"appid": appid, "id": "AT0002"}),
            )
            .await;
        (v[0].clone(), v[1].as_array().unwrap().clone())
    };
    assert_eq!(title["title"], "购买成功通知");
    let ids: Vec<i64> = keywords
        .iter()
        .map(|k| k["keyword_id"].as_i64().unwrap())
        .collect();
    assert!(ids.len() >= 3);
    let add = |keyword_ids: Vec<i64>| {
        let c = c.clone();
        let appid = appid.clone();
        let app = &app;
        async move {
            app.call(
                &c,
                "message_templates/add",
                json!({"appid": appid, "id": "AT0002", "keyword_ids": keyword_ids}),
            )
            .await
        }
    };
    assert_eq!(problems(add(vec![]).await).await[0].1, json!("Required"));
    assert_eq!(
        problems(add(vec![ids[0], ids[0]]).await).await[0].1,
        json!("DuplicateItem")
    );
    assert_eq!(
        problems(add(vec![99_999]).await).await[0].1,
        json!("UnknownValue")
    );
    let res = add(vec![ids[2], ids[0], ids[1]]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let template_id: String = res.json().await.unwrap();

    let list = app
        .call_ok(
            &c,
            "message_templates/list",
            json!({"appid": appid, "offset": 0}),
        )
        .await;
    let t = list["templates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["template_id"] == template_id.as_str())
        .expect("the new template");
    assert_eq!(t["fields"].as_array().unwrap().len(), 3);
    assert_eq!(t["fields"][0]["label"], keywords[2]["name"]);
    assert!(list["pages"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p == "pages/index/index"));

    // Send: the console's own checks first (41030 for a page the code does not have) …
    let send = |form: Value| {
        let c = c.clone();
        let appid = appid.clone();
        let app = &app;
        async move {
            app.call(
                &c,
                "message_templates/send",
                json!({"appid": appid, "form": form}),
            )
            .await
        }
    };
    let fid = form_id(&app, &appid, "oUser1").await;
    let p = problems(send(send_form(&template_id, &fid, "pages/nope/nope")).await).await;
    assert_eq!(p, vec![("page".to_owned(), json!("PageNotInCode"))]);
    let p = problems(send(send_form(&template_id, "", "")).await).await;
    assert_eq!(p[0].0, "form_id");
    // … then WeChat's: 40037 unknown template, 41028 a forged form id.
    assert_eq!(
        wechat_code(send(send_form("no-such-template", &fid, "")).await).await,
        40037
    );
    assert_eq!(
        wechat_code(send(send_form(&template_id, "forged", "")).await).await,
        41028
    );
    // A good send; the form id of a form sends once (41029 after).
    let ok = send(send_form(&template_id, &fid, "pages/index/index?from=test")).await;
    assert_eq!(ok.status(), StatusCode::OK, "{}", body(ok).await);
    assert_eq!(
        wechat_code(send(send_form(&template_id, &fid, "")).await).await,
        41029
    );
    let sent: Value = Client::new()
        .get(format!(
            "{}/__sim/template/sent?appid={appid}",
            app.sim_base
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let sent = sent["sent"]
        .as_array()
        .or_else(|| sent.as_array())
        .cloned()
        .unwrap_or_default();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(sent[0]["text"].as_str().unwrap_or("").contains("拿铁"));
    assert_eq!(sent[0]["emphasis_keyword"], "keyword1.DATA");

    // Delete.
    app.call_ok(
        &c,
        "message_templates/delete",
        json!({"appid": appid, "template_id": template_id}),
    )
    .await;
    let list = app
        .call_ok(
            &c,
            "message_templates/list",
            json!({"appid": appid, "offset": 0}),
        )
        .await;
    assert!(list["templates"]
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t["template_id"] != template_id.as_str()));

    // The audit log has each write; the send without the values.
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT action, detail FROM audit_log WHERE target_type = 'message_template' ORDER BY id",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    let actions: Vec<&str> = rows.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(actions.first(), Some(&"message_template.add"));
    assert_eq!(actions.last(), Some(&"message_template.delete"));
    assert!(actions.contains(&"message_template.send"));
    assert!(rows.iter().all(|(_, d)| !d.contains("拿铁")), "{rows:?}");
}

#[tokio::test]
async fn another_merchants_mini_program_is_missing_on_every_function() {
    let app = spawn_app().await;
    let stranger = app.signed_in(MERCHANT2).await;
    let appid = own();
    for (endpoint, body) in [
        (
            "message_templates/library",
            json!({"appid": appid, "offset": 0, "search": ""}),
        ),
        (
            "message_templates/keywords",
            json!({"appid": appid, "id": "AT0002"}),
        ),
        (
            "message_templates/add",
            json!({"appid": appid, "id": "AT0002", "keyword_ids": [3]}),
        ),
        (
            "message_templates/list",
            json!({"appid": appid, "offset": 0}),
        ),
        (
            "message_templates/delete",
            json!({"appid": appid, "template_id": "x"}),
        ),
        (
            "message_templates/send",
            json!({"appid": appid, "form": send_form("x", "y", "")}),
        ),
    ] {
        let res = app.call(&stranger, endpoint, body).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{endpoint}");
    }
    // Staff reach every mini program.
    let op = app.signed_in(OPERATOR).await;
    app.call_ok(
        &op,
        "message_templates/list",
        json!({"appid": appid, "offset": 0}),
    )
    .await;
}
