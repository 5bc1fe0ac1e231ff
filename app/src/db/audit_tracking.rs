//! Polling of pending audits (`code_audits.status IN (2, 4)`): which are due, a lease so that
//! one instance polls an audit at a time, the backoff schedule, and audits the console learns
//! about from WeChat only (submitted outside the console).

use super::Db;

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct PendingAudit {
    pub appid: String,
    pub auditid: i64,
    pub status: i64,
    pub poll_attempts: i64,
}

/// Pending audits whose next poll is due and that nobody holds a lease on, oldest due first.
pub async fn due(db: &Db, now: i64, limit: i64) -> Result<Vec<PendingAudit>, sqlx::Error> {
    sqlx::query_as::<_, PendingAudit>(
        "SELECT appid, auditid, status, poll_attempts FROM code_audits \
         WHERE status IN (2, 4) AND next_poll_at <= $1 AND lease_until < $1 \
         ORDER BY next_poll_at, id LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(&db.pool)
    .await
}

/// Takes the poll lease of one audit; true when this owner got it. The conditions are checked
/// in the UPDATE itself, so two instances racing for the same row get one `true` between them.
pub async fn claim(
    db: &Db,
    appid: &str,
    auditid: i64,
    owner: &str,
    now: i64,
    until: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE code_audits SET lease_owner = $1, lease_until = $2 \
         WHERE appid = $3 AND auditid = $4 AND status IN (2, 4) \
         AND next_poll_at <= $5 AND lease_until < $5",
    )
    .bind(owner)
    .bind(until)
    .bind(appid)
    .bind(auditid)
    .bind(now)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// After a poll: counts the attempt, schedules the next one and gives the lease back.
pub async fn reschedule(
    db: &Db,
    appid: &str,
    auditid: i64,
    owner: &str,
    next_poll_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE code_audits SET poll_attempts = poll_attempts + 1, next_poll_at = $1, \
         lease_owner = NULL, lease_until = 0 \
         WHERE appid = $2 AND auditid = $3 AND (lease_owner = $4 OR lease_owner IS NULL)",
    )
    .bind(next_poll_at)
    .bind(appid)
    .bind(auditid)
    .bind(owner)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// The newest audit of `appid` still with the reviewers, as the console knows it:
/// (auditid, submitted_at).
pub async fn pending_for(db: &Db, appid: &str) -> Result<Option<(i64, i64)>, sqlx::Error> {
    sqlx::query_as::<_, (i64, i64)>(
        "SELECT auditid, submitted_at FROM code_audits WHERE appid = $1 AND status IN (2, 4) \
         ORDER BY submitted_at DESC, id DESC LIMIT 1",
    )
    .bind(appid)
    .fetch_optional(&db.pool)
    .await
}

pub async fn exists(db: &Db, appid: &str, auditid: i64) -> Result<bool, sqlx::Error> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT id FROM code_audits WHERE appid = $1 AND auditid = $2")
            .bind(appid)
            .bind(auditid)
            .fetch_optional(&db.pool)
            .await?;
    Ok(found.is_some())
}

/// An audit submitted outside the console, first heard of through a result: kept as a row of
/// its own (version unknown, shown as such) rather than lost. True when this call inserted it.
#[allow(clippy::too_many_arguments)]
pub async fn insert_external(
    db: &Db,
    appid: &str,
    auditid: i64,
    status: i64,
    reason: Option<&str>,
    screenshots: Option<&str>,
    source: &str,
    now: i64,
    next_poll_at: i64,
) -> Result<bool, sqlx::Error> {
    let finished_at = (!matches!(status, 2 | 4)).then_some(now);
    let inserted: Option<i64> = sqlx::query_scalar(
        "INSERT INTO code_audits (appid, auditid, user_version, item_list, status, reason, \
         screenshots, submitted_by_name, submitted_at, finished_at, result_source, next_poll_at) \
         VALUES ($1, $2, '', '[]', $3, $4, $5, 'wechat', $6, $7, $8, $9) \
         ON CONFLICT (appid, auditid) DO NOTHING RETURNING id",
    )
    .bind(appid)
    .bind(auditid)
    .bind(status)
    .bind(reason)
    .bind(screenshots)
    .bind(now)
    .bind(finished_at)
    .bind(source)
    .bind(next_poll_at)
    .fetch_optional(&db.pool)
    .await?;
    Ok(inserted.is_some())
}
