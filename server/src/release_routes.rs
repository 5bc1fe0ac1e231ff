//! Plain HTTP routes that are files, not pages: the release page's experience QR code as an
//! image (`<img src>` and download need a URL, not a server function) and the QR-jump verify
//! file. The session decides who may see them; another merchant's mini program answers 404,
//! like a missing one.

use app::error::AppError;
use app::services::{auth, qrcode_rules, release, AppState};
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use tower_sessions::Session;

#[derive(Debug, Default, Deserialize)]
pub struct QrParams {
    path: Option<String>,
    /// `1`: served as an attachment (the download link).
    download: Option<String>,
}

pub fn routes(state: AppState) -> Router<leptos::prelude::LeptosOptions> {
    Router::new()
        .route("/apps/{appid}/release/qrcode.jpg", get(qrcode))
        .route("/apps/{appid}/qrcode-rules/verify-file", get(verify_file))
        .with_state(state.clone())
        // The widget preview's icons (media/): here so that startup.rs stays as it is.
        .merge(crate::media::routes(state))
}

async fn qrcode(
    State(state): State<AppState>,
    session: Session,
    Path(appid): Path<String>,
    Query(params): Query<QrParams>,
) -> Response {
    let result = async {
        let user = auth::require_user(&state, &session).await?;
        release::qrcode(&state, &user, &appid, params.path.as_deref()).await
    }
    .await;
    match result {
        Ok((content_type, bytes)) => {
            let disposition = if params.download.as_deref() == Some("1") {
                format!("attachment; filename=\"{appid}-experience.jpg\"")
            } else {
                "inline".to_owned()
            };
            (
                StatusCode::OK,
                [
                    (header::CONTENT_TYPE, content_type),
                    (header::CONTENT_DISPOSITION, disposition),
                    (header::CACHE_CONTROL, "private, no-store".to_owned()),
                ],
                bytes,
            )
                .into_response()
        }
        Err(e) => error_response(&e),
    }
}

/// The QR-jump verify file (`qrcodejumpdownload`) as a download with WeChat's exact file
/// name and content, to be served on the merchant's domain.
async fn verify_file(
    State(state): State<AppState>,
    session: Session,
    Path(appid): Path<String>,
) -> Response {
    let result = async {
        let user = auth::require_user(&state, &session).await?;
        qrcode_rules::verify_file(&state, &user, &appid).await
    }
    .await;
    match result {
        Ok((name, content)) => {
            // WeChat's names are plain (`<hex>.txt`); anything else is kept out of the header.
            let safe: String = name
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
                .collect();
            (
                StatusCode::OK,
                [
                    (header::CONTENT_TYPE, "text/plain; charset=utf-8".to_owned()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{safe}\""),
                    ),
                    (header::CACHE_CONTROL, "private, no-store".to_owned()),
                ],
                content,
            )
                .into_response()
        }
        Err(e) => error_response(&e),
    }
}

fn error_response(e: &AppError) -> Response {
    let text = match e {
        AppError::Wechat {
            errcode, zh, en, ..
        } => format!("{errcode} {zh} / {en}"),
        other => other.to_string(),
    };
    (e.status(), text).into_response()
}
