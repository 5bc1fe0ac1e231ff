//! `wechat_tokens`: the verify ticket, the component token and authorizer tokens,
//! with the lease that makes one instance refresh a key at a time.

use super::sql::Sql;
use super::Db;
use crate::domain::mini_program::{like_pattern, AppStatus};
use crate::domain::platform::{TokenHealth, REAUTH_ERRCODES, REFRESH_AHEAD_SECS};
use crate::domain::token_health::{HealthCounts, TokenHealthQuery, TokenSort, WHITESPACE};

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

/// The storage keys of authorizer tokens (`wechat::TokenKey::storage_key`): the AppID follows.
const AUTHORIZER_PREFIX: &str = "authorizer:";

/// One line of the token-health screen, classified by the database.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct HealthRow {
    pub key: String,
    /// The AppID of an authorizer token.
    pub appid: Option<String>,
    pub nick_name: Option<String>,
    /// The mini program's registry status, when there is a registry row.
    pub program_status: Option<String>,
    pub expires_at: i64,
    pub refreshed_at: Option<i64>,
    pub refresh_count: i64,
    pub last_error: Option<String>,
    pub last_error_at: Option<i64>,
    /// [`TokenHealth::as_str`], as [`TokenHealth::of`] decides it at the `now` asked for.
    pub health: String,
}

const HEALTH_COLUMNS: &str = "SELECT h.key, h.appid, h.nick_name, h.program_status, \
     h.expires_at, h.refreshed_at, h.refresh_count, h.last_error, h.last_error_at, h.health";

/// `'a', 'b'` for an IN list of health names (static identifiers, never user input).
fn quoted(states: impl IntoIterator<Item = TokenHealth>) -> String {
    states
        .into_iter()
        .map(|h| format!("'{}'", h.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `select` over the derived table `h`: every token but `exclude` (the verify ticket) with
/// its mini program's name and status and its health at `now`, narrowed by `search`.
///
/// The CASE mirrors [`TokenHealth::of`] rule by rule, in the same order:
/// 1. the mini program is marked `needs_reauth`, or the stored error starts with a
///    re-authorization errcode (the leading run of digits and `-` after the whitespace
///    `str::trim` removes, read as a number: leading zeros dropped, and the code must not
///    be followed by another digit or `-`) → needs_reauthorization;
/// 2. any other non-blank error → failing;
/// 3. `expires_at <= now` → expired;
/// 4. `expires_at - now <= REFRESH_AHEAD_SECS` → due;
/// 5. fresh.
///
/// LTRIM/RTRIM with a character set, SUBSTR (in characters) and CASE read the same on
/// SQLite and PostgreSQL; `now` and the whitespace set are bound, the rest are constants.
/// No index serves this: the health depends on `now`, so the count per state scans the
/// tokens anyway; the join finds each mini program through its unique `appid` index.
fn classified(select: &str, now: i64, exclude: &str, search: &str) -> Sql {
    let prefix = AUTHORIZER_PREFIX;
    let skip = prefix.len();
    // The error without whitespace and without leading zeros: where an errcode starts.
    let code = "LTRIM(c.err, '0')";
    let not_more_digits = "('0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '-')";
    let reauth_codes = REAUTH_ERRCODES
        .iter()
        .map(|errcode| {
            let digits = errcode.to_string();
            let n = digits.len();
            format!(
                "(SUBSTR({code}, 1, {n}) = '{digits}' \
                 AND SUBSTR({code} || ' ', {next}, 1) NOT IN {not_more_digits})",
                next = n + 1
            )
        })
        .collect::<Vec<_>>()
        .join(" OR ");
    let mut sql = Sql::new(select);
    sql.push(
        " FROM (SELECT c.key, c.appid, c.nick_name, c.program_status, c.expires_at, \
         c.refreshed_at, c.refresh_count, c.last_error, c.last_error_at, \
         CASE WHEN c.program_status = ",
    )
    .bind(AppStatus::NeedsReauthorization.as_str());
    sql.push(&format!(
        " OR {reauth_codes} THEN '{needs}' \
         WHEN c.err <> '' THEN '{failing}' \
         WHEN c.expires_at <= ",
        needs = TokenHealth::NeedsReauthorization.as_str(),
        failing = TokenHealth::Failing.as_str(),
    ))
    .bind(now);
    sql.push(&format!(
        " THEN '{}' WHEN c.expires_at - ",
        TokenHealth::Expired.as_str()
    ))
    .bind(now);
    sql.push(&format!(
        " <= {REFRESH_AHEAD_SECS} THEN '{due}' ELSE '{fresh}' END AS health \
         FROM (SELECT t.key, \
         CASE WHEN SUBSTR(t.key, 1, {skip}) = '{prefix}' THEN SUBSTR(t.key, {from}) END AS appid, \
         p.nick_name, p.status AS program_status, t.expires_at, t.refreshed_at, \
         t.refresh_count, t.last_error, t.last_error_at, \
         LTRIM(RTRIM(COALESCE(t.last_error, ''), ",
        due = TokenHealth::Due.as_str(),
        fresh = TokenHealth::Fresh.as_str(),
        from = skip + 1,
    ))
    .bind(WHITESPACE);
    sql.push("), ").bind(WHITESPACE);
    sql.push(&format!(
        ") AS err FROM wechat_tokens t LEFT JOIN mini_programs p \
         ON SUBSTR(t.key, 1, {skip}) = '{prefix}' AND p.appid = SUBSTR(t.key, {from}) \
         WHERE t.key <> ",
        from = skip + 1,
    ))
    .bind(exclude);
    sql.push(") c) h WHERE 1 = 1");
    if !search.is_empty() {
        let pattern = like_pattern(search);
        sql.push(" AND (LOWER(h.appid) LIKE ").bind(pattern.clone());
        sql.push(" ESCAPE '\\' OR LOWER(h.nick_name) LIKE ")
            .bind(pattern);
        sql.push(" ESCAPE '\\')");
    }
    sql
}

/// One page of the token screen: filtered by search and health, sorted, LIMIT/OFFSET.
/// Ties fall back to the storage key, so pages are stable.
pub async fn health_page(
    db: &Db,
    q: &TokenHealthQuery,
    now: i64,
    exclude: &str,
) -> Result<Vec<HealthRow>, sqlx::Error> {
    let mut sql = classified(HEALTH_COLUMNS, now, exclude, &q.search);
    if let Some(filter) = q.health {
        sql.push(" AND h.health IN (");
        for (i, state) in filter.states().into_iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.bind(state.as_str());
        }
        sql.push(")");
    }
    let dir = q.dir.sql();
    let order = match q.sort {
        // Problems first, then the component token (no AppID), then by name.
        TokenSort::Health => format!(
            "CASE WHEN h.health IN ({problems}) THEN 0 ELSE 1 END {dir}, \
             CASE WHEN h.appid IS NULL THEN 0 ELSE 1 END {dir}, COALESCE(h.nick_name, '') {dir}",
            problems = quoted(TokenHealth::ALL.into_iter().filter(|h| h.is_problem())),
        ),
        TokenSort::Name => format!("COALESCE(h.nick_name, '') {dir}"),
        TokenSort::Expires => format!("h.expires_at {dir}"),
        // Never refreshed counts as the oldest (NULLs sort differently on the two databases).
        TokenSort::Refreshed => format!("COALESCE(h.refreshed_at, 0) {dir}"),
    };
    sql.push(&format!(" ORDER BY {order}, h.key {dir} LIMIT "));
    sql.bind(q.page.limit())
        .push(" OFFSET ")
        .bind(q.page.offset());
    sql.query_as::<HealthRow>().fetch_all(&db.pool).await
}

/// How many tokens matching `search` are in each state at `now`.
pub async fn health_counts(
    db: &Db,
    search: &str,
    now: i64,
    exclude: &str,
) -> Result<HealthCounts, sqlx::Error> {
    let mut sql = classified("SELECT h.health, COUNT(*)", now, exclude, search);
    sql.push(" GROUP BY h.health");
    let rows = sql.query_as::<(String, i64)>().fetch_all(&db.pool).await?;
    let mut counts = HealthCounts::default();
    for (health, n) in rows {
        if let Some(h) = TokenHealth::parse(&health) {
            counts.add(h, n);
        }
    }
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_classification_binds_its_inputs_and_names_every_state() {
        let sql = classified("SELECT h.health", 1_000, "ticket", "a%b");
        let text = sql.text();
        for h in TokenHealth::ALL {
            assert!(text.contains(&format!("'{}'", h.as_str())), "{text}");
        }
        assert!(
            text.contains("'61023'") && text.contains("'61003'"),
            "{text}"
        );
        assert!(text.contains(&format!("<= {REFRESH_AHEAD_SECS}")), "{text}");
        // now twice, the status, the whitespace twice, the ticket key, the pattern twice.
        assert!(text.contains("$8") && !text.contains("$9"), "{text}");
        assert!(
            !text.contains("a%b"),
            "the search is bound, not inlined: {text}"
        );
    }
}
