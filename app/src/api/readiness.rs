//! Readiness (就绪检查): thin server functions over services::readiness. Reading the
//! checklist never calls WeChat; a re-check does (reads only). Merchants reach only their own
//! mini programs.

use crate::domain::mini_program::MiniProgramQuery;
use crate::domain::readiness::{FleetTargets, ReadinessView};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// The checklist as of the last check (none yet: no items).
#[server(endpoint = "readiness/get", input = Json)]
pub async fn get_readiness(appid: String) -> Result<ReadinessView, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::readiness::view(&state, &user, &appid).await
    }
    .await;
    ctx::respond(result)
}

/// Re-checks one mini program and answers its new checklist.
#[server(endpoint = "readiness/check", input = Json)]
pub async fn check_readiness(appid: String) -> Result<ReadinessView, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::readiness::check(&state, &user, &appid).await
    }
    .await;
    ctx::respond(result)
}

/// The registry's selection (its filters, search and sort) for a fleet re-check: at most
/// `FLEET_CHECK_MAX` AppIDs, which the page then re-checks one by one.
#[server(endpoint = "readiness/targets", input = Json)]
pub async fn readiness_targets(query: MiniProgramQuery) -> Result<FleetTargets, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::readiness::fleet_targets(&state, &user, query).await
    }
    .await;
    ctx::respond(result)
}
