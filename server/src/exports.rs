//! Downloads that are files, not pages: `GET /releases/export.csv` (the fleet release view
//! with the same filters as the page). Authorized like every server function: a session is
//! required (401 otherwise) and merchants get their own mini programs only.

use app::domain::fleet_release::FleetQuery;
use app::i18n::Locale;
use app::services::{auth, fleet_release, AppState};
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::collections::HashMap;
use tower_sessions::Session;

pub fn routes(state: AppState) -> Router<leptos::prelude::LeptosOptions> {
    Router::new()
        .route("/releases/export.csv", get(fleet_csv))
        .with_state(state)
}

async fn fleet_csv(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let user = match auth::current_user(&state, &session).await {
        Ok(Some(user)) => user,
        Ok(None) => return (StatusCode::UNAUTHORIZED, "not signed in").into_response(),
        Err(_) => return (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response(),
    };
    let cookies = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join("; ");
    let locale = Locale::from_cookie_header(&cookies);
    let query = FleetQuery::from_params(|k| params.get(k).cloned());
    match fleet_release::csv(&state, &user, query, locale.texts()).await {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"releases.csv\"",
                ),
                (header::CACHE_CONTROL, "no-store"),
            ],
            body,
        )
            .into_response(),
        Err(e) => {
            let status = StatusCode::from_u16(e.status().as_u16())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (status, e.to_string()).into_response()
        }
    }
}
