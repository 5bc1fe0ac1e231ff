//! Planning a rollout: the targets (a pasted AppID list, or the fleet view's filters) become
//! candidates with what the console knows of each — registry status, merchant, the version
//! online and its template, an audit in review, a gray release under way, another unfinished
//! rollout — and the domain planner decides who runs, who is skipped and why, and how long
//! it takes at the limits.

use super::super::{auth, AppState};
use crate::db::{self, rollouts::CandidateRow};
use crate::domain::mini_program::AppStatus;
use crate::domain::release::errcode::INVALID_TEMPLATE_ID;
use crate::domain::release::Violation;
use crate::domain::rollout::{
    self, Limits, MerchantInfo, Plan, TargetCandidate, AUDIT_QUOTA_WINDOW_SECS,
};
use crate::domain::rollout_view::{
    check_items, split_appids, PlanView, RolloutRequest, TargetSelection, TARGETS_MAX,
};
use crate::domain::validation::FieldProblem;
use crate::error::{field_error, AppError};
use crate::model::CurrentUser;
use std::collections::{HashMap, HashSet};

/// Mini programs the 7-day audit quota admits in all: the simulator's figure (the seed
/// names 85085 but not its size).
pub const AUDIT_QUOTA_PER_WINDOW: u32 = 100;

/// What planning found, for `plan` and `create`.
pub(super) struct Built {
    pub plan: Plan,
    pub candidates: Vec<TargetCandidate>,
    pub limits: Limits,
}

/// Staff only: the plan of a request, nothing stored.
pub async fn plan(
    state: &AppState,
    user: &CurrentUser,
    request: RolloutRequest,
) -> Result<PlanView, AppError> {
    auth::require_staff(user)?;
    let built = build(state, &request).await?;
    Ok(PlanView {
        audit_quota_remaining: built.limits.audit_quota_remaining,
        plan: built.plan,
    })
}

pub(super) async fn build(state: &AppState, request: &RolloutRequest) -> Result<Built, AppError> {
    let appids = match &request.targets {
        TargetSelection::Appids { text } => split_appids(text),
        TargetSelection::Fleet { query } => {
            let max = i64::try_from(TARGETS_MAX).unwrap_or(i64::MAX) + 1;
            db::fleet_release::appids(&state.db, None, &query.clone().normalized(), max).await?
        }
    };
    if appids.len() > TARGETS_MAX {
        return Err(field_error(
            "targets",
            FieldProblem::TooMany { max: TARGETS_MAX },
        ));
    }
    let candidates = candidates(state, &appids).await?;
    let limits = limits(state, &request.limits).await?;
    let mut plan = rollout::plan(&candidates, &request.spec, &limits);
    // The template must be in the platform's library (commit would answer 85014).
    if request.spec.template_id > 0 {
        let platform = state.platform()?;
        let templates = platform
            .client
            .get_template_list(&platform.component_ctx(), None)
            .await?
            .template_list;
        if !templates
            .iter()
            .any(|t| t.template_id == request.spec.template_id)
        {
            plan.violations.push(Violation::new(
                "template_id",
                FieldProblem::UnknownValue,
                INVALID_TEMPLATE_ID,
            ));
        }
    }
    if let Err(mut v) = check_items(&request.items) {
        plan.violations.append(&mut v);
    }
    Ok(Built {
        plan,
        candidates,
        limits,
    })
}

/// The request's limits with the audit quota as the console's records show it (mini
/// programs submitted in the last 7 days) and the assumptions bounded.
async fn limits(state: &AppState, asked: &Limits) -> Result<Limits, AppError> {
    let window = i64::try_from(AUDIT_QUOTA_WINDOW_SECS).unwrap_or(i64::MAX);
    let submitted = db::rollouts::submitted_apps_since(&state.db, db::now() - window).await?;
    let submitted = u32::try_from(submitted.max(0)).unwrap_or(u32::MAX);
    Ok(Limits {
        audit_quota_remaining: AUDIT_QUOTA_PER_WINDOW.saturating_sub(submitted),
        audit_quota_per_window: AUDIT_QUOTA_PER_WINDOW,
        expected_audit_secs: asked.expected_audit_secs.clamp(60, 30 * 86_400),
        call_millis: asked.call_millis.clamp(1, 60_000),
        ..*asked
    })
}

/// One candidate per listed AppID, in order (repeats and malformed ones included: the
/// planner skips them with their reason).
async fn candidates(state: &AppState, appids: &[String]) -> Result<Vec<TargetCandidate>, AppError> {
    let mut seen = HashSet::new();
    let valid: Vec<String> = appids
        .iter()
        .map(|a| a.trim())
        .filter(|a| wechat::is_valid_appid(a) && seen.insert(*a))
        .map(str::to_owned)
        .collect();
    let rows: HashMap<String, CandidateRow> = db::rollouts::candidates(&state.db, &valid)
        .await?
        .into_iter()
        .map(|r| (r.appid.clone(), r))
        .collect();
    let busy = db::rollouts::in_unfinished_rollouts(&state.db, &valid).await?;
    Ok(appids
        .iter()
        .map(|appid| match rows.get(appid.trim()) {
            Some(r) => candidate(appid, r, busy.contains(&r.appid)),
            None => TargetCandidate {
                appid: appid.clone(),
                ..TargetCandidate::default()
            },
        })
        .collect())
}

fn candidate(appid: &str, r: &CandidateRow, in_other_rollout: bool) -> TargetCandidate {
    TargetCandidate {
        appid: appid.to_owned(),
        nick_name: r.nick_name.clone(),
        merchant: r.merchant_id.map(|id| MerchantInfo {
            id,
            name: r.merchant_name.clone().unwrap_or_default(),
            fields: Default::default(),
        }),
        status: Some(AppStatus::parse(&r.status).unwrap_or(AppStatus::Unauthorized)),
        online_version: r.online_version.clone(),
        online_template_id: r.online_template_id,
        audit_in_review: matches!(r.audit_status, Some(2 | 4)),
        gray_active: matches!(r.gray_status, Some(1 | 2)),
        in_other_rollout,
    }
}
