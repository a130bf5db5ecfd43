//! `SubmissionStore`, `SkillStore` and `Store` on SQLite (`crate::sql::stores`).

use sqlx::Sqlite;

use super::ops::{SqliteTx, json};
use super::{SqliteStore, micros};

crate::sql::stores::stores!(
    SqliteStore,
    SqliteTx,
    Sqlite,
    name = "sqlite",
    time = micros,
    json = json
);
