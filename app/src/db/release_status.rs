//! One row per mini program: what is online, what a revert would go back to, the gray plan,
//! the visit status and the minimum base-library version, written by the release actions.

use super::Db;

#[derive(Clone, Debug, Default, PartialEq, sqlx::FromRow)]
pub struct StatusRow {
    pub appid: String,
    pub online_version: Option<String>,
    pub online_desc: Option<String>,
    pub online_template_id: Option<i64>,
    pub online_commit_id: Option<i64>,
    pub online_released_at: Option<i64>,
    pub previous_version: Option<String>,
    pub previous_desc: Option<String>,
    pub online_is_reverted: i64,
    pub gray_status: Option<i64>,
    pub gray_percentage: Option<i64>,
    pub gray_updated_at: Option<i64>,
    pub visit_status: String,
    pub support_version: Option<String>,
    pub updated_at: i64,
}

const COLUMNS: &str = "appid, online_version, online_desc, online_template_id, online_commit_id, \
    online_released_at, previous_version, previous_desc, online_is_reverted, gray_status, \
    gray_percentage, gray_updated_at, visit_status, support_version, updated_at";

pub async fn get(db: &Db, appid: &str) -> Result<Option<StatusRow>, sqlx::Error> {
    sqlx::query_as::<_, StatusRow>(&format!(
        "SELECT {COLUMNS} FROM release_status WHERE appid = $1"
    ))
    .bind(appid)
    .fetch_optional(&db.pool)
    .await
}

/// Makes sure the row exists, so every writer below is a plain UPDATE.
async fn ensure(db: &Db, appid: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO release_status (appid, updated_at) VALUES ($1, $2) \
         ON CONFLICT (appid) DO NOTHING",
    )
    .bind(appid)
    .bind(now)
    .execute(&db.pool)
    .await?;
    Ok(())
}

pub struct Released<'a> {
    pub version: &'a str,
    pub desc: &'a str,
    pub template_id: Option<i64>,
    pub commit_id: Option<i64>,
}

/// A release: the online version becomes the previous one (what a revert restores), the new
/// one is no revert, the visit status is open again and a gray plan ends.
pub async fn record_release(
    db: &Db,
    appid: &str,
    r: &Released<'_>,
    now: i64,
) -> Result<(), sqlx::Error> {
    ensure(db, appid, now).await?;
    sqlx::query(
        "UPDATE release_status SET previous_version = online_version, \
         previous_desc = online_desc, online_version = $1, online_desc = $2, \
         online_template_id = $3, online_commit_id = $4, online_released_at = $5, \
         online_is_reverted = 0, visit_status = 'open', \
         gray_status = CASE WHEN gray_status IN (1, 2) THEN 3 ELSE gray_status END, \
         gray_updated_at = $5, updated_at = $5 WHERE appid = $6",
    )
    .bind(r.version)
    .bind(r.desc)
    .bind(r.template_id)
    .bind(r.commit_id)
    .bind(now)
    .bind(appid)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// A revert: the previous version is online again and cannot be reverted a second time.
pub async fn record_revert(db: &Db, appid: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE release_status SET online_version = previous_version, \
         online_desc = previous_desc, online_template_id = NULL, online_commit_id = NULL, \
         online_released_at = $1, previous_version = NULL, previous_desc = NULL, \
         online_is_reverted = 1, updated_at = $1 WHERE appid = $2",
    )
    .bind(now)
    .bind(appid)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// 'open' | 'close'.
pub async fn set_visit_status(
    db: &Db,
    appid: &str,
    action: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    ensure(db, appid, now).await?;
    sqlx::query("UPDATE release_status SET visit_status = $1, updated_at = $2 WHERE appid = $3")
        .bind(action)
        .bind(now)
        .bind(appid)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// The gray plan as getgrayreleaseplan reports it (None: no plan at all).
pub async fn set_gray(
    db: &Db,
    appid: &str,
    plan: Option<(i64, i64)>,
    now: i64,
) -> Result<(), sqlx::Error> {
    ensure(db, appid, now).await?;
    sqlx::query(
        "UPDATE release_status SET gray_status = $1, gray_percentage = $2, gray_updated_at = $3, \
         updated_at = $3 WHERE appid = $4",
    )
    .bind(plan.map(|p| p.0))
    .bind(plan.map(|p| p.1))
    .bind(now)
    .bind(appid)
    .execute(&db.pool)
    .await?;
    Ok(())
}

pub async fn set_support_version(
    db: &Db,
    appid: &str,
    version: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    ensure(db, appid, now).await?;
    sqlx::query("UPDATE release_status SET support_version = $1, updated_at = $2 WHERE appid = $3")
        .bind(version)
        .bind(now)
        .bind(appid)
        .execute(&db.pool)
        .await?;
    Ok(())
}
