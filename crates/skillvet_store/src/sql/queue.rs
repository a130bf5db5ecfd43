//! The job queue's SQL that is the same on both backends (see [`super`]): leases, failures,
//! pauses and the admin operations. Claiming, enqueueing and wake-ups differ (single writer
//! vs `FOR UPDATE SKIP LOCKED`, in-process signal vs `LISTEN/NOTIFY`) and are passed in as
//! the backend's own methods. The store type also provides `fenced()` (a lease-checked
//! update), `jobs_ready()` (wake workers everywhere) and `wake_local()` (this process).

macro_rules! job_queue {
    ($store:ident, $db:ty, time = $time:path, { $($backend:tt)* }) => {
        #[::async_trait::async_trait]
        impl ::skillvet_core::queue::JobQueue for $store {
            $($backend)*

                async fn heartbeat(
                    &self,
                    lease: &Lease,
                    extend_by: Duration,
                    now: DateTime<Utc>,
                ) -> StoreResult<bool> {
                    let until = queue::lease_until(now, extend_by)?;
                    self.fenced(
                        sqlx::query(
                            "UPDATE jobs SET lease_expires_at = $1, updated_at = $2 \
                             WHERE id = $3 AND state = 'running' AND lease_owner = $4 AND attempts = $5",
                        )
                        .bind($time(until))
                        .bind($time(now))
                        .bind(lease.job_id)
                        .bind(lease.owner.clone())
                        .bind(lease.attempt),
                    )
                    .await
                }

                async fn complete(&self, lease: &Lease, now: DateTime<Utc>) -> StoreResult<bool> {
                    self.fenced(
                        sqlx::query(
                            "UPDATE jobs SET state = 'succeeded', lease_expires_at = NULL, updated_at = $1, \
                                 finished_at = $1 \
                             WHERE id = $2 AND state = 'running' AND lease_owner = $3 AND attempts = $4",
                        )
                        .bind($time(now))
                        .bind(lease.job_id)
                        .bind(lease.owner.clone())
                        .bind(lease.attempt),
                    )
                    .await
                }

                async fn fail(
                    &self,
                    lease: &Lease,
                    error: &str,
                    failure: Failure,
                    now: DateTime<Utc>,
                ) -> StoreResult<FailOutcome> {
                    let (state, run_at, outcome) = match failure {
                        Failure::Retry { at } => ("queued", Some(at), FailOutcome::Retrying { at }),
                        Failure::Permanent => ("failed", None, FailOutcome::Failed),
                        Failure::Exhausted => ("dead", None, FailOutcome::Dead),
                    };
                    let held = self
                        .fenced(
                            sqlx::query(
                                "UPDATE jobs SET state = CAST($1 AS TEXT), run_at = COALESCE($2, run_at), last_error = $3, \
                                     lease_owner = CASE WHEN CAST($1 AS TEXT) = 'queued' THEN NULL ELSE lease_owner END, \
                                     lease_expires_at = NULL, updated_at = $4, \
                                     finished_at = CASE WHEN CAST($1 AS TEXT) = 'queued' THEN NULL ELSE $4 END \
                                 WHERE id = $5 AND state = 'running' AND lease_owner = $6 AND attempts = $7",
                            )
                            .bind(state)
                            .bind(run_at.map($time))
                            .bind(error)
                            .bind($time(now))
                            .bind(lease.job_id)
                            .bind(lease.owner.clone())
                            .bind(lease.attempt),
                        )
                        .await?;
                    if !held {
                        return Ok(FailOutcome::LeaseLost);
                    }
                    if state == "queued" {
                        self.wake_local();
                    }
                    Ok(outcome)
                }

                async fn release(&self, lease: &Lease, now: DateTime<Utc>) -> StoreResult<bool> {
                    let held = self
                        .fenced(
                            sqlx::query(
                                "UPDATE jobs SET state = 'queued', run_at = $1, max_attempts = max_attempts + 1, \
                                     last_error = 'released by ' || lease_owner || ' (shutting down)', \
                                     lease_owner = NULL, lease_expires_at = NULL, updated_at = $1 \
                                 WHERE id = $2 AND state = 'running' AND lease_owner = $3 AND attempts = $4",
                            )
                            .bind($time(now))
                            .bind(lease.job_id)
                            .bind(lease.owner.clone())
                            .bind(lease.attempt),
                        )
                        .await?;
                    if held {
                        self.jobs_ready().await?;
                    }
                    Ok(held)
                }

                async fn reclaim_expired(&self, now: DateTime<Utc>) -> StoreResult<Vec<Id>> {
                    let ids: Vec<Id> = sqlx::query_scalar(
                        "UPDATE jobs SET state = 'queued', run_at = $1, \
                             last_error = CAST($2 AS TEXT) || lease_owner || ' stopped renewing its lease (attempt ' || attempts || ')', \
                             lease_owner = NULL, lease_expires_at = NULL, updated_at = $1 \
                         WHERE state = 'running' AND lease_expires_at < $1 \
                         RETURNING id",
                    )
                    .bind($time(now))
                    .bind(LEASE_EXPIRED)
                    .fetch_all(self.write_pool())
                    .await
                    .map_err(db_error)?;
                    if !ids.is_empty() {
                        self.jobs_ready().await?;
                    }
                    Ok(ids)
                }

                async fn pause(&self, pause: &Pause) -> StoreResult<()> {
                    let kind = match &pause.kind {
                        Some(kind) => {
                            queue::check_kind(kind)?;
                            kind.as_str()
                        }
                        None => ALL_KINDS,
                    };
                    sqlx::query(queue::PAUSE_SQL)
                    .bind(kind)
                    .bind(&pause.reason)
                    .bind(&pause.actor.id)
                    .bind(pause.actor.kind.as_str())
                    .bind($time(pause.at))
                    .execute(self.write_pool())
                    .await
                    .map_err(db_error)?;
                    Ok(())
                }

                async fn resume(&self, kind: Option<&str>) -> StoreResult<bool> {
                    let done = sqlx::query(queue::RESUME_SQL)
                        .bind(kind.unwrap_or(ALL_KINDS))
                        .execute(self.write_pool())
                        .await
                        .map_err(db_error)?;
                    let resumed = done.rows_affected() == 1;
                    if resumed {
                        self.jobs_ready().await?;
                    }
                    Ok(resumed)
                }

                async fn pauses(&self) -> StoreResult<Vec<Pause>> {
                    let rows = sqlx::query("SELECT * FROM queue_pauses ORDER BY kind")
                        .fetch_all(self.read_pool())
                        .await
                        .map_err(db_error)?;
                    rows.iter().map(queue::pause).collect()
                }

                async fn requeue(&self, id: Id, extra_attempts: i32, now: DateTime<Utc>) -> StoreResult<Job> {
                    let row = sqlx::query(queue::REQUEUE_SQL)
                    .bind($time(now))
                    .bind(extra_attempts.max(0))
                    .bind(id)
                    .fetch_optional(self.write_pool())
                    .await
                    .map_err(db_error)?;
                    match row {
                        Some(row) => {
                            self.jobs_ready().await?;
                            queue::job(&row)
                        }
                        None => Err(queue::not_applicable(id, self.job(id).await?, "requeued")),
                    }
                }

                async fn reprioritise(&self, id: Id, priority: i32, now: DateTime<Utc>) -> StoreResult<Job> {
                    let row = sqlx::query(queue::REPRIORITISE_SQL)
                    .bind(priority)
                    .bind($time(now))
                    .bind(id)
                    .fetch_optional(self.write_pool())
                    .await
                    .map_err(db_error)?;
                    match row {
                        Some(row) => queue::job(&row),
                        None => Err(queue::not_applicable(
                            id,
                            self.job(id).await?,
                            "reprioritised",
                        )),
                    }
                }

                async fn list_jobs(
                    &self,
                    filter: &JobFilter,
                    before: Option<Id>,
                    limit: u32,
                ) -> StoreResult<Vec<Job>> {
                    let mut query = QueryBuilder::<$db>::new("SELECT * FROM jobs WHERE 1 = 1");
                    if let Some(kind) = &filter.kind {
                        query.push(" AND kind = ").push_bind(kind.clone());
                    }
                    if let Some(state) = filter.state {
                        query.push(" AND state = ").push_bind(state.as_str());
                    }
                    if let Some(before) = before {
                        query.push(" AND id < ").push_bind(before);
                    }
                    query
                        .push(" ORDER BY id DESC LIMIT ")
                        .push_bind(i64::from(limit.min(1000)));
                    let rows = query
                        .build()
                        .fetch_all(self.read_pool())
                        .await
                        .map_err(db_error)?;
                    rows.iter().map(queue::job).collect()
                }

                async fn job_counts(&self) -> StoreResult<Vec<JobCount>> {
                    let rows = sqlx::query(
                        "SELECT kind, state, COUNT(*) AS n FROM jobs GROUP BY kind, state ORDER BY kind, state",
                    )
                    .fetch_all(self.read_pool())
                    .await
                    .map_err(db_error)?;
                    rows.iter()
                        .map(|row| {
                            Ok(JobCount {
                                kind: row.text("kind")?,
                                state: row.parsed("state")?,
                                count: row.big("n")?,
                            })
                        })
                        .collect()
                }
        }
    };
}

pub(crate) use job_queue;
