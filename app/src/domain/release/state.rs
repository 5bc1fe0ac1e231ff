//! Where a mini program's code stands, and which release actions it allows right now.
//! Each refusal names the errcode WeChat would answer, so the console can grey a button
//! out with the reason instead of letting the call fail.

use super::errcode::*;
use super::gray::{current_percentage, GrayPlan, GRAY_PERCENTAGE_MAX};
use super::undo_quota::UndoQuota;
use serde::{Deserialize, Serialize};

/// get_auditstatus's status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AuditStatus {
    Approved,
    Rejected,
    Auditing,
    Withdrawn,
    Delayed,
}

impl AuditStatus {
    pub fn from_code(code: i64) -> Option<AuditStatus> {
        Some(match code {
            0 => AuditStatus::Approved,
            1 => AuditStatus::Rejected,
            2 => AuditStatus::Auditing,
            3 => AuditStatus::Withdrawn,
            4 => AuditStatus::Delayed,
            _ => return None,
        })
    }

    /// Still with the reviewers: a delayed audit is an audit that takes longer.
    pub fn is_pending(self) -> bool {
        matches!(self, AuditStatus::Auditing | AuditStatus::Delayed)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DevelopmentVersion {
    pub user_version: String,
    pub user_desc: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditVersion {
    pub auditid: i64,
    pub status: AuditStatus,
    pub reason: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OnlineVersion {
    pub user_version: String,
    /// A previous online version exists to go back to.
    pub has_previous: bool,
    /// This version is itself the result of a revert (or predates the revert feature):
    /// WeChat refuses to revert it again.
    pub is_reverted: bool,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum VisitStatus {
    /// Released code is visible by default.
    #[default]
    Open,
    Closed,
}

impl VisitStatus {
    /// change_visitstatus's `action`: only "open" and "close" exist (85022).
    pub fn parse_action(action: &str) -> Result<VisitStatus, Unavailable> {
        match action {
            "open" => Ok(VisitStatus::Open),
            "close" => Ok(VisitStatus::Closed),
            _ => Err(Unavailable::InvalidVisitAction),
        }
    }

    pub fn action(self) -> &'static str {
        match self {
            VisitStatus::Open => "open",
            VisitStatus::Closed => "close",
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseState {
    pub development: Option<DevelopmentVersion>,
    /// The latest audit, if any was submitted.
    pub audit: Option<AuditVersion>,
    pub online: Option<OnlineVersion>,
    pub gray: Option<GrayPlan>,
    pub visit: VisitStatus,
    /// From `undo_quota::undo_quota(past undos, now)`, so this stays a pure value.
    pub undo_quota: UndoQuota,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Action {
    Commit,
    SubmitAudit,
    UndoAudit,
    Release,
    ChangeVisitStatus(VisitStatus),
    Revert,
    GrayRelease,
    RevertGray,
}

/// Why an action is not possible now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Unavailable {
    NoCodeCommitted,
    AlreadyAuditing,
    NoPendingAudit,
    UndoQuotaReached,
    NoAuditVersion,
    AuditNotApproved,
    NoOnlineVersion,
    VisitStatusAlreadySet,
    InvalidVisitAction,
    GrayReleaseInProgress,
    NoPreviousVersion,
    AlreadyReverted,
    GrayWithoutOnlineVersion,
    GrayAuditNotApproved,
    GrayAlreadyFull,
    NoActiveGrayPlan,
    /// The merchant's permission (set by an admin) does not include this action.
    NotGranted,
}

impl Unavailable {
    /// The errcode WeChat answers for the same refusal; None where it only has -1.
    pub fn errcode(self) -> Option<i64> {
        Some(match self {
            Unavailable::NoCodeCommitted => NO_CODE_COMMITTED,
            Unavailable::AlreadyAuditing => ALREADY_AUDITING,
            Unavailable::UndoQuotaReached => UNDO_QUOTA_REACHED,
            Unavailable::NoAuditVersion => NO_AUDIT_VERSION,
            Unavailable::AuditNotApproved => AUDIT_NOT_RELEASABLE,
            Unavailable::NoOnlineVersion | Unavailable::VisitStatusAlreadySet => {
                VISIT_STATUS_UNCHANGEABLE
            }
            Unavailable::InvalidVisitAction => INVALID_VISIT_ACTION,
            Unavailable::GrayReleaseInProgress => REVERT_DURING_GRAY,
            Unavailable::NoPreviousVersion | Unavailable::AlreadyReverted => NOT_REVERTIBLE,
            Unavailable::GrayWithoutOnlineVersion => GRAY_WITHOUT_ONLINE_VERSION,
            Unavailable::GrayAuditNotApproved => GRAY_AUDIT_NOT_APPROVED,
            Unavailable::GrayAlreadyFull => GRAY_PERCENTAGE_NOT_HIGHER,
            Unavailable::NoPendingAudit
            | Unavailable::NoActiveGrayPlan
            | Unavailable::NotGranted => return None,
        })
    }
}

type Check = Result<(), Unavailable>;

fn require(condition: bool, otherwise: Unavailable) -> Check {
    if condition {
        Ok(())
    } else {
        Err(otherwise)
    }
}

impl ReleaseState {
    fn audit_status(&self) -> Option<AuditStatus> {
        self.audit.as_ref().map(|a| a.status)
    }

    fn gray_active(&self) -> bool {
        self.gray.is_some_and(|g| g.is_active())
    }

    /// A new commit replaces the development version whatever else is going on.
    pub fn can_commit(&self) -> Check {
        Ok(())
    }

    /// Code must be committed first (85086), and one audit at a time (85009).
    pub fn can_submit_audit(&self) -> Check {
        require(self.development.is_some(), Unavailable::NoCodeCommitted)?;
        require(
            !self.audit_status().is_some_and(AuditStatus::is_pending),
            Unavailable::AlreadyAuditing,
        )
    }

    /// Only an audit under way can be withdrawn, within the quota (87013).
    pub fn can_undo_audit(&self) -> Check {
        require(
            self.audit_status().is_some_and(AuditStatus::is_pending),
            Unavailable::NoPendingAudit,
        )?;
        require(self.undo_quota.allows_undo(), Unavailable::UndoQuotaReached)
    }

    /// A withdrawn audit leaves no audit version (85019); anything but approved is 85020.
    pub fn can_release(&self) -> Check {
        match self.audit_status() {
            None | Some(AuditStatus::Withdrawn) => Err(Unavailable::NoAuditVersion),
            Some(AuditStatus::Approved) => Ok(()),
            Some(_) => Err(Unavailable::AuditNotApproved),
        }
    }

    /// Only released code has a visibility, and setting the current one changes nothing (85021).
    pub fn can_change_visit_status(&self, target: VisitStatus) -> Check {
        require(self.online.is_some(), Unavailable::NoOnlineVersion)?;
        require(self.visit != target, Unavailable::VisitStatusAlreadySet)
    }

    /// Not during a gray release (87011); needs an earlier version that is no revert (87012).
    pub fn can_revert(&self) -> Check {
        require(!self.gray_active(), Unavailable::GrayReleaseInProgress)?;
        let Some(online) = &self.online else {
            return Err(Unavailable::NoPreviousVersion);
        };
        require(!online.is_reverted, Unavailable::AlreadyReverted)?;
        require(online.has_previous, Unavailable::NoPreviousVersion)
    }

    /// Needs an online version (85079), an approved audit (85080), and room above the
    /// current percentage (85082).
    pub fn can_gray_release(&self) -> Check {
        require(self.online.is_some(), Unavailable::GrayWithoutOnlineVersion)?;
        require(
            self.audit_status() == Some(AuditStatus::Approved),
            Unavailable::GrayAuditNotApproved,
        )?;
        require(
            current_percentage(self.gray.as_ref()).is_none_or(|p| p < GRAY_PERCENTAGE_MAX),
            Unavailable::GrayAlreadyFull,
        )
    }

    pub fn can_revert_gray(&self) -> Check {
        require(self.gray_active(), Unavailable::NoActiveGrayPlan)
    }
}

/// Every release action with whether it is possible now, in the order of the pipeline.
pub fn available_actions(state: &ReleaseState) -> Vec<(Action, Result<(), Unavailable>)> {
    let other_visit = match state.visit {
        VisitStatus::Open => VisitStatus::Closed,
        VisitStatus::Closed => VisitStatus::Open,
    };
    vec![
        (Action::Commit, state.can_commit()),
        (Action::SubmitAudit, state.can_submit_audit()),
        (Action::UndoAudit, state.can_undo_audit()),
        (Action::Release, state.can_release()),
        (
            Action::ChangeVisitStatus(other_visit),
            state.can_change_visit_status(other_visit),
        ),
        (Action::Revert, state.can_revert()),
        (Action::GrayRelease, state.can_gray_release()),
        (Action::RevertGray, state.can_revert_gray()),
    ]
}

#[cfg(test)]
mod tests;
