//! The fleet release view: mini_programs LEFT JOIN release_status LEFT JOIN the newest
//! code_audits / code_commits per appid, each row with its one release state
//! (see domain::fleet_release). Filters, sort and pagination run in the database.

use super::sql::Sql;
use super::Db;
use crate::domain::fleet_release::{FleetQuery, FleetRow, ReleaseFacts, StateRule, RULES, STATES};
use crate::domain::mini_program::like_pattern;

#[derive(sqlx::FromRow)]
struct Row {
    appid: String,
    nick_name: String,
    merchant_id: Option<i64>,
    merchant_name: Option<String>,
    template_id: Option<i64>,
    online_version: Option<String>,
    online_released_at: Option<i64>,
    gray_percentage: Option<i64>,
    audit_version: Option<String>,
    audit_status: Option<i64>,
    audit_submitted_at: Option<i64>,
    last_rejection: Option<String>,
    release_state: String,
}

impl From<Row> for FleetRow {
    fn from(r: Row) -> Self {
        FleetRow {
            appid: r.appid,
            nick_name: r.nick_name,
            merchant_id: r.merchant_id,
            merchant_name: r.merchant_name,
            template_id: r.template_id,
            online_version: r.online_version,
            online_released_at: r.online_released_at,
            gray_percentage: r.gray_percentage,
            audit_version: r.audit_version,
            audit_status: r.audit_status,
            audit_submitted_at: r.audit_submitted_at,
            last_rejection: r.last_rejection,
            release_state: r.release_state,
        }
    }
}

/// A rule of `domain::fleet_release::RULES` in SQL over `a` (release_facts: the newest audit) and `rs`
/// (release_status); `state_of` checks it against `StateRule::holds`.
fn rule_sql(rule: StateRule) -> &'static str {
    match rule {
        StateRule::AuditInReview => "a.audit_status IN (2, 4)",
        StateRule::AuditRejected => "a.audit_status = 1",
        StateRule::GrayPlanActive => "rs.gray_status IN (1, 2)",
        StateRule::ApprovedNotReleased => {
            "a.audit_status = 0 AND (rs.online_released_at IS NULL \
             OR rs.online_released_at < COALESCE(a.audit_finished_at, a.audit_submitted_at))"
        }
        StateRule::VersionOnline => "rs.online_version IS NOT NULL",
        StateRule::Otherwise => "1 = 1",
    }
}

/// `CASE WHEN … THEN 'state' … END`, in the order of the domain's rules.
fn state_case() -> String {
    let mut case = String::from("CASE");
    for (state, rule) in RULES {
        case.push_str(&format!(" WHEN {} THEN '{state}'", rule_sql(rule)));
    }
    case.push_str(" ELSE 'never' END");
    case
}

/// One row per mini program with its release state. The newest commit's template and the
/// newest audit come from `release_facts`, which triggers keep current (migration 0011).
fn base() -> String {
    format!(
        "SELECT p.appid, p.nick_name, p.merchant_id, m.name AS merchant_name, \
     COALESCE(rs.online_template_id, a.commit_template_id) AS template_id, \
     rs.online_version, rs.online_released_at, rs.gray_percentage, \
     a.audit_version, a.audit_status, a.audit_submitted_at, a.last_rejection, \
     {} AS release_state \
     FROM mini_programs p \
     LEFT JOIN merchants m ON m.id = p.merchant_id \
     LEFT JOIN release_status rs ON rs.appid = p.appid \
     LEFT JOIN release_facts a ON a.appid = p.appid",
        state_case()
    )
}

/// The state the SQL gives for `facts` (for the test that holds it to the domain's rules).
pub async fn state_of(db: &Db, facts: &ReleaseFacts) -> Result<String, sqlx::Error> {
    let text = format!(
        "SELECT {} FROM (SELECT CAST($1 AS BIGINT) AS audit_status, \
         CAST($2 AS BIGINT) AS audit_finished_at, CAST($3 AS BIGINT) AS audit_submitted_at) a, (SELECT CAST($4 AS BIGINT) AS online_released_at, \
         CAST($5 AS BIGINT) AS gray_status, CAST($6 AS TEXT) AS online_version) rs",
        state_case()
    );
    let row = sqlx::query(&text)
        .bind(facts.audit_status)
        .bind(facts.audit_done_at)
        .bind(facts.audit_done_at)
        .bind(facts.online_released_at)
        .bind(facts.gray_status)
        .bind(facts.online.then(|| "1.0.0".to_owned()))
        .fetch_one(&db.pool)
        .await?;
    sqlx::Row::try_get(&row, 0)
}

const COLUMNS: &str = "f.appid, f.nick_name, f.merchant_id, f.merchant_name, f.template_id, \
     f.online_version, f.online_released_at, f.gray_percentage, f.audit_version, f.audit_status, \
     f.audit_submitted_at, f.last_rejection, f.release_state";

/// `scope`: the merchant a merchant user is confined to (None for staff).
fn filtered(select: &str, scope: Option<i64>, q: &FleetQuery, with_state: bool) -> Sql {
    let mut sql = Sql::new(select);
    sql.push(" FROM (").push(&base()).push(") f WHERE 1 = 1");
    if let Some(m) = scope {
        sql.push(" AND f.merchant_id = ").bind(m);
    }
    if let Some(m) = q.merchant_id {
        sql.push(" AND f.merchant_id = ").bind(m);
    }
    if let Some(t) = q.template_id {
        sql.push(" AND f.template_id = ").bind(t);
    }
    if !q.version.is_empty() {
        let pattern = like_pattern(&q.version);
        sql.push(" AND (LOWER(COALESCE(f.online_version, '')) LIKE ")
            .bind(pattern.clone())
            .push(" ESCAPE '\\' OR LOWER(COALESCE(f.audit_version, '')) LIKE ")
            .bind(pattern)
            .push(" ESCAPE '\\')");
    }
    if with_state && !q.state.is_empty() {
        sql.push(" AND f.release_state = ").bind(q.state.as_str());
    }
    sql
}

fn ordered(sql: &mut Sql, q: &FleetQuery) {
    let column = q.sort.column();
    // NULLs last in both directions, on both databases.
    sql.push(&format!(
        " ORDER BY ({column} IS NULL), {column} {}, f.appid",
        q.dir.sql()
    ));
}

/// One page of rows (the total comes from [`counts`]).
pub async fn list(
    db: &Db,
    scope: Option<i64>,
    q: &FleetQuery,
) -> Result<Vec<FleetRow>, sqlx::Error> {
    let mut sql = filtered(&format!("SELECT {COLUMNS}"), scope, q, true);
    ordered(&mut sql, q);
    sql.push(" LIMIT ")
        .bind(q.page.limit())
        .push(" OFFSET ")
        .bind(q.page.offset());
    let rows = sql.query_as::<Row>().fetch_all(&db.pool).await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// Every matching row, sorted, for the CSV export (bounded).
pub async fn all(
    db: &Db,
    scope: Option<i64>,
    q: &FleetQuery,
    max: i64,
) -> Result<Vec<FleetRow>, sqlx::Error> {
    let mut sql = filtered(&format!("SELECT {COLUMNS}"), scope, q, true);
    ordered(&mut sql, q);
    sql.push(" LIMIT ").bind(max);
    let rows = sql.query_as::<Row>().fetch_all(&db.pool).await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// The AppIDs of the filtered selection (every page), at most `max`: the targets a fleet
/// rollout is planned for.
pub async fn appids(
    db: &Db,
    scope: Option<i64>,
    q: &FleetQuery,
    max: i64,
) -> Result<Vec<String>, sqlx::Error> {
    let mut sql = filtered("SELECT f.appid", scope, q, true);
    sql.push(" ORDER BY f.appid LIMIT ").bind(max);
    sql.query_scalar::<String>().fetch_all(&db.pool).await
}

/// Mini programs per state under the filters other than the state, in STATES order.
pub async fn counts(
    db: &Db,
    scope: Option<i64>,
    q: &FleetQuery,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let mut sql = filtered("SELECT f.release_state, COUNT(*)", scope, q, false);
    sql.push(" GROUP BY f.release_state");
    let rows = sql.query().fetch_all(&db.pool).await?;
    let mut found = Vec::new();
    for row in rows {
        let state: String = sqlx::Row::try_get(&row, 0)?;
        let n: i64 = sqlx::Row::try_get(&row, 1)?;
        found.push((state, n));
    }
    Ok(STATES
        .iter()
        .map(|s| {
            let n = found.iter().find(|(k, _)| k == s).map_or(0, |(_, n)| *n);
            ((*s).to_owned(), n)
        })
        .collect())
}
