//! Request context for server functions (server only).

use crate::error::AppError;
use crate::model::{CurrentUser, Viewer};
use crate::services::{auth, AppState};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use tower_sessions::Session;

pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the server function context");
        AppError::Internal
    })
}

pub async fn session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>().await.map_err(|e| {
        tracing::error!(error = %e, "no session layer");
        AppError::Internal
    })
}

/// The signed-in user or `Unauthenticated`.
pub async fn user() -> Result<(AppState, CurrentUser), AppError> {
    let state = state()?;
    if let Some(checked) = checked_by_page_guard() {
        return Ok((state, checked));
    }
    let session = session().await?;
    let user = auth::require_user(&state, &session).await?;
    Ok((state, user))
}

/// Gives a failed call its HTTP status (403, 404, 422, 429 …) instead of a generic 500.
pub fn respond<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(e) = &result {
        if let Some(options) = use_context::<ResponseOptions>() {
            options.set_status(e.status());
            if let AppError::Throttled { retry_after_secs } | AppError::Busy { retry_after_secs } =
                e
            {
                if let Ok(v) = http::HeaderValue::from_str(&(*retry_after_secs).max(1).to_string())
                {
                    options.insert_header(http::header::RETRY_AFTER, v);
                }
            }
        }
    }
    result
}

/// During a page render, the user the page guard already checked for this request.
pub fn checked_by_page_guard() -> Option<CurrentUser> {
    with_context::<http::request::Parts, _>(|p| {
        p.extensions.get::<auth::CheckedUser>().map(|c| c.0.clone())
    })
    .flatten()
}

/// During a page render, whom the page guard checked the request as, with the unread count the
/// page routes' layer added (none counted reads as 0: the bell counts again by itself).
pub fn page_viewer() -> Option<Viewer> {
    with_context::<http::request::Parts, _>(|p| auth::page_viewer(&p.extensions)).flatten()
}
