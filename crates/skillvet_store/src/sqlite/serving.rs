//! `ServingStore` on SQLite (`crate::sql::serving`).

use sqlx::Sqlite;

use super::SqliteStore;

crate::sql::serving::serving_store!(SqliteStore, Sqlite);
