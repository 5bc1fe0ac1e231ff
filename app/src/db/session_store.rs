//! tower-sessions store on the console's own pool, so sessions live in the same SQLite file
//! or PostgreSQL database as everything else (tower-sessions-sqlx-store has no `Any` backend).
//!
//! Loading a session also reads its signed-in user (one query instead of two on every signed-in
//! request, issue 16): the user row travels in the loaded record under [`USER_ROW_KEY`], is
//! never written back, and is only trusted for the user id the session names. The user's kept
//! unread count (`notification_unread`, the bell every console page renders) comes along under
//! [`UNREAD_KEY`] the same way: one statement per page fewer (issue 16).

use super::{now, Db};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error, Result, SessionStore};

/// The session key holding the signed-in user's id.
pub const USER_ID_KEY: &str = "uid";
/// The key under which [`DbSessionStore::load`] hands over the user row it joined.
pub const USER_ROW_KEY: &str = "_user_row";
/// The key under which [`DbSessionStore::load`] hands over the joined user's kept unread count.
pub const UNREAD_KEY: &str = "_unread";
/// What `load` puts in, `encode` leaves out and a sign-in drops (it belongs to the user
/// signed in before).
pub const LOADED_KEYS: [&str; 2] = [USER_ROW_KEY, UNREAD_KEY];

/// The signed-in user as read with the session: what deciding whether the session still holds
/// and who it is needs, and nothing else (no password hash).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
pub struct SessionUser {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub merchant_id: Option<i64>,
    pub merchant_name: Option<String>,
    pub disabled: i64,
    pub auth_version: i64,
}

/// A session with its user's columns, NULL when no user is joined.
#[derive(sqlx::FromRow)]
struct LoadedRow {
    data: String,
    id: Option<i64>,
    username: Option<String>,
    display_name: Option<String>,
    role: Option<String>,
    merchant_id: Option<i64>,
    merchant_name: Option<String>,
    disabled: Option<i64>,
    auth_version: Option<i64>,
    unread: Option<i64>,
}

impl LoadedRow {
    fn user(self) -> Option<SessionUser> {
        Some(SessionUser {
            id: self.id?,
            username: self.username?,
            display_name: self.display_name?,
            role: self.role?,
            merchant_id: self.merchant_id,
            merchant_name: self.merchant_name,
            disabled: self.disabled?,
            auth_version: self.auth_version?,
        })
    }
}

#[derive(Clone, Debug)]
pub struct DbSessionStore {
    db: Db,
}

impl DbSessionStore {
    pub fn new(db: Db) -> Self {
        Self { db }
    }

    /// Removes sessions past their expiry; run periodically.
    pub async fn delete_expired(&self) -> std::result::Result<u64, sqlx::Error> {
        let done = sqlx::query("DELETE FROM sessions WHERE expiry_date <= $1")
            .bind(now())
            .execute(&self.db.pool)
            .await?;
        Ok(done.rows_affected())
    }
}

fn backend(e: sqlx::Error) -> Error {
    Error::Backend(e.to_string())
}

/// The record as stored: without what [`DbSessionStore::load`] put in.
fn encode(record: &Record) -> Result<String> {
    let stored = if LOADED_KEYS.iter().any(|k| record.data.contains_key(*k)) {
        let mut copy = record.clone();
        for key in LOADED_KEYS {
            copy.data.remove(key);
        }
        Cow::Owned(copy)
    } else {
        Cow::Borrowed(record)
    };
    serde_json::to_string(&*stored).map_err(|e| Error::Encode(e.to_string()))
}

/// The signed-in user's id as the record names it, for the `user_id` column.
fn user_id(record: &Record) -> Option<i64> {
    record.data.get(USER_ID_KEY).and_then(|v| v.as_i64())
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> Result<()> {
        // Session ids are random 128-bit values; on the off chance of a clash, draw again.
        loop {
            let done = sqlx::query(
                "INSERT INTO sessions (id, data, expiry_date, user_id) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (id) DO NOTHING",
            )
            .bind(record.id.to_string())
            .bind(encode(record)?)
            .bind(record.expiry_date.unix_timestamp())
            .bind(user_id(record))
            .execute(&self.db.pool)
            .await
            .map_err(backend)?;
            if done.rows_affected() == 1 {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> Result<()> {
        sqlx::query(
            "INSERT INTO sessions (id, data, expiry_date, user_id) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (id) DO UPDATE SET data = excluded.data, \
             expiry_date = excluded.expiry_date, user_id = excluded.user_id",
        )
        .bind(record.id.to_string())
        .bind(encode(record)?)
        .bind(record.expiry_date.unix_timestamp())
        .bind(user_id(record))
        .execute(&self.db.pool)
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        let Some(row) = sqlx::query_as::<_, LoadedRow>(
            "SELECT s.data, u.id, u.username, u.display_name, u.role, u.merchant_id, \
             m.name AS merchant_name, u.disabled, u.auth_version, nu.unread \
             FROM sessions s LEFT JOIN users u ON u.id = s.user_id \
             LEFT JOIN merchants m ON m.id = u.merchant_id \
             LEFT JOIN notification_unread nu ON nu.user_id = u.id \
             WHERE s.id = $1 AND s.expiry_date > $2",
        )
        .bind(id.to_string())
        .bind(now())
        .fetch_optional(&self.db.pool)
        .await
        .map_err(backend)?
        else {
            return Ok(None);
        };
        let mut record: Record =
            serde_json::from_str(&row.data).map_err(|e| Error::Decode(e.to_string()))?;
        // Only what was joined just now is handed over, and only for the user the data names.
        for key in LOADED_KEYS {
            record.data.remove(key);
        }
        let unread = row.unread;
        if let Some(user) = row.user().filter(|u| Some(u.id) == user_id(&record)) {
            let value = serde_json::to_value(user).map_err(|e| Error::Encode(e.to_string()))?;
            record.data.insert(USER_ROW_KEY.to_string(), value);
            if let Some(unread) = unread {
                record.data.insert(UNREAD_KEY.to_string(), unread.into());
            }
        }
        Ok(Some(record))
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(id.to_string())
            .execute(&self.db.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }
}
