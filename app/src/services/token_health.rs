//! The token-health screen: one page of tokens (searched, filtered by health and sorted in
//! the database) with their age, expiry, last refresh and last error, the count per state,
//! the verify ticket's age, and a manual refresh.

use wechat::TokenKey;

use super::auth::require_staff;
use super::{tokens, AppState};
use crate::db;
use crate::domain::audit_log::Outcome;
use crate::domain::mini_program::AppStatus;
use crate::domain::pagination::Page;
use crate::domain::platform::{ticket_is_late, TokenHealth};
use crate::domain::token_health::TokenHealthQuery;
use crate::error::AppError;
use crate::model::{CurrentUser, TokenHealthRow, TokenHealthView};

pub async fn view(
    state: &AppState,
    user: &CurrentUser,
    query: &TokenHealthQuery,
) -> Result<TokenHealthView, AppError> {
    require_staff(user)?;
    let q = query.clone().normalized();
    let now = db::now();
    let ticket_received_at = db::tokens::get(&state.db, tokens::TICKET_KEY)
        .await?
        .and_then(|row| row.refreshed_at);
    // The ticket is not a token: it stays out of the table, the counts and the search.
    let counts = db::tokens::health_counts(&state.db, &q.search, now, tokens::TICKET_KEY).await?;
    let rows = db::tokens::health_page(&state.db, &q, now, tokens::TICKET_KEY).await?;
    Ok(TokenHealthView {
        now,
        ticket_late: ticket_received_at.is_none_or(|at| ticket_is_late(at, now)),
        ticket_received_at,
        tokens: Page {
            items: rows.into_iter().map(|row| listed_row(row, now)).collect(),
            total: counts.matching(q.health),
            page: q.page.page,
            per_page: q.page.per_page,
        },
        counts,
    })
}

/// A line as the database classified it (the same rule as [`health_row`], in SQL).
fn listed_row(row: db::tokens::HealthRow, now: i64) -> TokenHealthRow {
    let last_error = row.last_error.filter(|e| !e.is_empty());
    let health = TokenHealth::parse(&row.health).unwrap_or_else(|| {
        let needs_reauthorization = row.program_status.as_deref().and_then(AppStatus::parse)
            == Some(AppStatus::NeedsReauthorization);
        TokenHealth::of(
            row.expires_at,
            last_error.as_deref(),
            needs_reauthorization,
            now,
        )
    });
    TokenHealthRow {
        key: row.key,
        appid: row.appid,
        nick_name: row.nick_name,
        health,
        expires_at: row.expires_at,
        refreshed_at: row.refreshed_at,
        refresh_count: row.refresh_count,
        last_error,
        last_error_at: row.last_error_at,
    }
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
