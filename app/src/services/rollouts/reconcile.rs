//! A write marked in flight whose answer never arrived — the client timed out, the
//! connection broke, or the worker died between WeChat's answer and the database — is never
//! simply sent again. WeChat's state is read back (`getversioninfo` for a commit or release,
//! `get_latest_auditstatus` for a submit, `getgrayreleaseplan` for a gray step) and the
//! domain's `reconcile` decides: done → what it did is recorded as if the answer had
//! arrived (commit row, audit row, release status, audit log), not done → it is sent again.

use super::worker::{Done, Step};
use crate::db::{self, code_audits, code_commits, release_status};
use crate::domain::audit_log::{action, Outcome};
use crate::domain::release::gray::{GrayPlan, GrayStatus};
use crate::domain::release::state::AuditStatus;
use crate::domain::rollout::{
    reconcile, LostWrite, ObservedWechatState, Reconciled, Write, CLOCK_SKEW_SECS,
};
use crate::domain::rollout_view::{write_name, write_path};
use crate::error::AppError;
use crate::services::audit_log::{self, Actor, Event};
use crate::services::audit_tracking::{self, Reported};
use crate::services::release;
use wechat::api::code::LatestAuditStatus;

pub(super) enum Settled {
    /// WeChat shows it done: apply the write's event with this.
    Done(Done),
    /// No trace of it: send it again.
    Repeat,
}

/// "Nothing committed" / "no audit": WeChat's way of saying there is nothing to read.
fn nothing_there(e: &wechat::Error) -> bool {
    matches!(e.errcode(), Some(85012 | 86001 | 85086))
}

fn gray_code(status: GrayStatus) -> i64 {
    match status {
        GrayStatus::Initial => 0,
        GrayStatus::Running => 1,
        GrayStatus::Paused => 2,
        GrayStatus::Finished => 3,
        GrayStatus::Deleted => 4,
    }
}

fn gray_of(status: i64, percentage: i64) -> Option<GrayPlan> {
    Some(GrayPlan {
        status: GrayStatus::from_code(status)?,
        percentage: u8::try_from(percentage.clamp(0, 100)).unwrap_or(0),
    })
}

impl Step<'_> {
    /// A read of WeChat for the reconciliation, in the timeline; its failure ends the step
    /// (the target is looked at again later, the write still in flight).
    async fn read_failed(&self, path: &str, e: wechat::Error) -> AppError {
        let _ = self
            .event("call", Some(path), e.errcode(), "error", &e.to_string())
            .await;
        e.into()
    }

    async fn audit_log(&self, action: &str, detail: &str) -> Result<(), AppError> {
        let program = db::mini_programs::find(&self.state.db, &self.t.appid).await?;
        let name = self.r.actor_name();
        audit_log::record(
            &self.state.db,
            Actor {
                id: self.r.created_by,
                name: &name,
                role: None,
                merchant_id: None,
            },
            Event {
                action,
                target_type: "mini_program",
                target_id: &self.t.appid,
                merchant_id: program.and_then(|p| p.merchant_id),
                outcome: Outcome::Success,
                detail,
            },
        )
        .await
    }
}

pub(super) async fn settle(s: &Step<'_>, write: Write) -> Result<Settled, AppError> {
    let platform = s.state.platform()?;
    let ctx = platform.ctx(&s.t.appid);
    let client = &platform.client;
    let mut observed = ObservedWechatState::default();
    let mut latest: Option<LatestAuditStatus> = None;
    if matches!(write, Write::Commit | Write::Release) {
        let path = "/wxa/getversioninfo";
        match client.get_version_info(&ctx).await {
            Ok(info) => {
                if let Some(exp) = info.exp_info {
                    observed.dev_version = Some(exp.exp_version).filter(|v| !v.is_empty());
                    observed.dev_committed_at = Some(exp.exp_time).filter(|t| *t > 0);
                }
                observed.online_version = info
                    .release_info
                    .map(|r| r.release_version)
                    .filter(|v| !v.is_empty());
            }
            Err(e) if nothing_there(&e) => {}
            Err(e) => return Err(s.read_failed(path, e).await),
        }
        let detail = format!(
            "development {} committed at {}, online {}",
            observed.dev_version.as_deref().unwrap_or("-"),
            observed.dev_committed_at.unwrap_or(0),
            observed.online_version.as_deref().unwrap_or("-")
        );
        s.event("call", Some(path), Some(0), "ok", &detail).await?;
    }
    if matches!(write, Write::Release | Write::GrayRelease { .. }) {
        let path = "/wxa/getgrayreleaseplan";
        match client.get_gray_release_plan(&ctx).await {
            Ok(plan) => {
                let plan = plan.gray_release_plan;
                observed.gray = gray_of(plan.status, plan.gray_percentage);
            }
            Err(e) => return Err(s.read_failed(path, e).await),
        }
        let detail = format!("gray plan {:?}", observed.gray);
        s.event("call", Some(path), Some(0), "ok", &detail).await?;
    }
    if write == Write::SubmitAudit {
        let path = "/wxa/get_latest_auditstatus";
        match client.get_latest_auditstatus(&ctx).await {
            Ok(answer) => {
                observed.latest_auditid = Some(answer.auditid);
                observed.latest_audit_status = AuditStatus::from_code(answer.status);
                latest = Some(answer);
            }
            Err(e) if nothing_there(&e) => {}
            Err(e) => return Err(s.read_failed(path, e).await),
        }
        let detail = format!(
            "latest auditid {} status {:?} (known before the submit: {})",
            observed
                .latest_auditid
                .map_or("-".into(), |a| a.to_string()),
            observed.latest_audit_status,
            s.t.auditid_before.map_or("-".into(), |a| a.to_string())
        );
        s.event("call", Some(path), Some(0), "ok", &detail).await?;
    }
    let lost = LostWrite {
        user_version: s.r.user_version.clone(),
        attempted_at: s.t.inflight_at.unwrap_or(s.now),
        committed_at: s.t.committed_at,
        auditid_before: s.t.auditid_before,
    };
    let name = write_name(write);
    let path = Some(write_path(write));
    match reconcile(write, &lost, &observed) {
        Reconciled::Repeat => {
            s.event(
                "reconcile",
                path,
                None,
                "not_done",
                &format!("{name}: no trace in WeChat after a lost answer; sent again"),
            )
            .await?;
            Ok(Settled::Repeat)
        }
        Reconciled::AlreadyDone(_) => {
            let done = record_done(s, write, &observed, latest.as_ref()).await?;
            s.event(
                "reconcile",
                path,
                None,
                "done",
                &format!("{name}: WeChat shows it done after a lost answer; not sent again"),
            )
            .await?;
            Ok(Settled::Done(done))
        }
    }
}

/// Records what the write did, as its own success would have (and only what is missing:
/// the worker may have died after the service recorded it).
async fn record_done(
    s: &Step<'_>,
    write: Write,
    observed: &ObservedWechatState,
    latest: Option<&LatestAuditStatus>,
) -> Result<Done, AppError> {
    let db = &s.state.db;
    let appid = s.t.appid.as_str();
    let now = db::now();
    match write {
        Write::Commit => {
            let since =
                s.t.inflight_at
                    .unwrap_or(s.now)
                    .saturating_sub(CLOCK_SKEW_SECS);
            let recorded = code_commits::latest_for_app(db, appid).await?.filter(|c| {
                c.user_version == s.r.user_version
                    && c.template_id == s.r.template_id
                    && c.committed_at >= since
            });
            let (id, at) = match recorded {
                Some(c) => (c.id, c.committed_at),
                None => {
                    let name = s.r.actor_name();
                    let id = code_commits::insert(
                        db,
                        &code_commits::NewCommit {
                            appid,
                            template_id: s.r.template_id,
                            user_version: &s.r.user_version,
                            user_desc: &s.r.user_desc,
                            ext_json: s.t.ext_json.trim(),
                            committed_by: s.r.created_by,
                            committed_by_name: &name,
                        },
                        now,
                    )
                    .await?;
                    s.audit_log(
                        action::RELEASE_COMMIT,
                        &format!(
                            "template={} version={} (answer lost; WeChat shows it committed)",
                            s.r.template_id, s.r.user_version
                        ),
                    )
                    .await?;
                    (id, now)
                }
            };
            Ok(Done {
                commit_id: Some(id),
                committed_at: Some(at),
                ..Done::default()
            })
        }
        Write::SubmitAudit => {
            let Some(auditid) = observed.latest_auditid else {
                return Err(AppError::Internal);
            };
            if code_audits::find(db, appid, auditid).await?.is_none() {
                let name = s.r.actor_name();
                code_audits::insert_submitted(
                    db,
                    &code_audits::NewAudit {
                        appid,
                        auditid,
                        commit_id: s.t.commit_id,
                        user_version: &s.r.user_version,
                        item_list: &s.r.item_list,
                        submitted_by: s.r.created_by,
                        submitted_by_name: &name,
                    },
                    now,
                )
                .await?;
                s.audit_log(
                    action::RELEASE_SUBMIT_AUDIT,
                    &format!(
                        "version={} auditid={auditid} (answer lost; WeChat shows it submitted)",
                        s.r.user_version
                    ),
                )
                .await?;
                // A quick review may be over already: record its result like the poller.
                if let Some(l) = latest.filter(|l| l.auditid == auditid && l.status != 2) {
                    audit_tracking::record(
                        s.state,
                        &Reported {
                            appid,
                            auditid,
                            status: l.status,
                            reason: l.reason.as_deref(),
                            screenshots: l.screenshot.as_deref(),
                            source: "poll",
                        },
                    )
                    .await?;
                }
            }
            Ok(Done {
                auditid: Some(auditid),
                audit_status: Some(code_audits::AUDITING),
                ..Done::default()
            })
        }
        Write::GrayRelease { .. } => {
            let stored = observed
                .gray
                .map(|g| (gray_code(g.status), i64::from(g.percentage)));
            release_status::set_gray(db, appid, stored, now).await?;
            s.audit_log(
                action::RELEASE_GRAY,
                &format!(
                    "percentage={} (answer lost; WeChat shows the plan there)",
                    observed.gray.map_or(0, |g| g.percentage)
                ),
            )
            .await?;
            Ok(Done::default())
        }
        Write::Release => {
            let audit = code_audits::latest_for_app(db, appid).await?;
            if let Some(audit) = audit.filter(|a| {
                a.released_at.is_none() && a.user_version == s.r.user_version && a.status == 0
            }) {
                release::record_release(s.state, appid, &audit).await?;
                s.audit_log(
                    action::RELEASE_RELEASE,
                    &format!(
                        "version={} auditid={} (answer lost; WeChat shows it online)",
                        audit.user_version, audit.auditid
                    ),
                )
                .await?;
            }
            Ok(Done::default())
        }
    }
}
