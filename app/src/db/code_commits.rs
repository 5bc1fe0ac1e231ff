//! Every commit made through the console; the newest per appid is the development version.

use super::Db;

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct CommitRow {
    pub id: i64,
    pub appid: String,
    pub template_id: i64,
    pub user_version: String,
    pub user_desc: String,
    pub ext_json: String,
    pub committed_by: Option<i64>,
    pub committed_by_name: String,
    pub committed_at: i64,
}

pub struct NewCommit<'a> {
    pub appid: &'a str,
    pub template_id: i64,
    pub user_version: &'a str,
    pub user_desc: &'a str,
    pub ext_json: &'a str,
    pub committed_by: Option<i64>,
    pub committed_by_name: &'a str,
}

const COLUMNS: &str = "id, appid, template_id, user_version, user_desc, ext_json, committed_by, \
                       committed_by_name, committed_at";

pub async fn insert(db: &Db, c: &NewCommit<'_>, now: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar::<_, i64>(
        "INSERT INTO code_commits (appid, template_id, user_version, user_desc, ext_json, \
         committed_by, committed_by_name, committed_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(c.appid)
    .bind(c.template_id)
    .bind(c.user_version)
    .bind(c.user_desc)
    .bind(c.ext_json)
    .bind(c.committed_by)
    .bind(c.committed_by_name)
    .bind(now)
    .fetch_one(&db.pool)
    .await
}

/// The development version: the newest commit of `appid`.
pub async fn latest_for_app(db: &Db, appid: &str) -> Result<Option<CommitRow>, sqlx::Error> {
    sqlx::query_as::<_, CommitRow>(&format!(
        "SELECT {COLUMNS} FROM code_commits WHERE appid = $1 \
         ORDER BY committed_at DESC, id DESC LIMIT 1"
    ))
    .bind(appid)
    .fetch_optional(&db.pool)
    .await
}

pub async fn find(db: &Db, id: i64) -> Result<Option<CommitRow>, sqlx::Error> {
    sqlx::query_as::<_, CommitRow>(&format!("SELECT {COLUMNS} FROM code_commits WHERE id = $1"))
        .bind(id)
        .fetch_optional(&db.pool)
        .await
}
