//! Testers (体验者): thin server functions over services::testers. Every check the browser
//! makes is repeated by the service; merchants reach only their own mini programs.

use crate::domain::testers::TestersView;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[server(endpoint = "testers/get", input = Json)]
pub async fn get_testers(appid: String) -> Result<TestersView, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::testers::view(&state, &user, &appid).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "testers/bind", input = Json)]
pub async fn bind_tester(appid: String, wechatid: String) -> Result<TestersView, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::testers::bind(&state, &user, &appid, wechatid).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "testers/unbind", input = Json)]
pub async fn unbind_tester(appid: String, userstr: String) -> Result<TestersView, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::testers::unbind(&state, &user, &appid, userstr).await
    }
    .await;
    ctx::respond(result)
}
