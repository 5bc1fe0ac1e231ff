//! `testers`: the WeChat ID and userstr of each tester the console bound (WeChat's list has
//! userstrs only), and who bound them.

use super::Db;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct TesterRecord {
    pub wechatid: Option<String>,
    pub userstr: String,
    pub bound_by_name: String,
    pub bound_at: i64,
}

pub struct NewTester<'a> {
    pub appid: &'a str,
    pub wechatid: Option<&'a str>,
    pub userstr: &'a str,
    pub bound_by: Option<i64>,
    pub bound_by_name: &'a str,
    pub bound_at: i64,
}

/// `appid`'s records, oldest first.
pub async fn list(db: &Db, appid: &str) -> Result<Vec<TesterRecord>, sqlx::Error> {
    sqlx::query_as::<_, TesterRecord>(
        "SELECT wechatid, userstr, bound_by_name, bound_at FROM testers WHERE appid = $1 \
         ORDER BY bound_at, userstr",
    )
    .bind(appid)
    .fetch_all(&db.pool)
    .await
}

pub async fn find(
    db: &Db,
    appid: &str,
    userstr: &str,
) -> Result<Option<TesterRecord>, sqlx::Error> {
    sqlx::query_as::<_, TesterRecord>(
        "SELECT wechatid, userstr, bound_by_name, bound_at FROM testers \
         WHERE appid = $1 AND userstr = $2",
    )
    .bind(appid)
    .bind(userstr)
    .fetch_optional(&db.pool)
    .await
}

/// Records a bound tester. One row per (appid, userstr): binding the same person again (a
/// repeated request, a lost answer settled later) updates it instead of adding one.
pub async fn upsert(db: &Db, t: &NewTester<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO testers (appid, wechatid, userstr, bound_by, bound_by_name, bound_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (appid, userstr) DO UPDATE SET \
         wechatid = excluded.wechatid, bound_by = excluded.bound_by, \
         bound_by_name = excluded.bound_by_name, bound_at = excluded.bound_at",
    )
    .bind(t.appid)
    .bind(t.wechatid)
    .bind(t.userstr)
    .bind(t.bound_by)
    .bind(t.bound_by_name)
    .bind(t.bound_at)
    .execute(&db.pool)
    .await?;
    Ok(())
}

pub async fn delete(db: &Db, appid: &str, userstr: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM testers WHERE appid = $1 AND userstr = $2")
        .bind(appid)
        .bind(userstr)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Drops the records of testers WeChat no longer lists (unbound elsewhere); returns what is
/// left, oldest first.
pub async fn keep_listed(
    db: &Db,
    appid: &str,
    listed: &[String],
) -> Result<Vec<TesterRecord>, sqlx::Error> {
    let (kept, gone): (Vec<TesterRecord>, Vec<TesterRecord>) = list(db, appid)
        .await?
        .into_iter()
        .partition(|r| listed.contains(&r.userstr));
    for r in &gone {
        delete(db, appid, &r.userstr).await?;
    }
    Ok(kept)
}
