//! `wechat_callbacks`: the inbox of decrypted pushes.

use super::sql::Sql;
use super::Db;
use crate::domain::callbacks::CallbackQuery;
use crate::domain::pagination::capped_count_limit;
use crate::model::CallbackRow;

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    received_at: i64,
    kind: String,
    appid: Option<String>,
    nick_name: Option<String>,
    outcome: String,
    outcome_detail: String,
    processed_at: Option<i64>,
    attempts: i64,
    deliveries: i64,
}

impl From<Row> for CallbackRow {
    fn from(r: Row) -> Self {
        CallbackRow {
            id: r.id,
            received_at: r.received_at,
            kind: r.kind,
            appid: r.appid,
            nick_name: r.nick_name,
            outcome: r.outcome,
            outcome_detail: r.outcome_detail,
            processed_at: r.processed_at,
            attempts: r.attempts,
            deliveries: r.deliveries,
        }
    }
}

const COLUMNS: &str = "c.id, c.received_at, c.kind, c.appid, p.nick_name, c.outcome, \
     c.outcome_detail, c.processed_at, c.attempts, c.deliveries \
     FROM wechat_callbacks c LEFT JOIN mini_programs p ON p.appid = c.appid";

/// Stores a push unless an identical one is already there; returns its id when new.
pub async fn insert_once(
    db: &Db,
    dedupe_key: &str,
    kind: &str,
    appid: Option<&str>,
    payload: &str,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let inserted: Option<i64> = sqlx::query_scalar(
        "INSERT INTO wechat_callbacks (dedupe_key, received_at, kind, appid, payload, outcome) \
         VALUES ($1, $2, $3, $4, $5, 'received') ON CONFLICT (dedupe_key) DO NOTHING RETURNING id",
    )
    .bind(dedupe_key)
    .bind(now)
    .bind(kind)
    .bind(appid)
    .bind(payload)
    .fetch_optional(&db.pool)
    .await?;
    if inserted.is_none() {
        sqlx::query(
            "UPDATE wechat_callbacks SET deliveries = deliveries + 1 WHERE dedupe_key = $1",
        )
        .bind(dedupe_key)
        .execute(&db.pool)
        .await?;
    }
    Ok(inserted)
}

pub async fn payload(
    db: &Db,
    id: i64,
) -> Result<Option<(String, Option<String>, String)>, sqlx::Error> {
    sqlx::query_as::<_, (String, Option<String>, String)>(
        "SELECT kind, appid, payload FROM wechat_callbacks WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await
}

pub async fn set_outcome(
    db: &Db,
    id: i64,
    outcome: &str,
    detail: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE wechat_callbacks SET outcome = $1, outcome_detail = $2, processed_at = $3, \
         attempts = attempts + 1 WHERE id = $4",
    )
    .bind(outcome)
    .bind(detail)
    .bind(now)
    .bind(id)
    .execute(&db.pool)
    .await?;
    Ok(())
}

fn filtered(select: &str, q: &CallbackQuery) -> Sql {
    let mut sql = Sql::new(select);
    if !q.kind.is_empty() {
        sql.and("c.kind = ").bind(q.kind.as_str());
    }
    if !q.appid.is_empty() {
        sql.and("c.appid = ").bind(q.appid.as_str());
    }
    if !q.outcome.is_empty() {
        sql.and("c.outcome = ").bind(q.outcome.as_str());
    }
    sql
}

/// One page of pushes, newest first: each filter is read through an index in that order
/// (migration 0023), so a page stops at its limit.
pub fn page_sql(q: &CallbackQuery) -> Sql {
    let mut sql = filtered(&format!("SELECT {COLUMNS}"), q);
    sql.push(" ORDER BY c.received_at DESC, c.id DESC LIMIT ")
        .bind(q.page_size())
        .push(" OFFSET ")
        .bind(q.offset());
    sql
}

pub async fn list(db: &Db, q: &CallbackQuery) -> Result<(Vec<CallbackRow>, i64), sqlx::Error> {
    // Capped like the audit log's: the inbox grows with every push, and counting all of it
    // costs more than the page.
    let total = filtered("SELECT 1 FROM wechat_callbacks c", q)
        .counted_up_to(capped_count_limit(q.page))
        .query_scalar::<i64>()
        .fetch_one(&db.pool)
        .await?;
    let rows = page_sql(q).query_as::<Row>().fetch_all(&db.pool).await?;
    Ok((rows.into_iter().map(Into::into).collect(), total))
}

pub async fn find(db: &Db, id: i64) -> Result<Option<CallbackRow>, sqlx::Error> {
    let mut sql = Sql::new(&format!("SELECT {COLUMNS}"));
    sql.push(" WHERE c.id = ").bind(id);
    Ok(sql
        .query_as::<Row>()
        .fetch_optional(&db.pool)
        .await?
        .map(Into::into))
}

/// The kinds seen so far (for the filter), in order: from each kind to the next through the
/// kind index, one lookup per kind, where `DISTINCT` read every push.
pub const KINDS_SQL: &str = "WITH RECURSIVE seen(kind) AS ( \
         SELECT MIN(kind) FROM wechat_callbacks \
         UNION ALL \
         SELECT (SELECT MIN(c.kind) FROM wechat_callbacks c WHERE c.kind > seen.kind) \
         FROM seen WHERE seen.kind IS NOT NULL) \
     SELECT kind FROM seen WHERE kind IS NOT NULL";

pub async fn kinds(db: &Db) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(KINDS_SQL).fetch_all(&db.pool).await
}

/// Takes a freshly received push for processing; false if another worker has it.
pub async fn claim(db: &Db, id: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE wechat_callbacks SET outcome = 'processing' WHERE id = $1 AND outcome = 'received'",
    )
    .bind(id)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Pushes stored but never processed (the process stopped in between), and
/// pushes whose processing was interrupted long ago. Read through the outcome index (migration
/// 0023): the worker asks on every tick, and nearly always nothing is stuck.
pub const STUCK_SQL: &str = "SELECT id FROM wechat_callbacks \
     WHERE outcome IN ('received', 'processing') AND received_at < $1 ORDER BY id LIMIT 100";

pub async fn stuck(db: &Db, received_before: i64) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(STUCK_SQL)
        .bind(received_before)
        .fetch_all(&db.pool)
        .await
}

pub async fn reset_to_received(db: &Db, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE wechat_callbacks SET outcome = 'received' WHERE id = $1 AND outcome = 'processing'",
    )
    .bind(id)
    .execute(&db.pool)
    .await?;
    Ok(())
}
