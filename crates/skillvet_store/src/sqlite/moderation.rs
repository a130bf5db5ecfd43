//! `ModerationStore` on SQLite (`crate::sql::moderation`).

use sqlx::Sqlite;

use super::ops::{SqliteTx, json};
use super::{SqliteStore, micros};

crate::sql::moderation::moderation_store!(
    SqliteStore,
    SqliteTx,
    Sqlite,
    time = micros,
    json = json
);
