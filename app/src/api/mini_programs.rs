use crate::domain::mini_program::MiniProgramQuery;
use crate::domain::pagination::Page;
use crate::error::AppError;
use crate::model::MiniProgramRow;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[server(endpoint = "mini_programs/list", input = Json)]
pub async fn list_mini_programs(query: MiniProgramQuery) -> Result<Page<MiniProgramRow>, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::mini_programs::list(&state.db, &user, &query).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "mini_programs/get", input = Json)]
pub async fn get_mini_program(appid: String) -> Result<MiniProgramRow, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::mini_programs::get(&state.db, &user, &appid).await
    }
    .await;
    ctx::respond(result)
}

/// The mini program's home page: versions, token, categories, recent notifications and audit.
#[server(endpoint = "mini_programs/home", input = Json)]
pub async fn mini_program_home(appid: String) -> Result<crate::model::MiniProgramHome, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::mini_program_home::home(&state, &user, &appid).await
    }
    .await;
    ctx::respond(result)
}
