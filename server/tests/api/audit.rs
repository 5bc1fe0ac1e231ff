use crate::helpers::*;
use app::domain::audit_log::action;
use serde_json::{json, Value};

async fn entries(app: &TestApp, c: &reqwest::Client, q: Value) -> Vec<Value> {
    let page = app.call_ok(c, "audit/list", json!({ "query": q })).await;
    page["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn changes_and_logins_are_recorded_and_filterable() {
    let app = spawn_app().await;
    let _ = app.login(&client(), ("admin", "wrong-password")).await;
    let admin = app.signed_in(ADMIN).await;
    app.call_ok(&admin, "merchants/create", json!({"name": "山海书店"}))
        .await;

    // Simulated audits of the demo data finish in the background and log `wechat.*`
    // entries at any moment; this test is about what people did.
    let all: Vec<Value> = entries(&app, &admin, json!({}))
        .await
        .into_iter()
        .filter(|e| !e["action"].as_str().unwrap_or("").starts_with("wechat."))
        .collect();
    let actions: Vec<&str> = all.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(
        actions[..3],
        [action::MERCHANT_CREATE, action::LOGIN, action::LOGIN_FAILED]
    );
    assert_eq!(all[0]["actor_name"], "admin");
    assert_eq!(all[0]["actor_role"], "admin");
    assert_eq!(all[2]["outcome"], "failure");

    let only = entries(&app, &admin, json!({"action": action::LOGIN_FAILED})).await;
    assert_eq!(only.len(), 1);
    let by_target = entries(&app, &admin, json!({"target": "ADMIN"})).await;
    assert!(by_target.iter().all(|e| e["target_id"] == "admin"));
    assert!(entries(&app, &admin, json!({"from": 4_000_000_000i64}))
        .await
        .is_empty());
}

#[tokio::test]
async fn merchants_see_only_their_own_entries() {
    let app = spawn_app().await;
    let _merchant2 = app.signed_in(MERCHANT2).await;
    let merchant = app.signed_in(MERCHANT).await;
    let seen = entries(&app, &merchant, json!({})).await;
    assert!(!seen.is_empty());
    assert!(seen
        .iter()
        .all(|e| e["actor_name"] != "merchant2" && e["actor_name"] != "admin"));
}

#[tokio::test]
async fn the_log_is_append_only() {
    let app = spawn_app().await;
    let _ = app.signed_in(ADMIN).await;
    assert!(sqlx::query("UPDATE audit_log SET outcome = 'success'")
        .execute(&app.db.pool)
        .await
        .is_err());
    assert!(sqlx::query("DELETE FROM audit_log")
        .execute(&app.db.pool)
        .await
        .is_err());
}
