//! Request guards: cross-site write refusal, page sign-in redirects, security headers.

use app::domain::auth::safe_next_path;
use app::services::{auth, AppState};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_sessions::Session;

pub const SESSION_COOKIE: &str = "wxa_session";

/// Server functions are plain POST endpoints: refuse state-changing requests that a browser
/// marks as coming from another site. Non-browser clients send neither header and pass.
pub async fn refuse_cross_site(req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let headers = req.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        if site != "same-origin" && site != "none" {
            return cross_site();
        }
    }
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let host = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let origin_host = origin.split_once("://").map(|(_, h)| h).unwrap_or("");
        if origin_host.is_empty() || origin_host != host {
            return cross_site();
        }
    }
    next.run(req).await
}

fn cross_site() -> Response {
    (
        StatusCode::FORBIDDEN,
        "cross-site request refused / 已拒绝跨站请求",
    )
        .into_response()
}

fn is_console_page(path: &str) -> bool {
    path == "/"
        || path == "/apps"
        || path.starts_with("/apps/")
        || path == "/audit"
        || path == "/releases"
        || path == "/notifications"
        || path == "/widgets"
        || path == "/platform"
        || path.starts_with("/platform/")
        || path == "/admin"
        || path.starts_with("/admin/")
}

fn has_session_cookie(req: &Request) -> bool {
    req.headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .any(|kv| kv.trim().starts_with(&format!("{SESSION_COOKIE}=")))
}

/// Pages render only for a valid session; everyone else goes to the login page (which
/// says so when a session cookie was sent but is no longer valid). Server functions do their
/// own checks: this guard is about pages, not authorization.
pub async fn guard_pages(
    State(state): State<AppState>,
    session: Session,
    req: Request,
    next: Next,
) -> Response {
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        return next.run(req).await;
    }
    let path = req.uri().path().to_string();
    let is_login = path == "/login";
    if !is_console_page(&path) && !is_login {
        return next.run(req).await;
    }
    let user = match auth::current_user(&state, &session).await {
        Ok(u) => u,
        Err(_) => return (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response(),
    };
    match (user, is_login) {
        (None, false) => {
            let wanted = req
                .uri()
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or("/apps");
            let mut to = format!("/login?next={}", app::components::url::encode(wanted));
            if has_session_cookie(&req) {
                to.push_str("&expired=1");
            }
            Redirect::to(&to).into_response()
        }
        (Some(_), true) => {
            let next_param = req
                .uri()
                .query()
                .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("next=")))
                .and_then(percent_decode)
                .unwrap_or_default();
            Redirect::to(safe_next_path(&next_param)).into_response()
        }
        (Some(_), false) if path == "/" => Redirect::to("/apps").into_response(),
        _ => next.run(req).await,
    }
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = s.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// Headers on every response; pages replace the CSP with one carrying their script nonce.
pub fn header_layers() -> (
    SetResponseHeaderLayer<HeaderValue>,
    SetResponseHeaderLayer<HeaderValue>,
    SetResponseHeaderLayer<HeaderValue>,
    SetResponseHeaderLayer<HeaderValue>,
) {
    (
        SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ),
        SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ),
        SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'self'",
            ),
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_behind_sign_in() {
        assert!(is_console_page("/apps"));
        assert!(is_console_page("/apps/wx0123456789abcdef"));
        assert!(is_console_page("/admin/users"));
        assert!(is_console_page("/platform/tokens"));
        assert!(is_console_page("/platform/callbacks/7"));
        assert!(is_console_page("/apps/authorize"));
        assert!(!is_console_page("/platformx"));
        assert!(!is_console_page("/login"));
        assert!(!is_console_page("/pkg/wxa-console.js"));
        assert!(!is_console_page("/appsx"));
    }

    #[test]
    fn decodes_next() {
        assert_eq!(
            percent_decode("%2Fapps%3Fpage%3D2").as_deref(),
            Some("/apps?page=2")
        );
        assert_eq!(percent_decode("%zz"), None);
    }
}
