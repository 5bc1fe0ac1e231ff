//! Staff's control of a rollout: pause (nothing new is sent; a step under way finishes),
//! resume, cancel (targets nothing was submitted for are cancelled; submitted, approved and
//! gray ones stay as they are and are shown, their audit results still recorded), and retry
//! of failed or rejected targets (a finished rollout runs again for them).

use super::super::{auth, AppState};
use super::{action, load, record, Rollout};
use crate::db::{
    self,
    rollouts::{NewEvent, Reopened},
};
use crate::domain::rollout::{next, Event, TargetState};
use crate::domain::rollout_view::{RolloutRefusal, RolloutStatus, RolloutSummary};
use crate::error::AppError;
use crate::model::CurrentUser;

fn refused(r: &Rollout, otherwise: RolloutRefusal) -> AppError {
    AppError::RolloutUnavailable(match r.status {
        RolloutStatus::Cancelled | RolloutStatus::Finished => RolloutRefusal::AlreadyOver,
        _ => otherwise,
    })
}

async fn changed(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    from: &[RolloutStatus],
    to: RolloutStatus,
    refusal: RolloutRefusal,
    audit_action: &str,
) -> Result<RolloutSummary, AppError> {
    auth::require_staff(user)?;
    let r = load(state, id).await?;
    if !db::rollouts::set_status(&state.db, id, from, to, db::now()).await? {
        return Err(refused(&r, refusal));
    }
    record(state, user, audit_action, id, "").await?;
    let r = load(state, id).await?;
    let counts = db::rollouts::counts(&state.db, id, None).await?;
    Ok(r.summary(counts, db::now()))
}

pub async fn pause(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> Result<RolloutSummary, AppError> {
    changed(
        state,
        user,
        id,
        &[RolloutStatus::Running],
        RolloutStatus::Paused,
        RolloutRefusal::NotRunning,
        action::PAUSE,
    )
    .await
}

pub async fn resume(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> Result<RolloutSummary, AppError> {
    changed(
        state,
        user,
        id,
        &[RolloutStatus::Paused],
        RolloutStatus::Running,
        RolloutRefusal::NotPaused,
        action::RESUME,
    )
    .await
}

pub async fn cancel(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> Result<RolloutSummary, AppError> {
    let summary = changed(
        state,
        user,
        id,
        &[RolloutStatus::Running, RolloutStatus::Paused],
        RolloutStatus::Cancelled,
        RolloutRefusal::AlreadyOver,
        action::CANCEL,
    )
    .await?;
    let now = db::now();
    let cancelled = db::rollouts::cancel_unsubmitted(&state.db, id, now).await?;
    for (target_id, appid, from) in &cancelled {
        db::rollouts::append_event(
            &state.db,
            &NewEvent {
                rollout_id: id,
                target_id: *target_id,
                appid,
                kind: "control",
                path: None,
                errcode: None,
                outcome: "cancelled",
                detail: &format!("cancelled by {} in state {from}", user.username),
            },
            now,
        )
        .await?;
    }
    let r = load(state, id).await?;
    let counts = db::rollouts::counts(&state.db, id, None).await?;
    Ok(RolloutSummary {
        progress: r.summary(counts, db::now()).progress,
        ..summary
    })
}

/// Retries the failed and rejected targets (those of `appids` when given): a failed one
/// goes back where it failed, a rejected one is submitted again. The number retried.
pub async fn retry(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    appids: Vec<String>,
) -> Result<u64, AppError> {
    auth::require_staff(user)?;
    let r = load(state, id).await?;
    if r.status == RolloutStatus::Cancelled {
        return Err(AppError::RolloutUnavailable(RolloutRefusal::AlreadyOver));
    }
    let appids: Vec<String> = appids
        .iter()
        .map(|a| a.trim().to_owned())
        .filter(|a| !a.is_empty())
        .collect();
    let now = db::now();
    let mut retried = 0u64;
    let mut taken = 0u64;
    for (target_id, appid, encoded) in db::rollouts::retryable(&state.db, id, &appids).await? {
        let Some(current) = TargetState::parse(&encoded) else {
            continue;
        };
        let Ok(to) = next(&current, &Event::Retry) else {
            continue;
        };
        let reopened = db::rollouts::reopen(
            &state.db,
            (id, target_id, appid.as_str()),
            &encoded,
            &to,
            now,
        )
        .await?;
        if reopened == Reopened::Taken {
            taken += 1;
        }
        if reopened == Reopened::Done {
            retried += 1;
            db::rollouts::append_event(
                &state.db,
                &NewEvent {
                    rollout_id: id,
                    target_id,
                    appid: &appid,
                    kind: "control",
                    path: None,
                    errcode: None,
                    outcome: "retry",
                    detail: &format!("retried by {}: {encoded} → {}", user.username, to.encode()),
                },
                now,
            )
            .await?;
        }
    }
    if retried == 0 {
        return Err(AppError::RolloutUnavailable(if taken > 0 {
            RolloutRefusal::TargetsTaken
        } else {
            RolloutRefusal::NothingToRetry
        }));
    }
    // A finished rollout runs again for them (also one that finished since it was read).
    db::rollouts::set_status(
        &state.db,
        id,
        &[RolloutStatus::Finished],
        RolloutStatus::Running,
        now,
    )
    .await?;
    record(
        state,
        user,
        action::RETRY,
        id,
        &format!("targets={retried}"),
    )
    .await?;
    Ok(retried)
}
