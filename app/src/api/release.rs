//! The release page of one mini program: its code state and every release action.
//! The services check each action against WeChat's state rules before calling WeChat.

use crate::domain::release::commit::CommitForm;
use crate::domain::release::ext_json::JsonObject;
use crate::domain::release::gray::GrayPlan;
use crate::domain::release::state::{Action, ReleaseState, Unavailable, VisitStatus};
use crate::domain::release::submission::{AuditItem, Category};
use crate::domain::release::undo_quota::UndoQuota;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
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

macro_rules! release_fn {
    ($(#[$m:meta])* $name:ident, $endpoint:literal, ($($arg:ident : $ty:ty),*) -> $out:ty, $service:ident) => {
        $(#[$m])*
        #[server(endpoint = $endpoint, input = Json)]
        pub async fn $name(appid: String $(, $arg: $ty)*) -> Result<$out, AppError> {
            use super::ctx;
            let result = async {
                let (state, user) = ctx::user().await?;
                crate::services::release::$service(&state, &user, &appid $(, $arg)*).await
            }
            .await;
            ctx::respond(result)
        }
    };
}

release_fn!(
    /// The page's data: every version, the gray plan and the available actions.
    load_release, "release/view", () -> ReleaseView, view);
release_fn!(
    /// The platform's code templates (gettemplatelist).
    release_templates, "release/templates", () -> Vec<TemplateOption>, templates);
release_fn!(
    /// Pages of the committed code (get_page) and the account's categories (get_category).
    release_submit_options, "release/submit_options", () -> SubmitOptions, submit_options);
release_fn!(release_commit, "release/commit", (form: CommitForm) -> ReleaseView, commit);
release_fn!(
    release_submit_audit, "release/submit_audit",
    (items: Vec<AuditItem>, feedback_info: Option<String>) -> ReleaseView, submit_audit);
release_fn!(
    /// Reads the pending audit's status from WeChat and records a result.
    release_refresh_audit, "release/refresh_audit", () -> ReleaseView, refresh_audit);
release_fn!(release_undo_audit, "release/undo_audit", () -> ReleaseView, undo_audit);
release_fn!(release_release, "release/release", () -> ReleaseView, release);
release_fn!(
    /// `action`: "open" or "close".
    release_visit_status, "release/visit_status", (action: String) -> ReleaseView, change_visit_status);
release_fn!(release_revert, "release/revert", () -> ReleaseView, revert);
release_fn!(release_gray, "release/gray", (percentage: i64) -> ReleaseView, gray_release);
release_fn!(release_revert_gray, "release/revert_gray", () -> ReleaseView, revert_gray);
release_fn!(
    release_support_version, "release/support_version", (version: String) -> ReleaseView,
    set_support_version);
release_fn!(
    /// Simulator mode, staff only: the reviewers approve (0), reject (1) or delay (4).
    release_simulate_audit, "release/simulate_audit",
    (status: i64, reason: Option<String>) -> ReleaseView, simulate_audit);
