//! What an attacker or a careless paste puts into a list's text filters (a NUL, a tab, a
//! line break, an RTL mark, LIKE wildcards, 5,000 characters) never reaches the database
//! as a server error, on either database: every list answers with rows or with the field.

use crate::helpers::*;
use serde_json::{json, Value};

const NASTY: [&str; 5] = ["a\u{0}b", "wx\t\n1", "\u{202e}abc", "%_\\", "ab\u{7f}"];

#[tokio::test]
async fn control_characters_and_oversized_text_in_list_filters_are_never_a_server_error() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let set = app
        .call_ok(&admin, "message_sets/create", json!({"name": "过滤器组"}))
        .await
        .as_i64()
        .expect("set id");
    let long = "长".repeat(5_000);
    let page = json!({"page": 1, "per_page": 20});
    let mut failures = Vec::new();
    for text in NASTY.into_iter().chain([long.as_str()]) {
        let calls: Vec<(&str, Value)> = vec![
            ("mini_programs/list", json!({"query": {"search": text}})),
            ("readiness/targets", json!({"query": {"search": text}})),
            (
                "releases/fleet",
                json!({"query": {"version": text, "state": text}}),
            ),
            (
                "platform/callbacks/list",
                json!({"query": {"kind": text, "appid": text, "outcome": text}}),
            ),
            ("qrcode_rules/fleet", json!({"query": {"host": text}})),
            ("platform/tokens", json!({"query": {"search": text}})),
            (
                "notifications/list",
                json!({"page": page, "unread_only": false, "filter": {"appid": text, "kind": text}}),
            ),
            ("domains/targets", json!({"query": {"search": text}})),
            (
                "message_sets/coverage",
                json!({"id": set, "query": {"search": text}}),
            ),
            ("audit/list", json!({"query": {"actor": text}})),
        ];
        for (endpoint, request) in calls {
            let res = app.call(&admin, endpoint, request).await;
            let status = res.status();
            let text_of = body(res).await;
            if status != 200 && status != 422 {
                failures.push(format!("{endpoint} with {text:.12?}: {status} {text_of}"));
            }
        }
    }
    // The pages, as a pasted address reaches them.
    for path in [
        "/apps?q=a%00b",
        "/releases?version=a%00b",
        "/platform/callbacks?kind=a%00b&appid=a%00b",
        "/platform/tokens?q=a%00b",
        "/notifications?appid=a%00b&kind=a%00b",
        "/qrcode-rules?host=a%00b",
        "/domains/defaults?q=a%00b",
        "/audit?actor=a%00b",
    ] {
        let res = admin.get(app.url(path)).send().await.unwrap();
        let status = res.status();
        let html = body(res).await;
        if status != 200 || html.contains("服务器出错") {
            failures.push(format!("{path}: {status}"));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
