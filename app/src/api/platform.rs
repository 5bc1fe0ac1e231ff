//! Platform screens: token health, the callbacks inbox, and "Add mini program".
//! All of them are for staff; the services refuse merchants.

use crate::domain::callbacks::CallbackQuery;
use crate::domain::mini_program::SubjectType;
use crate::domain::pagination::Page;
use crate::domain::token_health::TokenHealthQuery;
use crate::error::AppError;
use crate::model::{AuthorizationRequestView, CallbackDetail, CallbackRow, TokenHealthView};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// One page of the token-health screen (an empty body: the first page, problems first).
#[server(endpoint = "platform/tokens", input = Json)]
pub async fn token_health(
    #[server(default)] query: TokenHealthQuery,
) -> Result<TokenHealthView, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::token_health::view(&state, &user, &query).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "platform/tokens/refresh", input = Json)]
pub async fn refresh_token(key: String) -> Result<(), AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::token_health::refresh(&state, &user, &key).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "platform/callbacks/list", input = Json)]
pub async fn list_callbacks(query: CallbackQuery) -> Result<Page<CallbackRow>, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::callbacks::list(&state, &user, &query).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "platform/callbacks/kinds", input = Json)]
pub async fn callback_kinds() -> Result<Vec<String>, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::callbacks::kinds(&state, &user).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "platform/callbacks/get", input = Json)]
pub async fn get_callback(id: i64) -> Result<CallbackDetail, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::callbacks::detail(&state, &user, id).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "platform/callbacks/replay", input = Json)]
pub async fn replay_callback(id: i64) -> Result<CallbackDetail, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::callbacks::replay(&state, &user, id).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "authorization/start", input = Json)]
pub async fn start_authorization(
    merchant_id: Option<i64>,
    subject: Option<SubjectType>,
) -> Result<AuthorizationRequestView, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::authorization::start(&state, &user, merchant_id, subject).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "authorization/get", input = Json)]
pub async fn authorization_status(id: i64) -> Result<AuthorizationRequestView, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::authorization::view(&state, &user, id).await
    }
    .await;
    ctx::respond(result)
}
