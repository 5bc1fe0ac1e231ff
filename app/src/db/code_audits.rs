//! Every audit submitted. Results arrive by push, by polling and by the release page's
//! "refresh" button; all of them record through [`record_result`], a conditional UPDATE
//! (… WHERE status IN (2, 4)), so whichever path comes first wins and the others change
//! nothing.

use super::Db;

/// get_auditstatus's codes.
pub const APPROVED: i64 = 0;
pub const REJECTED: i64 = 1;
pub const AUDITING: i64 = 2;
pub const WITHDRAWN: i64 = 3;
pub const DELAYED: i64 = 4;

/// The first poll of a fresh audit, in seconds after submission.
pub const FIRST_POLL_AFTER_SECS: i64 = 60;

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct AuditRow {
    pub id: i64,
    pub appid: String,
    pub auditid: i64,
    pub commit_id: Option<i64>,
    pub user_version: String,
    pub item_list: String,
    pub status: i64,
    pub reason: Option<String>,
    pub screenshots: Option<String>,
    pub submitted_by: Option<i64>,
    pub submitted_by_name: String,
    pub submitted_at: i64,
    pub finished_at: Option<i64>,
    pub result_source: Option<String>,
    pub released_at: Option<i64>,
}

pub struct NewAudit<'a> {
    pub appid: &'a str,
    pub auditid: i64,
    pub commit_id: Option<i64>,
    pub user_version: &'a str,
    /// submit_audit's item_list as JSON.
    pub item_list: &'a str,
    pub submitted_by: Option<i64>,
    pub submitted_by_name: &'a str,
}

const COLUMNS: &str = "id, appid, auditid, commit_id, user_version, item_list, status, reason, \
                       screenshots, submitted_by, submitted_by_name, submitted_at, finished_at, \
                       result_source, released_at";

/// Records a submitted audit (status 2) whose first poll is due a minute later.
/// Returns the row id; an auditid already recorded keeps its row (reconciliation after an
/// unknown outcome may meet an audit twice).
pub async fn insert_submitted(db: &Db, a: &NewAudit<'_>, now: i64) -> Result<i64, sqlx::Error> {
    // The result push (or a poll) may have recorded this audit as unknown between WeChat's
    // answer and this insert: then the submission's details complete that row, whose
    // status stays as reported.
    sqlx::query_scalar::<_, i64>(
        "INSERT INTO code_audits (appid, auditid, commit_id, user_version, item_list, status, \
         submitted_by, submitted_by_name, submitted_at, next_poll_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         ON CONFLICT (appid, auditid) DO UPDATE SET commit_id = excluded.commit_id, \
         user_version = excluded.user_version, item_list = excluded.item_list, \
         submitted_by = excluded.submitted_by, submitted_by_name = excluded.submitted_by_name, \
         submitted_at = excluded.submitted_at \
         RETURNING id",
    )
    .bind(a.appid)
    .bind(a.auditid)
    .bind(a.commit_id)
    .bind(a.user_version)
    .bind(a.item_list)
    .bind(AUDITING)
    .bind(a.submitted_by)
    .bind(a.submitted_by_name)
    .bind(now)
    .bind(now + FIRST_POLL_AFTER_SECS)
    .fetch_one(&db.pool)
    .await
}

pub async fn find(db: &Db, appid: &str, auditid: i64) -> Result<Option<AuditRow>, sqlx::Error> {
    sqlx::query_as::<_, AuditRow>(&format!(
        "SELECT {COLUMNS} FROM code_audits WHERE appid = $1 AND auditid = $2"
    ))
    .bind(appid)
    .bind(auditid)
    .fetch_optional(&db.pool)
    .await
}

/// The audit version: the newest submission of `appid`.
pub async fn latest_for_app(db: &Db, appid: &str) -> Result<Option<AuditRow>, sqlx::Error> {
    Ok(list_for_app(db, appid, 1).await?.into_iter().next())
}

/// The audit history, newest first.
pub async fn list_for_app(db: &Db, appid: &str, limit: i64) -> Result<Vec<AuditRow>, sqlx::Error> {
    sqlx::query_as::<_, AuditRow>(&format!(
        "SELECT {COLUMNS} FROM code_audits WHERE appid = $1 \
         ORDER BY submitted_at DESC, id DESC LIMIT $2"
    ))
    .bind(appid)
    .bind(limit)
    .fetch_all(&db.pool)
    .await
}

/// Records a final (or delayed) result of a pending audit. Only an audit still pending
/// (2 auditing, 4 delayed) changes; true when this call changed the row. `source` is
/// push | poll | refresh | undo.
#[allow(clippy::too_many_arguments)]
pub async fn record_result(
    db: &Db,
    appid: &str,
    auditid: i64,
    status: i64,
    reason: Option<&str>,
    screenshots: Option<&str>,
    source: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    if status == AUDITING {
        return Ok(false);
    }
    // A delay is not an end: the audit stays pending and keeps being polled.
    let finished_at = (status != DELAYED).then_some(now);
    let done = sqlx::query(
        "UPDATE code_audits SET status = $1, reason = $2, screenshots = $3, result_source = $4, \
         finished_at = COALESCE($5, finished_at), lease_owner = NULL, lease_until = 0 \
         WHERE appid = $6 AND auditid = $7 AND status IN (2, 4) AND status <> $8",
    )
    .bind(status)
    .bind(reason)
    .bind(screenshots)
    .bind(source)
    .bind(finished_at)
    .bind(appid)
    .bind(auditid)
    .bind(status)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The audit was withdrawn through undocodeaudit.
pub async fn mark_withdrawn(
    db: &Db,
    appid: &str,
    auditid: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    record_result(db, appid, auditid, WITHDRAWN, None, None, "undo", now).await
}

/// When this mini program withdrew audits (the undo quota counts them).
pub async fn undo_times(db: &Db, appid: &str) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar::<_, i64>(
        "SELECT finished_at FROM code_audits WHERE appid = $1 AND status = $2 \
         AND result_source = 'undo' AND finished_at IS NOT NULL",
    )
    .bind(appid)
    .bind(WITHDRAWN)
    .fetch_all(&db.pool)
    .await
}

/// The approved audit went online (WeChat has no audit version left after a release).
pub async fn mark_released(db: &Db, id: i64, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE code_audits SET released_at = $1 WHERE id = $2 AND released_at IS NULL")
        .bind(now)
        .bind(id)
        .execute(&db.pool)
        .await?;
    Ok(())
}
