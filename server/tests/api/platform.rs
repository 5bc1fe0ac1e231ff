//! Token health, the callbacks inbox and "Add mini program": staff only.

use crate::helpers::*;
use serde_json::{json, Value};

/// Every platform server function with a harmless body.
fn platform_calls() -> Vec<(&'static str, Value)> {
    vec![
        ("platform/tokens", json!({})),
        ("platform/tokens/refresh", json!({"key": "component"})),
        ("platform/callbacks/list", json!({"query": {}})),
        ("platform/callbacks/kinds", json!({})),
        ("platform/callbacks/get", json!({"id": 1})),
        ("platform/callbacks/replay", json!({"id": 1})),
        (
            "authorization/start",
            json!({"merchant_id": null, "subject": null}),
        ),
        ("authorization/get", json!({"id": 1})),
    ]
}

#[tokio::test]
async fn merchants_are_refused_every_platform_function() {
    let app = spawn_app().await;
    let merchant = app.signed_in(MERCHANT).await;
    for (endpoint, body) in platform_calls() {
        let res = app.call(&merchant, endpoint, body).await;
        assert_eq!(res.status(), 403, "{endpoint} let a merchant in");
    }
    // The pages say so too, with the status.
    for page in [
        "/platform/tokens",
        "/platform/callbacks",
        "/apps/authorize?request=1",
    ] {
        let res = merchant.get(app.url(page)).send().await.unwrap();
        assert_eq!(res.status(), 403, "{page}");
        assert!(!body(res).await.contains("data-testid=\"tokens-table\""));
    }
}

#[tokio::test]
async fn unauthenticated_callers_get_401_and_pages_go_to_login() {
    let app = spawn_app().await;
    for (endpoint, body) in platform_calls() {
        let res = app.call(&client(), endpoint, body).await;
        assert_eq!(res.status(), 401, "{endpoint}");
    }
    let res = client()
        .get(app.url("/platform/callbacks?outcome=failed"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(
        res.headers()["location"],
        "/login?next=%2Fplatform%2Fcallbacks%3Foutcome%3Dfailed"
    );
}

#[tokio::test]
async fn operators_see_the_tokens_after_start() {
    let app = spawn_app().await;
    let operator = app.signed_in(OPERATOR).await;
    let view = app.call_ok(&operator, "platform/tokens", json!({})).await;
    assert!(view["ticket_received_at"].is_i64(), "{view}");
    let tokens = view["tokens"].as_array().unwrap();
    assert!(tokens.iter().any(|t| t["key"] == "component"));
    assert!(tokens.iter().any(|t| t["appid"].is_string()));

    app.call_ok(
        &operator,
        "platform/tokens/refresh",
        json!({"key": "component"}),
    )
    .await;
    let after = app.call_ok(&operator, "platform/tokens", json!({})).await;
    let component = |v: &Value| {
        v["tokens"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["key"] == "component")
            .cloned()
            .unwrap()
    };
    assert!(
        component(&after)["refresh_count"].as_i64() > component(&view)["refresh_count"].as_i64()
    );
    let unknown = app
        .call(
            &operator,
            "platform/tokens/refresh",
            json!({"key": "nonsense"}),
        )
        .await;
    assert_eq!(unknown.status(), 404);

    let html = body(
        operator
            .get(app.url("/platform/tokens"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(html.contains("data-testid=\"tokens-table\""));
    assert!(html.contains("data-testid=\"lifetime-chart\""));
}

/// A refresh refused with 61023 is not "fresh", however long the old token still lives.
#[tokio::test]
async fn token_health_says_reauthorization_after_61023() {
    let app = spawn_app().await;
    let operator = app.signed_in(OPERATOR).await;
    let appid = app::services::demo::demo_appid(2);
    let key = format!("authorizer:{appid}");
    let health_of = |v: &Value| {
        v["tokens"]
            .as_array()
            .and_then(|t| t.iter().find(|t| t["appid"] == appid.as_str()).cloned())
            .map(|t| {
                (
                    t["key"].as_str().unwrap_or_default().to_owned(),
                    t["health"].clone(),
                )
            })
    };
    let before = app.call_ok(&operator, "platform/tokens", json!({})).await;
    let (stored_key, health) = health_of(&before).expect("the demo's token");
    assert_eq!(health, "Fresh");
    assert_eq!(stored_key, key);
    let revoked = reqwest::Client::new()
        .post(format!("{}/__sim/revoke-refresh-token", app.sim_base))
        .json(&json!({"appid": appid}))
        .send()
        .await
        .expect("control call");
    assert!(revoked.status().is_success());
    let refused = app
        .call(&operator, "platform/tokens/refresh", json!({"key": key}))
        .await;
    assert!(!refused.status().is_success());
    let after = app.call_ok(&operator, "platform/tokens", json!({})).await;
    let (_, health) = health_of(&after).expect("still listed");
    assert_eq!(health, "NeedsReauthorization", "{after}");
    let html = body(
        operator
            .get(app.url("/platform/tokens"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(html.contains("health-needs_reauthorization"));
}

#[tokio::test]
async fn operators_list_filter_read_and_replay_callbacks() {
    let app = spawn_app().await;
    let operator = app.signed_in(OPERATOR).await;
    let page = app
        .call_ok(&operator, "platform/callbacks/list", json!({"query": {}}))
        .await;
    assert!(page["total"].as_i64().unwrap() > 0, "{page}");
    let kinds = app
        .call_ok(&operator, "platform/callbacks/kinds", json!({}))
        .await;
    let kinds: Vec<&str> = kinds
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(kinds.contains(&"component_verify_ticket"), "{kinds:?}");
    assert!(kinds.contains(&"unauthorized"), "{kinds:?}");

    let unauthorized = app
        .call_ok(
            &operator,
            "platform/callbacks/list",
            json!({"query": {"kind": "unauthorized"}}),
        )
        .await;
    let items = unauthorized["items"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(items.iter().all(|c| c["kind"] == "unauthorized"));

    let tickets = app
        .call_ok(
            &operator,
            "platform/callbacks/list",
            json!({"query": {"kind": "component_verify_ticket"}}),
        )
        .await;
    let id = tickets["items"][0]["id"].as_i64().unwrap();
    let detail = app
        .call_ok(&operator, "platform/callbacks/get", json!({"id": id}))
        .await;
    let shown = detail["payload"].as_str().unwrap();
    assert!(shown.contains("ComponentVerifyTicket"));
    // The ticket itself is never shown (nor stored in clear).
    assert!(shown.contains(app::services::push_secrets::MASK) && !shown.contains("ticket@@@"));
    let attempts = detail["row"]["attempts"].as_i64().unwrap();
    let replayed = app
        .call_ok(&operator, "platform/callbacks/replay", json!({"id": id}))
        .await;
    assert_eq!(replayed["row"]["outcome"], "processed");
    assert_eq!(replayed["row"]["attempts"].as_i64().unwrap(), attempts + 1);

    let html = body(
        operator
            .get(app.url(&format!("/platform/callbacks/{id}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(html.contains("data-testid=\"callback-payload\""));
    assert!(
        html.contains("&lt;ComponentVerifyTicket&gt;"),
        "payload escaped"
    );
    let list = body(
        operator
            .get(app.url("/platform/callbacks?kind=unauthorized"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(list.contains("data-testid=\"callback-row\""));
    assert!(!list.contains("data-kind=\"component_verify_ticket\""));
}

#[tokio::test]
async fn staff_start_an_authorization_and_read_it_back() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let started = app
        .call_ok(
            &admin,
            "authorization/start",
            json!({"merchant_id": null, "subject": "Enterprise"}),
        )
        .await;
    assert_eq!(started["status"], "pending");
    assert!(started["qr_svg"].as_str().unwrap().contains("<svg"));
    let id = started["id"].as_i64().unwrap();
    let read = app
        .call_ok(&admin, "authorization/get", json!({"id": id}))
        .await;
    assert_eq!(read["link"], started["link"]);

    let unknown = app
        .call(
            &admin,
            "authorization/start",
            json!({"merchant_id": 999_999, "subject": null}),
        )
        .await;
    assert_eq!(unknown.status(), 422);

    let html = body(
        admin
            .get(app.url(&format!("/apps/authorize?request={id}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(html.contains("data-testid=\"authorize-link\""));
    assert!(html.contains("data-status=\"pending\""));
}
