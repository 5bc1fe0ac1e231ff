//! `wechat_tokens`: the verify ticket, the component token and authorizer tokens,
//! with the lease that makes one instance refresh a key at a time.

use super::Db;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct TokenRow {
    pub key: String,
    pub token: String,
    pub expires_at: i64,
    pub refreshed_at: Option<i64>,
    pub refresh_count: i64,
    pub last_error: Option<String>,
    pub last_error_at: Option<i64>,
    pub lease_owner: Option<String>,
    pub lease_until: i64,
}

const COLUMNS: &str = "key, token, expires_at, refreshed_at, refresh_count, last_error, \
                       last_error_at, lease_owner, lease_until FROM wechat_tokens";

pub async fn get(db: &Db, key: &str) -> Result<Option<TokenRow>, sqlx::Error> {
    sqlx::query_as::<_, TokenRow>(&format!("SELECT {COLUMNS} WHERE key = $1"))
        .bind(key)
        .fetch_optional(&db.pool)
        .await
}

pub async fn all(db: &Db) -> Result<Vec<TokenRow>, sqlx::Error> {
    sqlx::query_as::<_, TokenRow>(&format!("SELECT {COLUMNS} ORDER BY key"))
        .fetch_all(&db.pool)
        .await
}

/// What the worker refreshes, in one query: the component token and the
/// tokens of authorized mini programs that run out before `before` (and are not
/// leased right now), plus authorized mini programs with a stored
/// authorization but no token row yet.
pub async fn due_for_refresh(db: &Db, before: i64, now: i64) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar::<_, String>(
        "SELECT key FROM wechat_tokens WHERE key = 'component' AND expires_at < $1 \
         AND lease_until < $2 \
         UNION ALL \
         SELECT 'authorizer:' || p.appid FROM mini_programs p \
         LEFT JOIN wechat_tokens t ON t.key = 'authorizer:' || p.appid \
         LEFT JOIN authorizations a ON a.appid = p.appid \
         WHERE p.status = 'authorized' AND ( \
             (t.key IS NOT NULL AND t.expires_at < $1 AND t.lease_until < $2) \
             OR (t.key IS NULL AND a.appid IS NOT NULL))",
    )
    .bind(before)
    .bind(now)
    .fetch_all(&db.pool)
    .await
}

pub async fn ensure(db: &Db, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO wechat_tokens (key) VALUES ($1) ON CONFLICT (key) DO NOTHING")
        .bind(key)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Takes the refresh lease if nobody holds it; true when this owner got it.
pub async fn try_lease(
    db: &Db,
    key: &str,
    owner: &str,
    now: i64,
    until: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE wechat_tokens SET lease_owner = $1, lease_until = $2 \
         WHERE key = $3 AND (lease_until < $4 OR lease_owner = $1)",
    )
    .bind(owner)
    .bind(until)
    .bind(key)
    .bind(now)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Stores a fresh token and releases the lease.
pub async fn store(
    db: &Db,
    key: &str,
    owner: &str,
    token: &str,
    expires_at: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE wechat_tokens SET token = $1, expires_at = $2, refreshed_at = $3, \
         refresh_count = refresh_count + 1, last_error = NULL, last_error_at = NULL, \
         lease_owner = NULL, lease_until = 0 WHERE key = $4 AND (lease_owner = $5 OR lease_owner IS NULL)",
    )
    .bind(token)
    .bind(expires_at)
    .bind(now)
    .bind(key)
    .bind(owner)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Stores a token that arrived without a refresh (a pushed ticket, api_query_auth).
pub async fn put(
    db: &Db,
    key: &str,
    token: &str,
    expires_at: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    ensure(db, key).await?;
    sqlx::query(
        "UPDATE wechat_tokens SET token = $1, expires_at = $2, refreshed_at = $3, \
         refresh_count = refresh_count + 1, last_error = NULL, last_error_at = NULL WHERE key = $4",
    )
    .bind(token)
    .bind(expires_at)
    .bind(now)
    .bind(key)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Records a failed refresh and releases the lease.
pub async fn fail(
    db: &Db,
    key: &str,
    owner: &str,
    error: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE wechat_tokens SET last_error = $1, last_error_at = $2, lease_owner = NULL, \
         lease_until = 0 WHERE key = $3 AND (lease_owner = $4 OR lease_owner IS NULL)",
    )
    .bind(error)
    .bind(now)
    .bind(key)
    .bind(owner)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Compare-and-expire: only the token that was rejected is expired, not one
/// another worker already put in its place.
pub async fn expire_if_current(db: &Db, key: &str, stale: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("UPDATE wechat_tokens SET expires_at = 0 WHERE key = $1 AND token = $2")
        .bind(key)
        .bind(stale)
        .execute(&db.pool)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn delete(db: &Db, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM wechat_tokens WHERE key = $1")
        .bind(key)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Gives the lease back without touching the token.
pub async fn release(db: &Db, key: &str, owner: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE wechat_tokens SET lease_owner = NULL, lease_until = 0 WHERE key = $1 AND lease_owner = $2",
    )
    .bind(key)
    .bind(owner)
    .execute(&db.pool)
    .await?;
    Ok(())
}
