//! `notifications` and `notification_reads`: in-console notifications, one per event
//! (`dedupe_key`), read state per user. `scope` is the merchant a merchant user is confined
//! to (None for staff, who see everything).

use super::sql::Sql;
use super::Db;
use crate::domain::notifications::NotificationFilter;

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
        }
        if !counting || filter.unread_only {
            sql.push(
                " LEFT JOIN notification_reads r ON r.notification_id = n.id AND r.user_id = ",
            )
            .bind(user_id);
        }
        scoped(&mut sql, scope);
        if filter.unread_only {
            sql.and("r.notification_id IS NULL");
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
    let mut sql = from(
        "SELECT n.id, n.created_at, n.merchant_id, n.appid, p.nick_name, n.kind, n.params, \
         n.link, r.read_at",
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

pub async fn unread_count(db: &Db, scope: Option<i64>, user_id: i64) -> Result<i64, sqlx::Error> {
    let mut sql = Sql::new(
        "SELECT COUNT(*) FROM notifications n LEFT JOIN notification_reads r \
         ON r.notification_id = n.id AND r.user_id = ",
    );
    sql.bind(user_id).and("r.notification_id IS NULL");
    scoped(&mut sql, scope);
    sql.query()
        .fetch_one(&db.pool)
        .await
        .and_then(|row| sqlx::Row::try_get(&row, 0))
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

/// Marks everything the user can see read; the number newly marked.
pub async fn mark_all_read(
    db: &Db,
    scope: Option<i64>,
    user_id: i64,
    now: i64,
) -> Result<u64, sqlx::Error> {
    let mut sql = Sql::new(
        "INSERT INTO notification_reads (notification_id, user_id, read_at) SELECT n.id, ",
    );
    sql.bind(user_id)
        .push(", ")
        .bind(now)
        .push(" FROM notifications n");
    // The SELECT keeps a WHERE: SQLite parses an upsert's INSERT … SELECT only with one.
    sql.and(
        "NOT EXISTS (SELECT 1 FROM notification_reads r \
         WHERE r.notification_id = n.id AND r.user_id = ",
    );
    sql.bind(user_id).push(")");
    scoped(&mut sql, scope);
    sql.push(" ON CONFLICT (notification_id, user_id) DO NOTHING");
    Ok(sql.query().execute(&db.pool).await?.rows_affected())
}
