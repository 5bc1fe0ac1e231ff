//! Template sets: thin server functions over services::message_sets. Staff define sets;
//! anyone checks or applies them to the mini programs they may act on, one per call.

use crate::domain::message_set::{
    CoverageQuery, CoverageRow, MemberDraft, MessageSet, SetSummary, TargetReport,
};
use crate::domain::pagination::Page;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[server(endpoint = "message_sets/list", input = Json)]
pub async fn message_sets() -> Result<Vec<SetSummary>, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::message_sets::list(&state, &user).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "message_sets/get", input = Json)]
pub async fn get_message_set(id: i64) -> Result<MessageSet, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::message_sets::get(&state, &user, id).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "message_sets/create", input = Json)]
pub async fn create_message_set(name: String) -> Result<i64, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::message_sets::create(&state, &user, &name).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "message_sets/delete", input = Json)]
pub async fn delete_message_set(id: i64) -> Result<(), AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::message_sets::delete(&state, &user, id).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "message_sets/add_member", input = Json)]
pub async fn add_message_set_member(id: i64, draft: MemberDraft) -> Result<MessageSet, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::message_sets::add_member(&state, &user, id, draft).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "message_sets/remove_member", input = Json)]
pub async fn remove_message_set_member(id: i64, member_id: i64) -> Result<MessageSet, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::message_sets::remove_member(&state, &user, id, member_id).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "message_sets/coverage", input = Json)]
pub async fn message_set_coverage(
    id: i64,
    query: CoverageQuery,
) -> Result<Page<CoverageRow>, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::message_sets::coverage(&state, &user, id, query).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "message_sets/check", input = Json)]
pub async fn check_message_set(id: i64, appid: String) -> Result<TargetReport, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::message_sets::check(&state, &user, id, &appid).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "message_sets/apply", input = Json)]
pub async fn apply_message_set(id: i64, appid: String) -> Result<TargetReport, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::message_sets::apply(&state, &user, id, &appid).await
    }
    .await;
    ctx::respond(result)
}
