//! Code management (third-party-code-management.rst): commit, QR code, categories,
//! pages, audits, release, gray release, QR-jump rules, support version.

use serde::{Deserialize, Serialize};

/// Per-authorizer code state.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct CodeState {}

pub fn routes() -> axum::Router<super::Sim> {
    axum::Router::new()
}

/// Audits (and other timed work) whose time has come: update state, return pushes.
pub fn finish_due(_sim: &super::Sim, _now: i64) -> Vec<(super::push::Target, String)> {
    Vec::new()
}

/// Control endpoints for code management (force audit outcomes…), under `/__sim`.
pub fn control_routes() -> axum::Router<super::Sim> {
    axum::Router::new()
}
