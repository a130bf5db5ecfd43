//! The embedded backend: one SQLite file in WAL mode. Writes go through a single connection
//! (SQLite has one writer anyway; queueing in the pool beats spinning on the busy handler) and
//! start with `BEGIN IMMEDIATE` so that a second process sharing the file waits instead of
//! failing mid-transaction. Reads use a separate pool and never block writes.

mod accounts;
mod auth;
mod health;
mod moderation;
mod ops;
mod pipeline;
mod queries;
mod queue;
mod search;
mod serving;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::Value;
use skillvet_core::store::{StoreError, StoreResult};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{Row, Sqlite, Transaction};

use crate::rows::Cells;
use crate::tx::{corrupt, db_error};

#[derive(Clone)]
pub struct SqliteStore {
    writer: SqlitePool,
    reader: SqlitePool,
    /// Wakes this process's workers after a commit that made jobs ready.
    wakeups: Arc<crate::queue::Wakeups>,
}

impl SqliteStore {
    /// Opens (creating if missing) the database at `url` (`sqlite:path` or `sqlite://path`)
    /// and applies pending migrations.
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| StoreError::Unavailable(format!("invalid SQLite URL {url:?}: {e}")))?;
        if options.get_filename().as_os_str() == ":memory:" || url.contains("mode=memory") {
            return Err(StoreError::Unavailable(
                "in-memory SQLite is not supported: give a file path, e.g. sqlite:skillvet.db"
                    .into(),
            ));
        }
        let options = options
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: an acknowledged write survives power loss, not only a process crash.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options.clone())
            .await
            .map_err(db_error)?;
        crate::migrations::sqlite()
            .run(&writer)
            .await
            .map_err(|e| StoreError::Database(format!("migrating SQLite: {e}")))?;
        let reader = SqlitePoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options.read_only(true))
            .await
            .map_err(db_error)?;
        Ok(Self {
            writer,
            reader,
            wakeups: Arc::default(),
        })
    }

    pub(crate) async fn begin(&self) -> StoreResult<Transaction<'static, Sqlite>> {
        self.writer
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(db_error)
    }

    /// The pool used for writes, for modules (queue, benchmarks) that need raw access.
    pub fn write_pool(&self) -> &SqlitePool {
        &self.writer
    }

    pub fn read_pool(&self) -> &SqlitePool {
        &self.reader
    }

    /// A read transaction: its reads see one snapshot (WAL).
    async fn begin_read(&self) -> StoreResult<Transaction<'static, Sqlite>> {
        self.reader.begin().await.map_err(db_error)
    }

    /// Wakes this process's workers after a commit that made jobs ready (SQLite has no
    /// cross-process notification; other processes poll).
    fn jobs_committed(&self) {
        self.wakeups.bump();
    }

    /// Jobs became ready outside a transaction (released, requeued, resumed).
    async fn jobs_ready(&self) -> StoreResult<()> {
        self.wakeups.bump();
        Ok(())
    }

    /// A retry is scheduled: this process's workers recompute their next wake-up.
    fn wake_local(&self) {
        self.wakeups.bump();
    }
}

pub fn micros(at: DateTime<Utc>) -> i64 {
    at.timestamp_micros()
}

impl Cells for SqliteRow {
    fn text(&self, column: &str) -> StoreResult<String> {
        self.try_get(column).map_err(db_error)
    }
    fn opt_text(&self, column: &str) -> StoreResult<Option<String>> {
        self.try_get(column).map_err(db_error)
    }
    fn int(&self, column: &str) -> StoreResult<i32> {
        self.try_get(column).map_err(db_error)
    }
    fn big(&self, column: &str) -> StoreResult<i64> {
        self.try_get(column).map_err(db_error)
    }
    fn opt_big(&self, column: &str) -> StoreResult<Option<i64>> {
        self.try_get(column).map_err(db_error)
    }
    fn float(&self, column: &str) -> StoreResult<f64> {
        self.try_get(column).map_err(db_error)
    }
    fn flag(&self, column: &str) -> StoreResult<bool> {
        self.try_get(column).map_err(db_error)
    }
    fn time(&self, column: &str) -> StoreResult<DateTime<Utc>> {
        let value: i64 = self.try_get(column).map_err(db_error)?;
        DateTime::from_timestamp_micros(value).ok_or_else(|| corrupt(format!("{column} = {value}")))
    }
    fn opt_time(&self, column: &str) -> StoreResult<Option<DateTime<Utc>>> {
        let value: Option<i64> = self.try_get(column).map_err(db_error)?;
        value
            .map(|v| {
                DateTime::from_timestamp_micros(v).ok_or_else(|| corrupt(format!("{column} = {v}")))
            })
            .transpose()
    }
    fn json(&self, column: &str) -> StoreResult<Value> {
        let text: String = self.try_get(column).map_err(db_error)?;
        serde_json::from_str(&text).map_err(|e| corrupt(format!("{column}: {e}")))
    }
}
