//! Fleet rollouts (issue 17): rollouts, their targets and each target's timeline.
//!
//! The worker claims due targets with a lease in one statement that runs the same on SQLite
//! and PostgreSQL: `UPDATE … SET lease_owner, lease_until WHERE lease_until < now AND id IN
//! (the due ones) RETURNING …`. On PostgreSQL a second instance racing for the same rows
//! waits for the first one's row locks and then re-checks `lease_until < now` on the new row
//! version, so it skips them; SQLite has one writer. Every change of a target's state is an
//! UPDATE conditional on the state it expects and on the lease owner, so two instances
//! never advance one target both, and a target whose owner died is claimed again once its
//! lease has run out.

use super::sql::Sql;
use super::{Db, DbKind};
use crate::domain::rollout::{SkipReason, StateKind, TargetState};
use crate::domain::rollout_view::RolloutStatus;
use std::collections::{HashMap, HashSet};

/// `('pending', …)`: the kinds the worker still acts on (not terminal).
fn active_kinds() -> String {
    let kinds: Vec<String> = StateKind::ALL
        .iter()
        .filter(|k| !k.is_terminal())
        .map(|k| format!("'{}'", k.as_str()))
        .collect();
    format!("({})", kinds.join(", "))
}

/// `AND <column> IN (the appids of the merchant's mini programs)`: what a merchant user sees
/// of a rollout (its current mini programs, whoever owned them when planned).
fn push_scope(sql: &mut Sql, column: &str, scope: Option<i64>) {
    if let Some(m) = scope {
        sql.push(&format!(
            " AND {column} IN (SELECT appid FROM mini_programs WHERE merchant_id = "
        ))
        .bind(m)
        .push(")");
    }
}

// ---------------------------------------------------------------------------------------------
// Rollouts
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct RolloutRow {
    pub id: i64,
    pub template_id: i64,
    pub user_version: String,
    pub user_desc: String,
    pub ext_json_template: String,
    /// `ReleasePolicy` as JSON.
    pub policy: String,
    /// `Limits` as JSON.
    pub limits: String,
    /// The audit items as JSON.
    pub item_list: String,
    pub status: String,
    pub created_by: Option<i64>,
    pub created_by_name: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub finished_at: Option<i64>,
}

const ROLLOUT_COLUMNS: &str = "r.id, r.template_id, r.user_version, r.user_desc, \
    r.ext_json_template, r.policy, r.limits, r.item_list, r.status, r.created_by, \
    r.created_by_name, r.created_at, r.updated_at, r.finished_at";

pub struct NewRollout<'a> {
    pub template_id: i64,
    pub user_version: &'a str,
    pub user_desc: &'a str,
    pub ext_json_template: &'a str,
    pub policy: &'a str,
    pub limits: &'a str,
    pub item_list: &'a str,
    pub status: RolloutStatus,
    pub created_by: Option<i64>,
    pub created_by_name: &'a str,
}

pub struct NewTarget {
    pub appid: String,
    pub merchant_id: Option<i64>,
    pub state: TargetState,
    pub skip_reason: Option<&'static str>,
    pub ext_json: String,
    pub gray_skipped: bool,
}

/// Rows per INSERT statement (13 values each, well under both databases' limits).
const INSERT_BATCH: usize = 200;

/// What [`insert`] stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Inserted {
    /// The rollout; `taken`: the planned targets another rollout had taken meanwhile (stored
    /// as skipped, `in_other_rollout`).
    Created { id: i64, taken: usize },
    /// Every planned target had been taken by another rollout meanwhile: nothing stored.
    AllTaken,
}

/// Serializes the writes that give mini programs to a rollout (creating one, a retry), so
/// that the check "no other unfinished rollout has it" and the write that depends on it are
/// one step: two operators planning overlapping rollouts at the same moment cannot both get
/// a mini program. PostgreSQL: a transaction-scoped advisory lock. SQLite: a write as the
/// transaction's first statement takes its single writer lock (and starts its snapshot only
/// once the lock is held).
async fn lock_assignments(db: &Db, tx: &mut sqlx::AnyConnection) -> Result<(), sqlx::Error> {
    let statement = match db.kind {
        DbKind::Postgres => "SELECT pg_advisory_xact_lock(1701700017)",
        DbKind::Sqlite => "UPDATE rollouts SET updated_at = updated_at WHERE id = -1",
    };
    sqlx::query(statement).execute(&mut *tx).await?;
    Ok(())
}

/// The rollout and all its targets, in one transaction: a rollout is never seen without
/// some of its targets. The planned (not final) targets are checked again against the
/// other unfinished rollouts under [`lock_assignments`]: one taken since the plan is stored
/// as skipped (`in_other_rollout`).
pub async fn insert(
    db: &Db,
    r: &NewRollout<'_>,
    targets: &[NewTarget],
    now: i64,
) -> Result<Inserted, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    lock_assignments(db, &mut tx).await?;
    let planned: Vec<String> = targets
        .iter()
        .filter(|t| !t.state.is_terminal())
        .map(|t| t.appid.clone())
        .collect();
    let taken = taken_by_unfinished(&mut tx, &planned, None).await?;
    if !planned.is_empty() && taken.len() == planned.len() {
        tx.rollback().await?;
        return Ok(Inserted::AllTaken);
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO rollouts (template_id, user_version, user_desc, ext_json_template, policy, \
         limits, item_list, status, created_by, created_by_name, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
    )
    .bind(r.template_id)
    .bind(r.user_version)
    .bind(r.user_desc)
    .bind(r.ext_json_template)
    .bind(r.policy)
    .bind(r.limits)
    .bind(r.item_list)
    .bind(r.status.as_str())
    .bind(r.created_by)
    .bind(r.created_by_name)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    for chunk in targets.chunks(INSERT_BATCH) {
        let mut sql = Sql::new(
            "INSERT INTO rollout_targets (rollout_id, appid, merchant_id, state, kind, \
             skip_reason, ext_json, gray_skipped, entered_at, next_at, created_at, updated_at, \
             finished_at) VALUES ",
        );
        for (i, t) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            let (state, skip_reason) = if !t.state.is_terminal() && taken.contains(&t.appid) {
                (
                    TargetState::Skipped,
                    Some(SkipReason::InOtherRollout.as_str()),
                )
            } else {
                (t.state, t.skip_reason)
            };
            let terminal = state.is_terminal();
            sql.push("(")
                .bind(id)
                .push(", ")
                .bind(t.appid.as_str())
                .push(", ")
                .bind(t.merchant_id)
                .push(", ")
                .bind(state.encode())
                .push(", ")
                .bind(state.as_str());
            match skip_reason {
                Some(reason) => sql.push(", ").bind(reason),
                None => sql.push(", NULL"),
            };
            sql.push(", ")
                .bind(t.ext_json.as_str())
                .push(", ")
                .bind(i64::from(t.gray_skipped))
                .push(", ")
                .bind(now)
                .push(", 0, ")
                .bind(now)
                .push(", ")
                .bind(now)
                .push(", ")
                .bind(terminal.then_some(now))
                .push(")");
        }
        sql.query().execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(Inserted::Created {
        id,
        taken: taken.len(),
    })
}

pub async fn find(db: &Db, id: i64) -> Result<Option<RolloutRow>, sqlx::Error> {
    visible(db, id, None).await
}

/// The rollout, if `scope` (a merchant) may see it: it touches one of the merchant's mini
/// programs. Staff (None) see every rollout.
pub async fn visible(
    db: &Db,
    id: i64,
    scope: Option<i64>,
) -> Result<Option<RolloutRow>, sqlx::Error> {
    let mut sql = Sql::new(&format!(
        "SELECT {ROLLOUT_COLUMNS} FROM rollouts r WHERE r.id = "
    ));
    sql.bind(id);
    if scope.is_some() {
        sql.push(" AND EXISTS (SELECT 1 FROM rollout_targets t WHERE t.rollout_id = r.id");
        push_scope(&mut sql, "t.appid", scope);
        sql.push(")");
    }
    sql.query_as::<RolloutRow>().fetch_optional(&db.pool).await
}

/// Rollouts newest first, those `scope` may see, optionally of one status; and their number.
pub async fn list(
    db: &Db,
    scope: Option<i64>,
    status: Option<RolloutStatus>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<RolloutRow>, i64), sqlx::Error> {
    let filtered = |select: &str| {
        let mut sql = Sql::new(select);
        sql.push(" FROM rollouts r");
        if let Some(s) = status {
            sql.and("r.status = ").bind(s.as_str());
        }
        if scope.is_some() {
            sql.and("EXISTS (SELECT 1 FROM rollout_targets t WHERE t.rollout_id = r.id");
            push_scope(&mut sql, "t.appid", scope);
            sql.push(")");
        }
        sql
    };
    let total: i64 = filtered("SELECT COUNT(*)")
        .query_scalar::<i64>()
        .fetch_one(&db.pool)
        .await?;
    let mut sql = filtered(&format!("SELECT {ROLLOUT_COLUMNS}"));
    sql.push(" ORDER BY r.id DESC LIMIT ")
        .bind(limit)
        .push(" OFFSET ")
        .bind(offset);
    let rows = sql.query_as::<RolloutRow>().fetch_all(&db.pool).await?;
    Ok((rows, total))
}

/// Sets the status when it is one of `from`; true when this call changed it. A finished or
/// cancelled rollout gets its end time, a running one loses it (a retry reopens it).
pub async fn set_status(
    db: &Db,
    id: i64,
    from: &[RolloutStatus],
    to: RolloutStatus,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let ended = matches!(to, RolloutStatus::Finished | RolloutStatus::Cancelled);
    let mut sql = Sql::new("UPDATE rollouts SET status = ");
    sql.bind(to.as_str())
        .push(", updated_at = ")
        .bind(now)
        .push(", finished_at = ")
        .bind(ended.then_some(now))
        .push(" WHERE id = ")
        .bind(id)
        .push(" AND status IN (");
    for (i, s) in from.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.bind(s.as_str());
    }
    if from.is_empty() {
        sql.push("''");
    }
    sql.push(")");
    Ok(sql.query().execute(&db.pool).await?.rows_affected() == 1)
}

/// A running rollout whose targets are all final becomes finished; true for the one call
/// (of any instance) that changed it.
pub async fn finish_if_done(db: &Db, id: i64, now: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(&format!(
        "UPDATE rollouts SET status = 'finished', finished_at = $1, updated_at = $1 \
         WHERE id = $2 AND status = 'running' AND NOT EXISTS (SELECT 1 FROM rollout_targets t \
         WHERE t.rollout_id = $2 AND t.kind IN {})",
        active_kinds()
    ))
    .bind(now)
    .bind(id)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// When a target of the rollout last changed state (None without targets).
pub async fn last_change_at(db: &Db, id: i64) -> Result<Option<i64>, sqlx::Error> {
    let (at,): (Option<i64>,) =
        sqlx::query_as("SELECT MAX(entered_at) FROM rollout_targets WHERE rollout_id = $1")
            .bind(id)
            .fetch_one(&db.pool)
            .await?;
    Ok(at)
}

/// Rollouts the worker looks at: running ones, and cancelled ones with targets still in
/// review (their results are recorded; nothing is written for them any more).
pub async fn worked(db: &Db) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as::<_, (i64, String)>(
        "SELECT r.id, r.status FROM rollouts r WHERE r.status = 'running' \
         OR (r.status = 'cancelled' AND EXISTS (SELECT 1 FROM rollout_targets t \
         WHERE t.rollout_id = r.id AND t.kind = 'submitted')) ORDER BY r.id",
    )
    .fetch_all(&db.pool)
    .await
}

// ---------------------------------------------------------------------------------------------
// Targets
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct TargetRecord {
    pub id: i64,
    pub rollout_id: i64,
    pub appid: String,
    pub merchant_id: Option<i64>,
    /// `TargetState::encode`.
    pub state: String,
    pub kind: String,
    pub skip_reason: Option<String>,
    pub cancelled_from: Option<String>,
    pub ext_json: String,
    pub gray_skipped: i64,
    pub entered_at: i64,
    pub attempt: i64,
    pub next_at: i64,
    pub lease_owner: Option<String>,
    pub lease_until: i64,
    pub inflight: Option<String>,
    pub inflight_at: Option<i64>,
    pub auditid_before: Option<i64>,
    pub commit_id: Option<i64>,
    pub committed_at: Option<i64>,
    pub auditid: Option<i64>,
    pub audit_status: Option<i64>,
    pub reason: Option<String>,
    pub last_errcode: Option<i64>,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub finished_at: Option<i64>,
}

fn target_columns(prefix: &str) -> String {
    [
        "id",
        "rollout_id",
        "appid",
        "merchant_id",
        "state",
        "kind",
        "skip_reason",
        "cancelled_from",
        "ext_json",
        "gray_skipped",
        "entered_at",
        "attempt",
        "next_at",
        "lease_owner",
        "lease_until",
        "inflight",
        "inflight_at",
        "auditid_before",
        "commit_id",
        "committed_at",
        "auditid",
        "audit_status",
        "reason",
        "last_errcode",
        "last_error",
        "created_at",
        "updated_at",
        "finished_at",
    ]
    .iter()
    .map(|c| format!("{prefix}{c}"))
    .collect::<Vec<_>>()
    .join(", ")
}

/// A target with its mini program's name, for lists.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct TargetListRow {
    #[sqlx(flatten)]
    pub target: TargetRecord,
    pub nick_name: Option<String>,
}

/// Claims up to `limit` due targets of one rollout for `owner` until `until`: targets the
/// worker acts on (`writes`), or only those in review (a cancelled rollout). A target
/// whose lease has not run out is left alone, whoever holds it.
pub async fn claim(
    db: &Db,
    rollout_id: i64,
    writes: bool,
    owner: &str,
    now: i64,
    until: i64,
    limit: i64,
) -> Result<Vec<TargetRecord>, sqlx::Error> {
    let kinds = if writes {
        active_kinds()
    } else {
        "('submitted')".to_owned()
    };
    sqlx::query_as::<_, TargetRecord>(&format!(
        "UPDATE rollout_targets SET lease_owner = $1, lease_until = $2, \
         next_at = CASE WHEN next_at < 0 THEN 0 ELSE next_at END \
         WHERE lease_until < $3 AND id IN (SELECT id FROM rollout_targets \
         WHERE rollout_id = $4 AND kind IN {kinds} AND next_at <= $3 AND lease_until < $3 \
         ORDER BY next_at, id LIMIT $5) \
         RETURNING {}",
        target_columns("")
    ))
    .bind(owner)
    .bind(until)
    .bind(now)
    .bind(rollout_id)
    .bind(limit)
    .fetch_all(&db.pool)
    .await
}

/// Marks the write about to be sent (the lease must still be ours and the state as
/// expected); false when the target slipped away, and then nothing is sent.
pub async fn mark_inflight(
    db: &Db,
    id: i64,
    owner: &str,
    state: &str,
    write: &str,
    auditid_before: Option<i64>,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE rollout_targets SET inflight = $1, inflight_at = $2, auditid_before = $3, \
         updated_at = $2 WHERE id = $4 AND state = $5 AND lease_owner = $6 AND lease_until > $2",
    )
    .bind(write)
    .bind(now)
    .bind(auditid_before)
    .bind(id)
    .bind(state)
    .bind(owner)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// What a transition records besides the new state.
#[derive(Clone, Debug, Default)]
pub struct Recorded<'a> {
    pub commit_id: Option<i64>,
    pub committed_at: Option<i64>,
    pub auditid: Option<i64>,
    pub audit_status: Option<i64>,
    pub reason: Option<&'a str>,
    pub last_errcode: Option<i64>,
    pub last_error: Option<&'a str>,
    /// Why a target found at run time to need nothing was skipped.
    pub skip_reason: Option<&'a str>,
    /// Keep the write in flight: a failure whose outcome WeChat never told (a retry reads
    /// WeChat's state before sending it again).
    pub keep_inflight: bool,
}

/// Moves the target from `from` to `to` and gives its lease back; true when this owner
/// still held it in `from` (otherwise nothing changed).
#[allow(clippy::too_many_arguments)]
pub async fn transition(
    db: &Db,
    id: i64,
    owner: &str,
    from: &str,
    to: &TargetState,
    next_at: i64,
    rec: &Recorded<'_>,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE rollout_targets SET state = $1, kind = $2, entered_at = $3, updated_at = $3, \
         attempt = 0, next_at = $4, \
         inflight = CASE WHEN $5 = 1 THEN inflight ELSE NULL END, \
         inflight_at = CASE WHEN $5 = 1 THEN inflight_at ELSE NULL END, \
         commit_id = COALESCE($6, commit_id), committed_at = COALESCE($7, committed_at), \
         auditid = COALESCE($8, auditid), audit_status = COALESCE($9, audit_status), \
         reason = COALESCE($10, reason), last_errcode = $11, last_error = $12, \
         finished_at = $13, lease_owner = NULL, lease_until = 0, \
         skip_reason = COALESCE($17, skip_reason) \
         WHERE id = $14 AND state = $15 AND lease_owner = $16",
    )
    .bind(to.encode())
    .bind(to.as_str())
    .bind(now)
    .bind(next_at)
    .bind(i64::from(rec.keep_inflight))
    .bind(rec.commit_id)
    .bind(rec.committed_at)
    .bind(rec.auditid)
    .bind(rec.audit_status)
    .bind(rec.reason)
    .bind(rec.last_errcode)
    .bind(rec.last_error)
    .bind(to.is_terminal().then_some(now))
    .bind(id)
    .bind(from)
    .bind(owner)
    .bind(rec.skip_reason)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// When a target is looked at again, and why.
#[derive(Clone, Debug, Default)]
pub struct Reschedule<'a> {
    pub next_at: i64,
    /// Retryable failures of the current write so far.
    pub attempt: i64,
    pub last_errcode: Option<i64>,
    pub last_error: Option<&'a str>,
    pub keep_inflight: bool,
    pub audit_status: Option<i64>,
}

/// Gives the lease back and schedules the next look, state unchanged. An audit result that
/// arrived meanwhile (next_at -1) keeps the target due at once.
pub async fn reschedule(
    db: &Db,
    id: i64,
    owner: &str,
    r: &Reschedule<'_>,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE rollout_targets SET next_at = CASE WHEN next_at < 0 THEN 0 ELSE $1 END, \
         attempt = $2, last_errcode = COALESCE($3, last_errcode), \
         last_error = COALESCE($4, last_error), \
         inflight = CASE WHEN $5 = 1 THEN inflight ELSE NULL END, \
         inflight_at = CASE WHEN $5 = 1 THEN inflight_at ELSE NULL END, \
         audit_status = COALESCE($6, audit_status), lease_owner = NULL, lease_until = 0, \
         updated_at = $7 WHERE id = $8 AND lease_owner = $9",
    )
    .bind(r.next_at)
    .bind(r.attempt)
    .bind(r.last_errcode)
    .bind(r.last_error)
    .bind(i64::from(r.keep_inflight))
    .bind(r.audit_status)
    .bind(now)
    .bind(id)
    .bind(owner)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// What reached WeChat for a target whose state changed under the worker (a cancel): the
/// ids are kept so the page shows them.
pub async fn note_ids(
    db: &Db,
    id: i64,
    commit_id: Option<i64>,
    auditid: Option<i64>,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE rollout_targets SET commit_id = COALESCE(commit_id, $1), \
         auditid = COALESCE($2, auditid), updated_at = $3 WHERE id = $4",
    )
    .bind(commit_id)
    .bind(auditid)
    .bind(now)
    .bind(id)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// An audit result was recorded: the targets waiting for that audit are due at once.
pub async fn wake_for_audit(db: &Db, appid: &str, auditid: i64) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE rollout_targets SET next_at = -1 \
         WHERE appid = $1 AND auditid = $2 AND kind = 'submitted'",
    )
    .bind(appid)
    .bind(auditid)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected())
}

/// Cancels the targets nothing was submitted for yet (pending, committed): their state
/// before goes to `cancelled_from`. Returns (id, appid, state before).
pub async fn cancel_unsubmitted(
    db: &Db,
    rollout_id: i64,
    now: i64,
) -> Result<Vec<(i64, String, String)>, sqlx::Error> {
    sqlx::query_as::<_, (i64, String, String)>(
        "UPDATE rollout_targets SET cancelled_from = state, state = 'cancelled', \
         kind = 'cancelled', entered_at = $1, updated_at = $1, finished_at = $1, next_at = 0 \
         WHERE rollout_id = $2 AND kind IN ('pending', 'committed') \
         RETURNING id, appid, cancelled_from",
    )
    .bind(now)
    .bind(rollout_id)
    .fetch_all(&db.pool)
    .await
}

/// Failed and rejected targets of a rollout (those of `appids` when given): (id, appid,
/// state).
pub async fn retryable(
    db: &Db,
    rollout_id: i64,
    appids: &[String],
) -> Result<Vec<(i64, String, String)>, sqlx::Error> {
    let mut sql = Sql::new(
        "SELECT id, appid, state FROM rollout_targets WHERE kind IN ('failed', 'rejected') \
         AND rollout_id = ",
    );
    sql.bind(rollout_id);
    if !appids.is_empty() {
        sql.push(" AND appid IN (");
        for (i, a) in appids.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.bind(a.as_str());
        }
        sql.push(")");
    }
    sql.push(" ORDER BY id");
    sql.query_as::<(i64, String, String)>()
        .fetch_all(&db.pool)
        .await
}

/// What [`reopen`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reopened {
    Done,
    /// Another unfinished rollout has the mini program now: left as it is.
    Taken,
    /// The target is no longer in `from`.
    Moved,
}

/// An operator's retry: the target goes to `to` if it is still in `from` (final states are
/// never leased) and no other unfinished rollout has taken its mini program meanwhile
/// (checked under [`lock_assignments`]); its errors and rejection reason are cleared, a write
/// in flight is kept.
pub async fn reopen(
    db: &Db,
    target: (i64, i64, &str),
    from: &str,
    to: &TargetState,
    now: i64,
) -> Result<Reopened, sqlx::Error> {
    let (rollout_id, id, appid) = target;
    let mut tx = db.pool.begin().await?;
    lock_assignments(db, &mut tx).await?;
    let appids = [appid.to_owned()];
    if !taken_by_unfinished(&mut tx, &appids, Some(rollout_id))
        .await?
        .is_empty()
    {
        tx.rollback().await?;
        return Ok(Reopened::Taken);
    }
    let done = sqlx::query(
        "UPDATE rollout_targets SET state = $1, kind = $2, entered_at = $3, updated_at = $3, \
         attempt = 0, next_at = 0, finished_at = NULL, last_errcode = NULL, last_error = NULL, \
         reason = NULL, audit_status = NULL WHERE id = $4 AND state = $5",
    )
    .bind(to.encode())
    .bind(to.as_str())
    .bind(now)
    .bind(id)
    .bind(from)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(if done.rows_affected() == 1 {
        Reopened::Done
    } else {
        Reopened::Moved
    })
}

/// Targets per state kind, those `scope` may see.
pub async fn counts(
    db: &Db,
    rollout_id: i64,
    scope: Option<i64>,
) -> Result<Vec<(StateKind, u64)>, sqlx::Error> {
    let mut sql = Sql::new("SELECT t.kind, COUNT(*) FROM rollout_targets t WHERE t.rollout_id = ");
    sql.bind(rollout_id);
    push_scope(&mut sql, "t.appid", scope);
    sql.push(" GROUP BY t.kind");
    let rows = sql.query_as::<(String, i64)>().fetch_all(&db.pool).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(k, n)| Some((StateKind::parse(&k)?, u64::try_from(n).unwrap_or(0))))
        .collect())
}

/// [`counts`] of several rollouts in one query: rollout id → targets per state kind.
pub async fn counts_of(
    db: &Db,
    rollout_ids: &[i64],
    scope: Option<i64>,
) -> Result<HashMap<i64, Vec<(StateKind, u64)>>, sqlx::Error> {
    let mut out: HashMap<i64, Vec<(StateKind, u64)>> = HashMap::new();
    if rollout_ids.is_empty() {
        return Ok(out);
    }
    let mut sql = Sql::new(
        "SELECT t.rollout_id, t.kind, COUNT(*) FROM rollout_targets t WHERE t.rollout_id IN (",
    );
    for (i, id) in rollout_ids.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.bind(*id);
    }
    sql.push(")");
    push_scope(&mut sql, "t.appid", scope);
    sql.push(" GROUP BY t.rollout_id, t.kind");
    for (id, kind, n) in sql
        .query_as::<(i64, String, i64)>()
        .fetch_all(&db.pool)
        .await?
    {
        if let Some(kind) = StateKind::parse(&kind) {
            out.entry(id)
                .or_default()
                .push((kind, u64::try_from(n).unwrap_or(0)));
        }
    }
    Ok(out)
}

/// One page of a rollout's targets (of one state kind when given), those `scope` may see,
/// in the order they were planned; and their number.
pub async fn list_targets(
    db: &Db,
    rollout_id: i64,
    scope: Option<i64>,
    kind: Option<StateKind>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<TargetListRow>, i64), sqlx::Error> {
    let filtered = |select: &str| {
        let mut sql = Sql::new(select);
        sql.push(
            " FROM rollout_targets t LEFT JOIN mini_programs p ON p.appid = t.appid \
             WHERE t.rollout_id = ",
        )
        .bind(rollout_id);
        if let Some(k) = kind {
            sql.push(" AND t.kind = ").bind(k.as_str());
        }
        push_scope(&mut sql, "t.appid", scope);
        sql
    };
    let total: i64 = filtered("SELECT COUNT(*)")
        .query_scalar::<i64>()
        .fetch_one(&db.pool)
        .await?;
    let mut sql = filtered(&format!(
        "SELECT {}, p.nick_name AS nick_name",
        target_columns("t.")
    ));
    sql.push(" ORDER BY t.id LIMIT ")
        .bind(limit)
        .push(" OFFSET ")
        .bind(offset);
    let rows = sql.query_as::<TargetListRow>().fetch_all(&db.pool).await?;
    Ok((rows, total))
}

/// One target of a rollout, if `scope` may see it.
pub async fn find_target(
    db: &Db,
    rollout_id: i64,
    appid: &str,
    scope: Option<i64>,
) -> Result<Option<TargetRecord>, sqlx::Error> {
    let mut sql = Sql::new(&format!(
        "SELECT {} FROM rollout_targets t WHERE t.rollout_id = ",
        target_columns("t.")
    ));
    sql.bind(rollout_id).push(" AND t.appid = ").bind(appid);
    push_scope(&mut sql, "t.appid", scope);
    sql.query_as::<TargetRecord>()
        .fetch_optional(&db.pool)
        .await
}

/// The mini programs (of `appids`) that are targets of an unfinished rollout (running or
/// paused) and not final there yet.
pub async fn in_unfinished_rollouts(
    db: &Db,
    appids: &[String],
) -> Result<HashSet<String>, sqlx::Error> {
    let mut conn = db.pool.acquire().await?;
    taken_by_unfinished(&mut conn, appids, None).await
}

/// Those of `appids` that a running or paused rollout (other than `except`) still acts on.
async fn taken_by_unfinished(
    conn: &mut sqlx::AnyConnection,
    appids: &[String],
    except: Option<i64>,
) -> Result<HashSet<String>, sqlx::Error> {
    let mut found = HashSet::new();
    for chunk in appids.chunks(500) {
        let mut sql = Sql::new(&format!(
            "SELECT DISTINCT t.appid FROM rollout_targets t JOIN rollouts r ON r.id = t.rollout_id \
             WHERE r.status IN ('running', 'paused') AND t.kind IN {} AND t.appid IN (",
            active_kinds()
        ));
        for (i, a) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.bind(a.as_str());
        }
        sql.push(")");
        if let Some(id) = except {
            sql.push(" AND t.rollout_id <> ").bind(id);
        }
        found.extend(sql.query_scalar::<String>().fetch_all(&mut *conn).await?);
    }
    Ok(found)
}

/// What the planner needs of a registered mini program.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct CandidateRow {
    pub appid: String,
    pub nick_name: String,
    /// `AppStatus::as_str`.
    pub status: String,
    pub merchant_id: Option<i64>,
    pub merchant_name: Option<String>,
    pub online_version: Option<String>,
    pub online_template_id: Option<i64>,
    pub gray_status: Option<i64>,
    /// The newest audit's status.
    pub audit_status: Option<i64>,
}

/// The registered mini programs among `appids` with their release facts.
pub async fn candidates(db: &Db, appids: &[String]) -> Result<Vec<CandidateRow>, sqlx::Error> {
    let mut rows = Vec::new();
    for chunk in appids.chunks(500) {
        let mut sql = Sql::new(
            "SELECT p.appid, p.nick_name, p.status, p.merchant_id, m.name AS merchant_name, \
             rs.online_version, rs.online_template_id, rs.gray_status, \
             (SELECT a.status FROM code_audits a WHERE a.appid = p.appid \
                ORDER BY a.submitted_at DESC, a.id DESC LIMIT 1) AS audit_status \
             FROM mini_programs p LEFT JOIN merchants m ON m.id = p.merchant_id \
             LEFT JOIN release_status rs ON rs.appid = p.appid WHERE p.appid IN (",
        );
        for (i, a) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.bind(a.as_str());
        }
        sql.push(")");
        rows.extend(sql.query_as::<CandidateRow>().fetch_all(&db.pool).await?);
    }
    Ok(rows)
}

/// Mini programs of the platform submitted for review since `since` (the 7-day audit
/// quota, 85085, counts mini programs).
pub async fn submitted_apps_since(db: &Db, since: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(DISTINCT appid) FROM code_audits WHERE submitted_at >= $1")
        .bind(since)
        .fetch_one(&db.pool)
        .await
}

// ---------------------------------------------------------------------------------------------
// Timeline
// ---------------------------------------------------------------------------------------------

pub struct NewEvent<'a> {
    pub rollout_id: i64,
    pub target_id: i64,
    pub appid: &'a str,
    /// `call`, `state` or `control`.
    pub kind: &'a str,
    pub path: Option<&'a str>,
    pub errcode: Option<i64>,
    pub outcome: &'a str,
    pub detail: &'a str,
}

pub async fn append_event(db: &Db, e: &NewEvent<'_>, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO rollout_events (rollout_id, target_id, appid, at, kind, path, errcode, \
         outcome, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(e.rollout_id)
    .bind(e.target_id)
    .bind(e.appid)
    .bind(now)
    .bind(e.kind)
    .bind(e.path)
    .bind(e.errcode)
    .bind(e.outcome)
    .bind(e.detail)
    .execute(&db.pool)
    .await?;
    Ok(())
}

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct EventRecord {
    pub at: i64,
    pub kind: String,
    pub path: Option<String>,
    pub errcode: Option<i64>,
    pub outcome: String,
    pub detail: String,
}

/// A target's timeline, oldest first (at most `limit` entries, the newest ones).
pub async fn events(db: &Db, target_id: i64, limit: i64) -> Result<Vec<EventRecord>, sqlx::Error> {
    let mut rows = sqlx::query_as::<
        _,
        (
            i64,
            i64,
            String,
            Option<String>,
            Option<i64>,
            String,
            String,
        ),
    >(
        "SELECT id, at, kind, path, errcode, outcome, detail FROM rollout_events \
         WHERE target_id = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(target_id)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    rows.reverse();
    Ok(rows
        .into_iter()
        .map(
            |(_, at, kind, path, errcode, outcome, detail)| EventRecord {
                at,
                kind,
                path,
                errcode,
                outcome,
                detail,
            },
        )
        .collect())
}
