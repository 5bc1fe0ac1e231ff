use super::sql::Sql;
use super::Db;
use crate::domain::mini_program::{
    like_pattern, AppStatus, MiniProgramQuery, MiniProgramSort, SubjectType,
};
use crate::domain::readiness::{
    ItemKind, ItemState, ReadinessBrief, ReadinessFilter, ReadinessState,
};
use crate::model::MiniProgramRow;

#[derive(sqlx::FromRow)]
struct Row {
    appid: String,
    nick_name: String,
    principal_name: String,
    subject_type: String,
    merchant_id: Option<i64>,
    merchant_name: Option<String>,
    status: String,
    created_at: i64,
    updated_at: i64,
    // The last readiness check (NULL when never checked).
    readiness_ready: Option<i64>,
    readiness_total: Option<i64>,
    readiness_first_blocking: Option<String>,
    readiness_checked_at: Option<i64>,
}

impl From<Row> for MiniProgramRow {
    fn from(r: Row) -> Self {
        let readiness = match (r.readiness_ready, r.readiness_total, r.readiness_checked_at) {
            (Some(ready), Some(total), Some(checked_at)) => Some(ReadinessBrief {
                ready,
                total,
                first_blocking: r
                    .readiness_first_blocking
                    .as_deref()
                    .and_then(ItemKind::parse),
                checked_at,
            }),
            _ => None,
        };
        MiniProgramRow {
            readiness,
            subject: SubjectType::parse(&r.subject_type).unwrap_or(SubjectType::OtherOrganization),
            status: AppStatus::parse(&r.status).unwrap_or(AppStatus::Unauthorized),
            appid: r.appid,
            nick_name: r.nick_name,
            principal_name: r.principal_name,
            merchant_id: r.merchant_id,
            merchant_name: r.merchant_name,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

const COLUMNS: &str = "p.appid, p.nick_name, p.principal_name, p.subject_type, p.merchant_id, \
     m.name AS merchant_name, p.status, p.created_at, p.updated_at, \
     r.ready_count AS readiness_ready, r.item_count AS readiness_total, \
     r.first_blocking AS readiness_first_blocking, r.checked_at AS readiness_checked_at \
     FROM mini_programs p LEFT JOIN merchants m ON m.id = p.merchant_id \
     LEFT JOIN readiness_snapshots r ON r.appid = p.appid";

/// The count's FROM: the readiness snapshot joined only when a readiness filter reads it.
fn count_select(q: &MiniProgramQuery) -> &'static str {
    match q.readiness {
        Some(ReadinessFilter::Ready | ReadinessFilter::Stuck | ReadinessFilter::NotChecked) => {
            "SELECT COUNT(*) FROM mini_programs p \
             LEFT JOIN readiness_snapshots r ON r.appid = p.appid"
        }
        _ => "SELECT COUNT(*) FROM mini_programs p",
    }
}

/// The readiness filter: on the stored summary (`r`, joined by the caller), or, for "stuck
/// at <item>", on the item's own row (indexed by item and state).
fn push_readiness(sql: &mut Sql, filter: ReadinessFilter) {
    match filter {
        ReadinessFilter::Ready => {
            sql.and("r.state = ").bind(ReadinessState::Ready.as_str());
        }
        ReadinessFilter::Stuck => {
            sql.and("r.state = ").bind(ReadinessState::Stuck.as_str());
        }
        ReadinessFilter::NotChecked => {
            sql.and("r.appid IS NULL");
        }
        ReadinessFilter::StuckAt(kind) => {
            sql.and(
                "EXISTS (SELECT 1 FROM readiness_items ri WHERE ri.appid = p.appid \
                 AND ri.item = ",
            )
            .bind(kind.as_str());
            sql.push(" AND ri.state = ")
                .bind(ItemState::Missing.as_str());
            sql.push(")");
        }
    }
}

/// `scope` is the merchant a merchant user is confined to (None for staff).
fn filtered(select: &str, scope: Option<i64>, q: &MiniProgramQuery) -> Sql {
    let mut sql = Sql::new(select);
    if let Some(m) = scope {
        sql.and("p.merchant_id = ").bind(m);
    }
    if let Some(m) = q.merchant_id {
        sql.and("p.merchant_id = ").bind(m);
    }
    if let Some(s) = q.subject {
        sql.and("p.subject_type = ").bind(s.as_str());
    }
    if let Some(s) = q.status {
        sql.and("p.status = ").bind(s.as_str());
    }
    if let Some(r) = q.readiness {
        push_readiness(&mut sql, r);
    }
    if !q.search.is_empty() {
        let pattern = like_pattern(&q.search);
        sql.and("(LOWER(p.appid) LIKE ").bind(pattern.clone());
        sql.push(" ESCAPE '\\' OR LOWER(p.nick_name) LIKE ")
            .bind(pattern.clone());
        sql.push(" ESCAPE '\\' OR LOWER(p.principal_name) LIKE ")
            .bind(pattern);
        sql.push(" ESCAPE '\\')");
    }
    sql
}

/// One page of the registry in its order. Newest first (the default), for the whole fleet or
/// one merchant, status or subject, is read through an index in that order (migration 0024),
/// so a page stops at its limit without sorting.
pub fn page_sql(scope: Option<i64>, q: &MiniProgramQuery) -> Sql {
    let mut sql = filtered(&format!("SELECT {COLUMNS}"), scope, q);
    let column = match q.sort {
        MiniProgramSort::AppId => "p.appid",
        MiniProgramSort::Name => "p.nick_name",
        MiniProgramSort::Subject => "p.subject_type",
        MiniProgramSort::Merchant => "m.name",
        MiniProgramSort::Status => "p.status",
        MiniProgramSort::Created => "p.created_at",
        // Never checked sorts below "none ready" (NULL orders differently on the two databases).
        MiniProgramSort::Readiness => "COALESCE(r.ready_count, -1)",
    };
    // The appid tie-breaker keeps pages stable when many rows share the sort value.
    sql.push(&format!(
        " ORDER BY {column} {dir}, p.appid {dir} LIMIT ",
        dir = q.dir.sql()
    ));
    sql.bind(q.page.limit())
        .push(" OFFSET ")
        .bind(q.page.offset());
    sql
}

pub async fn list(
    db: &Db,
    scope: Option<i64>,
    q: &MiniProgramQuery,
) -> Result<(Vec<MiniProgramRow>, i64), sqlx::Error> {
    let total: i64 = filtered(count_select(q), scope, q)
        .query_as::<(i64,)>()
        .fetch_one(&db.pool)
        .await?
        .0;
    let rows = page_sql(scope, q)
        .query_as::<Row>()
        .fetch_all(&db.pool)
        .await?;
    Ok((rows.into_iter().map(Into::into).collect(), total))
}

pub async fn find(db: &Db, appid: &str) -> Result<Option<MiniProgramRow>, sqlx::Error> {
    let row = sqlx::query_as::<_, Row>(&format!("SELECT {COLUMNS} WHERE p.appid = $1"))
        .bind(appid)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.map(Into::into))
}

pub struct NewMiniProgram<'a> {
    pub appid: &'a str,
    pub nick_name: &'a str,
    pub principal_name: &'a str,
    pub subject: SubjectType,
    pub merchant_id: Option<i64>,
    pub status: AppStatus,
    pub created_at: i64,
}

/// Takes any executor, so a caller can insert many rows inside one transaction.
pub async fn insert<'e>(
    executor: impl sqlx::Executor<'e, Database = sqlx::Any>,
    p: &NewMiniProgram<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO mini_programs (appid, nick_name, principal_name, subject_type, merchant_id, status, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
    )
    .bind(p.appid)
    .bind(p.nick_name)
    .bind(p.principal_name)
    .bind(p.subject.as_str())
    .bind(p.merchant_id)
    .bind(p.status.as_str())
    .bind(p.created_at)
    .execute(executor)
    .await?;
    Ok(())
}

/// Which of `appids` exist.
pub async fn existing(db: &Db, appids: &[String]) -> Result<Vec<String>, sqlx::Error> {
    if appids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new("SELECT appid FROM mini_programs WHERE appid IN (");
    for (i, a) in appids.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.bind(a.as_str());
    }
    sql.push(")");
    let rows = sql.query_as::<(String,)>().fetch_all(&db.pool).await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Moves the mini programs to `merchant_id` in one transaction; returns the previous owners.
pub async fn assign(
    db: &Db,
    merchant_id: i64,
    appids: &[String],
    now: i64,
) -> Result<Vec<(String, Option<i64>)>, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let mut previous = Vec::with_capacity(appids.len());
    for appid in appids {
        let before: Option<(Option<i64>,)> =
            sqlx::query_as("SELECT merchant_id FROM mini_programs WHERE appid = $1")
                .bind(appid.as_str())
                .fetch_optional(&mut *tx)
                .await?;
        if let Some((before,)) = before {
            sqlx::query(
                "UPDATE mini_programs SET merchant_id = $1, updated_at = $2 WHERE appid = $3",
            )
            .bind(merchant_id)
            .bind(now)
            .bind(appid.as_str())
            .execute(&mut *tx)
            .await?;
            previous.push((appid.clone(), before));
        }
    }
    tx.commit().await?;
    Ok(previous)
}

pub async fn count(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM mini_programs")
        .fetch_one(&db.pool)
        .await
}

/// Sets the authorization status; true when the row changed.
pub async fn set_status(
    db: &Db,
    appid: &str,
    status: AppStatus,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE mini_programs SET status = $1, updated_at = $2 WHERE appid = $3 AND status <> $1",
    )
    .bind(status.as_str())
    .bind(now)
    .bind(appid)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Creates the registry row of a freshly authorized mini program, or refreshes its
/// profile and status when it was authorized before (the merchant is kept unless given).
pub async fn upsert_authorized(db: &Db, p: &NewMiniProgram<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO mini_programs (appid, nick_name, principal_name, subject_type, merchant_id, status, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) ON CONFLICT (appid) DO UPDATE SET \
         nick_name = excluded.nick_name, principal_name = excluded.principal_name, \
         merchant_id = COALESCE(excluded.merchant_id, mini_programs.merchant_id), \
         status = excluded.status, updated_at = excluded.updated_at",
    )
    .bind(p.appid)
    .bind(p.nick_name)
    .bind(p.principal_name)
    .bind(p.subject.as_str())
    .bind(p.merchant_id)
    .bind(p.status.as_str())
    .bind(p.created_at)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Back-dates a mini program's registration (demo data spread over past days).
pub async fn set_created_at(db: &Db, appid: &str, created_at: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE mini_programs SET created_at = $1 WHERE appid = $2")
        .bind(created_at)
        .bind(appid)
        .execute(&db.pool)
        .await?;
    Ok(())
}
