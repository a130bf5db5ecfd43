//! The scale-out backend: PostgreSQL shared by several stateless `serve`/`worker` processes.
//! Transactions run at READ COMMITTED; identity is enforced by unique indexes, state changes
//! lock their row (`FOR UPDATE`) and compare-and-set.

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
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::Value;
use skillvet_core::store::{StoreError, StoreResult};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use sqlx::{Postgres, Row, Transaction};

use crate::rows::Cells;
use crate::tx::db_error;

#[derive(Clone)]
pub struct PgStore {
    pool: PgPool,
    /// Wakes this process's workers: local commits and `NOTIFY`s from other processes.
    wakeups: queue::SharedWakeups,
}

impl PgStore {
    /// Connects to `url` (`postgres://user@host:port/db`, optionally `?options[search_path]=…`)
    /// and applies pending migrations (serialised across processes by an advisory lock).
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| StoreError::Unavailable(format!("invalid PostgreSQL URL: {e}")))?;
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .map_err(db_error)?;
        crate::migrations::postgres()
            .run(&pool)
            .await
            .map_err(|e| StoreError::Database(format!("migrating PostgreSQL: {e}")))?;
        Ok(Self {
            pool,
            wakeups: Default::default(),
        })
    }

    pub(crate) async fn begin(&self) -> StoreResult<Transaction<'static, Postgres>> {
        self.pool.begin().await.map_err(db_error)
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Reads and writes share one pool on PostgreSQL.
    fn read_pool(&self) -> &PgPool {
        &self.pool
    }

    fn write_pool(&self) -> &PgPool {
        &self.pool
    }

    /// A read transaction whose reads see one snapshot.
    async fn begin_read(&self) -> StoreResult<Transaction<'static, Postgres>> {
        self.pool
            .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .await
            .map_err(db_error)
    }

    /// Nothing to do: jobs enqueued in the transaction sent a `NOTIFY` delivered at commit.
    fn jobs_committed(&self) {}
}

impl Cells for PgRow {
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
        self.try_get(column).map_err(db_error)
    }
    fn opt_time(&self, column: &str) -> StoreResult<Option<DateTime<Utc>>> {
        self.try_get(column).map_err(db_error)
    }
    fn json(&self, column: &str) -> StoreResult<Value> {
        self.try_get(column).map_err(db_error)
    }
}
