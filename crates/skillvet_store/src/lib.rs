//! Storage for skillvet: [`SqliteStore`] (embedded default) and [`PgStore`] (scale-out), both
//! implementing `skillvet_core::store::Store` with hand-written, runtime-checked queries.

mod health;
pub mod migrations;
mod pipeline;
mod postgres;
mod queue;
mod rows;
mod serving;
mod sql;
mod sqlite;
mod tx;

use std::sync::Arc;

use skillvet_core::store::{Store, StoreError, StoreResult};

pub use postgres::PgStore;
pub use sqlite::SqliteStore;
pub use tx::{VERIFY_JOB, VERIFY_JOB_MAX_ATTEMPTS};

/// Opens the store named by `url`: `sqlite:…` for the embedded file, `postgres://…` (or
/// `postgresql://…`) for PostgreSQL. Migrations are applied.
pub async fn connect(url: &str) -> StoreResult<Arc<dyn Store>> {
    if url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteStore::connect(url).await?))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(PgStore::connect(url).await?))
    } else {
        Err(StoreError::Unavailable(format!(
            "unsupported database URL scheme in {:?}: use sqlite:PATH or postgres://…",
            url.split(':').next().unwrap_or_default()
        )))
    }
}
