use super::Db;
use crate::domain::merchant_permission::MerchantPermission;
use crate::model::{MerchantOption, MerchantRow};

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    name: String,
    mini_program_count: i64,
    created_at: i64,
    permission: String,
}

pub async fn insert(db: &Db, name: &str, now: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar::<_, i64>(
        "INSERT INTO merchants (name, created_at) VALUES ($1, $2) RETURNING id",
    )
    .bind(name)
    .bind(now)
    .fetch_one(&db.pool)
    .await
}

pub async fn rename(db: &Db, id: i64, name: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("UPDATE merchants SET name = $1 WHERE id = $2")
        .bind(name)
        .bind(id)
        .execute(&db.pool)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn list(db: &Db) -> Result<Vec<MerchantRow>, sqlx::Error> {
    let rows = sqlx::query_as::<_, Row>(
        "SELECT m.id, m.name, m.created_at, m.permission, \
           (SELECT COUNT(*) FROM mini_programs p WHERE p.merchant_id = m.id) AS mini_program_count \
         FROM merchants m ORDER BY m.name",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| MerchantRow {
            id: r.id,
            name: r.name,
            mini_program_count: r.mini_program_count,
            created_at: r.created_at,
            permission: stored_permission(&r.permission),
        })
        .collect())
}

pub async fn options(db: &Db) -> Result<Vec<MerchantOption>, sqlx::Error> {
    let rows: Vec<(i64, String)> = sqlx::query_as("SELECT id, name FROM merchants ORDER BY name")
        .fetch_all(&db.pool)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name)| MerchantOption { id, name })
        .collect())
}

pub async fn find(db: &Db, id: i64) -> Result<Option<MerchantOption>, sqlx::Error> {
    let row: Option<(i64, String)> = sqlx::query_as("SELECT id, name FROM merchants WHERE id = $1")
        .bind(id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.map(|(id, name)| MerchantOption { id, name }))
}

pub async fn find_by_name(db: &Db, name: &str) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM merchants WHERE name = $1")
        .bind(name)
        .fetch_optional(&db.pool)
        .await
}

/// The merchant's grant; None when there is no such merchant.
pub async fn permission(db: &Db, id: i64) -> Result<Option<MerchantPermission>, sqlx::Error> {
    let stored: Option<String> =
        sqlx::query_scalar("SELECT permission FROM merchants WHERE id = $1")
            .bind(id)
            .fetch_optional(&db.pool)
            .await?;
    Ok(stored.as_deref().map(stored_permission))
}

/// A stored value the console does not know grants the least (view): the admin page shows
/// what the server enforces.
fn stored_permission(stored: &str) -> MerchantPermission {
    MerchantPermission::parse(stored).unwrap_or(MerchantPermission::View)
}

pub async fn set_permission(
    db: &Db,
    id: i64,
    permission: MerchantPermission,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("UPDATE merchants SET permission = $1 WHERE id = $2")
        .bind(permission.as_str())
        .bind(id)
        .execute(&db.pool)
        .await?;
    Ok(done.rows_affected() == 1)
}
