//! What the screens receive: one mini program's widget, and the fleet list.

use super::rules::CategoryNode;
use super::state::{Blocked, Quota, WidgetAction, WidgetStatus};
use super::WidgetContent;
use crate::domain::pagination::PageRequest;
use serde::{Deserialize, Serialize};

/// One submitted version and how it ended.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Submission {
    pub id: i64,
    /// create | modify
    pub action: String,
    pub content: WidgetContent,
    pub submitted_at: i64,
    pub submitted_by: String,
    /// under_review | approved | rejected | failed
    pub outcome: String,
    pub reason: String,
    pub errcode: Option<i64>,
    pub decided_at: Option<i64>,
}

/// Whether an action can be taken now, and if not why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ActionState {
    pub action: WidgetAction,
    pub blocked: Option<Blocked>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WidgetView {
    pub appid: String,
    pub nick_name: String,
    pub status: WidgetStatus,
    /// The editor's content (a saved draft, or the submitted content).
    pub draft: WidgetContent,
    /// What WeChat holds (None while a draft).
    pub submitted: Option<WidgetContent>,
    /// Whether a draft was saved (a row exists).
    pub saved: bool,
    /// The reviewer's reason when rejected.
    pub reason: String,
    pub submitted_at: Option<i64>,
    pub submitted_by: Option<String>,
    pub updated_at: Option<i64>,
    /// From the access check; None when WeChat could not be asked.
    pub quota: Option<Quota>,
    pub eligible: Option<bool>,
    pub actions: Vec<ActionState>,
    pub history: Vec<Submission>,
    /// What the signed-in user may do here: edits and submissions need `submit`,
    /// offline and delete need `release` (staff: everything).
    pub grant: crate::domain::merchant_permission::MerchantPermission,
    /// The server's clock, to show the time under review.
    pub now: i64,
}

impl WidgetView {
    pub fn blocked(&self, action: WidgetAction) -> Option<Blocked> {
        self.actions
            .iter()
            .find(|a| a.action == action)
            .and_then(|a| a.blocked)
    }
}

/// What the editor offers to pick from.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct WidgetOptions {
    pub categories: Vec<CategoryNode>,
    /// Pages of the committed code (get_page); empty when none is committed.
    pub pages: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WidgetListRow {
    pub appid: String,
    pub nick_name: String,
    pub merchant_name: Option<String>,
    pub status: WidgetStatus,
    pub keyword: String,
    pub submitted_at: Option<i64>,
    pub updated_at: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct WidgetQuery {
    pub status: Option<WidgetStatus>,
    pub page: PageRequest,
}

impl WidgetQuery {
    pub fn from_params(get: impl Fn(&str) -> Option<String>) -> Self {
        Self {
            status: get("status").and_then(|s| WidgetStatus::parse(&s)),
            page: PageRequest::from_params(get("page").as_deref(), get("per_page").as_deref()),
        }
    }

    pub fn to_params(&self) -> Vec<(&'static str, String)> {
        let mut p = Vec::new();
        if let Some(s) = self.status {
            p.push(("status", s.as_str().to_string()));
        }
        p.push(("per_page", self.page.per_page.to_string()));
        p
    }
}
