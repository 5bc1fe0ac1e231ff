use super::Db;

/// Failures counted in the current window for `(scope, key)`, with the window's start.
pub async fn get(db: &Db, scope: &str, key: &str) -> Result<Option<(i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT window_start, failures FROM login_failures WHERE scope = $1 AND key = $2",
    )
    .bind(scope)
    .bind(key)
    .fetch_optional(&db.pool)
    .await
}

/// Counts one failure; a window older than `window_secs` starts over.
pub async fn record(
    db: &Db,
    scope: &str,
    key: &str,
    now: i64,
    window_secs: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO login_failures (scope, key, window_start, failures) VALUES ($1, $2, $3, 1) \
         ON CONFLICT (scope, key) DO UPDATE SET \
           failures = CASE WHEN login_failures.window_start <= $4 THEN 1 ELSE login_failures.failures + 1 END, \
           window_start = CASE WHEN login_failures.window_start <= $4 THEN $3 ELSE login_failures.window_start END",
    )
    .bind(scope)
    .bind(key)
    .bind(now)
    .bind(now - window_secs)
    .execute(&db.pool)
    .await?;
    Ok(())
}

pub async fn clear(db: &Db, scope: &str, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM login_failures WHERE scope = $1 AND key = $2")
        .bind(scope)
        .bind(key)
        .execute(&db.pool)
        .await?;
    Ok(())
}
