//! The pool gives a connection back without a ping on SQLite (vendor/sqlx-core, issue 16).
//! What the ping was there for must still hold on both databases: a transaction dropped
//! without commit is rolled back, and a query abandoned halfway leaves the connection
//! usable, before the next user of that connection runs anything.

use crate::helpers::*;
use futures::TryStreamExt;

const MANY_ROWS: &str = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c \
                         WHERE x < 5000) SELECT x FROM c";

#[tokio::test]
async fn a_connection_goes_back_clean_after_an_abandoned_transaction_or_query() {
    let app = spawn_app().await;
    // One connection, so every step below reuses the one the step before gave back.
    let db = app::db::Db::connect(&app.database_url, 1)
        .await
        .expect("pool");
    sqlx::query("CREATE TABLE pool_probe (n BIGINT NOT NULL)")
        .execute(&db.pool)
        .await
        .expect("table");

    for round in 0..3 {
        let mut tx = db.pool.begin().await.expect("begin");
        sqlx::query("INSERT INTO pool_probe (n) VALUES ($1)")
            .bind(round as i64)
            .execute(&mut *tx)
            .await
            .expect("insert");
        drop(tx);
        let seen: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM pool_probe")
            .fetch_one(&db.pool)
            .await
            .expect("count");
        assert_eq!(
            seen, 0,
            "round {round}: the dropped transaction was rolled back"
        );

        let mut rows = sqlx::query_scalar::<_, i64>(MANY_ROWS).fetch(&db.pool);
        let first = rows.try_next().await.expect("first row");
        assert_eq!(first, Some(1));
        drop(rows);
        let all: Vec<i64> = sqlx::query_scalar(MANY_ROWS)
            .fetch_all(&db.pool)
            .await
            .expect("the next query on the same connection");
        assert_eq!(all.len(), 5000);
        assert_eq!(all.last(), Some(&5000));
    }

    let mut tx = db.pool.begin().await.expect("begin");
    sqlx::query("INSERT INTO pool_probe (n) VALUES (7)")
        .execute(&mut *tx)
        .await
        .expect("insert");
    tx.commit().await.expect("commit");
    let kept: Vec<i64> = sqlx::query_scalar("SELECT n FROM pool_probe")
        .fetch_all(&db.pool)
        .await
        .expect("rows");
    assert_eq!(kept, vec![7]);
}
