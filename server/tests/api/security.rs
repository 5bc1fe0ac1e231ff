use crate::helpers::*;
use serde_json::json;

#[tokio::test]
async fn cross_site_writes_are_refused() {
    let app = spawn_app().await;
    let res = client()
        .post(app.url("/api/auth/login"))
        .header("origin", "http://evil.example")
        .form(&[("username", "admin"), ("password", "admin-demo-2026")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let c = app.signed_in(ADMIN).await;
    let res = c
        .post(app.url("/api/merchants/create"))
        .header("sec-fetch-site", "cross-site")
        .json(&json!({"name": "csrf"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    // The same request from the console's own origin goes through.
    let host = app.base.trim_start_matches("http://").to_string();
    let res = c
        .post(app.url("/api/merchants/create"))
        .header("origin", format!("http://{host}"))
        .header("sec-fetch-site", "same-origin")
        .json(&json!({"name": "同源商户"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn pages_carry_security_headers_and_a_script_nonce() {
    let app = spawn_app().await;
    let res = client().get(app.url("/login")).send().await.unwrap();
    let h = res.headers().clone();
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["x-frame-options"], "DENY");
    assert_eq!(h["referrer-policy"], "same-origin");
    let csp = h["content-security-policy"].to_str().unwrap().to_string();
    assert!(csp.contains("frame-ancestors 'none'"));
    assert!(
        !csp.contains("unsafe-inline'; img") || !csp.contains("script-src 'self' 'unsafe-inline'")
    );
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|s| s.split('\'').next())
        .expect("nonce in CSP")
        .to_string();
    let html = body(res).await;
    for script in html.split("<script").skip(1) {
        assert!(
            script.contains(&format!("nonce=\"{nonce}\"")),
            "every inline script carries the nonce: {}",
            &script[..script.len().min(80)]
        );
    }
}

#[tokio::test]
async fn unknown_pages_are_404_not_500() {
    let app = spawn_app().await;
    let c = app.signed_in(ADMIN).await;
    let res = c.get(app.url("/definitely/not/here")).send().await.unwrap();
    assert_eq!(res.status(), 404);
    let res = c
        .post(app.url("/api/no_such_function"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_client_error(), "{}", res.status());
}

#[tokio::test]
async fn data_survives_a_restart_and_demo_data_is_seeded_once() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    app.call_ok(&admin, "merchants/create", json!({"name": "重启商户"}))
        .await;
    let TestApp {
        database_url, dir, ..
    } = app;
    let again = start_on(database_url, dir, &[]).await;
    let admin = again.signed_in(ADMIN).await;
    let merchants = again.call_ok(&admin, "merchants/list", json!({})).await;
    let names: Vec<&str> = merchants
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"重启商户"));
    assert_eq!(
        names.len(),
        4,
        "demo merchants were not created twice: {names:?}"
    );
    assert_eq!(app::db::mini_programs::count(&again.db).await.unwrap(), 60);
}
