//! The release pipeline of one mini program: commit → experience QR → submit audit →
//! (undo) → release → visit status / revert / gray release / support version.
//!
//! Every action is checked against WeChat's state rules (domain::release::state) on the
//! server before WeChat is called, and makes its WeChat write through `write::Write`: logged
//! in the audit log on success and failure, and a write whose answer was lost is reconciled
//! by reading WeChat's state instead of being repeated.
//!
//! One file per concern: `view` (the page's data), `commit` (templates, commit, experience
//! QR), `audit` (submit, refresh, undo), `online` (release, visit status, revert, gray),
//! `support_version`; `load` reads the console's record, `write` makes WeChat writes.

mod audit;
mod commit;
mod load;
mod online;
mod support_version;
mod view;
mod write;

pub use audit::{
    categories, refresh_as, refresh_audit, simulate_audit, submit_as, submit_audit, submit_options,
    undo_audit,
};
pub use commit::{commit, commit_as, qrcode, template_app_json, templates};
pub use online::{
    change_visit_status, gray_release, gray_release_as, record_release, release, release_as,
    revert, revert_gray,
};
pub use support_version::set_support_version;
pub use view::view;

use super::audit_log::Actor;
use super::{mini_programs, AppState};
use crate::domain::merchant_permission::Need;
use crate::domain::release::state::Unavailable;
use crate::error::AppError;
use crate::model::{CurrentUser, MiniProgramRow};

/// Who acts: a signed-in user, or the console itself (demo seeding).
#[derive(Clone, Debug)]
pub struct Operator {
    pub id: Option<i64>,
    pub name: String,
    pub role: Option<&'static str>,
    pub merchant_id: Option<i64>,
}

impl From<&CurrentUser> for Operator {
    fn from(u: &CurrentUser) -> Self {
        Operator {
            id: Some(u.id),
            name: u.username.clone(),
            role: Some(u.role.as_str()),
            merchant_id: u.merchant_id,
        }
    }
}

impl Operator {
    pub fn system(name: &str) -> Self {
        Operator {
            id: None,
            name: name.to_owned(),
            role: None,
            merchant_id: None,
        }
    }

    fn actor(&self) -> Actor<'_> {
        Actor {
            id: self.id,
            name: &self.name,
            role: self.role,
            merchant_id: self.merchant_id,
        }
    }
}

/// A merchant reaches only its own mini programs; another's is reported as missing.
pub(super) async fn authorize(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
) -> Result<MiniProgramRow, AppError> {
    mini_programs::get(&state.db, user, appid).await
}

/// The same, for an action that changes something: the merchant's permission must include it.
pub(super) async fn authorize_to(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
    need: Need,
) -> Result<MiniProgramRow, AppError> {
    let program = authorize(state, user, appid).await?;
    mini_programs::require_grant(&state.db, user, &program, need).await?;
    Ok(program)
}

pub(super) fn unavailable(u: Unavailable) -> AppError {
    AppError::ReleaseUnavailable(u)
}
