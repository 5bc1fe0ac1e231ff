use super::pagination::PageRequest;
use super::time::parse_cst_date;
use serde::{Deserialize, Serialize};

/// Stable action names written to the audit log.
pub mod action {
    pub const LOGIN: &str = "auth.login";
    pub const LOGIN_FAILED: &str = "auth.login_failed";
    pub const LOGOUT: &str = "auth.logout";
    pub const USER_CREATE: &str = "user.create";
    pub const USER_DISABLE: &str = "user.disable";
    pub const USER_ENABLE: &str = "user.enable";
    pub const USER_RESET_PASSWORD: &str = "user.reset_password";
    pub const USER_CHANGE_ROLE: &str = "user.change_role";
    pub const MERCHANT_CREATE: &str = "merchant.create";
    pub const MERCHANT_RENAME: &str = "merchant.rename";
    pub const MERCHANT_ASSIGN: &str = "merchant.assign_mini_programs";
    pub const MERCHANT_PERMISSION: &str = "merchant.set_permission";
    pub const AUTHORIZATION_START: &str = "authorization.start";
    pub const MINI_PROGRAM_AUTHORIZED: &str = "mini_program.authorized";
    pub const MINI_PROGRAM_UNAUTHORIZED: &str = "mini_program.unauthorized";
    pub const MINI_PROGRAM_NEEDS_REAUTH: &str = "mini_program.needs_reauth";
    pub const WECHAT_AUDIT_RESULT: &str = "wechat.audit_result";
    pub const CALLBACK_REPLAY: &str = "callback.replay";
    pub const TOKEN_REFRESH: &str = "token.refresh";
    /// A signed-in user asked for something that is not theirs (403, or another merchant's
    /// object answered as 404).
    pub const ACCESS_REFUSED: &str = "security.access_refused";
    // release page
    pub const RELEASE_COMMIT: &str = "release.commit";
    pub const RELEASE_SUBMIT_AUDIT: &str = "release.submit_audit";
    pub const RELEASE_AUDIT_REFRESH: &str = "release.audit_refresh";
    pub const RELEASE_UNDO_AUDIT: &str = "release.undo_audit";
    pub const RELEASE_RELEASE: &str = "release.release";
    pub const RELEASE_VISIT_STATUS: &str = "release.visit_status";
    pub const RELEASE_REVERT: &str = "release.revert";
    pub const RELEASE_GRAY: &str = "release.gray_release";
    pub const RELEASE_REVERT_GRAY: &str = "release.revert_gray";
    pub const RELEASE_SUPPORT_VERSION: &str = "release.support_version";
    /// The release page's actions (kept apart from ALL so parallel additions merge cleanly).
    pub const RELEASE_ACTIONS: [&str; 10] = [
        RELEASE_COMMIT,
        RELEASE_SUBMIT_AUDIT,
        RELEASE_AUDIT_REFRESH,
        RELEASE_UNDO_AUDIT,
        RELEASE_RELEASE,
        RELEASE_VISIT_STATUS,
        RELEASE_REVERT,
        RELEASE_GRAY,
        RELEASE_REVERT_GRAY,
        RELEASE_SUPPORT_VERSION,
    ];

    pub const ALL: [&str; 20] = [
        LOGIN,
        LOGIN_FAILED,
        LOGOUT,
        USER_CREATE,
        USER_DISABLE,
        USER_ENABLE,
        USER_RESET_PASSWORD,
        USER_CHANGE_ROLE,
        MERCHANT_CREATE,
        MERCHANT_RENAME,
        MERCHANT_ASSIGN,
        MERCHANT_PERMISSION,
        AUTHORIZATION_START,
        MINI_PROGRAM_AUTHORIZED,
        MINI_PROGRAM_UNAUTHORIZED,
        MINI_PROGRAM_NEEDS_REAUTH,
        WECHAT_AUDIT_RESULT,
        CALLBACK_REPLAY,
        TOKEN_REFRESH,
        ACCESS_REFUSED,
    ];
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    Success,
    Failure,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failure => "failure",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct AuditQuery {
    pub actor: String,
    pub action: String,
    pub target: String,
    /// Inclusive start, Unix seconds.
    pub from: Option<i64>,
    /// Exclusive end, Unix seconds.
    pub until: Option<i64>,
    pub page: PageRequest,
}

impl AuditQuery {
    /// Re-applies the bounds to a query that arrived as JSON (a direct server-function call).
    pub fn normalized(mut self) -> Self {
        for f in [&mut self.actor, &mut self.action, &mut self.target] {
            *f = f.trim().chars().take(64).collect();
        }
        self.page = PageRequest::new(self.page.page, self.page.per_page);
        self
    }

    /// `from` and `to` are calendar days (UTC+8); `to` includes the whole day.
    pub fn from_params(get: impl Fn(&str) -> Option<String>) -> Self {
        let text = |k: &str| {
            get(k)
                .unwrap_or_default()
                .trim()
                .chars()
                .take(64)
                .collect::<String>()
        };
        Self {
            actor: text("actor"),
            action: text("action"),
            target: text("target"),
            from: get("from").as_deref().and_then(parse_cst_date),
            until: get("to")
                .as_deref()
                .and_then(parse_cst_date)
                .map(|t| t + 86_400),
            page: PageRequest::from_params(get("page").as_deref(), get("per_page").as_deref()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn to_date_covers_the_whole_day() {
        let map: HashMap<&str, &str> = [
            ("from", "2026-11-01"),
            ("to", "2026-11-01"),
            ("actor", " admin "),
        ]
        .into();
        let q = AuditQuery::from_params(|k| map.get(k).map(|v| v.to_string()));
        assert_eq!(q.until.unwrap() - q.from.unwrap(), 86_400);
        assert_eq!(q.actor, "admin");
    }

    #[test]
    fn bad_dates_are_ignored() {
        let q = AuditQuery::from_params(|k| (k == "from").then(|| "2026-02-30".to_string()));
        assert_eq!(q.from, None);
    }

    #[test]
    fn action_names_are_unique() {
        let mut all = action::ALL.to_vec();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), action::ALL.len());
    }
}
