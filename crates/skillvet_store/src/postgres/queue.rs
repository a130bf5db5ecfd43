//! The job queue on PostgreSQL. Claims lock the chosen rows with `FOR UPDATE SKIP LOCKED`
//! inside one `UPDATE … FROM (SELECT …)` statement, so concurrent workers in any number of
//! processes each get different jobs without waiting on each other.
//!
//! Wake-ups cross processes with `LISTEN/NOTIFY`: every enqueue sends a `NOTIFY` inside its
//! own transaction (delivered only if it commits), and a listener task per process turns
//! notifications into in-process wake-ups, reconnecting with backoff when the connection
//! drops. The channel is derived from the schema, so registries (and tests) sharing one
//! database do not wake each other.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use skillvet_core::model::Id;
use skillvet_core::queue::{
    ClaimRequest, Claimed, Enqueued, FailOutcome, Failure, Job, JobCount, JobFilter, Lease, NewJob,
    Pause,
};
use skillvet_core::store::{StoreError, StoreResult};
use sqlx::postgres::{PgListener, PgPool};
use sqlx::{PgConnection, Postgres, QueryBuilder};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::PgStore;
use super::ops::{PgTx, time};
use crate::queue::{self, ALL_KINDS, LEASE_EXPIRED, Wakeups};
use crate::rows::Cells;
use crate::tx::{TxOps, db_error};

const ENQUEUE_TRIES: usize = 3;

/// The notification channel of the current schema (identifiers are limited to 63 bytes).
const CHANNEL: &str = "'skillvet_jobs_' || left(md5(current_schema()), 16)";

/// Sends the wake-up notification on `conn` (inside its transaction, if any).
pub(crate) async fn notify(conn: &mut PgConnection) -> StoreResult<()> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT pg_notify({CHANNEL}, '')"
    )))
    .execute(conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// This process's wake-up signal and the listener task feeding it.
#[derive(Default)]
pub(crate) struct PgWakeups {
    local: Wakeups,
    listener: Mutex<Option<JoinHandle<()>>>,
}

impl PgWakeups {
    fn subscribe(&self, pool: &PgPool) -> watch::Receiver<u64> {
        let receiver = self.local.subscribe();
        let mut listener = self.listener.lock().expect("listener mutex poisoned");
        let running = listener.as_ref().is_some_and(|task| !task.is_finished());
        if !running && let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let sender = self.local.sender().clone();
            *listener = Some(runtime.spawn(listen(pool.clone(), sender)));
        }
        receiver
    }
}

/// Forwards notifications to `wake` until every receiver is gone or the pool is closed.
/// After any gap (connect failure, lost connection) it wakes the workers once, since
/// notifications sent in the gap are lost and jobs may be waiting.
async fn listen(pool: PgPool, wake: watch::Sender<u64>) {
    let bump = || wake.send_modify(|n| *n = n.wrapping_add(1));
    let mut backoff = Duration::from_millis(100);
    loop {
        if pool.is_closed() {
            return;
        }
        match subscribe(&pool).await {
            Ok(mut listener) => {
                backoff = Duration::from_millis(100);
                bump();
                loop {
                    tokio::select! {
                        _ = wake.closed() => return,
                        message = listener.try_recv() => match message {
                            Ok(Some(_)) => bump(),
                            // The connection dropped; the next call reconnects.
                            Ok(None) => bump(),
                            Err(err) => {
                                tracing::warn!(error = %err, "job notification listener lost its connection");
                                bump();
                                break;
                            }
                        },
                    }
                }
            }
            Err(err) => {
                tracing::warn!(error = %err, retry_in = ?backoff, "cannot listen for job notifications");
            }
        }
        tokio::select! {
            _ = wake.closed() => return,
            _ = tokio::time::sleep(backoff) => {}
        }
        backoff = (backoff * 2).min(Duration::from_secs(10));
    }
}

async fn subscribe(pool: &PgPool) -> Result<PgListener, sqlx::Error> {
    let channel: String = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT {CHANNEL}")))
        .fetch_one(pool)
        .await?;
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(&channel).await?;
    Ok(listener)
}

impl PgStore {
    /// Jobs became ready outside a transaction: wake this process and notify the others.
    pub(super) async fn jobs_ready(&self) -> StoreResult<()> {
        self.notify_workers().await
    }

    /// A retry is scheduled: this process's workers recompute their next wake-up.
    fn wake_local(&self) {
        self.wakeups.local.bump();
    }

    async fn notify_workers(&self) -> StoreResult<()> {
        self.wakeups.local.bump();
        let mut conn = self.pool.acquire().await.map_err(db_error)?;
        notify(&mut conn).await
    }

    async fn fenced(
        &self,
        query: sqlx::query::Query<'_, Postgres, sqlx::postgres::PgArguments>,
    ) -> StoreResult<bool> {
        let done = query.execute(&self.pool).await.map_err(db_error)?;
        Ok(done.rows_affected() == 1)
    }
}

crate::sql::queue::job_queue!(PgStore, Postgres, time = time, {
    async fn enqueue(&self, job: &NewJob, now: DateTime<Utc>) -> StoreResult<Enqueued> {
        let insert = queue::new_job(job, now)?;
        for _ in 0..ENQUEUE_TRIES {
            let mut tx = PgTx(self.begin().await?);
            let id = tx.enqueue(&insert, now).await?;
            tx.0.commit().await.map_err(db_error)?;
            if let Some(id) = id {
                self.wakeups.local.bump();
                return Ok(Enqueued::Created(id));
            }
            let existing: Option<Id> = sqlx::query_scalar(
                "SELECT id FROM jobs WHERE dedup_key = $1 AND state IN ('queued', 'running')",
            )
            .bind(&insert.dedup_key)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?;
            if let Some(id) = existing {
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
        let rows = sqlx::query(
            "UPDATE jobs SET state = 'running', attempts = jobs.attempts + 1, lease_owner = $1, \
                 lease_expires_at = $2, updated_at = $3 \
             FROM ( \
                 SELECT j.id FROM jobs j \
                 WHERE j.state = 'queued' AND j.run_at <= $3 AND j.kind = ANY($4) \
                     AND NOT EXISTS (SELECT 1 FROM queue_pauses p WHERE p.kind IN ($5, j.kind)) \
                 ORDER BY j.priority DESC, j.run_at, j.id \
                 LIMIT $6 \
                 FOR UPDATE SKIP LOCKED) picked \
             WHERE jobs.id = picked.id \
             RETURNING jobs.*",
        )
        .bind(request.owner)
        .bind(until)
        .bind(now)
        .bind(request.kinds)
        .bind(ALL_KINDS)
        .bind(i64::from(request.limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        let jobs = rows.iter().map(queue::job).collect::<StoreResult<_>>()?;
        Ok(queue::claimed(jobs, request.owner))
    }

    async fn complete_many(&self, leases: &[Lease], now: DateTime<Utc>) -> StoreResult<Vec<Id>> {
        if leases.is_empty() {
            return Ok(vec![]);
        }
        let ids: Vec<Id> = leases.iter().map(|l| l.job_id).collect();
        let owners: Vec<String> = leases.iter().map(|l| l.owner.clone()).collect();
        let attempts: Vec<i32> = leases.iter().map(|l| l.attempt).collect();
        sqlx::query_scalar(
            "UPDATE jobs SET state = 'succeeded', lease_expires_at = NULL, updated_at = $1, \
                 finished_at = $1 \
             WHERE state = 'running' AND (id, lease_owner, attempts) IN \
                 (SELECT * FROM UNNEST($2::bigint[], $3::text[], $4::int[])) \
             RETURNING id",
        )
        .bind(now)
        .bind(ids)
        .bind(owners)
        .bind(attempts)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)
    }

    async fn job(&self, id: Id) -> StoreResult<Option<Job>> {
        let row = sqlx::query("SELECT * FROM jobs WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?;
        row.as_ref().map(queue::job).transpose()
    }

    async fn latest_jobs(&self, dedup_keys: &[String]) -> StoreResult<Vec<Job>> {
        if dedup_keys.is_empty() {
            return Ok(vec![]);
        }
        let rows = sqlx::query(
            "SELECT DISTINCT ON (dedup_key) * FROM jobs \
             WHERE dedup_key = ANY($1) ORDER BY dedup_key, id DESC",
        )
        .bind(dedup_keys)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        rows.iter().map(queue::job).collect()
    }

    async fn next_run_at(&self, kinds: &[String]) -> StoreResult<Option<DateTime<Utc>>> {
        sqlx::query_scalar(
            "SELECT MIN(j.run_at) FROM jobs j \
             WHERE j.state = 'queued' AND j.kind = ANY($1) \
                 AND NOT EXISTS (SELECT 1 FROM queue_pauses p WHERE p.kind IN ($2, j.kind))",
        )
        .bind(kinds)
        .bind(ALL_KINDS)
        .fetch_one(&self.pool)
        .await
        .map_err(db_error)
    }

    fn wakeups(&self) -> watch::Receiver<u64> {
        self.wakeups.subscribe(&self.pool)
    }
});

/// Keeps the type in the signature of `PgStore` private to this module's users.
pub(crate) type SharedWakeups = Arc<PgWakeups>;
