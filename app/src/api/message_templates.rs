//! Message templates: thin server functions over services::message_templates. Every check
//! the browser makes is repeated by the service; merchants reach only their own mini programs.

use crate::domain::message_template::{AccountView, Keyword, LibraryPage, LibraryTitle, SendForm};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[server(endpoint = "message_templates/library", input = Json)]
pub async fn message_library(
    appid: String,
    offset: i64,
    search: String,
) -> Result<LibraryPage, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::message_templates::library(&state, &user, &appid, offset, &search).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "message_templates/keywords", input = Json)]
pub async fn message_keywords(
    appid: String,
    id: String,
) -> Result<(LibraryTitle, Vec<Keyword>), AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::message_templates::keywords(&state, &user, &appid, &id).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "message_templates/add", input = Json)]
pub async fn add_message_template(
    appid: String,
    id: String,
    keyword_ids: Vec<i64>,
) -> Result<String, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::message_templates::add(&state, &user, &appid, &id, keyword_ids).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "message_templates/list", input = Json)]
pub async fn message_templates(appid: String, offset: i64) -> Result<AccountView, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::message_templates::account(&state, &user, &appid, offset).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "message_templates/delete", input = Json)]
pub async fn delete_message_template(appid: String, template_id: String) -> Result<(), AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::message_templates::delete(&state, &user, &appid, &template_id).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "message_templates/send", input = Json)]
pub async fn send_message(appid: String, form: SendForm) -> Result<(), AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::message_templates::send(&state, &user, &appid, form).await
    }
    .await;
    ctx::respond(result)
}
