use crate::error::AppError;
use crate::model::{MerchantOption, MerchantRow};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[server(endpoint = "merchants/list", input = Json)]
pub async fn list_merchants() -> Result<Vec<MerchantRow>, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::merchants::list(&state.db, &user).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "merchants/options", input = Json)]
pub async fn merchant_options() -> Result<Vec<MerchantOption>, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::merchants::options(&state.db, &user).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "merchants/create", input = Json)]
pub async fn create_merchant(name: String) -> Result<i64, AppError> {
    use super::ctx;
    let result = async {
        let (state, admin) = ctx::user().await?;
        crate::services::merchants::create(&state.db, &admin, &name).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "merchants/rename", input = Json)]
pub async fn rename_merchant(id: i64, name: String) -> Result<(), AppError> {
    use super::ctx;
    let result = async {
        let (state, admin) = ctx::user().await?;
        crate::services::merchants::rename(&state.db, &admin, id, &name).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "merchants/assign", input = Json)]
pub async fn assign_mini_programs(merchant_id: i64, appids: String) -> Result<usize, AppError> {
    use super::ctx;
    let result = async {
        let (state, admin) = ctx::user().await?;
        crate::services::merchants::assign(&state.db, &admin, merchant_id, &appids).await
    }
    .await;
    ctx::respond(result)
}

/// Admins only: `permission` is `view`, `submit` or `release`.
#[server(endpoint = "merchants/set_permission", input = Json)]
pub async fn set_merchant_permission(id: i64, permission: String) -> Result<(), AppError> {
    use super::ctx;
    let result = async {
        let (state, admin) = ctx::user().await?;
        crate::services::merchants::set_permission(&state.db, &admin, id, &permission).await
    }
    .await;
    ctx::respond(result)
}
