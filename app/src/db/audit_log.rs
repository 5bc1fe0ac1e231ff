use super::sql::Sql;
use super::Db;
use crate::domain::audit_log::AuditQuery;
use crate::domain::pagination::capped_count_limit;
use crate::model::AuditEntry;

pub struct NewEntry<'a> {
    pub at: i64,
    pub actor_id: Option<i64>,
    pub actor_name: &'a str,
    pub actor_role: Option<&'a str>,
    pub merchant_id: Option<i64>,
    pub action: &'a str,
    pub target_type: &'a str,
    pub target_id: &'a str,
    pub outcome: &'a str,
    pub detail: &'a str,
}

pub async fn append(db: &Db, e: &NewEntry<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor_id, actor_name, actor_role, merchant_id, action, target_type, target_id, outcome, detail) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(e.at)
    .bind(e.actor_id)
    .bind(e.actor_name)
    .bind(e.actor_role)
    .bind(e.merchant_id)
    .bind(e.action)
    .bind(e.target_type)
    .bind(e.target_id)
    .bind(e.outcome)
    .bind(e.detail)
    .execute(&db.pool)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    at: i64,
    actor_name: String,
    actor_role: Option<String>,
    action: String,
    target_type: String,
    target_id: String,
    outcome: String,
    detail: String,
}

/// The filters' conditions. Actor and target are whole names and ids in any case (the
/// database's own folding on both sides), the action a whole code, the dates a range of
/// `at`: each is read through an index in the list's order (migrations 0021 and 0022), so a
/// filtered page stops at its limit instead of reading or sorting the whole log.
fn filtered(select: &str, scope: Option<i64>, q: &AuditQuery) -> Sql {
    let mut sql = Sql::new(select);
    if let Some(m) = scope {
        // With a target, the target's index is the narrow one; the unary `+` keeps SQLite
        // (which has no statistics to tell) from walking the merchant's whole log instead.
        let condition = if q.target.is_empty() {
            "merchant_id = "
        } else {
            "+merchant_id = "
        };
        sql.and(condition).bind(m);
    }
    if !q.actor.is_empty() {
        sql.and("LOWER(actor_name) = LOWER(")
            .bind(q.actor.as_str())
            .push(")");
    }
    if !q.action.is_empty() {
        sql.and("action = ").bind(q.action.as_str());
    }
    if !q.target.is_empty() {
        sql.and("LOWER(target_id) = LOWER(")
            .bind(q.target.as_str())
            .push(")");
    }
    if let Some(from) = q.from {
        sql.and("at >= ").bind(from);
    }
    if let Some(until) = q.until {
        sql.and("at < ").bind(until);
    }
    sql
}

/// One page of entries, newest first: by time, then by id for entries of the same second.
pub fn page_sql(scope: Option<i64>, q: &AuditQuery) -> Sql {
    let mut sql = filtered(
        "SELECT id, at, actor_name, actor_role, action, target_type, target_id, outcome, detail FROM audit_log",
        scope,
        q,
    );
    sql.push(" ORDER BY at DESC, id DESC LIMIT ")
        .bind(q.page.limit())
        .push(" OFFSET ")
        .bind(q.page.offset());
    sql
}

pub async fn list(
    db: &Db,
    scope: Option<i64>,
    q: &AuditQuery,
) -> Result<(Vec<AuditEntry>, i64), sqlx::Error> {
    // Capped: the log has millions of rows, and counting them all costs more than the page.
    // The same cap on the kept count, so the pager reads alike either way.
    let limit = capped_count_limit(q.page);
    let total = if q.is_filtered() {
        filtered("SELECT 1 FROM audit_log", scope, q)
            .counted_up_to(limit)
            .query_scalar::<i64>()
            .fetch_one(&db.pool)
            .await?
    } else {
        kept_entries(db, scope).await?.min(limit)
    };
    let rows = page_sql(scope, q)
        .query_as::<Row>()
        .fetch_all(&db.pool)
        .await?;
    Ok((
        rows.into_iter()
            .map(|r| AuditEntry {
                id: r.id,
                at: r.at,
                actor_name: r.actor_name,
                actor_role: r.actor_role,
                action: r.action,
                target_type: r.target_type,
                target_id: r.target_id,
                outcome: r.outcome,
                detail: r.detail,
            })
            .collect(),
        total,
    ))
}

/// The log's entries, of one merchant or of all, as migration 0028's trigger keeps them.
pub async fn kept_entries(db: &Db, scope: Option<i64>) -> Result<i64, sqlx::Error> {
    let mut sql =
        Sql::new("SELECT CAST(COALESCE(SUM(entries), 0) AS BIGINT) FROM audit_log_counts");
    if let Some(m) = scope {
        sql.and("merchant_id = ").bind(m);
    }
    sql.query_scalar::<i64>().fetch_one(&db.pool).await
}
