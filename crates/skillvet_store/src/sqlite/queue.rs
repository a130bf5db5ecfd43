//! The job queue on SQLite. Every state change is one `UPDATE … RETURNING` statement on the
//! single writer connection: SQLite takes its write lock when such a statement starts, so a
//! claim can never hand a job to two workers, in this process or in another one sharing the
//! file (they wait on the busy timeout).

use std::time::Duration;

use chrono::{DateTime, Utc};
use skillvet_core::model::Id;
use skillvet_core::queue::{
    ClaimRequest, Claimed, Enqueued, FailOutcome, Failure, Job, JobCount, JobFilter, Lease, NewJob,
    Pause,
};
use skillvet_core::store::{StoreError, StoreResult};
use sqlx::{QueryBuilder, Sqlite};
use tokio::sync::watch;

use super::ops::SqliteTx;
use super::{SqliteStore, micros};
use crate::queue::{self, ALL_KINDS, LEASE_EXPIRED};
use crate::rows::Cells;
use crate::tx::{TxOps, db_error};

/// Attempts at enqueueing when the job holding the dedup key finishes in between.
const ENQUEUE_TRIES: usize = 3;

impl SqliteStore {
    async fn job_rows(&self, sql: &'static str, id: Id) -> StoreResult<Option<Job>> {
        let row = sqlx::query(sql)
            .bind(id)
            .fetch_optional(&self.reader)
            .await
            .map_err(db_error)?;
        row.as_ref().map(queue::job).transpose()
    }

    async fn active_job_with_key(&self, key: &str) -> StoreResult<Option<Id>> {
        sqlx::query_scalar(
            "SELECT id FROM jobs WHERE dedup_key = $1 AND state IN ('queued', 'running')",
        )
        .bind(key)
        .fetch_optional(&self.writer)
        .await
        .map_err(db_error)
    }

    /// Runs a fenced update; `true` when the lease was still held.
    async fn fenced(
        &self,
        query: sqlx::query::Query<'_, Sqlite, sqlx::sqlite::SqliteArguments>,
    ) -> StoreResult<bool> {
        let done = query.execute(&self.writer).await.map_err(db_error)?;
        Ok(done.rows_affected() == 1)
    }
}

crate::sql::queue::job_queue!(SqliteStore, Sqlite, time = micros, {
    async fn enqueue(&self, job: &NewJob, now: DateTime<Utc>) -> StoreResult<Enqueued> {
        let insert = queue::new_job(job, now)?;
        for _ in 0..ENQUEUE_TRIES {
            let mut tx = SqliteTx(self.begin().await?);
            let id = tx.enqueue(&insert, now).await?;
            tx.0.commit().await.map_err(db_error)?;
            if let Some(id) = id {
                self.wakeups.bump();
                return Ok(Enqueued::Created(id));
            }
            let key = insert.dedup_key.as_deref().unwrap_or_default();
            if let Some(id) = self.active_job_with_key(key).await? {
                return Ok(Enqueued::Duplicate(id));
            }
        }
        Err(StoreError::Conflict(format!(
            "job with dedup key {:?} keeps changing state; retry",
            insert.dedup_key
        )))
    }

    async fn claim(
        &self,
        request: &ClaimRequest<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<Claimed>> {
        if request.limit == 0 || request.kinds.is_empty() {
            return Ok(vec![]);
        }
        let until = queue::lease_until(now, request.lease)?;
        let kinds = serde_json::to_string(request.kinds).expect("strings serialise");
        let rows = sqlx::query(
            "UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_owner = $1, \
                 lease_expires_at = $2, updated_at = $3 \
             WHERE id IN ( \
                 SELECT j.id FROM jobs j \
                 WHERE j.state = 'queued' AND j.run_at <= $3 \
                     AND j.kind IN (SELECT value FROM json_each($4)) \
                     AND NOT EXISTS (SELECT 1 FROM queue_pauses p WHERE p.kind IN ($5, j.kind)) \
                 ORDER BY j.priority DESC, j.run_at, j.id \
                 LIMIT $6) \
             RETURNING *",
        )
        .bind(request.owner)
        .bind(micros(until))
        .bind(micros(now))
        .bind(kinds)
        .bind(ALL_KINDS)
        .bind(i64::from(request.limit))
        .fetch_all(&self.writer)
        .await
        .map_err(db_error)?;
        let jobs = rows.iter().map(queue::job).collect::<StoreResult<_>>()?;
        Ok(queue::claimed(jobs, request.owner))
    }

    async fn complete_many(&self, leases: &[Lease], now: DateTime<Utc>) -> StoreResult<Vec<Id>> {
        if leases.is_empty() {
            return Ok(vec![]);
        }
        let mut query = QueryBuilder::<Sqlite>::new(
            "UPDATE jobs SET state = 'succeeded', lease_expires_at = NULL, updated_at = ",
        );
        query
            .push_bind(micros(now))
            .push(", finished_at = ")
            .push_bind(micros(now));
        query.push(" WHERE state = 'running' AND (id, lease_owner, attempts) IN (VALUES ");
        let mut rows = query.separated(", ");
        for lease in leases {
            rows.push("(")
                .push_bind_unseparated(lease.job_id)
                .push_unseparated(", ")
                .push_bind_unseparated(lease.owner.clone())
                .push_unseparated(", ")
                .push_bind_unseparated(lease.attempt)
                .push_unseparated(")");
        }
        query.push(") RETURNING id");
        query
            .build_query_scalar()
            .fetch_all(&self.writer)
            .await
            .map_err(db_error)
    }

    async fn job(&self, id: Id) -> StoreResult<Option<Job>> {
        self.job_rows("SELECT * FROM jobs WHERE id = $1", id).await
    }

    async fn latest_jobs(&self, dedup_keys: &[String]) -> StoreResult<Vec<Job>> {
        if dedup_keys.is_empty() {
            return Ok(vec![]);
        }
        let keys = serde_json::to_string(dedup_keys).expect("strings serialise");
        let rows = sqlx::query(
            "SELECT * FROM jobs WHERE id IN ( \
                 SELECT MAX(id) FROM jobs \
                 WHERE dedup_key IN (SELECT value FROM json_each($1)) GROUP BY dedup_key)",
        )
        .bind(keys)
        .fetch_all(&self.reader)
        .await
        .map_err(db_error)?;
        rows.iter().map(queue::job).collect()
    }

    async fn next_run_at(&self, kinds: &[String]) -> StoreResult<Option<DateTime<Utc>>> {
        let kinds = serde_json::to_string(kinds).expect("strings serialise");
        let next: Option<i64> = sqlx::query_scalar(
            "SELECT MIN(j.run_at) FROM jobs j \
             WHERE j.state = 'queued' AND j.kind IN (SELECT value FROM json_each($1)) \
                 AND NOT EXISTS (SELECT 1 FROM queue_pauses p WHERE p.kind IN ($2, j.kind))",
        )
        .bind(kinds)
        .bind(ALL_KINDS)
        .fetch_one(&self.reader)
        .await
        .map_err(db_error)?;
        Ok(next.and_then(DateTime::from_timestamp_micros))
    }

    fn wakeups(&self) -> watch::Receiver<u64> {
        self.wakeups.subscribe()
    }
});
