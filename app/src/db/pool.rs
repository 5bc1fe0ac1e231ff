use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Connection};
use std::time::Duration;

/// A PostgreSQL connection that sat idle this long is pinged before it is used again.
const PING_AFTER_IDLE: Duration = Duration::from_secs(10);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DbKind {
    Sqlite,
    Postgres,
}

/// One pool for either database; the SQL in the repositories runs unchanged on both.
#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub kind: DbKind,
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

impl Db {
    pub fn kind_of(url: &str) -> Option<DbKind> {
        if url.starts_with("sqlite:") {
            Some(DbKind::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(DbKind::Postgres)
        } else {
            None
        }
    }

    pub async fn connect(url: &str, max_connections: u32) -> Result<Db, sqlx::Error> {
        sqlx::any::install_default_drivers();
        let kind = Self::kind_of(url).ok_or_else(|| {
            sqlx::Error::Configuration("database URL must start with sqlite: or postgres://".into())
        })?;
        // Pinging before every query doubled the round trips of a page's queries (issue 16).
        // A SQLite connection is a local file that cannot drop: never pinged. A PostgreSQL one
        // can (a server restart, a proxy's idle timeout), which is likeliest after it sat idle:
        // only those are pinged; a connection that breaks in use fails its query and is closed
        // by the pool.
        let mut options = AnyPoolOptions::new()
            .max_connections(max_connections)
            .test_before_acquire(false)
            .acquire_timeout(Duration::from_secs(10));
        if kind == DbKind::Postgres {
            options = options.before_acquire(|conn, meta| {
                Box::pin(async move {
                    if meta.idle_for >= PING_AFTER_IDLE {
                        conn.ping().await?;
                    }
                    Ok(true)
                })
            });
        }
        let pool = options.connect(url).await?;
        if kind == DbKind::Sqlite {
            // WAL lets readers proceed while one writer commits; the setting persists in the file.
            sqlx::query("PRAGMA journal_mode=WAL")
                .fetch_optional(&pool)
                .await?;
        }
        Ok(Db { pool, kind })
    }

    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        match self.kind {
            DbKind::Sqlite => SQLITE_MIGRATIONS.run(&self.pool).await,
            DbKind::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await,
        }
    }

    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        let _: Option<AnyRow> = sqlx::query("SELECT 1").fetch_optional(&self.pool).await?;
        Ok(())
    }
}

/// Unix seconds.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

pub fn is_unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .is_some_and(|d| d.is_unique_violation())
}
