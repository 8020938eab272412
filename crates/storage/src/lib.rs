//! One storage layer over SQLite (default, embedded) and PostgreSQL.
//!
//! All queries go through sqlx's `Any` driver with portable SQL (`$1` placeholders, `RETURNING`,
//! `ON CONFLICT`), so there is one code path for both databases; the few real dialect
//! differences (`FOR UPDATE SKIP LOCKED`, advisory locks, `BEGIN IMMEDIATE`) are switched on
//! [`Backend`]. The storage contract tests run every function here against both databases.
//!
//! Error policy: functions return [`StorageError`]; a missing row is `NotFound`, a named unique
//! constraint is `Conflict(name)`, anything else is `Database` and is logged by the caller.

pub mod accounts;
pub mod audit;
pub mod cases;
pub mod cases_dup;
pub mod cases_stats;
pub mod census;
pub mod jobs;
mod migrate;
pub mod network;
pub mod orgs;
pub mod outreach;
pub mod reports;
pub mod services;
pub mod sessions;
pub mod settlements;
pub mod territory;
pub mod throttle;
pub mod tokens;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyPool, Executor};
use std::str::FromStr;
use std::time::Duration;

pub use migrate::{MIGRATIONS_POSTGRES, MIGRATIONS_SQLITE};

/// A transaction on either database.
pub type Tx = sqlx::Transaction<'static, Any>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("record not found")]
    NotFound,
    #[error("conflict on {0}")]
    Conflict(String),
    #[error("unsupported database URL (use sqlite://… or postgres://…)")]
    UnsupportedUrl,
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
}

impl From<sqlx::Error> for StorageError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::RowNotFound => Self::NotFound,
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                Self::Conflict(db.constraint().map(str::to_owned).unwrap_or_else(|| db.message().to_owned()))
            }
            _ => Self::Database(e),
        }
    }
}

pub type Result<T, E = StorageError> = std::result::Result<T, E>;

/// The database handle shared by the whole application.
#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    /// SQLite: the one connection write transactions use ([`Db::begin`]). SQLite has one
    /// writer at a time; when two connections of a process both wanted to write, the second
    /// slept in SQLite's busy handler (1 ms, then 2, 5, 10… however soon the lock was free),
    /// which held back concurrent census submissions (docs/PERFORMANCE.md, Census). Queued on a
    /// pool of one connection, the next writer starts as soon as the previous transaction
    /// ends. Other processes (the CLI beside a server) still meet the busy timeout.
    writer: Option<AnyPool>,
    backend: Backend,
}

impl Db {
    /// Connects to `url` (`sqlite://path` or `postgres://…`), without migrating.
    #[tracing::instrument(skip(url), fields(backend))]
    pub async fn connect(url: &str, max_connections: u32) -> Result<Self> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(StorageError::UnsupportedUrl);
        };
        tracing::Span::current().record("backend", tracing::field::debug(backend));
        let opts = AnyConnectOptions::from_str(url)?;
        let pool =
            Self::pool_options(backend, max_connections, Duration::from_secs(10)).connect_with(opts.clone()).await?;
        let writer = match backend {
            // As long as the busy timeout: a writer waits for the lock as it did in SQLite.
            Backend::Sqlite => Some(Self::pool_options(backend, 1, Duration::from_secs(15)).connect_with(opts).await?),
            Backend::Postgres => None,
        };
        Ok(Self { pool, writer, backend })
    }

    fn pool_options(backend: Backend, max_connections: u32, acquire_timeout: Duration) -> AnyPoolOptions {
        AnyPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(acquire_timeout)
            // A SQLite connection is a file handle on a worker thread: it does not go stale as
            // a network connection does, and the ping before every acquisition was a round trip
            // to that thread on every request.
            .test_before_acquire(backend == Backend::Postgres)
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // Pragmas that answer with a row are read to the end: a statement left
                        // half-stepped stays active, and `journal_mode` would keep the WAL write
                        // lock of this idle connection, locking out every other process (seen
                        // with the CLI beside a server).
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        // Writers queue on the lock; 15 s covers a long import in another process.
                        sqlx::query("PRAGMA busy_timeout = 15000").fetch_all(&mut *conn).await?;
                        sqlx::query("PRAGMA journal_mode = WAL").fetch_all(&mut *conn).await?;
                        conn.execute("PRAGMA synchronous = NORMAL").await?;
                    }
                    Ok(())
                })
            })
    }

    /// Connects and applies pending migrations.
    pub async fn open(url: &str, max_connections: u32) -> Result<Self> {
        let db = Self::connect(url, max_connections).await?;
        db.migrate().await?;
        Ok(db)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Begins a write transaction. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`), so concurrent writers wait instead of failing on lock upgrade: in
    /// this process for the writer connection, across processes on the busy timeout. Never
    /// begin a second transaction while holding one: on SQLite it would wait for the first.
    pub async fn begin(&self) -> Result<Tx> {
        Ok(match self.backend {
            Backend::Sqlite => self.writer.as_ref().unwrap_or(&self.pool).begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    /// Is the database reachable?
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub async fn close(&self) {
        if let Some(w) = &self.writer {
            w.close().await;
        }
        self.pool.close().await;
    }
}

/// Current Unix time in seconds.
pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// 0/1 flag to bool.
pub(crate) fn flag(v: i64) -> bool {
    v != 0
}
