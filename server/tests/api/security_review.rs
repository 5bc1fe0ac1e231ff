//! The outside review's findings (issue 10), each as an attack that must fail.

use crate::helpers::*;
use app::db;
use app::services::authorization;
use serde_json::json;

async fn count_audit(app: &TestApp, action: &str, actor: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = $1 AND actor_name = $2")
        .bind(action)
        .bind(actor)
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn fifty_parallel_guesses_get_at_most_five_checked() {
    let app = spawn_app().await;
    let mut tasks = Vec::new();
    for i in 0..50 {
        let url = app.url("/api/auth/login");
        tasks.push(tokio::spawn(async move {
            client()
                .post(url)
                .form(&[
                    ("username", "operator"),
                    ("password", &format!("guess-{i}")),
                ])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    let checked = statuses.iter().filter(|s| **s == 401).count();
    assert!(checked <= 5, "{checked} guesses were checked: {statuses:?}");
    assert!(
        statuses.iter().all(|s| [401, 429, 503].contains(s)),
        "{statuses:?}"
    );
    assert!(count_audit(&app, "auth.login_failed", "operator").await <= 5);
    // And the right password is refused now too: the account is locked.
    let res = app.login(&client(), OPERATOR).await;
    assert_eq!(res.status(), 429);
    assert!(res.headers().contains_key("retry-after"));
}

#[tokio::test]
async fn a_correct_password_gives_its_attempt_back() {
    let app = spawn_app().await;
    for _ in 0..10 {
        assert_eq!(app.login(&client(), OPERATOR).await.status(), 200);
    }
    for _ in 0..4 {
        assert_eq!(
            app.login(&client(), ("operator", "wrong")).await.status(),
            401
        );
    }
    assert_eq!(app.login(&client(), OPERATOR).await.status(), 200);
}

#[tokio::test]
async fn a_burst_of_logins_is_bounded_and_answered_busy_not_queued_forever() {
    let app = spawn_app_with(&[("WXA_TRUST_FORWARDED_FOR", "true")]).await;
    let mut tasks = Vec::new();
    for i in 0..200 {
        let url = app.url("/api/auth/login");
        tasks.push(tokio::spawn(async move {
            let res = client()
                .post(url)
                .header(
                    "x-forwarded-for",
                    format!("10.9.{}.{}", i / 250, i % 250 + 1),
                )
                .form(&[
                    ("username", format!("nobody-{i}")),
                    ("password", "x".into()),
                ])
                .send()
                .await
                .unwrap();
            (
                res.status().as_u16(),
                res.headers().get("retry-after").is_some(),
            )
        }));
    }
    let mut answers = Vec::new();
    for t in tasks {
        answers.push(t.await.unwrap());
    }
    assert!(
        answers.iter().all(|(s, _)| *s == 401 || *s == 503),
        "{answers:?}"
    );
    let busy: Vec<_> = answers.iter().filter(|(s, _)| *s == 503).collect();
    assert!(!busy.is_empty(), "200 parallel hashes were all accepted");
    assert!(
        busy.iter().all(|(_, retry)| *retry),
        "503 without Retry-After"
    );
    // A busy answer did not count as an attempt: the same address may try again.
    let res = client()
        .post(app.url("/api/auth/login"))
        .header("x-forwarded-for", "10.9.0.1")
        .form(&[("username", "operator"), ("password", "operator-demo-2026")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

/// A link's state value, and the auth code the simulated owner's confirmation returns.
async fn confirmed_link(app: &TestApp) -> (i64, String, String) {
    let admin_user = {
        let r = db::users::find_by_username(&app.db, "admin")
            .await
            .unwrap()
            .unwrap();
        app::model::CurrentUser::from(r)
    };
    let started = authorization::start(&app.state, &admin_user, None, None)
        .await
        .unwrap();
    let html = client()
        .get(&started.link)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let hidden = |name: &str| {
        html.split(&format!("name=\"{name}\" value=\""))
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap()
            .replace("&amp;", "&")
    };
    let redirect_uri = hidden("redirect_uri");
    let state = redirect_uri.split("state=").nth(1).unwrap().to_owned();
    (started.id, state, hidden("pre_auth_code"))
}

async fn request_status(app: &TestApp, id: i64) -> String {
    db::authorization_requests::get(&app.db, id)
        .await
        .unwrap()
        .unwrap()
        .status
}

#[tokio::test]
async fn strangers_can_neither_complete_nor_fail_an_authorization() {
    let app = spawn_app().await;
    let (id, state, _) = confirmed_link(&app).await;
    let exchanges = || async { sim_calls(&app, "/cgi-bin/component/api_query_auth", "").await };
    let before = exchanges().await;
    // Signed out, with a bogus code: the landing continues, the finish exchanges nothing.
    let stranger = client();
    let landing = stranger
        .get(app.url(&format!("/wechat/authorized?state={state}&auth_code=bogus")))
        .send()
        .await
        .unwrap();
    assert_eq!(landing.status(), 200);
    let finish = stranger
        .get(app.url(&format!(
            "/wechat/authorized/finish?state={state}&auth_code=bogus"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(finish.status(), 200);
    // Another signed-in user (not the one who started it) gets the same.
    let operator = app.signed_in(OPERATOR).await;
    let finish = operator
        .get(app.url(&format!(
            "/wechat/authorized/finish?state={state}&auth_code=bogus"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(finish.status(), 200);
    assert_eq!(
        exchanges().await,
        before,
        "a stranger's code reached WeChat"
    );
    assert_eq!(request_status(&app, id).await, "pending");
    // The old sequential id is no handle any more, and unknown states change nothing.
    for path in [
        format!("/wechat/authorized?request={id}&auth_code=bogus"),
        "/wechat/authorized?state=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA&auth_code=x".into(),
        "/wechat/authorized/finish?state=short&auth_code=x".into(),
    ] {
        let res = stranger.get(app.url(&path)).send().await.unwrap();
        assert!(res.status().is_client_error(), "{path}: {}", res.status());
    }
    assert_eq!(request_status(&app, id).await, "pending");
}

#[tokio::test]
async fn the_landing_pages_are_rate_limited() {
    let app = spawn_app().await;
    let c = client();
    let mut limited = 0;
    for _ in 0..30 {
        let res = c
            .get(app.url("/wechat/authorized?state=x&auth_code=y"))
            .send()
            .await
            .unwrap();
        if res.status() == 429 {
            assert!(res.headers().contains_key("retry-after"));
            limited += 1;
        }
    }
    assert!(
        limited >= 10,
        "only {limited} of 30 rapid landings were limited"
    );
}

#[tokio::test]
async fn activity_moves_the_idle_expiry() {
    let app = spawn_app_with(&[("WXA_SESSION_ACTIVITY_SECS", "1")]).await;
    let c = app.signed_in(OPERATOR).await;
    let expiry = || async {
        sqlx::query_scalar::<_, i64>("SELECT MAX(expiry_date) FROM sessions")
            .fetch_one(&app.db.pool)
            .await
            .unwrap()
    };
    let first = expiry().await;
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let res = c.get(app.url("/apps")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        expiry().await >= first + 2,
        "the idle expiry did not move with activity"
    );
}

#[tokio::test]
async fn paging_is_normalised_everywhere() {
    let app = spawn_app().await;
    let c = app.signed_in(OPERATOR).await;
    let page = app
        .call_ok(
            &c,
            "widgets/list",
            json!({"query": {"status": null, "page": {"page": 4294967295u32, "per_page": 4000000000u32}}}),
        )
        .await;
    assert_eq!(page["per_page"], 20);
    assert_eq!(page["page"], 1_000_000);
}

#[cfg(unix)]
#[tokio::test]
async fn the_database_and_data_folder_are_private() {
    use std::os::unix::fs::PermissionsExt;
    if std::env::var("WXA_TEST_DATABASE_URL").is_ok_and(|v| !v.is_empty()) {
        return; // PostgreSQL: no file of ours
    }
    let app = spawn_app().await;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(app.dir.path()), 0o700);
    assert_eq!(mode(&app.dir.path().join("test.db")), 0o600);
    assert_eq!(mode(&app.dir.path().join("secret-key")), 0o600);
}
