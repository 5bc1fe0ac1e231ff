//! "Add mini program": pre-auth code → authorization link (and its QR code) →
//! the owner confirms → api_query_auth → refresh token stored encrypted →
//! authorizer info → the mini program joins the registry under its merchant.
//! The redirect and the `authorized` push may both arrive; whichever claims the
//! request first completes it, the other finds it done.

use wechat::api::component::{authorization_link, AuthorizerInfoRequest, QueryAuthRequest};

use super::audit_log::{self, Actor, Event};
use super::auth::require_staff;
use super::AppState;
use crate::db::{self, authorization_requests::RequestRow, mini_programs::NewMiniProgram};
use crate::domain::audit_log::{action, Outcome};
use crate::domain::mini_program::{AppStatus, SubjectType};
use crate::domain::validation::FieldProblem;
use crate::error::{field_error, AppError};
use crate::model::{AuthorizationRequestView, CurrentUser};

/// Creates a pre-auth code and the link for the owner.
pub async fn start(
    state: &AppState,
    user: &CurrentUser,
    merchant_id: Option<i64>,
    subject: Option<SubjectType>,
) -> Result<AuthorizationRequestView, AppError> {
    require_staff(user)?;
    if let Some(m) = merchant_id {
        if db::merchants::find(&state.db, m).await?.is_none() {
            return Err(field_error("merchant_id", FieldProblem::UnknownValue));
        }
    }
    let created = create_request(state, merchant_id, Some(user.id), subject).await;
    let (target, outcome, detail) = match &created {
        Ok(row) => (row.id.to_string(), Outcome::Success, String::new()),
        Err(e) => ("-".to_owned(), Outcome::Failure, e.to_string()),
    };
    audit_log::record(
        &state.db,
        user.into(),
        Event {
            action: action::AUTHORIZATION_START,
            target_type: "authorization",
            target_id: &target,
            merchant_id,
            outcome,
            detail: &detail,
        },
    )
    .await?;
    view(state, user, created?.id).await
}

/// Asks WeChat for a pre-auth code and keeps it with the merchant it is for.
pub async fn create_request(
    state: &AppState,
    merchant_id: Option<i64>,
    created_by: Option<i64>,
    subject: Option<SubjectType>,
) -> Result<RequestRow, AppError> {
    let platform = state.platform()?;
    let pre = platform
        .client
        .create_preauthcode(&platform.component_ctx(), &platform.component_appid)
        .await?;
    let now = db::now();
    let state_token = new_state_token();
    let id = db::authorization_requests::insert(
        &state.db,
        &db::authorization_requests::NewRequest {
            pre_auth_code: &pre.pre_auth_code,
            merchant_id,
            created_by,
            subject_type: subject.map(SubjectType::as_str),
            created_at: now,
            expires_at: now + pre.expires_in,
            state_token: &state_token,
        },
    )
    .await?;
    db::authorization_requests::get(&state.db, id)
        .await?
        .ok_or(AppError::Internal)
}

/// 256 random bits, URL-safe: the only handle a redirect has on its request.
fn new_state_token() -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The shape of a state value (43 URL-safe base64 characters); anything else is not looked up.
pub fn is_state_token(s: &str) -> bool {
    s.len() == 43
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The state of one attempt (the authorize screen polls it).
pub async fn view(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> Result<AuthorizationRequestView, AppError> {
    require_staff(user)?;
    let row = db::authorization_requests::get(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let platform = state.platform()?;
    // A completed request's link is spent: its state value is gone.
    let link = authorization_link(
        &platform.auth_page,
        &platform.component_appid,
        &row.pre_auth_code,
        &platform.redirect_uri(row.state_token.as_deref().unwrap_or("spent")),
    );
    let merchant_name = match row.merchant_id {
        Some(m) => db::merchants::find(&state.db, m).await?.map(|m| m.name),
        None => None,
    };
    let status = if row.status == "pending" && row.expires_at <= db::now() {
        "expired".to_owned()
    } else {
        row.status.clone()
    };
    Ok(AuthorizationRequestView {
        id: row.id,
        qr_svg: qr_svg(&link),
        link,
        merchant_name,
        expires_at: row.expires_at,
        status,
        appid: row.appid,
        error: row.error,
    })
}

/// A QR code of `text` as SVG (empty when the text is too long for one).
pub fn qr_svg(text: &str) -> String {
    match qrcode::QrCode::new(text.as_bytes()) {
        Ok(code) => code
            .render::<qrcode::render::svg::Color>()
            .min_dimensions(200, 200)
            .quiet_zone(true)
            .build(),
        Err(_) => String::new(),
    }
}

/// Where a redirect from the owner's confirmation leaves its request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Landing {
    /// Exchanged (now or earlier): the mini program is registered.
    Completed { request_id: i64 },
    /// Left for WeChat's `authorized` push, which names the pre-auth code and so cannot be
    /// forged or sent to another request: the browser is not the one that started it.
    AwaitingPush,
}

/// Finds the request a redirect's state value belongs to (never by id).
pub async fn request_for_state(
    state: &AppState,
    state_token: &str,
) -> Result<RequestRow, AppError> {
    if !is_state_token(state_token) {
        return Err(AppError::NotFound);
    }
    db::authorization_requests::by_state(&state.db, state_token)
        .await?
        .ok_or(AppError::NotFound)
}

/// The browser came back from the owner's confirmation with `auth_code`. Only the
/// signed-in user who started this request may exchange the code from a redirect; in any
/// other browser (the owner's phone, a stranger) nothing is exchanged and nothing can be
/// failed: the `authorized` push completes the request.
pub async fn complete_from_redirect(
    state: &AppState,
    state_token: &str,
    auth_code: &str,
    user: Option<&CurrentUser>,
) -> Result<Landing, AppError> {
    let row = request_for_state(state, state_token).await?;
    if row.status == "completed" {
        return Ok(Landing::Completed { request_id: row.id });
    }
    let started_it = matches!((user, row.created_by), (Some(u), Some(creator)) if u.id == creator);
    if !started_it {
        return Ok(Landing::AwaitingPush);
    }
    let request_id = row.id;
    complete(state, Some(row), auth_code).await?;
    Ok(Landing::Completed { request_id })
}

/// The `authorized` / `updateauthorized` push arrived.
pub async fn complete_from_push(
    state: &AppState,
    pre_auth_code: Option<&str>,
    auth_code: &str,
) -> Result<String, AppError> {
    let row = match pre_auth_code {
        Some(code) => db::authorization_requests::by_code(&state.db, code).await?,
        None => None,
    };
    complete(state, row, auth_code).await
}

/// Exchanges the authorization code and registers the mini program. With a
/// request, it is claimed first; a request already completed is left alone.
pub async fn complete(
    state: &AppState,
    request: Option<RequestRow>,
    auth_code: &str,
) -> Result<String, AppError> {
    if let Some(row) = &request {
        if !db::authorization_requests::claim(&state.db, row.id, db::now()).await? {
            return wait_for_other_delivery(state, row.id).await;
        }
    }
    let result = exchange_and_register(state, request.as_ref(), auth_code).await;
    if let Some(row) = &request {
        let (status, appid, error) = match &result {
            Ok(appid) => ("completed", Some(appid.as_str()), None),
            Err(e) => ("failed", None, Some(e.to_string())),
        };
        db::authorization_requests::finish(&state.db, row.id, status, appid, error.as_deref())
            .await?;
    }
    result
}

/// The redirect and the push race; the loser waits for the winner's result.
async fn wait_for_other_delivery(state: &AppState, id: i64) -> Result<String, AppError> {
    for _ in 0..100 {
        let current = db::authorization_requests::get(&state.db, id)
            .await?
            .ok_or(AppError::NotFound)?;
        match (current.status.as_str(), current.appid) {
            ("completed", Some(appid)) => return Ok(appid),
            ("failed", _) => {
                return Err(AppError::WechatUnavailable(
                    current
                        .error
                        .unwrap_or_else(|| "authorization failed".into()),
                ))
            }
            _ => tokio::time::sleep(std::time::Duration::from_millis(100)).await,
        }
    }
    Err(AppError::WechatUnavailable(
        "another delivery is still completing this authorization".into(),
    ))
}

async fn exchange_and_register(
    state: &AppState,
    request: Option<&RequestRow>,
    auth_code: &str,
) -> Result<String, AppError> {
    let platform = state.platform()?;
    let ctx = platform.component_ctx();
    let auth = platform
        .client
        .query_auth(
            &ctx,
            &QueryAuthRequest {
                component_appid: platform.component_appid.clone(),
                authorization_code: auth_code.to_owned(),
            },
        )
        .await?
        .authorization_info;
    let appid = auth.authorizer_appid.clone();
    if !wechat::is_valid_appid(&appid) {
        return Err(AppError::WechatUnavailable(format!(
            "api_query_auth returned a malformed appid `{appid}`"
        )));
    }
    let info = platform
        .client
        .authorizer_info(
            &ctx,
            &AuthorizerInfoRequest {
                component_appid: platform.component_appid.clone(),
                authorizer_appid: appid.clone(),
            },
        )
        .await?;
    let now = db::now();
    let func_info = auth
        .func_info
        .iter()
        .map(|f| f.funcscope_category.id.to_string())
        .collect::<Vec<_>>()
        .join(",");
    let sealed = platform
        .tokens
        .secrets()
        .seal(&auth.authorizer_refresh_token);
    db::authorizations::upsert(
        &state.db,
        &appid,
        &sealed,
        &info.authorizer_info.user_name,
        &func_info,
        now,
    )
    .await?;
    if !auth.authorizer_access_token.is_empty() {
        platform
            .tokens
            .store_authorizer_token(&appid, &auth.authorizer_access_token, auth.expires_in, now)
            .await?;
    }
    let principal = info.authorizer_info.principal_name.trim();
    let chosen = request
        .and_then(|r| r.subject_type.as_deref())
        .and_then(SubjectType::parse);
    let subject = chosen.unwrap_or(if principal == "个人" {
        SubjectType::Individual
    } else {
        SubjectType::Enterprise
    });
    let merchant_id = request.and_then(|r| r.merchant_id);
    db::mini_programs::upsert_authorized(
        &state.db,
        &NewMiniProgram {
            appid: &appid,
            nick_name: info.authorizer_info.nick_name.trim(),
            principal_name: principal,
            subject,
            merchant_id,
            status: AppStatus::Authorized,
            created_at: now,
        },
    )
    .await?;
    let creator = match request.and_then(|r| r.created_by) {
        Some(id) => db::users::find(&state.db, id).await?,
        None => None,
    };
    let actor = match &creator {
        Some(u) => Actor {
            id: Some(u.id),
            name: &u.username,
            role: Some(u.role().as_str()),
            merchant_id: None,
        },
        None => Actor {
            id: None,
            name: "wechat",
            role: None,
            merchant_id: None,
        },
    };
    audit_log::record(
        &state.db,
        actor,
        Event {
            action: action::MINI_PROGRAM_AUTHORIZED,
            target_type: "mini_program",
            target_id: &appid,
            merchant_id,
            outcome: Outcome::Success,
            detail: info.authorizer_info.nick_name.trim(),
        },
    )
    .await?;
    Ok(appid)
}
