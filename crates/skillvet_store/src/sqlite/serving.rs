//! `ServingStore` on SQLite (`crate::sql::serving`).

use sqlx::Sqlite;

use super::ops::json;
use super::{SqliteStore, micros};

crate::sql::serving::serving_store!(SqliteStore, Sqlite, time = micros, json = json);
