//! Creating a rollout (staff only): the request is planned again on the server — nothing the
//! browser computed is trusted — and, when the plan can start, the rollout and all its
//! targets are stored in one transaction: the planned ones pending, the skipped ones (those
//! with a well-formed AppID, once each) skipped with their reason.

use super::super::{auth, AppState};
use super::plan::build;
use super::{action, record};
use crate::db::{
    self,
    rollouts::{Inserted, NewRollout, NewTarget},
};
use crate::domain::release::field_errors;
use crate::domain::rollout::{SkipReason, TargetState, TemplateError};
use crate::domain::rollout_view::{RolloutRefusal, RolloutRequest, RolloutStatus};
use crate::domain::validation::{FieldError, FieldProblem};
use crate::error::AppError;
use crate::model::CurrentUser;
use std::collections::{HashMap, HashSet};

fn template_problem(e: &TemplateError) -> FieldProblem {
    match e {
        TemplateError::UnknownVariable { name } | TemplateError::Unclosed { name } => {
            FieldProblem::QrUnknownVariable { name: name.clone() }
        }
        TemplateError::NoValue { name } => FieldProblem::QrNoValue { name: name.clone() },
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, AppError> {
    serde_json::to_string(value).map_err(|e| {
        tracing::error!(error = %e, "rollout not serializable");
        AppError::Internal
    })
}

/// Creates the rollout; its id. Refused (422) when the plan cannot start: the spec's
/// violations at their fields, the ext_json template's problem, or no target to run.
pub async fn create(
    state: &AppState,
    user: &CurrentUser,
    request: RolloutRequest,
) -> Result<i64, AppError> {
    auth::require_staff(user)?;
    let built = build(state, &request).await?;
    let plan = &built.plan;
    if !plan.can_start() {
        let mut errors: Vec<FieldError> = field_errors(plan.violations.clone());
        if let Some(e) = &plan.template_error {
            errors.push(FieldError::new(
                "spec.ext_json_template",
                template_problem(e),
            ));
        }
        if plan.run.is_empty() {
            // Every target is in other rollouts (taken since the preview, or listed again):
            // say so rather than "required".
            let taken = !plan.skipped.is_empty()
                && plan
                    .skipped
                    .iter()
                    .all(|s| matches!(s.reason, SkipReason::InOtherRollout));
            if errors.is_empty() && taken {
                return Err(AppError::RolloutUnavailable(RolloutRefusal::TargetsTaken));
            }
            errors.push(FieldError::new("targets", FieldProblem::Required));
        }
        return Err(AppError::Invalid(errors));
    }
    let merchants: HashMap<&str, Option<i64>> = built
        .candidates
        .iter()
        .map(|c| (c.appid.trim(), c.merchant.as_ref().map(|m| m.id)))
        .collect();
    let mut targets: Vec<NewTarget> = plan
        .run
        .iter()
        .map(|t| NewTarget {
            appid: t.appid.clone(),
            merchant_id: t.merchant_id,
            state: TargetState::Pending,
            skip_reason: None,
            ext_json: t.ext_json.clone(),
            gray_skipped: t.gray_skipped,
        })
        .collect();
    let mut stored: HashSet<String> = plan.run.iter().map(|t| t.appid.clone()).collect();
    for s in &plan.skipped {
        if matches!(s.reason, SkipReason::InvalidAppid | SkipReason::Duplicate)
            || !stored.insert(s.appid.clone())
        {
            continue;
        }
        targets.push(NewTarget {
            appid: s.appid.clone(),
            merchant_id: merchants.get(s.appid.as_str()).copied().flatten(),
            state: TargetState::Skipped,
            skip_reason: Some(s.reason.as_str()),
            ext_json: String::new(),
            gray_skipped: false,
        });
    }
    let spec = &request.spec;
    let policy = to_json(&spec.policy)?;
    let limits = to_json(&built.limits)?;
    let items = to_json(&request.items)?;
    let status = if request.paused {
        RolloutStatus::Paused
    } else {
        RolloutStatus::Running
    };
    let inserted = db::rollouts::insert(
        &state.db,
        &NewRollout {
            template_id: spec.template_id,
            user_version: spec.user_version.trim(),
            user_desc: &spec.user_desc,
            ext_json_template: &spec.ext_json_template,
            policy: &policy,
            limits: &limits,
            item_list: &items,
            status,
            created_by: Some(user.id),
            created_by_name: &user.username,
        },
        &targets,
        db::now(),
    )
    .await?;
    // Another rollout took them between this plan and the insert: the operator plans again.
    let Inserted::Created { id, taken } = inserted else {
        return Err(AppError::RolloutUnavailable(RolloutRefusal::TargetsTaken));
    };
    record(
        state,
        user,
        action::CREATE,
        id,
        &format!(
            "template={} version={} targets={} skipped={} status={}",
            spec.template_id,
            spec.user_version.trim(),
            plan.run.len() - taken,
            plan.skipped.len() + taken,
            status.as_str()
        ),
    )
    .await?;
    Ok(id)
}
