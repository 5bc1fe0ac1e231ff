//! SQLite allocates through mimalloc in the server binary (issue 16). A test binary of its own:
//! the allocator can only be handed over before anything in the process has used SQLite.

use libsqlite3_sys as ffi;
use server::sqlite_alloc::use_mimalloc_for_sqlite;
use sqlx::{Connection, SqliteConnection};

#[tokio::test]
async fn sqlite_allocates_through_mimalloc_and_still_works() {
    use_mimalloc_for_sqlite().expect("nothing has used SQLite yet");

    // SAFETY: plain allocation calls; the pointer is freed by the allocator that made it.
    unsafe {
        let p = ffi::sqlite3_malloc(1000);
        assert!(!p.is_null());
        assert!(
            libmimalloc_sys::mi_is_in_heap_region(p),
            "SQLite's memory comes from mimalloc"
        );
        assert!(ffi::sqlite3_msize(p) >= 1000);
        // Statistics off: no process-wide lock around each allocation, nothing counted.
        assert_eq!(ffi::sqlite3_memory_used(), 0, "memory statistics are off");
        let p = ffi::sqlite3_realloc(p, 100_000);
        assert!(libmimalloc_sys::mi_is_in_heap_region(p));
        ffi::sqlite3_free(p);
    }

    // A database on disk through sqlx, rows with text and blobs (each value copied per row).
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
    let mut conn = SqliteConnection::connect(&url).await.expect("open");
    sqlx::query("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL, data BLOB)")
        .execute(&mut conn)
        .await
        .expect("create");
    for i in 0..500i64 {
        sqlx::query("INSERT INTO t (name, data) VALUES ($1, $2)")
            .bind(format!("小程序{i}").repeat(20))
            .bind(vec![i as u8; 300])
            .execute(&mut conn)
            .await
            .expect("insert");
    }
    let rows: Vec<(i64, String, Vec<u8>)> =
        sqlx::query_as("SELECT id, name, data FROM t ORDER BY id")
            .fetch_all(&mut conn)
            .await
            .expect("select");
    assert_eq!(rows.len(), 500);
    assert_eq!(rows[499].1, "小程序499".repeat(20));
    assert_eq!(rows[7].2, vec![7u8; 300]);
    conn.close().await.expect("close");

    // Once SQLite has started, the handover is refused rather than half applied.
    assert_eq!(use_mimalloc_for_sqlite(), Err(ffi::SQLITE_MISUSE));
}
