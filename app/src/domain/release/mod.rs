//! The pure rules of the release pipeline (commit → submit audit → release → gray/revert),
//! taken from the third-party platform's code management specification.
//!
//! They run in the browser for instant feedback and on the server before calling WeChat,
//! so every rule says which field is at fault and which errcode WeChat would have answered.

pub mod commit;
pub mod errcode;
pub mod ext_json;
pub mod ext_json_rules;
pub mod gray;
pub mod merge;
pub mod state;
pub mod submission;
pub mod support_version;
pub mod undo_quota;
pub mod view;

use super::validation::{FieldError, FieldProblem};
use serde::{Deserialize, Serialize};

/// A broken rule: the field at fault, what is wrong with it (translated by the UI), and the
/// errcode WeChat returns for it, when the specification names one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    pub field: String,
    pub problem: FieldProblem,
    pub errcode: Option<i64>,
}

impl Violation {
    pub fn new(field: impl Into<String>, problem: FieldProblem, errcode: i64) -> Self {
        Self {
            field: field.into(),
            problem,
            errcode: Some(errcode),
        }
    }

    /// A rule of this console only: WeChat has no errcode for it.
    pub fn local(field: impl Into<String>, problem: FieldProblem) -> Self {
        Self {
            field: field.into(),
            problem,
            errcode: None,
        }
    }
}

impl From<Violation> for FieldError {
    fn from(v: Violation) -> Self {
        FieldError {
            field: v.field,
            problem: v.problem,
        }
    }
}

/// For forms that only show the problem next to each field.
pub fn field_errors(violations: Vec<Violation>) -> Vec<FieldError> {
    violations.into_iter().map(FieldError::from).collect()
}

fn finish(violations: Vec<Violation>) -> Result<(), Vec<Violation>> {
    if violations.is_empty() {
        Ok(())
    } else {
        Err(violations)
    }
}
