//! The claim loop.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use skillvet_core::Clock;
use skillvet_core::queue::ClaimRequest;
use skillvet_core::store::Store;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;
use tokio::time::{Instant, sleep};

use crate::config::{WorkerConfig, jitter};
use crate::handler::Handlers;
use crate::run_job::{Completer, Outcome, Shared, record_completions, run_job};

/// Waits that are shorter than this are rounded up, so a job that is due but not claimable
/// (taken by another worker a moment ago) cannot make the loop spin.
const MIN_WAIT: Duration = Duration::from_millis(20);

/// What a worker did, returned when it stops.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WorkerReport {
    pub succeeded: u64,
    pub retried: u64,
    pub failed: u64,
    pub dead: u64,
    /// Attempts whose lease was lost (their results were discarded).
    pub lease_lost: u64,
    /// Jobs handed back at shutdown.
    pub released: u64,
    /// Expired leases this worker put back in the queue.
    pub reclaimed: u64,
    /// Store calls that failed (claims, heartbeats, recording outcomes).
    pub store_errors: u64,
}

impl WorkerReport {
    fn count(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Succeeded => self.succeeded += 1,
            Outcome::Retrying => self.retried += 1,
            Outcome::Failed => self.failed += 1,
            Outcome::Dead => self.dead += 1,
            Outcome::LeaseLost => self.lease_lost += 1,
            Outcome::Released => self.released += 1,
        }
    }
}

pub struct Worker {
    shared: Arc<Shared>,
}

impl Worker {
    /// A worker over `store`, running `handlers`. Panics on an invalid `config` (see
    /// [`WorkerConfig::validate`]), which is a programming or configuration error the caller
    /// should have reported.
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        config: WorkerConfig,
        handlers: Handlers,
    ) -> Self {
        if let Err(err) = config.validate() {
            panic!("invalid worker configuration: {err}");
        }
        Self {
            shared: Arc::new(Shared {
                store_errors: Default::default(),
                store,
                clock,
                config,
                handlers,
            }),
        }
    }

    pub fn id(&self) -> &str {
        &self.shared.config.id
    }

    /// Runs until `shutdown` completes, then stops claiming, waits up to `shutdown_grace`
    /// for running jobs and releases the leases of those still running.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send) -> WorkerReport {
        let shared = self.shared;
        let config = &shared.config;
        let store = &shared.store;
        let kinds = shared.handlers.kinds();
        let mut report = WorkerReport::default();
        let mut wakeups = store.wakeups();
        let (cancel_tx, cancel_rx) = watch::channel(false);
        let mut running: JoinSet<Outcome> = JoinSet::new();
        let (completer, completions) = mpsc::unbounded_channel();
        let recorder = tokio::spawn(record_completions(shared.clone(), completions));
        let mut store_failures: u32 = 0;
        let mut signal_open = true;
        let mut next_reclaim = Instant::now();
        tracing::info!(worker = %config.id, concurrency = config.concurrency, kinds = ?kinds, "worker started");
        tokio::pin!(shutdown);

        loop {
            let wait = match tick(
                &shared,
                &kinds,
                &mut running,
                &cancel_rx,
                &completer,
                &mut next_reclaim,
                &mut report,
            )
            .await
            {
                Ok(wait) => {
                    if store_failures > 0 {
                        tracing::info!(worker = %config.id, "store reachable again; resuming");
                    }
                    store_failures = 0;
                    wait
                }
                Err(err) => {
                    store_failures += 1;
                    report.store_errors += 1;
                    let backoff = store_backoff(store_failures, config.max_store_backoff);
                    tracing::warn!(worker = %config.id, error = %err, retry_in = ?backoff, "store unavailable; backing off");
                    backoff
                }
            };
            tokio::select! {
                _ = &mut shutdown => break,
                Some(joined) = running.join_next(), if !running.is_empty() => {
                    // A slot is free: look at the queue again straight away, for every slot
                    // that is free by now.
                    report.count(joined.unwrap_or(Outcome::LeaseLost));
                    while let Some(joined) = running.try_join_next() {
                        report.count(joined.unwrap_or(Outcome::LeaseLost));
                    }
                }
                changed = wakeups.changed(), if signal_open && store_failures == 0 => {
                    signal_open = changed.is_ok();
                }
                _ = sleep(wait) => {}
            }
        }

        tracing::info!(worker = %config.id, running = running.len(), "worker stopping");
        let grace = sleep(config.shutdown_grace);
        tokio::pin!(grace);
        loop {
            tokio::select! {
                joined = running.join_next() => match joined {
                    Some(joined) => report.count(joined.unwrap_or(Outcome::LeaseLost)),
                    None => break,
                },
                _ = &mut grace => {
                    let _ = cancel_tx.send(true);
                    while let Some(joined) = running.join_next().await {
                        report.count(joined.unwrap_or(Outcome::LeaseLost));
                    }
                    break;
                }
            }
        }
        drop(completer);
        let _ = recorder.await;
        report.store_errors += shared
            .store_errors
            .load(std::sync::atomic::Ordering::Relaxed);
        tracing::info!(worker = %config.id, ?report, "worker stopped");
        report
    }
}

/// Reclaims expired leases when due, then claims as many jobs as there are free slots.
/// Returns how long the loop may sleep if nothing wakes it earlier.
async fn tick(
    shared: &Arc<Shared>,
    kinds: &[String],
    running: &mut JoinSet<Outcome>,
    cancel: &watch::Receiver<bool>,
    completer: &Completer,
    next_reclaim: &mut Instant,
    report: &mut WorkerReport,
) -> Result<Duration, skillvet_core::store::StoreError> {
    let config = &shared.config;
    let store = &shared.store;
    if Instant::now() >= *next_reclaim {
        let reclaimed = store.reclaim_expired(shared.clock.now()).await?;
        if !reclaimed.is_empty() {
            tracing::warn!(worker = %config.id, jobs = ?reclaimed, "reclaimed jobs whose worker stopped renewing its lease");
            report.reclaimed += reclaimed.len() as u64;
        }
        *next_reclaim = Instant::now() + config.reclaim_every;
    }
    let free = config.concurrency.saturating_sub(running.len());
    if free == 0 {
        // Woken by a finishing job, not by the clock.
        return Ok(config.poll_interval);
    }
    let claimed = store
        .claim(
            &ClaimRequest {
                owner: &config.id,
                kinds,
                limit: free as u32,
                lease: config.lease,
            },
            shared.clock.now(),
        )
        .await?;
    let filled = claimed.len() == free;
    for job in claimed {
        tracing::debug!(worker = %config.id, job = job.job.id, kind = %job.job.kind, attempt = job.lease.attempt, "claimed");
        running.spawn(run_job(
            shared.clone(),
            job,
            cancel.clone(),
            completer.clone(),
        ));
    }
    if filled {
        // More may be waiting; a finishing job frees the next slot.
        return Ok(config.poll_interval);
    }
    let now = shared.clock.now();
    let until_due = match store.next_run_at(kinds).await? {
        Some(at) if at > now => (at - now).to_std().unwrap_or(config.poll_interval),
        // Due now but not claimed: someone else got it a moment ago.
        Some(_) => MIN_WAIT,
        None => config.poll_interval,
    };
    Ok(until_due.min(config.poll_interval).max(MIN_WAIT))
}

/// 100 ms doubling per consecutive failure up to `max`, with jitter so that workers that
/// lost the database together do not hammer it together when it returns.
fn store_backoff(failures: u32, max: Duration) -> Duration {
    let base = Duration::from_millis(100) * 2u32.saturating_pow(failures.saturating_sub(1).min(20));
    base.min(max).mul_f64(0.5 + 0.5 * jitter())
}
