//! Audit tracking that never loses a result: pushes record results as they arrive, and a
//! poller asks WeChat about every audit still with the reviewers (backoff, one instance per
//! audit through a lease). Both go through `db::code_audits::record_result`, so whichever
//! path reports first changes the row and makes the one notification; the other changes
//! nothing.

use wechat::events::Push;

use super::audit_log::{self, Actor, Event};
use super::notifications;
use super::AppState;
use crate::db;
use crate::domain::audit_log::{action, Outcome};
use crate::domain::audit_tracking::{
    backoff_secs, dedupe_key, is_pending, non_empty, notification_kind, status_of_push, LEASE_SECS,
};
use crate::error::AppError;

/// Tolerated clock difference between WeChat's CreateTime and the console's clock.
const PUSH_CLOCK_SLACK_SECS: i64 = 300;

/// A result as one of the paths reports it.
pub struct Reported<'a> {
    pub appid: &'a str,
    pub auditid: i64,
    pub status: i64,
    pub reason: Option<&'a str>,
    pub screenshots: Option<&'a str>,
    /// `push` | `poll` | `undo`
    pub source: &'a str,
}

/// What WeChat says about one audit.
pub struct AuditAnswer {
    pub status: i64,
    pub reason: Option<String>,
    pub screenshot: Option<String>,
}

impl AuditAnswer {
    pub fn reported<'a>(&'a self, appid: &'a str, auditid: i64, source: &'a str) -> Reported<'a> {
        Reported {
            appid,
            auditid,
            status: self.status,
            reason: self.reason.as_deref(),
            screenshots: self.screenshot.as_deref(),
            source,
        }
    }
}

/// Asks WeChat about one audit (get_auditstatus). When that fails, the latest audit's status
/// stands in if it is this audit.
pub async fn ask_wechat(
    state: &AppState,
    appid: &str,
    auditid: i64,
) -> Result<AuditAnswer, AppError> {
    let platform = state.platform()?;
    let ctx = platform.ctx(appid);
    match platform.client.get_auditstatus(&ctx, auditid).await {
        Ok(s) => Ok(AuditAnswer {
            status: s.status,
            reason: s.reason,
            screenshot: s.screenshot,
        }),
        Err(e) => {
            let latest = platform.client.get_latest_auditstatus(&ctx).await?;
            if latest.auditid != auditid {
                return Err(e.into());
            }
            Ok(AuditAnswer {
                status: latest.status,
                reason: latest.reason,
                screenshot: latest.screenshot,
            })
        }
    }
}

/// Records a result and, when it changed the audit, notifies the mini program's people.
/// An audit the console does not know (submitted outside it) becomes a row of its own.
/// True when this report changed something.
pub async fn record(state: &AppState, r: &Reported<'_>) -> Result<bool, AppError> {
    let db = &state.db;
    let now = db::now();
    let reason = non_empty(r.reason);
    let screenshots = non_empty(r.screenshots);
    let record = || {
        db::code_audits::record_result(
            db,
            r.appid,
            r.auditid,
            r.status,
            reason,
            screenshots,
            r.source,
            now,
        )
    };
    let mut changed = record().await?;
    if !changed && !db::audit_tracking::exists(db, r.appid, r.auditid).await? {
        changed = db::audit_tracking::insert_external(
            db,
            r.appid,
            r.auditid,
            r.status,
            reason,
            screenshots,
            r.source,
            now,
            now + backoff_secs(0),
        )
        .await?;
        if !changed {
            // Inserted meanwhile by a submit or by the other path: the UPDATE decides.
            changed = record().await?;
        }
    }
    if changed {
        notify_result(state, r.appid, r.auditid, r.status, reason).await?;
        // A fleet rollout waiting for this audit reacts at its next tick.
        if let Err(e) = db::rollouts::wake_for_audit(db, r.appid, r.auditid).await {
            tracing::warn!(error = %e, appid = r.appid, "could not wake the rollout targets");
        }
    }
    Ok(changed)
}

async fn notify_result(
    state: &AppState,
    appid: &str,
    auditid: i64,
    status: i64,
    reason: Option<&str>,
) -> Result<(), AppError> {
    let Some(kind) = notification_kind(status) else {
        return Ok(());
    };
    notifications::notify_about_program(
        &state.db,
        appid,
        kind,
        serde_json::json!({ "auditid": auditid, "status": status, "reason": reason }),
        format!("/apps/{appid}/release"),
        dedupe_key(appid, auditid, status),
    )
    .await
}

/// The push path (`weapp_audit_success` / `_fail` / `_delay`). Pushes carry no auditid: it is
/// the audit of `appid` still with the reviewers, or — for an audit the console never saw —
/// the one `get_latest_auditstatus` names. Returns a line for the callbacks inbox.
pub async fn from_push(
    state: &AppState,
    appid: &str,
    kind: &str,
    push: &Push,
) -> Result<String, AppError> {
    let status =
        status_of_push(kind).ok_or_else(|| AppError::WechatUnavailable(kind.to_owned()))?;
    let auditid = match db::audit_tracking::pending_for(&state.db, appid).await? {
        // A result from before this audit was submitted (a late retry about an older one)
        // says nothing about it.
        Some((_, submitted_at))
            if push
                .create_time
                .is_some_and(|t| t < submitted_at - PUSH_CLOCK_SLACK_SECS) =>
        {
            return Ok(format!(
                "result about an audit older than the one of {appid} in review; nothing changed"
            ));
        }
        Some((id, _)) => {
            // Pushes carry no auditid, and a late retry about an earlier audit can arrive
            // after a new submission: ask WeChat about the pending audit before recording.
            let answer = ask_wechat(state, appid, id).await?;
            if answer.status == db::code_audits::AUDITING {
                return Ok(format!(
                    "audit {id} of {appid} is still in review: the result is about an earlier one"
                ));
            }
            if answer.status != status {
                let changed = record(state, &answer.reported(appid, id, "poll")).await?;
                return Ok(format!(
                    "audit {id} of {appid}: WeChat answers status {} (changed: {changed})",
                    answer.status
                ));
            }
            id
        }
        None => {
            let platform = state.platform()?;
            let latest = platform
                .client
                .get_latest_auditstatus(&platform.ctx(appid))
                .await?;
            if latest.status != status {
                // The push is about an earlier audit than WeChat's latest (submitted since,
                // outside the console): track the latest one as it stands instead.
                record(
                    state,
                    &Reported {
                        appid,
                        auditid: latest.auditid,
                        status: latest.status,
                        reason: latest.reason.as_deref(),
                        screenshots: latest.screenshot.as_deref(),
                        source: "poll",
                    },
                )
                .await?;
                return Ok(format!(
                    "result about an audit before {} of {appid} (status {}), now tracked",
                    latest.auditid, latest.status
                ));
            }
            latest.auditid
        }
    };
    let changed = record(
        state,
        &Reported {
            appid,
            auditid,
            status,
            reason: push.field("Reason"),
            screenshots: push.field("ScreenShot"),
            source: "push",
        },
    )
    .await?;
    Ok(if changed {
        format!("audit {auditid} of {appid}: status {status} recorded")
    } else {
        format!("audit {auditid} of {appid}: already recorded, nothing changed")
    })
}

/// One pass of the poller: claims every due audit (one instance per audit), asks WeChat,
/// records what changed and schedules the next poll. Returns the audits polled.
pub async fn poll_due(state: &AppState, owner: &str) -> usize {
    let now = db::now();
    let due = match db::audit_tracking::due(&state.db, now, 100).await {
        Ok(due) => due,
        Err(e) => {
            tracing::warn!(error = %e, "could not read the audits due for polling");
            return 0;
        }
    };
    let mut polled = 0;
    for audit in due {
        let claimed = db::audit_tracking::claim(
            &state.db,
            &audit.appid,
            audit.auditid,
            owner,
            now,
            now + LEASE_SECS,
        )
        .await;
        if !matches!(claimed, Ok(true)) {
            continue;
        }
        polled += 1;
        if let Err(e) = poll_one(state, &audit).await {
            tracing::warn!(appid = %audit.appid, auditid = audit.auditid, error = %e,
                "audit poll failed; retried later");
        }
        let next = db::now() + backoff_secs(audit.poll_attempts + 1);
        if let Err(e) =
            db::audit_tracking::reschedule(&state.db, &audit.appid, audit.auditid, owner, next)
                .await
        {
            tracing::warn!(error = %e, "could not schedule the next audit poll");
        }
    }
    polled
}

async fn poll_one(
    state: &AppState,
    audit: &db::audit_tracking::PendingAudit,
) -> Result<bool, AppError> {
    let answer = ask_wechat(state, &audit.appid, audit.auditid).await?;
    let status = answer.status;
    if status == audit.status || (status == 2 && is_pending(audit.status)) {
        return Ok(false);
    }
    let changed = record(state, &answer.reported(&audit.appid, audit.auditid, "poll")).await?;
    if changed {
        let program = db::mini_programs::find(&state.db, &audit.appid).await?;
        let detail = format!(
            "audit {} status {status} (polled){}",
            audit.auditid,
            non_empty(answer.reason.as_deref())
                .map(|r| format!(": {r}"))
                .unwrap_or_default()
        );
        audit_log::record(
            &state.db,
            Actor {
                id: None,
                name: "wechat",
                role: None,
                merchant_id: None,
            },
            Event {
                action: action::WECHAT_AUDIT_RESULT,
                target_type: "mini_program",
                target_id: &audit.appid,
                merchant_id: program.and_then(|p| p.merchant_id),
                outcome: if status == 1 {
                    Outcome::Failure
                } else {
                    Outcome::Success
                },
                detail: &detail,
            },
        )
        .await?;
    }
    Ok(changed)
}
