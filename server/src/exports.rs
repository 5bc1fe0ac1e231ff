//! Downloads that are files, not pages: `GET /releases/export.csv` (the fleet release view),
//! `GET /qrcode-rules/export.csv` (the fleet's QR-jump rules) and
//! `GET /rollouts/{id}/export.csv` (a rollout's targets), with the same filters as their
//! pages. Authorized like every server function: a session is required (401 otherwise) and
//! merchants get their own mini programs only (a rollout without any of them is a 404).

use app::domain::fleet_release::FleetQuery;
use app::domain::qrcode_rule::view::QrFleetQuery;
use app::domain::rollout_view::TargetQuery;
use app::i18n::Locale;
use app::services::{auth, fleet_release, qrcode_rules, rollouts, AppState};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::collections::HashMap;
use tower_sessions::Session;

pub fn routes(state: AppState) -> Router<leptos::prelude::LeptosOptions> {
    Router::new()
        .route("/releases/export.csv", get(fleet_csv))
        .route("/qrcode-rules/export.csv", get(qrcode_rules_csv))
        .route("/rollouts/{id}/export.csv", get(rollout_csv))
        .with_state(state)
}

async fn fleet_csv(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let query = FleetQuery::from_params(|k| params.get(k).cloned());
    let result = async {
        let user = auth::require_user(&state, &session).await?;
        fleet_release::csv(&state, &user, query, Locale::of_request(&headers).texts()).await
    }
    .await;
    csv_response(result, "releases.csv")
}

fn csv_response(result: Result<String, app::error::AppError>, filename: &str) -> Response {
    match result {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{filename}\""),
                ),
                (header::CACHE_CONTROL, "no-store".to_owned()),
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

/// `GET /qrcode-rules/export.csv`: the fleet's QR-jump rules with the page's filters.
async fn qrcode_rules_csv(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let query = QrFleetQuery::from_params(|k| params.get(k).cloned());
    let result = async {
        let user = auth::require_user(&state, &session).await?;
        qrcode_rules::csv(&state, &user, query, Locale::of_request(&headers).texts()).await
    }
    .await;
    csv_response(result, "qrcode-rules.csv")
}

/// `GET /rollouts/{id}/export.csv`: every target of a rollout the user may see, of the
/// page's state filter (`?state=`).
async fn rollout_csv(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let query = TargetQuery::from_params(|k| params.get(k).cloned());
    let id: Option<i64> = id.trim().parse().ok();
    let result = async {
        let user = auth::require_user(&state, &session).await?;
        // Signed in first: an id that is no number is a missing rollout, like any other.
        let id = id.ok_or(app::error::AppError::NotFound)?;
        rollouts::csv(
            &state,
            &user,
            id,
            query,
            Locale::of_request(&headers).texts(),
        )
        .await
    }
    .await;
    csv_response(result, &format!("rollout-{}.csv", id.unwrap_or(0)))
}
