//! The one way a release action writes to WeChat: the call, its audit-log entry on success
//! and on failure, and — when the answer was lost (OutcomeUnknown) — WeChat's state read
//! back decides whether the write happened, so nothing is repeated blindly.

use super::Operator;
use crate::domain::audit_log::Outcome;
use crate::error::AppError;
use crate::model::MiniProgramRow;
use crate::services::audit_log::{self, Event};
use crate::services::AppState;
use std::future::Future;

/// One write: who makes it, on which mini program, and what the audit log says of it.
pub(super) struct Write<'a> {
    pub state: &'a AppState,
    pub op: &'a Operator,
    pub program: &'a MiniProgramRow,
    /// The audit-log action (`domain::audit_log::action`).
    pub action: &'static str,
    /// What was asked, e.g. "version=1.2.0"; every entry of this write starts with it.
    pub detail: String,
}

impl Write<'_> {
    /// Makes the call. A lost answer is settled by `reconcile`, which reads WeChat's state:
    /// Some = the write happened (with what WeChat shows now). Otherwise the failure is
    /// logged and returned.
    pub async fn call<T>(
        &self,
        call: impl Future<Output = Result<T, wechat::Error>>,
        reconcile: impl AsyncFnOnce() -> Option<T>,
    ) -> Result<T, AppError> {
        match call.await {
            Ok(answer) => Ok(answer),
            Err(wechat::Error::OutcomeUnknown(why)) => match reconcile().await {
                Some(answer) => Ok(answer),
                None => {
                    self.failed(&format!("outcome unknown: {why}")).await?;
                    Err(AppError::WechatUnavailable(format!(
                        "{}: no answer, and WeChat's state shows no change",
                        self.action
                    )))
                }
            },
            Err(e) => {
                self.failed(&describe(&e)).await?;
                Err(e.into())
            }
        }
    }

    /// Records the success; `more` follows the detail (e.g. the auditid WeChat gave).
    pub async fn succeeded(&self, more: &str) -> Result<(), AppError> {
        let detail = if more.is_empty() {
            self.detail.clone()
        } else {
            format!("{} {more}", self.detail)
        };
        self.record(Outcome::Success, &detail).await
    }

    /// Records a failure, e.g. one the read-back found after the call.
    pub async fn failed(&self, why: &str) -> Result<(), AppError> {
        self.record(Outcome::Failure, &format!("{} {why}", self.detail))
            .await
    }

    async fn record(&self, outcome: Outcome, detail: &str) -> Result<(), AppError> {
        audit_log::record(
            &self.state.db,
            self.op.actor(),
            Event {
                action: self.action,
                target_type: "mini_program",
                target_id: &self.program.appid,
                merchant_id: self.program.merchant_id,
                outcome,
                detail,
            },
        )
        .await
    }
}

/// For a write with nothing to read back: a lost answer stays a failure.
pub(super) async fn nothing_to_read<T>() -> Option<T> {
    None
}

fn describe(e: &wechat::Error) -> String {
    match e {
        wechat::Error::Api {
            errcode, errmsg, ..
        } => format!("errcode {errcode}: {errmsg}"),
        other => other.to_string(),
    }
}
