//! The console's record of a mini program's release state, and the gray plan read fresh.

use crate::db::{code_audits, code_commits, release_status, Db};
use crate::domain::release::gray::{GrayPlan, GrayStatus};
use crate::domain::release::state::{
    AuditStatus, AuditVersion, DevelopmentVersion, OnlineVersion, ReleaseState, VisitStatus,
};
use crate::domain::release::undo_quota::undo_quota;
use crate::error::AppError;
use crate::services::AppState;

pub(super) struct Loaded {
    pub state: ReleaseState,
    pub commit: Option<code_commits::CommitRow>,
    pub audit: Option<code_audits::AuditRow>,
    pub status: Option<release_status::StatusRow>,
}

pub(super) fn gray_plan(status: Option<i64>, percentage: Option<i64>) -> Option<GrayPlan> {
    let status = GrayStatus::from_code(status?)?;
    let percentage = u8::try_from(percentage.unwrap_or(0).clamp(0, 100)).unwrap_or(0);
    Some(GrayPlan { status, percentage })
}

pub(super) async fn load(db: &Db, appid: &str, now: i64) -> Result<Loaded, AppError> {
    let commit = code_commits::latest_for_app(db, appid).await?;
    let audit = code_audits::latest_for_app(db, appid).await?;
    let status = release_status::get(db, appid).await?;
    let undo = code_audits::undo_times(db, appid).await?;
    let online = status.as_ref().and_then(|s| {
        s.online_version.as_ref().map(|v| OnlineVersion {
            user_version: v.clone(),
            has_previous: s.previous_version.is_some(),
            is_reverted: s.online_is_reverted != 0,
        })
    });
    let state = ReleaseState {
        development: commit.as_ref().map(|c| DevelopmentVersion {
            user_version: c.user_version.clone(),
            user_desc: c.user_desc.clone(),
        }),
        // A released audit is no audit version any more (WeChat: 85019/85020/85080).
        audit: audit
            .as_ref()
            .filter(|a| a.released_at.is_none())
            .and_then(|a| {
                Some(AuditVersion {
                    auditid: a.auditid,
                    status: AuditStatus::from_code(a.status)?,
                    reason: a.reason.clone(),
                })
            }),
        online,
        gray: status
            .as_ref()
            .and_then(|s| gray_plan(s.gray_status, s.gray_percentage)),
        visit: match status.as_ref().map(|s| s.visit_status.as_str()) {
            Some("close") => VisitStatus::Closed,
            _ => VisitStatus::Open,
        },
        undo_quota: undo_quota(&undo, now),
    };
    Ok(Loaded {
        state,
        commit,
        audit,
        status,
    })
}

/// Reads the gray plan from WeChat and stores it; the stored plan stays when WeChat cannot
/// be reached (the page still renders).
pub(super) async fn sync_gray(state: &AppState, appid: &str, now: i64) -> Result<(), AppError> {
    let platform = state.platform()?;
    let plan = platform
        .client
        .get_gray_release_plan(&platform.ctx(appid))
        .await?
        .gray_release_plan;
    let stored = (plan.status != 0 || plan.gray_percentage != 0)
        .then_some((plan.status, plan.gray_percentage));
    release_status::set_gray(&state.db, appid, stored, now).await?;
    Ok(())
}
