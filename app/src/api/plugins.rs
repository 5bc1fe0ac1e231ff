//! Plugins (插件): thin server functions over services::plugins. Every check the browser makes
//! is repeated by the service; merchants reach only their own mini programs.

use crate::domain::plugins::{ApplicationsView, PluginsView};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[server(endpoint = "plugins/get", input = Json)]
pub async fn get_plugins(appid: String) -> Result<PluginsView, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::plugins::view(&state, &user, &appid).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "plugins/apply", input = Json)]
pub async fn apply_plugin(
    appid: String,
    plugin_appid: String,
    reason: String,
) -> Result<PluginsView, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::plugins::apply(&state, &user, &appid, plugin_appid, reason).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "plugins/update", input = Json)]
pub async fn update_plugin(
    appid: String,
    plugin_appid: String,
    user_version: String,
) -> Result<PluginsView, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::plugins::update(&state, &user, &appid, plugin_appid, user_version).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "plugins/unbind", input = Json)]
pub async fn unbind_plugin(appid: String, plugin_appid: String) -> Result<PluginsView, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::plugins::unbind(&state, &user, &appid, plugin_appid).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "plugins/applications", input = Json)]
pub async fn get_plugin_applications(
    appid: String,
    page: u32,
) -> Result<ApplicationsView, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::plugins::applications(&state, &user, &appid, page).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "plugins/agree", input = Json)]
pub async fn agree_plugin_application(
    appid: String,
    applicant: String,
    page: u32,
) -> Result<ApplicationsView, AppError> {
    use super::ctx;
    use crate::domain::plugins::Decision;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::plugins::decide(
            &state,
            &user,
            &appid,
            applicant,
            Decision::Approve,
            String::new(),
            page,
        )
        .await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "plugins/refuse", input = Json)]
pub async fn refuse_plugin_application(
    appid: String,
    applicant: String,
    reason: String,
    page: u32,
) -> Result<ApplicationsView, AppError> {
    use super::ctx;
    use crate::domain::plugins::Decision;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::plugins::decide(
            &state,
            &user,
            &appid,
            applicant,
            Decision::Refuse,
            reason,
            page,
        )
        .await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "plugins/delete", input = Json)]
pub async fn delete_plugin_application(
    appid: String,
    applicant: String,
    page: u32,
) -> Result<ApplicationsView, AppError> {
    use super::ctx;
    use crate::domain::plugins::Decision;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::plugins::decide(
            &state,
            &user,
            &appid,
            applicant,
            Decision::Delete,
            String::new(),
            page,
        )
        .await
    }
    .await;
    ctx::respond(result)
}
