//! The SQL steps of a write transaction on PostgreSQL (`crate::sql::ops`).

use chrono::{DateTime, Utc};
use skillvet_core::store::StoreResult;
use sqlx::types::Json;
use sqlx::{Postgres, Transaction};

pub struct PgTx(pub Transaction<'static, Postgres>);

pub(super) fn json<T: ?Sized>(value: &T) -> Json<&T> {
    Json(value)
}

pub(super) fn time(at: DateTime<Utc>) -> DateTime<Utc> {
    at
}

impl PgTx {
    /// Delivered at commit (and only then) to every listening worker process.
    async fn jobs_enqueued(&mut self) -> StoreResult<()> {
        super::queue::notify(&mut self.0).await
    }
}

crate::sql::ops::tx_ops!(
    PgTx,
    time = time,
    json = json,
    lock_row = " FOR UPDATE OF s"
);
