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
pub async fn refuse_cross_site(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
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
        if !same_origin(origin, host, &state.settings.public_url) {
            return cross_site();
        }
    }
    next.run(req).await
}

/// The console's own origin: the configured public URL's, or the requested host with the
/// public URL's scheme (a console reached by another name). Scheme, host and port must all
/// match: `https://console` writing to `http://console` is another origin.
fn same_origin(origin: &str, host: &str, public_url: &str) -> bool {
    let public = origin_of(public_url);
    let scheme = public.split_once("://").map_or("http", |(s, _)| s);
    !host.is_empty() && (origin == public || origin == format!("{scheme}://{host}"))
}

/// `scheme://host[:port]` of a URL (no path).
fn origin_of(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    match url[after_scheme..].find('/') {
        Some(i) => &url[..after_scheme + i],
        None => url,
    }
}

/// Signed-in answers are nobody's to cache (a shared proxy, the back button after sign-out):
/// pages, server functions and exports say `no-store` unless they chose otherwise. Static
/// assets keep their own caching.
pub async fn no_store_by_default(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let mut res = next.run(req).await;
    let dynamic = api
        || res
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| {
                t.starts_with("text/html")
                    || t.starts_with("application/json")
                    || t.starts_with("text/csv")
            });
    if dynamic && !res.headers().contains_key(header::CACHE_CONTROL) {
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// A signed-in user refused something (403) is kept in the audit log: probing another
/// merchant's or a staff function shows up there. (Another merchant's objects answer 404
/// like missing ones; the services record those where they know the object exists.)
pub async fn record_refusals(
    State(state): State<AppState>,
    session: Session,
    req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path().to_string();
    let res = next.run(req).await;
    if res.status() == StatusCode::FORBIDDEN {
        if let Ok(Some(user)) = auth::current_user(&state, &session).await {
            app::services::mini_programs::record_refusal(
                &state.db,
                &user,
                "path",
                &path,
                "forbidden for this role",
            )
            .await;
        }
    }
    res
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
        // A rollout's CSV export answers 401 itself, like the other exports.
        || path == "/rollouts"
        || (path.starts_with("/rollouts/") && !path.ends_with("/export.csv"))
        || path == "/notifications"
        || path == "/widgets"
        || path == "/qrcode-rules"
        || path == "/message-sets"
        || path.starts_with("/message-sets/")
        || path == "/templates"
        || path == "/domains"
        || path.starts_with("/domains/")
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
        (Some(user), false) => {
            let mut req = req;
            req.extensions_mut().insert(auth::CheckedUser(user));
            next.run(req).await
        }
        (None, true) => next.run(req).await,
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
    fn every_template_page_is_behind_sign_in() {
        // Their handler renders for the user the guard checked, and for no one else.
        for path in app::app::TEMPLATE_PAGES {
            assert!(is_console_page(path), "{path}");
        }
    }

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
        assert!(is_console_page("/rollouts"));
        assert!(is_console_page("/rollouts/12"));
        assert!(is_console_page("/rollouts/new"));
        assert!(!is_console_page("/rollouts/12/export.csv"));
        assert!(is_console_page("/domains/defaults"));
        assert!(!is_console_page("/domainsx"));
    }

    #[test]
    fn origin_must_match_scheme_host_and_port() {
        let public = "http://127.0.0.1:3000";
        assert!(same_origin(
            "http://127.0.0.1:3000",
            "127.0.0.1:3000",
            public
        ));
        assert!(same_origin(
            "http://localhost:3000",
            "localhost:3000",
            public
        ));
        assert!(!same_origin(
            "https://127.0.0.1:3000",
            "127.0.0.1:3000",
            public
        ));
        assert!(!same_origin(
            "http://127.0.0.1:3001",
            "127.0.0.1:3000",
            public
        ));
        assert!(!same_origin(
            "http://evil.example",
            "127.0.0.1:3000",
            public
        ));
        assert!(!same_origin("null", "127.0.0.1:3000", public));
        assert!(!same_origin("http://", "", public));
        let public = "https://console.example.com/base/";
        assert!(same_origin(
            "https://console.example.com",
            "internal:8080",
            public
        ));
        assert!(!same_origin(
            "http://console.example.com",
            "console.example.com",
            public
        ));
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
