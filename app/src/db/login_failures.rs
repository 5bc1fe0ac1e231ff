//! Sign-in attempts per account and per address, in a window. An attempt is reserved
//! before the password is checked (one atomic upsert, the same on SQLite and PostgreSQL,
//! so parallel guesses and several instances cannot pass the limit together); a correct
//! password gives it back.

use super::Db;

/// Attempts counted in the current window for `(scope, key)`, with the window's start.
pub async fn get(db: &Db, scope: &str, key: &str) -> Result<Option<(i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT window_start, failures FROM login_failures WHERE scope = $1 AND key = $2",
    )
    .bind(scope)
    .bind(key)
    .fetch_optional(&db.pool)
    .await
}

/// Counts one attempt unless `max` are already counted in the window; a window older
/// than `window_secs` starts over. True when the attempt may go ahead.
pub async fn reserve(
    db: &Db,
    scope: &str,
    key: &str,
    now: i64,
    window_secs: i64,
    max: i64,
) -> Result<bool, sqlx::Error> {
    let counted: Option<i64> = sqlx::query_scalar(
        "INSERT INTO login_failures (scope, key, window_start, failures) VALUES ($1, $2, $3, 1) \
         ON CONFLICT (scope, key) DO UPDATE SET \
           failures = CASE WHEN login_failures.window_start <= $4 THEN 1 ELSE login_failures.failures + 1 END, \
           window_start = CASE WHEN login_failures.window_start <= $4 THEN $3 ELSE login_failures.window_start END \
         WHERE login_failures.window_start <= $4 OR login_failures.failures < $5 \
         RETURNING failures",
    )
    .bind(scope)
    .bind(key)
    .bind(now)
    .bind(now - window_secs)
    .bind(max)
    .fetch_optional(&db.pool)
    .await?;
    Ok(counted.is_some())
}

/// Gives back one reserved attempt (the password was right, or it was never checked).
pub async fn release(db: &Db, scope: &str, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE login_failures SET failures = failures - 1 \
         WHERE scope = $1 AND key = $2 AND failures > 0",
    )
    .bind(scope)
    .bind(key)
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
