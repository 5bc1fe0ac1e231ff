//! What the release page shows of one mini program: its versions, the gray plan, the
//! available actions, and the options of the commit and submit forms. Built by the release
//! services, sent to the page by the server functions.

use super::ext_json::JsonObject;
use super::gray::GrayPlan;
use super::state::{Action, ReleaseState, Unavailable, VisitStatus};
use super::submission::Category;
use super::undo_quota::UndoQuota;
use serde::{Deserialize, Serialize};

/// The development version: the newest commit made through the console.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CommitInfo {
    pub id: i64,
    pub template_id: i64,
    pub user_version: String,
    pub user_desc: String,
    pub ext_json: String,
    pub committed_by_name: String,
    pub committed_at: i64,
}

/// One submitted audit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditInfo {
    pub auditid: i64,
    /// 0 approved, 1 rejected, 2 auditing, 3 withdrawn, 4 delayed.
    pub status: i64,
    pub reason: Option<String>,
    /// Media ids of the reviewers' screenshots (rejections).
    pub screenshots: Vec<String>,
    pub user_version: String,
    pub submitted_by_name: String,
    pub submitted_at: i64,
    pub finished_at: Option<i64>,
    /// push | poll | refresh | undo
    pub result_source: Option<String>,
    /// This approved audit went online: WeChat has no audit version any more.
    pub released: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OnlineInfo {
    pub version: String,
    pub desc: Option<String>,
    pub released_at: Option<i64>,
    /// What a revert goes back to.
    pub previous_version: Option<String>,
    pub is_reverted: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SupportInfo {
    pub now_version: String,
    /// (base-library version, share of users in percent)
    pub items: Vec<(String, f64)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReleaseView {
    pub appid: String,
    pub nick_name: String,
    pub development: Option<CommitInfo>,
    /// The latest audit, released or not.
    pub audit: Option<AuditInfo>,
    /// Earlier audits, newest first (the latest included).
    pub history: Vec<AuditInfo>,
    pub online: Option<OnlineInfo>,
    /// From getgrayreleaseplan (or the last known plan when WeChat cannot be reached).
    pub gray: Option<GrayPlan>,
    pub visit: VisitStatus,
    /// From getweappsupportversion; None when WeChat cannot be reached.
    pub support: Option<SupportInfo>,
    pub undo_quota: UndoQuota,
    pub state: ReleaseState,
    pub actions: Vec<(Action, Result<(), Unavailable>)>,
    /// What the signed-in user may do here (staff: release).
    pub grant: crate::domain::merchant_permission::MerchantPermission,
    pub now: i64,
    /// Staff in the embedded default: the page offers the simulated reviewers' verdict.
    pub simulator: bool,
}

impl ReleaseView {
    /// Whether `action` is possible now, and why not.
    pub fn check(&self, action: Action) -> Result<(), Unavailable> {
        self.actions
            .iter()
            .find(|(a, _)| match (a, action) {
                (Action::ChangeVisitStatus(_), Action::ChangeVisitStatus(_)) => true,
                (a, b) => *a == b,
            })
            .map(|(_, r)| *r)
            .unwrap_or(Ok(()))
    }
}

/// A code template to commit from, with the app.json the merge preview starts from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TemplateOption {
    pub template_id: i64,
    pub user_version: String,
    pub user_desc: String,
    pub create_time: i64,
    /// Provisional: WeChat's template list carries no app.json; the console builds one from
    /// the template's pages (see services::release::template_app_json).
    pub app_json: JsonObject,
}

/// What an audit item may name: the committed code's pages and the account's categories.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SubmitOptions {
    pub pages: Vec<String>,
    pub categories: Vec<Category>,
}
