//! Pages the server writes whole with templates (`app::app::TEMPLATE_PAGES`, issue 16): what
//! Leptos' render gave them still holds, for the user the page guard checked and no one else.

use crate::helpers::*;
use serde_json::json;

/// The nonce of the page's module script (the hydration script).
fn script_nonce(html: &str) -> Option<String> {
    html.split_once("<script type=\"module\" nonce=\"")
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(nonce, _)| nonce.to_string())
}

/// The props of the island whose component name starts with `component`, as the browser reads
/// them (the attribute's entities, then JSON).
fn island_props(html: &str, component: &str) -> Option<serde_json::Value> {
    html.split(&format!("<leptos-island data-component=\"{component}_"))
        .nth(1)
        .and_then(|island| island.split_once(" data-props=\""))
        .and_then(|(_, rest)| rest.split_once('"'))
        .and_then(|(attribute, _)| {
            serde_json::from_str(&html_escape::decode_html_entities(attribute)).ok()
        })
}

#[tokio::test]
async fn a_template_page_has_the_signed_in_frame_its_own_nonce_and_the_bell_with_its_count() {
    let app = spawn_app().await;
    let operator = app.signed_in(OPERATOR).await;
    let unread = app
        .call_ok(&operator, "notifications/unread", json!({}))
        .await;
    assert!(unread.as_i64().is_some(), "{unread}");
    for path in app::app::TEMPLATE_PAGES {
        let mut nonces = Vec::new();
        for _ in 0..2 {
            let res = operator.get(app.url(path)).send().await.expect("page");
            assert_eq!(res.status(), 200, "{path}");
            assert_eq!(
                res.headers()["content-type"],
                "text/html; charset=utf-8",
                "{path}"
            );
            let policy = res.headers()["content-security-policy"]
                .to_str()
                .expect("ASCII")
                .to_string();
            let html = body(res).await;
            let nonce = script_nonce(&html).expect("the hydration script carries a nonce");
            assert!(
                policy.contains(&format!("'nonce-{nonce}'")),
                "{path}: {policy}"
            );
            // Every inline script carries it: the policy refuses any other.
            assert_eq!(
                html.matches("<script").count(),
                html.matches(&format!("nonce=\"{nonce}\"")).count(),
                "{path}"
            );
            assert!(
                html.starts_with("<!DOCTYPE html><html lang=\"zh-CN\">"),
                "{path}"
            );
            assert!(html.contains("/islands/pkg/wxa-islands"), "{path}");
            assert!(html.contains("data-testid=\"current-user\">"), "{path}");
            assert!(
                html.contains("data-testid=\"nav-callbacks\""),
                "staff entries: {path}"
            );
            assert!(
                !html.contains("data-testid=\"nav-users\""),
                "no admin entries: {path}"
            );
            assert!(
                html.contains(&format!("href=\"{path}\" data-testid=")),
                "{path}"
            );
            assert_eq!(
                island_props(&html, "NotificationBell"),
                Some(json!({ "count": unread })),
                "{path}"
            );
            nonces.push(nonce);
        }
        assert_ne!(nonces[0], nonces[1], "a nonce per response: {path}");
    }
}

#[tokio::test]
async fn a_template_page_follows_the_language_cookie_and_writes_a_typed_query_as_text() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let switched = admin
        .post(app.url("/api/locale"))
        .form(&[("locale", "en")])
        .send()
        .await
        .expect("language switch");
    assert_eq!(switched.status(), 200);
    let res = admin
        .get(app.url("/audit?actor=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E&per_page=10"))
        .send()
        .await
        .expect("page");
    assert_eq!(res.status(), 200);
    let html = body(res).await;
    assert!(
        html.starts_with("<!DOCTYPE html><html lang=\"en\">"),
        "{html}"
    );
    assert!(html.contains("<title>Audit log · "), "{html}");
    assert!(!html.contains("<script>alert(1)"), "{html}");
    assert!(
        html.contains("value=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\""),
        "{html}"
    );
    // The pager's links keep the filter, encoded.
    assert!(
        html.contains("actor=%22%3E%3Cscript%3Ealert%281%29%3C%2Fscript%3E"),
        "{html}"
    );
}

#[tokio::test]
async fn a_merchant_sees_only_their_own_entries_on_the_page() {
    let app = spawn_app().await;
    let _merchant2 = app.signed_in(MERCHANT2).await;
    let _admin = app.signed_in(ADMIN).await;
    let merchant = app.signed_in(MERCHANT).await;
    let res = merchant
        .get(app.url("/audit?per_page=100"))
        .send()
        .await
        .expect("page");
    assert_eq!(res.status(), 200);
    let html = body(res).await;
    let actors: Vec<&str> = html
        .split("<td data-testid=\"audit-row-actor\">")
        .skip(1)
        .filter_map(|cell| cell.split_once("</td>").map(|(name, _)| name))
        .collect();
    assert!(!actors.is_empty(), "{html}");
    assert!(actors.contains(&"merchant"), "{actors:?}");
    assert!(
        actors.iter().all(|a| *a != "merchant2" && *a != "admin"),
        "{actors:?}"
    );
    // And the merchant's frame: no platform entries, their merchant named.
    assert!(!html.contains("data-testid=\"nav-callbacks\""), "{html}");
    assert!(html.contains("data-testid=\"current-merchant\""), "{html}");

    // Signed out, the page is the sign-in page's redirect, whatever the query.
    let anonymous = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let res = anonymous
        .get(app.url("/audit?actor=merchant"))
        .send()
        .await
        .expect("page");
    assert_eq!(res.status(), 303);
    assert_eq!(
        res.headers()["location"],
        "/login?next=%2Faudit%3Factor%3Dmerchant"
    );
}
