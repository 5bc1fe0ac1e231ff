//! Contract tests: the client against the simulator for the platform basics,
//! the retry policy, the authorization page and push delivery.

mod common;

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{errcode, Harness};
use serde_json::json;
use wechat::api::component::{
    authorization_link, AuthorizerInfoRequest, AuthorizerTokenRequest, ComponentTokenRequest,
    QueryAuthRequest,
};
use wechat::crypto::MsgCrypt;
use wechat::events::Push;
use wechat::simulator::{SimConfig, Targets};
use wechat::Error;

#[tokio::test]
async fn component_token_needs_a_pushed_ticket_and_the_right_secret() {
    let h = Harness::start().await;
    let config = h.sim.config().clone();
    let ticket = h.sim.snapshot().tickets[0].0.clone();
    let ok = h
        .client
        .component_token(&ComponentTokenRequest {
            component_appid: config.component_appid.clone(),
            component_appsecret: config.component_secret.clone(),
            component_verify_ticket: ticket.clone(),
        })
        .await
        .unwrap();
    assert_eq!(ok.expires_in, 7200);
    assert!(!ok.component_access_token.is_empty());

    let bad_ticket = h
        .client
        .component_token(&ComponentTokenRequest {
            component_appid: config.component_appid.clone(),
            component_appsecret: config.component_secret.clone(),
            component_verify_ticket: "ticket@@@forged".into(),
        })
        .await;
    assert_eq!(errcode(bad_ticket), 61006);

    let bad_secret = h
        .client
        .component_token(&ComponentTokenRequest {
            component_appid: config.component_appid.clone(),
            component_appsecret: "wrong".into(),
            component_verify_ticket: ticket.clone(),
        })
        .await;
    // Issue 15 (7): WeChat's "invalid appsecret".
    assert_eq!(errcode(bad_secret), 40125);
    let bad_appid = h
        .client
        .component_token(&ComponentTokenRequest {
            component_appid: "wx0000000000000000".into(),
            component_appsecret: config.component_secret.clone(),
            component_verify_ticket: ticket.clone(),
        })
        .await;
    assert_eq!(errcode(bad_appid), 61011);

    // Tickets live 12 hours.
    h.advance(12 * 3600 + 1).await;
    let expired = h
        .client
        .component_token(&ComponentTokenRequest {
            component_appid: config.component_appid,
            component_appsecret: config.component_secret,
            component_verify_ticket: ticket,
        })
        .await;
    assert_eq!(errcode(expired), 61005);
}

#[tokio::test]
async fn authorization_round_trip_gives_tokens_and_info() {
    let h = Harness::start().await;
    let appid = h.authorize("星辰咖啡点单").await;
    assert!(wechat::is_valid_appid(&appid), "{appid}");
    let info = h
        .client
        .authorizer_info(
            &h.component_ctx(),
            &AuthorizerInfoRequest {
                component_appid: h.component_appid(),
                authorizer_appid: appid.clone(),
            },
        )
        .await
        .unwrap();
    assert_eq!(info.authorizer_info.nick_name, "星辰咖啡点单");
    assert!(info.authorizer_info.user_name.starts_with("gh_"));
    let categories = info.authorizer_info.mini_program_info.unwrap().categories;
    assert_eq!(categories[0].first, "餐饮");
    assert!(!info.authorization_info.func_info.is_empty());

    // The authorized event was queued for the console.
    let pushes = h.control_get("/pushes").await;
    let pending = pushes["pending"].as_array().unwrap();
    assert!(pending.iter().any(|p| p["xml"]
        .as_str()
        .unwrap()
        .contains("<InfoType><![CDATA[authorized]]>")));
}

#[tokio::test]
async fn authorization_codes_are_single_use_and_expire() {
    let h = Harness::start().await;
    let pre = h
        .client
        .create_preauthcode(&h.component_ctx(), &h.component_appid())
        .await
        .unwrap();
    let confirmed = h
        .control(
            "/authorize",
            json!({"pre_auth_code": pre.pre_auth_code, "nick_name": "A", "principal_name": "B"}),
        )
        .await;
    let code = confirmed["auth_code"].as_str().unwrap().to_owned();
    // The same pre-auth code cannot be confirmed twice.
    let again = h
        .control(
            "/authorize",
            json!({"pre_auth_code": pre.pre_auth_code, "nick_name": "A", "principal_name": "B"}),
        )
        .await;
    assert_eq!(again["errcode"], 61009);

    h.advance(3601).await;
    let expired = h
        .client
        .query_auth(
            &h.component_ctx(),
            &QueryAuthRequest {
                component_appid: h.component_appid(),
                authorization_code: code,
            },
        )
        .await;
    assert_eq!(errcode(expired), 61010);

    let invalid = h
        .client
        .query_auth(
            &h.component_ctx(),
            &QueryAuthRequest {
                component_appid: h.component_appid(),
                authorization_code: "queryauthcode@@@nope".into(),
            },
        )
        .await;
    assert_eq!(errcode(invalid), 61009);
}

#[tokio::test]
async fn revoked_refresh_token_is_61023_and_unauthorized_is_61003() {
    let h = Harness::start().await;
    let appid = h.authorize("青禾生鲜商城").await;
    let refresh = h.tokens.refresh_tokens.lock().unwrap()[&appid].clone();
    h.control("/revoke-refresh-token", json!({"appid": appid}))
        .await;
    let refreshed = h
        .client
        .authorizer_token(
            &h.component_ctx(),
            &AuthorizerTokenRequest {
                component_appid: h.component_appid(),
                authorizer_appid: appid.clone(),
                authorizer_refresh_token: refresh,
            },
        )
        .await;
    assert_eq!(errcode(refreshed), 61023);

    let other = h.authorize("云途出行").await;
    h.control("/unauthorize", json!({"appid": other})).await;
    let info = h
        .client
        .authorizer_info(
            &h.component_ctx(),
            &AuthorizerInfoRequest {
                component_appid: h.component_appid(),
                authorizer_appid: other,
            },
        )
        .await;
    assert_eq!(errcode(info), 61003);
}

#[tokio::test]
async fn stale_token_is_expired_and_the_call_retried_once() {
    let h = Harness::start().await;
    // Get a component token, then let it expire on the simulated clock.
    h.client
        .create_preauthcode(&h.component_ctx(), &h.component_appid())
        .await
        .unwrap();
    let refreshes_before = h.tokens.refreshes.load(Ordering::SeqCst);
    // Keep the ticket valid: push a fresh one after the jump.
    h.advance(7201).await;
    h.sim.push_ticket();
    h.client
        .create_preauthcode(&h.component_ctx(), &h.component_appid())
        .await
        .unwrap();
    assert_eq!(
        h.tokens.refreshes.load(Ordering::SeqCst),
        refreshes_before + 1
    );
    let calls = h.calls("/cgi-bin/component/api_create_preauthcode").await;
    let codes: Vec<i64> = calls
        .iter()
        .map(|c| c["errcode"].as_i64().unwrap())
        .collect();
    assert_eq!(codes, vec![0, 42001, 0]);
}

#[tokio::test]
async fn a_token_rejected_twice_is_not_retried_forever() {
    let h = Harness::start().await;
    let path = "/cgi-bin/component/api_create_preauthcode";
    h.fault(
        path,
        json!({"fault": "errcode", "errcode": 40001, "errmsg": "invalid credential"}),
        5,
    )
    .await;
    let result = h
        .client
        .create_preauthcode(&h.component_ctx(), &h.component_appid())
        .await;
    assert_eq!(errcode(result), 40001);
    assert_eq!(h.calls(path).await.len(), 2, "one retry with a fresh token");
}

#[tokio::test]
async fn busy_is_retried_with_backoff_then_given_up() {
    let h = Harness::start().await;
    let path = "/cgi-bin/component/api_create_preauthcode";
    h.fault(path, json!({"fault": "busy"}), 2).await;
    h.client
        .create_preauthcode(&h.component_ctx(), &h.component_appid())
        .await
        .unwrap();
    let codes: Vec<i64> = h
        .calls(path)
        .await
        .iter()
        .map(|c| c["errcode"].as_i64().unwrap())
        .collect();
    assert_eq!(codes, vec![-1, -1, 0]);

    h.control_delete("/calls").await;
    h.fault(path, json!({"fault": "busy"}), 10).await;
    let result = h
        .client
        .create_preauthcode(&h.component_ctx(), &h.component_appid())
        .await;
    assert_eq!(errcode(result), -1);
    assert_eq!(h.calls(path).await.len(), 4, "first try + 3 retries");
}

#[tokio::test]
async fn a_write_without_answer_is_outcome_unknown_and_not_repeated() {
    let h = Harness::start().await;
    let path = "/cgi-bin/component/api_create_preauthcode";
    // Warm the component token so only the write is timed.
    h.client
        .create_preauthcode(&h.component_ctx(), &h.component_appid())
        .await
        .unwrap();
    h.control_delete("/calls").await;
    h.fault(path, json!({"fault": "delay", "ms": 2500}), 1)
        .await;
    let result = h
        .client
        .create_preauthcode(&h.component_ctx(), &h.component_appid())
        .await;
    assert!(
        matches!(result, Err(Error::OutcomeUnknown(_))),
        "{result:?}"
    );
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(h.calls(path).await.len(), 1, "the write is not repeated");
}

#[tokio::test]
async fn a_read_without_answer_is_retried() {
    let h = Harness::start().await;
    let appid = h.authorize("重试读取").await;
    let path = "/cgi-bin/component/api_get_authorizer_info";
    h.fault(path, json!({"fault": "delay", "ms": 2500}), 1)
        .await;
    let info = h
        .client
        .authorizer_info(
            &h.component_ctx(),
            &AuthorizerInfoRequest {
                component_appid: h.component_appid(),
                authorizer_appid: appid,
            },
        )
        .await;
    assert!(info.is_ok(), "{info:?}");
}

#[tokio::test]
async fn the_authorization_page_confirms_and_redirects_with_the_code() {
    let h = Harness::start().await;
    let pre = h
        .client
        .create_preauthcode(&h.component_ctx(), &h.component_appid())
        .await
        .unwrap();
    let link = authorization_link(
        &format!("{}/cgi-bin/componentloginpage", h.base),
        &h.component_appid(),
        &pre.pre_auth_code,
        "http://127.0.0.1:9/wechat/authorized?request=3",
    );
    let page = h.http.get(&link).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("data-testid=\"sim-auth-confirm\""));

    let confirm = h
        .http
        .post(format!("{}/cgi-bin/componentloginpage", h.base))
        .form(&[
            ("component_appid", h.component_appid().as_str()),
            ("pre_auth_code", pre.pre_auth_code.as_str()),
            (
                "redirect_uri",
                "http://127.0.0.1:9/wechat/authorized?request=3",
            ),
            ("appid", ""),
            ("nick_name", "扫码授权的小程序"),
            ("principal_name", "模拟科技有限公司"),
            ("category", "304:305"),
        ])
        .send()
        .await
        .unwrap();
    assert!(confirm.status().is_redirection());
    let location = confirm.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with("http://127.0.0.1:9/wechat/authorized?request=3&auth_code="));
    // The documented lifetime of the authorization code (600 s).
    assert!(location.ends_with("&expires_in=600"), "{location}");

    // A used link shows an error instead of the form.
    let reused = h.http.get(&link).send().await.unwrap();
    assert_eq!(reused.status(), 400);
}

/// A console stand-in that fails the first delivery, then answers `success`.
#[tokio::test]
async fn pushes_are_encrypted_signed_and_retried_until_success() {
    let mut config = SimConfig::demo();
    config.push_retry_interval = Duration::from_millis(100);
    let h = Harness::start_with(config.clone()).await;
    let received: Arc<Mutex<Vec<String>>> = Arc::default();
    let seen = received.clone();
    let crypt = MsgCrypt::new(
        config.message_token.clone(),
        &config.encoding_aes_key,
        config.component_appid.clone(),
    )
    .unwrap();
    let app = axum::Router::new().route(
        "/wechat/callback",
        axum::routing::post(
            move |axum::extract::Query(q): axum::extract::Query<
                std::collections::HashMap<String, String>,
            >,
                  body: String| {
                let seen = seen.clone();
                let crypt = crypt.clone();
                async move {
                    let plain = crypt
                        .decrypt_message(&q["msg_signature"], &q["timestamp"], &q["nonce"], &body)
                        .expect("valid push");
                    assert_eq!(q["encrypt_type"], "aes");
                    let mut seen = seen.lock().unwrap();
                    seen.push(plain);
                    if seen.len() == 1 {
                        "not yet"
                    } else {
                        "success"
                    }
                }
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/wechat/callback", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    h.sim.set_targets(Targets {
        component_url: Some(url),
        message_url: None,
    });
    // The harness pushed one ticket at start; deliver it (fails once, then succeeds).
    for _ in 0..20 {
        h.sim.deliver_due().await;
        if received.lock().unwrap().len() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(60)).await;
    }
    let got = received.lock().unwrap().clone();
    assert_eq!(got.len(), 2, "first attempt refused, second accepted");
    assert_eq!(got[0], got[1], "a retry carries the same message");
    let push = Push::parse(&got[0]).unwrap();
    assert_eq!(push.kind, "component_verify_ticket");
    assert!(push
        .field("ComponentVerifyTicket")
        .unwrap()
        .starts_with("ticket@@@"));
    assert!(h.sim.snapshot().outbox.is_empty());
}

#[tokio::test]
async fn state_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = SimConfig::demo();
    config.state_file = Some(dir.path().join("sim.json"));
    let appid = {
        let h = Harness::start_with(config.clone()).await;
        h.authorize("重启后仍在").await
    };
    let again = Harness::start_with(config).await;
    let state = again.sim.snapshot();
    assert!(state.authorizers.contains_key(&appid));
    assert!(state.authorizers[&appid].authorized);
}

/// Issue 15 (7): the authorization code lives the documented 10 minutes, and
/// the `authorized` push says when it expires.
#[tokio::test]
async fn the_authorization_code_lives_ten_minutes() {
    let h = Harness::start().await;
    let exchange = |code: String| {
        let h = &h;
        async move {
            h.client
                .query_auth(
                    &h.component_ctx(),
                    &QueryAuthRequest {
                        component_appid: h.component_appid(),
                        authorization_code: code,
                    },
                )
                .await
        }
    };
    let confirm = || async {
        let pre = h
            .client
            .create_preauthcode(&h.component_ctx(), &h.component_appid())
            .await
            .unwrap();
        let confirmed = h
            .control(
                "/authorize",
                json!({"pre_auth_code": pre.pre_auth_code, "nick_name": "A", "principal_name": "B"}),
            )
            .await;
        confirmed["auth_code"].as_str().unwrap().to_owned()
    };
    let late = confirm().await;
    h.advance(601).await;
    assert_eq!(errcode(exchange(late).await), 61010);

    let in_time = confirm().await;
    h.advance(590).await;
    exchange(in_time).await.unwrap();
}
