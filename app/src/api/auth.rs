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

#[server(endpoint = "auth/logout")]
pub async fn logout() -> Result<(), AppError> {
    use super::ctx;
    let result = async {
        let state = ctx::state()?;
        let session = ctx::session().await?;
        crate::services::auth::logout(&state, &session).await
    }
    .await;
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

/// Remembers the interface language in a cookie (a year; the page reloads after).
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
