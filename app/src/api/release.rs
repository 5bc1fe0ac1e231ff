//! The release page of one mini program: its code state and every release action.
//! The services check each action against WeChat's state rules before calling WeChat.

use crate::domain::release::commit::CommitForm;
use crate::domain::release::submission::AuditItem;
use crate::domain::release::view::{ReleaseView, SubmitOptions, TemplateOption};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

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
