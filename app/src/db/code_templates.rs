//! Where each mini program's code stands with respect to the template library: the
//! template online, the newest commit's template, its audit and gray plan.

use super::Db;
use crate::domain::code_template::CodeFacts;

#[derive(sqlx::FromRow)]
struct FactsRow {
    online_template: Option<i64>,
    committed_template: Option<i64>,
    in_review: i64,
    gray: i64,
    programs: i64,
}

/// The fleet grouped by where its code stands: each distinct [`CodeFacts`] with how many mini
/// programs share it. A few rows per template rather than one per mini program: read from the
/// facts the triggers keep (release_facts), a 10,000-program fleet is counted in the database
/// instead of 10,000 rows crossing to the server (issue 16).
pub async fn fleet_facts(db: &Db) -> Result<Vec<(CodeFacts, i64)>, sqlx::Error> {
    // 2 in review, 4 delayed (domain::fleet_release: AuditInReview); gray 1 and 2 run a plan.
    let rows: Vec<FactsRow> = sqlx::query_as(
        "SELECT rs.online_template_id AS online_template, \
         f.commit_template_id AS committed_template, \
         CAST(CASE WHEN f.audit_status IN (2, 4) THEN 1 ELSE 0 END AS BIGINT) AS in_review, \
         CAST(CASE WHEN rs.gray_status IN (1, 2) THEN 1 ELSE 0 END AS BIGINT) AS gray, \
         COUNT(*) AS programs \
         FROM release_facts f LEFT JOIN release_status rs ON rs.appid = f.appid \
         GROUP BY 1, 2, 3, 4",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let facts = CodeFacts {
                online_template: r.online_template,
                committed_template: r.committed_template,
                in_review: r.in_review != 0,
                gray: r.gray != 0,
            };
            (facts, r.programs)
        })
        .collect())
}
