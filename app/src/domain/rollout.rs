//! Fleet rollouts (issue 17): one template version brought to many mini programs — commit,
//! submit for audit, release on approval (optionally in gray steps first) — with WeChat's
//! quotas respected and no write done twice when a worker crashes.
//!
//! The pure rules only, shared by the plan page (instant preview) and the worker:
//! - the per-target state machine ([`TargetState`], [`next`]) and what the worker does next
//!   under a release policy ([`next_action`], [`due_action`]);
//! - the idempotency rule for a write whose answer was lost ([`reconcile`]);
//! - which errcodes are retried, waited out or fatal, and the backoff ([`classify`],
//!   [`backoff`], [`on_error`]);
//! - the planner: who runs, who is skipped and why, and how long it will take at the
//!   limits ([`plan`]);
//! - ext_json templates with per-target variables ([`render_ext_json`]);
//! - progress figures ([`progress`]).

use super::audit_tracking;
use super::mini_program::AppStatus;
use super::release::commit::{check_commit, CommitForm};
use super::release::ext_json::JsonObject;
use super::release::ext_json_rules::check_ext_json;
use super::release::gray::{
    check_gray_percentage, GrayPlan, GrayStatus, GRAY_PERCENTAGE_MAX, GRAY_PERCENTAGE_MIN,
};
use super::release::state::AuditStatus;
use super::release::Violation;
use super::validation::FieldProblem;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

// ---------------------------------------------------------------------------------------------
// Target state machine
// ---------------------------------------------------------------------------------------------

/// The state of a target without its data: the database column, the filters and the counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum StateKind {
    Pending,
    Committed,
    Submitted,
    Approved,
    Rejected,
    Gray,
    Released,
    Failed,
    Skipped,
    Cancelled,
}

impl StateKind {
    /// In the order of the pipeline (progress bar, filters, counts).
    pub const ALL: [StateKind; 10] = [
        StateKind::Pending,
        StateKind::Committed,
        StateKind::Submitted,
        StateKind::Approved,
        StateKind::Rejected,
        StateKind::Gray,
        StateKind::Released,
        StateKind::Failed,
        StateKind::Skipped,
        StateKind::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            StateKind::Pending => "pending",
            StateKind::Committed => "committed",
            StateKind::Submitted => "submitted",
            StateKind::Approved => "approved",
            StateKind::Rejected => "rejected",
            StateKind::Gray => "gray",
            StateKind::Released => "released",
            StateKind::Failed => "failed",
            StateKind::Skipped => "skipped",
            StateKind::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<StateKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The worker has nothing more to do for the target (see [`TargetState::is_terminal`]).
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            StateKind::Released
                | StateKind::Rejected
                | StateKind::Failed
                | StateKind::Skipped
                | StateKind::Cancelled
        )
    }
}

/// Where a target stood when it failed: a retry goes back there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Stage {
    Pending,
    Committed,
    Submitted,
    Approved,
    Gray(u8),
}

impl Stage {
    fn state(self) -> TargetState {
        match self {
            Stage::Pending => TargetState::Pending,
            Stage::Committed => TargetState::Committed,
            Stage::Submitted => TargetState::Submitted,
            Stage::Approved => TargetState::Approved,
            Stage::Gray(step) => TargetState::Gray(step),
        }
    }

    fn encode(self) -> String {
        match self {
            Stage::Gray(step) => format!("gray:{step}"),
            other => other.state().as_str().to_owned(),
        }
    }

    fn parse(s: &str) -> Option<Stage> {
        match TargetState::parse(s)? {
            TargetState::Pending => Some(Stage::Pending),
            TargetState::Committed => Some(Stage::Committed),
            TargetState::Submitted => Some(Stage::Submitted),
            TargetState::Approved => Some(Stage::Approved),
            TargetState::Gray(step) => Some(Stage::Gray(step)),
            _ => None,
        }
    }
}

/// One target of a rollout: pending → committed → submitted → approved / rejected →
/// (gray steps) → released; or failed (with where and the errcode), skipped or cancelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TargetState {
    /// Nothing written to WeChat yet.
    Pending,
    /// The commit is done.
    Committed,
    /// The audit is submitted and with the reviewers.
    Submitted,
    /// The audit passed; nothing released yet.
    Approved,
    /// The audit was rejected (the reason is in the target's timeline).
    Rejected,
    /// Gray step `n` of the policy (counted from 0) is done.
    Gray(u8),
    Released,
    /// A write failed with a fatal errcode (or a retryable one too often).
    Failed {
        at: Stage,
        errcode: i64,
    },
    Skipped,
    Cancelled,
}

impl TargetState {
    pub fn kind(&self) -> StateKind {
        match self {
            TargetState::Pending => StateKind::Pending,
            TargetState::Committed => StateKind::Committed,
            TargetState::Submitted => StateKind::Submitted,
            TargetState::Approved => StateKind::Approved,
            TargetState::Rejected => StateKind::Rejected,
            TargetState::Gray(_) => StateKind::Gray,
            TargetState::Released => StateKind::Released,
            TargetState::Failed { .. } => StateKind::Failed,
            TargetState::Skipped => StateKind::Skipped,
            TargetState::Cancelled => StateKind::Cancelled,
        }
    }

    /// The state's name without its data (`"gray"`, `"failed"`): see [`StateKind::as_str`].
    pub fn as_str(&self) -> &'static str {
        self.kind().as_str()
    }

    /// The state with its data, as one string for storage: `pending`, `gray:1`,
    /// `failed:committed:85009`, `failed:gray:0:-1`. [`TargetState::parse`] reads it back.
    pub fn encode(&self) -> String {
        match self {
            TargetState::Gray(step) => format!("gray:{step}"),
            TargetState::Failed { at, errcode } => format!("failed:{}:{errcode}", at.encode()),
            other => other.as_str().to_owned(),
        }
    }

    /// Reads what [`TargetState::encode`] wrote (for states without data, that is their
    /// [`TargetState::as_str`]); anything else is None.
    pub fn parse(s: &str) -> Option<TargetState> {
        if let Some(step) = s.strip_prefix("gray:") {
            return step.parse().ok().map(TargetState::Gray);
        }
        if let Some(rest) = s.strip_prefix("failed:") {
            let (at, errcode) = rest.rsplit_once(':')?;
            return Some(TargetState::Failed {
                at: Stage::parse(at)?,
                errcode: errcode.parse().ok()?,
            });
        }
        Some(match StateKind::parse(s)? {
            StateKind::Pending => TargetState::Pending,
            StateKind::Committed => TargetState::Committed,
            StateKind::Submitted => TargetState::Submitted,
            StateKind::Approved => TargetState::Approved,
            StateKind::Rejected => TargetState::Rejected,
            StateKind::Released => TargetState::Released,
            StateKind::Skipped => TargetState::Skipped,
            StateKind::Cancelled => TargetState::Cancelled,
            StateKind::Gray | StateKind::Failed => return None,
        })
    }

    /// The worker has nothing more to do: released, rejected, failed, skipped or cancelled.
    /// Rejected and failed targets come back only through an operator's [`Event::Retry`].
    pub fn is_terminal(&self) -> bool {
        self.kind().is_terminal()
    }

    /// Where a non-terminal target stands (what a failure records).
    fn stage(&self) -> Option<Stage> {
        match *self {
            TargetState::Pending => Some(Stage::Pending),
            TargetState::Committed => Some(Stage::Committed),
            TargetState::Submitted => Some(Stage::Submitted),
            TargetState::Approved => Some(Stage::Approved),
            TargetState::Gray(step) => Some(Stage::Gray(step)),
            _ => None,
        }
    }
}

/// What happened to a target: an answer from WeChat, an audit result (push or poll), or an
/// operator's decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Event {
    CommitOk,
    SubmitOk,
    AuditApproved,
    AuditRejected {
        reason: String,
    },
    /// `weapp_audit_delay` / status 4: still with the reviewers.
    AuditDelayed,
    GrayStepDone,
    ReleaseOk,
    /// A write failed for good (fatal errcode, or retries used up).
    Failed {
        errcode: i64,
    },
    /// Found at run time to need nothing (before any write), e.g. already on the version.
    Skip,
    /// Operator: try a failed target again, or resubmit a rejected one.
    Retry,
    /// Operator: stop the target; what WeChat already has stays as it is.
    Cancel,
}

/// The event without its data, for errors and the timeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum EventKind {
    CommitOk,
    SubmitOk,
    AuditApproved,
    AuditRejected,
    AuditDelayed,
    GrayStepDone,
    ReleaseOk,
    Failed,
    Skip,
    Retry,
    Cancel,
}

impl Event {
    pub fn kind(&self) -> EventKind {
        match self {
            Event::CommitOk => EventKind::CommitOk,
            Event::SubmitOk => EventKind::SubmitOk,
            Event::AuditApproved => EventKind::AuditApproved,
            Event::AuditRejected { .. } => EventKind::AuditRejected,
            Event::AuditDelayed => EventKind::AuditDelayed,
            Event::GrayStepDone => EventKind::GrayStepDone,
            Event::ReleaseOk => EventKind::ReleaseOk,
            Event::Failed { .. } => EventKind::Failed,
            Event::Skip => EventKind::Skip,
            Event::Retry => EventKind::Retry,
            Event::Cancel => EventKind::Cancel,
        }
    }
}

/// Why an event does not apply to the target's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TransitionError {
    /// The target is finished; only Retry (from rejected or failed) reopens it.
    Terminal { state: StateKind, event: EventKind },
    /// The event makes no sense in this state (e.g. an audit result before the submit).
    NotAllowed { state: StateKind, event: EventKind },
    /// More gray steps than a step index holds.
    TooManyGraySteps,
}

/// The one definition of the target state machine. Allowed:
/// - pending —CommitOk→ committed —SubmitOk→ submitted —AuditApproved→ approved,
///   submitted —AuditRejected→ rejected, submitted —AuditDelayed→ submitted;
/// - approved —GrayStepDone→ gray(0) —GrayStepDone→ gray(1) …;
///   approved or gray(n) —ReleaseOk→ released;
/// - pending —Skip→ skipped (before any write);
/// - any non-terminal state —Failed→ failed (remembering where), —Cancel→ cancelled;
/// - failed —Retry→ where it failed; rejected —Retry→ committed (resubmit).
///
/// Everything else is an error, so a late or duplicated report (a push after the poll
/// already saw the result) changes nothing.
pub fn next(state: &TargetState, event: &Event) -> Result<TargetState, TransitionError> {
    use TargetState as S;
    let not_allowed = || TransitionError::NotAllowed {
        state: state.kind(),
        event: event.kind(),
    };
    match (*state, event) {
        (S::Failed { at, .. }, Event::Retry) => Ok(at.state()),
        (S::Rejected, Event::Retry) => Ok(S::Committed),
        (s, _) if s.is_terminal() => Err(TransitionError::Terminal {
            state: s.kind(),
            event: event.kind(),
        }),
        (S::Pending, Event::CommitOk) => Ok(S::Committed),
        (S::Pending, Event::Skip) => Ok(S::Skipped),
        (S::Committed, Event::SubmitOk) => Ok(S::Submitted),
        (S::Submitted, Event::AuditApproved) => Ok(S::Approved),
        (S::Submitted, Event::AuditRejected { .. }) => Ok(S::Rejected),
        (S::Submitted, Event::AuditDelayed) => Ok(S::Submitted),
        (S::Approved, Event::GrayStepDone) => Ok(S::Gray(0)),
        (S::Gray(step), Event::GrayStepDone) => step
            .checked_add(1)
            .map(S::Gray)
            .ok_or(TransitionError::TooManyGraySteps),
        (S::Approved | S::Gray(_), Event::ReleaseOk) => Ok(S::Released),
        (s, Event::Failed { errcode }) => s
            .stage()
            .map(|at| S::Failed {
                at,
                errcode: *errcode,
            })
            .ok_or_else(not_allowed),
        (_, Event::Cancel) => Ok(S::Cancelled),
        _ => Err(not_allowed()),
    }
}

// ---------------------------------------------------------------------------------------------
// Release policy and the worker's next action
// ---------------------------------------------------------------------------------------------

/// At most this many gray steps before the full release.
pub const GRAY_STEPS_MAX: usize = 10;
/// The longest wait after a gray step: 7 days.
pub const GRAY_WAIT_MINUTES_MAX: u32 = 7 * 24 * 60;

/// Release the approved version to `percentage` % of users (grayrelease), then wait.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrayStep {
    pub percentage: u8,
    pub wait_minutes: u32,
}

/// What happens once a target's audit passes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReleasePolicy {
    /// Stop at approved until an operator releases.
    Manual,
    /// Release as soon as approved.
    Automatic,
    /// Gray steps (rising percentages, each followed by its wait), then the full release.
    GrayThenFull { steps: Vec<GrayStep> },
}

/// The gray steps must be 1 to [`GRAY_STEPS_MAX`], each percentage 1–100 (85081) and above
/// the step before (85082) — the rules of [`check_gray_percentage`] — and each wait at most
/// [`GRAY_WAIT_MINUTES_MAX`].
pub fn check_policy(policy: &ReleasePolicy) -> Result<(), Vec<Violation>> {
    let ReleasePolicy::GrayThenFull { steps } = policy else {
        return Ok(());
    };
    let mut violations = Vec::new();
    if steps.is_empty() {
        violations.push(Violation::local("policy.steps", FieldProblem::Required));
    } else if steps.len() > GRAY_STEPS_MAX {
        violations.push(Violation::local(
            "policy.steps",
            FieldProblem::TooMany {
                max: GRAY_STEPS_MAX,
            },
        ));
    }
    let mut before: Option<GrayPlan> = None;
    for (i, step) in steps.iter().enumerate() {
        if let Err(mut v) = check_gray_percentage(i64::from(step.percentage), before.as_ref()) {
            v.field = format!("policy.steps[{i}].percentage");
            violations.push(v);
        }
        if step.wait_minutes > GRAY_WAIT_MINUTES_MAX {
            violations.push(Violation::local(
                format!("policy.steps[{i}].wait_minutes"),
                FieldProblem::OutOfRange {
                    min: 0,
                    max: i64::from(GRAY_WAIT_MINUTES_MAX),
                },
            ));
        }
        // Only a valid percentage raises the floor for the steps after it.
        if (GRAY_PERCENTAGE_MIN..=GRAY_PERCENTAGE_MAX).contains(&step.percentage) {
            before = Some(GrayPlan {
                status: GrayStatus::Running,
                percentage: step.percentage.max(before.map_or(0, |b| b.percentage)),
            });
        }
    }
    if violations.is_empty() {
        Ok(())
    } else {
        Err(violations)
    }
}

/// Gray release needs a version online (85079): a target without one is released in full.
pub fn effective_policy(policy: &ReleasePolicy, has_online_version: bool) -> ReleasePolicy {
    match policy {
        ReleasePolicy::GrayThenFull { .. } if !has_online_version => ReleasePolicy::Automatic,
        other => other.clone(),
    }
}

/// A WeChat write the worker makes for a target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Write {
    Commit,
    SubmitAudit,
    GrayRelease { percentage: u8 },
    Release,
}

/// What the worker does next for a target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Action {
    Commit,
    SubmitAudit,
    /// The audit is with the reviewers: push or poll (`audit_tracking`) brings the result.
    WaitForAudit,
    GrayRelease {
        percentage: u8,
    },
    Release,
    /// Wait until `after_secs` have passed since the target entered its state, then `then`.
    WaitUntil {
        after_secs: u64,
        then: Write,
    },
}

impl From<Write> for Action {
    fn from(w: Write) -> Action {
        match w {
            Write::Commit => Action::Commit,
            Write::SubmitAudit => Action::SubmitAudit,
            Write::GrayRelease { percentage } => Action::GrayRelease { percentage },
            Write::Release => Action::Release,
        }
    }
}

impl Action {
    /// The write this action makes now (None for the waits).
    pub fn write(&self) -> Option<Write> {
        match *self {
            Action::Commit => Some(Write::Commit),
            Action::SubmitAudit => Some(Write::SubmitAudit),
            Action::GrayRelease { percentage } => Some(Write::GrayRelease { percentage }),
            Action::Release => Some(Write::Release),
            Action::WaitForAudit | Action::WaitUntil { .. } => None,
        }
    }
}

/// The worker's next step for a target under `policy` (use [`effective_policy`] for the
/// target). None when the target is finished or waits for a person: approved under the
/// manual policy, rejected, failed.
pub fn next_action(state: &TargetState, policy: &ReleasePolicy) -> Option<Action> {
    match (*state, policy) {
        (TargetState::Pending, _) => Some(Action::Commit),
        (TargetState::Committed, _) => Some(Action::SubmitAudit),
        (TargetState::Submitted, _) => Some(Action::WaitForAudit),
        (TargetState::Approved | TargetState::Gray(_), ReleasePolicy::Manual) => None,
        (TargetState::Approved | TargetState::Gray(_), ReleasePolicy::Automatic) => {
            Some(Action::Release)
        }
        (TargetState::Approved, ReleasePolicy::GrayThenFull { steps }) => Some(
            steps
                .first()
                .map_or(Action::Release, |s| Action::GrayRelease {
                    percentage: s.percentage,
                }),
        ),
        (TargetState::Gray(done), ReleasePolicy::GrayThenFull { steps }) => {
            let done = usize::from(done);
            let then = steps
                .get(done + 1)
                .map_or(Write::Release, |s| Write::GrayRelease {
                    percentage: s.percentage,
                });
            let wait = steps
                .get(done)
                .map_or(0, |s| u64::from(s.wait_minutes) * 60);
            Some(if wait == 0 {
                then.into()
            } else {
                Action::WaitUntil {
                    after_secs: wait,
                    then,
                }
            })
        }
        _ => None,
    }
}

/// [`next_action`] at a moment: a wait whose time has come (the target entered its state
/// at `entered_at`, Unix seconds) becomes its write.
pub fn due_action(
    state: &TargetState,
    policy: &ReleasePolicy,
    entered_at: i64,
    now: i64,
) -> Option<Action> {
    match next_action(state, policy)? {
        Action::WaitUntil { after_secs, then } => {
            let due = entered_at.saturating_add(i64::try_from(after_secs).unwrap_or(i64::MAX));
            Some(if now >= due {
                then.into()
            } else {
                Action::WaitUntil { after_secs, then }
            })
        }
        other => Some(other),
    }
}

// ---------------------------------------------------------------------------------------------
// Idempotency: a write whose answer was lost
// ---------------------------------------------------------------------------------------------

/// Clock difference between WeChat and the console tolerated when comparing times.
pub const CLOCK_SKEW_SECS: i64 = 300;

/// What the worker read back from WeChat before repeating a write whose answer was lost.
/// `None` means WeChat shows nothing there (or the value was not part of its answer).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObservedWechatState {
    /// The development version's `user_version` (getversioninfo's exp_info, where offered).
    pub dev_version: Option<String>,
    /// When the development version was committed, Unix seconds.
    pub dev_committed_at: Option<i64>,
    /// get_latest_auditstatus: the newest audit's id (None: never submitted, 86001/85012).
    pub latest_auditid: Option<i64>,
    pub latest_audit_status: Option<AuditStatus>,
    /// The newest audit's version and submission time, when WeChat's answer carries them
    /// (the seed's answer has neither).
    pub latest_audit_version: Option<String>,
    pub latest_audit_submitted_at: Option<i64>,
    /// The version online (None: nothing released).
    pub online_version: Option<String>,
    /// getgrayreleaseplan.
    pub gray: Option<GrayPlan>,
}

/// What the target's record says about the lost write.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LostWrite {
    /// The rollout's `user_version`.
    pub user_version: String,
    /// When the worker sent the write, Unix seconds.
    pub attempted_at: i64,
    /// When the target's commit was done (known from committed on).
    pub committed_at: Option<i64>,
    /// The newest auditid the console knew before submitting (None: none).
    pub auditid_before: Option<i64>,
}

/// The answer of [`reconcile`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reconciled {
    /// WeChat shows the write happened: apply this event instead of writing again (for a
    /// submit, the auditid is the observed `latest_auditid`).
    AlreadyDone(Event),
    /// WeChat shows no trace of it: make the write again.
    Repeat,
}

/// Decides whether a write whose answer was lost happened, from WeChat's state read back.
/// Only positive evidence counts as done:
/// - Commit: the development version is ours, committed no earlier than the attempt
///   (when WeChat says when);
/// - SubmitAudit: the newest audit is a new one (not the one known before the submit), of
///   our version and submitted after our commit where WeChat says so — whatever its status,
///   since a quick audit may already be over;
/// - GrayRelease: an active gray plan (running or paused) at the percentage or above;
/// - Release: our version online and no gray plan still active.
pub fn reconcile(step: Write, ours: &LostWrite, observed: &ObservedWechatState) -> Reconciled {
    let done = match step {
        Write::Commit => {
            observed.dev_version.as_deref() == Some(ours.user_version.as_str())
                && observed
                    .dev_committed_at
                    .is_none_or(|t| t >= ours.attempted_at.saturating_sub(CLOCK_SKEW_SECS))
        }
        Write::SubmitAudit => {
            let after = ours.committed_at.unwrap_or(ours.attempted_at);
            observed
                .latest_auditid
                .is_some_and(|id| Some(id) != ours.auditid_before)
                && observed
                    .latest_audit_version
                    .as_deref()
                    .is_none_or(|v| v == ours.user_version)
                && observed
                    .latest_audit_submitted_at
                    .is_none_or(|t| t >= after.saturating_sub(CLOCK_SKEW_SECS))
        }
        Write::GrayRelease { percentage } => observed
            .gray
            .is_some_and(|g| g.is_active() && g.percentage >= percentage),
        Write::Release => {
            observed.online_version.as_deref() == Some(ours.user_version.as_str())
                && !observed.gray.is_some_and(|g| g.is_active())
        }
    };
    if !done {
        return Reconciled::Repeat;
    }
    Reconciled::AlreadyDone(match step {
        Write::Commit => Event::CommitOk,
        Write::SubmitAudit => Event::SubmitOk,
        Write::GrayRelease { .. } => Event::GrayStepDone,
        Write::Release => Event::ReleaseOk,
    })
}

// ---------------------------------------------------------------------------------------------
// Errors and backoff
// ---------------------------------------------------------------------------------------------

/// The errcodes the rollout treats specially.
pub mod errcode {
    /// 系统繁忙.
    pub const SYSTEM_BUSY: i64 = -1;
    /// 接口调用超过限额 (daily call quota).
    pub const API_QUOTA: i64 = 45009;
    /// API 调用太频繁 (minute-frequency limit).
    pub const API_FREQUENCY: i64 = 45011;
    /// 近 7 天提交审核的小程序数量过多 (submit_audit).
    pub const AUDIT_QUOTA: i64 = 85085;
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ErrorClass {
    /// Busy or rate-limited: try again after [`backoff`].
    Retry,
    /// The 7-day audit quota (85085): the target waits for room, it does not fail.
    Quota,
    /// Anything else: the target fails with the errcode.
    Fatal,
}

pub fn classify(errcode: i64) -> ErrorClass {
    match errcode {
        errcode::SYSTEM_BUSY | errcode::API_QUOTA | errcode::API_FREQUENCY => ErrorClass::Retry,
        errcode::AUDIT_QUOTA => ErrorClass::Quota,
        _ => ErrorClass::Fatal,
    }
}

pub const BACKOFF_FIRST_SECS: u64 = 2;
pub const BACKOFF_CAP_SECS: u64 = 600;
/// Retryable failures of one write before the target fails with the errcode.
pub const RETRY_ATTEMPTS_MAX: u32 = 12;
pub const QUOTA_WAIT_FIRST_SECS: u64 = 15 * 60;
pub const QUOTA_WAIT_CAP_SECS: u64 = 6 * 3600;

fn doubling(attempt: u32, first: u64, cap: u64) -> Duration {
    let factor = 1u64.checked_shl(attempt.min(63)).unwrap_or(u64::MAX);
    Duration::from_secs(first.saturating_mul(factor).min(cap))
}

/// The wait before retry number `attempt + 1` after a busy / rate-limit answer: 2 s, 4 s,
/// 8 s … doubling up to 10 min. Deterministic (a worker may add jitter).
pub fn backoff(attempt: u32) -> Duration {
    doubling(attempt, BACKOFF_FIRST_SECS, BACKOFF_CAP_SECS)
}

/// The wait after an 85085 answer: 15 min doubling up to 6 h (room in the 7-day window
/// comes back only as earlier submissions age out).
pub fn quota_wait(attempt: u32) -> Duration {
    doubling(attempt, QUOTA_WAIT_FIRST_SECS, QUOTA_WAIT_CAP_SECS)
}

/// What the worker does after a write answered `errcode` on its `attempt`-th try
/// (counted from 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ErrorOutcome {
    RetryAfter(Duration),
    WaitForQuota(Duration),
    /// Apply `Event::Failed { errcode }`.
    Fail {
        errcode: i64,
    },
}

pub fn on_error(errcode: i64, attempt: u32) -> ErrorOutcome {
    match classify(errcode) {
        ErrorClass::Retry if attempt.saturating_add(1) < RETRY_ATTEMPTS_MAX => {
            ErrorOutcome::RetryAfter(backoff(attempt))
        }
        ErrorClass::Quota => ErrorOutcome::WaitForQuota(quota_wait(attempt)),
        ErrorClass::Retry | ErrorClass::Fatal => ErrorOutcome::Fail { errcode },
    }
}

// ---------------------------------------------------------------------------------------------
// ext_json templates
// ---------------------------------------------------------------------------------------------

/// A merchant as templates see it: `{merchant.id}`, `{merchant.name}`, `{merchant.<field>}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MerchantInfo {
    pub id: i64,
    pub name: String,
    pub fields: BTreeMap<String, String>,
}

/// Why an ext_json template could not be filled for a target.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TemplateError {
    /// `{name}` is no variable (for this target's merchant, for `merchant.<field>`).
    UnknownVariable { name: String },
    /// The variable has no value for this target (no merchant).
    NoValue { name: String },
    /// `{name` without its closing `}` (a literal `{` is written `{{`).
    Unclosed { name: String },
}

/// Why a target's ext_json is not fit for its commit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExtJsonProblem {
    Template(TemplateError),
    /// The filled text broke the commit rules (`check_ext_json`: 85048, 85013, 85047 …).
    Invalid(Vec<Violation>),
}

/// One `{…}` of a template.
enum Piece<'a> {
    Text(&'a str),
    Variable(&'a str),
}

/// Splits a template into text and variables. A variable is `{` + a name (a letter or `_`,
/// then letters, digits, `_`, `.`, `-`) + `}`; JSON's own braces are never followed by a
/// letter, so they stay text. `{{` is a literal `{`.
fn pieces(template: &str) -> Result<Vec<Piece<'_>>, TemplateError> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        if let Some(literal) = after.strip_prefix('{') {
            out.push(Piece::Text(&rest[..=open]));
            rest = literal;
            continue;
        }
        if !after.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
            out.push(Piece::Text(&rest[..=open]));
            rest = after;
            continue;
        }
        out.push(Piece::Text(&rest[..open]));
        let len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')))
            .unwrap_or(after.len());
        let name = &after[..len];
        let Some(tail) = after[len..].strip_prefix('}') else {
            return Err(TemplateError::Unclosed {
                name: name.to_owned(),
            });
        };
        out.push(Piece::Variable(name));
        rest = tail;
    }
    out.push(Piece::Text(rest));
    Ok(out)
}

/// Variables every target has: `{appid}`, `{name}` (nickname), `{merchant.id}`,
/// `{merchant.name}`; `{merchant.<field>}` depends on the merchant.
pub const TEMPLATE_VARIABLES: [&str; 4] = ["appid", "name", "merchant.id", "merchant.name"];

fn is_known_variable(name: &str) -> bool {
    TEMPLATE_VARIABLES.contains(&name)
        || name
            .strip_prefix("merchant.")
            .is_some_and(|field| !field.is_empty() && !field.contains('.'))
}

/// The template's variables in order of appearance (each once), or the first problem any
/// target would have: an unclosed or unknown variable.
pub fn template_variables(template: &str) -> Result<Vec<String>, TemplateError> {
    let mut out: Vec<String> = Vec::new();
    for piece in pieces(template)? {
        if let Piece::Variable(name) = piece {
            if !is_known_variable(name) {
                return Err(TemplateError::UnknownVariable {
                    name: name.to_owned(),
                });
            }
            if !out.iter().any(|n| n == name) {
                out.push(name.to_owned());
            }
        }
    }
    Ok(out)
}

/// The value as it goes inside a JSON string: `"`, `\` and control characters escaped.
pub fn json_string_escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

fn variable_value(name: &str, target: &TargetCandidate) -> Result<String, TemplateError> {
    let no_value = || TemplateError::NoValue {
        name: name.to_owned(),
    };
    match name {
        "appid" => return Ok(target.appid.clone()),
        "name" => return Ok(target.nick_name.clone()),
        _ => {}
    }
    let Some(field) = name.strip_prefix("merchant.") else {
        return Err(TemplateError::UnknownVariable {
            name: name.to_owned(),
        });
    };
    let merchant = target.merchant.as_ref().ok_or_else(no_value)?;
    match field {
        "id" => Ok(merchant.id.to_string()),
        "name" => Ok(merchant.name.clone()),
        _ => merchant
            .fields
            .get(field)
            .cloned()
            .ok_or_else(|| TemplateError::UnknownVariable {
                name: name.to_owned(),
            }),
    }
}

/// Fills the template for one target, every value JSON-string-escaped (a merchant name with
/// a quote cannot break out of its string).
pub fn render_template(template: &str, target: &TargetCandidate) -> Result<String, TemplateError> {
    template_variables(template)?;
    let mut out = String::with_capacity(template.len());
    for piece in pieces(template)? {
        match piece {
            Piece::Text(text) => out.push_str(text),
            Piece::Variable(name) => {
                out.push_str(&json_string_escape(&variable_value(name, target)?))
            }
        }
    }
    Ok(out)
}

/// The target's ext_json: the template filled, then checked as a commit's ext_json
/// (`check_ext_json`, against the template's app.json when known). Returns the compact
/// JSON string for the commit ("" for a blank template: no ext_json).
pub fn render_ext_json(
    template: &str,
    target: &TargetCandidate,
    template_app_json: Option<&JsonObject>,
) -> Result<String, ExtJsonProblem> {
    let text = render_template(template, target).map_err(ExtJsonProblem::Template)?;
    if text.trim().is_empty() {
        return Ok(String::new());
    }
    check_ext_json(&text, template_app_json)
        .map(|ext| ext.to_json_string())
        .map_err(ExtJsonProblem::Invalid)
}

// ---------------------------------------------------------------------------------------------
// Planner
// ---------------------------------------------------------------------------------------------

/// A mini program that may become a target, with what the console knows of it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetCandidate {
    pub appid: String,
    pub nick_name: String,
    pub merchant: Option<MerchantInfo>,
    /// None: not in the registry (a pasted AppID the platform does not manage).
    pub status: Option<AppStatus>,
    pub online_version: Option<String>,
    pub online_template_id: Option<i64>,
    /// The newest audit is with the reviewers (auditing or delayed): 85009 on submit.
    pub audit_in_review: bool,
    /// A gray release plan is running or paused.
    pub gray_active: bool,
    /// A target of another rollout that has not finished.
    pub in_other_rollout: bool,
}

/// What to roll out and how.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RolloutSpec {
    pub template_id: i64,
    pub user_version: String,
    pub user_desc: String,
    /// ext_json with variables ([`render_ext_json`]); blank for none.
    pub ext_json_template: String,
    pub policy: ReleasePolicy,
    /// The template's app.json when known: each target's ext_json paths are checked
    /// against its pages.
    pub template_app_json: Option<JsonObject>,
}

pub const CONCURRENCY_MAX: u32 = 64;
pub const CALLS_PER_MINUTE_MAX: u32 = 100_000;
/// The audit quota's window: "近 7 天".
pub const AUDIT_QUOTA_WINDOW_SECS: u64 = 7 * 24 * 3600;

/// The limits a rollout runs under, and the assumptions of its time estimate. Fields left
/// out of JSON take their [`Limits::default`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Limits {
    /// WeChat calls in flight at once (a target waiting for its audit holds none).
    pub concurrency: u32,
    pub calls_per_minute: u32,
    /// Mini programs that may still be submitted in the current 7-day window (85085).
    pub audit_quota_remaining: u32,
    /// Mini programs the 7-day window admits in all: room that comes back as it rolls.
    pub audit_quota_per_window: u32,
    /// Assumed time an audit takes.
    pub expected_audit_secs: u64,
    /// Assumed time one WeChat call takes.
    pub call_millis: u64,
}

/// Four calls at a time, 600 a minute, a full audit quota of 100 mini programs per 7 days
/// (the simulator's figure: the seed names 85085 but not the number), audits of a day,
/// calls of half a second.
impl Default for Limits {
    fn default() -> Self {
        Limits {
            concurrency: 4,
            calls_per_minute: 600,
            audit_quota_remaining: 100,
            audit_quota_per_window: 100,
            expected_audit_secs: 24 * 3600,
            call_millis: 500,
        }
    }
}

/// Concurrency 1–64 and calls per minute 1–100,000.
pub fn check_limits(limits: &Limits) -> Result<(), Vec<Violation>> {
    let mut violations = Vec::new();
    for (field, value, max) in [
        ("limits.concurrency", limits.concurrency, CONCURRENCY_MAX),
        (
            "limits.calls_per_minute",
            limits.calls_per_minute,
            CALLS_PER_MINUTE_MAX,
        ),
    ] {
        if !(1..=max).contains(&value) {
            violations.push(Violation::local(
                field,
                FieldProblem::OutOfRange {
                    min: 1,
                    max: i64::from(max),
                },
            ));
        }
    }
    if violations.is_empty() {
        Ok(())
    } else {
        Err(violations)
    }
}

/// Why a candidate is not a target.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SkipReason {
    /// Not an AppID (`wx` + 16 lowercase hex digits).
    InvalidAppid,
    /// Listed before.
    Duplicate,
    /// Not a mini program of this platform.
    NotRegistered,
    /// The owner revoked the authorization.
    Unauthorized,
    NeedsReauthorization,
    /// Another unfinished rollout has it.
    InOtherRollout,
    /// This version of this template is online already.
    AlreadyOnVersion,
    /// An audit is with the reviewers (a submit would be 85009).
    AuditInReview,
    /// A gray release is under way.
    GrayInProgress,
    /// Its ext_json cannot be made or breaks the commit rules.
    ExtJson(ExtJsonProblem),
}

impl SkipReason {
    pub fn as_str(&self) -> &'static str {
        match self {
            SkipReason::InvalidAppid => "invalid_appid",
            SkipReason::Duplicate => "duplicate",
            SkipReason::NotRegistered => "not_registered",
            SkipReason::Unauthorized => "unauthorized",
            SkipReason::NeedsReauthorization => "needs_reauthorization",
            SkipReason::InOtherRollout => "in_other_rollout",
            SkipReason::AlreadyOnVersion => "already_on_version",
            SkipReason::AuditInReview => "audit_in_review",
            SkipReason::GrayInProgress => "gray_in_progress",
            SkipReason::ExtJson(_) => "ext_json",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedTarget {
    pub appid: String,
    pub reason: SkipReason,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedTarget {
    pub appid: String,
    pub merchant_id: Option<i64>,
    /// The filled and checked ext_json for its commit.
    pub ext_json: String,
    /// The policy's gray steps do not apply: no version online yet (85079), so it is
    /// released in full on approval ([`effective_policy`]).
    pub gray_skipped: bool,
}

/// WeChat calls a rollout is expected to make, summed over its targets.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallEstimate {
    pub commit: u64,
    pub submit_audit: u64,
    /// get_auditstatus polls while audits last (an upper bound: pushes usually come first).
    pub status_polls: u64,
    pub gray_release: u64,
    pub release: u64,
}

impl CallEstimate {
    pub fn total(&self) -> u64 {
        self.commit
            .saturating_add(self.submit_audit)
            .saturating_add(self.status_polls)
            .saturating_add(self.gray_release)
            .saturating_add(self.release)
    }
}

/// What sets a rollout's duration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Limiter {
    /// Nothing to do.
    Nothing,
    /// The audits (and gray waits) themselves: the limits are not what holds it back.
    AuditAndWaits,
    CallsPerMinute,
    Concurrency,
    /// More targets than the 7-day audit quota admits now.
    AuditQuota,
}

/// How long a rollout will take at its limits, and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Eta {
    /// `max(calls, concurrency, audit quota) + audit + gray waits`; None when the audit
    /// quota never admits every target (no room now and a window of 0).
    pub total_secs: Option<u64>,
    pub limited_by: Limiter,
    pub calls: CallEstimate,
    /// All calls at `calls_per_minute`.
    pub calls_secs: u64,
    /// All calls, `call_millis` each, `concurrency` at a time.
    pub concurrency_secs: u64,
    /// Until the 7-day window admits the submissions beyond the remaining quota (None: never).
    pub audit_quota_secs: Option<u64>,
    /// Submissions beyond the remaining quota.
    pub over_quota: u64,
    /// One audit (they run side by side).
    pub audit_secs: u64,
    /// The waits after the gray steps.
    pub gray_wait_secs: u64,
    /// Manual policy: the estimate stops at approval; releasing is up to people.
    pub waits_for_operator: bool,
}

/// The plan of a rollout: the spec's own problems, the targets and the skipped, the ETA.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// Version, template, policy or limits at fault: the rollout cannot start.
    pub violations: Vec<Violation>,
    /// The ext_json template is broken for every target (unclosed or unknown variable).
    pub template_error: Option<TemplateError>,
    pub run: Vec<PlannedTarget>,
    pub skipped: Vec<SkippedTarget>,
    pub eta: Eta,
}

impl Plan {
    pub fn can_start(&self) -> bool {
        self.violations.is_empty() && self.template_error.is_none() && !self.run.is_empty()
    }

    /// Skipped targets per reason ([`SkipReason::as_str`]).
    pub fn skip_counts(&self) -> BTreeMap<&'static str, usize> {
        let mut counts = BTreeMap::new();
        for s in &self.skipped {
            *counts.entry(s.reason.as_str()).or_insert(0) += 1;
        }
        counts
    }
}

/// `wx` + 16 lowercase hex digits (the same rule as `wechat::is_valid_appid`, which the
/// browser bundle cannot reach).
fn is_valid_appid(appid: &str) -> bool {
    appid.len() == 18
        && appid.starts_with("wx")
        && appid[2..]
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn skip_reason(
    c: &TargetCandidate,
    spec: &RolloutSpec,
    seen: &mut HashSet<String>,
) -> Option<SkipReason> {
    let appid = c.appid.trim();
    if !is_valid_appid(appid) {
        return Some(SkipReason::InvalidAppid);
    }
    if !seen.insert(appid.to_owned()) {
        return Some(SkipReason::Duplicate);
    }
    match c.status {
        None => return Some(SkipReason::NotRegistered),
        Some(AppStatus::Unauthorized) => return Some(SkipReason::Unauthorized),
        Some(AppStatus::NeedsReauthorization) => return Some(SkipReason::NeedsReauthorization),
        Some(AppStatus::Authorized) => {}
    }
    if c.in_other_rollout {
        return Some(SkipReason::InOtherRollout);
    }
    if c.online_version.as_deref() == Some(spec.user_version.trim())
        && c.online_template_id.is_none_or(|t| t == spec.template_id)
    {
        return Some(SkipReason::AlreadyOnVersion);
    }
    if c.audit_in_review {
        return Some(SkipReason::AuditInReview);
    }
    if c.gray_active {
        return Some(SkipReason::GrayInProgress);
    }
    None
}

/// The polls of one audit lasting `audit_secs`, on the schedule of
/// `audit_tracking::backoff_secs` (1 min, 2, 4 … then hourly): the poll that sees the
/// result included.
fn status_polls(audit_secs: u64) -> u64 {
    let audit_secs = audit_secs.max(1);
    let mut elapsed = 0u64;
    let mut polls = 0u64;
    while elapsed < audit_secs {
        let step = audit_tracking::backoff_secs(i64::try_from(polls).unwrap_or(i64::MAX));
        let step = u64::try_from(step).unwrap_or(1).max(1);
        if step >= u64::try_from(audit_tracking::MAX_POLL_SECS).unwrap_or(step) {
            return polls.saturating_add((audit_secs - elapsed).div_ceil(step));
        }
        elapsed += step;
        polls += 1;
    }
    polls
}

fn estimate(run: &[PlannedTarget], policy: &ReleasePolicy, limits: &Limits) -> Eta {
    let n = u64::try_from(run.len()).unwrap_or(u64::MAX);
    let grayed = u64::try_from(run.iter().filter(|t| !t.gray_skipped).count()).unwrap_or(n);
    let (gray_steps, gray_wait_secs) = match policy {
        ReleasePolicy::GrayThenFull { steps } if grayed > 0 => (
            u64::try_from(steps.len()).unwrap_or(0),
            steps.iter().map(|s| u64::from(s.wait_minutes) * 60).sum(),
        ),
        _ => (0, 0),
    };
    let manual = *policy == ReleasePolicy::Manual;
    let calls = CallEstimate {
        commit: n,
        submit_audit: n,
        status_polls: n.saturating_mul(status_polls(limits.expected_audit_secs)),
        gray_release: grayed.saturating_mul(gray_steps),
        release: if manual { 0 } else { n },
    };
    let total = calls.total();
    let calls_secs = total
        .saturating_mul(60)
        .div_ceil(u64::from(limits.calls_per_minute.max(1)));
    let concurrency_secs = total
        .saturating_mul(limits.call_millis)
        .div_ceil(1000u64.saturating_mul(u64::from(limits.concurrency.max(1))));
    let over_quota = n.saturating_sub(u64::from(limits.audit_quota_remaining));
    let audit_quota_secs = match (over_quota, limits.audit_quota_per_window) {
        (0, _) => Some(0),
        (_, 0) => None,
        (over, window) => Some(
            over.div_ceil(u64::from(window))
                .saturating_mul(AUDIT_QUOTA_WINDOW_SECS),
        ),
    };
    let audit_secs = if n == 0 {
        0
    } else {
        limits.expected_audit_secs
    };
    let waits = audit_secs.saturating_add(gray_wait_secs);
    let mut limited_by = if n == 0 {
        Limiter::Nothing
    } else {
        Limiter::AuditAndWaits
    };
    let mut longest = waits;
    for (limiter, secs) in [
        (Limiter::CallsPerMinute, calls_secs),
        (Limiter::Concurrency, concurrency_secs),
        (Limiter::AuditQuota, audit_quota_secs.unwrap_or(u64::MAX)),
    ] {
        if secs > longest {
            longest = secs;
            limited_by = limiter;
        }
    }
    let total_secs = audit_quota_secs.map(|quota| {
        calls_secs
            .max(concurrency_secs)
            .max(quota)
            .saturating_add(waits)
    });
    Eta {
        total_secs: if n == 0 { Some(0) } else { total_secs },
        limited_by,
        calls,
        calls_secs,
        concurrency_secs,
        audit_quota_secs,
        over_quota,
        audit_secs,
        gray_wait_secs,
        waits_for_operator: manual && n > 0,
    }
}

/// Plans a rollout: the spec checked (version ≤ 64 characters and template id by
/// `check_commit`, the policy, the limits, the template's variables), each candidate
/// either planned with its filled and checked ext_json or skipped with the reason, and the
/// ETA of the planned targets at the limits.
pub fn plan(targets: &[TargetCandidate], spec: &RolloutSpec, limits: &Limits) -> Plan {
    let mut violations = Vec::new();
    let form = CommitForm {
        template_id: Some(spec.template_id),
        ext_json: String::new(),
        user_version: spec.user_version.clone(),
        user_desc: spec.user_desc.clone(),
    };
    if let Err(mut v) = check_commit(&form, None, None) {
        violations.append(&mut v);
    }
    if let Err(mut v) = check_policy(&spec.policy) {
        violations.append(&mut v);
    }
    if let Err(mut v) = check_limits(limits) {
        violations.append(&mut v);
    }
    let template_error = template_variables(&spec.ext_json_template).err();
    let mut seen = HashSet::new();
    let mut run = Vec::new();
    let mut skipped = Vec::new();
    for c in targets {
        let appid = c.appid.trim().to_owned();
        let reason = skip_reason(c, spec, &mut seen);
        let ext_json = match reason {
            Some(reason) => Err(reason),
            None if template_error.is_some() => Ok(String::new()),
            None => render_ext_json(&spec.ext_json_template, c, spec.template_app_json.as_ref())
                .map_err(SkipReason::ExtJson),
        };
        match ext_json {
            Ok(ext_json) => run.push(PlannedTarget {
                appid,
                merchant_id: c.merchant.as_ref().map(|m| m.id),
                ext_json,
                gray_skipped: matches!(spec.policy, ReleasePolicy::GrayThenFull { .. })
                    && c.online_version.is_none(),
            }),
            Err(reason) => skipped.push(SkippedTarget { appid, reason }),
        }
    }
    let eta = estimate(&run, &spec.policy, limits);
    Plan {
        violations,
        template_error,
        run,
        skipped,
        eta,
    }
}

// ---------------------------------------------------------------------------------------------
// Progress
// ---------------------------------------------------------------------------------------------

/// Targets per state, in [`StateKind::ALL`] order (zeros included).
pub fn count_states<'a>(
    states: impl IntoIterator<Item = &'a TargetState>,
) -> Vec<(StateKind, u64)> {
    let mut counts: Vec<(StateKind, u64)> = StateKind::ALL.iter().map(|&k| (k, 0)).collect();
    for state in states {
        if let Some(entry) = counts.iter_mut().find(|(k, _)| *k == state.kind()) {
            entry.1 += 1;
        }
    }
    counts
}

/// Finished targets per hour since the start; None before any time has passed.
pub fn throughput_per_hour(started_at: i64, now: i64, done: u64) -> Option<f64> {
    let elapsed = now.saturating_sub(started_at);
    (elapsed > 0).then(|| done as f64 * 3600.0 / elapsed as f64)
}

/// Seconds until the `remaining` targets are done at the pace so far; Some(0) when none
/// remain, None while nothing is done yet (no pace to go by).
pub fn eta_secs(started_at: i64, now: i64, done: u64, remaining: u64) -> Option<u64> {
    if remaining == 0 {
        return Some(0);
    }
    if done == 0 {
        return None;
    }
    let elapsed = u64::try_from(now.saturating_sub(started_at)).unwrap_or(0);
    Some(
        u128::from(elapsed)
            .saturating_mul(u128::from(remaining))
            .div_ceil(u128::from(done))
            .try_into()
            .unwrap_or(u64::MAX),
    )
}

/// The live progress of a rollout.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    pub total: u64,
    /// Targets in a terminal state.
    pub done: u64,
    pub counts: Vec<(StateKind, u64)>,
    /// Whole percent of targets done.
    pub percent: u8,
    pub per_hour: Option<f64>,
    pub eta_secs: Option<u64>,
}

impl Progress {
    pub fn is_finished(&self) -> bool {
        self.done == self.total
    }
}

pub fn progress<'a>(
    states: impl IntoIterator<Item = &'a TargetState>,
    started_at: i64,
    now: i64,
) -> Progress {
    progress_of_counts(count_states(states), started_at, now)
}

/// [`progress`] from counts per state (as the database groups them); kinds missing from
/// `counts` count 0, a kind listed twice is added up.
pub fn progress_of_counts(
    counts: impl IntoIterator<Item = (StateKind, u64)>,
    started_at: i64,
    now: i64,
) -> Progress {
    let mut all: Vec<(StateKind, u64)> = StateKind::ALL.iter().map(|&k| (k, 0)).collect();
    for (kind, n) in counts {
        if let Some(entry) = all.iter_mut().find(|(k, _)| *k == kind) {
            entry.1 = entry.1.saturating_add(n);
        }
    }
    let counts = all;
    let total: u64 = counts.iter().map(|(_, n)| n).sum();
    let done: u64 = counts
        .iter()
        .filter(|(k, _)| k.is_terminal())
        .map(|(_, n)| n)
        .sum();
    let percent = done
        .saturating_mul(100)
        .checked_div(total)
        .map_or(100, |p| u8::try_from(p).unwrap_or(100));
    Progress {
        total,
        done,
        counts,
        percent,
        per_hour: throughput_per_hour(started_at, now, done),
        eta_secs: eta_secs(started_at, now, done, total - done),
    }
}

/// How long a running rollout may go without any target changing state, while some of
/// them could move, before staff are told it stalled.
pub const STALL_SECS: i64 = 30 * 60;

/// A running rollout has stalled when targets that could move (not waiting for a review,
/// for a gray step's wait, or under the manual policy for an operator's release) exist and
/// no target has changed state for [`STALL_SECS`]: every write keeps failing and backing
/// off, the audit quota is used up, or no instance is working on it.
pub fn is_stalled(
    counts: &[(StateKind, u64)],
    policy: &ReleasePolicy,
    last_change_at: i64,
    now: i64,
) -> bool {
    let movable: u64 = counts
        .iter()
        .filter(|(k, _)| match k {
            k if k.is_terminal() => false,
            StateKind::Submitted | StateKind::Gray => false,
            StateKind::Approved => *policy != ReleasePolicy::Manual,
            _ => true,
        })
        .map(|(_, n)| n)
        .sum();
    movable > 0 && now.saturating_sub(last_change_at) >= STALL_SECS
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::release::errcode::{
        EXT_JSON_UNPARSABLE, GRAY_PERCENTAGE_NOT_HIGHER, INVALID_GRAY_PERCENTAGE,
        INVALID_TEMPLATE_ID, PAGES_EMPTY,
    };
    use serde_json::{json, Value};
    use TargetState as S;

    fn appid(i: u32) -> String {
        format!("wx{i:016x}")
    }

    fn failed(at: Stage, errcode: i64) -> TargetState {
        S::Failed { at, errcode }
    }

    fn every_state() -> Vec<TargetState> {
        vec![
            S::Pending,
            S::Committed,
            S::Submitted,
            S::Approved,
            S::Rejected,
            S::Gray(0),
            S::Gray(3),
            S::Released,
            failed(Stage::Committed, 85009),
            failed(Stage::Gray(1), -1),
            S::Skipped,
            S::Cancelled,
        ]
    }

    fn every_event() -> Vec<Event> {
        vec![
            Event::CommitOk,
            Event::SubmitOk,
            Event::AuditApproved,
            Event::AuditRejected {
                reason: "1:账号信息不符合规范:<br>".into(),
            },
            Event::AuditDelayed,
            Event::GrayStepDone,
            Event::ReleaseOk,
            Event::Failed { errcode: 85013 },
            Event::Skip,
            Event::Retry,
            Event::Cancel,
        ]
    }

    fn steps(list: &[(u8, u32)]) -> Vec<GrayStep> {
        list.iter()
            .map(|&(percentage, wait_minutes)| GrayStep {
                percentage,
                wait_minutes,
            })
            .collect()
    }

    fn gray_policy(list: &[(u8, u32)]) -> ReleasePolicy {
        ReleasePolicy::GrayThenFull { steps: steps(list) }
    }

    // ----- states -------------------------------------------------------------------------

    #[test]
    fn state_kinds_round_trip_and_unknown_names_are_rejected() {
        for k in StateKind::ALL {
            assert_eq!(StateKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(StateKind::parse("Released"), None);
        assert_eq!(StateKind::parse(""), None);
        assert_eq!(S::Gray(2).as_str(), "gray");
        assert_eq!(failed(Stage::Pending, 1).as_str(), "failed");
    }

    #[test]
    fn states_with_their_data_encode_and_parse_back() {
        for s in every_state() {
            assert_eq!(S::parse(&s.encode()), Some(s), "{}", s.encode());
        }
        assert_eq!(S::Gray(1).encode(), "gray:1");
        assert_eq!(
            failed(Stage::Committed, 85009).encode(),
            "failed:committed:85009"
        );
        assert_eq!(failed(Stage::Gray(0), -1).encode(), "failed:gray:0:-1");
        assert_eq!(S::parse("released"), Some(S::Released));
        for bad in [
            "gray",
            "gray:",
            "gray:256",
            "failed",
            "failed:committed",
            "failed:released:1",
            "failed:failed:pending:1:2",
            "failed:pending:x",
            "PENDING",
        ] {
            assert_eq!(S::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn terminal_states_are_the_finished_ones() {
        let terminal: Vec<&str> = every_state()
            .iter()
            .filter(|s| s.is_terminal())
            .map(|s| s.as_str())
            .collect();
        assert_eq!(
            terminal,
            vec![
                "rejected",
                "released",
                "failed",
                "failed",
                "skipped",
                "cancelled"
            ]
        );
        assert!(!S::Approved.is_terminal() && !S::Gray(0).is_terminal());
    }

    // ----- transitions --------------------------------------------------------------------

    /// The allowed transitions, written out independently of `next`.
    fn allowed() -> Vec<(TargetState, EventKind, TargetState)> {
        use EventKind as E;
        let mut list = vec![
            (S::Pending, E::CommitOk, S::Committed),
            (S::Pending, E::Skip, S::Skipped),
            (S::Committed, E::SubmitOk, S::Submitted),
            (S::Submitted, E::AuditApproved, S::Approved),
            (S::Submitted, E::AuditRejected, S::Rejected),
            (S::Submitted, E::AuditDelayed, S::Submitted),
            (S::Approved, E::GrayStepDone, S::Gray(0)),
            (S::Gray(0), E::GrayStepDone, S::Gray(1)),
            (S::Gray(3), E::GrayStepDone, S::Gray(4)),
            (S::Approved, E::ReleaseOk, S::Released),
            (S::Gray(0), E::ReleaseOk, S::Released),
            (S::Gray(3), E::ReleaseOk, S::Released),
            (S::Rejected, E::Retry, S::Committed),
            (failed(Stage::Committed, 85009), E::Retry, S::Committed),
            (failed(Stage::Gray(1), -1), E::Retry, S::Gray(1)),
        ];
        for (s, at) in [
            (S::Pending, Stage::Pending),
            (S::Committed, Stage::Committed),
            (S::Submitted, Stage::Submitted),
            (S::Approved, Stage::Approved),
            (S::Gray(0), Stage::Gray(0)),
            (S::Gray(3), Stage::Gray(3)),
        ] {
            list.push((s, E::Failed, failed(at, 85013)));
            list.push((s, E::Cancel, S::Cancelled));
        }
        list
    }

    #[test]
    fn every_allowed_transition_and_no_other() {
        let allowed = allowed();
        let mut ok = 0;
        for s in every_state() {
            for e in every_event() {
                let expected = allowed
                    .iter()
                    .find(|(from, kind, _)| *from == s && *kind == e.kind())
                    .map(|(_, _, to)| *to);
                let got = next(&s, &e);
                match expected {
                    Some(to) => {
                        assert_eq!(got, Ok(to), "{s:?} + {e:?}");
                        ok += 1;
                    }
                    None if s.is_terminal() => assert_eq!(
                        got,
                        Err(TransitionError::Terminal {
                            state: s.kind(),
                            event: e.kind()
                        }),
                        "{s:?} + {e:?}"
                    ),
                    None => assert_eq!(
                        got,
                        Err(TransitionError::NotAllowed {
                            state: s.kind(),
                            event: e.kind()
                        }),
                        "{s:?} + {e:?}"
                    ),
                }
            }
        }
        assert_eq!(ok, allowed.len());
        assert_eq!(ok, 27);
    }

    #[test]
    fn the_automatic_pipeline_walks_to_released() {
        let mut s = S::Pending;
        for e in [
            Event::CommitOk,
            Event::SubmitOk,
            Event::AuditDelayed,
            Event::AuditApproved,
            Event::ReleaseOk,
        ] {
            s = next(&s, &e).unwrap();
        }
        assert_eq!(s, S::Released);
    }

    #[test]
    fn a_failure_remembers_where_and_retry_goes_back_there() {
        let s = next(&S::Gray(1), &Event::Failed { errcode: 85082 }).unwrap();
        assert_eq!(s, failed(Stage::Gray(1), 85082));
        assert!(s.is_terminal());
        assert_eq!(next(&s, &Event::Retry), Ok(S::Gray(1)));
        let s = next(&S::Committed, &Event::Failed { errcode: 85085 }).unwrap();
        assert_eq!(next(&s, &Event::Retry), Ok(S::Committed));
        // Retry is for finished targets only.
        for s in [
            S::Pending,
            S::Submitted,
            S::Approved,
            S::Released,
            S::Skipped,
        ] {
            assert!(next(&s, &Event::Retry).is_err(), "{s:?}");
        }
    }

    #[test]
    fn a_rejected_target_is_resubmitted_only_through_retry() {
        let s = next(
            &S::Submitted,
            &Event::AuditRejected {
                reason: "类目不符".into(),
            },
        )
        .unwrap();
        assert_eq!(s, S::Rejected);
        assert_eq!(next_action(&s, &ReleasePolicy::Automatic), None);
        assert!(next(&s, &Event::SubmitOk).is_err());
        assert!(next(&s, &Event::Cancel).is_err());
        let s = next(&s, &Event::Retry).unwrap();
        assert_eq!(s, S::Committed);
        assert_eq!(
            next_action(&s, &ReleasePolicy::Automatic),
            Some(Action::SubmitAudit)
        );
    }

    #[test]
    fn cancel_works_from_every_unfinished_state_and_no_finished_one() {
        for s in every_state() {
            let got = next(&s, &Event::Cancel);
            if s.is_terminal() {
                assert!(
                    matches!(got, Err(TransitionError::Terminal { .. })),
                    "{s:?}"
                );
            } else {
                assert_eq!(got, Ok(S::Cancelled), "{s:?}");
            }
        }
    }

    #[test]
    fn late_or_duplicated_audit_reports_change_nothing() {
        // The poll saw the approval first; the push arrives after.
        assert_eq!(
            next(&S::Approved, &Event::AuditApproved),
            Err(TransitionError::NotAllowed {
                state: StateKind::Approved,
                event: EventKind::AuditApproved
            })
        );
        assert!(next(&S::Committed, &Event::AuditApproved).is_err());
        assert!(matches!(
            next(&S::Released, &Event::AuditRejected { reason: "x".into() }),
            Err(TransitionError::Terminal { .. })
        ));
        assert!(next(&S::Committed, &Event::Skip).is_err());
    }

    #[test]
    fn the_gray_step_index_does_not_wrap() {
        assert_eq!(next(&S::Gray(254), &Event::GrayStepDone), Ok(S::Gray(255)));
        assert_eq!(
            next(&S::Gray(255), &Event::GrayStepDone),
            Err(TransitionError::TooManyGraySteps)
        );
    }

    // ----- policies and next actions ------------------------------------------------------

    #[test]
    fn the_pipeline_before_approval_is_the_same_under_every_policy() {
        for policy in [
            ReleasePolicy::Manual,
            ReleasePolicy::Automatic,
            gray_policy(&[(10, 60)]),
        ] {
            assert_eq!(next_action(&S::Pending, &policy), Some(Action::Commit));
            assert_eq!(
                next_action(&S::Committed, &policy),
                Some(Action::SubmitAudit)
            );
            assert_eq!(
                next_action(&S::Submitted, &policy),
                Some(Action::WaitForAudit)
            );
            for s in every_state().iter().filter(|s| s.is_terminal()) {
                assert_eq!(next_action(s, &policy), None, "{s:?}");
            }
        }
    }

    #[test]
    fn manual_stops_at_approved_and_automatic_releases() {
        assert_eq!(next_action(&S::Approved, &ReleasePolicy::Manual), None);
        assert_eq!(next_action(&S::Gray(0), &ReleasePolicy::Manual), None);
        assert_eq!(
            next_action(&S::Approved, &ReleasePolicy::Automatic),
            Some(Action::Release)
        );
        // An operator's gray step under the automatic policy: the full release follows.
        assert_eq!(
            next_action(&S::Gray(0), &ReleasePolicy::Automatic),
            Some(Action::Release)
        );
    }

    #[test]
    fn gray_then_full_walks_the_steps_with_their_waits() {
        let policy = gray_policy(&[(5, 60), (30, 0), (60, 1440)]);
        assert_eq!(
            next_action(&S::Approved, &policy),
            Some(Action::GrayRelease { percentage: 5 })
        );
        assert_eq!(
            next_action(&S::Gray(0), &policy),
            Some(Action::WaitUntil {
                after_secs: 3600,
                then: Write::GrayRelease { percentage: 30 }
            })
        );
        // No wait after step 1: the next step at once.
        assert_eq!(
            next_action(&S::Gray(1), &policy),
            Some(Action::GrayRelease { percentage: 60 })
        );
        assert_eq!(
            next_action(&S::Gray(2), &policy),
            Some(Action::WaitUntil {
                after_secs: 86_400,
                then: Write::Release
            })
        );
        assert_eq!(next_action(&S::Gray(9), &policy), Some(Action::Release));
        assert_eq!(
            next_action(&S::Approved, &gray_policy(&[])),
            Some(Action::Release)
        );
        assert_eq!(Action::WaitForAudit.write(), None);
        assert_eq!(
            Action::GrayRelease { percentage: 5 }.write(),
            Some(Write::GrayRelease { percentage: 5 })
        );
    }

    #[test]
    fn a_wait_becomes_its_write_when_its_time_comes() {
        let policy = gray_policy(&[(5, 10), (50, 0)]);
        let waiting = Action::WaitUntil {
            after_secs: 600,
            then: Write::GrayRelease { percentage: 50 },
        };
        assert_eq!(due_action(&S::Gray(0), &policy, 1000, 1599), Some(waiting));
        assert_eq!(
            due_action(&S::Gray(0), &policy, 1000, 1600),
            Some(Action::GrayRelease { percentage: 50 })
        );
        assert_eq!(
            due_action(&S::Committed, &policy, 1000, 0),
            Some(Action::SubmitAudit)
        );
        assert_eq!(due_action(&S::Released, &policy, 0, i64::MAX), None);
        assert_eq!(
            due_action(&S::Gray(0), &policy, i64::MAX, i64::MAX),
            Some(Action::GrayRelease { percentage: 50 })
        );
    }

    #[test]
    fn gray_percentages_are_1_to_100_and_must_rise() {
        assert_eq!(
            check_policy(&gray_policy(&[(1, 0), (50, 60), (100, 0)])),
            Ok(())
        );
        assert_eq!(check_policy(&ReleasePolicy::Manual), Ok(()));
        let v = check_policy(&gray_policy(&[(0, 0), (20, 0), (20, 0), (101, 0)])).unwrap_err();
        let got: Vec<(&str, Option<i64>)> =
            v.iter().map(|v| (v.field.as_str(), v.errcode)).collect();
        assert_eq!(
            got,
            vec![
                ("policy.steps[0].percentage", Some(INVALID_GRAY_PERCENTAGE)),
                (
                    "policy.steps[2].percentage",
                    Some(GRAY_PERCENTAGE_NOT_HIGHER)
                ),
                ("policy.steps[3].percentage", Some(INVALID_GRAY_PERCENTAGE)),
            ]
        );
        // A lower step after a higher one is 85082 against the highest so far.
        let v = check_policy(&gray_policy(&[(50, 0), (101, 0), (40, 0)])).unwrap_err();
        assert_eq!(v[1].problem, FieldProblem::NotHigherThan { current: 50 });
    }

    #[test]
    fn gray_steps_are_1_to_10_with_waits_up_to_a_week() {
        assert_eq!(
            check_policy(&gray_policy(&[])).unwrap_err()[0].problem,
            FieldProblem::Required
        );
        let eleven: Vec<(u8, u32)> = (1..=11).map(|p| (p, 0)).collect();
        assert_eq!(
            check_policy(&gray_policy(&eleven)).unwrap_err()[0].problem,
            FieldProblem::TooMany { max: 10 }
        );
        assert_eq!(check_policy(&gray_policy(&[(5, 10_080)])), Ok(()));
        let v = check_policy(&gray_policy(&[(5, 10_081)])).unwrap_err();
        assert_eq!(v[0].field, "policy.steps[0].wait_minutes");
    }

    #[test]
    fn without_an_online_version_gray_becomes_a_full_release_85079() {
        let gray = gray_policy(&[(10, 60)]);
        assert_eq!(effective_policy(&gray, false), ReleasePolicy::Automatic);
        assert_eq!(effective_policy(&gray, true), gray);
        assert_eq!(
            effective_policy(&ReleasePolicy::Manual, false),
            ReleasePolicy::Manual
        );
    }

    // ----- reconcile ----------------------------------------------------------------------

    fn ours() -> LostWrite {
        LostWrite {
            user_version: "1.2.0".into(),
            attempted_at: 10_000,
            committed_at: Some(9_000),
            auditid_before: Some(41),
        }
    }

    fn seen() -> ObservedWechatState {
        ObservedWechatState::default()
    }

    fn done(e: Event) -> Reconciled {
        Reconciled::AlreadyDone(e)
    }

    #[test]
    fn reconcile_commit_both_ways() {
        let o = ObservedWechatState {
            dev_version: Some("1.2.0".into()),
            dev_committed_at: Some(10_001),
            ..seen()
        };
        assert_eq!(reconcile(Write::Commit, &ours(), &o), done(Event::CommitOk));
        let no_time = ObservedWechatState {
            dev_committed_at: None,
            ..o.clone()
        };
        assert_eq!(
            reconcile(Write::Commit, &ours(), &no_time),
            done(Event::CommitOk)
        );
        // Within the clock skew.
        let skewed = ObservedWechatState {
            dev_committed_at: Some(9_750),
            ..o.clone()
        };
        assert_eq!(
            reconcile(Write::Commit, &ours(), &skewed),
            done(Event::CommitOk)
        );
        // The same label committed long before the attempt is not our commit.
        let old = ObservedWechatState {
            dev_committed_at: Some(5_000),
            ..o.clone()
        };
        assert_eq!(reconcile(Write::Commit, &ours(), &old), Reconciled::Repeat);
        let other = ObservedWechatState {
            dev_version: Some("1.1.0".into()),
            ..o
        };
        assert_eq!(
            reconcile(Write::Commit, &ours(), &other),
            Reconciled::Repeat
        );
        assert_eq!(
            reconcile(Write::Commit, &ours(), &seen()),
            Reconciled::Repeat
        );
    }

    #[test]
    fn reconcile_submit_both_ways() {
        let new_audit = |status| ObservedWechatState {
            latest_auditid: Some(42),
            latest_audit_status: Some(status),
            ..seen()
        };
        for status in [
            AuditStatus::Auditing,
            AuditStatus::Delayed,
            AuditStatus::Approved,
            AuditStatus::Rejected,
        ] {
            assert_eq!(
                reconcile(Write::SubmitAudit, &ours(), &new_audit(status)),
                done(Event::SubmitOk),
                "{status:?}"
            );
        }
        // The audit known before the submit: ours did not happen.
        let old = ObservedWechatState {
            latest_auditid: Some(41),
            ..new_audit(AuditStatus::Approved)
        };
        assert_eq!(
            reconcile(Write::SubmitAudit, &ours(), &old),
            Reconciled::Repeat
        );
        assert_eq!(
            reconcile(Write::SubmitAudit, &ours(), &seen()),
            Reconciled::Repeat
        );
        // Where WeChat names the version and time: ours, after our commit.
        let named = |version: &str, at| ObservedWechatState {
            latest_audit_version: Some(version.into()),
            latest_audit_submitted_at: Some(at),
            ..new_audit(AuditStatus::Auditing)
        };
        assert_eq!(
            reconcile(Write::SubmitAudit, &ours(), &named("1.2.0", 10_005)),
            done(Event::SubmitOk)
        );
        assert_eq!(
            reconcile(Write::SubmitAudit, &ours(), &named("1.1.0", 10_005)),
            Reconciled::Repeat
        );
        assert_eq!(
            reconcile(Write::SubmitAudit, &ours(), &named("1.2.0", 8_000)),
            Reconciled::Repeat
        );
        // No audit known before: any audit now is the new one.
        let first = LostWrite {
            auditid_before: None,
            ..ours()
        };
        assert_eq!(
            reconcile(
                Write::SubmitAudit,
                &first,
                &new_audit(AuditStatus::Auditing)
            ),
            done(Event::SubmitOk)
        );
    }

    #[test]
    fn reconcile_gray_release_both_ways() {
        let plan = |status, percentage| ObservedWechatState {
            gray: Some(GrayPlan { status, percentage }),
            ..seen()
        };
        let step = Write::GrayRelease { percentage: 20 };
        for o in [
            plan(GrayStatus::Running, 20),
            plan(GrayStatus::Running, 30),
            plan(GrayStatus::Paused, 20),
        ] {
            assert_eq!(reconcile(step, &ours(), &o), done(Event::GrayStepDone));
        }
        for o in [
            plan(GrayStatus::Running, 10),
            plan(GrayStatus::Finished, 20),
            plan(GrayStatus::Deleted, 50),
            seen(),
        ] {
            assert_eq!(reconcile(step, &ours(), &o), Reconciled::Repeat, "{o:?}");
        }
    }

    #[test]
    fn reconcile_release_both_ways() {
        let online = |version: &str, gray: Option<GrayStatus>| ObservedWechatState {
            online_version: Some(version.into()),
            gray: gray.map(|status| GrayPlan {
                status,
                percentage: 50,
            }),
            ..seen()
        };
        assert_eq!(
            reconcile(Write::Release, &ours(), &online("1.2.0", None)),
            done(Event::ReleaseOk)
        );
        assert_eq!(
            reconcile(
                Write::Release,
                &ours(),
                &online("1.2.0", Some(GrayStatus::Finished))
            ),
            done(Event::ReleaseOk)
        );
        // Still only part of the users: the full release did not happen.
        assert_eq!(
            reconcile(
                Write::Release,
                &ours(),
                &online("1.2.0", Some(GrayStatus::Running))
            ),
            Reconciled::Repeat
        );
        assert_eq!(
            reconcile(Write::Release, &ours(), &online("1.1.0", None)),
            Reconciled::Repeat
        );
        assert_eq!(
            reconcile(Write::Release, &ours(), &seen()),
            Reconciled::Repeat
        );
    }

    // ----- errors and backoff -------------------------------------------------------------

    #[test]
    fn busy_and_rate_limits_retry_the_audit_quota_waits_the_rest_fail() {
        for code in [-1, 45009, 45011] {
            assert_eq!(classify(code), ErrorClass::Retry, "{code}");
        }
        assert_eq!(classify(85085), ErrorClass::Quota);
        for code in [0, 85009, 85013, 85019, 85079, 85082, 86001, 40001] {
            assert_eq!(classify(code), ErrorClass::Fatal, "{code}");
        }
    }

    #[test]
    fn backoff_doubles_to_its_cap_and_never_overflows() {
        let secs: Vec<u64> = (0..12).map(|a| backoff(a).as_secs()).collect();
        assert_eq!(
            secs,
            vec![2, 4, 8, 16, 32, 64, 128, 256, 512, 600, 600, 600]
        );
        assert_eq!(backoff(u32::MAX), Duration::from_secs(BACKOFF_CAP_SECS));
        assert_eq!(quota_wait(0), Duration::from_secs(900));
        assert_eq!(quota_wait(4), Duration::from_secs(14_400));
        assert_eq!(quota_wait(5), Duration::from_secs(21_600));
        assert_eq!(quota_wait(u32::MAX), Duration::from_secs(21_600));
    }

    #[test]
    fn retries_are_limited_and_the_quota_is_waited_out() {
        assert_eq!(on_error(-1, 0), ErrorOutcome::RetryAfter(backoff(0)));
        assert_eq!(
            on_error(45011, RETRY_ATTEMPTS_MAX - 2),
            ErrorOutcome::RetryAfter(Duration::from_secs(600))
        );
        assert_eq!(
            on_error(45011, RETRY_ATTEMPTS_MAX - 1),
            ErrorOutcome::Fail { errcode: 45011 }
        );
        assert_eq!(on_error(-1, u32::MAX), ErrorOutcome::Fail { errcode: -1 });
        assert_eq!(
            on_error(85085, 1_000),
            ErrorOutcome::WaitForQuota(Duration::from_secs(21_600))
        );
        assert_eq!(on_error(85009, 0), ErrorOutcome::Fail { errcode: 85009 });
    }

    // ----- templates ----------------------------------------------------------------------

    fn merchant() -> MerchantInfo {
        MerchantInfo {
            id: 7,
            name: "星辰\"咖啡\"\\旗舰\n店".into(),
            fields: BTreeMap::from([("city".to_owned(), "上海".to_owned())]),
        }
    }

    fn candidate(i: u32) -> TargetCandidate {
        TargetCandidate {
            appid: appid(i),
            nick_name: format!("店铺{i}"),
            merchant: Some(merchant()),
            status: Some(AppStatus::Authorized),
            online_version: Some("1.1.0".into()),
            online_template_id: Some(6),
            ..TargetCandidate::default()
        }
    }

    const EXT: &str = r#"{"extAppid":"{appid}","ext":{"shop":"{merchant.name}","id":{merchant.id},"city":"{merchant.city}","title":"{name}"}}"#;

    #[test]
    fn values_are_json_string_escaped() {
        assert_eq!(
            json_string_escape("a\"b\\c\nd\te\u{1}f"),
            "a\\\"b\\\\c\\nd\\te\\u0001f"
        );
        let text = render_template(EXT, &candidate(1)).unwrap();
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["extAppid"], appid(1));
        assert_eq!(v["ext"]["shop"], "星辰\"咖啡\"\\旗舰\n店");
        assert_eq!(v["ext"]["id"], 7);
        assert_eq!(v["ext"]["city"], "上海");
        assert_eq!(v["ext"]["title"], "店铺1");
        // A value cannot break out of its string and add keys.
        let mut c = candidate(1);
        if let Some(m) = c.merchant.as_mut() {
            m.name = r#"x","evil":"1"#.into();
        }
        let v: Value = serde_json::from_str(&render_template(EXT, &c).unwrap()).unwrap();
        assert_eq!(v["ext"]["shop"], r#"x","evil":"1"#);
        assert!(v["ext"].get("evil").is_none());
    }

    #[test]
    fn unknown_variables_are_named_and_json_braces_stay_text() {
        assert_eq!(
            template_variables(r#"{"a":"{shop_name}"}"#),
            Err(TemplateError::UnknownVariable {
                name: "shop_name".into()
            })
        );
        assert_eq!(
            template_variables(r#"{"a":"{merchant}"}"#),
            Err(TemplateError::UnknownVariable {
                name: "merchant".into()
            })
        );
        assert_eq!(
            template_variables(r#"{"a":"{appid"}"#),
            Err(TemplateError::Unclosed {
                name: "appid".into()
            })
        );
        assert_eq!(
            template_variables(EXT).unwrap(),
            vec![
                "appid",
                "merchant.name",
                "merchant.id",
                "merchant.city",
                "name"
            ]
        );
        // JSON's braces, `{}` and `{{` (a literal brace) are text.
        let c = candidate(1);
        assert_eq!(
            render_template(r#"{ "a": {}, "b": "{{appid} {appid}" }"#, &c).unwrap(),
            format!(r#"{{ "a": {{}}, "b": "{{appid}} {}" }}"#, appid(1))
        );
        assert_eq!(template_variables("").unwrap(), Vec::<String>::new());
    }

    #[test]
    fn merchant_variables_need_the_merchant_and_its_field() {
        let mut c = candidate(1);
        if let Some(m) = c.merchant.as_mut() {
            m.fields.clear();
        }
        assert_eq!(
            render_template(EXT, &c),
            Err(TemplateError::UnknownVariable {
                name: "merchant.city".into()
            })
        );
        c.merchant = None;
        assert_eq!(
            render_template(EXT, &c),
            Err(TemplateError::NoValue {
                name: "merchant.name".into()
            })
        );
        assert_eq!(
            render_template(r#"{"extAppid":"{appid}"}"#, &c),
            Ok(format!(r#"{{"extAppid":"{}"}}"#, appid(1)))
        );
    }

    #[test]
    fn the_filled_ext_json_is_checked_with_the_commit_rules() {
        let c = candidate(1);
        let ext = render_ext_json(EXT, &c, None).unwrap();
        assert!(ext.starts_with(r#"{"extAppid":"wx"#));
        assert_eq!(render_ext_json("  ", &c, None), Ok(String::new()));
        // The variable outside a string: not JSON (85048).
        let Err(ExtJsonProblem::Invalid(v)) = render_ext_json(r#"{"extAppid":{appid}}"#, &c, None)
        else {
            panic!("expected a violation");
        };
        assert_eq!(v[0].errcode, Some(EXT_JSON_UNPARSABLE));
        let Err(ExtJsonProblem::Invalid(v)) = render_ext_json(r#"{"pages":[]}"#, &c, None) else {
            panic!("expected a violation");
        };
        assert_eq!(v[0].errcode, Some(PAGES_EMPTY));
        // Against the template's pages: extPages must name one of them (85045).
        let app = match json!({"pages": ["index"]}) {
            Value::Object(o) => o,
            _ => JsonObject::new(),
        };
        let t = r#"{"extPages":{"{name}":{}}}"#;
        assert!(matches!(
            render_ext_json(t, &c, Some(&app)),
            Err(ExtJsonProblem::Invalid(_))
        ));
        assert!(render_ext_json(r#"{"extPages":{"index":{}}}"#, &c, Some(&app)).is_ok());
    }

    // ----- planner ------------------------------------------------------------------------

    fn spec(policy: ReleasePolicy) -> RolloutSpec {
        RolloutSpec {
            template_id: 7,
            user_version: "1.2.0".into(),
            user_desc: "spring menu".into(),
            ext_json_template: r#"{"extAppid":"{appid}","ext":{"shop":"{merchant.name}"}}"#.into(),
            policy,
            template_app_json: None,
        }
    }

    fn fleet(n: u32) -> Vec<TargetCandidate> {
        (1..=n).map(candidate).collect()
    }

    fn reasons(p: &Plan) -> Vec<(String, &'static str)> {
        p.skipped
            .iter()
            .map(|s| (s.appid.clone(), s.reason.as_str()))
            .collect()
    }

    #[test]
    fn the_planner_skips_with_a_reason() {
        let with = |i, f: &dyn Fn(&mut TargetCandidate)| {
            let mut c = candidate(i);
            f(&mut c);
            c
        };
        let candidates = vec![
            candidate(1),
            with(2, &|c| c.status = None),
            with(3, &|c| c.status = Some(AppStatus::Unauthorized)),
            with(4, &|c| c.status = Some(AppStatus::NeedsReauthorization)),
            with(5, &|c| c.in_other_rollout = true),
            with(6, &|c| {
                c.online_version = Some("1.2.0".into());
                c.online_template_id = Some(7);
            }),
            // Same label from another template: not the same code.
            with(7, &|c| c.online_version = Some("1.2.0".into())),
            with(8, &|c| {
                c.online_version = Some("1.2.0".into());
                c.online_template_id = None;
            }),
            with(9, &|c| c.audit_in_review = true),
            with(10, &|c| c.gray_active = true),
            with(11, &|c| c.merchant = None),
        ];
        let p = plan(
            &candidates,
            &spec(ReleasePolicy::Automatic),
            &Limits::default(),
        );
        assert_eq!(
            reasons(&p),
            vec![
                (appid(2), "not_registered"),
                (appid(3), "unauthorized"),
                (appid(4), "needs_reauthorization"),
                (appid(5), "in_other_rollout"),
                (appid(6), "already_on_version"),
                (appid(8), "already_on_version"),
                (appid(9), "audit_in_review"),
                (appid(10), "gray_in_progress"),
                (appid(11), "ext_json"),
            ]
        );
        assert_eq!(
            p.skipped.last().map(|s| &s.reason),
            Some(&SkipReason::ExtJson(ExtJsonProblem::Template(
                TemplateError::NoValue {
                    name: "merchant.name".into()
                }
            )))
        );
        let run: Vec<&str> = p.run.iter().map(|t| t.appid.as_str()).collect();
        assert_eq!(run, vec![appid(1), appid(7)]);
        assert_eq!(p.run[0].merchant_id, Some(7));
        assert!(p.run[0].ext_json.contains(&appid(1)));
        assert!(p.can_start());
        assert_eq!(p.skip_counts()["already_on_version"], 2);
    }

    #[test]
    fn invalid_and_repeated_appids_are_skipped() {
        let mut candidates = fleet(2);
        for bad in ["wx123", "wx0123456789ABCDEF", "gh_0123456789abcd", ""] {
            candidates.push(TargetCandidate {
                appid: bad.into(),
                ..candidate(3)
            });
        }
        candidates.push(TargetCandidate {
            appid: format!(" {} ", appid(1)),
            ..candidate(1)
        });
        candidates.push(candidate(2));
        let p = plan(
            &candidates,
            &spec(ReleasePolicy::Automatic),
            &Limits::default(),
        );
        assert_eq!(p.run.len(), 2);
        assert_eq!(
            reasons(&p),
            vec![
                ("wx123".into(), "invalid_appid"),
                ("wx0123456789ABCDEF".into(), "invalid_appid"),
                ("gh_0123456789abcd".into(), "invalid_appid"),
                (String::new(), "invalid_appid"),
                (appid(1), "duplicate"),
                (appid(2), "duplicate"),
            ]
        );
    }

    #[test]
    fn targets_without_an_online_version_skip_the_gray_steps() {
        let mut candidates = fleet(2);
        candidates[1].online_version = None;
        let p = plan(
            &candidates,
            &spec(gray_policy(&[(10, 60)])),
            &Limits::default(),
        );
        let flags: Vec<bool> = p.run.iter().map(|t| t.gray_skipped).collect();
        assert_eq!(flags, vec![false, true]);
        assert_eq!(p.eta.calls.gray_release, 1);
        let p = plan(
            &candidates,
            &spec(ReleasePolicy::Automatic),
            &Limits::default(),
        );
        assert!(p.run.iter().all(|t| !t.gray_skipped));
    }

    #[test]
    fn a_broken_spec_cannot_start() {
        let mut s = spec(gray_policy(&[(50, 0), (50, 0)]));
        s.user_version = "v".repeat(65);
        s.template_id = -1;
        let limits = Limits {
            concurrency: 0,
            calls_per_minute: 0,
            ..Limits::default()
        };
        let p = plan(&fleet(3), &s, &limits);
        let got: Vec<(&str, Option<i64>)> = p
            .violations
            .iter()
            .map(|v| (v.field.as_str(), v.errcode))
            .collect();
        assert_eq!(
            got,
            vec![
                ("template_id", Some(INVALID_TEMPLATE_ID)),
                ("user_version", None),
                (
                    "policy.steps[1].percentage",
                    Some(GRAY_PERCENTAGE_NOT_HIGHER)
                ),
                ("limits.concurrency", None),
                ("limits.calls_per_minute", None),
            ]
        );
        assert_eq!(p.run.len(), 3);
        assert!(!p.can_start());
        // An unknown variable is the template's fault, not each target's.
        let mut s = spec(ReleasePolicy::Automatic);
        s.ext_json_template = r#"{"ext":{"a":"{shop}"}}"#.into();
        let p = plan(&fleet(3), &s, &Limits::default());
        assert_eq!(
            p.template_error,
            Some(TemplateError::UnknownVariable {
                name: "shop".into()
            })
        );
        assert!(p.skipped.is_empty());
        assert!(!p.can_start());
        assert!(!plan(&[], &spec(ReleasePolicy::Automatic), &Limits::default()).can_start());
    }

    #[test]
    fn status_polls_follow_the_audit_tracking_schedule() {
        // 60 s, then +120, +240, +480, +960, +1920 (3780 s in all), then hourly.
        assert_eq!(status_polls(0), 1);
        assert_eq!(status_polls(60), 1);
        assert_eq!(status_polls(61), 2);
        assert_eq!(status_polls(3780), 6);
        assert_eq!(status_polls(3781), 7);
        assert_eq!(status_polls(86_400), 29);
        assert!(status_polls(u64::MAX) > 1_000_000);
    }

    fn limits(
        concurrency: u32,
        calls_per_minute: u32,
        remaining: u32,
        window: u32,
        audit: u64,
        call_millis: u64,
    ) -> Limits {
        Limits {
            concurrency,
            calls_per_minute,
            audit_quota_remaining: remaining,
            audit_quota_per_window: window,
            expected_audit_secs: audit,
            call_millis,
        }
    }

    #[test]
    fn eta_limited_by_calls_per_minute() {
        // 100 targets × (commit, submit, 1 poll, release) = 400 calls at 1 a minute.
        let p = plan(
            &fleet(100),
            &spec(ReleasePolicy::Automatic),
            &limits(64, 1, 1000, 100, 60, 100),
        );
        let e = p.eta;
        assert_eq!(
            e.calls,
            CallEstimate {
                commit: 100,
                submit_audit: 100,
                status_polls: 100,
                gray_release: 0,
                release: 100
            }
        );
        assert_eq!(e.calls.total(), 400);
        assert_eq!(e.calls_secs, 24_000);
        assert_eq!(e.concurrency_secs, 1);
        assert_eq!(e.audit_quota_secs, Some(0));
        assert_eq!(e.limited_by, Limiter::CallsPerMinute);
        assert_eq!(e.total_secs, Some(24_060));
    }

    #[test]
    fn eta_limited_by_concurrency() {
        // 400 calls of 2 s each, one at a time.
        let e = plan(
            &fleet(100),
            &spec(ReleasePolicy::Automatic),
            &limits(1, 100_000, 1000, 100, 60, 2000),
        )
        .eta;
        assert_eq!(e.calls_secs, 1);
        assert_eq!(e.concurrency_secs, 800);
        assert_eq!(e.limited_by, Limiter::Concurrency);
        assert_eq!(e.total_secs, Some(860));
    }

    #[test]
    fn eta_limited_by_the_audit_quota() {
        // 250 targets, room for 50 now and 100 a week: two more windows.
        let e = plan(
            &fleet(250),
            &spec(ReleasePolicy::Automatic),
            &limits(4, 600, 50, 100, 86_400, 500),
        )
        .eta;
        assert_eq!(e.over_quota, 200);
        assert_eq!(e.audit_quota_secs, Some(2 * 7 * 86_400));
        // 250 × (1 + 1 + 29 polls + 1) = 8000 calls.
        assert_eq!(e.calls.total(), 8_000);
        assert_eq!(e.calls_secs, 800);
        assert_eq!(e.concurrency_secs, 1_000);
        assert_eq!(e.limited_by, Limiter::AuditQuota);
        assert_eq!(e.total_secs, Some(1_209_600 + 86_400));
        // No room and a window of 0: never.
        let e = plan(
            &fleet(3),
            &spec(ReleasePolicy::Automatic),
            &limits(4, 600, 2, 0, 86_400, 500),
        )
        .eta;
        assert_eq!(e.audit_quota_secs, None);
        assert_eq!(e.total_secs, None);
        assert_eq!(e.limited_by, Limiter::AuditQuota);
        // Exactly the remaining quota: no wait.
        let e = plan(
            &fleet(3),
            &spec(ReleasePolicy::Automatic),
            &limits(4, 600, 3, 0, 86_400, 500),
        )
        .eta;
        assert_eq!(e.audit_quota_secs, Some(0));
        assert_eq!(e.limited_by, Limiter::AuditAndWaits);
    }

    #[test]
    fn eta_limited_by_the_audits_and_gray_waits() {
        let e = plan(
            &fleet(10),
            &spec(gray_policy(&[(10, 60), (50, 120)])),
            &Limits::default(),
        )
        .eta;
        // 10 × (1 + 1 + 29 + 2 gray + 1) = 340 calls.
        assert_eq!(e.calls.gray_release, 20);
        assert_eq!(e.calls.total(), 340);
        assert_eq!(e.calls_secs, 34);
        assert_eq!(e.concurrency_secs, 43);
        assert_eq!(e.gray_wait_secs, 10_800);
        assert_eq!(e.audit_secs, 86_400);
        assert_eq!(e.limited_by, Limiter::AuditAndWaits);
        assert_eq!(e.total_secs, Some(43 + 86_400 + 10_800));
        assert!(!e.waits_for_operator);
    }

    #[test]
    fn eta_of_a_manual_or_empty_rollout() {
        let e = plan(&fleet(10), &spec(ReleasePolicy::Manual), &Limits::default()).eta;
        assert_eq!(e.calls.release, 0);
        assert!(e.waits_for_operator);
        let e = plan(&[], &spec(ReleasePolicy::Automatic), &Limits::default()).eta;
        assert_eq!(e.total_secs, Some(0));
        assert_eq!(e.limited_by, Limiter::Nothing);
        assert_eq!(e.calls.total(), 0);
        assert!(!e.waits_for_operator);
    }

    // ----- progress -----------------------------------------------------------------------

    #[test]
    fn progress_counts_throughput_and_eta() {
        let states = [
            S::Released,
            S::Released,
            S::Released,
            failed(Stage::Committed, 85013),
            S::Submitted,
            S::Submitted,
            S::Pending,
            S::Skipped,
        ];
        let p = progress(&states, 1_000, 4_600);
        assert_eq!(p.total, 8);
        assert_eq!(p.done, 5);
        assert_eq!(p.percent, 62);
        let count = |k| p.counts.iter().find(|(s, _)| *s == k).map(|(_, n)| *n);
        assert_eq!(count(StateKind::Released), Some(3));
        assert_eq!(count(StateKind::Submitted), Some(2));
        assert_eq!(count(StateKind::Gray), Some(0));
        assert_eq!(p.counts.len(), 10);
        assert_eq!(p.per_hour, Some(5.0));
        // 3 remaining at 720 s each.
        assert_eq!(p.eta_secs, Some(2_160));
        assert!(!p.is_finished());
        let p = progress(&[S::Released, S::Cancelled], 0, 10);
        assert!(p.is_finished());
        assert_eq!(p.percent, 100);
        assert_eq!(p.eta_secs, Some(0));
    }

    #[test]
    fn progress_from_database_counts_equals_progress_from_states() {
        let states = [
            S::Released,
            S::Released,
            S::Submitted,
            S::Skipped,
            S::Pending,
        ];
        let counts = vec![
            (StateKind::Released, 1),
            (StateKind::Submitted, 1),
            (StateKind::Released, 1),
            (StateKind::Skipped, 1),
            (StateKind::Pending, 1),
        ];
        assert_eq!(
            progress_of_counts(counts, 100, 460),
            progress(&states, 100, 460)
        );
        let p = progress_of_counts(Vec::new(), 0, 10);
        assert_eq!((p.total, p.percent, p.counts.len()), (0, 100, 10));
    }

    #[test]
    fn limits_left_out_of_json_take_their_defaults() {
        let l: Limits = serde_json::from_str(r#"{"concurrency": 2}"#).unwrap();
        assert_eq!(
            l,
            Limits {
                concurrency: 2,
                ..Limits::default()
            }
        );
    }

    #[test]
    fn eta_and_throughput_edges() {
        assert_eq!(throughput_per_hour(100, 100, 5), None);
        assert_eq!(throughput_per_hour(100, 50, 5), None);
        assert_eq!(throughput_per_hour(0, 1800, 3), Some(6.0));
        assert_eq!(eta_secs(0, 100, 0, 4), None);
        assert_eq!(eta_secs(0, 10, 3, 1), Some(4));
        assert_eq!(eta_secs(0, 0, 3, 0), Some(0));
        assert_eq!(eta_secs(i64::MIN, i64::MAX, 1, u64::MAX), Some(u64::MAX));
        let p = progress(&[], 0, 10);
        assert_eq!((p.total, p.percent, p.eta_secs), (0, 100, Some(0)));
    }

    // ----- serde --------------------------------------------------------------------------

    #[test]
    fn plans_and_states_cross_to_the_browser() {
        let p = plan(
            &fleet(3),
            &spec(gray_policy(&[(10, 5)])),
            &Limits::default(),
        );
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(serde_json::from_str::<Plan>(&json).unwrap(), p);
        for s in every_state() {
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(serde_json::from_str::<TargetState>(&json).unwrap(), s);
        }
        let pr = progress(&every_state(), 0, 60);
        let json = serde_json::to_string(&pr).unwrap();
        assert_eq!(serde_json::from_str::<Progress>(&json).unwrap(), pr);
    }

    #[test]
    fn a_rollout_stalls_only_when_a_target_could_move_and_none_did() {
        let at = |k: StateKind, n: u64| vec![(k, n), (StateKind::Released, 3)];
        let late = 1_000 + STALL_SECS;
        let auto = ReleasePolicy::Automatic;
        assert!(is_stalled(&at(StateKind::Pending, 1), &auto, 1_000, late));
        assert!(!is_stalled(
            &at(StateKind::Pending, 1),
            &auto,
            1_000,
            late - 1
        ));
        assert!(is_stalled(&at(StateKind::Committed, 2), &auto, 1_000, late));
        // Waiting is these targets' job.
        assert!(!is_stalled(
            &at(StateKind::Submitted, 2),
            &auto,
            1_000,
            late * 10
        ));
        assert!(!is_stalled(
            &at(StateKind::Gray, 2),
            &auto,
            1_000,
            late * 10
        ));
        assert!(!is_stalled(
            &at(StateKind::Approved, 2),
            &ReleasePolicy::Manual,
            1_000,
            late
        ));
        assert!(is_stalled(&at(StateKind::Approved, 2), &auto, 1_000, late));
        // All done: nothing to stall.
        assert!(!is_stalled(
            &at(StateKind::Failed, 2),
            &auto,
            1_000,
            late * 10
        ));
        assert!(!is_stalled(&[], &auto, 1_000, late));
    }
}
