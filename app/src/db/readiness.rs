//! `readiness_snapshots` and `readiness_items`: each mini program's last readiness check
//! (what it read, as JSON, and the summary the registry filters and sorts on) and each
//! item's state (the "stuck at <item>" filter). Migration 0016.

use super::Db;
use crate::domain::readiness::{Item, ReleaseFacts, Summary};

/// The stored check of one mini program.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SnapshotRecord {
    /// JSON of `domain::readiness::Sources`.
    pub sources: String,
    pub checked_at: i64,
    pub checked_by_name: String,
}

pub async fn get(db: &Db, appid: &str) -> Result<Option<SnapshotRecord>, sqlx::Error> {
    sqlx::query_as::<_, SnapshotRecord>(
        "SELECT sources, checked_at, checked_by_name FROM readiness_snapshots WHERE appid = $1",
    )
    .bind(appid)
    .fetch_optional(&db.pool)
    .await
}

/// One check to store.
pub struct NewSnapshot<'a> {
    pub appid: &'a str,
    /// JSON of `domain::readiness::Sources`.
    pub sources: &'a str,
    pub items: &'a [Item],
    pub summary: &'a Summary,
    pub checked_at: i64,
    pub checked_by_name: &'a str,
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Stores a check and its items in one transaction; true when stored. A check that began
/// before the stored one (two re-checks at once, the slower finishing last) changes nothing.
/// The snapshot row is written first: its row lock keeps two checks of the same mini program
/// from interleaving their items on PostgreSQL (SQLite writes one transaction at a time).
pub async fn store(db: &Db, s: &NewSnapshot<'_>) -> Result<bool, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let written = sqlx::query(
        "INSERT INTO readiness_snapshots (appid, sources, checked_at, checked_by_name, state, \
         ready_count, item_count, first_blocking) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (appid) DO UPDATE SET sources = excluded.sources, \
         checked_at = excluded.checked_at, checked_by_name = excluded.checked_by_name, \
         state = excluded.state, ready_count = excluded.ready_count, \
         item_count = excluded.item_count, first_blocking = excluded.first_blocking \
         WHERE readiness_snapshots.checked_at <= excluded.checked_at",
    )
    .bind(s.appid)
    .bind(s.sources)
    .bind(s.checked_at)
    .bind(s.checked_by_name)
    .bind(s.summary.state().as_str())
    .bind(count(s.summary.ready))
    .bind(count(s.summary.total))
    .bind(s.summary.first_blocking.map(|k| k.as_str()))
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if written == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    sqlx::query("DELETE FROM readiness_items WHERE appid = $1")
        .bind(s.appid)
        .execute(&mut *tx)
        .await?;
    for item in s.items {
        sqlx::query("INSERT INTO readiness_items (appid, item, state) VALUES ($1, $2, $3)")
            .bind(s.appid)
            .bind(item.kind.as_str())
            .bind(item.state.as_str())
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// The release facts the console keeps for `appid` (`release_facts`, kept by triggers since
/// migrations 0011 / 0013, and `release_status`): whether it has a commit, its newest audit
/// and the version online. `None` for an unknown mini program.
pub async fn release_facts(db: &Db, appid: &str) -> Result<Option<ReleaseFacts>, sqlx::Error> {
    type Facts = (
        Option<i64>,
        Option<i64>,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let row: Option<Facts> = sqlx::query_as(
        "SELECT f.commit_template_id, f.audit_status, f.audit_version, f.last_rejection, \
         rs.online_version FROM mini_programs p \
         LEFT JOIN release_facts f ON f.appid = p.appid \
         LEFT JOIN release_status rs ON rs.appid = p.appid WHERE p.appid = $1",
    )
    .bind(appid)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(
        |(commit_template_id, audit_status, audit_version, last_rejection, online_version)| {
            ReleaseFacts {
                committed: commit_template_id.is_some(),
                audit_status,
                audit_version,
                last_rejection,
                online_version,
            }
        },
    ))
}
