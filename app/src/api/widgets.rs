//! Function widgets: thin server functions over services::widgets. Every check the
//! browser makes is repeated by the service; merchants reach only their own mini programs.

use crate::domain::pagination::Page;
use crate::domain::widget::view::{WidgetListRow, WidgetOptions, WidgetQuery, WidgetView};
use crate::domain::widget::WidgetContent;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[server(endpoint = "widgets/get", input = Json)]
pub async fn get_widget(appid: String) -> Result<WidgetView, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::widgets::view(&state, &user, &appid).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "widgets/options", input = Json)]
pub async fn get_widget_options(appid: String) -> Result<WidgetOptions, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::widgets::options(&state, &user, &appid).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "widgets/save_draft", input = Json)]
pub async fn save_widget_draft(
    appid: String,
    content: WidgetContent,
) -> Result<WidgetView, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::widgets::save_draft(&state, &user, &appid, &content).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "widgets/submit", input = Json)]
pub async fn submit_widget(appid: String, content: WidgetContent) -> Result<WidgetView, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::widgets::submit(&state, &user, &appid, &content).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "widgets/offline", input = Json)]
pub async fn offline_widget(appid: String) -> Result<WidgetView, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::widgets::offline(&state, &user, &appid).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "widgets/delete", input = Json)]
pub async fn delete_widget(appid: String) -> Result<WidgetView, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::widgets::delete(&state, &user, &appid).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "widgets/list", input = Json)]
pub async fn list_widgets(query: WidgetQuery) -> Result<Page<WidgetListRow>, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::widgets::list(&state, &user, &query).await
    }
    .await;
    ctx::respond(result)
}

/// Staff only, and only when the built-in simulator runs: its control API address, so
/// demos and end-to-end tests can play WeChat's reviewer.
#[server(endpoint = "widgets/simulator", input = Json)]
pub async fn simulator_control() -> Result<Option<String>, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        if !user.role.sees_whole_fleet() {
            return Err(AppError::Forbidden);
        }
        Ok(state.platform()?.simulator_control.clone())
    }
    .await;
    ctx::respond(result)
}
