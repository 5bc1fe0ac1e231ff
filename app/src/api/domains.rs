//! Domains: thin server functions over services::domains. Every check the browser makes is
//! repeated by the service; merchants reach only their own mini programs, and the default
//! set (its editor, its targets, its apply) is staff's.

use crate::domain::domains::{
    ApplyReport, DefaultSet, DefaultsForm, DomainChange, DomainsView, TargetQuery, TargetRow,
};
use crate::domain::pagination::Page;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[server(endpoint = "domains/get", input = Json)]
pub async fn get_domains(appid: String) -> Result<DomainsView, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::domains::view(&state, &user, &appid).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "domains/change", input = Json)]
pub async fn change_domains(appid: String, change: DomainChange) -> Result<DomainsView, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::domains::change(&state, &user, &appid, change).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "domains/defaults", input = Json)]
pub async fn get_domain_defaults() -> Result<DefaultSet, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::domains::get_defaults(&state, &user).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "domains/defaults/save", input = Json)]
pub async fn save_domain_defaults(form: DefaultsForm) -> Result<DefaultSet, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::domains::save_defaults(&state, &user, form).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "domains/targets", input = Json)]
pub async fn domain_default_targets(query: TargetQuery) -> Result<Page<TargetRow>, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::domains::targets(&state, &user, query).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "domains/apply", input = Json)]
pub async fn apply_domain_defaults(appid: String) -> Result<ApplyReport, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::domains::apply_defaults(&state, &user, &appid).await
    }
    .await;
    ctx::respond(result)
}
