//! The callbacks inbox: its filters and what each outcome means.

use super::pagination::PageRequest;
use serde::{Deserialize, Serialize};

/// Push kinds the console acts on; anything else is kept as `ignored`.
pub const KNOWN_KINDS: [&str; 7] = [
    "component_verify_ticket",
    "authorized",
    "updateauthorized",
    "unauthorized",
    "weapp_audit_success",
    "weapp_audit_fail",
    "weapp_audit_delay",
];

pub const OUTCOMES: [&str; 5] = ["received", "processing", "processed", "ignored", "failed"];

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct CallbackQuery {
    pub kind: String,
    pub appid: String,
    pub outcome: String,
    pub page: PageRequest,
}

fn bounded(text: &str) -> String {
    text.trim().chars().take(64).collect()
}

impl CallbackQuery {
    pub fn from_params(get: impl Fn(&str) -> Option<String>) -> Self {
        Self {
            kind: bounded(&get("kind").unwrap_or_default()),
            appid: bounded(&get("appid").unwrap_or_default()),
            outcome: get("outcome")
                .filter(|o| OUTCOMES.contains(&o.as_str()))
                .unwrap_or_default(),
            page: PageRequest::from_params(get("page").as_deref(), get("per_page").as_deref()),
        }
    }

    /// Re-applies the bounds to a query that arrived as JSON.
    pub fn normalized(self) -> Self {
        Self {
            kind: bounded(&self.kind),
            appid: bounded(&self.appid),
            outcome: if OUTCOMES.contains(&self.outcome.as_str()) {
                self.outcome
            } else {
                String::new()
            },
            page: PageRequest::new(self.page.page, self.page.per_page),
        }
    }

    pub fn page_size(&self) -> i64 {
        self.page.limit()
    }

    pub fn offset(&self) -> i64 {
        self.page.offset()
    }

    /// URL parameters for links (the page number given separately).
    pub fn to_params(&self, page: u32) -> Vec<(&'static str, String)> {
        let mut params = Vec::new();
        for (k, v) in [
            ("kind", &self.kind),
            ("appid", &self.appid),
            ("outcome", &self.outcome),
        ] {
            if !v.is_empty() {
                params.push((k, v.clone()));
            }
        }
        if page > 1 {
            params.push(("page", page.to_string()));
        }
        if self.page.per_page != super::pagination::DEFAULT_PER_PAGE {
            params.push(("per_page", self.page.per_page.to_string()));
        }
        params
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_outcomes_are_dropped_and_text_is_bounded() {
        let q = CallbackQuery::from_params(|k| match k {
            "outcome" => Some("exploded".into()),
            "kind" => Some(format!("  {}  ", "k".repeat(100))),
            "page" => Some("3".into()),
            _ => None,
        });
        assert_eq!(q.outcome, "");
        assert_eq!(q.kind.len(), 64);
        assert_eq!(q.page.page, 3);
        assert_eq!(q.to_params(3)[1], ("page", "3".to_string()));
    }

    #[test]
    fn json_queries_are_normalized() {
        let q = CallbackQuery {
            outcome: "processed".into(),
            page: PageRequest {
                page: 0,
                per_page: 7,
            },
            ..Default::default()
        }
        .normalized();
        assert_eq!(q.outcome, "processed");
        assert_eq!(q.page.page, 1);
        assert_eq!(q.page.per_page, 20);
    }
}
