//! The durable job queue, kept in the registry's own database so that enqueueing commits
//! together with the work it is for (a submission and its verification job are one
//! transaction).
//!
//! A job is *claimed* by one atomic statement that hands it a lease: `(job id, owner,
//! attempt)` is the fencing token. Heartbeats extend the lease; complete/fail/heartbeat only
//! take effect for the exact token, so a worker that lost its lease (it stalled, the lease
//! expired, somebody else claimed the job) cannot overwrite the newer attempt. `attempts` only
//! ever grows, which keeps tokens unique even when an administrator requeues a job: the
//! retry budget is extended (`max_attempts` raised) instead of the counter being reset.

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::{Actor, Id};
use crate::store::StoreResult;

/// A job's lifecycle: `queued` → `running` → `succeeded`, or back to `queued` for a retry,
/// or `failed` (the handler reported a permanent failure) / `dead` (retries exhausted).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Queued,
    Running,
    Succeeded,
    Failed,
    Dead,
}

impl JobState {
    pub const ALL: [JobState; 5] = [
        Self::Queued,
        Self::Running,
        Self::Succeeded,
        Self::Failed,
        Self::Dead,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::Dead => "dead",
        }
    }

    /// The job will not run again unless an administrator requeues it.
    pub fn is_finished(self) -> bool {
        matches!(self, Self::Succeeded | Self::Failed | Self::Dead)
    }
}

impl std::fmt::Display for JobState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for JobState {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|state| state.as_str() == s)
            .ok_or_else(|| format!("unknown job state `{s}`"))
    }
}

/// A job to enqueue.
#[derive(Debug, Clone, PartialEq)]
pub struct NewJob {
    pub kind: String,
    pub payload: Value,
    /// Higher runs first.
    pub priority: i32,
    /// Attempts before the job is dead (at least 1).
    pub max_attempts: i32,
    /// At most one queued or running job holds a given key; enqueueing a second one returns
    /// the first ([`Enqueued::Duplicate`]).
    pub dedup_key: Option<String>,
    /// Not before this time; `None` means now.
    pub run_at: Option<DateTime<Utc>>,
}

impl NewJob {
    pub fn new(kind: impl Into<String>, payload: Value) -> Self {
        Self {
            kind: kind.into(),
            payload,
            priority: 0,
            max_attempts: 5,
            dedup_key: None,
            run_at: None,
        }
    }

    pub fn priority(mut self, priority: i32) -> Self {
        self.priority = priority;
        self
    }

    pub fn max_attempts(mut self, max_attempts: i32) -> Self {
        self.max_attempts = max_attempts;
        self
    }

    pub fn dedup_key(mut self, key: impl Into<String>) -> Self {
        self.dedup_key = Some(key.into());
        self
    }

    pub fn run_at(mut self, at: DateTime<Utc>) -> Self {
        self.run_at = Some(at);
        self
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "status", content = "job_id", rename_all = "snake_case")]
pub enum Enqueued {
    Created(Id),
    /// A queued or running job already holds the dedup key: nothing was stored.
    Duplicate(Id),
}

impl Enqueued {
    pub fn id(self) -> Id {
        match self {
            Self::Created(id) | Self::Duplicate(id) => id,
        }
    }
}

/// A job as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Job {
    pub id: Id,
    pub kind: String,
    pub payload: Value,
    pub state: JobState,
    pub priority: i32,
    /// Claims so far (the current one included while running). Never decreases.
    pub attempts: i32,
    pub max_attempts: i32,
    pub run_at: DateTime<Utc>,
    pub lease_owner: Option<String>,
    pub lease_expires_at: Option<DateTime<Utc>>,
    pub dedup_key: Option<String>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// The fencing token of one claim: only this exact (job, owner, attempt) may heartbeat,
/// complete or fail the job.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Lease {
    pub job_id: Id,
    pub owner: String,
    pub attempt: i32,
}

/// A job handed to a worker together with its lease.
#[derive(Debug, Clone, PartialEq)]
pub struct Claimed {
    pub job: Job,
    pub lease: Lease,
}

impl Claimed {
    /// This claim is past the job's retry budget: the worker only runs the give-up step
    /// (e.g. moving the submission to a terminal state) and then buries the job.
    pub fn exhausted(&self) -> bool {
        self.job.attempts > self.job.max_attempts
    }
}

/// What to claim.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimRequest<'a> {
    /// Who claims (unique per worker process; recorded in `lease_owner`).
    pub owner: &'a str,
    /// Only these kinds (those the worker has handlers for).
    pub kinds: &'a [String],
    pub limit: u32,
    /// How long the lease lasts without a heartbeat.
    pub lease: Duration,
}

/// How a failed attempt ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// Transient: queued again for this time. When the budget is already spent, the next
    /// claim is an [exhausted](Claimed::exhausted) one, so a job only ever becomes `dead`
    /// after its give-up step ran.
    Retry { at: DateTime<Utc> },
    /// The job can never succeed: `failed` at once.
    Permanent,
    /// Retries exhausted (the worker already ran the give-up step): `dead`.
    Exhausted,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOutcome {
    Retrying {
        at: DateTime<Utc>,
    },
    Failed,
    Dead,
    /// The lease was no longer held: nothing changed.
    LeaseLost,
}

/// A pause switch, seen by every process sharing the database.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pause {
    /// `None` pauses the whole queue; otherwise one job kind.
    pub kind: Option<String>,
    pub reason: Option<String>,
    pub actor: Actor,
    pub at: DateTime<Utc>,
}

/// Number of jobs of one kind in one state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobCount {
    pub kind: String,
    pub state: JobState,
    pub count: i64,
}

/// Totals per state over all kinds (every state listed, zero included).
pub fn totals_by_state(counts: &[JobCount]) -> Vec<(JobState, i64)> {
    JobState::ALL
        .into_iter()
        .map(|state| {
            let total = counts
                .iter()
                .filter(|c| c.state == state)
                .map(|c| c.count)
                .sum();
            (state, total)
        })
        .collect()
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobFilter {
    pub kind: Option<String>,
    pub state: Option<JobState>,
}

/// Exponential backoff with full jitter between retries of a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Delay after the first failed attempt (before jitter).
    pub base: Duration,
    /// Largest delay (before jitter).
    pub cap: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            base: Duration::from_secs(2),
            cap: Duration::from_secs(600),
        }
    }
}

impl RetryPolicy {
    /// Delay before retrying after failed attempt number `attempt` (1-based): `base · 2^(n-1)`,
    /// capped, then scaled into `[½, 1]` of itself by `jitter` (a uniform sample in `[0, 1)`)
    /// so that jobs failing together do not retry together, yet never retry at once.
    pub fn delay(&self, attempt: i32, jitter: f64) -> Duration {
        let doublings = attempt.saturating_sub(1).clamp(0, 30) as u32;
        let full = self
            .base
            .checked_mul(1u32 << doublings)
            .unwrap_or(self.cap)
            .min(self.cap);
        full.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0))
    }
}

/// The queue operations. Every timestamp comes from the caller's clock.
#[async_trait]
pub trait JobQueue: Send + Sync {
    /// Enqueues a job on its own (submissions enqueue theirs inside `submit`).
    async fn enqueue(&self, job: &NewJob, now: DateTime<Utc>) -> StoreResult<Enqueued>;

    /// Claims up to `limit` ready jobs (queued, `run_at <= now`, kind not paused), highest
    /// priority first, then oldest `run_at`, in one atomic statement: no job is handed to two
    /// claimers. Each claim increments `attempts` and sets a lease until `now + lease`.
    async fn claim(
        &self,
        request: &ClaimRequest<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<Claimed>>;

    /// Extends the lease to `now + lease`; `false` when the lease is no longer held.
    async fn heartbeat(
        &self,
        lease: &Lease,
        extend_by: Duration,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;

    /// Marks the job succeeded; `false` (and nothing changed) when the lease is not held.
    async fn complete(&self, lease: &Lease, now: DateTime<Utc>) -> StoreResult<bool>;

    /// Marks many jobs succeeded in one statement (a worker's completions, grouped so that
    /// one commit serves many jobs). Returns the ids whose lease was still held; the others
    /// are left unchanged.
    async fn complete_many(&self, leases: &[Lease], now: DateTime<Utc>) -> StoreResult<Vec<Id>>;

    /// Records a failed attempt with its error.
    async fn fail(
        &self,
        lease: &Lease,
        error: &str,
        failure: Failure,
        now: DateTime<Utc>,
    ) -> StoreResult<FailOutcome>;

    /// Gives the job back without counting the attempt (graceful shutdown): queued again,
    /// ready at once. `false` when the lease is not held.
    async fn release(&self, lease: &Lease, now: DateTime<Utc>) -> StoreResult<bool>;

    /// Puts running jobs whose lease expired before `now` back in the queue (their worker
    /// died or stalled), ready at once, with the reason in `last_error`. Returns the ids.
    async fn reclaim_expired(&self, now: DateTime<Utc>) -> StoreResult<Vec<Id>>;

    /// Pauses claiming of one kind, or of everything with `None`. Running jobs finish.
    async fn pause(&self, pause: &Pause) -> StoreResult<()>;

    /// Lifts a pause; `false` when there was none.
    async fn resume(&self, kind: Option<&str>) -> StoreResult<bool>;

    async fn pauses(&self) -> StoreResult<Vec<Pause>>;

    /// Runs a failed, dead or waiting job again now, with `extra_attempts` more attempts
    /// (a dead job gets a fresh budget without its attempt counter going back). A running
    /// or succeeded job is a `Conflict`.
    async fn requeue(&self, id: Id, extra_attempts: i32, now: DateTime<Utc>) -> StoreResult<Job>;

    /// Changes the priority of a queued or running job.
    async fn reprioritise(&self, id: Id, priority: i32, now: DateTime<Utc>) -> StoreResult<Job>;

    async fn job(&self, id: Id) -> StoreResult<Option<Job>>;

    /// The newest job holding each dedup key (finished jobs included), in no particular
    /// order; keys without a job are left out. How a submission finds its jobs.
    async fn latest_jobs(&self, dedup_keys: &[String]) -> StoreResult<Vec<Job>>;

    /// Jobs newest first, keyset-paginated on the id.
    async fn list_jobs(
        &self,
        filter: &JobFilter,
        before: Option<Id>,
        limit: u32,
    ) -> StoreResult<Vec<Job>>;

    /// Number of jobs per kind and state (only pairs that exist).
    async fn job_counts(&self) -> StoreResult<Vec<JobCount>>;

    /// Earliest `run_at` of a queued job of one of `kinds` that is not paused, so an idle
    /// worker knows when to look again.
    async fn next_run_at(&self, kinds: &[String]) -> StoreResult<Option<DateTime<Utc>>>;

    /// A receiver whose value changes whenever jobs may have become ready: after enqueue,
    /// retry, release, requeue or reclaim in this process, and (PostgreSQL) after a
    /// `NOTIFY` from any process. A worker waits on it with a polling timeout as fallback.
    fn wakeups(&self) -> tokio::sync::watch::Receiver<u64>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_until_the_cap_and_jitter_stays_in_range() {
        let policy = RetryPolicy {
            base: Duration::from_secs(2),
            cap: Duration::from_secs(60),
        };
        let full: Vec<u64> = (1..=7).map(|n| policy.delay(n, 1.0).as_secs()).collect();
        assert_eq!(full, vec![2, 4, 8, 16, 32, 60, 60]);
        assert_eq!(policy.delay(1, 0.0), Duration::from_secs(1));
        assert_eq!(policy.delay(3, 0.5), Duration::from_secs(6));
        // Out-of-range inputs are clamped, never panic or overflow.
        assert_eq!(policy.delay(0, 1.0), Duration::from_secs(2));
        assert_eq!(policy.delay(i32::MAX, 7.0), Duration::from_secs(60));
        assert_eq!(policy.delay(-5, -1.0), Duration::from_secs(1));
    }

    #[test]
    fn job_state_names_round_trip() {
        for state in JobState::ALL {
            assert_eq!(state.as_str().parse::<JobState>(), Ok(state));
            assert_eq!(
                serde_json::to_string(&state).unwrap(),
                format!("\"{state}\"")
            );
        }
        assert!("QUEUED".parse::<JobState>().is_err());
        assert!(!JobState::Queued.is_finished() && !JobState::Running.is_finished());
        assert!(JobState::Dead.is_finished() && JobState::Failed.is_finished());
    }

    #[test]
    fn totals_cover_every_state() {
        let counts = vec![
            JobCount {
                kind: "a".into(),
                state: JobState::Queued,
                count: 3,
            },
            JobCount {
                kind: "b".into(),
                state: JobState::Queued,
                count: 4,
            },
            JobCount {
                kind: "b".into(),
                state: JobState::Dead,
                count: 1,
            },
        ];
        assert_eq!(
            totals_by_state(&counts),
            vec![
                (JobState::Queued, 7),
                (JobState::Running, 0),
                (JobState::Succeeded, 0),
                (JobState::Failed, 0),
                (JobState::Dead, 1),
            ]
        );
    }
}
