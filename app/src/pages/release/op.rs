//! The release operations the page dispatches, one server function each.

use crate::api::release::{
    release_commit, release_gray, release_refresh_audit, release_release, release_revert,
    release_revert_gray, release_simulate_audit, release_submit_audit, release_support_version,
    release_undo_audit, release_visit_status,
};
use crate::domain::release::commit::CommitForm;
use crate::domain::release::submission::AuditItem;
use crate::domain::release::view::ReleaseView;
use crate::error::AppError;
use leptos::prelude::*;

/// One release operation, as the page dispatches it.
#[derive(Clone, Debug)]
pub enum Op {
    Commit(CommitForm),
    Submit(Vec<AuditItem>, Option<String>),
    Refresh,
    Undo,
    Release,
    Visit(&'static str),
    Revert,
    Gray(i64),
    RevertGray,
    Support(String),
    Simulate(i64),
}

pub type OpAction = Action<(String, Op), Result<ReleaseView, AppError>>;

pub async fn run(appid: String, op: Op) -> Result<ReleaseView, AppError> {
    match op {
        Op::Commit(form) => release_commit(appid, form).await,
        Op::Submit(items, feedback) => release_submit_audit(appid, items, feedback).await,
        Op::Refresh => release_refresh_audit(appid).await,
        Op::Undo => release_undo_audit(appid).await,
        Op::Release => release_release(appid).await,
        Op::Visit(a) => release_visit_status(appid, a.to_string()).await,
        Op::Revert => release_revert(appid).await,
        Op::Gray(p) => release_gray(appid, p).await,
        Op::RevertGray => release_revert_gray(appid).await,
        Op::Support(v) => release_support_version(appid, v).await,
        Op::Simulate(status) => release_simulate_audit(appid, status, None).await,
    }
}
