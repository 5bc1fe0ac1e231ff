//! The one error type every server function returns.

use crate::domain::validation::FieldError;
use crate::i18n::Texts;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("not signed in")]
    Unauthenticated,
    #[error("forbidden")]
    Forbidden,
    /// A merchant user asked for an action its merchant's permission does not include.
    #[error("not granted to this merchant")]
    NotGranted,
    #[error("not found")]
    NotFound,
    #[error("invalid input: {0:?}")]
    Invalid(Vec<FieldError>),
    #[error("wrong username or password")]
    BadCredentials,
    #[error("account disabled")]
    AccountDisabled,
    #[error("too many attempts, retry after {retry_after_secs} s")]
    Throttled { retry_after_secs: i64 },
    /// The server is at its limit for this kind of work (password hashing); try again soon.
    #[error("server busy, retry after {retry_after_secs} s")]
    Busy { retry_after_secs: i64 },
    #[error("internal error")]
    Internal,
    /// WeChat answered with an error code; `zh`/`en` are its meaning from the catalogue.
    #[error("WeChat error {errcode}: {en}")]
    Wechat {
        errcode: i64,
        zh: String,
        en: String,
        rid: Option<String>,
    },
    /// WeChat could not be reached, or a write got no answer (its outcome is checked later).
    #[error("WeChat unavailable: {0}")]
    WechatUnavailable(String),
    /// A release action that WeChat's state rules do not allow now (release page).
    #[error("release action unavailable: {0:?}")]
    ReleaseUnavailable(crate::domain::release::state::Unavailable),
    /// A rollout control action that the rollout's status does not allow (pause a paused
    /// one, resume a cancelled one, retry with nothing failed …).
    #[error("rollout action unavailable: {0:?}")]
    RolloutUnavailable(crate::domain::rollout_view::RolloutRefusal),
    /// The request never reached the function (network, decoding).
    #[error("request failed: {0}")]
    Transport(String),
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        // On the server this runs while the call's ResponseOptions are in context: arguments
        // that do not decode are the caller's fault (400), not the server's (Leptos says 500).
        #[cfg(feature = "ssr")]
        if matches!(
            value,
            ServerFnErrorErr::Args(_)
                | ServerFnErrorErr::MissingArg(_)
                | ServerFnErrorErr::Deserialization(_)
        ) {
            if let Some(options) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
                options.set_status(http::StatusCode::BAD_REQUEST);
            }
        }
        AppError::Transport(value.to_string())
    }
}

impl From<Vec<FieldError>> for AppError {
    fn from(errors: Vec<FieldError>) -> Self {
        AppError::Invalid(errors)
    }
}

impl AppError {
    /// A sentence for the person using the console (field errors are shown at their fields).
    pub fn message(&self, t: &Texts) -> String {
        match self {
            AppError::Unauthenticated => t.err_unauthenticated.into(),
            AppError::Forbidden => t.err_forbidden.into(),
            AppError::NotGranted => t
                .release
                .why(crate::domain::release::state::Unavailable::NotGranted),
            AppError::NotFound => t.err_not_found.into(),
            AppError::Invalid(_) => t.err_invalid.into(),
            AppError::BadCredentials => t.bad_credentials.into(),
            AppError::AccountDisabled => t.account_disabled.into(),
            AppError::Throttled { retry_after_secs } => (t.throttled)(*retry_after_secs),
            AppError::Busy { retry_after_secs } => (t.busy)(*retry_after_secs),
            AppError::Internal => t.err_internal.into(),
            AppError::Transport(_) => t.err_network.into(),
            AppError::Wechat {
                errcode, zh, en, ..
            } => {
                // The catalogue's text in the page's language (WeChat's own errmsg is in both).
                let text = match t.locale {
                    crate::i18n::Locale::ZhCn => zh,
                    crate::i18n::Locale::En => en,
                };
                format!("{} {errcode}{}{text}", t.err_wechat, t.colon)
            }
            AppError::WechatUnavailable(_) => t.err_wechat_unavailable.into(),
            AppError::ReleaseUnavailable(u) => t.release.why(*u),
            AppError::RolloutUnavailable(r) => t.rollouts.refusal(*r).into(),
        }
    }

    /// The translated problem with one field, if this error names it.
    pub fn field(&self, t: &Texts, field: &str) -> Option<String> {
        match self {
            AppError::Invalid(errors) => errors
                .iter()
                .find(|e| e.field == field)
                .map(|e| t.problem(&e.problem)),
            _ => None,
        }
    }

    #[cfg(feature = "ssr")]
    pub fn status(&self) -> http::StatusCode {
        use http::StatusCode;
        match self {
            AppError::Unauthenticated | AppError::BadCredentials => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::NotGranted | AppError::AccountDisabled => {
                StatusCode::FORBIDDEN
            }
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Transport(_) => StatusCode::BAD_REQUEST,
            AppError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            AppError::Wechat { .. } => StatusCode::BAD_GATEWAY,
            AppError::WechatUnavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::ReleaseUnavailable(_) | AppError::RolloutUnavailable(_) => {
                StatusCode::CONFLICT
            }
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        tracing::error!(error = %e, "database error");
        AppError::Internal
    }
}

#[cfg(feature = "ssr")]
impl From<wechat::Error> for AppError {
    fn from(e: wechat::Error) -> Self {
        match e {
            wechat::Error::Api {
                errcode,
                ref errmsg,
                ref rid,
            } => {
                let (zh, en) = wechat::errcode::describe(errcode, errmsg);
                AppError::Wechat {
                    errcode,
                    zh,
                    en,
                    rid: rid.clone(),
                }
            }
            other => {
                tracing::warn!(error = %other, "WeChat call failed");
                AppError::WechatUnavailable(other.to_string())
            }
        }
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// The error WeChat answers with `code`, with its meaning from the catalogue (for a rule
    /// the console checks before calling, so the user sees what WeChat would say).
    pub fn wechat(code: i64) -> Self {
        let (zh, en) = wechat::errcode::describe(code, "");
        AppError::Wechat {
            errcode: code,
            zh,
            en,
            rid: None,
        }
    }
}

/// Shorthand for an error on a single field.
pub fn field_error(field: &str, problem: crate::domain::validation::FieldProblem) -> AppError {
    AppError::Invalid(vec![FieldError::new(field, problem)])
}
