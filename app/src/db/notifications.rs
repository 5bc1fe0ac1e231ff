//! `notifications`, `notification_watermarks` and `notification_reads`: in-console
//! notifications, one per event (`dedupe_key`); read state per user: everything up to the
//! user's mark ("mark all read"), and the ones read one by one above it. `scope` is the
//! merchant a merchant user is confined to (None for staff, who see everything).

use super::sql::Sql;
use super::{Db, DbKind};
use crate::domain::notifications::{bell_count, NotificationFilter};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct NotificationRow {
    pub id: i64,
    pub created_at: i64,
    pub merchant_id: Option<i64>,
    pub appid: Option<String>,
    pub nick_name: Option<String>,
    pub kind: String,
    pub params: String,
    pub link: Option<String>,
    pub read_at: Option<i64>,
}

pub struct NewNotification<'a> {
    pub merchant_id: Option<i64>,
    pub appid: Option<&'a str>,
    pub kind: &'a str,
    pub params: &'a str,
    pub link: Option<&'a str>,
    pub dedupe_key: &'a str,
}

/// Stores a notification unless one with the same key exists; its id when new.
pub async fn insert_once(
    db: &Db,
    n: &NewNotification<'_>,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO notifications (created_at, merchant_id, appid, kind, params, link, dedupe_key) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id",
    )
    .bind(now)
    .bind(n.merchant_id)
    .bind(n.appid)
    .bind(n.kind)
    .bind(n.params)
    .bind(n.link)
    .bind(n.dedupe_key)
    .fetch_optional(&db.pool)
    .await
}

fn scoped(sql: &mut Sql, scope: Option<i64>) {
    if let Some(m) = scope {
        sql.and("n.merchant_id = ").bind(m);
    }
}

/// Above the user's mark: ids only grow, so this is a range of the primary key (or of
/// `notifications_merchant_id` with a merchant's scope), not a scan of every notification.
fn above_mark(sql: &mut Sql, user_id: i64) {
    sql.and(
        "n.id > COALESCE((SELECT m.read_through FROM notification_watermarks m \
         WHERE m.user_id = ",
    )
    .bind(user_id)
    .push("), 0)");
}

/// Unread: above the user's mark and not read one by one.
fn unread(sql: &mut Sql, user_id: i64) {
    above_mark(sql, user_id);
    sql.and("r.notification_id IS NULL");
}

fn join_reads(sql: &mut Sql, user_id: i64) {
    sql.push(" LEFT JOIN notification_reads r ON r.notification_id = n.id AND r.user_id = ")
        .bind(user_id);
}

/// `select` over the notifications the user can see and has not read.
fn unread_of(select: &str, scope: Option<i64>, user_id: i64) -> Sql {
    let mut sql = Sql::new(select);
    sql.push(" FROM notifications n");
    join_reads(&mut sql, user_id);
    unread(&mut sql, user_id);
    scoped(&mut sql, scope);
    sql
}

pub async fn list(
    db: &Db,
    scope: Option<i64>,
    user_id: i64,
    filter: &NotificationFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<NotificationRow>, i64), sqlx::Error> {
    // The count joins only what a filter reads: SQLite counts a table without a WHERE from
    // its b-tree, and a join per row made the unfiltered count ~30 times slower (issue 16).
    let from = |select: &str, counting: bool| {
        let mut sql = Sql::new(select);
        sql.push(" FROM notifications n");
        if !counting {
            sql.push(" LEFT JOIN mini_programs p ON p.appid = n.appid");
            sql.push(" LEFT JOIN notification_watermarks w ON w.user_id = ")
                .bind(user_id);
        }
        if !counting || filter.unread_only {
            join_reads(&mut sql, user_id);
        }
        scoped(&mut sql, scope);
        if filter.unread_only {
            unread(&mut sql, user_id);
        }
        if !filter.appid.is_empty() {
            sql.and("n.appid = ").bind(filter.appid.as_str());
        }
        if !filter.kind.is_empty() {
            sql.and("n.kind = ").bind(filter.kind.as_str());
        }
        sql
    };
    let total: i64 = from("SELECT COUNT(*)", true)
        .query()
        .fetch_one(&db.pool)
        .await
        .and_then(|row| sqlx::Row::try_get(&row, 0))?;
    // Read when read one by one, or when under the mark (read when the mark was set).
    let mut sql = from(
        "SELECT n.id, n.created_at, n.merchant_id, n.appid, p.nick_name, n.kind, n.params, \
         n.link, COALESCE(r.read_at, CASE WHEN n.id <= w.read_through THEN w.read_at END) \
         AS read_at",
        false,
    );
    sql.push(" ORDER BY n.created_at DESC, n.id DESC LIMIT ")
        .bind(limit)
        .push(" OFFSET ")
        .bind(offset);
    let rows = sql
        .query_as::<NotificationRow>()
        .fetch_all(&db.pool)
        .await?;
    Ok((rows, total))
}

/// The user's unread notifications as the triggers keep them (migration 0025), up to
/// [`UNREAD_COUNT_CAP`](crate::domain::notifications::UNREAD_COUNT_CAP): every page shows it,
/// so it is one row, not a count of notifications.
pub async fn unread_count(db: &Db, user_id: i64) -> Result<i64, sqlx::Error> {
    let kept: Option<i64> =
        sqlx::query_scalar("SELECT unread FROM notification_unread WHERE user_id = $1")
            .bind(user_id)
            .fetch_optional(&db.pool)
            .await?;
    Ok(bell_count(kept))
}

/// Marks one notification read for `user_id`, if the user may see it; true when visible.
pub async fn mark_read(
    db: &Db,
    scope: Option<i64>,
    user_id: i64,
    id: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let mut sql = Sql::new("SELECT n.id FROM notifications n");
    sql.and("n.id = ").bind(id);
    scoped(&mut sql, scope);
    let visible = sql.query().fetch_optional(&db.pool).await?.is_some();
    if visible {
        sqlx::query(
            "INSERT INTO notification_reads (notification_id, user_id, read_at) \
             VALUES ($1, $2, $3) ON CONFLICT (notification_id, user_id) DO NOTHING",
        )
        .bind(id)
        .bind(user_id)
        .bind(now)
        .execute(&db.pool)
        .await?;
    }
    Ok(visible)
}

/// Marks everything the user can see read by moving the user's mark to the newest
/// notification; the number that were unread. The reads one by one below the mark are
/// dropped: the mark covers them.
///
/// The newest id must not pass over a notification that is still being written, or that one
/// would appear already read. PostgreSQL takes ids from a sequence before the insert commits,
/// so the table is locked against inserts (SHARE: a concurrent insert's transaction is
/// waited for, later ones wait for this one, which is short). SQLite: the transaction's first
/// statement is a write, so it holds the single writer lock before it reads anything.
pub async fn mark_all_read(
    db: &Db,
    scope: Option<i64>,
    user_id: i64,
    now: i64,
) -> Result<u64, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    if db.kind == DbKind::Postgres {
        sqlx::query("LOCK TABLE notifications IN SHARE MODE")
            .execute(&mut *tx)
            .await?;
    }
    // The user's mark exists from here on; on SQLite this write is what takes the lock.
    sqlx::query(
        "INSERT INTO notification_watermarks (user_id, read_through, read_at) \
         VALUES ($1, 0, $2) ON CONFLICT (user_id) DO NOTHING",
    )
    .bind(user_id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if db.kind == DbKind::Postgres {
        // Another marking by the same user (a second tab) waits here until this one commits,
        // then counts nothing twice: PostgreSQL's SHARE locks do not exclude each other, and an
        // insert that finds the mark already there does not wait for it.
        sqlx::query("SELECT 1 FROM notification_watermarks WHERE user_id = $1 FOR UPDATE")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
    }
    let newest: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM notifications")
        .fetch_one(&mut *tx)
        .await?;
    let mut sql = unread_of("SELECT COUNT(*)", scope, user_id);
    sql.and("n.id <= ").bind(newest);
    let newly: i64 = sql
        .query()
        .fetch_one(&mut *tx)
        .await
        .and_then(|row| sqlx::Row::try_get(&row, 0))?;
    sqlx::query(
        "UPDATE notification_watermarks SET read_through = $1, read_at = $2 \
         WHERE user_id = $3 AND read_through < $1",
    )
    .bind(newest)
    .bind(now)
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM notification_reads WHERE user_id = $1 AND notification_id <= $2")
        .bind(user_id)
        .bind(newest)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(u64::try_from(newly).unwrap_or(0))
}
