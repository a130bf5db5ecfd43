//! The SQL steps of a write transaction on SQLite (`crate::sql::ops`).

use serde::Serialize;
use skillvet_core::store::StoreResult;
use sqlx::{Sqlite, Transaction};

use super::micros;

pub struct SqliteTx(pub Transaction<'static, Sqlite>);

/// SQLite stores JSON as text.
pub(super) fn json<T: Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).expect("serialising JSON cannot fail")
}

impl SqliteTx {
    /// Workers of this process are woken by the store after commit (`Wakeups`).
    async fn jobs_enqueued(&mut self) -> StoreResult<()> {
        Ok(())
    }
}

crate::sql::ops::tx_ops!(SqliteTx, time = micros, json = json, lock_row = "");
