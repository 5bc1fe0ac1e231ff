//! `plugin_uses`: each plugin application the console made (WeChat's list has no time, reason
//! or version), who made it, and the version of its last quick update.

use super::Db;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PluginUseRecord {
    pub plugin_appid: String,
    pub reason: String,
    pub applied_by_name: String,
    pub applied_at: i64,
    pub user_version: Option<String>,
}

pub struct NewPluginUse<'a> {
    pub appid: &'a str,
    pub plugin_appid: &'a str,
    pub reason: &'a str,
    pub applied_by: Option<i64>,
    pub applied_by_name: &'a str,
    pub applied_at: i64,
}

/// `appid`'s records, oldest first.
pub async fn list(db: &Db, appid: &str) -> Result<Vec<PluginUseRecord>, sqlx::Error> {
    sqlx::query_as::<_, PluginUseRecord>(
        "SELECT plugin_appid, reason, applied_by_name, applied_at, user_version FROM plugin_uses \
         WHERE appid = $1 ORDER BY applied_at, plugin_appid",
    )
    .bind(appid)
    .fetch_all(&db.pool)
    .await
}

/// Records an application. One row per (appid, plugin): applying again (after a refusal or a
/// timeout, or a lost answer settled later) starts the row afresh, version forgotten.
pub async fn upsert_applied(db: &Db, u: &NewPluginUse<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO plugin_uses (appid, plugin_appid, reason, applied_by, applied_by_name, \
         applied_at, user_version) VALUES ($1, $2, $3, $4, $5, $6, NULL) \
         ON CONFLICT (appid, plugin_appid) DO UPDATE SET reason = excluded.reason, \
         applied_by = excluded.applied_by, applied_by_name = excluded.applied_by_name, \
         applied_at = excluded.applied_at, user_version = NULL",
    )
    .bind(u.appid)
    .bind(u.plugin_appid)
    .bind(u.reason)
    .bind(u.applied_by)
    .bind(u.applied_by_name)
    .bind(u.applied_at)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// The version a quick update moved the plugin to (no row: the application was made elsewhere,
/// and nothing is recorded).
pub async fn set_version(
    db: &Db,
    appid: &str,
    plugin_appid: &str,
    version: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE plugin_uses SET user_version = $3 WHERE appid = $1 AND plugin_appid = $2")
        .bind(appid)
        .bind(plugin_appid)
        .bind(version)
        .execute(&db.pool)
        .await?;
    Ok(())
}

pub async fn delete(db: &Db, appid: &str, plugin_appid: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM plugin_uses WHERE appid = $1 AND plugin_appid = $2")
        .bind(appid)
        .bind(plugin_appid)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Drops the records of plugins WeChat no longer lists (unbound elsewhere, or deleted by their
/// developer); returns what is left, oldest first.
pub async fn keep_listed(
    db: &Db,
    appid: &str,
    listed: &[String],
) -> Result<Vec<PluginUseRecord>, sqlx::Error> {
    let (kept, gone): (Vec<PluginUseRecord>, Vec<PluginUseRecord>) = list(db, appid)
        .await?
        .into_iter()
        .partition(|r| listed.contains(&r.plugin_appid));
    for r in &gone {
        delete(db, appid, &r.plugin_appid).await?;
    }
    Ok(kept)
}
