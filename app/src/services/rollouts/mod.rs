//! Fleet rollouts (issue 17): one template version brought to many mini programs — commit,
//! submit for audit, release on approval (optionally in gray steps) — through the same
//! release services as the release page, so the console's records (commits, audits, release
//! status, audit log) stay as if a person had clicked through each mini program.
//!
//! One file per concern: `plan` (candidates from the registry and the release records, the
//! domain planner), `create` (staff only; plans again and stores the rollout with its
//! targets), `worker` (one tick: claim due targets with a lease, advance each one step),
//! `reconcile` (a write whose answer was lost is settled by WeChat's state before anything
//! is sent again), `control` (pause, resume, cancel, retry), `view` (rollouts, targets and
//! timelines; merchants see the rollouts touching their mini programs, only their targets).

mod control;
mod create;
mod plan;
mod reconcile;
mod view;
pub mod worker;

pub use control::{cancel, pause, resume, retry};
pub use create::create;
pub use plan::{plan, AUDIT_QUOTA_PER_WINDOW};
pub use view::{csv, events, get, list, targets};

use super::audit_log::{self, Actor, Event};
use super::release::Operator;
use super::AppState;
use crate::db::{self, rollouts::RolloutRow};
use crate::domain::audit_log::Outcome;
use crate::domain::release::submission::AuditItem;
use crate::domain::rollout::{progress_of_counts, Limits, ReleasePolicy, StateKind};
use crate::domain::rollout_view::{RolloutDetail, RolloutStatus, RolloutSummary};
use crate::error::AppError;
use crate::model::CurrentUser;

/// Audit-log actions of rollouts (target type `rollout`).
pub mod action {
    pub const CREATE: &str = "rollout.create";
    pub const PAUSE: &str = "rollout.pause";
    pub const RESUME: &str = "rollout.resume";
    pub const CANCEL: &str = "rollout.cancel";
    pub const RETRY: &str = "rollout.retry";
    pub const ALL: [&str; 5] = [CREATE, PAUSE, RESUME, CANCEL, RETRY];
}

/// A stored rollout with its JSON read back.
#[derive(Clone, Debug)]
pub(crate) struct Rollout {
    pub id: i64,
    pub template_id: i64,
    pub user_version: String,
    pub user_desc: String,
    pub ext_json_template: String,
    pub policy: ReleasePolicy,
    pub limits: Limits,
    pub items: Vec<AuditItem>,
    /// The items as stored (what a reconciled submit records).
    pub item_list: String,
    pub status: RolloutStatus,
    pub created_by: Option<i64>,
    pub created_by_name: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub finished_at: Option<i64>,
}

fn corrupt(id: i64, what: &str, e: impl std::fmt::Display) -> AppError {
    tracing::error!(rollout = id, what, error = %e, "stored rollout unreadable");
    AppError::Internal
}

impl Rollout {
    pub(crate) fn from_row(row: RolloutRow) -> Result<Rollout, AppError> {
        let id = row.id;
        Ok(Rollout {
            policy: serde_json::from_str(&row.policy).map_err(|e| corrupt(id, "policy", e))?,
            limits: serde_json::from_str(&row.limits).map_err(|e| corrupt(id, "limits", e))?,
            items: serde_json::from_str(&row.item_list).map_err(|e| corrupt(id, "item_list", e))?,
            status: RolloutStatus::parse(&row.status)
                .ok_or_else(|| corrupt(id, "status", &row.status))?,
            id,
            template_id: row.template_id,
            user_version: row.user_version,
            user_desc: row.user_desc,
            ext_json_template: row.ext_json_template,
            item_list: row.item_list,
            created_by: row.created_by,
            created_by_name: row.created_by_name,
            created_at: row.created_at,
            updated_at: row.updated_at,
            finished_at: row.finished_at,
        })
    }

    /// Who the release services act as for this rollout: its creator, named after it.
    pub(crate) fn operator(&self) -> Operator {
        Operator {
            id: self.created_by,
            name: self.actor_name(),
            role: None,
            merchant_id: None,
        }
    }

    pub(crate) fn actor_name(&self) -> String {
        format!("rollout #{} ({})", self.id, self.created_by_name)
    }

    pub(crate) fn summary(&self, counts: Vec<(StateKind, u64)>, now: i64) -> RolloutSummary {
        let end = self.finished_at.unwrap_or(now);
        RolloutSummary {
            id: self.id,
            template_id: self.template_id,
            user_version: self.user_version.clone(),
            user_desc: self.user_desc.clone(),
            status: self.status,
            policy: self.policy.clone(),
            created_by_name: self.created_by_name.clone(),
            created_at: self.created_at,
            updated_at: self.updated_at,
            finished_at: self.finished_at,
            progress: progress_of_counts(counts, self.created_at, end),
        }
    }

    pub(crate) fn detail(&self, counts: Vec<(StateKind, u64)>, now: i64) -> RolloutDetail {
        RolloutDetail {
            summary: self.summary(counts, now),
            ext_json_template: self.ext_json_template.clone(),
            limits: self.limits,
            items: self.items.clone(),
            now,
        }
    }
}

/// The rollout, whatever its status; NotFound when there is none.
pub(crate) async fn load(state: &AppState, id: i64) -> Result<Rollout, AppError> {
    match db::rollouts::find(&state.db, id).await? {
        Some(row) => Rollout::from_row(row),
        None => Err(AppError::NotFound),
    }
}

/// An entry of the audit log about a rollout, by a signed-in user.
pub(crate) async fn record(
    state: &AppState,
    user: &CurrentUser,
    action: &str,
    id: i64,
    detail: &str,
) -> Result<(), AppError> {
    audit_log::record(
        &state.db,
        Actor::from(user),
        Event {
            action,
            target_type: "rollout",
            target_id: &id.to_string(),
            merchant_id: None,
            outcome: Outcome::Success,
            detail,
        },
    )
    .await
}
