//! `GET /media/icon?url=…`: icons operators enter (widget cells) shown through the console,
//! so the CSP keeps `img-src 'self' data:`. Signed-in users only; http(s) only; raster
//! images only, at most 1 MiB; kept in memory (bounded) and cached by the browser.

pub mod cache;
pub mod fetch;
pub mod public_only;

use app::services::{auth, AppState};
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use cache::{Icon, IconCache};
use fetch::FetchError;
use serde::Deserialize;
use std::sync::Arc;
use tower_sessions::Session;

/// The path the browser asks (pages build the `src` with `app::components::url::proxied_image`).
pub const ICON_PATH: &str = app::components::url::IMAGE_PROXY_PATH;
const CACHE_ENTRIES: usize = 256;
const CACHE_SECS: i64 = 3600;

#[derive(Clone)]
struct MediaState {
    app: AppState,
    cache: Arc<IconCache>,
    client: reqwest::Client,
    private_hosts: bool,
}

#[derive(Debug, Default, Deserialize)]
struct IconParams {
    url: Option<String>,
}

pub fn routes(state: AppState) -> Router<leptos::prelude::LeptosOptions> {
    let private_hosts = state.settings.media_private_hosts;
    Router::new()
        .route(ICON_PATH, get(icon))
        .with_state(MediaState {
            app: state,
            cache: Arc::new(IconCache::new(CACHE_ENTRIES, CACHE_SECS)),
            client: fetch::client(private_hosts),
            private_hosts,
        })
}

async fn icon(
    State(state): State<MediaState>,
    session: Session,
    Query(params): Query<IconParams>,
) -> Response {
    if let Err(e) = auth::require_user(&state.app, &session).await {
        return (e.status(), e.to_string()).into_response();
    }
    let raw = params.url.unwrap_or_default();
    let url = match fetch::checked_url(&raw) {
        Ok(url) => url,
        Err(e) => return refused(&e),
    };
    if let Err(e) = fetch::reachable(&url, state.private_hosts).await {
        return refused(&e);
    }
    let key = url.to_string();
    let now = app::db::now();
    if let Some(icon) = state.cache.get(&key, now) {
        return served(icon);
    }
    match fetch::fetch(&state.client, url).await {
        Ok(icon) => {
            state.cache.put(&key, icon.clone(), now);
            served(icon)
        }
        Err(e) => {
            tracing::info!(error = ?e, "icon not served");
            refused(&e)
        }
    }
}

fn served(icon: Icon) -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, icon.content_type),
            (
                header::CACHE_CONTROL,
                format!("private, max-age={CACHE_SECS}"),
            ),
            (header::CONTENT_DISPOSITION, "inline".to_owned()),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        ],
        icon.bytes,
    )
        .into_response()
}

fn refused(e: &FetchError) -> Response {
    let (status, text) = match e {
        FetchError::BadUrl => (StatusCode::BAD_REQUEST, "url must be an http(s) address"),
        FetchError::NotAnImage => (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "not a PNG, JPEG, GIF, WebP, AVIF, BMP or ICO image",
        ),
        FetchError::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "image over 1 MiB"),
        FetchError::Upstream(_) => (StatusCode::BAD_GATEWAY, "the image could not be fetched"),
    };
    (
        status,
        [(header::CACHE_CONTROL, "no-store")],
        text.to_owned(),
    )
        .into_response()
}
