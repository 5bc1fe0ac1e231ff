//! What the domains page shows and sends: one mini program's lists as WeChat holds them,
//! what the signed-in user may do, and the outcome of the change just made (a partial
//! success lists what WeChat turned down).

use super::preview::{check_change, ChangeContext, Preview};
use super::{DomainAction, DomainKind, DomainLists};
use crate::domain::merchant_permission::{MerchantPermission, Need};
use crate::domain::mini_program::SubjectType;
use crate::domain::release::Violation;
use crate::error::AppError;
use serde::{Deserialize, Serialize};

/// A change to one list, as typed: the text is split and checked on the server exactly as
/// in the browser.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainChange {
    pub kind: DomainKind,
    pub action: DomainAction,
    pub input: String,
}

/// The business domains' state on the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum WebviewState {
    /// Read from WeChat (in [`DomainsView::lists`]).
    Listed,
    /// A personal-subject account: WeChat refuses business domains (89231), nothing is read.
    Personal,
    /// WeChat's list could not be read; the server domains are still shown.
    Unavailable(AppError),
}

/// Why WeChat turned an entry down in an answer that changed other entries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RejectReason {
    /// In `invalid_*`: against WeChat's rules, or not registered on the platform.
    Invalid,
    /// In `no_icp_domain`: without an ICP filing.
    NoIcp,
}

/// One entry WeChat turned down.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejected {
    pub kind: DomainKind,
    pub domain: String,
    pub reason: RejectReason,
}

/// What a change did, by WeChat's answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeReport {
    pub kind: DomainKind,
    pub action: DomainAction,
    pub added: Vec<String>,
    pub removed: Vec<String>,
    /// Turned down by WeChat while the rest was applied (errcode 0).
    pub rejected: Vec<Rejected>,
}

/// One mini program's domains.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DomainsView {
    pub appid: String,
    pub nick_name: String,
    pub subject: SubjectType,
    /// WeChat's lists now (`webview` empty unless [`WebviewState::Listed`]).
    pub lists: DomainLists,
    pub webview: WebviewState,
    /// What the signed-in user may do here (`None`: staff).
    pub grant: Option<MerchantPermission>,
    /// The change just made, when this view answers one.
    pub last: Option<ChangeReport>,
}

impl DomainsView {
    /// A personal-subject account (the simulator's and WeChat's 89231 rule).
    pub fn personal(&self) -> bool {
        self.subject == SubjectType::Individual
    }

    /// Whether the user may change the lists (merchants need the Submit grant).
    pub fn may_change(&self) -> bool {
        self.grant.is_none_or(|g| g.allows(Need::Submit))
    }

    /// [`check_change`] against this view's list of `kind`.
    pub fn check(
        &self,
        kind: DomainKind,
        action: DomainAction,
        text: &str,
    ) -> Result<Preview, Vec<Violation>> {
        check_change(
            &ChangeContext {
                kind,
                action,
                current: self.lists.of(kind),
                personal: self.personal(),
            },
            text,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::validation::FieldProblem;

    fn view(subject: SubjectType, grant: Option<MerchantPermission>) -> DomainsView {
        DomainsView {
            appid: "wx0123456789abcdef".into(),
            nick_name: "域名".into(),
            subject,
            lists: DomainLists {
                request: vec!["https://api.demo-shop.com".into()],
                ..Default::default()
            },
            webview: WebviewState::Listed,
            grant,
            last: None,
        }
    }

    #[test]
    fn the_view_checks_against_its_own_lists() {
        let v = view(SubjectType::Enterprise, None);
        assert!(v.may_change());
        assert!(v
            .check(
                DomainKind::Request,
                DomainAction::Add,
                "https://img.demo-shop.com"
            )
            .is_ok());
        let refused = v
            .check(
                DomainKind::Request,
                DomainAction::Add,
                "https://api.demo-shop.com",
            )
            .unwrap_err();
        assert_eq!(refused[0].problem, FieldProblem::DomainNothingToChange);
        assert_eq!(refused[0].field, "request");
        let personal = view(SubjectType::Individual, Some(MerchantPermission::View));
        assert!(personal.personal());
        assert!(!personal.may_change());
        assert_eq!(
            personal
                .check(
                    DomainKind::Webview,
                    DomainAction::Add,
                    "https://h5.demo-shop.com"
                )
                .unwrap_err()[0]
                .errcode,
            Some(89231)
        );
    }
}
