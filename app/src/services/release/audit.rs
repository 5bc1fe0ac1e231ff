//! Review: the submit form's options, submitting the development version, reading the
//! result, withdrawing, and (simulator only) the reviewers' verdict.

use super::load::load;
use super::view::{build_view, simulator_for};
use super::write::Write;
use super::{authorize, authorize_to, unavailable, AppState, Operator};
use crate::db::{self, code_audits};
use crate::domain::audit_log::action;
use crate::domain::merchant_permission::Need;
use crate::domain::release::field_errors;
use crate::domain::release::state::{AuditStatus, Unavailable};
use crate::domain::release::submission::{check_audit_items, AuditItem, Category};
use crate::domain::release::view::{ReleaseView, SubmitOptions};
use crate::error::AppError;
use crate::model::{CurrentUser, MiniProgramRow};
use crate::services::audit_tracking;
use wechat::api::code as wx;

fn categories_of(list: Vec<wx::CategoryItem>) -> Vec<Category> {
    let id = |v: i64| u32::try_from(v).unwrap_or(0);
    list.into_iter()
        .map(|c| Category {
            first_class: c.first_class,
            second_class: c.second_class,
            third_class: c.third_class,
            first_id: id(c.first_id),
            second_id: id(c.second_id),
            third_id: c.third_id.map(id),
        })
        .collect()
}

/// The categories `appid` may submit under (get_category), as the submit form holds them.
pub async fn categories(state: &AppState, appid: &str) -> Result<Vec<Category>, AppError> {
    let platform = state.platform()?;
    Ok(categories_of(
        platform
            .client
            .get_category(&platform.ctx(appid))
            .await?
            .category_list,
    ))
}

async fn read_submit_options(state: &AppState, appid: &str) -> Result<SubmitOptions, AppError> {
    let platform = state.platform()?;
    let ctx = platform.ctx(appid);
    let pages = match platform.client.get_page(&ctx).await {
        Ok(p) => p.page_list,
        // Nothing committed yet: no pages to choose from.
        Err(wechat::Error::Api { errcode: 85086, .. }) => Vec::new(),
        Err(e) => return Err(e.into()),
    };
    let categories = categories_of(platform.client.get_category(&ctx).await?.category_list);
    Ok(SubmitOptions { pages, categories })
}

pub async fn submit_options(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
) -> Result<SubmitOptions, AppError> {
    authorize(state, user, appid).await?;
    read_submit_options(state, appid).await
}

fn to_wechat_item(i: &AuditItem) -> wx::AuditItem {
    wx::AuditItem {
        address: i.address.trim().to_owned(),
        tag: i.tag.split_whitespace().collect::<Vec<_>>().join(" "),
        first_class: i.first_class.trim().to_owned(),
        second_class: i.second_class.trim().to_owned(),
        third_class: i
            .third_class
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned),
        first_id: i64::from(i.first_id),
        second_id: i64::from(i.second_id),
        third_id: i.third_id.filter(|&t| t != 0).map(i64::from),
        title: i.title.trim().to_owned(),
    }
}

pub async fn submit_audit(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
    items: Vec<AuditItem>,
    feedback_info: Option<String>,
) -> Result<ReleaseView, AppError> {
    let program = authorize_to(state, user, appid, Need::Submit).await?;
    submit_as(state, &user.into(), &program, items, feedback_info).await?;
    build_view(state, user, &program, None).await
}

/// Submits the development version for review as `op`. Returns the auditid.
pub async fn submit_as(
    state: &AppState,
    op: &Operator,
    program: &MiniProgramRow,
    items: Vec<AuditItem>,
    feedback_info: Option<String>,
) -> Result<i64, AppError> {
    let appid = program.appid.as_str();
    let now = db::now();
    let loaded = load(&state.db, appid, now).await?;
    loaded.state.can_submit_audit().map_err(unavailable)?;
    let options = read_submit_options(state, appid).await?;
    check_audit_items(&items, &options.pages, &options.categories)
        .map_err(|v| AppError::Invalid(field_errors(v)))?;
    let feedback_info =
        crate::domain::release::submission::check_feedback(feedback_info.as_deref())
            .map_err(|v| AppError::Invalid(field_errors(vec![v])))?;
    let wechat_items: Vec<wx::AuditItem> = items.iter().map(to_wechat_item).collect();
    let item_list = serde_json::to_string(&wechat_items).unwrap_or_else(|_| "[]".into());
    let request = wx::SubmitAuditRequest {
        item_list: wechat_items,
        feedback_info,
        ..Default::default()
    };
    let platform = state.platform()?;
    let ctx = platform.ctx(appid);
    let commit = loaded.commit.as_ref();
    let version = commit.map(|c| c.user_version.clone()).unwrap_or_default();
    let record = |auditid: i64| code_audits::NewAudit {
        appid,
        auditid,
        commit_id: commit.map(|c| c.id),
        user_version: &version,
        item_list: &item_list,
        submitted_by: op.id,
        submitted_by_name: &op.name,
    };
    let write = Write {
        state,
        op,
        program,
        action: action::RELEASE_SUBMIT_AUDIT,
        detail: format!("version={version}"),
    };
    let submitted = async {
        platform
            .client
            .submit_audit(&ctx, &request)
            .await
            .map(|a| a.auditid)
    };
    // A lost answer: the submit happened if WeChat's latest audit is a new, pending one.
    let new_pending = async || {
        let latest = platform.client.get_latest_auditstatus(&ctx).await.ok()?;
        let known = loaded.audit.as_ref().map(|a| a.auditid);
        (Some(latest.auditid) != known
            && AuditStatus::from_code(latest.status).is_some_and(AuditStatus::is_pending))
        .then_some(latest.auditid)
    };
    let auditid = write.call(submitted, new_pending).await?;
    write.succeeded(&format!("auditid={auditid}")).await?;
    code_audits::insert_submitted(&state.db, &record(auditid), db::now()).await?;
    Ok(auditid)
}

pub async fn refresh_audit(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
) -> Result<ReleaseView, AppError> {
    let program = authorize(state, user, appid).await?;
    refresh_as(state, &user.into(), &program).await?;
    build_view(state, user, &program, None).await
}

/// Reads the pending audit's status (get_auditstatus) and records a result with the same
/// conditional update as push and polling. True when the record changed.
pub async fn refresh_as(
    state: &AppState,
    op: &Operator,
    program: &MiniProgramRow,
) -> Result<bool, AppError> {
    let appid = program.appid.as_str();
    let Some(audit) = code_audits::latest_for_app(&state.db, appid).await? else {
        return Err(unavailable(Unavailable::NoPendingAudit));
    };
    if audit.status != code_audits::AUDITING && audit.status != code_audits::DELAYED {
        return Ok(false);
    }
    // The same path as push and polling, so the result also notifies the mini program's people.
    let answer = audit_tracking::ask_wechat(state, appid, audit.auditid).await?;
    let changed =
        audit_tracking::record(state, &answer.reported(appid, audit.auditid, "refresh")).await?;
    if changed {
        Write {
            state,
            op,
            program,
            action: action::RELEASE_AUDIT_REFRESH,
            detail: format!("auditid={} status={}", audit.auditid, answer.status),
        }
        .succeeded("")
        .await?;
    }
    Ok(changed)
}

pub async fn undo_audit(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
) -> Result<ReleaseView, AppError> {
    let program = authorize_to(state, user, appid, Need::Submit).await?;
    let op: Operator = user.into();
    let now = db::now();
    let loaded = load(&state.db, appid, now).await?;
    loaded.state.can_undo_audit().map_err(unavailable)?;
    let auditid = loaded.audit.as_ref().map(|a| a.auditid).unwrap_or_default();
    let platform = state.platform()?;
    let ctx = platform.ctx(appid);
    let write = Write {
        state,
        op: &op,
        program: &program,
        action: action::RELEASE_UNDO_AUDIT,
        detail: format!("auditid={auditid}"),
    };
    // A lost answer: withdrawn if WeChat says so.
    let withdrawn = async || {
        let s = platform.client.get_auditstatus(&ctx, auditid).await.ok()?;
        (s.status == code_audits::WITHDRAWN).then_some(())
    };
    write
        .call(
            async { platform.client.undo_code_audit(&ctx).await.map(|_| ()) },
            withdrawn,
        )
        .await?;
    code_audits::mark_withdrawn(&state.db, appid, auditid, db::now()).await?;
    write.succeeded("").await?;
    build_view(state, user, &program, None).await
}

/// Simulator mode only, staff only: plays the reviewers' verdict on the pending audit
/// (0 approved, 1 rejected, 4 delayed) and records it like the refresh does.
pub async fn simulate_audit(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
    status: i64,
    reason: Option<String>,
) -> Result<ReleaseView, AppError> {
    let program = authorize(state, user, appid).await?;
    let control = simulator_for(state, user).ok_or(AppError::Forbidden)?;
    if ![0, 1, 4].contains(&status) {
        return Err(crate::error::field_error(
            "status",
            crate::domain::validation::FieldProblem::UnknownValue,
        ));
    }
    let loaded = load(&state.db, appid, db::now()).await?;
    if !loaded
        .state
        .audit
        .as_ref()
        .is_some_and(|a| a.status.is_pending())
    {
        return Err(unavailable(Unavailable::NoPendingAudit));
    }
    wechat::simulator::SimControl::new(control)
        .finish_audit(
            appid,
            status,
            reason.as_deref().filter(|r| !r.trim().is_empty()),
        )
        .await
        .map_err(|e| AppError::WechatUnavailable(e.to_string()))?;
    refresh_as(state, &user.into(), &program).await?;
    build_view(state, user, &program, None).await
}
