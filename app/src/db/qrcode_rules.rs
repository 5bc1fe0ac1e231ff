//! The console's copy of every mini program's QR-jump rules (for the fleet table and the
//! 85072 check across mini programs).

use super::sql::Sql;
use super::Db;
use crate::domain::qrcode_rule::view::{QrFleetQuery, QrFleetRow};
use crate::domain::qrcode_rule::{parse_link, QrRule, TakenPrefix};

/// Replaces `appid`'s rules with `rules` (one transaction: readers see the old or new set).
pub async fn replace(db: &Db, appid: &str, rules: &[QrRule], now: i64) -> Result<(), sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    sqlx::query("DELETE FROM qrcode_rules WHERE appid = $1")
        .bind(appid)
        .execute(&mut *tx)
        .await?;
    for r in rules {
        let host = parse_link(&r.prefix)
            .map(|l| l.host.to_ascii_lowercase())
            .unwrap_or_default();
        let debug = serde_json::to_string(&r.debug_url).unwrap_or_else(|_| "[]".into());
        sqlx::query(
            "INSERT INTO qrcode_rules (appid, prefix, host, permit_sub_rule, path, open_version, \
             debug_url, state, synced_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             ON CONFLICT (appid, prefix) DO NOTHING",
        )
        .bind(appid)
        .bind(&r.prefix)
        .bind(host)
        .bind(r.permit_sub_rule)
        .bind(&r.path)
        .bind(r.open_version)
        .bind(debug)
        .bind(r.state)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await
}

/// Prefixes other mini programs hold.
pub async fn taken_by_others(db: &Db, appid: &str) -> Result<Vec<TakenPrefix>, sqlx::Error> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT prefix, permit_sub_rule FROM qrcode_rules WHERE appid <> $1 ORDER BY prefix",
    )
    .bind(appid)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(prefix, permit_sub_rule)| TakenPrefix {
            prefix,
            permit_sub_rule,
        })
        .collect())
}

/// How many rules the console knows each mini program (in scope) has.
pub async fn counts(db: &Db, scope: Option<i64>) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let mut sql = Sql::new(
        "SELECT r.appid, COUNT(*) FROM qrcode_rules r JOIN mini_programs p ON p.appid = r.appid \
         WHERE 1 = 1",
    );
    if let Some(m) = scope {
        sql.push(" AND p.merchant_id = ").bind(m);
    }
    sql.push(" GROUP BY r.appid");
    sql.query_as::<(String, i64)>().fetch_all(&db.pool).await
}

/// One mini program's rules as last seen: (rules, published).
pub async fn counts_of(db: &Db, appid: &str) -> Result<(i64, i64), sqlx::Error> {
    let (all, published): (i64, Option<i64>) = sqlx::query_as(
        "SELECT COUNT(*), SUM(CASE WHEN state = 2 THEN 1 ELSE 0 END) FROM qrcode_rules \
         WHERE appid = $1",
    )
    .bind(appid)
    .fetch_one(&db.pool)
    .await?;
    Ok((all, published.unwrap_or(0)))
}

#[derive(sqlx::FromRow)]
struct FleetRecord {
    appid: String,
    nick_name: String,
    merchant_name: Option<String>,
    prefix: String,
    host: String,
    permit_sub_rule: i64,
    path: String,
    open_version: i64,
    debug_url: String,
    state: i64,
    synced_at: i64,
}

fn filtered(select: &str, scope: Option<i64>, q: &QrFleetQuery) -> Sql {
    let mut sql = Sql::new(select);
    sql.push(
        " FROM qrcode_rules r JOIN mini_programs p ON p.appid = r.appid \
         LEFT JOIN merchants m ON m.id = p.merchant_id WHERE 1 = 1",
    );
    if let Some(m) = scope {
        sql.push(" AND p.merchant_id = ").bind(m);
    }
    if let Some(m) = q.merchant_id {
        sql.push(" AND p.merchant_id = ").bind(m);
    }
    if !q.host.is_empty() {
        sql.push(" AND r.host LIKE ").bind(format!(
            "%{}%",
            q.host.to_ascii_lowercase().replace(['%', '_'], "")
        ));
    }
    if let Some(published) = q.published {
        sql.push(" AND r.state = ")
            .bind(if published { 2 } else { 1 });
    }
    if let Some(v) = q.open_version {
        sql.push(" AND r.open_version = ").bind(v);
    }
    sql
}

/// One page of the fleet table, and how many rows match.
pub async fn list(
    db: &Db,
    scope: Option<i64>,
    q: &QrFleetQuery,
) -> Result<(Vec<QrFleetRow>, i64), sqlx::Error> {
    let total: i64 = filtered("SELECT COUNT(*)", scope, q)
        .query_as::<(i64,)>()
        .fetch_one(&db.pool)
        .await?
        .0;
    let mut sql = filtered(
        "SELECT r.appid, p.nick_name, m.name AS merchant_name, r.prefix, r.host, \
         r.permit_sub_rule, r.path, r.open_version, r.debug_url, r.state, r.synced_at",
        scope,
        q,
    );
    sql.push(" ORDER BY r.host, r.prefix, r.appid LIMIT ")
        .bind(q.page.limit())
        .push(" OFFSET ")
        .bind(q.page.offset());
    let rows = sql.query_as::<FleetRecord>().fetch_all(&db.pool).await?;
    Ok((
        rows.into_iter()
            .map(|r| QrFleetRow {
                debug_urls: serde_json::from_str::<Vec<String>>(&r.debug_url)
                    .map(|v| v.len() as i64)
                    .unwrap_or(0),
                appid: r.appid,
                nick_name: r.nick_name,
                merchant_name: r.merchant_name,
                prefix: r.prefix,
                host: r.host,
                permit_sub_rule: r.permit_sub_rule,
                path: r.path,
                open_version: r.open_version,
                state: r.state,
                synced_at: r.synced_at,
            })
            .collect(),
        total,
    ))
}
