//! The code template library end to end against the simulator and the real database:
//! draft → template → commit to a mini program → usage; deletion refused while mini
//! programs wait on a template; the library's limit; staff only.

use crate::helpers::{
    body, sim_calls, spawn_app, spawn_app_with, TestApp, ADMIN, MERCHANT, OPERATOR,
};
use app::services::demo::demo_appid;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

async fn upload_draft(app: &TestApp, version: &str) -> i64 {
    let res = Client::new()
        .post(format!("{}/__sim/code/draft", app.sim_base))
        .json(
            &json!({"user_version": version, "user_desc": format!("测试草稿 {version}"),
            "pages": ["pages/index/index", "pages/new/new"], "developer": "测试开发者"}),
        )
        .send()
        .await
        .expect("control call");
    assert!(res.status().is_success());
    res.json::<Value>().await.unwrap()["draft_id"]
        .as_i64()
        .expect("draft id")
}

async fn library(app: &TestApp, c: &Client) -> Value {
    app.call_ok(c, "templates/library", json!({"template_type": null}))
        .await
}

fn template(v: &Value, id: i64) -> Option<&Value> {
    v["templates"]
        .as_array()?
        .iter()
        .find(|t| t["template_id"] == id)
}

#[tokio::test]
async fn a_draft_becomes_a_template_a_mini_program_commits_and_usage_follows() {
    // Audits stay in review for the length of the test.
    let app = spawn_app_with(&[("WXA_SIMULATOR_AUDIT_DELAY_SECS", "3600")]).await;
    let op = app.signed_in(OPERATOR).await;
    let v = library(&app, &op).await;
    assert_eq!(v["library_max"], 200);
    // The demo: three seeded templates and the newer draft added by the demo.
    assert_eq!(v["library_size"], 4);
    assert_eq!(v["fleet_size"], 60);
    // Online on template 1; the newer version (template 4) in review on some.
    let t1 = template(&v, 1).expect("template 1");
    assert!(t1["usage"]["online"].as_i64().unwrap() > 0, "{t1}");
    assert_eq!(t1["delete_blocked"], Value::Null);
    let t4 = template(&v, 4).expect("template 4");
    let in_review = t4["usage"]["in_review"].as_i64().unwrap();
    assert!(in_review > 0, "{t4}");
    assert_eq!(t4["delete_blocked"], json!({"InReview": in_review}));
    // So it cannot be deleted, and WeChat is not asked.
    let res = app
        .call(&op, "templates/delete", json!({"template_id": 4}))
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body(res).await.contains("TemplateInReview"));
    assert_eq!(sim_calls(&app, "/wxa/deletetemplate", "").await, 0);

    // A developer uploads a draft; staff add it to the library.
    let draft = upload_draft(&app, "3.0.0").await;
    let v = app
        .call_ok(
            &op,
            "templates/add",
            json!({"draft_id": draft, "template_type": "Ordinary"}),
        )
        .await;
    assert_eq!(v["library_size"], 5);
    let new = v["templates"][0].clone();
    assert_eq!(new["user_version"], "3.0.0");
    assert_eq!(new["draft_id"], draft);
    let id = new["template_id"].as_i64().unwrap();
    let d = v["drafts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["draft_id"] == draft)
        .unwrap();
    assert_eq!(d["templates"], json!([id]));
    // Filter by type.
    let standard = app
        .call_ok(
            &op,
            "templates/library",
            json!({"template_type": "Standard"}),
        )
        .await;
    assert_eq!(standard["templates"], json!([]));

    // Commit it to a mini program: usage rises.
    let target = demo_appid(3);
    app.call_ok(
        &op,
        "release/commit",
        json!({"appid": target, "form": {"template_id": id, "ext_json": "",
            "user_version": "3.0.0", "user_desc": "从模板库提交"}}),
    )
    .await;
    let v = library(&app, &op).await;
    let usage = &template(&v, id).unwrap()["usage"];
    assert_eq!(
        usage,
        &json!({"online": 0, "in_review": 0, "gray": 0, "committed_only": 1})
    );
    // What moving a mini program from template 1 to the new one changes in its app.json:
    // its ext_json over each template's configuration.
    let diff = app
        .call_ok(
            &op,
            "templates/compare",
            json!({"from": 1, "to": id, "appid": target}),
        )
        .await;
    assert!(
        diff["from_app_json"]
            .as_str()
            .unwrap()
            .contains("咖啡点单 基础版"),
        "{diff}"
    );
    assert!(
        diff["to_app_json"]
            .as_str()
            .unwrap()
            .contains("测试草稿 3.0.0"),
        "{diff}"
    );
    let changed: Vec<&Value> = diff["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l.get("Same").is_none())
        .collect();
    assert_eq!(changed.len(), 2, "{diff}");
    assert!(changed[0].get("Removed").is_some() && changed[1].get("Added").is_some());
    // Another merchant's or a missing mini program: 404, as everywhere.
    let res = app
        .call(
            &op,
            "templates/compare",
            json!({"from": 1, "to": id, "appid": "wx00000000000000aa"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // Nothing waits on it: deleted.
    let v = app
        .call_ok(&op, "templates/delete", json!({"template_id": id}))
        .await;
    assert!(template(&v, id).is_none());
    assert_eq!(v["library_size"], 4);
    // An unknown template: WeChat's 85064 with its meaning.
    let res = app
        .call(&op, "templates/delete", json!({"template_id": id}))
        .await;
    assert_eq!(res.status(), StatusCode::BAD_GATEWAY);
    assert!(body(res).await.contains("85064"));

    let details: Vec<String> = sqlx::query_scalar(
        "SELECT detail FROM audit_log WHERE target_type = 'code_template' AND outcome = 'success' \
         ORDER BY id",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(details.len(), 2, "{details:?}");
    assert!(details[0].contains("version 3.0.0"), "{details:?}");
    assert!(
        details[1].contains(&format!("template {id} version 3.0.0")),
        "{details:?}"
    );
}

#[tokio::test]
async fn the_library_limit_is_enforced_before_the_call_and_merchants_never_see_it() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let draft = upload_draft(&app, "9.0.0").await;
    for _ in 0..196 {
        app.call_ok(
            &admin,
            "templates/add",
            json!({"draft_id": draft, "template_type": "Ordinary"}),
        )
        .await;
    }
    assert_eq!(library(&app, &admin).await["library_size"], 200);
    let calls = sim_calls(&app, "/wxa/addtotemplate", "").await;
    let res = app
        .call(
            &admin,
            "templates/add",
            json!({"draft_id": draft, "template_type": "Ordinary"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body(res).await.contains("TemplateLibraryFull"));
    assert_eq!(sim_calls(&app, "/wxa/addtotemplate", "").await, calls);

    let merchant = app.signed_in(MERCHANT).await;
    for (endpoint, body) in [
        ("templates/library", json!({"template_type": null})),
        (
            "templates/add",
            json!({"draft_id": draft, "template_type": "Ordinary"}),
        ),
        ("templates/delete", json!({"template_id": 1})),
        (
            "templates/compare",
            json!({"from": 1, "to": 2, "appid": demo_appid(0)}),
        ),
    ] {
        let res = app.call(&merchant, endpoint, body).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{endpoint}");
    }
    let page = merchant.get(app.url("/templates")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::FORBIDDEN);
}
