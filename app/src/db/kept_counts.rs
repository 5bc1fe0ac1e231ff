//! Counts kept by triggers so that a pager need not count (issue 16). On SQLite a trigger
//! upserts one row per key; on PostgreSQL a statement-level trigger appends a row per key and
//! statement, so that concurrent writers never wait on one counter row, and [`fold_all`]
//! sums the appended rows from time to time.

use super::{Db, DbKind};

/// A table of kept counts: a key column and the count column summed over its rows.
struct KeptCounts {
    table: &'static str,
    key: &'static str,
    count: &'static str,
}

/// Mini programs per release state (migration 0026), two rows per state change.
const RELEASE_STATES: KeptCounts = KeptCounts {
    table: "release_state_counts",
    key: "release_state",
    count: "programs",
};

/// The audit log's entries per merchant (migration 0028), a row per audited action.
const AUDIT_ENTRIES: KeptCounts = KeptCounts {
    table: "audit_log_counts",
    key: "merchant_id",
    count: "entries",
};

/// Folds every table's appended rows into one row per key. Nothing to do on SQLite.
pub async fn fold_all(db: &Db) -> Result<(), sqlx::Error> {
    if db.kind != DbKind::Postgres {
        return Ok(());
    }
    for counts in [&RELEASE_STATES, &AUDIT_ENTRIES] {
        fold(db, counts).await?;
    }
    Ok(())
}

/// One statement: the rows it sums are the rows it deletes, so a row committed meanwhile stays
/// for the next fold and no count is lost or summed twice.
async fn fold(db: &Db, counts: &KeptCounts) -> Result<(), sqlx::Error> {
    let KeptCounts { table, key, count } = counts;
    sqlx::query(&format!(
        "WITH gone AS (DELETE FROM {table} RETURNING {key}, {count}) \
         INSERT INTO {table} ({key}, {count}) \
         SELECT {key}, SUM({count}) FROM gone GROUP BY {key}"
    ))
    .execute(&db.pool)
    .await?;
    Ok(())
}
