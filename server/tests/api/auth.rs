use crate::helpers::*;
use serde_json::json;

#[tokio::test]
async fn login_page_renders_on_the_server() {
    let app = spawn_app().await;
    let res = client().get(app.url("/login")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let html = body(res).await;
    assert!(html.contains("data-testid=\"login-form\""));
    assert!(
        html.contains("<html lang=\"zh-CN\""),
        "Chinese is the default"
    );
}

#[tokio::test]
async fn pages_redirect_to_login_until_signed_in() {
    let app = spawn_app().await;
    let res = client().get(app.url("/apps?page=2")).send().await.unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/login?next=%2Fapps%3Fpage%3D2");
    let res = client().get(app.url("/")).send().await.unwrap();
    assert_eq!(res.headers()["location"], "/login?next=%2F");
}

#[tokio::test]
async fn a_good_login_sets_a_hardened_cookie_and_opens_the_console() {
    let app = spawn_app().await;
    let c = client();
    let res = app.login(&c, ADMIN).await;
    assert_eq!(res.status(), 200);
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.starts_with("wxa_session="), "{cookie}");
    assert!(cookie.contains("HttpOnly"));
    assert!(cookie.contains("SameSite=Strict"));
    assert!(!cookie.contains("Secure"), "plain http on loopback");
    assert_eq!(body(res).await, "\"/apps\"");
    let res = c.get(app.url("/apps")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(body(res).await.contains("data-testid=\"registry\""));
    // Signed in, the login page sends you on.
    let res = c.get(app.url("/login?next=%2Faudit")).send().await.unwrap();
    assert_eq!(res.headers()["location"], "/audit");
}

#[tokio::test]
async fn secure_cookie_behind_https() {
    let app = spawn_app_with(&[("WXA_PUBLIC_URL", "https://console.example.com")]).await;
    let res = app.login(&client(), ADMIN).await;
    assert!(res.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .contains("Secure"));
}

#[tokio::test]
async fn session_id_is_cycled_at_login() {
    let app = spawn_app().await;
    let c = client();
    let first = app.login(&c, OPERATOR).await.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_string();
    let second = app.login(&c, ADMIN).await.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_string();
    let id = |c: &str| c.split(';').next().unwrap().to_string();
    assert_ne!(id(&first), id(&second));
    // The old id is gone: replaying it finds no session.
    let replay = client();
    let res = replay
        .get(app.url("/apps"))
        .header("cookie", id(&first))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
}

#[tokio::test]
async fn wrong_and_unknown_users_get_the_same_answer() {
    let app = spawn_app().await;
    let wrong = app.login(&client(), ("admin", "not-the-password")).await;
    assert_eq!(wrong.status(), 401);
    let wrong_body = body(wrong).await;
    let unknown = app.login(&client(), ("nobody", "not-the-password")).await;
    assert_eq!(unknown.status(), 401);
    assert_eq!(wrong_body, body(unknown).await);
    assert!(wrong_body.contains("BadCredentials"));
}

#[tokio::test]
async fn empty_and_overlong_fields_are_named() {
    let app = spawn_app().await;
    let res = app.login(&client(), ("", "")).await;
    assert_eq!(res.status(), 422);
    let text = body(res).await;
    assert!(
        text.contains("\"field\":\"username\"") && text.contains("\"field\":\"password\""),
        "{text}"
    );
    assert!(text.contains("Required"));
    let long = "x".repeat(200);
    let res = app.login(&client(), (&long, &long)).await;
    assert_eq!(res.status(), 422);
    assert!(body(res).await.contains("TooLong"));
}

#[tokio::test]
async fn repeated_failures_lock_the_account_for_a_while() {
    let app = spawn_app().await;
    for _ in 0..5 {
        assert_eq!(
            app.login(&client(), ("operator", "wrong-password"))
                .await
                .status(),
            401
        );
    }
    // Even the right password is refused now, with a clear answer.
    let res = app.login(&client(), OPERATOR).await;
    assert_eq!(res.status(), 429);
    assert!(body(res).await.contains("Throttled"));
    // Other accounts are unaffected.
    assert_eq!(app.login(&client(), ADMIN).await.status(), 200);
}

#[tokio::test]
async fn too_many_failures_from_one_address_are_throttled() {
    let app = spawn_app().await;
    for i in 0..30 {
        let res = app
            .login(&client(), (&format!("guess{i}"), "wrong-password"))
            .await;
        assert_eq!(res.status(), 401);
    }
    assert_eq!(app.login(&client(), ADMIN).await.status(), 429);
}

#[tokio::test]
async fn disabled_users_cannot_sign_in_and_lose_their_sessions() {
    let app = spawn_app().await;
    let merchant = app.signed_in(MERCHANT).await;
    let admin = app.signed_in(ADMIN).await;
    let users = app.call_ok(&admin, "users/list", json!({})).await;
    let id = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "merchant")
        .unwrap()["id"]
        .clone();
    app.call_ok(
        &admin,
        "users/set_disabled",
        json!({"id": id, "disabled": true}),
    )
    .await;

    let res = app
        .call(&merchant, "mini_programs/list", json!({"query": {}}))
        .await;
    assert_eq!(res.status(), 401, "the open session ended");
    let res = app.call(&merchant, "auth/me", json!({})).await;
    assert_eq!(body(res).await, "null", "the open session ended");
    let res = app.login(&client(), MERCHANT).await;
    assert_eq!(res.status(), 403);
    assert!(body(res).await.contains("AccountDisabled"));
}

#[tokio::test]
async fn expired_sessions_go_back_to_login_with_a_message() {
    let app = spawn_app().await;
    let c = app.signed_in(ADMIN).await;
    sqlx::query("UPDATE sessions SET expiry_date = 0")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let res = c.get(app.url("/audit")).send().await.unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/login?next=%2Faudit&expired=1");
    let res = c
        .get(app.url("/login?next=%2Faudit&expired=1"))
        .send()
        .await
        .unwrap();
    assert!(body(res).await.contains("data-testid=\"session-expired\""));
}

#[tokio::test]
async fn a_tampered_cookie_is_no_session() {
    let app = spawn_app().await;
    let res = app.login(&client(), ADMIN).await;
    let cookie = res.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    // Flip one character of the signed value.
    let mut bytes = cookie.into_bytes();
    let i = bytes.len() - 3;
    bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(bytes).unwrap();
    let res = client()
        .get(app.url("/apps"))
        .header("cookie", &tampered)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert!(res.headers()["location"]
        .to_str()
        .unwrap()
        .ends_with("&expired=1"));
    let res = client()
        .post(app.url("/api/mini_programs/list"))
        .header("cookie", &tampered)
        .json(&json!({"query": app::domain::mini_program::MiniProgramQuery::default()}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
}

#[tokio::test]
async fn logout_destroys_the_session() {
    let app = spawn_app().await;
    let c = app.signed_in(ADMIN).await;
    app.call_ok(&c, "auth/logout", json!({})).await;
    let res = c.get(app.url("/apps")).send().await.unwrap();
    assert_eq!(res.status(), 303);
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(left, 0);
}

#[tokio::test]
async fn language_switch_sets_a_cookie_and_the_page_follows() {
    let app = spawn_app().await;
    let c = app.signed_in(ADMIN).await;
    let res = c
        .post(app.url("/api/locale"))
        .form(&[("locale", "en")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .starts_with("wxa_lang=en"));
    let html = body(c.get(app.url("/apps")).send().await.unwrap()).await;
    assert!(html.contains("<html lang=\"en\""));
    assert!(html.contains("Mini programs"));
    let res = c
        .post(app.url("/api/locale"))
        .form(&[("locale", "klingon")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
}

/// The header's language switch and sign-out are plain forms: posted as a browser posts a form
/// (with or without JavaScript), the language switch comes back to the page it was on and
/// sign-out goes to the sign-in page, the session gone.
#[tokio::test]
async fn the_header_forms_post_as_plain_forms() {
    let app = spawn_app().await;
    let c = app.signed_in(ADMIN).await;
    let page = app.url("/audit?action=auth.login&page=1");
    let html = body(c.get(&page).send().await.unwrap()).await;
    assert!(html.contains(r#"<form method="post" action="/api/locale" class="inline-form"><input type="hidden" name="locale" value="en">"#));
    assert!(html.contains(r#"<form method="post" action="/api/auth/logout" class="inline-form">"#));
    assert!(
        !html.contains("LocaleSwitch") && !html.contains("LogoutButton"),
        "no island for either"
    );
    let as_a_form = |path: &str| {
        c.post(app.url(path))
            .header("accept", "text/html,application/xhtml+xml")
            .header("referer", &page)
            .header("origin", app.url("").trim_end_matches('/'))
    };

    let res = as_a_form("/api/locale")
        .form(&[("locale", "en")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302);
    assert_eq!(res.headers()["location"], page.as_str(), "back to the page");
    assert!(res.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .starts_with("wxa_lang=en"));

    let res = as_a_form("/api/auth/logout")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302);
    assert_eq!(res.headers()["location"], "/login");
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(left, 0);
    let res = c.get(&page).send().await.unwrap();
    assert_eq!(res.status(), 303, "signed out");
}
