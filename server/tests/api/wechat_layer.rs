//! The WeChat platform layer end to end: callbacks (signature, AppId,
//! duplicates, unknown kinds), the token center (single-flight, leases across
//! instances, compare-and-expire, 61023), the authorization flow through the
//! simulator's page, and pushes from the simulator.

use crate::helpers::{client, sim_call_records, spawn_app, TestApp, ADMIN};
use app::db::{self, Db};
use app::domain::auth::Role;
use app::domain::mini_program::{AppStatus, SubjectType};
use app::model::CurrentUser;
use app::services::secrets::SecretBox;
use app::services::tokens::{ComponentCredentials, TokenCenter};
use app::services::{authorization, callbacks};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use wechat::crypto::MsgCrypt;
use wechat::simulator::SimConfig;
use wechat::{Client, TokenKey};

fn sim_crypt() -> MsgCrypt {
    let c = SimConfig::demo();
    MsgCrypt::new(c.message_token, &c.encoding_aes_key, c.component_appid).expect("crypt")
}

/// Sends `xml` to the console encrypted the way WeChat does.
async fn push(app: &TestApp, path: &str, xml: &str, crypt: &MsgCrypt) -> (u16, String) {
    let encrypt = crypt.encrypt(xml, None).expect("encrypt");
    let (timestamp, nonce) = ("1700000000", "424242");
    let signature = crypt.signature(timestamp, nonce, &encrypt);
    send_raw(app, path, &encrypt, &signature).await
}

async fn send_raw(app: &TestApp, path: &str, encrypt: &str, msg_signature: &str) -> (u16, String) {
    let res = client()
        .post(app.url(&format!(
            "{path}?timestamp=1700000000&nonce=424242&encrypt_type=aes&msg_signature={msg_signature}"
        )))
        .header("content-type", "text/xml")
        .body(format!(
            "<xml><AppId><![CDATA[x]]></AppId><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"
        ))
        .send()
        .await
        .expect("push");
    (res.status().as_u16(), res.text().await.unwrap_or_default())
}

async fn count_callbacks(db: &Db, kind: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM wechat_callbacks WHERE kind = $1")
        .bind(kind)
        .fetch_one(&db.pool)
        .await
        .expect("count")
}

async fn wait_until<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..100 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting for {what}");
}

async fn sim_calls(app: &TestApp, path: &str) -> Vec<Value> {
    sim_call_records(app, path, "").await
}

async fn admin(db: &Db) -> CurrentUser {
    let record = db::users::find_by_username(db, "admin")
        .await
        .expect("db")
        .expect("demo admin");
    CurrentUser {
        id: record.id,
        username: record.username,
        display_name: record.display_name,
        role: Role::Admin,
        merchant_id: None,
        merchant_name: None,
    }
}

#[tokio::test]
async fn pushes_are_stored_once_and_bad_ones_refused() {
    let app = spawn_app().await;
    let crypt = sim_crypt();
    let xml =
        "<xml><AppId><![CDATA[wx5ac1a7a7c0de0001]]></AppId><CreateTime>1700000000</CreateTime>\
               <InfoType><![CDATA[notify_third_fasteregister]]></InfoType><Extra>1</Extra></xml>";
    for _ in 0..3 {
        let (status, body) = push(&app, "/wechat/callback", xml, &crypt).await;
        assert_eq!((status, body.as_str()), (200, "success"));
    }
    assert_eq!(
        count_callbacks(&app.db, "notify_third_fasteregister").await,
        1
    );
    let deliveries: i64 = sqlx::query_scalar(
        "SELECT deliveries FROM wechat_callbacks WHERE kind = 'notify_third_fasteregister'",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(deliveries, 3);
    let db = app.db.clone();
    wait_until("the unknown push to be marked ignored", || {
        let db = db.clone();
        async move {
            let outcome: String = sqlx::query_scalar(
                "SELECT outcome FROM wechat_callbacks WHERE kind = 'notify_third_fasteregister'",
            )
            .fetch_one(&db.pool)
            .await
            .unwrap();
            outcome == "ignored"
        }
    })
    .await;

    // A forged signature, a message for another platform, garbage: refused, nothing stored.
    let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM wechat_callbacks")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let encrypt = crypt.encrypt(xml, None).unwrap();
    let (status, _) = send_raw(&app, "/wechat/callback", &encrypt, &"0".repeat(40)).await;
    assert_eq!(status, 400);
    let other = MsgCrypt::new(
        SimConfig::demo().message_token,
        &SimConfig::demo().encoding_aes_key,
        "wx0000000000000000",
    )
    .unwrap();
    let (status, _) = push(&app, "/wechat/callback", xml, &other).await;
    assert_eq!(status, 400, "AppId inside the message is checked");
    let (status, _) = send_raw(&app, "/wechat/callback", "bm90IGFlcw==", "x").await;
    assert_eq!(status, 400);
    let res = client()
        .post(app.url("/wechat/callback"))
        .body("<xml/>")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400, "no signature parameters");
    let after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM wechat_callbacks")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(before, after);
}

#[tokio::test]
async fn the_url_check_echoes_only_with_a_valid_signature() {
    let app = spawn_app().await;
    let token = SimConfig::demo().message_token;
    let signature = wechat::crypto::sha1_signature([token.as_str(), "123", "456"]);
    let res = client()
        .get(app.url(&format!(
            "/wechat/callback?signature={signature}&timestamp=123&nonce=456&echostr=hello"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(res.text().await.unwrap(), "hello");
    let res = client()
        .get(app.url("/wechat/callback?signature=bad&timestamp=123&nonce=456&echostr=hello"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
}

#[tokio::test]
async fn the_simulators_ticket_push_reaches_the_token_center() {
    let app = spawn_app().await;
    // Demo seeding needed a component token, which needs a pushed ticket.
    assert!(count_callbacks(&app.db, "component_verify_ticket").await >= 1);
    let ticket = db::tokens::get(&app.db, "ticket").await.unwrap().unwrap();
    // At rest the ticket is sealed; it opens with the console's key.
    assert!(ticket.token.starts_with("v1:") && !ticket.token.contains("ticket@@@"));
    let secrets = app.state.platform().unwrap().tokens.secrets().clone();
    assert!(secrets
        .open(&ticket.token)
        .unwrap()
        .starts_with("ticket@@@"));
    for row in db::tokens::all(&app.db).await.unwrap() {
        assert!(
            row.token.is_empty() || row.token.starts_with("v1:"),
            "{} is stored in clear",
            row.key
        );
    }
    // Stored pushes keep the ticket sealed too.
    let payloads: Vec<String> = sqlx::query_scalar("SELECT payload FROM wechat_callbacks")
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
    assert!(payloads.iter().all(|p| !p.contains("ticket@@@")));
    assert!(ticket.expires_at - db::now() > 11 * 3600);
    let outcome: String = sqlx::query_scalar(
        "SELECT outcome FROM wechat_callbacks WHERE kind = 'component_verify_ticket' ORDER BY id LIMIT 1",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(outcome, "processed");
}

#[tokio::test]
async fn fifty_concurrent_callers_cause_exactly_one_refresh() {
    let app = spawn_app().await;
    let platform = app.state.platform().unwrap().clone();
    db::tokens::expire_if_current(
        &app.db,
        "component",
        &db::tokens::get(&app.db, "component")
            .await
            .unwrap()
            .unwrap()
            .token,
    )
    .await
    .unwrap();
    let before = sim_calls(&app, "/cgi-bin/component/api_component_token")
        .await
        .len();
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let p = platform.clone();
        tasks.push(tokio::spawn(async move {
            p.tokens.token(&TokenKey::Component).await
        }));
    }
    let mut tokens = Vec::new();
    for t in tasks {
        tokens.push(t.await.unwrap().expect("token"));
    }
    tokens.dedup();
    assert_eq!(tokens.len(), 1, "everyone got the same fresh token");
    let after = sim_calls(&app, "/cgi-bin/component/api_component_token")
        .await
        .len();
    assert_eq!(after - before, 1, "exactly one refresh");
}

/// Two console instances (two pools, two token centers with their own ids) on
/// one database refresh the same token concurrently: one refresh in total.
#[tokio::test]
async fn two_instances_on_one_database_refresh_once() {
    let app = spawn_app().await;
    let config = SimConfig::demo();
    let mut centers = Vec::new();
    for instance in ["instance-a", "instance-b"] {
        let db = Db::connect(&app.database_url, 10)
            .await
            .expect("second pool");
        let key = std::fs::read_to_string(app.dir.path().join("secret-key")).unwrap();
        use base64::Engine;
        let key = base64::engine::general_purpose::STANDARD
            .decode(key.trim())
            .unwrap();
        centers.push(Arc::new(TokenCenter::new(
            db,
            Client::new(app.sim_base.clone()),
            ComponentCredentials {
                component_appid: config.component_appid.clone(),
                component_secret: config.component_secret.clone().into(),
            },
            SecretBox::new(&key).unwrap(),
            instance.into(),
        )));
    }
    let appid = app::services::demo::demo_appid(0);
    let key = TokenKey::Authorizer(appid.clone());
    let name = key.storage_key();
    let stale = db::tokens::get(&app.db, &name)
        .await
        .unwrap()
        .unwrap()
        .token;
    db::tokens::expire_if_current(&app.db, &name, &stale)
        .await
        .unwrap();
    let path = "/cgi-bin/component/api_authorizer_token";
    let before = sim_calls(&app, path).await.len();
    let mut tasks = Vec::new();
    for i in 0..40 {
        let center = centers[i % 2].clone();
        let key = key.clone();
        tasks.push(tokio::spawn(async move { center.token(&key).await }));
    }
    let mut tokens = Vec::new();
    for t in tasks {
        tokens.push(t.await.unwrap().expect("token"));
    }
    tokens.sort();
    tokens.dedup();
    assert_eq!(tokens.len(), 1);
    assert_ne!(tokens[0], stale);
    assert_eq!(
        sim_calls(&app, path).await.len() - before,
        1,
        "exactly one refresh"
    );
}

#[tokio::test]
async fn a_token_wechat_rejects_is_expired_and_the_call_retried() {
    let app = spawn_app().await;
    let platform = app.state.platform().unwrap().clone();
    let appid = app::services::demo::demo_appid(1);
    // The simulator's clock jumps past the token's life; the console still trusts it.
    app.sim("/advance", json!({"seconds": 7300})).await;
    app.sim("/push-ticket", json!({})).await;
    let stored = db::tokens::get(&app.db, &TokenKey::Authorizer(appid.clone()).storage_key())
        .await
        .unwrap()
        .unwrap();
    assert!(stored.expires_at > db::now());
    let category = platform.client.get_category(&platform.ctx(&appid)).await;
    assert!(category.is_ok(), "{category:?}");
    let codes: Vec<i64> = sim_call_records(&app, "/wxa/get_category", &appid)
        .await
        .iter()
        .rev()
        .take(2)
        .rev()
        .cloned()
        .collect::<Vec<_>>()
        .iter()
        .map(|c| c["errcode"].as_i64().unwrap())
        .collect();
    assert_eq!(codes, vec![42001, 0]);
    let refreshed = db::tokens::get(&app.db, &TokenKey::Authorizer(appid).storage_key())
        .await
        .unwrap()
        .unwrap();
    assert_ne!(refreshed.token, stored.token);
}

#[tokio::test]
async fn a_revoked_refresh_token_marks_the_mini_program_for_reauthorization() {
    let app = spawn_app().await;
    let platform = app.state.platform().unwrap().clone();
    let appid = app::services::demo::demo_appid(2);
    app.sim("/revoke-refresh-token", json!({"appid": appid}))
        .await;
    let result = platform
        .tokens
        .force_refresh(&TokenKey::Authorizer(appid.clone()))
        .await;
    assert_eq!(result.unwrap_err().errcode(), Some(61023));
    let program = db::mini_programs::find(&app.db, &appid)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(program.status, AppStatus::NeedsReauthorization);
    let row = db::tokens::get(&app.db, &TokenKey::Authorizer(appid.clone()).storage_key())
        .await
        .unwrap()
        .unwrap();
    assert!(row.last_error.unwrap().starts_with("61023"));
    // The worker leaves it alone from now on.
    sqlx::query("UPDATE wechat_tokens SET expires_at = 0 WHERE key = $1")
        .bind(TokenKey::Authorizer(appid).storage_key())
        .execute(&app.db.pool)
        .await
        .unwrap();
    let before = sim_calls(&app, "/cgi-bin/component/api_authorizer_token")
        .await
        .len();
    platform.tokens.refresh_due().await;
    assert_eq!(
        sim_calls(&app, "/cgi-bin/component/api_authorizer_token")
            .await
            .len(),
        before
    );
}

#[tokio::test]
async fn the_worker_refreshes_tokens_ahead_of_expiry() {
    let app = spawn_app().await;
    let platform = app.state.platform().unwrap().clone();
    let name = TokenKey::Authorizer(app::services::demo::demo_appid(3)).storage_key();
    let before = db::tokens::get(&app.db, &name).await.unwrap().unwrap();
    // Ten minutes left: inside the 15-minute refresh window.
    sqlx::query("UPDATE wechat_tokens SET expires_at = $1 WHERE key = $2")
        .bind(db::now() + 600)
        .bind(&name)
        .execute(&app.db.pool)
        .await
        .unwrap();
    assert!(platform.tokens.refresh_due().await >= 1);
    let after = db::tokens::get(&app.db, &name).await.unwrap().unwrap();
    assert_ne!(after.token, before.token);
    assert_eq!(after.refresh_count, before.refresh_count + 1);
    assert!(after.expires_at - db::now() > 7000);

    // An authorized mini program whose token row is missing gets a token too.
    let missing = TokenKey::Authorizer(app::services::demo::demo_appid(7)).storage_key();
    db::tokens::delete(&app.db, &missing).await.unwrap();
    assert!(platform.tokens.refresh_due().await >= 1);
    let fresh = db::tokens::get(&app.db, &missing).await.unwrap().unwrap();
    assert!(fresh.expires_at - db::now() > 7000);
}

#[tokio::test]
async fn the_owner_authorizes_through_the_simulator_page() {
    let app = spawn_app().await;
    let admin = admin(&app.db).await;
    let merchant = db::merchants::find_by_name(&app.db, "云途出行")
        .await
        .unwrap()
        .unwrap();
    let started =
        authorization::start(&app.state, &admin, Some(merchant), Some(SubjectType::Media))
            .await
            .expect("start");
    assert_eq!(started.status, "pending");
    assert!(started.qr_svg.starts_with("<?xml") || started.qr_svg.contains("<svg"));
    assert!(started
        .link
        .starts_with(&format!("{}/cgi-bin/componentloginpage?", app.sim_base)));

    // The browser of the admin who started it: the link shows the confirmation page …
    let browser = app.signed_in(ADMIN).await;
    let page = browser.get(&started.link).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    let hidden = |name: &str| {
        html.split(&format!("name=\"{name}\" value=\""))
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap()
            .replace("&amp;", "&")
    };
    let pre_auth_code = hidden("pre_auth_code");
    let redirect_uri = hidden("redirect_uri");
    // The redirect carries an unguessable state value, not the request id. It names the
    // console by its public address (WXA_PUBLIC_URL), which the test server does not listen
    // on: the browser below is sent to the test server instead.
    let public_url = app
        .state
        .platform
        .as_ref()
        .expect("platform")
        .public_url
        .trim_end_matches('/')
        .to_owned();
    assert!(redirect_uri.starts_with(&format!("{public_url}/wechat/authorized?state=")));
    assert!(!redirect_uri.contains("request="));
    // … confirming sends it back to the console with an auth_code.
    let confirm = browser
        .post(format!("{}/cgi-bin/componentloginpage", app.sim_base))
        .form(&[
            (
                "component_appid",
                SimConfig::demo().component_appid.as_str(),
            ),
            ("pre_auth_code", pre_auth_code.as_str()),
            ("redirect_uri", redirect_uri.as_str()),
            ("appid", ""),
            ("nick_name", "云途出行新站"),
            ("principal_name", "云途出行（上海）有限公司"),
            ("category", "321:323"),
        ])
        .send()
        .await
        .unwrap();
    assert!(confirm.status().is_redirection());
    let back = confirm.headers()["location"].to_str().unwrap().to_owned();
    assert!(back.starts_with(&format!("{public_url}/wechat/authorized?state=")));
    let back = back.replacen(&public_url, &app.base, 1);
    let landing = browser.get(&back).send().await.unwrap();
    assert_eq!(landing.status(), 200);
    let landing = landing.text().await.unwrap();
    // The landing changes nothing; it continues same-site, where the session cookie goes.
    let finish = landing
        .split("url=")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .replace("&amp;", "&");
    assert!(finish.starts_with("/wechat/authorized/finish?state="));
    let done = browser.get(app.url(&finish)).send().await.unwrap();
    assert!(done.status().is_redirection());
    assert_eq!(
        done.headers()["location"].to_str().unwrap(),
        format!("/apps/authorize?request={}", started.id)
    );

    let view = authorization::view(&app.state, &admin, started.id)
        .await
        .unwrap();
    assert_eq!(view.status, "completed");
    let appid = view.appid.expect("appid");
    let program = db::mini_programs::find(&app.db, &appid)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(program.nick_name, "云途出行新站");
    assert_eq!(program.merchant_id, Some(merchant));
    assert_eq!(program.subject, SubjectType::Media);
    assert_eq!(program.status, AppStatus::Authorized);
    // The refresh token is stored encrypted, the access token is ready.
    let stored = db::authorizations::get(&app.db, &appid)
        .await
        .unwrap()
        .unwrap();
    assert!(stored.refresh_token_enc.starts_with("v1:"));
    assert!(!stored.refresh_token_enc.contains("sim_rt_"));
    let token = db::tokens::get(&app.db, &TokenKey::Authorizer(appid.clone()).storage_key())
        .await
        .unwrap()
        .unwrap();
    assert!(token.expires_at > db::now() + 7000);
    // The authorized push arrives too and finds the work done.
    let db = app.db.clone();
    let appid_for_wait = appid.clone();
    wait_until("the authorized push", || {
        let db = db.clone();
        let appid = appid_for_wait.clone();
        async move {
            let outcome: Option<String> = sqlx::query_scalar(
                "SELECT outcome FROM wechat_callbacks WHERE kind = 'authorized' AND appid = $1",
            )
            .bind(appid)
            .fetch_optional(&db.pool)
            .await
            .unwrap();
            outcome.as_deref() == Some("processed")
        }
    })
    .await;
    // A second visit (a reload) exchanges nothing: the request is done.
    let exchanges = sim_calls(&app, "/cgi-bin/component/api_query_auth")
        .await
        .len();
    let again = browser.get(&back).send().await.unwrap();
    assert_eq!(again.status(), 200);
    let again = browser.get(app.url(&finish)).send().await.unwrap();
    assert!(again.status().is_redirection());
    assert_eq!(
        sim_calls(&app, "/cgi-bin/component/api_query_auth")
            .await
            .len(),
        exchanges
    );
    assert_eq!(
        authorization::view(&app.state, &admin, started.id)
            .await
            .unwrap()
            .status,
        "completed"
    );
}

#[tokio::test]
async fn an_unauthorized_push_drops_the_tokens() {
    let app = spawn_app().await;
    let appid = app::services::demo::demo_appid(4);
    app.sim("/unauthorize", json!({"appid": appid})).await;
    let db = app.db.clone();
    let watched = appid.clone();
    wait_until("the unauthorized push", || {
        let db = db.clone();
        let appid = watched.clone();
        async move {
            db::mini_programs::find(&db, &appid)
                .await
                .unwrap()
                .is_some_and(|p| p.status == AppStatus::Unauthorized)
        }
    })
    .await;
    assert!(db::authorizations::get(&app.db, &appid)
        .await
        .unwrap()
        .is_none());
    assert!(
        db::tokens::get(&app.db, &TokenKey::Authorizer(appid).storage_key())
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn a_failed_push_can_be_replayed() {
    let app = spawn_app().await;
    let admin = admin(&app.db).await;
    // An audit result for a mini program the console does not know: processing fails.
    let xml = "<xml><ToUserName><![CDATA[gh_000000000000]]></ToUserName><CreateTime>1700000001</CreateTime>\
               <MsgType><![CDATA[event]]></MsgType><Event><![CDATA[weapp_audit_success]]></Event>\
               <SuccTime>1700000001</SuccTime></xml>";
    let (status, _) = push(&app, "/wechat/callback", xml, &sim_crypt()).await;
    assert_eq!(status, 200);
    let id: i64 = sqlx::query_scalar(
        "SELECT id FROM wechat_callbacks WHERE kind = 'weapp_audit_success' AND payload LIKE '%gh_000000000000%'",
    )
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let db = app.db.clone();
    wait_until("processing", || {
        let db = db.clone();
        async move {
            let o: String =
                sqlx::query_scalar("SELECT outcome FROM wechat_callbacks WHERE id = $1")
                    .bind(id)
                    .fetch_one(&db.pool)
                    .await
                    .unwrap();
            o == "failed"
        }
    })
    .await;
    // Once the console knows whose gh_ id that is, a replay succeeds.
    let appid = app::services::demo::demo_appid(6);
    sqlx::query("UPDATE wechat_callbacks SET appid = $1 WHERE id = $2")
        .bind(&appid)
        .bind(id)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let detail = callbacks::replay(&app.state, &admin, id).await.unwrap();
    assert_eq!(detail.row.outcome, "processed");
    assert_eq!(detail.row.attempts, 2);
    assert!(detail.payload.contains("weapp_audit_success"));
}

#[tokio::test]
async fn a_push_stored_before_a_crash_is_processed_later() {
    let app = spawn_app().await;
    // Stored, then the process "stopped" before processing it.
    let xml =
        "<xml><AppId><![CDATA[wx5ac1a7a7c0de0001]]></AppId><CreateTime>1700000123</CreateTime>\
               <InfoType><![CDATA[component_verify_ticket]]></InfoType>\
               <ComponentVerifyTicket><![CDATA[ticket@@@left-over]]></ComponentVerifyTicket></xml>";
    let id = callbacks::store(&app.state, None, xml)
        .await
        .unwrap()
        .expect("new push");
    sqlx::query("UPDATE wechat_callbacks SET received_at = received_at - 120 WHERE id = $1")
        .bind(id)
        .execute(&app.db.pool)
        .await
        .unwrap();
    assert!(callbacks::process_stuck(&app.state).await >= 1);
    let outcome: String = sqlx::query_scalar("SELECT outcome FROM wechat_callbacks WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(outcome, "processed");
    let ticket = db::tokens::get(&app.db, "ticket").await.unwrap().unwrap();
    let secrets = app.state.platform().unwrap().tokens.secrets().clone();
    assert_eq!(secrets.open(&ticket.token).unwrap(), "ticket@@@left-over");
    // Nothing is processed twice.
    assert_eq!(callbacks::process_stuck(&app.state).await, 0);
}
