//! Fleet rollouts (issue 17): thin server functions over services::rollouts. Staff plan,
//! create and control rollouts; every signed-in user lists them, a merchant only those that
//! touch its mini programs, with only its own targets.

use crate::domain::pagination::Page;
use crate::domain::rollout_view::{
    EventRow, PlanView, RolloutDetail, RolloutListQuery, RolloutRequest, RolloutSummary,
    TargetQuery, TargetsView,
};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// Staff: who would run, who is skipped and why, and how long it takes (nothing stored).
#[server(endpoint = "rollouts/plan", input = Json)]
pub async fn plan_rollout(request: RolloutRequest) -> Result<PlanView, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::rollouts::plan(&state, &user, request).await
    }
    .await;
    ctx::respond(result)
}

/// Staff: plans again and starts the rollout (or stores it paused); its id.
#[server(endpoint = "rollouts/create", input = Json)]
pub async fn create_rollout(request: RolloutRequest) -> Result<i64, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::rollouts::create(&state, &user, request).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "rollouts/list", input = Json)]
pub async fn list_rollouts(query: RolloutListQuery) -> Result<Page<RolloutSummary>, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::rollouts::list(&state, &user, query).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "rollouts/get", input = Json)]
pub async fn get_rollout(id: i64) -> Result<RolloutDetail, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::rollouts::get(&state, &user, id).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "rollouts/targets", input = Json)]
pub async fn rollout_targets(id: i64, query: TargetQuery) -> Result<TargetsView, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::rollouts::targets(&state, &user, id, query).await
    }
    .await;
    ctx::respond(result)
}

/// One target's timeline: every WeChat call the worker made for it, its transitions and
/// the operators' actions.
#[server(endpoint = "rollouts/events", input = Json)]
pub async fn rollout_events(id: i64, appid: String) -> Result<Vec<EventRow>, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::rollouts::events(&state, &user, id, &appid).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "rollouts/pause", input = Json)]
pub async fn pause_rollout(id: i64) -> Result<RolloutSummary, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::rollouts::pause(&state, &user, id).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "rollouts/resume", input = Json)]
pub async fn resume_rollout(id: i64) -> Result<RolloutSummary, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::rollouts::resume(&state, &user, id).await
    }
    .await;
    ctx::respond(result)
}

/// Cancels: targets nothing was submitted for are cancelled, the others stay as they are.
#[server(endpoint = "rollouts/cancel", input = Json)]
pub async fn cancel_rollout(id: i64) -> Result<RolloutSummary, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::rollouts::cancel(&state, &user, id).await
    }
    .await;
    ctx::respond(result)
}

/// Retries failed and rejected targets (`appids` empty: all of them); how many.
#[server(endpoint = "rollouts/retry", input = Json)]
pub async fn retry_rollout(id: i64, appids: Vec<String>) -> Result<u64, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::rollouts::retry(&state, &user, id, appids).await
    }
    .await;
    ctx::respond(result)
}
