//! What a merchant's users may do on their own mini programs, as granted by an admin.
//! Staff (admins, operators) are not limited by it. Each level includes the ones below.

use super::release::state::Action;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum MerchantPermission {
    /// Sees its mini programs, their versions, widgets and history; changes nothing.
    View,
    /// Also commits code, submits for review and withdraws a review, edits widgets.
    Submit,
    /// Also releases, gray-releases, reverts, closes access and sets the minimum base library.
    Release,
}

/// What an action needs, beyond seeing the mini program.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    Submit,
    Release,
}

impl MerchantPermission {
    pub const ALL: [MerchantPermission; 3] = [Self::View, Self::Submit, Self::Release];
    /// New merchants keep what every merchant could do before permissions existed.
    pub const DEFAULT: MerchantPermission = Self::Release;

    pub fn as_str(self) -> &'static str {
        match self {
            Self::View => "view",
            Self::Submit => "submit",
            Self::Release => "release",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }

    pub fn allows(self, need: Need) -> bool {
        match need {
            Need::Submit => self >= Self::Submit,
            Need::Release => self >= Self::Release,
        }
    }
}

/// The grant a release-page action needs.
pub fn need_for(action: Action) -> Need {
    match action {
        Action::Commit | Action::SubmitAudit | Action::UndoAudit => Need::Submit,
        Action::Release
        | Action::ChangeVisitStatus(_)
        | Action::Revert
        | Action::GrayRelease
        | Action::RevertGray => Need::Release,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::release::state::VisitStatus;

    #[test]
    fn each_level_includes_the_ones_below() {
        use MerchantPermission::*;
        assert!(!View.allows(Need::Submit));
        assert!(!View.allows(Need::Release));
        assert!(Submit.allows(Need::Submit));
        assert!(!Submit.allows(Need::Release));
        assert!(Release.allows(Need::Submit));
        assert!(Release.allows(Need::Release));
    }

    #[test]
    fn names_round_trip_and_unknown_ones_are_refused() {
        for p in MerchantPermission::ALL {
            assert_eq!(MerchantPermission::parse(p.as_str()), Some(p));
        }
        assert_eq!(MerchantPermission::parse("admin"), None);
        assert_eq!(MerchantPermission::parse("View"), None);
        assert_eq!(MerchantPermission::DEFAULT, MerchantPermission::Release);
    }

    #[test]
    fn going_live_needs_release_and_preparing_needs_submit() {
        assert_eq!(need_for(Action::Commit), Need::Submit);
        assert_eq!(need_for(Action::SubmitAudit), Need::Submit);
        assert_eq!(need_for(Action::UndoAudit), Need::Submit);
        for a in [
            Action::Release,
            Action::ChangeVisitStatus(VisitStatus::Closed),
            Action::Revert,
            Action::GrayRelease,
            Action::RevertGray,
        ] {
            assert_eq!(need_for(a), Need::Release, "{a:?}");
        }
    }
}
