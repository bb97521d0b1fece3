//! Storage: one pool, one set of queries, two backends.
//!
//! Policy (ADR 0002): every query is written once in portable SQL and runs through sqlx's
//! `Any` driver on SQLite (the default, embedded) or PostgreSQL. Columns hold only what `Any`
//! decodes: BIGINT for ids, pence and years, TEXT for codes, dates and timestamps. Sums of
//! money are cast back to BIGINT (PostgreSQL widens them to NUMERIC). Queries live in this
//! module only, name their columns, and multi-row writes run in one transaction.

pub mod audit;
pub mod board_packs;
pub mod cache;
pub mod estate;
pub mod form_drafts;
pub mod imports;
pub mod open_data;
pub mod organisations;
pub mod reference;
pub mod returns;
pub mod savings;
pub mod sessions;
pub mod shared;
pub mod users;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, ConnectOptions, Executor};
use std::str::FromStr;
use std::time::Duration;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/postgres");

/// Which database engine a URL points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend a database URL selects, or `None` for a scheme the tracker does not support.
    pub fn from_url(url: &str) -> Option<Backend> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        }
    }
}

/// Errors from the storage layer. Converted to `AppError::Internal` at the service boundary.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("stored data is not valid: {0}")]
    Corrupt(String),
    #[error("the database URL must start with sqlite: or postgres://")]
    UnsupportedUrl,
    /// Something this database cannot do, said in words for the person who asked.
    #[error("{0}")]
    Unsupported(String),
}

impl From<crate::domain::ParseError> for DbError {
    fn from(value: crate::domain::ParseError) -> Self {
        DbError::Corrupt(value.to_string())
    }
}

impl From<DbError> for crate::error::AppError {
    fn from(value: DbError) -> Self {
        crate::error::AppError::internal(value)
    }
}

impl DbError {
    /// Whether the error is a unique-constraint violation (a duplicate key).
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, DbError::Sqlx(sqlx::Error::Database(e)) if e.is_unique_violation())
    }
}

/// The shared connection pool and the backend it talks to.
#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
    /// What this instance computed from the data, kept while the data version stands still.
    cache: std::sync::Arc<cache::ReadCache>,
}

/// How many computed results (dashboards, body pages) an instance keeps.
const CACHE_CAPACITY: usize = 256;

impl Db {
    /// Opens a pool. SQLite files are created if missing and opened with WAL, foreign keys and
    /// a busy timeout on every connection.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Db, DbError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url).ok_or(DbError::UnsupportedUrl)?;
        let options = AnyConnectOptions::from_str(url)?.disable_statement_logging();
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(30))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute(sqlx::raw_sql(
                            "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 30000; \
                             PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;",
                        ))
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        Ok(Db {
            pool,
            backend,
            cache: std::sync::Arc::new(cache::ReadCache::new(CACHE_CAPACITY)),
        })
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Begins a write transaction. On SQLite it is `BEGIN IMMEDIATE`: it takes the one write
    /// lock at its start, waiting for it (the busy timeout) behind other writers, so a
    /// transaction that reads before it writes never fails to upgrade ("database is locked")
    /// and a lost race is seen as a changed row version — a conflict (ADR 0002). PostgreSQL
    /// begins as usual; its row locks and `row_version` checks do the same there.
    pub async fn begin(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, DbError> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The instance's cache of computed results (see `cache`).
    pub fn cache(&self) -> &cache::ReadCache {
        &self.cache
    }

    /// Applies the backend's migrations that have not run yet.
    pub async fn migrate(&self) -> Result<(), DbError> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&self.pool).await?;
        Ok(())
    }

    /// A round trip to the database, for `/healthz`.
    pub async fn ping(&self) -> Result<(), DbError> {
        let one: i64 = sqlx::query_scalar("SELECT CAST(1 AS BIGINT)")
            .fetch_one(&self.pool)
            .await?;
        if one == 1 {
            Ok(())
        } else {
            Err(DbError::Corrupt("SELECT 1 did not return 1".into()))
        }
    }

    /// Writes a consistent copy of a SQLite database to `target` while others keep writing
    /// (`VACUUM INTO` reads one snapshot), then checks the copy's integrity. The target must not
    /// exist. PostgreSQL is backed up with `pg_dump` instead.
    pub async fn backup_to(&self, target: &std::path::Path) -> Result<BackupReport, DbError> {
        if self.backend != Backend::Sqlite {
            return Err(DbError::Unsupported(
                "backup copies SQLite databases; back up PostgreSQL with pg_dump (see the README)"
                    .into(),
            ));
        }
        if target.exists() {
            return Err(DbError::Unsupported(format!(
                "{} exists already: choose a new file so that no backup is overwritten",
                target.display()
            )));
        }
        let path = target
            .to_str()
            .ok_or_else(|| DbError::Unsupported("the backup path is not valid UTF-8".into()))?;
        sqlx::query("VACUUM INTO $1")
            .bind(path)
            .execute(&self.pool)
            .await?;
        let copy = Db::connect(&format!("sqlite://{path}"), 1).await?;
        let report = copy.check().await;
        copy.close().await;
        report
    }

    /// Checks a SQLite database's integrity and foreign keys, and counts what it holds.
    pub async fn check(&self) -> Result<BackupReport, DbError> {
        if self.backend == Backend::Sqlite {
            let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
                .fetch_one(&self.pool)
                .await?;
            if integrity != "ok" {
                return Err(DbError::Corrupt(format!("integrity check: {integrity}")));
            }
            let broken: Vec<(String,)> =
                sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_check")
                    .fetch_all(&self.pool)
                    .await?;
            if let Some((table,)) = broken.first() {
                return Err(DbError::Corrupt(format!(
                    "{} rows break a foreign key (first in {table})",
                    broken.len()
                )));
            }
        }
        let count = |table: &'static str| {
            let pool = self.pool.clone();
            async move {
                sqlx::query_scalar::<_, i64>(&format!(
                    "SELECT CAST(COUNT(*) AS BIGINT) FROM {table}"
                ))
                .fetch_one(&pool)
                .await
            }
        };
        Ok(BackupReport {
            organisations: count("organisations").await?,
            users: count("users").await?,
            returns: count("spend_returns").await?,
            return_lines: count("spend_return_lines").await?,
            audit_entries: count("audit_log").await?,
        })
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// What a checked database holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BackupReport {
    pub organisations: i64,
    pub users: i64,
    pub returns: i64,
    pub return_lines: i64,
    pub audit_entries: i64,
}

/// Text for a `LIKE … ESCAPE '\'` pattern that matches it literally.
pub(crate) fn like_escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// Escapes `%`, `_` and `\` so that user text matches literally inside a LIKE pattern.
pub fn like_pattern(text: &str) -> String {
    format!("%{}%", like_escape(&text.trim().to_lowercase()))
}

/// Parses an optional ISO date column.
fn parse_date(column: &str, value: Option<String>) -> Result<Option<chrono::NaiveDate>, DbError> {
    value
        .map(|text| {
            chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(|_| {
                DbError::Corrupt(format!("{column}: {text:?} is not a YYYY-MM-DD date"))
            })
        })
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::like_pattern;

    #[test]
    fn like_patterns_match_user_text_literally() {
        assert_eq!(like_pattern(" Fife "), "%fife%");
        assert_eq!(like_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }
}
