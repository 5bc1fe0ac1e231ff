//! Message template library titles fetched from WeChat (for searching them).

use super::Db;
use crate::domain::message_template::LibraryTitle;

/// Keeps the titles of one fetched page (`offset` is the first one's position).
pub async fn remember(
    db: &Db,
    offset: i64,
    titles: &[LibraryTitle],
    now: i64,
) -> Result<(), sqlx::Error> {
    for (i, t) in titles.iter().enumerate() {
        sqlx::query(
            "INSERT INTO message_library_titles (id, title, position, fetched_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO UPDATE SET title = $2, position = $3, \
             fetched_at = $4",
        )
        .bind(&t.id)
        .bind(&t.title)
        .bind(offset + i as i64)
        .bind(now)
        .execute(&db.pool)
        .await?;
    }
    Ok(())
}

/// Titles containing `text`, in library order: one page, and how many match.
pub async fn search(
    db: &Db,
    text: &str,
    offset: i64,
    limit: i64,
) -> Result<(Vec<LibraryTitle>, i64), sqlx::Error> {
    let pattern = format!("%{}%", text.replace(['%', '_'], ""));
    let total: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM message_library_titles WHERE title LIKE $1 OR id LIKE $1",
    )
    .bind(&pattern)
    .fetch_one(&db.pool)
    .await?;
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT id, title FROM message_library_titles WHERE title LIKE $1 OR id LIKE $1 \
         ORDER BY position, id LIMIT $2 OFFSET $3",
    )
    .bind(&pattern)
    .bind(limit)
    .bind(offset)
    .fetch_all(&db.pool)
    .await?;
    Ok((
        rows.into_iter()
            .map(|(id, title)| LibraryTitle { id, title })
            .collect(),
        total,
    ))
}

/// How many titles the console has fetched.
pub async fn count(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM message_library_titles")
        .fetch_one(&db.pool)
        .await
}
