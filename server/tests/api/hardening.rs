//! The smaller controls of issue 10, item 8, as the browser and an auditor see them:
//! nothing signed-in is cacheable, the CSP allows no development leftovers, the Origin
//! check compares the scheme too, and refused attempts leave a trace in the audit log.

use crate::helpers::*;
use app::services::demo::demo_appid;
use serde_json::json;

fn no_store(res: &reqwest::Response) -> bool {
    res.headers()
        .get_all("cache-control")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| {
            v.split(',')
                .any(|d| d.trim().eq_ignore_ascii_case("no-store"))
        })
}

#[tokio::test]
async fn signed_in_pages_server_functions_and_exports_are_not_stored() {
    let app = spawn_app().await;
    let c = app.signed_in(MERCHANT).await;
    for path in [
        "/apps",
        "/releases",
        "/notifications",
        "/releases/export.csv",
    ] {
        let res = c.get(app.url(path)).send().await.expect("page");
        assert_eq!(res.status(), 200, "{path}");
        assert!(
            no_store(&res),
            "{path}: {:?}",
            res.headers().get("cache-control")
        );
    }
    for (endpoint, body) in [
        ("mini_programs/list", json!({"query": {}})),
        ("notifications/unread", json!({})),
    ] {
        let res = app.call(&c, endpoint, body).await;
        assert_eq!(res.status(), 200, "{endpoint}");
        assert!(
            no_store(&res),
            "{endpoint}: {:?}",
            res.headers().get("cache-control")
        );
    }
    // Refusals too: an error page is as private as the page.
    let res = app.call(&c, "users/list", json!({})).await;
    assert_eq!(res.status(), 403);
    assert!(no_store(&res), "users/list refused without no-store");
}

#[tokio::test]
async fn the_csp_allows_no_websocket_and_no_inline_code() {
    let app = spawn_app().await;
    let c = app.signed_in(OPERATOR).await;
    for path in ["/login", "/apps"] {
        let client = if path == "/login" {
            client()
        } else {
            c.clone()
        };
        let res = client.get(app.url(path)).send().await.expect("page");
        let csp = res.headers()["content-security-policy"]
            .to_str()
            .expect("ASCII")
            .to_owned();
        for leftover in ["ws:", "wss:", "'unsafe-inline'", "'unsafe-eval'", "*"] {
            assert!(
                !csp.split([';', ' '])
                    .any(|t| t == leftover || t.starts_with(leftover)),
                "{path}: CSP allows {leftover}: {csp}"
            );
        }
        assert!(csp.contains("'nonce-"), "{path}: {csp}");
    }
}

#[tokio::test]
async fn an_origin_with_another_scheme_or_port_is_another_site() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let host = app.base.trim_start_matches("http://").to_owned();
    let (ip, port) = host.rsplit_once(':').expect("host:port");
    let other_port: u16 = port.parse::<u16>().expect("port").wrapping_add(1);
    for origin in [
        format!("https://{host}"),
        format!("http://{ip}:{other_port}"),
        "null".to_owned(),
        format!("http://{host}.evil.example"),
    ] {
        let res = admin
            .post(app.url("/api/merchants/create"))
            .header("origin", &origin)
            .json(&json!({"name": format!("跨源 {origin}")}))
            .send()
            .await
            .expect("request");
        assert_eq!(res.status(), 403, "Origin {origin} was let through");
    }
    let res = admin
        .post(app.url("/api/merchants/create"))
        .header("origin", format!("http://{host}"))
        .json(&json!({"name": "同源"}))
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), 200, "the console's own origin");
}

#[tokio::test]
async fn refused_attempts_are_in_the_audit_log() {
    let app = spawn_app().await;
    let merchant2 = app.signed_in(MERCHANT2).await;
    let theirs = demo_appid(4);
    let user_id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE username = 'merchant2'")
        .fetch_one(&app.db.pool)
        .await
        .expect("merchant2");
    let res = app
        .call(&merchant2, "mini_programs/get", json!({"appid": theirs}))
        .await;
    assert_eq!(res.status(), 404);
    let res = app.call(&merchant2, "users/list", json!({})).await;
    assert_eq!(res.status(), 403);
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT action, target_id, outcome FROM audit_log WHERE actor_id = $1 ORDER BY id",
    )
    .bind(user_id)
    .fetch_all(&app.db.pool)
    .await
    .expect("audit rows");
    assert!(
        rows.iter().any(|(_, target, _)| target.contains(&theirs)),
        "no entry for another merchant's mini program: {rows:?}"
    );
    assert!(
        rows.iter()
            .any(|(_, target, _)| target.contains("users/list")),
        "no entry for a staff function: {rows:?}"
    );
}
