//! What WeChat (or the simulator) calls on the console:
//! * `<callback path>` — authorization events and tickets (授权事件接收 URL);
//! * `<callback path>/{appid}` — messages and events of one mini program (消息与事件接收 URL);
//! * `/wechat/authorized` — where the owner's browser lands after confirming.
//!
//! A push is checked (signature in constant time, AppId inside the message),
//! stored once, answered `success` at once, and processed in the background,
//! well inside WeChat's 5 seconds.

use app::services::{authorization, callbacks, AppState};
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
pub struct CallbackParams {
    timestamp: Option<String>,
    nonce: Option<String>,
    msg_signature: Option<String>,
    signature: Option<String>,
    echostr: Option<String>,
}

pub fn routes(state: AppState, callback_path: &str) -> Router<leptos::prelude::LeptosOptions> {
    Router::new()
        .route(callback_path, get(verify_url).post(receive_component))
        .route(
            &format!("{callback_path}/{{appid}}"),
            get(verify_url).post(receive_message),
        )
        .route("/wechat/authorized", get(authorized))
        .with_state(state)
}

fn rejected(why: &'static str) -> Response {
    (StatusCode::BAD_REQUEST, why).into_response()
}

/// WeChat's URL check when the callback URL is configured: echo `echostr` if
/// the plain signature (token, timestamp, nonce) matches.
async fn verify_url(State(state): State<AppState>, Query(p): Query<CallbackParams>) -> Response {
    let Ok(platform) = state.platform() else {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    };
    let (Some(signature), Some(timestamp), Some(nonce), Some(echostr)) =
        (p.signature, p.timestamp, p.nonce, p.echostr)
    else {
        return rejected("missing signature, timestamp, nonce or echostr");
    };
    if platform
        .crypt
        .verify_plain_signature(&signature, &timestamp, &nonce)
    {
        echostr.into_response()
    } else {
        tracing::warn!("callback URL check with a bad signature");
        rejected("signature mismatch")
    }
}

async fn receive_component(
    State(state): State<AppState>,
    Query(p): Query<CallbackParams>,
    body: String,
) -> Response {
    receive(state, None, p, body).await
}

async fn receive_message(
    State(state): State<AppState>,
    Path(appid): Path<String>,
    Query(p): Query<CallbackParams>,
    body: String,
) -> Response {
    if !wechat::is_valid_appid(&appid) {
        return rejected("not an AppID");
    }
    receive(state, Some(appid), p, body).await
}

async fn receive(
    state: AppState,
    url_appid: Option<String>,
    p: CallbackParams,
    body: String,
) -> Response {
    let Ok(platform) = state.platform() else {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    };
    let (Some(msg_signature), Some(timestamp), Some(nonce)) =
        (p.msg_signature, p.timestamp, p.nonce)
    else {
        tracing::warn!("push without msg_signature, timestamp or nonce refused");
        return rejected("missing msg_signature, timestamp or nonce");
    };
    let plaintext = match platform
        .crypt
        .decrypt_message(&msg_signature, &timestamp, &nonce, &body)
    {
        Ok(text) => text,
        Err(e) => {
            tracing::warn!(error = %e, appid = ?url_appid, "push refused");
            return rejected("message could not be verified");
        }
    };
    match callbacks::store(&state, url_appid.as_deref(), &plaintext).await {
        Ok(Some(id)) => {
            let worker = state.clone();
            tokio::spawn(async move {
                if let Err(e) = callbacks::process_new(&worker, id).await {
                    tracing::warn!(error = %e, id, "push processing failed");
                }
            });
            "success".into_response()
        }
        // A retry of a push already stored: acknowledge, do nothing.
        Ok(None) => "success".into_response(),
        // Not stored: let WeChat retry.
        Err(_) => StatusCode::SERVICE_UNAVAILABLE.into_response(),
    }
}

#[derive(Debug, Deserialize)]
pub struct AuthorizedParams {
    request: Option<i64>,
    auth_code: Option<String>,
}

/// The owner confirmed; WeChat sends the browser here with `auth_code`.
/// Session cookies are SameSite=Strict and so absent on this cross-site
/// arrival: finish the exchange, then continue with a same-site navigation.
async fn authorized(State(state): State<AppState>, Query(p): Query<AuthorizedParams>) -> Response {
    let (Some(request), Some(code)) = (p.request, p.auth_code.filter(|c| !c.is_empty())) else {
        return rejected("missing request or auth_code");
    };
    if code.len() > 512 {
        return rejected("auth_code too long");
    }
    if let Err(e) = authorization::complete_from_redirect(&state, request, &code).await {
        tracing::warn!(error = %e, request, "authorization redirect could not complete");
    }
    let next = format!("/apps/authorize?request={request}");
    (
        [(header::CACHE_CONTROL, "no-store")],
        Html(format!(
            "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
             <meta http-equiv=\"refresh\" content=\"0;url={next}\"><title>授权完成</title></head>\
             <body><p>授权已提交，正在返回控制台… / Authorization received, returning to the console…</p>\
             <p><a href=\"{next}\">继续 / Continue</a></p></body></html>"
        )),
    )
        .into_response()
}
