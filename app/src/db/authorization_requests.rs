//! `authorization_requests`: pre-auth codes handed out by "Add mini program".

use super::Db;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RequestRow {
    pub id: i64,
    pub pre_auth_code: String,
    pub merchant_id: Option<i64>,
    pub created_by: Option<i64>,
    pub created_at: i64,
    pub expires_at: i64,
    pub status: String,
    pub subject_type: Option<String>,
    pub appid: Option<String>,
    pub error: Option<String>,
    /// The value in the link's redirect. Single use: once the request is completed a
    /// redirect with it only shows the result (the push and the redirect may race).
    pub state_token: Option<String>,
}

const COLUMNS: &str = "id, pre_auth_code, merchant_id, created_by, created_at, expires_at, \
                       status, subject_type, appid, error, state_token FROM authorization_requests";

pub struct NewRequest<'a> {
    pub pre_auth_code: &'a str,
    pub merchant_id: Option<i64>,
    pub created_by: Option<i64>,
    pub subject_type: Option<&'a str>,
    pub created_at: i64,
    pub expires_at: i64,
    pub state_token: &'a str,
}

pub async fn insert(db: &Db, r: &NewRequest<'_>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO authorization_requests (pre_auth_code, merchant_id, created_by, created_at, \
         expires_at, status, subject_type, state_token) \
         VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7) RETURNING id",
    )
    .bind(r.pre_auth_code)
    .bind(r.merchant_id)
    .bind(r.created_by)
    .bind(r.created_at)
    .bind(r.expires_at)
    .bind(r.subject_type)
    .bind(r.state_token)
    .fetch_one(&db.pool)
    .await
}

pub async fn get(db: &Db, id: i64) -> Result<Option<RequestRow>, sqlx::Error> {
    sqlx::query_as::<_, RequestRow>(&format!("SELECT {COLUMNS} WHERE id = $1"))
        .bind(id)
        .fetch_optional(&db.pool)
        .await
}

pub async fn by_code(db: &Db, pre_auth_code: &str) -> Result<Option<RequestRow>, sqlx::Error> {
    sqlx::query_as::<_, RequestRow>(&format!("SELECT {COLUMNS} WHERE pre_auth_code = $1"))
        .bind(pre_auth_code)
        .fetch_optional(&db.pool)
        .await
}

pub async fn by_state(db: &Db, state_token: &str) -> Result<Option<RequestRow>, sqlx::Error> {
    sqlx::query_as::<_, RequestRow>(&format!("SELECT {COLUMNS} WHERE state_token = $1"))
        .bind(state_token)
        .fetch_optional(&db.pool)
        .await
}

/// Claims a request for completion (the redirect and the push may race).
pub async fn claim(db: &Db, id: i64, now: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE authorization_requests SET status = 'completing', claimed_until = $1 \
         WHERE id = $2 AND (status IN ('pending', 'failed') OR (status = 'completing' AND claimed_until < $3))",
    )
    .bind(now + 30)
    .bind(id)
    .bind(now)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn finish(
    db: &Db,
    id: i64,
    status: &str,
    appid: Option<&str>,
    error: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE authorization_requests SET status = $1, appid = COALESCE($2, appid), error = $3, \
         claimed_until = 0 WHERE id = $4",
    )
    .bind(status)
    .bind(appid)
    .bind(error)
    .bind(id)
    .execute(&db.pool)
    .await?;
    Ok(())
}
