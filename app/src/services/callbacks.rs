//! The callbacks inbox: store every push once, process it, replay on demand.

use wechat::events::Push;

use super::audit_log::{self, Actor, Event};
use super::auth::require_staff;
use super::{authorization, push_secrets, AppState};
use crate::db::{self};
use crate::domain::audit_log::{action, Outcome};
use crate::domain::callbacks::CallbackQuery;
use crate::domain::mini_program::AppStatus;
use crate::domain::pagination::Page;
use crate::error::AppError;
use crate::model::{CallbackDetail, CallbackRow, CurrentUser};

fn system() -> Actor<'static> {
    Actor {
        id: None,
        name: "wechat",
        role: None,
        merchant_id: None,
    }
}

/// Stores a decrypted push unless it is a retry of one already stored.
/// `url_appid` is the `$APPID$` part of the message URL, if the push came there.
/// Returns the new row's id (None for a duplicate).
pub async fn store(
    state: &AppState,
    url_appid: Option<&str>,
    plaintext: &str,
) -> Result<Option<i64>, AppError> {
    let push = Push::parse(plaintext).map_err(|e| {
        tracing::warn!(error = %e, "push is not XML");
        AppError::Internal
    })?;
    let mut appid = push
        .authorizer_appid
        .clone()
        .or_else(|| url_appid.map(str::to_owned));
    if appid.is_none() {
        if let Some(user_name) = push.field("ToUserName") {
            appid = db::authorizations::appid_of_user_name(&state.db, user_name).await?;
        }
    }
    let dedupe_key =
        wechat::crypto::sha1_hex(format!("{}\n{plaintext}", url_appid.unwrap_or("")).as_bytes());
    let kind = if push.kind.is_empty() {
        "unknown".to_owned()
    } else {
        push.kind.chars().take(64).collect()
    };
    let stored = push_secrets::seal(plaintext, state.platform()?.tokens.secrets());
    Ok(db::callbacks::insert_once(
        &state.db,
        &dedupe_key,
        &kind,
        appid.as_deref(),
        &stored,
        db::now(),
    )
    .await?)
}

/// Processes a push just stored (unless another worker already took it).
pub async fn process_new(state: &AppState, id: i64) -> Result<(), AppError> {
    if db::callbacks::claim(&state.db, id).await? {
        process(state, id).await?;
    }
    Ok(())
}

/// Recovers pushes that were stored but not processed because the process
/// stopped in between (crash, restart): nothing WeChat delivered is lost.
pub async fn process_stuck(state: &AppState) -> usize {
    let Ok(ids) = db::callbacks::stuck(&state.db, db::now() - 60).await else {
        return 0;
    };
    let mut done = 0;
    for id in ids {
        // A push left "processing" a minute ago belongs to a worker that died.
        let _ = db::callbacks::reset_to_received(&state.db, id).await;
        if process_new(state, id).await.is_ok() {
            done += 1;
        }
    }
    done
}

/// Acts on a stored push and records the outcome on its row.
pub async fn process(state: &AppState, id: i64) -> Result<(), AppError> {
    let (kind, appid, stored) = db::callbacks::payload(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let payload = push_secrets::open(&stored, state.platform()?.tokens.secrets());
    let (outcome, detail) = match handle(state, &kind, appid.as_deref(), &payload).await {
        Ok(Handled::Done(detail)) => ("processed", detail),
        Ok(Handled::Ignored(detail)) => ("ignored", detail),
        Err(e) => ("failed", describe(&e)),
    };
    db::callbacks::set_outcome(&state.db, id, outcome, &detail, db::now()).await?;
    Ok(())
}

fn describe(e: &AppError) -> String {
    match e {
        AppError::Wechat {
            errcode, zh, en, ..
        } => format!("{errcode} {zh} / {en}"),
        AppError::WechatUnavailable(text) => text.clone(),
        other => other.to_string(),
    }
}

enum Handled {
    Done(String),
    Ignored(String),
}

async fn handle(
    state: &AppState,
    kind: &str,
    appid: Option<&str>,
    payload: &str,
) -> Result<Handled, AppError> {
    let push = Push::parse(payload).map_err(|_| AppError::Internal)?;
    let platform = state.platform()?;
    let now = db::now();
    match kind {
        "component_verify_ticket" => {
            let ticket = push
                .field("ComponentVerifyTicket")
                .filter(|t| !t.is_empty())
                .ok_or_else(|| {
                    AppError::WechatUnavailable("push has no ComponentVerifyTicket".into())
                })?;
            platform.tokens.store_ticket(ticket, now).await?;
            Ok(Handled::Done("ticket stored".into()))
        }
        "authorized" | "updateauthorized" => {
            let code = push
                .field("AuthorizationCode")
                .filter(|c| !c.is_empty())
                .ok_or_else(|| {
                    AppError::WechatUnavailable("push has no AuthorizationCode".into())
                })?;
            let appid =
                authorization::complete_from_push(state, push.field("PreAuthCode"), code).await?;
            Ok(Handled::Done(format!("{appid} authorized")))
        }
        "unauthorized" => {
            let appid = appid
                .ok_or_else(|| AppError::WechatUnavailable("push has no AuthorizerAppid".into()))?;
            // Credentials go first, so "unauthorized" never shows while a token remains.
            db::authorizations::delete(&state.db, appid).await?;
            platform.tokens.forget_authorizer(appid).await?;
            let changed =
                db::mini_programs::set_status(&state.db, appid, AppStatus::Unauthorized, now)
                    .await?;
            if changed {
                let merchant = db::mini_programs::find(&state.db, appid)
                    .await?
                    .and_then(|p| p.merchant_id);
                audit_log::record(
                    &state.db,
                    system(),
                    Event {
                        action: action::MINI_PROGRAM_UNAUTHORIZED,
                        target_type: "mini_program",
                        target_id: appid,
                        merchant_id: merchant,
                        outcome: Outcome::Success,
                        detail: "the owner cancelled the authorization in WeChat",
                    },
                )
                .await?;
            }
            Ok(Handled::Done(format!(
                "{appid} marked unauthorized; its tokens were dropped"
            )))
        }
        "weapp_audit_success" | "weapp_audit_fail" | "weapp_audit_delay" => {
            let appid = appid.ok_or_else(|| {
                AppError::WechatUnavailable("audit push for an unknown mini program".into())
            })?;
            // The audit row first (and its notification): a failure here leaves the push
            // "failed" for the worker's replay, before anything was logged.
            let tracked = super::audit_tracking::from_push(state, appid, kind, &push).await?;
            let program = db::mini_programs::find(&state.db, appid).await?;
            let reason = push.field("Reason").unwrap_or("");
            let detail = if reason.is_empty() {
                kind.to_owned()
            } else {
                format!("{kind}: {reason}")
            };
            audit_log::record(
                &state.db,
                system(),
                Event {
                    action: action::WECHAT_AUDIT_RESULT,
                    target_type: "mini_program",
                    target_id: appid,
                    merchant_id: program.as_ref().and_then(|p| p.merchant_id),
                    outcome: if kind == "weapp_audit_fail" {
                        Outcome::Failure
                    } else {
                        Outcome::Success
                    },
                    detail: &detail,
                },
            )
            .await?;
            Ok(Handled::Done(format!(
                "audit result recorded for {appid}; {tracked}"
            )))
        }
        other => Ok(Handled::Ignored(format!(
            "kept; the console has no handler for `{other}`"
        ))),
    }
}

pub async fn list(
    state: &AppState,
    user: &CurrentUser,
    q: &CallbackQuery,
) -> Result<Page<CallbackRow>, AppError> {
    require_staff(user)?;
    let q = q.clone().normalized();
    let (items, total) = db::callbacks::list(&state.db, &q).await?;
    Ok(Page {
        items,
        total,
        page: q.page.page,
        per_page: q.page.per_page,
    })
}

pub async fn kinds(state: &AppState, user: &CurrentUser) -> Result<Vec<String>, AppError> {
    require_staff(user)?;
    Ok(db::callbacks::kinds(&state.db).await?)
}

pub async fn detail(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> Result<CallbackDetail, AppError> {
    require_staff(user)?;
    let row = db::callbacks::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (_, _, stored) = db::callbacks::payload(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(CallbackDetail {
        row,
        payload: push_secrets::mask(&stored),
    })
}

/// Runs the processing of a stored push again (after fixing what made it fail).
pub async fn replay(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> Result<CallbackDetail, AppError> {
    require_staff(user)?;
    process(state, id).await?;
    let detail = detail(state, user, id).await?;
    audit_log::record(
        &state.db,
        user.into(),
        Event {
            action: action::CALLBACK_REPLAY,
            target_type: "callback",
            target_id: &id.to_string(),
            merchant_id: None,
            outcome: if detail.row.outcome == "failed" {
                Outcome::Failure
            } else {
                Outcome::Success
            },
            detail: &format!("{}: {}", detail.row.kind, detail.row.outcome_detail),
        },
    )
    .await?;
    Ok(detail)
}
