//! One claimed job, from its handler's start to its recorded outcome.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use skillvet_core::Clock;
use skillvet_core::queue::{Claimed, FailOutcome, Failure, Job, Lease};
use skillvet_core::store::Store;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::{Instant, sleep, sleep_until};

use crate::config::{WorkerConfig, jitter};
use crate::handler::{Handlers, JobContext, JobError, JobHandler};

/// Retries a store write through short outages, for as long as the lease could still be
/// valid; after that the job will be reclaimed and run again anyway. `$op` is evaluated
/// afresh for each try.
macro_rules! persist {
    ($shared:expr, $op:expr) => {{
        let give_up_at = Instant::now() + $shared.config.lease;
        let mut backoff = Duration::from_millis(50);
        loop {
            match $op.await {
                Ok(value) => break Some(value),
                Err(err) if Instant::now() + backoff < give_up_at => {
                    $shared.store_errors.fetch_add(1, Ordering::Relaxed);
                    tracing::warn!(error = %err, retry_in = ?backoff, "recording a job outcome failed");
                    sleep(backoff).await;
                    backoff = (backoff * 2).min(Duration::from_secs(5));
                }
                Err(err) => {
                    $shared.store_errors.fetch_add(1, Ordering::Relaxed);
                    tracing::error!(error = %err, "could not record a job outcome; it will be reclaimed");
                    break None;
                }
            }
        }
    }};
}

/// What happened to one claimed job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    Succeeded,
    Retrying,
    Failed,
    Dead,
    /// The lease was lost (expired and reclaimed): the result was discarded.
    LeaseLost,
    /// Shutdown gave the job back to the queue.
    Released,
}

/// Completions go through one task that records them in groups: while one group commits,
/// the next accumulates, so one commit serves many finished jobs.
pub(crate) type Completer = mpsc::UnboundedSender<(Lease, oneshot::Sender<bool>)>;

/// Most completions recorded by one statement.
const MAX_COMPLETION_GROUP: usize = 256;

pub(crate) async fn record_completions(
    shared: Arc<Shared>,
    mut queue: mpsc::UnboundedReceiver<(Lease, oneshot::Sender<bool>)>,
) {
    while let Some(first) = queue.recv().await {
        let mut group = vec![first];
        while group.len() < MAX_COMPLETION_GROUP {
            match queue.try_recv() {
                Ok(next) => group.push(next),
                Err(_) => break,
            }
        }
        let leases: Vec<Lease> = group.iter().map(|(lease, _)| lease.clone()).collect();
        let done = persist!(
            shared,
            shared.store.complete_many(&leases, shared.clock.now())
        )
        .unwrap_or_default();
        for (lease, reply) in group {
            let _ = reply.send(done.contains(&lease.job_id));
        }
    }
}

pub(crate) struct Shared {
    /// Store calls that failed while recording outcomes or renewing leases.
    pub store_errors: AtomicU64,
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub config: WorkerConfig,
    pub handlers: Handlers,
}

enum Ran {
    Done(Result<(), JobError>),
    LeaseLost,
    Cancelled,
}

pub(crate) async fn run_job(
    shared: Arc<Shared>,
    claimed: Claimed,
    cancel: watch::Receiver<bool>,
    completer: Completer,
) -> Outcome {
    let Claimed { job, lease } = claimed;
    let exhausted = job.attempts > job.max_attempts;
    let Some(handler) = shared.handlers.get(&job.kind).cloned() else {
        // Claims only ask for registered kinds; a missing handler is a bug, not the job's fault.
        let error = JobError::Retry(format!("no handler for job kind {:?}", job.kind));
        return finish(&shared, &job, &lease, None, Err(error), &completer).await;
    };
    if exhausted {
        let last = job.last_error.as_deref().unwrap_or("no error was recorded");
        let reason = format!("gave up after {} attempts: {last}", job.max_attempts);
        return bury(&shared, &job, &lease, &handler, &reason, Failure::Exhausted).await;
    }
    let ctx = JobContext {
        lease: lease.clone(),
        worker_id: shared.config.id.clone(),
    };
    let result = match supervise(&shared, &job, &lease, handler.clone(), ctx, cancel).await {
        Ran::Done(result) => result,
        Ran::LeaseLost => {
            tracing::warn!(job = job.id, kind = %job.kind, "lease lost; the result is discarded");
            return Outcome::LeaseLost;
        }
        Ran::Cancelled => {
            let released = persist!(shared, shared.store.release(&lease, shared.clock.now()));
            return match released {
                Some(true) => Outcome::Released,
                _ => Outcome::LeaseLost,
            };
        }
    };
    finish(&shared, &job, &lease, Some(&handler), result, &completer).await
}

/// Runs the handler in its own task (a panic is an error, not the worker's death) while
/// renewing the lease; aborts it on timeout, on a lost lease, or on cancellation.
async fn supervise(
    shared: &Shared,
    job: &Job,
    lease: &Lease,
    handler: Arc<dyn JobHandler>,
    ctx: JobContext,
    mut cancel: watch::Receiver<bool>,
) -> Ran {
    let config = &shared.config;
    let task_job = job.clone();
    let mut task = tokio::spawn(async move { handler.run(&task_job, &ctx).await });
    let deadline = Instant::now() + config.job_timeout;
    let mut lease_valid_until = Instant::now() + config.lease;
    let mut next_beat = Instant::now() + config.heartbeat_every;
    let outcome = loop {
        tokio::select! {
            joined = &mut task => {
                break Ran::Done(match joined {
                    Ok(result) => result,
                    Err(err) if err.is_panic() => Err(JobError::Retry(format!(
                        "the handler panicked: {}",
                        panic_message(err.into_panic())
                    ))),
                    Err(err) => Err(JobError::Retry(format!("the handler task failed: {err}"))),
                });
            }
            _ = sleep_until(next_beat) => {
                let beat_started = Instant::now();
                next_beat = match shared.store.heartbeat(lease, config.lease, shared.clock.now()).await {
                    Ok(true) => {
                        lease_valid_until = beat_started + config.lease;
                        Instant::now() + config.heartbeat_every
                    }
                    Ok(false) => break Ran::LeaseLost,
                    Err(err) => {
                        shared.store_errors.fetch_add(1, Ordering::Relaxed);
                        tracing::warn!(job = job.id, error = %err, "heartbeat failed");
                        if Instant::now() + config.heartbeat_every >= lease_valid_until {
                            // The lease may expire before we can renew it: stop, another
                            // worker will take the job over.
                            break Ran::LeaseLost;
                        }
                        // Try again soon, while the lease still holds.
                        Instant::now() + config.heartbeat_every.min(Duration::from_secs(1))
                    }
                };
            }
            _ = sleep_until(deadline) => {
                break Ran::Done(Err(JobError::Retry(format!(
                    "the job ran longer than its {} s time limit",
                    config.job_timeout.as_secs_f64()
                ))));
            }
            changed = cancel.changed() => {
                if changed.is_err() || *cancel.borrow() {
                    break Ran::Cancelled;
                }
            }
        }
    };
    task.abort();
    outcome
}

/// Records the outcome of an attempt.
async fn finish(
    shared: &Shared,
    job: &Job,
    lease: &Lease,
    handler: Option<&Arc<dyn JobHandler>>,
    result: Result<(), JobError>,
    completer: &Completer,
) -> Outcome {
    match result {
        Ok(()) => match complete(shared, lease, completer).await {
            Some(true) => Outcome::Succeeded,
            _ => {
                tracing::warn!(job = job.id, "lease lost before completion was recorded");
                Outcome::LeaseLost
            }
        },
        Err(JobError::Permanent(message)) => match handler {
            Some(handler) => bury(shared, job, lease, handler, &message, Failure::Permanent).await,
            None => retry(shared, job, lease, &message).await,
        },
        Err(JobError::Retry(message)) => match handler {
            Some(handler) if lease.attempt >= job.max_attempts => {
                let reason = format!("gave up after {} attempts: {message}", job.max_attempts);
                bury(shared, job, lease, handler, &reason, Failure::Exhausted).await
            }
            _ => retry(shared, job, lease, &message).await,
        },
    }
}

async fn complete(shared: &Shared, lease: &Lease, completer: &Completer) -> Option<bool> {
    let (reply, recorded) = oneshot::channel();
    if completer.send((lease.clone(), reply)).is_ok()
        && let Ok(held) = recorded.await
    {
        return Some(held);
    }
    persist!(shared, shared.store.complete(lease, shared.clock.now()))
}

async fn retry(shared: &Shared, job: &Job, lease: &Lease, message: &str) -> Outcome {
    let delay = shared.config.retry.delay(lease.attempt, jitter());
    let at =
        shared.clock.now() + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::MAX);
    tracing::info!(job = job.id, kind = %job.kind, attempt = lease.attempt, error = message, retry_in = ?delay, "job failed; will retry");
    let failure = Failure::Retry { at };
    match persist!(
        shared,
        shared
            .store
            .fail(lease, message, failure, shared.clock.now())
    ) {
        Some(FailOutcome::Retrying { .. }) => Outcome::Retrying,
        _ => Outcome::LeaseLost,
    }
}

/// Runs the handler's give-up step, then marks the job dead or failed. If give-up itself
/// fails the job is retried, so a job is only ever buried after its give-up step ran.
async fn bury(
    shared: &Shared,
    job: &Job,
    lease: &Lease,
    handler: &Arc<dyn JobHandler>,
    reason: &str,
    failure: Failure,
) -> Outcome {
    let handler = handler.clone();
    let (task_job, task_reason) = (job.clone(), reason.to_owned());
    let gave_up = tokio::time::timeout(
        shared.config.job_timeout,
        tokio::spawn(async move { handler.give_up(&task_job, &task_reason).await }),
    )
    .await;
    match gave_up {
        Ok(Ok(Ok(()))) => {}
        other => {
            let why = match other {
                Ok(Ok(Err(err))) => err.to_string(),
                Ok(Err(join)) => format!("give-up step failed: {join}"),
                Err(_) => "give-up step timed out".into(),
                Ok(Ok(Ok(()))) => unreachable!(),
            };
            tracing::warn!(job = job.id, error = %why, "could not give the job up; retrying later");
            return retry(
                shared,
                job,
                lease,
                &format!("{reason} (give-up pending: {why})"),
            )
            .await;
        }
    }
    tracing::warn!(job = job.id, kind = %job.kind, reason, "job given up");
    match persist!(
        shared,
        shared
            .store
            .fail(lease, reason, failure, shared.clock.now())
    ) {
        Some(FailOutcome::Dead) => Outcome::Dead,
        Some(FailOutcome::Failed) => Outcome::Failed,
        _ => Outcome::LeaseLost,
    }
}

fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".into()
    }
}
