//! `code_audits`: the one write both audit-result paths (push and polling) go through.
//! (Minimal in the tracking branch; the release branch adds submit and reads.)

use super::Db;

/// Records an audit result reported by `source` (`push` | `poll` | `undo`).
///
/// A conditional UPDATE: only an audit still with the reviewers (2 auditing, 4 delayed)
/// changes, and only to a different status; a final status (0, 1, 3) never changes again.
/// True when this call changed the row, so whichever path reports first wins and the other
/// changes nothing, on SQLite and on PostgreSQL alike.
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
    let finished_at = (!matches!(status, 2 | 4)).then_some(now);
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
