//! The pool gives a connection back without a ping on SQLite (vendor/sqlx-core, issue 16).
//! What the ping was there for must still hold on both databases: a transaction dropped
//! without commit is rolled back, and a query abandoned halfway leaves the connection
//! usable, before the next user of that connection runs anything.

use crate::helpers::*;
use futures::TryStreamExt;

const MANY_ROWS: &str = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c \
                         WHERE x < 5000) SELECT x FROM c";

/// A pool of `connections` on a fresh console database, with a probe table made by `create_table`.
async fn probe_pool(connections: u32, create_table: &str) -> (TestApp, app::db::Db) {
    let app = spawn_app().await;
    let db = app::db::Db::connect(&app.database_url, connections)
        .await
        .expect("pool");
    sqlx::query(create_table)
        .execute(&db.pool)
        .await
        .expect("table");
    (app, db)
}

#[tokio::test]
async fn a_connection_goes_back_clean_after_an_abandoned_transaction_or_query() {
    // One connection, so every step below reuses the one the step before gave back.
    let (_app, db) = probe_pool(1, "CREATE TABLE pool_probe (n BIGINT NOT NULL)").await;

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

/// Reads run on the caller's thread between the connection thread's commands (vendor/sqlx-sqlite,
/// issue 16). A read must still see every write sent before it, on its own connection and on
/// the others, and a read abandoned halfway must leave the connection usable.
#[tokio::test]
async fn reads_see_every_write_before_them_and_an_abandoned_read_leaves_the_connection_usable() {
    let (_app, db) = probe_pool(1, "CREATE TABLE read_probe (n BIGINT NOT NULL)").await;
    for n in 1..=20_i64 {
        sqlx::query("INSERT INTO read_probe (n) VALUES ($1)")
            .bind(n)
            .execute(&db.pool)
            .await
            .expect("insert");
        let (count, sum): (i64, i64) =
            sqlx::query_as("SELECT COUNT(*), CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM read_probe")
                .fetch_one(&db.pool)
                .await
                .expect("read after the write");
        assert_eq!((count, sum), (n, n * (n + 1) / 2), "after insert {n}");
    }

    let mut rows =
        sqlx::query_scalar::<_, i64>("SELECT n FROM read_probe ORDER BY n").fetch(&db.pool);
    assert_eq!(rows.try_next().await.expect("first row"), Some(1));
    drop(rows);
    let mut tx = db.pool.begin().await.expect("begin");
    sqlx::query("DELETE FROM read_probe WHERE n > 10")
        .execute(&mut *tx)
        .await
        .expect("delete");
    let inside: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM read_probe")
        .fetch_one(&mut *tx)
        .await
        .expect("read inside the transaction");
    assert_eq!(inside, 10, "a read inside the transaction sees its delete");
    tx.commit().await.expect("commit");
    let after: Vec<i64> = sqlx::query_scalar("SELECT n FROM read_probe ORDER BY n")
        .fetch_all(&db.pool)
        .await
        .expect("read after the commit");
    assert_eq!(after, (1..=10).collect::<Vec<_>>());
}

/// Many tasks writing and reading at once on a pool of several connections: no error, and each
/// task reads its own write back (another connection's commit is visible to the next read).
#[tokio::test]
async fn concurrent_writes_and_reads_on_several_connections_stay_consistent() {
    let (_app, db) = probe_pool(
        4,
        "CREATE TABLE busy_probe (task BIGINT NOT NULL, n BIGINT NOT NULL)",
    )
    .await;
    let tasks: Vec<_> = (0..16_i64)
        .map(|task| {
            let pool = db.pool.clone();
            tokio::spawn(async move {
                for n in 0..10_i64 {
                    sqlx::query("INSERT INTO busy_probe (task, n) VALUES ($1, $2)")
                        .bind(task)
                        .bind(n)
                        .execute(&pool)
                        .await?;
                    let mine: i64 =
                        sqlx::query_scalar("SELECT COUNT(*) FROM busy_probe WHERE task = $1")
                            .bind(task)
                            .fetch_one(&pool)
                            .await?;
                    assert_eq!(mine, n + 1, "task {task} reads its own writes");
                }
                Ok::<_, sqlx::Error>(())
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("task").expect("queries");
    }
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM busy_probe")
        .fetch_one(&db.pool)
        .await
        .expect("total");
    assert_eq!(total, 160);
}

/// The rows of one result share their columns (vendor/sqlx-core's `AnyRow::map_with_columns`,
/// issue 16), and a second statement's rows get their own, on both databases: each row reads
/// its values by its own columns' names.
#[tokio::test]
async fn each_result_s_rows_read_by_their_own_columns() {
    use sqlx::{Column, Either, Row};
    let (_app, db) = probe_pool(1, "CREATE TABLE pool_probe (n BIGINT NOT NULL)").await;
    let rows: Vec<sqlx::any::AnyRow> = sqlx::raw_sql(
        "SELECT CAST(1 AS BIGINT) AS n, CAST('one' AS TEXT) AS word \
         UNION ALL SELECT 2, 'two'; \
         SELECT CAST('three' AS TEXT) AS label, CAST(3 AS BIGINT) AS tally, \
         CAST('x' AS TEXT) AS extra",
    )
    .fetch_many(&db.pool)
    .try_filter_map(|step| async move {
        Ok(match step {
            Either::Right(row) => Some(row),
            Either::Left(_) => None,
        })
    })
    .try_collect()
    .await
    .expect("two results");
    let names = |row: &sqlx::any::AnyRow| -> Vec<String> {
        row.columns().iter().map(|c| c.name().to_owned()).collect()
    };
    assert_eq!(rows.len(), 3);
    for (row, (n, word)) in rows[..2].iter().zip([(1_i64, "one"), (2, "two")]) {
        assert_eq!(names(row), ["n", "word"]);
        assert_eq!(row.get::<i64, _>("n"), n);
        assert_eq!(row.get::<String, _>("word"), word);
    }
    assert_eq!(names(&rows[2]), ["label", "tally", "extra"]);
    assert_eq!(rows[2].get::<String, _>("label"), "three");
    assert_eq!(rows[2].get::<i64, _>(1), 3);
    assert!(rows[2].try_get::<i64, _>("n").is_err());
}

/// Each value of a row as its type and content, to compare rows read two ways.
fn row_values(row: &sqlx::any::AnyRow) -> Vec<String> {
    use sqlx::{Row, TypeInfo, ValueRef};
    (0..row.len())
        .map(|i| {
            let raw = row.try_get_raw(i).expect("a value");
            let ty = raw.type_info().name().to_owned();
            let content = if raw.is_null() {
                "NULL".to_owned()
            } else if let Ok(n) = row.try_get::<i64, _>(i) {
                format!("{n}")
            } else if let Ok(x) = row.try_get::<f64, _>(i) {
                format!("{x:?}")
            } else if let Ok(s) = row.try_get::<String, _>(i) {
                format!("{s:?}")
            } else {
                format!("{:?}", row.try_get::<Vec<u8>, _>(i).expect("bytes"))
            };
            format!("{ty} {content}")
        })
        .collect()
}

/// A read outside a transaction builds its rows on the caller's thread straight from the
/// statement (vendor/sqlx-sqlite, issue 16); inside one, the connection's thread sends them.
/// Both give the same rows, value by value, with `fetch_all` and with `fetch_optional`.
#[tokio::test]
async fn a_read_s_rows_are_the_same_on_the_caller_s_thread_as_on_the_connection_s() {
    let app = spawn_app().await;
    let db = app::db::Db::connect(&app.database_url, 1)
        .await
        .expect("pool");
    let sqlite = db.kind == app::db::DbKind::Sqlite;
    let blob = if sqlite { "BLOB" } else { "BYTEA" };
    sqlx::query(&format!(
        "CREATE TABLE pool_probe (id BIGINT NOT NULL, n BIGINT, x DOUBLE PRECISION, \
         t TEXT, b {blob})"
    ))
    .execute(&db.pool)
    .await
    .expect("table");
    for (id, n, x, t, b) in [
        (
            1,
            Some(i64::MAX),
            Some(1.5),
            Some("注册 <中文> text"),
            Some(vec![0_u8, 255]),
        ),
        (2, None, None, Some(""), Some(Vec::new())),
        (3, Some(-7), Some(-0.25), None, None),
    ] {
        sqlx::query("INSERT INTO pool_probe (id, n, x, t, b) VALUES ($1, $2, $3, $4, $5)")
            .bind(id as i64)
            .bind(n)
            .bind(x)
            .bind(t)
            .bind(b)
            .execute(&db.pool)
            .await
            .expect("insert");
    }
    let mut queries = vec!["SELECT id, n, x, t, b FROM pool_probe ORDER BY id"];
    if sqlite {
        // SQLite types each value, not the column: one column, every storage class.
        queries.push(
            "SELECT 1 AS v UNION ALL SELECT 'two' UNION ALL SELECT 2.5 \
             UNION ALL SELECT NULL UNION ALL SELECT x'01ff'",
        );
    }
    for query in queries {
        let here: Vec<Vec<String>> = sqlx::query(query)
            .fetch_all(&db.pool)
            .await
            .expect("read outside a transaction")
            .iter()
            .map(row_values)
            .collect();
        let mut tx = db.pool.begin().await.expect("begin");
        let sent: Vec<Vec<String>> = sqlx::query(query)
            .fetch_all(&mut *tx)
            .await
            .expect("read inside a transaction")
            .iter()
            .map(row_values)
            .collect();
        let sent_one = sqlx::query(query)
            .fetch_optional(&mut *tx)
            .await
            .expect("one row inside")
            .map(|row| row_values(&row));
        tx.rollback().await.expect("rollback");
        let here_one = sqlx::query(query)
            .fetch_optional(&db.pool)
            .await
            .expect("one row outside")
            .map(|row| row_values(&row));
        assert!(here.len() >= 3, "{here:?}");
        assert_eq!(here, sent, "{query}");
        assert_eq!(here_one.as_ref(), here.first(), "{query}");
        assert_eq!(here_one, sent_one, "{query}");
    }
    assert_eq!(
        sqlx::query_scalar::<_, String>("SELECT t FROM pool_probe WHERE id = 1")
            .fetch_one(&db.pool)
            .await
            .expect("text"),
        "注册 <中文> text"
    );
    if sqlite {
        // Text that is not UTF-8 fails to read either way, and the connection reads on.
        let bad = "SELECT CAST(x'ff' AS TEXT) AS t";
        assert!(sqlx::query(bad).fetch_all(&db.pool).await.is_err());
        let mut tx = db.pool.begin().await.expect("begin");
        assert!(sqlx::query(bad).fetch_all(&mut *tx).await.is_err());
        tx.rollback().await.expect("rollback");
        let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM pool_probe ORDER BY id")
            .fetch_all(&db.pool)
            .await
            .expect("ids");
        assert_eq!(ids, [1, 2, 3]);
    }
    drop(app);
}

/// SQLite is built without the two options that make every connection take a process-wide
/// mutex on the hot path (.cargo/config.toml, issue 16): memory statistics (each malloc and
/// free) and memory management (one page cache shared by all connections, locked per page).
#[tokio::test]
async fn sqlite_is_built_without_the_options_that_lock_every_connection() {
    let app = spawn_app().await;
    let db = app::db::Db::connect(&app.database_url, 1)
        .await
        .expect("pool");
    if db.kind != app::db::DbKind::Sqlite {
        return;
    }
    for (option, used) in [
        ("ENABLE_MEMORY_MANAGEMENT", 0_i64),
        ("DEFAULT_MEMSTATUS=0", 1),
        ("THREADSAFE=1", 1),
    ] {
        let found: i64 = sqlx::query_scalar("SELECT sqlite_compileoption_used($1)")
            .bind(option)
            .fetch_one(&db.pool)
            .await
            .expect("compile option");
        assert_eq!(found, used, "{option}");
    }
}
