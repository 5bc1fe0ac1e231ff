//! Function widgets (func-widget-submit.md).

use serde::{Deserialize, Serialize};

/// Per-authorizer widget state.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct WidgetState {}

pub fn routes() -> axum::Router<super::Sim> {
    axum::Router::new()
}
