//! In-console notifications as the UI sees them: the kind says what happened, the params
//! (JSON) fill the text in the reader's language.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NotificationView {
    pub id: i64,
    pub created_at: i64,
    pub appid: Option<String>,
    pub nick_name: Option<String>,
    pub kind: String,
    /// JSON object, e.g. `{"appid": …, "auditid": …, "reason": …}`.
    pub params: String,
    pub link: Option<String>,
    pub read: bool,
}

impl NotificationView {
    /// A parameter as text ("" when absent).
    pub fn param(&self, key: &str) -> String {
        serde_json::from_str::<serde_json::Value>(&self.params)
            .ok()
            .and_then(|v| match v.get(key) {
                Some(serde_json::Value::String(s)) => Some(s.clone()),
                Some(serde_json::Value::Null) | None => None,
                Some(other) => Some(other.to_string()),
            })
            .unwrap_or_default()
    }
}

/// The kinds of notification, in the order the filter lists them.
pub const KINDS: [&str; 7] = [
    "audit_rejected",
    "audit_approved",
    "audit_delayed",
    "widget_rejected",
    "widget_approved",
    "rollout_finished",
    "rollout_stalled",
];

/// Which notifications to list (all in the URL: `unread=1`, `appid=…`, `kind=…`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NotificationFilter {
    pub unread_only: bool,
    /// An AppID, or empty for all mini programs.
    pub appid: String,
    /// One of `KINDS`, or empty for all.
    pub kind: String,
}

impl NotificationFilter {
    pub fn from_params(get: impl Fn(&str) -> Option<String>) -> Self {
        Self {
            unread_only: get("unread").is_some_and(|v| v == "1"),
            appid: get("appid").unwrap_or_default(),
            kind: get("kind").unwrap_or_default(),
        }
        .normalized()
    }

    /// Bounds what arrived from a URL or as JSON: an AppID-like text, a known kind.
    pub fn normalized(self) -> Self {
        let appid: String = self.appid.trim().chars().take(32).collect();
        Self {
            unread_only: self.unread_only,
            appid: if appid.chars().all(|c| c.is_ascii_alphanumeric()) {
                appid
            } else {
                String::new()
            },
            kind: if KINDS.contains(&self.kind.as_str()) {
                self.kind
            } else {
                String::new()
            },
        }
    }

    /// URL parameters for links (pager, unread switch).
    pub fn to_params(&self) -> Vec<(&'static str, String)> {
        let mut params = Vec::new();
        if self.unread_only {
            params.push(("unread", "1".to_owned()));
        }
        if !self.appid.is_empty() {
            params.push(("appid", self.appid.clone()));
        }
        if !self.kind.is_empty() {
            params.push(("kind", self.kind.clone()));
        }
        params
    }
}

/// The bell counts unread notifications up to this many and shows "99+" from there: the count
/// runs on every page and every 30 seconds in each open tab, so it must not grow with a user
/// who never reads (issue 16).
pub const UNREAD_COUNT_CAP: i64 = 100;

/// The bell's count from the kept one (`notification_unread`; none kept reads as none unread),
/// within 0..=[`UNREAD_COUNT_CAP`].
pub fn bell_count(kept: Option<i64>) -> i64 {
    kept.unwrap_or(0).clamp(0, UNREAD_COUNT_CAP)
}

/// What the bell shows for `count` unread notifications (counted up to [`UNREAD_COUNT_CAP`]).
pub fn unread_badge(count: i64) -> String {
    if count >= UNREAD_COUNT_CAP {
        format!("{}+", UNREAD_COUNT_CAP - 1)
    } else {
        count.max(0).to_string()
    }
}

/// The links a notification may carry: console paths only (never an outside address).
pub fn safe_link(link: Option<&str>) -> Option<String> {
    link.filter(|l| l.starts_with('/') && !l.starts_with("//"))
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bell_count_stays_within_none_and_the_cap() {
        assert_eq!(bell_count(None), 0);
        assert_eq!(bell_count(Some(-3)), 0);
        assert_eq!(bell_count(Some(7)), 7);
        assert_eq!(bell_count(Some(UNREAD_COUNT_CAP)), UNREAD_COUNT_CAP);
        assert_eq!(bell_count(Some(UNREAD_COUNT_CAP + 5_000)), UNREAD_COUNT_CAP);
    }

    #[test]
    fn the_badge_counts_to_ninety_nine_then_says_more() {
        assert_eq!(unread_badge(0), "0");
        assert_eq!(unread_badge(1), "1");
        assert_eq!(unread_badge(99), "99");
        assert_eq!(unread_badge(UNREAD_COUNT_CAP), "99+");
        assert_eq!(unread_badge(UNREAD_COUNT_CAP + 5), "99+");
        assert_eq!(unread_badge(-1), "0");
    }

    #[test]
    fn filters_come_from_the_url_bounded() {
        let f = NotificationFilter::from_params(|k| match k {
            "unread" => Some("1".into()),
            "appid" => Some(" wx0123456789abcdef ".into()),
            "kind" => Some("audit_rejected".into()),
            _ => None,
        });
        assert!(f.unread_only);
        assert_eq!(f.appid, "wx0123456789abcdef");
        assert_eq!(f.kind, "audit_rejected");
        assert_eq!(f.to_params().len(), 3);
        let bad = NotificationFilter::from_params(|k| match k {
            "appid" => Some("wx' OR 1=1".into()),
            "kind" => Some("drop".into()),
            _ => None,
        });
        assert_eq!(bad, NotificationFilter::default());
    }

    #[test]
    fn params_read_as_text_and_links_stay_inside() {
        let n = NotificationView {
            id: 1,
            created_at: 0,
            appid: None,
            nick_name: None,
            kind: "audit_rejected".into(),
            params: r#"{"auditid": 42, "reason": "空白页", "x": null}"#.into(),
            link: None,
            read: false,
        };
        assert_eq!(n.param("auditid"), "42");
        assert_eq!(n.param("reason"), "空白页");
        assert_eq!(n.param("x"), "");
        assert_eq!(n.param("missing"), "");
        assert_eq!(
            safe_link(Some("/apps/wx1/release")).as_deref(),
            Some("/apps/wx1/release")
        );
        assert_eq!(safe_link(Some("//evil.example")), None);
        assert_eq!(safe_link(Some("https://evil.example")), None);
    }
}
