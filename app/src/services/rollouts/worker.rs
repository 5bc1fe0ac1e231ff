//! The rollout worker. Each tick, for every running rollout, claims the due targets with a
//! lease (`concurrency` at a time, within `calls_per_minute` counted per instance) and
//! advances each one step:
//! - a write marked in flight whose answer never came (a timeout, or a worker that died
//!   after sending it) is first settled by WeChat's state (`reconcile`): done → its event,
//!   not done → sent again;
//! - otherwise the domain's `due_action` decides: commit, submit, gray step or release
//!   through the release services (which check the state rules, call WeChat, record commits,
//!   audits and the release status, and write the audit log), or wait — for the audit result
//!   that push or polling records into `code_audits` (which wakes the target), or for the
//!   time after a gray step;
//! - a WeChat error goes through `on_error`: busy or rate-limited (-1, 45009, 45011) waits
//!   with backoff, the audit quota (85085) waits longer, anything else fails the target with
//!   the errcode.
//!
//! Every WeChat call the worker makes for a target, and every transition, goes to the
//! target's timeline. Cancelled rollouts are only followed for the audits they left in review.

use super::reconcile::{settle, Settled};
use super::Rollout;
use crate::db::{
    self, code_audits,
    rollouts::{NewEvent, Recorded, Reschedule, TargetRecord},
};
use crate::domain::release::commit::CommitForm;
use crate::domain::rollout::{
    backoff, due_action, effective_policy, errcode::SYSTEM_BUSY, is_stalled, next, on_error,
    Action, ErrorOutcome, Event, StateKind, TargetState, Write,
};
use crate::domain::rollout_view::{
    fill_categories, parse_write, submit_errcode_of_field, write_name, write_path, RolloutStatus,
};
use crate::error::AppError;
use crate::services::notifications::{self, Notice};
use crate::services::{audit_tracking, release, AppState};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::task::JoinSet;

/// How long a claimed target is this instance's by default (`WXA_ROLLOUT_LEASE_SECS`):
/// longer than any one step (a few WeChat calls, each bounded by the client's timeout). An
/// instance that dies releases its targets when their lease runs out.
pub const DEFAULT_LEASE_SECS: i64 = 300;
/// A target in review without a result is looked at again this often; a result recorded by
/// push or polling wakes it at once.
pub const AUDIT_RECHECK_SECS: i64 = 60;
/// An approved target under the manual policy: how often the worker looks whether someone
/// released it (the release page).
pub const MANUAL_RECHECK_SECS: i64 = 60;
/// WeChat calls one step is counted as against `calls_per_minute` (a write and its reads).
const CALLS_PER_STEP: u32 = 3;

/// How often an instance looks for stalled rollouts.
const STALL_CHECK_EVERY: Duration = Duration::from_secs(60);

/// One instance's worker: its lease owner name and lease, the calls it made per rollout this minute,
/// and when it last looked for stalled rollouts.
pub struct Worker {
    owner: String,
    lease_secs: i64,
    budgets: HashMap<i64, (Instant, u32)>,
    stalls_checked: Option<Instant>,
}

impl Worker {
    pub fn new(owner: impl Into<String>, lease_secs: i64) -> Self {
        Worker {
            owner: owner.into(),
            lease_secs,
            budgets: HashMap::new(),
            stalls_checked: None,
        }
    }

    /// Steps this instance may start now for a rollout under its limits.
    fn allowance(&mut self, id: i64, limits: &crate::domain::rollout::Limits) -> u32 {
        let (since, used) = self.budgets.entry(id).or_insert((Instant::now(), 0));
        if since.elapsed() >= Duration::from_secs(60) {
            *since = Instant::now();
            *used = 0;
        }
        let per_minute = limits.calls_per_minute.max(1);
        let left = per_minute.saturating_sub(*used);
        (left / CALLS_PER_STEP.min(per_minute)).min(limits.concurrency.max(1))
    }

    fn spend(&mut self, id: i64, steps: usize) {
        if let Some((_, used)) = self.budgets.get_mut(&id) {
            let calls = u32::try_from(steps).unwrap_or(u32::MAX);
            *used = used.saturating_add(calls.saturating_mul(CALLS_PER_STEP));
        }
    }

    /// One pass over the rollouts, until nothing is due or `time` is used up. Returns the
    /// steps taken.
    pub async fn tick(&mut self, state: &AppState, time: Duration) -> usize {
        let started = Instant::now();
        let rollouts = match db::rollouts::worked(&state.db).await {
            Ok(list) => list,
            Err(e) => {
                tracing::warn!(error = %e, "could not read the rollouts to work on");
                return 0;
            }
        };
        let mut steps = 0;
        for (id, _) in rollouts {
            let mut last: Option<Arc<Rollout>> = None;
            loop {
                // Read again each round: a pause or cancel stops the claims at once.
                let rollout = match super::load(state, id).await {
                    Ok(r) => Arc::new(r),
                    Err(e) => {
                        tracing::warn!(rollout = id, error = %e, "rollout skipped");
                        break;
                    }
                };
                let writes = match rollout.status {
                    RolloutStatus::Running => true,
                    RolloutStatus::Cancelled => false,
                    RolloutStatus::Paused | RolloutStatus::Finished => break,
                };
                last = Some(rollout.clone());
                let allowed = if writes {
                    self.allowance(id, &rollout.limits)
                } else {
                    rollout.limits.concurrency.max(1)
                };
                if allowed == 0 {
                    break;
                }
                let now = db::now();
                let claimed = match db::rollouts::claim(
                    &state.db,
                    id,
                    writes,
                    &self.owner,
                    now,
                    now + self.lease_secs,
                    i64::from(allowed),
                )
                .await
                {
                    Ok(claimed) => claimed,
                    Err(e) => {
                        tracing::warn!(rollout = id, error = %e, "could not claim targets");
                        break;
                    }
                };
                if claimed.is_empty() {
                    break;
                }
                if writes {
                    self.spend(id, claimed.len());
                }
                let mut running = JoinSet::new();
                for target in claimed {
                    let (state, rollout, owner) =
                        (state.clone(), rollout.clone(), self.owner.clone());
                    running.spawn(async move {
                        let appid = target.appid.clone();
                        if let Err(e) = step(&state, &rollout, &owner, target).await {
                            tracing::warn!(rollout = rollout.id, appid = %appid, error = %e,
                                "rollout step failed; the target is looked at again later");
                        }
                    });
                }
                while let Some(joined) = running.join_next().await {
                    steps += 1;
                    if let Err(e) = joined {
                        tracing::error!(rollout = id, error = %e, "rollout step panicked");
                    }
                }
                if started.elapsed() >= time {
                    break;
                }
            }
            if let Some(r) = last.filter(|r| r.status == RolloutStatus::Running) {
                finish(state, &r).await;
            }
            if started.elapsed() >= time {
                break;
            }
        }
        if self
            .stalls_checked
            .is_none_or(|at| at.elapsed() >= STALL_CHECK_EVERY)
        {
            self.stalls_checked = Some(Instant::now());
            check_stalls(state).await;
        }
        steps
    }
}

/// Tells staff of every running rollout that has stalled ([`is_stalled`]): once per stall
/// (the key is the time of the last change, so a rollout that moves and stalls again is
/// told again).
pub async fn check_stalls(state: &AppState) {
    let rollouts = match db::rollouts::worked(&state.db).await {
        Ok(list) => list,
        Err(e) => {
            tracing::warn!(error = %e, "could not read the rollouts to look for stalls");
            return;
        }
    };
    for (id, _) in rollouts {
        if let Err(e) = check_stall(state, id).await {
            tracing::warn!(rollout = id, error = %e, "could not look whether the rollout stalled");
        }
    }
}

async fn check_stall(state: &AppState, id: i64) -> Result<(), AppError> {
    let r = super::load(state, id).await?;
    if r.status != RolloutStatus::Running {
        return Ok(());
    }
    let counts = db::rollouts::counts(&state.db, id, None).await?;
    let last_change = db::rollouts::last_change_at(&state.db, id)
        .await?
        .unwrap_or(r.created_at);
    if !is_stalled(&counts, &r.policy, last_change, db::now()) {
        return Ok(());
    }
    let waiting: u64 = counts
        .iter()
        .filter(|(k, _)| !k.is_terminal())
        .map(|(_, n)| n)
        .sum();
    notifications::notify(
        &state.db,
        Notice {
            merchant_id: None,
            appid: None,
            kind: "rollout_stalled",
            params: serde_json::json!({
                "rollout_id": r.id,
                "version": r.user_version,
                "since": last_change,
                "waiting": waiting,
                "reason": format!("#{} · {}", r.id, r.user_version),
            }),
            link: Some(format!("/rollouts/{}", r.id)),
            dedupe_key: format!("rollout:{}:stalled:{last_change}", r.id),
        },
    )
    .await?;
    Ok(())
}

/// A running rollout whose targets are all final is finished, once, and staff are told.
async fn finish(state: &AppState, r: &Rollout) {
    let now = db::now();
    match db::rollouts::finish_if_done(&state.db, r.id, now).await {
        Ok(true) => {
            if let Err(e) = notify_finished(state, r, now).await {
                tracing::warn!(rollout = r.id, error = %e, "finish notification not stored");
            }
        }
        Ok(false) => {}
        Err(e) => tracing::warn!(rollout = r.id, error = %e, "could not finish the rollout"),
    }
}

async fn notify_finished(state: &AppState, r: &Rollout, now: i64) -> Result<(), AppError> {
    let counts = db::rollouts::counts(&state.db, r.id, None).await?;
    let n = |kind: StateKind| -> u64 {
        counts
            .iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, n)| n)
            .sum()
    };
    let total: u64 = counts.iter().map(|(_, n)| n).sum();
    notifications::notify(
        &state.db,
        Notice {
            merchant_id: None,
            appid: None,
            kind: "rollout_finished",
            params: serde_json::json!({
                "rollout_id": r.id,
                "version": r.user_version,
                "total": total,
                "released": n(StateKind::Released),
                "approved": n(StateKind::Approved),
                "rejected": n(StateKind::Rejected),
                "failed": n(StateKind::Failed),
                "skipped": n(StateKind::Skipped),
                "cancelled": n(StateKind::Cancelled),
                "reason": format!("#{} · {} · {}/{}", r.id, r.user_version,
                    n(StateKind::Released), total),
            }),
            link: Some(format!("/rollouts/{}", r.id)),
            dedupe_key: format!("rollout:{}:finished:{now}", r.id),
        },
    )
    .await?;
    Ok(())
}

/// One step of one claimed target. Whatever goes wrong on the way (the database, a read of
/// WeChat) gives the lease back with a backoff; a write in flight stays marked.
async fn step(
    state: &AppState,
    r: &Rollout,
    owner: &str,
    target: TargetRecord,
) -> Result<(), AppError> {
    let Some(current) = TargetState::parse(&target.state) else {
        tracing::error!(state = %target.state, "unreadable rollout target state");
        return Err(AppError::Internal);
    };
    let s = Step {
        state,
        r,
        owner,
        t: &target,
        current,
        now: db::now(),
    };
    match s.advance().await {
        Ok(()) => Ok(()),
        Err(e) => {
            let attempt = u32::try_from(target.attempt.max(0)).unwrap_or(u32::MAX);
            let wait = i64::try_from(backoff(attempt).as_secs()).unwrap_or(i64::MAX);
            let why = e.to_string();
            db::rollouts::reschedule(
                &state.db,
                target.id,
                owner,
                &Reschedule {
                    next_at: db::now().saturating_add(wait),
                    attempt: target.attempt.saturating_add(1),
                    last_error: Some(&why),
                    keep_inflight: true,
                    ..Reschedule::default()
                },
                db::now(),
            )
            .await?;
            Err(e)
        }
    }
}

/// What a successful write (or one WeChat shows done) recorded.
#[derive(Clone, Debug, Default)]
pub(super) struct Done {
    pub commit_id: Option<i64>,
    pub committed_at: Option<i64>,
    pub auditid: Option<i64>,
    pub audit_status: Option<i64>,
    pub reason: Option<String>,
    pub skip_reason: Option<&'static str>,
}

impl Done {
    fn recorded(&self) -> Recorded<'_> {
        Recorded {
            commit_id: self.commit_id,
            committed_at: self.committed_at,
            auditid: self.auditid,
            audit_status: self.audit_status,
            reason: self.reason.as_deref(),
            skip_reason: self.skip_reason,
            ..Recorded::default()
        }
    }

    fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(id) = self.commit_id {
            parts.push(format!("commit {id}"));
        }
        if let Some(id) = self.auditid {
            parts.push(format!("auditid {id}"));
        }
        if let Some(reason) = &self.reason {
            parts.push(reason.clone());
        }
        if let Some(skip) = self.skip_reason {
            parts.push(skip.to_owned());
        }
        parts.join(" ")
    }
}

fn event_of(write: Write) -> Event {
    match write {
        Write::Commit => Event::CommitOk,
        Write::SubmitAudit => Event::SubmitOk,
        Write::GrayRelease { .. } => Event::GrayStepDone,
        Write::Release => Event::ReleaseOk,
    }
}

fn secs(d: Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
}

/// One claimed target and what the step knows.
pub(super) struct Step<'a> {
    pub state: &'a AppState,
    pub r: &'a Rollout,
    pub owner: &'a str,
    pub t: &'a TargetRecord,
    pub current: TargetState,
    pub now: i64,
}

impl Step<'_> {
    async fn advance(&self) -> Result<(), AppError> {
        // A write whose answer never arrived: WeChat's state decides before anything is sent
        // again.
        if let Some(write) = self.t.inflight.as_deref().and_then(parse_write) {
            match settle(self, write).await? {
                Settled::Done(done) => {
                    let detail = format!("{} (answer lost; WeChat shows it done)", done.describe());
                    return self.apply(event_of(write), &done, &detail).await;
                }
                Settled::Repeat => {}
            }
        }
        if self.r.status != RolloutStatus::Running && self.current != TargetState::Submitted {
            // A cancelled rollout only follows its audits.
            return self.reschedule_in(AUDIT_RECHECK_SECS).await;
        }
        let policy = effective_policy(&self.r.policy, self.t.gray_skipped == 0);
        match due_action(&self.current, &policy, self.t.entered_at, self.now) {
            None => self.without_action().await,
            Some(Action::WaitForAudit) => self.follow_audit().await,
            Some(Action::WaitUntil { after_secs, .. }) => {
                let due = self
                    .t
                    .entered_at
                    .saturating_add(i64::try_from(after_secs).unwrap_or(i64::MAX));
                self.reschedule_at(due).await
            }
            Some(action) => match action.write() {
                Some(write) => self.write(write).await,
                None => self.reschedule_in(AUDIT_RECHECK_SECS).await,
            },
        }
    }

    pub(super) async fn event(
        &self,
        kind: &str,
        path: Option<&str>,
        errcode: Option<i64>,
        outcome: &str,
        detail: &str,
    ) -> Result<(), AppError> {
        db::rollouts::append_event(
            &self.state.db,
            &NewEvent {
                rollout_id: self.r.id,
                target_id: self.t.id,
                appid: &self.t.appid,
                kind,
                path,
                errcode,
                outcome,
                detail,
            },
            db::now(),
        )
        .await?;
        Ok(())
    }

    async fn reschedule_at(&self, next_at: i64) -> Result<(), AppError> {
        self.reschedule(&Reschedule {
            next_at,
            attempt: self.t.attempt,
            keep_inflight: self.t.inflight.is_some(),
            ..Reschedule::default()
        })
        .await
    }

    async fn reschedule_in(&self, secs: i64) -> Result<(), AppError> {
        self.reschedule_at(self.now.saturating_add(secs)).await
    }

    async fn reschedule(&self, r: &Reschedule<'_>) -> Result<(), AppError> {
        db::rollouts::reschedule(&self.state.db, self.t.id, self.owner, r, db::now()).await?;
        Ok(())
    }

    /// Applies `event` to the target: the new state, what was recorded, the lease given
    /// back. A target that changed meanwhile (a cancel) keeps its new state; the ids that
    /// reached WeChat are noted on it all the same.
    async fn apply(&self, event: Event, done: &Done, detail: &str) -> Result<(), AppError> {
        self.apply_recorded(event, &done.recorded(), detail).await
    }

    async fn apply_recorded(
        &self,
        event: Event,
        rec: &Recorded<'_>,
        detail: &str,
    ) -> Result<(), AppError> {
        let to = match next(&self.current, &event) {
            Ok(to) => to,
            Err(e) => {
                self.event("state", None, None, "ignored", &format!("{e:?}"))
                    .await?;
                return self.reschedule_in(AUDIT_RECHECK_SECS).await;
            }
        };
        let now = db::now();
        let moved = db::rollouts::transition(
            &self.state.db,
            self.t.id,
            self.owner,
            &self.t.state,
            &to,
            now,
            rec,
            now,
        )
        .await?;
        if moved {
            self.event("state", None, rec.last_errcode, &to.encode(), detail)
                .await
        } else {
            db::rollouts::note_ids(&self.state.db, self.t.id, rec.commit_id, rec.auditid, now)
                .await?;
            self.event(
                "state",
                None,
                None,
                "superseded",
                &format!("{} not applied: the target changed meanwhile", to.encode()),
            )
            .await
        }
    }

    /// Fails the target with `errcode`. The write stays marked in flight: a retry reads
    /// WeChat's state before sending it again.
    async fn fail(&self, errcode: i64, why: &str) -> Result<(), AppError> {
        self.apply_recorded(
            Event::Failed { errcode },
            &Recorded {
                last_errcode: Some(errcode),
                last_error: Some(why),
                keep_inflight: true,
                ..Recorded::default()
            },
            why,
        )
        .await
    }

    /// Approved (or between gray steps) under the manual policy: released by hand?
    async fn without_action(&self) -> Result<(), AppError> {
        if matches!(self.current, TargetState::Approved | TargetState::Gray(_)) {
            let released = match self.t.auditid {
                Some(auditid) => code_audits::find(&self.state.db, &self.t.appid, auditid)
                    .await?
                    .is_some_and(|a| a.released_at.is_some()),
                None => false,
            };
            if released {
                return self
                    .apply(Event::ReleaseOk, &Done::default(), "released by hand")
                    .await;
            }
            return self.reschedule_in(MANUAL_RECHECK_SECS).await;
        }
        self.reschedule_in(MANUAL_RECHECK_SECS).await
    }

    /// Submitted: the audit's row in `code_audits` (push and polling record results there).
    async fn follow_audit(&self) -> Result<(), AppError> {
        let Some(auditid) = self.t.auditid else {
            return self.fail(0, "submitted without an auditid").await;
        };
        let db = &self.state.db;
        let appid = self.t.appid.as_str();
        let mut row = code_audits::find(db, appid, auditid).await?;
        if row.is_none() {
            // Never recorded (the submit's record was lost): ask WeChat, as the poller does.
            let answer = audit_tracking::ask_wechat(self.state, appid, auditid).await?;
            self.event(
                "call",
                Some("/wxa/get_auditstatus"),
                Some(0),
                "ok",
                &format!("auditid {auditid} status {}", answer.status),
            )
            .await?;
            audit_tracking::record(self.state, &answer.reported(appid, auditid, "poll")).await?;
            row = code_audits::find(db, appid, auditid).await?;
        }
        let Some(row) = row else {
            return self.reschedule_in(AUDIT_RECHECK_SECS).await;
        };
        match row.status {
            code_audits::APPROVED => {
                let done = Done {
                    audit_status: Some(row.status),
                    ..Done::default()
                };
                self.apply(Event::AuditApproved, &done, &format!("auditid {auditid}"))
                    .await
            }
            code_audits::REJECTED | code_audits::WITHDRAWN => {
                let reason = match (row.status, row.reason) {
                    (code_audits::WITHDRAWN, _) => "withdrawn (undocodeaudit)".to_owned(),
                    (_, Some(reason)) => reason,
                    (_, None) => String::new(),
                };
                let done = Done {
                    audit_status: Some(row.status),
                    reason: Some(reason.clone()),
                    ..Done::default()
                };
                self.apply(
                    Event::AuditRejected {
                        reason: reason.clone(),
                    },
                    &done,
                    &reason,
                )
                .await
            }
            code_audits::DELAYED if self.t.audit_status != Some(code_audits::DELAYED) => {
                self.event(
                    "state",
                    None,
                    None,
                    "audit_delayed",
                    row.reason.as_deref().unwrap_or(""),
                )
                .await?;
                self.reschedule(&Reschedule {
                    next_at: self.now.saturating_add(AUDIT_RECHECK_SECS),
                    attempt: self.t.attempt,
                    audit_status: Some(code_audits::DELAYED),
                    ..Reschedule::default()
                })
                .await
            }
            _ => self.reschedule_in(AUDIT_RECHECK_SECS).await,
        }
    }

    /// The version is online already (someone released it meanwhile): nothing to write.
    async fn already_online(&self) -> Result<bool, AppError> {
        Ok(db::release_status::get(&self.state.db, &self.t.appid)
            .await?
            .is_some_and(|s| {
                s.online_version.as_deref() == Some(self.r.user_version.as_str())
                    && s.online_template_id.is_none_or(|t| t == self.r.template_id)
            }))
    }

    /// Makes `write` through the release services, marked in flight while it is under way.
    async fn write(&self, write: Write) -> Result<(), AppError> {
        let db = &self.state.db;
        let appid = self.t.appid.as_str();
        let Some(program) = db::mini_programs::find(db, appid).await? else {
            return self.fail(0, "not in the registry any more").await;
        };
        if write == Write::Commit && self.already_online().await? {
            let done = Done {
                skip_reason: Some("already_on_version"),
                ..Done::default()
            };
            return self
                .apply(Event::Skip, &done, "already on the version")
                .await;
        }
        let items = if write == Write::SubmitAudit {
            Some(self.items().await?)
        } else {
            None
        };
        let auditid_before = if write == Write::SubmitAudit {
            code_audits::latest_for_app(db, appid)
                .await?
                .map(|a| a.auditid)
        } else {
            None
        };
        let marked = db::rollouts::mark_inflight(
            db,
            self.t.id,
            self.owner,
            &self.t.state,
            &write_name(write),
            auditid_before,
            db::now(),
        )
        .await?;
        if !marked {
            // The lease ran out or the target changed: whoever holds it now decides.
            return Ok(());
        }
        let op = self.r.operator();
        let state = self.state;
        let result: Result<Done, AppError> = match write {
            Write::Commit => {
                let form = CommitForm {
                    template_id: Some(self.r.template_id),
                    ext_json: self.t.ext_json.clone(),
                    user_version: self.r.user_version.clone(),
                    user_desc: self.r.user_desc.clone(),
                };
                release::commit_as(state, &op, &program, form)
                    .await
                    .map(|id| Done {
                        commit_id: Some(id),
                        committed_at: Some(db::now()),
                        ..Done::default()
                    })
            }
            Write::SubmitAudit => {
                release::submit_as(state, &op, &program, items.unwrap_or_default(), None)
                    .await
                    .map(|auditid| Done {
                        auditid: Some(auditid),
                        audit_status: Some(code_audits::AUDITING),
                        ..Done::default()
                    })
            }
            Write::GrayRelease { percentage } => {
                release::gray_release_as(state, &op, &program, i64::from(percentage))
                    .await
                    .map(|()| Done::default())
            }
            Write::Release => release::release_as(state, &op, &program)
                .await
                .map(|()| Done::default()),
        };
        let path = write_path(write);
        match result {
            Ok(done) => {
                let detail = done.describe();
                self.event("call", Some(path), Some(0), "ok", &detail)
                    .await?;
                self.apply(event_of(write), &done, &detail).await
            }
            Err(e) => self.write_failed(write, e).await,
        }
    }

    /// The target's audit items: a category left to the target is its first one.
    async fn items(&self) -> Result<Vec<crate::domain::release::submission::AuditItem>, AppError> {
        let needs = self
            .r
            .items
            .iter()
            .any(|i| i.first_id == 0 && i.second_id == 0);
        if !needs {
            return Ok(self.r.items.clone());
        }
        let categories = match release::categories(self.state, &self.t.appid).await {
            Ok(c) => c,
            Err(e) => {
                let code = match &e {
                    AppError::Wechat { errcode, .. } => Some(*errcode),
                    _ => None,
                };
                self.event(
                    "call",
                    Some("/wxa/get_category"),
                    code,
                    "error",
                    &e.to_string(),
                )
                .await?;
                return Err(e);
            }
        };
        Ok(fill_categories(&self.r.items, &categories))
    }

    async fn retry_later(
        &self,
        errcode: Option<i64>,
        why: &str,
        wait: Duration,
    ) -> Result<(), AppError> {
        self.reschedule(&Reschedule {
            next_at: self.now.saturating_add(secs(wait)),
            attempt: self.t.attempt.saturating_add(1),
            last_errcode: errcode,
            last_error: Some(why),
            keep_inflight: true,
            audit_status: None,
        })
        .await
    }

    /// A write that did not go through. The write stays marked in flight in every case but
    /// success: before it is sent again, WeChat's state is read.
    async fn write_failed(&self, write: Write, e: AppError) -> Result<(), AppError> {
        let path = write_path(write);
        let attempt = u32::try_from(self.t.attempt.max(0)).unwrap_or(u32::MAX);
        match e {
            AppError::Wechat { errcode, zh, .. } => {
                self.event("call", Some(path), Some(errcode), "error", &zh)
                    .await?;
                match on_error(errcode, attempt) {
                    ErrorOutcome::RetryAfter(wait) | ErrorOutcome::WaitForQuota(wait) => {
                        self.retry_later(Some(errcode), &zh, wait).await
                    }
                    ErrorOutcome::Fail { errcode } => self.fail(errcode, &zh).await,
                }
            }
            AppError::WechatUnavailable(why) => {
                // No answer: it may have happened. Settled by WeChat's state next time.
                self.event("call", Some(path), None, "lost", &why).await?;
                match on_error(SYSTEM_BUSY, attempt) {
                    ErrorOutcome::RetryAfter(wait) | ErrorOutcome::WaitForQuota(wait) => {
                        self.retry_later(None, &why, wait).await
                    }
                    ErrorOutcome::Fail { errcode } => self.fail(errcode, &why).await,
                }
            }
            AppError::ReleaseUnavailable(u) => {
                if write == Write::Release && self.already_online().await? {
                    return self
                        .apply(Event::ReleaseOk, &Done::default(), "found online")
                        .await;
                }
                let why = format!("{u:?}");
                self.event("call", None, u.errcode(), "refused", &why)
                    .await?;
                self.fail(u.errcode().unwrap_or(0), &why).await
            }
            AppError::Invalid(errors) => {
                let code = errors
                    .iter()
                    .find_map(|e| submit_errcode_of_field(&e.field))
                    .unwrap_or(0);
                let why = errors
                    .iter()
                    .map(|e| format!("{}: {:?}", e.field, e.problem))
                    .collect::<Vec<_>>()
                    .join("; ");
                self.event("call", None, Some(code), "refused", &why)
                    .await?;
                self.fail(code, &why).await
            }
            AppError::NotFound | AppError::Forbidden | AppError::NotGranted => {
                let why = e.to_string();
                self.fail(0, &why).await
            }
            other => Err(other),
        }
    }
}
