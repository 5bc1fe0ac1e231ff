use crate::domain::user::NewUser;
use crate::error::AppError;
use crate::model::UserRow;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[server(endpoint = "users/list", input = Json)]
pub async fn list_users() -> Result<Vec<UserRow>, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::users::list(&state.db, &user).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "users/create", input = Json)]
pub async fn create_user(user: NewUser) -> Result<i64, AppError> {
    use super::ctx;
    let result = async {
        let (state, admin) = ctx::user().await?;
        crate::services::users::create(&state.db, &admin, user).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "users/set_disabled", input = Json)]
pub async fn set_user_disabled(id: i64, disabled: bool) -> Result<(), AppError> {
    use super::ctx;
    let result = async {
        let (state, admin) = ctx::user().await?;
        crate::services::users::set_disabled(&state.db, &admin, id, disabled).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "users/reset_password", input = Json)]
pub async fn reset_user_password(id: i64, password: String) -> Result<(), AppError> {
    use super::ctx;
    let result = async {
        let (state, admin) = ctx::user().await?;
        crate::services::users::reset_password(&state.db, &admin, id, password).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "users/change_role", input = Json)]
pub async fn change_user_role(
    id: i64,
    role: String,
    merchant_id: Option<i64>,
) -> Result<(), AppError> {
    use super::ctx;
    let result = async {
        let (state, admin) = ctx::user().await?;
        crate::services::users::change_role(&state.db, &admin, id, role, merchant_id).await
    }
    .await;
    ctx::respond(result)
}
