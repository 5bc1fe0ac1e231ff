//! `authorizations`: the encrypted refresh token of each authorized mini program.

use super::Db;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AuthorizationRow {
    pub appid: String,
    pub refresh_token_enc: String,
    pub user_name: String,
    pub func_info: String,
    pub authorized_at: i64,
    pub updated_at: i64,
}

pub async fn get(db: &Db, appid: &str) -> Result<Option<AuthorizationRow>, sqlx::Error> {
    sqlx::query_as::<_, AuthorizationRow>(
        "SELECT appid, refresh_token_enc, user_name, func_info, authorized_at, updated_at \
         FROM authorizations WHERE appid = $1",
    )
    .bind(appid)
    .fetch_optional(&db.pool)
    .await
}

pub async fn upsert(
    db: &Db,
    appid: &str,
    refresh_token_enc: &str,
    user_name: &str,
    func_info: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO authorizations (appid, refresh_token_enc, user_name, func_info, authorized_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (appid) DO UPDATE SET \
         refresh_token_enc = excluded.refresh_token_enc, user_name = excluded.user_name, \
         func_info = excluded.func_info, authorized_at = excluded.authorized_at, updated_at = excluded.updated_at",
    )
    .bind(appid)
    .bind(refresh_token_enc)
    .bind(user_name)
    .bind(func_info)
    .bind(now)
    .execute(&db.pool)
    .await?;
    Ok(())
}

pub async fn update_refresh_token(
    db: &Db,
    appid: &str,
    refresh_token_enc: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE authorizations SET refresh_token_enc = $1, updated_at = $2 WHERE appid = $3",
    )
    .bind(refresh_token_enc)
    .bind(now)
    .bind(appid)
    .execute(&db.pool)
    .await?;
    Ok(())
}

pub async fn delete(db: &Db, appid: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM authorizations WHERE appid = $1")
        .bind(appid)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// The AppID of the authorized mini program with this original id (`gh_…`).
pub async fn appid_of_user_name(db: &Db, user_name: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar::<_, String>("SELECT appid FROM authorizations WHERE user_name = $1")
        .bind(user_name)
        .fetch_optional(&db.pool)
        .await
}
