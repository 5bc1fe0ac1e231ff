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

/// The links a notification may carry: console paths only (never an outside address).
pub fn safe_link(link: Option<&str>) -> Option<String> {
    link.filter(|l| l.starts_with('/') && !l.starts_with("//"))
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

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
