//! Where each mini program's code stands with respect to the template library: the
//! template online, the newest commit's template, its audit and gray plan.

use super::Db;
use crate::domain::code_template::CodeFacts;

#[derive(sqlx::FromRow)]
struct FactsRow {
    online_template: Option<i64>,
    committed_template: Option<i64>,
    audit_status: Option<i64>,
    gray_status: Option<i64>,
}

/// One row per mini program of the fleet.
pub async fn fleet_facts(db: &Db) -> Result<Vec<CodeFacts>, sqlx::Error> {
    let rows: Vec<FactsRow> = sqlx::query_as(
        "SELECT rs.online_template_id AS online_template, \
         (SELECT c.template_id FROM code_commits c WHERE c.appid = p.appid \
             ORDER BY c.committed_at DESC, c.id DESC LIMIT 1) AS committed_template, \
         (SELECT a.status FROM code_audits a WHERE a.appid = p.appid \
             ORDER BY a.submitted_at DESC, a.id DESC LIMIT 1) AS audit_status, \
         rs.gray_status AS gray_status \
         FROM mini_programs p LEFT JOIN release_status rs ON rs.appid = p.appid",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| CodeFacts {
            online_template: r.online_template,
            committed_template: r.committed_template,
            // 2 in review, 4 delayed (domain::fleet_release: AuditInReview).
            in_review: matches!(r.audit_status, Some(2 | 4)),
            gray: matches!(r.gray_status, Some(1 | 2)),
        })
        .collect())
}
