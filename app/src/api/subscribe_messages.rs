//! Subscription messages: thin server functions over services::subscribe_messages. Every
//! check the browser makes is repeated by the service; merchants reach only their own mini
//! programs.

use crate::domain::subscribe_message::{PubKeyword, SubscribeSendForm, SubscribeView, TitlesPage};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[server(endpoint = "subscribe_messages/view", input = Json)]
pub async fn subscribe_overview(appid: String) -> Result<SubscribeView, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::subscribe_messages::view(&state, &user, &appid).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "subscribe_messages/titles", input = Json)]
pub async fn subscribe_titles(
    appid: String,
    category_ids: Vec<i64>,
    start: i64,
) -> Result<TitlesPage, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::subscribe_messages::titles(&state, &user, &appid, category_ids, start)
            .await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "subscribe_messages/keywords", input = Json)]
pub async fn subscribe_keywords(appid: String, tid: i64) -> Result<Vec<PubKeyword>, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::subscribe_messages::keywords(&state, &user, &appid, tid).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "subscribe_messages/add", input = Json)]
pub async fn add_subscribe_template(
    appid: String,
    tid: i64,
    kids: Vec<i64>,
    scene_desc: String,
) -> Result<String, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::subscribe_messages::add(&state, &user, &appid, tid, kids, &scene_desc)
            .await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "subscribe_messages/delete", input = Json)]
pub async fn delete_subscribe_template(appid: String, pri_tmpl_id: String) -> Result<(), AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::subscribe_messages::delete(&state, &user, &appid, &pri_tmpl_id).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "subscribe_messages/send", input = Json)]
pub async fn send_subscribe_message(
    appid: String,
    form: SubscribeSendForm,
) -> Result<(), AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::subscribe_messages::send(&state, &user, &appid, form).await
    }
    .await;
    ctx::respond(result)
}
