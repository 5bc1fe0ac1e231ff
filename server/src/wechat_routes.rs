//! What WeChat (or the simulator) calls on the console:
//! * `<callback path>` — authorization events and tickets (授权事件接收 URL);
//! * `<callback path>/{appid}` — messages and events of one mini program (消息与事件接收 URL);
//! * `/wechat/authorized` — where the owner's browser lands after confirming, and
//!   `/wechat/authorized/finish`, its same-site continuation (see `authorized`).
//!
//! A push is checked (signature in constant time, AppId inside the message),
//! stored once, answered `success` at once, and processed in the background,
//! well inside WeChat's 5 seconds.

use app::components::url::encode;
use app::error::AppError;
use app::services::authorization::{self, Landing};
use app::services::{auth, callbacks, AppState};
use axum::extract::{ConnectInfo, DefaultBodyLimit, Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use serde::Deserialize;
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use tower_sessions::Session;

#[derive(Debug, Default, Deserialize)]
pub struct CallbackParams {
    timestamp: Option<String>,
    nonce: Option<String>,
    msg_signature: Option<String>,
    signature: Option<String>,
    echostr: Option<String>,
}

/// WeChat's pushes are a few hundred bytes of encrypted XML; anything near this size is not
/// one of them and is refused (413) before it is read whole, verified or decrypted.
pub const MAX_PUSH_BYTES: usize = 64 * 1024;

pub fn routes(state: AppState, callback_path: &str) -> Router<leptos::prelude::LeptosOptions> {
    let pushes = Router::new()
        .route(callback_path, get(verify_url).post(receive_component))
        .route(
            &format!("{callback_path}/{{appid}}"),
            get(verify_url).post(receive_message),
        )
        .layer(DefaultBodyLimit::max(MAX_PUSH_BYTES));
    let landings = Router::new()
        .route("/wechat/authorized", get(authorized))
        .route("/wechat/authorized/finish", get(authorized_finish))
        .with_state(LandingCtx {
            state: state.clone(),
            limiter: LandingLimiter::new(),
        });
    Router::new()
        .merge(pushes)
        .with_state(state)
        .merge(landings)
}

/// What the landing pages share: the app and one limiter for both steps.
#[derive(Clone)]
pub struct LandingCtx {
    state: AppState,
    limiter: LandingLimiter,
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
    state: Option<String>,
    auth_code: Option<String>,
}

/// How many landings (`/wechat/authorized…`) one address may make: a person makes a few.
fn landing_quota() -> Quota {
    const PER_MINUTE: NonZeroU32 = match NonZeroU32::new(20) {
        Some(n) => n,
        None => NonZeroU32::MIN,
    };
    const BURST: NonZeroU32 = match NonZeroU32::new(10) {
        Some(n) => n,
        None => NonZeroU32::MIN,
    };
    Quota::per_minute(PER_MINUTE).allow_burst(BURST)
}

/// Per-address limiter for the unauthenticated landing pages.
#[derive(Clone)]
pub struct LandingLimiter(Arc<DefaultKeyedRateLimiter<IpAddr>>);

impl LandingLimiter {
    pub fn new() -> Self {
        Self(Arc::new(RateLimiter::keyed(landing_quota())))
    }

    fn allows(&self, ip: IpAddr) -> bool {
        // Addresses that have been quiet long enough are forgotten, so memory stays bounded.
        if self.0.len() > 10_000 {
            self.0.retain_recent();
        }
        self.0.check_key(&ip).is_ok()
    }
}

impl Default for LandingLimiter {
    fn default() -> Self {
        Self::new()
    }
}

fn client_ip(state: &AppState, headers: &HeaderMap, peer: SocketAddr) -> IpAddr {
    if state.settings.trust_forwarded_for {
        if let Some(ip) = headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .and_then(|v| v.trim().parse().ok())
        {
            return ip;
        }
    }
    peer.ip()
}

/// An authorization code as WeChat issues them: visible ASCII, bounded.
fn plausible_auth_code(code: &str) -> bool {
    !code.is_empty() && code.len() <= 512 && code.bytes().all(|b| (0x21..0x7f).contains(&b))
}

fn landing_page(status: StatusCode, body: &str, next: Option<&str>) -> Response {
    let refresh = next
        .map(|n| format!("<meta http-equiv=\"refresh\" content=\"0;url={n}\">"))
        .unwrap_or_default();
    let link = next
        .map(|n| format!("<p><a href=\"{n}\">继续 / Continue</a></p>"))
        .unwrap_or_default();
    (
        status,
        [(header::CACHE_CONTROL, "no-store")],
        Html(format!(
            "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">{refresh}\
             <title>授权 / Authorization</title></head><body><p>{body}</p>{link}</body></html>"
        )),
    )
        .into_response()
}

fn too_many() -> Response {
    (
        StatusCode::TOO_MANY_REQUESTS,
        [
            (header::RETRY_AFTER, "60"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        "too many requests / 请求过于频繁",
    )
        .into_response()
}

const UNKNOWN_LINK: &str =
    "该授权链接无效或已使用。/ This authorization link is not valid or was already used.";

/// Both landings: the per-address limit first, then a state and a plausible auth_code.
fn admit_landing(
    ctx: &LandingCtx,
    peer: SocketAddr,
    headers: &HeaderMap,
    p: AuthorizedParams,
) -> Result<(String, String), Box<Response>> {
    if !ctx.limiter.allows(client_ip(&ctx.state, headers, peer)) {
        return Err(Box::new(too_many()));
    }
    match (p.state, p.auth_code.filter(|c| plausible_auth_code(c))) {
        (Some(state_token), Some(code)) => Ok((state_token, code)),
        _ => Err(Box::new(rejected("missing state or auth_code"))),
    }
}

/// The owner confirmed; WeChat sends the browser here with `auth_code`. Session cookies
/// are SameSite=Strict and so absent on this cross-site arrival: only check that the state
/// names a request (nothing is changed, WeChat is not called), then continue with a
/// same-site navigation that carries the session, if this browser has one.
async fn authorized(
    State(ctx): State<LandingCtx>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Query(p): Query<AuthorizedParams>,
) -> Response {
    let (state_token, code) = match admit_landing(&ctx, peer, &headers, p) {
        Ok(params) => params,
        Err(refusal) => return *refusal,
    };
    if authorization::request_for_state(&ctx.state, &state_token)
        .await
        .is_err()
    {
        return landing_page(StatusCode::NOT_FOUND, UNKNOWN_LINK, None);
    }
    let next = format!(
        "/wechat/authorized/finish?state={}&amp;auth_code={}",
        encode(&state_token),
        encode(&code)
    );
    landing_page(
        StatusCode::OK,
        "授权已提交，正在返回控制台… / Authorization received, returning to the console…",
        Some(&next),
    )
}

/// The same-site continuation: the user who started the request exchanges the code now;
/// any other browser is told the console finishes when WeChat's push arrives.
async fn authorized_finish(
    State(ctx): State<LandingCtx>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    session: Session,
    Query(p): Query<AuthorizedParams>,
) -> Response {
    let (state_token, code) = match admit_landing(&ctx, peer, &headers, p) {
        Ok(params) => params,
        Err(refusal) => return *refusal,
    };
    let user = auth::current_user(&ctx.state, &session)
        .await
        .ok()
        .flatten();
    match authorization::complete_from_redirect(&ctx.state, &state_token, &code, user.as_ref())
        .await
    {
        Ok(Landing::Completed { request_id }) if user.is_some() => {
            Redirect::to(&format!("/apps/authorize?request={request_id}")).into_response()
        }
        Ok(_) => landing_page(
            StatusCode::OK,
            "授权已提交。控制台收到微信的授权通知后即完成添加，您可以关闭此页面。/ \
             Authorization received. The console completes it when WeChat's notification \
             arrives; you may close this page.",
            None,
        ),
        Err(AppError::NotFound) => landing_page(StatusCode::NOT_FOUND, UNKNOWN_LINK, None),
        Err(e) => {
            tracing::warn!(error = %e, "authorization redirect could not complete");
            landing_page(
                StatusCode::BAD_GATEWAY,
                "授权未能完成，请重新生成授权链接。/ The authorization could not be completed; \
                 please create a new link.",
                user.is_some().then_some("/apps/authorize"),
            )
        }
    }
}
