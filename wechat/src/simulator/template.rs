//! Message templates (template-message-api.md).

use serde::{Deserialize, Serialize};

/// Per-authorizer template state.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct TemplateState {}

pub fn routes() -> axum::Router<super::Sim> {
    axum::Router::new()
}
