//! The lifecycle: which action is allowed in which state, and why not.
//!
//! draft ──submit(create)──▶ under_review ──▶ online | rejected
//! online ──offline──▶ offline;  online | rejected | offline ──submit(modify)──▶ under_review
//! any state but under_review ──delete──▶ (gone; a draft is discarded locally)

use super::errcode;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum WidgetStatus {
    /// Saved in the console, never submitted (or deleted on WeChat's side since).
    Draft,
    UnderReview,
    /// Approved and online.
    Online,
    Rejected,
    /// Taken offline: WeChat keeps the data for a later modify.
    Offline,
}

impl WidgetStatus {
    pub const ALL: [WidgetStatus; 5] = [
        WidgetStatus::Draft,
        WidgetStatus::UnderReview,
        WidgetStatus::Online,
        WidgetStatus::Rejected,
        WidgetStatus::Offline,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WidgetStatus::Draft => "draft",
            WidgetStatus::UnderReview => "under_review",
            WidgetStatus::Online => "online",
            WidgetStatus::Rejected => "rejected",
            WidgetStatus::Offline => "offline",
        }
    }

    pub fn parse(s: &str) -> Option<WidgetStatus> {
        WidgetStatus::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The access check's numbering (0 审核中, 1 已上线, 2 审核失败, 3 已下线).
    pub fn from_wechat(status: i64) -> Option<WidgetStatus> {
        match status {
            0 => Some(WidgetStatus::UnderReview),
            1 => Some(WidgetStatus::Online),
            2 => Some(WidgetStatus::Rejected),
            3 => Some(WidgetStatus::Offline),
            _ => None,
        }
    }

    /// Whether WeChat holds a function for this mini program.
    pub fn is_submitted(self) -> bool {
        self != WidgetStatus::Draft
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum WidgetAction {
    /// Create (first time) or modify (afterwards): both go to review.
    Submit,
    Offline,
    Delete,
}

impl WidgetAction {
    pub const ALL: [WidgetAction; 3] = [
        WidgetAction::Submit,
        WidgetAction::Offline,
        WidgetAction::Delete,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WidgetAction::Submit => "submit",
            WidgetAction::Offline => "offline",
            WidgetAction::Delete => "delete",
        }
    }
}

/// Why an action is not possible now; `errcode` is what WeChat would answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Blocked {
    /// 9008995: nothing may change while the review runs.
    UnderReview,
    /// 9008996: there is no function on WeChat's side to act on.
    NotSubmitted,
    /// 9008996: only an online function can be taken offline.
    NotOnline,
    /// 9009067: the monthly submissions are used up.
    QuotaReached,
    /// 9009098: WeChat says this mini program may not use function widgets.
    NotEligible,
}

impl Blocked {
    pub fn errcode(self) -> i64 {
        match self {
            Blocked::UnderReview => errcode::UNDER_REVIEW,
            Blocked::NotSubmitted | Blocked::NotOnline => errcode::NOT_FOUND,
            Blocked::QuotaReached => errcode::MAX_SUBMITS,
            Blocked::NotEligible => errcode::PARAM,
        }
    }
}

/// The monthly submission quota from the access check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quota {
    pub used: i64,
    pub max: i64,
}

impl Quota {
    pub fn left(self) -> i64 {
        (self.max - self.used).max(0)
    }
}

/// Whether `action` is allowed in `status`. `quota` and `eligible` are what the last
/// access check said (None: unknown, WeChat decides).
pub fn allowed(
    status: WidgetStatus,
    action: WidgetAction,
    quota: Option<Quota>,
    eligible: Option<bool>,
) -> Result<(), Blocked> {
    if status == WidgetStatus::UnderReview {
        return Err(Blocked::UnderReview);
    }
    match action {
        WidgetAction::Submit => {
            if status == WidgetStatus::Draft && eligible == Some(false) {
                return Err(Blocked::NotEligible);
            }
            if quota.is_some_and(|q| q.left() == 0) {
                return Err(Blocked::QuotaReached);
            }
            Ok(())
        }
        WidgetAction::Offline => match status {
            WidgetStatus::Online => Ok(()),
            WidgetStatus::Draft => Err(Blocked::NotSubmitted),
            _ => Err(Blocked::NotOnline),
        },
        // A draft is discarded locally; anything else is deleted on WeChat's side too.
        WidgetAction::Delete => Ok(()),
    }
}
