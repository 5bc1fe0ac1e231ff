//! Function widgets and their submission history.

use super::sql::Sql;
use super::Db;
use crate::domain::widget::view::{WidgetListRow, WidgetQuery};
use crate::domain::widget::WidgetStatus;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct WidgetRecord {
    pub appid: String,
    pub status: String,
    pub draft: String,
    pub submitted: Option<String>,
    pub wx_index: Option<i64>,
    pub reason: String,
    pub submitted_at: Option<i64>,
    pub submitted_by: Option<String>,
    pub updated_at: i64,
    pub check_failures: i64,
}

impl WidgetRecord {
    pub fn status(&self) -> WidgetStatus {
        WidgetStatus::parse(&self.status).unwrap_or(WidgetStatus::Draft)
    }
}

const COLUMNS: &str = "appid, status, draft, submitted, wx_index, reason, submitted_at, \
    submitted_by, updated_at, check_failures";

pub async fn find(db: &Db, appid: &str) -> Result<Option<WidgetRecord>, sqlx::Error> {
    sqlx::query_as::<_, WidgetRecord>(&format!("SELECT {COLUMNS} FROM widgets WHERE appid = $1"))
        .bind(appid)
        .fetch_optional(&db.pool)
        .await
}

/// Saves the editor's content; a new row starts as a draft.
pub async fn save_draft(
    db: &Db,
    appid: &str,
    draft: &str,
    by: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO widgets (appid, status, draft, updated_at, updated_by) \
         VALUES ($1, 'draft', $2, $3, $4) \
         ON CONFLICT (appid) DO UPDATE SET draft = $2, updated_at = $3, updated_by = $4",
    )
    .bind(appid)
    .bind(draft)
    .bind(now)
    .bind(by)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// WeChat accepted `content` for review.
pub async fn mark_submitted(
    db: &Db,
    appid: &str,
    content: &str,
    by: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE widgets SET status = 'under_review', draft = $2, submitted = $2, reason = '', \
         submitted_at = $3, submitted_by = $4, updated_at = $3, updated_by = $4, \
         next_check_at = $3, check_failures = 0 WHERE appid = $1",
    )
    .bind(appid)
    .bind(content)
    .bind(now)
    .bind(by)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// What the access check reports; `submitted` is the content WeChat holds.
pub struct RemoteState<'a> {
    pub status: WidgetStatus,
    pub wx_index: Option<i64>,
    pub reason: &'a str,
    pub submitted: &'a str,
    pub submitted_at: Option<i64>,
}

pub async fn apply_remote(
    db: &Db,
    appid: &str,
    r: &RemoteState<'_>,
    now: i64,
) -> Result<(), sqlx::Error> {
    // A function the console never saw (submitted elsewhere) gets a row with its content.
    sqlx::query(
        "INSERT INTO widgets (appid, status, draft, submitted, wx_index, reason, submitted_at, \
         updated_at) VALUES ($1, $2, $3, $3, $4, $5, $6, $7) \
         ON CONFLICT (appid) DO UPDATE SET status = $2, wx_index = $4, reason = $5, \
         submitted = $3, \
         submitted_at = COALESCE(widgets.submitted_at, $6)",
    )
    .bind(appid)
    .bind(r.status.as_str())
    .bind(r.submitted)
    .bind(r.wx_index)
    .bind(r.reason)
    .bind(r.submitted_at)
    .bind(now)
    .execute(&db.pool)
    .await?;
    Ok(())
}

pub async fn set_status(
    db: &Db,
    appid: &str,
    status: WidgetStatus,
    by: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE widgets SET status = $2, updated_at = $3, updated_by = $4 WHERE appid = $1",
    )
    .bind(appid)
    .bind(status.as_str())
    .bind(now)
    .bind(by)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// WeChat no longer has the function: the row keeps the editor's content as a draft.
pub async fn forget_remote(db: &Db, appid: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE widgets SET status = 'draft', submitted = NULL, wx_index = NULL, reason = '' \
         WHERE appid = $1",
    )
    .bind(appid)
    .execute(&db.pool)
    .await?;
    Ok(())
}

pub async fn delete(db: &Db, appid: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM widgets WHERE appid = $1")
        .bind(appid)
        .execute(&db.pool)
        .await?;
    Ok(())
}

pub async fn schedule(
    db: &Db,
    appid: &str,
    next_check_at: i64,
    failures: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE widgets SET next_check_at = $2, check_failures = $3 WHERE appid = $1")
        .bind(appid)
        .bind(next_check_at)
        .bind(failures)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Widgets under review whose next check is due.
pub async fn due(db: &Db, now: i64, limit: i64) -> Result<Vec<WidgetRecord>, sqlx::Error> {
    sqlx::query_as::<_, WidgetRecord>(&format!(
        "SELECT {COLUMNS} FROM widgets WHERE status = 'under_review' AND next_check_at <= $1 \
         ORDER BY next_check_at LIMIT $2"
    ))
    .bind(now)
    .bind(limit)
    .fetch_all(&db.pool)
    .await
}

#[derive(sqlx::FromRow)]
struct ListRow {
    appid: String,
    nick_name: String,
    merchant_name: Option<String>,
    status: String,
    draft: String,
    submitted_at: Option<i64>,
    updated_at: i64,
}

fn filtered(select: &str, scope: Option<i64>, q: &WidgetQuery) -> Sql {
    let mut sql = Sql::new(select);
    sql.push(
        " FROM widgets w JOIN mini_programs p ON p.appid = w.appid \
         LEFT JOIN merchants m ON m.id = p.merchant_id WHERE 1 = 1",
    );
    if let Some(m) = scope {
        sql.push(" AND p.merchant_id = ").bind(m);
    }
    if let Some(s) = q.status {
        sql.push(" AND w.status = ").bind(s.as_str());
    }
    sql
}

pub async fn list(
    db: &Db,
    scope: Option<i64>,
    q: &WidgetQuery,
) -> Result<(Vec<WidgetListRow>, i64), sqlx::Error> {
    let total: i64 = filtered("SELECT COUNT(*)", scope, q)
        .query_as::<(i64,)>()
        .fetch_one(&db.pool)
        .await?
        .0;
    let mut sql = filtered(
        "SELECT w.appid, p.nick_name, m.name AS merchant_name, w.status, w.draft, \
         w.submitted_at, w.updated_at",
        scope,
        q,
    );
    sql.push(" ORDER BY w.updated_at DESC, w.appid LIMIT ")
        .bind(q.page.limit())
        .push(" OFFSET ")
        .bind(q.page.offset());
    let rows = sql.query_as::<ListRow>().fetch_all(&db.pool).await?;
    Ok((
        rows.into_iter()
            .map(|r| WidgetListRow {
                keyword: serde_json::from_str::<serde_json::Value>(&r.draft)
                    .ok()
                    .and_then(|v| v["keyword"].as_str().map(str::to_owned))
                    .unwrap_or_default(),
                status: WidgetStatus::parse(&r.status).unwrap_or(WidgetStatus::Draft),
                appid: r.appid,
                nick_name: r.nick_name,
                merchant_name: r.merchant_name,
                submitted_at: r.submitted_at,
                updated_at: r.updated_at,
            })
            .collect(),
        total,
    ))
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SubmissionRecord {
    pub id: i64,
    pub action: String,
    pub content: String,
    pub submitted_at: i64,
    pub submitted_by: String,
    pub outcome: String,
    pub reason: String,
    pub errcode: Option<i64>,
    pub decided_at: Option<i64>,
}

#[allow(clippy::too_many_arguments)]
pub async fn add_submission(
    db: &Db,
    appid: &str,
    action: &str,
    content: &str,
    by: &str,
    now: i64,
    outcome: &str,
    errcode: Option<i64>,
    reason: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO widget_submissions (appid, action, content, submitted_at, submitted_by, \
         outcome, reason, errcode, decided_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(appid)
    .bind(action)
    .bind(content)
    .bind(now)
    .bind(by)
    .bind(outcome)
    .bind(reason)
    .bind(errcode)
    .bind(errcode.map(|_| now))
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// The review of the latest submission ended.
pub async fn decide_latest(
    db: &Db,
    appid: &str,
    outcome: &str,
    reason: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE widget_submissions SET outcome = $2, reason = $3, decided_at = $4 \
         WHERE appid = $1 AND outcome = 'under_review'",
    )
    .bind(appid)
    .bind(outcome)
    .bind(reason)
    .bind(now)
    .execute(&db.pool)
    .await?;
    Ok(())
}

pub async fn history(
    db: &Db,
    appid: &str,
    limit: i64,
) -> Result<Vec<SubmissionRecord>, sqlx::Error> {
    sqlx::query_as::<_, SubmissionRecord>(
        "SELECT id, action, content, submitted_at, submitted_by, outcome, reason, errcode, \
         decided_at FROM widget_submissions WHERE appid = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(appid)
    .bind(limit)
    .fetch_all(&db.pool)
    .await
}
