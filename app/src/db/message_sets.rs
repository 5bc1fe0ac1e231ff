//! Template sets, their members, and what the last check or apply found per mini program.

use super::sql::Sql;
use super::Db;
use crate::domain::message_set::{
    CoverageFilter, CoverageQuery, CoverageRow, MemberKind, MessageSet, SetMember, SetSummary,
};
use crate::domain::mini_program::like_pattern;

#[derive(sqlx::FromRow)]
struct MemberRecord {
    id: i64,
    kind: String,
    title_id: String,
    title: String,
    keyword_ids: String,
    labels: String,
    scene_desc: String,
}

fn member(r: MemberRecord) -> Option<SetMember> {
    Some(SetMember {
        id: r.id,
        kind: MemberKind::parse(&r.kind)?,
        title_id: r.title_id,
        title: r.title,
        keyword_ids: serde_json::from_str(&r.keyword_ids).unwrap_or_default(),
        labels: serde_json::from_str(&r.labels).unwrap_or_default(),
        scene_desc: r.scene_desc,
    })
}

/// A new set; `None` when the name is taken.
pub async fn create(
    db: &Db,
    name: &str,
    user_id: i64,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO message_sets (name, created_by, created_at, updated_at) VALUES ($1, $2, $3, $3) \
         ON CONFLICT (name) DO NOTHING RETURNING id",
    )
    .bind(name)
    .bind(user_id)
    .bind(now)
    .fetch_optional(&db.pool)
    .await?;
    Ok(id)
}

pub async fn get(db: &Db, id: i64) -> Result<Option<MessageSet>, sqlx::Error> {
    let head: Option<(i64, String, i64)> =
        sqlx::query_as("SELECT id, name, updated_at FROM message_sets WHERE id = $1")
            .bind(id)
            .fetch_optional(&db.pool)
            .await?;
    let Some((id, name, updated_at)) = head else {
        return Ok(None);
    };
    let members = sqlx::query_as::<_, MemberRecord>(
        "SELECT id, kind, title_id, title, keyword_ids, labels, scene_desc FROM message_set_members \
         WHERE set_id = $1 ORDER BY position, id",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?
    .into_iter()
    .filter_map(member)
    .collect();
    Ok(Some(MessageSet {
        id,
        name,
        members,
        updated_at,
    }))
}

/// Every set with its member count and coverage among the mini programs of `scope` (a
/// merchant; `None`: the whole fleet).
pub async fn list(db: &Db, scope: Option<i64>) -> Result<Vec<SetSummary>, sqlx::Error> {
    let mut sql = Sql::new(
        "SELECT s.id, s.name, \
         (SELECT COUNT(*) FROM message_set_members x WHERE x.set_id = s.id) AS members, \
         (SELECT COUNT(*) FROM message_set_coverage c JOIN mini_programs p ON p.appid = c.appid \
          WHERE c.set_id = s.id",
    );
    if let Some(m) = scope {
        sql.push(" AND p.merchant_id = ").bind(m);
    }
    sql.push(
        ") AS checked, \
         (SELECT COUNT(*) FROM message_set_coverage c JOIN mini_programs p ON p.appid = c.appid \
          WHERE c.set_id = s.id AND (c.lacking_count > 0 OR c.failed > 0)",
    );
    if let Some(m) = scope {
        sql.push(" AND p.merchant_id = ").bind(m);
    }
    sql.push(") AS lacking FROM message_sets s ORDER BY s.name, s.id");
    let rows: Vec<(i64, String, i64, i64, i64)> = sql.query_as().fetch_all(&db.pool).await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, members, checked, lacking)| SetSummary {
            id,
            name,
            members,
            checked,
            lacking,
        })
        .collect())
}

/// Deletes a set with its members and coverage; false when there was none.
pub async fn delete(db: &Db, id: i64) -> Result<bool, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    for table in ["message_set_coverage", "message_set_members"] {
        sqlx::query(&format!("DELETE FROM {table} WHERE set_id = $1"))
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    let gone = sqlx::query("DELETE FROM message_sets WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    tx.commit().await?;
    Ok(gone > 0)
}

/// The set changed: what was found before no longer says what is lacking.
async fn touch(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    set_id: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM message_set_coverage WHERE set_id = $1")
        .bind(set_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("UPDATE message_sets SET updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(set_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Appends a member, unless the set already holds `max` (then false). One transaction, so
/// two people adding at once cannot pass the limit together.
pub async fn add_member(
    db: &Db,
    set_id: i64,
    m: &SetMember,
    max: usize,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    // Serialises concurrent adds to one set (a row lock on PostgreSQL, the write lock on
    // SQLite) before counting.
    sqlx::query("UPDATE message_sets SET updated_at = updated_at WHERE id = $1")
        .bind(set_id)
        .execute(&mut *tx)
        .await?;
    let (count, last): (i64, Option<i64>) =
        sqlx::query_as("SELECT COUNT(*), MAX(position) FROM message_set_members WHERE set_id = $1")
            .bind(set_id)
            .fetch_one(&mut *tx)
            .await?;
    if count >= max as i64 {
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO message_set_members (set_id, position, kind, title_id, title, keyword_ids, \
         labels, scene_desc) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(set_id)
    .bind(last.unwrap_or(0) + 1)
    .bind(m.kind.as_str())
    .bind(&m.title_id)
    .bind(&m.title)
    .bind(serde_json::to_string(&m.keyword_ids).unwrap_or_else(|_| "[]".into()))
    .bind(serde_json::to_string(&m.labels).unwrap_or_else(|_| "[]".into()))
    .bind(&m.scene_desc)
    .execute(&mut *tx)
    .await?;
    touch(&mut tx, set_id, now).await?;
    tx.commit().await?;
    Ok(true)
}

/// Removes a member; false when the set has no such member.
pub async fn remove_member(
    db: &Db,
    set_id: i64,
    member_id: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let gone = sqlx::query("DELETE FROM message_set_members WHERE set_id = $1 AND id = $2")
        .bind(set_id)
        .bind(member_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if gone > 0 {
        touch(&mut tx, set_id, now).await?;
    }
    tx.commit().await?;
    Ok(gone > 0)
}

/// Records what a check or apply found on `appid`.
pub async fn record_coverage(
    db: &Db,
    set_id: i64,
    appid: &str,
    lacking: &[i64],
    failed: usize,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO message_set_coverage (set_id, appid, lacking, lacking_count, failed, checked_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (set_id, appid) DO UPDATE SET \
         lacking = $3, lacking_count = $4, failed = $5, checked_at = $6",
    )
    .bind(set_id)
    .bind(appid)
    .bind(serde_json::to_string(lacking).unwrap_or_else(|_| "[]".into()))
    .bind(lacking.len() as i64)
    .bind(failed as i64)
    .bind(now)
    .execute(&db.pool)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct CoverageRecord {
    appid: String,
    nick_name: String,
    merchant_name: Option<String>,
    lacking: Option<String>,
    failed: Option<i64>,
    checked_at: Option<i64>,
}

fn coverage_sql(select: &str, set_id: i64, scope: Option<i64>, q: &CoverageQuery) -> Sql {
    let mut sql = Sql::new(select);
    sql.push(
        " FROM mini_programs p LEFT JOIN merchants m ON m.id = p.merchant_id \
         LEFT JOIN message_set_coverage c ON c.appid = p.appid AND c.set_id = ",
    )
    .bind(set_id);
    sql.push(" WHERE p.status = 'authorized'");
    if let Some(m) = scope {
        sql.push(" AND p.merchant_id = ").bind(m);
    }
    if !q.search.is_empty() {
        let pattern = like_pattern(&q.search);
        sql.push(" AND (LOWER(p.appid) LIKE ").bind(pattern.clone());
        sql.push(" ESCAPE '\\' OR LOWER(p.nick_name) LIKE ")
            .bind(pattern);
        sql.push(" ESCAPE '\\')");
    }
    match q.filter {
        CoverageFilter::All => {}
        CoverageFilter::Lacking => {
            sql.push(" AND c.appid IS NOT NULL AND (c.lacking_count > 0 OR c.failed > 0)");
        }
        CoverageFilter::Complete => {
            sql.push(" AND c.appid IS NOT NULL AND c.lacking_count = 0 AND c.failed = 0");
        }
        CoverageFilter::Unchecked => {
            sql.push(" AND c.appid IS NULL");
        }
    }
    sql
}

/// One page of a set's coverage table (authorized mini programs of `scope`), and how many
/// rows match.
pub async fn coverage(
    db: &Db,
    set_id: i64,
    scope: Option<i64>,
    q: &CoverageQuery,
) -> Result<(Vec<CoverageRow>, i64), sqlx::Error> {
    let total: (i64,) = coverage_sql("SELECT COUNT(*)", set_id, scope, q)
        .query_as()
        .fetch_one(&db.pool)
        .await?;
    let mut sql = coverage_sql(
        "SELECT p.appid, p.nick_name, m.name AS merchant_name, c.lacking, c.failed, c.checked_at",
        set_id,
        scope,
        q,
    );
    sql.push(" ORDER BY p.nick_name, p.appid LIMIT ")
        .bind(q.page.limit())
        .push(" OFFSET ")
        .bind(q.page.offset());
    let rows = sql.query_as::<CoverageRecord>().fetch_all(&db.pool).await?;
    Ok((
        rows.into_iter()
            .map(|r| CoverageRow {
                appid: r.appid,
                nick_name: r.nick_name,
                merchant_name: r.merchant_name,
                lacking: r
                    .lacking
                    .and_then(|l| serde_json::from_str(&l).ok())
                    .unwrap_or_default(),
                failed: r.failed.unwrap_or(0),
                checked_at: r.checked_at,
            })
            .collect(),
        total.0,
    ))
}
