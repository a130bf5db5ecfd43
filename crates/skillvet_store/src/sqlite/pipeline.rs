//! `PipelineStore` on SQLite (`crate::sql::pipeline`).

use super::ops::{SqliteTx, json};
use super::{SqliteStore, micros};

crate::sql::pipeline::pipeline_store!(SqliteStore, SqliteTx, time = micros, json = json);
