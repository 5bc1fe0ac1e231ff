//! The online version: release, visit status, revert, gray release and its revert.

use super::load::{gray_plan, load, sync_gray};
use super::view::build_view;
use super::write::{nothing_to_read, Write};
use super::{authorize_to, unavailable, AppState, Operator};
use crate::db::{self, code_audits, code_commits, release_status};
use crate::domain::audit_log::action;
use crate::domain::merchant_permission::Need;
use crate::domain::release::field_errors;
use crate::domain::release::gray::check_gray_percentage;
use crate::domain::release::state::{Unavailable, VisitStatus};
use crate::domain::release::view::ReleaseView;
use crate::error::AppError;
use crate::model::{CurrentUser, MiniProgramRow};
use wechat::api::code as wx;

pub async fn release(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
) -> Result<ReleaseView, AppError> {
    let program = authorize_to(state, user, appid, Need::Release).await?;
    release_as(state, &user.into(), &program).await?;
    build_view(state, user, &program, None).await
}

/// Releases the approved audit version as `op`.
pub async fn release_as(
    state: &AppState,
    op: &Operator,
    program: &MiniProgramRow,
) -> Result<(), AppError> {
    let appid = program.appid.as_str();
    let loaded = load(&state.db, appid, db::now()).await?;
    loaded.state.can_release().map_err(unavailable)?;
    let Some(audit) = loaded.audit else {
        return Err(unavailable(Unavailable::NoAuditVersion));
    };
    let platform = state.platform()?;
    let write = Write {
        state,
        op,
        program,
        action: action::RELEASE_RELEASE,
        detail: format!("version={}", audit.user_version),
    };
    let ctx = platform.ctx(appid);
    write
        .call(platform.client.release(&ctx), nothing_to_read)
        .await?;
    record_release(state, appid, &audit).await?;
    write.succeeded(&format!("auditid={}", audit.auditid)).await
}

/// Records that `audit` went online: WeChat has no audit version left, the online version
/// is its version. Also for a release whose answer was lost and that WeChat shows done.
pub async fn record_release(
    state: &AppState,
    appid: &str,
    audit: &code_audits::AuditRow,
) -> Result<(), AppError> {
    let now = db::now();
    let commit = match audit.commit_id {
        Some(id) => code_commits::find(&state.db, id).await?,
        None => None,
    };
    code_audits::mark_released(&state.db, audit.id, now).await?;
    release_status::record_release(
        &state.db,
        appid,
        &release_status::Released {
            version: &audit.user_version,
            desc: commit.as_ref().map(|c| c.user_desc.as_str()).unwrap_or(""),
            template_id: commit.as_ref().map(|c| c.template_id),
            commit_id: audit.commit_id,
        },
        now,
    )
    .await?;
    Ok(())
}

pub async fn change_visit_status(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
    visit_action: String,
) -> Result<ReleaseView, AppError> {
    let program = authorize_to(state, user, appid, Need::Release).await?;
    let op: Operator = user.into();
    let target = VisitStatus::parse_action(visit_action.trim()).map_err(unavailable)?;
    let loaded = load(&state.db, appid, db::now()).await?;
    loaded
        .state
        .can_change_visit_status(target)
        .map_err(unavailable)?;
    let platform = state.platform()?;
    let wx_action = match target {
        VisitStatus::Open => wx::VisitAction::Open,
        VisitStatus::Closed => wx::VisitAction::Close,
    };
    let write = Write {
        state,
        op: &op,
        program: &program,
        action: action::RELEASE_VISIT_STATUS,
        detail: format!("action={}", target.action()),
    };
    let ctx = platform.ctx(appid);
    write
        .call(
            platform.client.change_visitstatus(&ctx, wx_action),
            nothing_to_read,
        )
        .await?;
    release_status::set_visit_status(&state.db, appid, target.action(), db::now()).await?;
    write.succeeded("").await?;
    build_view(state, user, &program, None).await
}

pub async fn revert(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
) -> Result<ReleaseView, AppError> {
    let program = authorize_to(state, user, appid, Need::Release).await?;
    let op: Operator = user.into();
    let now = db::now();
    // The gray plan decides (87011): read it fresh.
    sync_gray(state, appid, now).await?;
    let loaded = load(&state.db, appid, now).await?;
    loaded.state.can_revert().map_err(unavailable)?;
    let version_of = |f: fn(&release_status::StatusRow) -> Option<String>| {
        loaded.status.as_ref().and_then(f).unwrap_or_default()
    };
    let from = version_of(|s| s.online_version.clone());
    let to = version_of(|s| s.previous_version.clone());
    let platform = state.platform()?;
    let write = Write {
        state,
        op: &op,
        program: &program,
        action: action::RELEASE_REVERT,
        detail: format!("from={from} to={to}"),
    };
    let ctx = platform.ctx(appid);
    write
        .call(platform.client.revert_code_release(&ctx), nothing_to_read)
        .await?;
    release_status::record_revert(&state.db, appid, db::now()).await?;
    write.succeeded("").await?;
    build_view(state, user, &program, None).await
}

pub async fn gray_release(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
    percentage: i64,
) -> Result<ReleaseView, AppError> {
    let program = authorize_to(state, user, appid, Need::Release).await?;
    gray_release_as(state, &user.into(), &program, percentage).await?;
    build_view(state, user, &program, None).await
}

/// Releases the approved audit version to `percentage` % of users as `op` (a first step or
/// a higher one).
pub async fn gray_release_as(
    state: &AppState,
    op: &Operator,
    program: &MiniProgramRow,
    percentage: i64,
) -> Result<(), AppError> {
    let appid = program.appid.as_str();
    let now = db::now();
    sync_gray(state, appid, now).await?;
    let loaded = load(&state.db, appid, now).await?;
    loaded.state.can_gray_release().map_err(unavailable)?;
    let percentage = check_gray_percentage(percentage, loaded.state.gray.as_ref())
        .map_err(|v| AppError::Invalid(field_errors(vec![v])))?;
    let platform = state.platform()?;
    let ctx = platform.ctx(appid);
    let write = Write {
        state,
        op,
        program,
        action: action::RELEASE_GRAY,
        detail: format!("percentage={percentage}"),
    };
    // A lost answer: the step happened if the plan now stands at the percentage.
    let reached = async || {
        let plan = platform.client.get_gray_release_plan(&ctx).await.ok()?;
        let plan = plan.gray_release_plan;
        (plan.status == 1 && plan.gray_percentage == i64::from(percentage)).then_some(())
    };
    write
        .call(
            async {
                platform
                    .client
                    .gray_release(&ctx, i64::from(percentage))
                    .await
                    .map(|_| ())
            },
            reached,
        )
        .await?;
    sync_gray(state, appid, db::now()).await?;
    write.succeeded("").await
}

pub async fn revert_gray(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
) -> Result<ReleaseView, AppError> {
    let program = authorize_to(state, user, appid, Need::Release).await?;
    let op: Operator = user.into();
    let now = db::now();
    sync_gray(state, appid, now).await?;
    let loaded = load(&state.db, appid, now).await?;
    loaded.state.can_revert_gray().map_err(unavailable)?;
    let platform = state.platform()?;
    let ctx = platform.ctx(appid);
    let write = Write {
        state,
        op: &op,
        program: &program,
        action: action::RELEASE_REVERT_GRAY,
        detail: format!(
            "percentage={}",
            loaded.state.gray.map(|g| g.percentage).unwrap_or(0)
        ),
    };
    // A lost answer: reverted if the plan read back is no longer active.
    let plan_ended = async || {
        let plan = platform.client.get_gray_release_plan(&ctx).await.ok()?;
        let plan = plan.gray_release_plan;
        let active =
            gray_plan(Some(plan.status), Some(plan.gray_percentage)).is_some_and(|g| g.is_active());
        (!active).then_some(())
    };
    write
        .call(
            async { platform.client.revert_gray_release(&ctx).await.map(|_| ()) },
            plan_ended,
        )
        .await?;
    sync_gray(state, appid, db::now()).await?;
    write.succeeded("").await?;
    build_view(state, user, &program, None).await
}
