use crate::error::AppError;
use crate::model::CurrentUser;
use leptos::prelude::*;

/// Signs in; returns the path to continue to.
#[server(endpoint = "auth/login")]
pub async fn login(
    username: String,
    password: String,
    next: Option<String>,
) -> Result<String, AppError> {
    use super::ctx;
    use crate::domain::auth::safe_next_path;
    use crate::services::auth;
    let result = async {
        let state = ctx::state()?;
        let session = ctx::session().await?;
        let ip = client_ip(&state).await;
        auth::login(&state, &session, &username, &password, ip).await?;
        Ok(safe_next_path(next.as_deref().unwrap_or("/apps")).to_string())
    }
    .await;
    ctx::respond(result)
}

#[cfg(feature = "ssr")]
async fn client_ip(state: &crate::services::AppState) -> Option<std::net::IpAddr> {
    use axum::extract::ConnectInfo;
    use std::net::SocketAddr;
    if state.settings.trust_forwarded_for {
        let headers: http::HeaderMap = leptos_axum::extract().await.ok()?;
        let forwarded = headers.get("x-forwarded-for").and_then(|v| v.to_str().ok());
        if let Some(ip) = forwarded
            .and_then(|v| v.split(',').next())
            .and_then(|v| v.trim().parse().ok())
        {
            return Some(ip);
        }
    }
    let ConnectInfo(addr): ConnectInfo<SocketAddr> = leptos_axum::extract().await.ok()?;
    Some(addr.ip())
}

/// The sign-out's endpoint under `/api`, for the header's plain form (a test keeps it equal to
/// the server function's).
pub const LOGOUT_ENDPOINT: &str = "auth/logout";

/// Signs out. A form post is sent on to the sign-in page; a call from code gets `()`.
#[server(endpoint = "auth/logout")]
pub async fn logout() -> Result<(), AppError> {
    use super::ctx;
    let result = async {
        let state = ctx::state()?;
        let session = ctx::session().await?;
        crate::services::auth::logout(&state, &session).await
    }
    .await;
    if result.is_ok() {
        leptos_axum::redirect("/login");
    }
    ctx::respond(result)
}

#[server(endpoint = "auth/me")]
pub async fn load_current_user() -> Result<Option<CurrentUser>, AppError> {
    use super::ctx;
    let result = async {
        let state = ctx::state()?;
        if let Some(checked) = ctx::checked_by_page_guard() {
            return Ok(Some(checked));
        }
        let session = ctx::session().await?;
        crate::services::auth::current_user(&state, &session).await
    }
    .await;
    ctx::respond(result)
}

/// The language switch's endpoint under `/api`, for the header's plain form (a test keeps it
/// equal to the server function's).
pub const LOCALE_ENDPOINT: &str = "locale";

/// Remembers the interface language in a cookie (a year). A form post is sent back to the page
/// it came from (Leptos answers a form post with a redirect to its `Referer`).
#[server(endpoint = "locale")]
pub async fn set_locale(locale: String) -> Result<(), AppError> {
    use crate::domain::validation::FieldProblem;
    use crate::error::field_error;
    use crate::i18n::{Locale, LOCALE_COOKIE};
    let result = match Locale::parse(&locale) {
        Some(l) => {
            if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
                let cookie = format!(
                    "{LOCALE_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
                    l.tag()
                );
                if let Ok(v) = http::HeaderValue::from_str(&cookie) {
                    options.append_header(http::header::SET_COOKIE, v);
                }
            }
            Ok(())
        }
        None => Err(field_error("locale", FieldProblem::UnknownValue)),
    };
    super::ctx::respond(result)
}

#[cfg(test)]
mod tests {
    use super::*;
    use leptos::server_fn::ServerFn;

    #[test]
    fn the_header_forms_post_to_the_server_functions() {
        assert_eq!(Logout::PATH, format!("/api/{LOGOUT_ENDPOINT}"));
        assert_eq!(SetLocale::PATH, format!("/api/{LOCALE_ENDPOINT}"));
    }
}
