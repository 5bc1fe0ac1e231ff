use super::session_store::SessionUser;
use super::Db;
use crate::domain::auth::Role;
use crate::model::UserRow;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct UserRecord {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: String,
    pub merchant_id: Option<i64>,
    pub merchant_name: Option<String>,
    pub disabled: i64,
    pub auth_version: i64,
    pub created_at: i64,
    pub last_login_at: Option<i64>,
}

/// A `users.role` value: the CHECK constraint keeps the column to the three names; anything
/// else falls back to the least power.
pub fn role_of(column: &str) -> Role {
    Role::parse(column).unwrap_or(Role::Merchant)
}

impl UserRecord {
    pub fn role(&self) -> Role {
        role_of(&self.role)
    }

    pub fn into_row(self) -> UserRow {
        UserRow {
            id: self.id,
            role: self.role(),
            username: self.username,
            display_name: self.display_name,
            merchant_id: self.merchant_id,
            merchant_name: self.merchant_name,
            disabled: self.disabled != 0,
            created_at: self.created_at,
            last_login_at: self.last_login_at,
        }
    }
}

impl From<UserRecord> for SessionUser {
    fn from(u: UserRecord) -> Self {
        SessionUser {
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            role: u.role,
            merchant_id: u.merchant_id,
            merchant_name: u.merchant_name,
            disabled: u.disabled,
            auth_version: u.auth_version,
        }
    }
}

const SELECT: &str =
    "SELECT u.id, u.username, u.display_name, u.password_hash, u.role, u.merchant_id, \
     m.name AS merchant_name, u.disabled, u.auth_version, u.created_at, u.last_login_at \
     FROM users u LEFT JOIN merchants m ON m.id = u.merchant_id";

pub async fn find_by_username(db: &Db, username: &str) -> Result<Option<UserRecord>, sqlx::Error> {
    sqlx::query_as::<_, UserRecord>(&format!("{SELECT} WHERE u.username = $1"))
        .bind(username)
        .fetch_optional(&db.pool)
        .await
}

pub async fn find(db: &Db, id: i64) -> Result<Option<UserRecord>, sqlx::Error> {
    sqlx::query_as::<_, UserRecord>(&format!("{SELECT} WHERE u.id = $1"))
        .bind(id)
        .fetch_optional(&db.pool)
        .await
}

pub async fn list(db: &Db) -> Result<Vec<UserRecord>, sqlx::Error> {
    sqlx::query_as::<_, UserRecord>(&format!("{SELECT} ORDER BY u.role, u.username"))
        .fetch_all(&db.pool)
        .await
}

pub struct NewUserRecord<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
    pub merchant_id: Option<i64>,
}

pub async fn insert(db: &Db, u: &NewUserRecord<'_>, now: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar::<_, i64>(
        "INSERT INTO users (username, display_name, password_hash, role, merchant_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(u.username)
    .bind(u.display_name)
    .bind(u.password_hash)
    .bind(u.role.as_str())
    .bind(u.merchant_id)
    .bind(now)
    .fetch_one(&db.pool)
    .await
}

/// Each change below bumps `auth_version`, which ends the user's open sessions.
pub async fn set_disabled(db: &Db, id: i64, disabled: bool) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE users SET disabled = $1, auth_version = auth_version + 1 WHERE id = $2",
    )
    .bind(i64::from(disabled))
    .bind(id)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn set_password(db: &Db, id: i64, password_hash: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE users SET password_hash = $1, auth_version = auth_version + 1 WHERE id = $2",
    )
    .bind(password_hash)
    .bind(id)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn set_role(
    db: &Db,
    id: i64,
    role: Role,
    merchant_id: Option<i64>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE users SET role = $1, merchant_id = $2, auth_version = auth_version + 1 WHERE id = $3",
    )
    .bind(role.as_str())
    .bind(merchant_id)
    .bind(id)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn touch_login(db: &Db, id: i64, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET last_login_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

pub async fn count_active_admins(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = 0")
        .fetch_one(&db.pool)
        .await
}
