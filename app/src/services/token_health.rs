//! The token-health screen: every token's age, expiry, last refresh and last
//! error, the verify ticket's age, and a manual refresh.

use wechat::TokenKey;

use super::auth::require_staff;
use super::{tokens, AppState};
use crate::db;
use crate::domain::audit_log::Outcome;
use crate::domain::mini_program::AppStatus;
use crate::domain::platform::{ticket_is_late, TokenHealth};
use crate::error::AppError;
use crate::model::{CurrentUser, TokenHealthRow, TokenHealthView};

pub async fn view(state: &AppState, user: &CurrentUser) -> Result<TokenHealthView, AppError> {
    require_staff(user)?;
    let now = db::now();
    let rows = db::tokens::all(&state.db).await?;
    let programs = db::mini_programs::names_and_statuses(&state.db).await?;
    let mut ticket_received_at = None;
    let mut tokens = Vec::new();
    for row in rows {
        if row.key == tokens::TICKET_KEY {
            ticket_received_at = row.refreshed_at;
            continue;
        }
        let appid = match TokenKey::from_storage_key(&row.key) {
            Some(TokenKey::Authorizer(appid)) => Some(appid),
            _ => None,
        };
        let program = appid.as_ref().and_then(|a| programs.get(a));
        let needs_reauth = program.is_some_and(|(_, status)| {
            AppStatus::parse(status) == Some(AppStatus::NeedsReauthorization)
        });
        let nick_name = program.map(|(name, _)| name.clone());
        tokens.push(health_row(row, appid, nick_name, needs_reauth, now));
    }
    // Problems first, then the component token, then by name.
    tokens.sort_by_key(|t| {
        (
            !t.health.is_problem(),
            t.appid.is_some(),
            t.nick_name.clone().unwrap_or_default(),
        )
    });
    Ok(TokenHealthView {
        now,
        ticket_late: ticket_received_at.is_none_or(|at| ticket_is_late(at, now)),
        ticket_received_at,
        tokens,
    })
}

/// One token's line: its health follows from its expiry, its last error and whether the
/// mini program must be authorized again (the token screen and a mini program's home).
pub fn health_row(
    row: db::tokens::TokenRow,
    appid: Option<String>,
    nick_name: Option<String>,
    needs_reauthorization: bool,
    now: i64,
) -> TokenHealthRow {
    let last_error = row.last_error.filter(|e| !e.is_empty());
    TokenHealthRow {
        health: TokenHealth::of(
            row.expires_at,
            last_error.as_deref(),
            needs_reauthorization,
            now,
        ),
        key: row.key,
        appid,
        nick_name,
        expires_at: row.expires_at,
        refreshed_at: row.refreshed_at,
        refresh_count: row.refresh_count,
        last_error,
        last_error_at: row.last_error_at,
    }
}

/// Refreshes one token now (after fixing what made it fail, or to test the path).
pub async fn refresh(state: &AppState, user: &CurrentUser, key: &str) -> Result<(), AppError> {
    require_staff(user)?;
    let token_key = TokenKey::from_storage_key(key).ok_or(AppError::NotFound)?;
    if db::tokens::get(&state.db, key).await?.is_none() {
        return Err(AppError::NotFound);
    }
    let platform = state.platform()?;
    let result = platform.tokens.force_refresh(&token_key).await;
    let (outcome, detail) = match &result {
        Ok(()) => (Outcome::Success, String::new()),
        Err(e) => (Outcome::Failure, e.to_string()),
    };
    tokens::record_manual_refresh(&state.db, user.into(), key, outcome, &detail).await;
    result.map_err(AppError::from)
}
