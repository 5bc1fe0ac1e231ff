//! The release page's data: the console's record, the gray plan and the support version
//! read from WeChat, and which actions the user may take now.

use super::load::{load, sync_gray, Loaded};
use super::support_version::read_support;
use super::{authorize, AppState};
use crate::db::{self, code_audits};
use crate::domain::merchant_permission::{need_for, MerchantPermission};
use crate::domain::release::state::{available_actions, Action, Unavailable};
use crate::domain::release::view::{AuditInfo, CommitInfo, OnlineInfo, ReleaseView, SupportInfo};
use crate::error::AppError;
use crate::model::{CurrentUser, MiniProgramRow};
use crate::services::mini_programs;

/// How many audits the history shows.
const HISTORY_LIMIT: i64 = 20;

fn audit_info(a: &code_audits::AuditRow) -> AuditInfo {
    AuditInfo {
        auditid: a.auditid,
        status: a.status,
        reason: a.reason.clone(),
        screenshots: a
            .screenshots
            .as_deref()
            .unwrap_or("")
            .split('|')
            .filter(|s| !s.trim().is_empty())
            .map(str::to_owned)
            .collect(),
        user_version: a.user_version.clone(),
        submitted_by_name: a.submitted_by_name.clone(),
        submitted_at: a.submitted_at,
        finished_at: a.finished_at,
        result_source: a.result_source.clone(),
        released: a.released_at.is_some(),
    }
}

pub(super) async fn build_view(
    state: &AppState,
    user: &CurrentUser,
    program: &MiniProgramRow,
    support: Option<SupportInfo>,
) -> Result<ReleaseView, AppError> {
    let now = db::now();
    let grant = mini_programs::grant_of(&state.db, user).await?;
    let Loaded {
        state: rs,
        commit,
        audit,
        status,
    } = load(&state.db, &program.appid, now).await?;
    let history = code_audits::list_for_app(&state.db, &program.appid, HISTORY_LIMIT)
        .await?
        .iter()
        .map(audit_info)
        .collect();
    let online = status.as_ref().and_then(|s| {
        s.online_version.as_ref().map(|v| OnlineInfo {
            version: v.clone(),
            desc: s.online_desc.clone(),
            released_at: s.online_released_at,
            previous_version: s.previous_version.clone(),
            is_reverted: s.online_is_reverted != 0,
        })
    });
    let support = support.or_else(|| {
        status
            .as_ref()
            .and_then(|s| s.support_version.clone())
            .map(|now_version| SupportInfo {
                now_version,
                items: Vec::new(),
            })
    });
    Ok(ReleaseView {
        appid: program.appid.clone(),
        nick_name: program.nick_name.clone(),
        development: commit.map(|c| CommitInfo {
            id: c.id,
            template_id: c.template_id,
            user_version: c.user_version,
            user_desc: c.user_desc,
            ext_json: c.ext_json,
            committed_by_name: c.committed_by_name,
            committed_at: c.committed_at,
        }),
        audit: audit.as_ref().map(audit_info),
        history,
        online,
        gray: rs.gray,
        visit: rs.visit,
        support,
        undo_quota: rs.undo_quota,
        actions: granted(available_actions(&rs), grant),
        grant,
        state: rs,
        now,
        simulator: simulator_for(state, user).is_some(),
    })
}

/// Actions outside the merchant's permission show as unavailable, with that reason.
fn granted(
    actions: Vec<(Action, Result<(), Unavailable>)>,
    grant: MerchantPermission,
) -> Vec<(Action, Result<(), Unavailable>)> {
    actions
        .into_iter()
        .map(|(a, r)| {
            if grant.allows(need_for(a)) {
                (a, r)
            } else {
                (a, Err(Unavailable::NotGranted))
            }
        })
        .collect()
}

/// The page's data. The gray plan and the support version are read from WeChat each time
/// (reads only); everything else is the console's own record.
pub async fn view(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
) -> Result<ReleaseView, AppError> {
    let program = authorize(state, user, appid).await?;
    let now = db::now();
    if let Err(e) = sync_gray(state, appid, now).await {
        tracing::debug!(appid, error = %e, "gray plan not read; showing the stored one");
    }
    let support = read_support(state, appid).await;
    build_view(state, user, &program, support).await
}

/// The simulator's control API, for staff in the embedded default only.
pub(super) fn simulator_for(state: &AppState, user: &CurrentUser) -> Option<String> {
    if !user.role.sees_whole_fleet() {
        return None;
    }
    state.platform.as_ref()?.simulator_control.clone()
}
