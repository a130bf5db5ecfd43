//! What both queue implementations share: row decoding, input checks and the in-process
//! wake-up signal. The SQL lives in `sqlite/queue.rs` and `postgres/queue.rs`.

use std::time::Duration;

use chrono::{DateTime, Utc};
use skillvet_core::model::{Actor, Id};
use skillvet_core::queue::{Claimed, Job, JobState, Lease, NewJob, Pause};
use skillvet_core::store::{StoreError, StoreResult};
use tokio::sync::watch;

use crate::rows::Cells;
use crate::tx;

/// The `queue_pauses` key that pauses every kind.
pub const ALL_KINDS: &str = "*";

/// The statements of the queue controls, shared by `JobQueue` and the audited versions in
/// `ModerationStore` (which run them inside the transaction of their audit event).
pub const PAUSE_SQL: &str = "INSERT INTO queue_pauses (kind, reason, actor, actor_kind, at) \
     VALUES ($1, $2, $3, $4, $5) \
     ON CONFLICT (kind) DO UPDATE SET reason = excluded.reason, actor = excluded.actor, \
         actor_kind = excluded.actor_kind, at = excluded.at";
pub const RESUME_SQL: &str = "DELETE FROM queue_pauses WHERE kind = $1";
pub const REQUEUE_SQL: &str = "UPDATE jobs SET state = 'queued', run_at = $1, \
         max_attempts = CASE WHEN max_attempts > attempts THEN max_attempts ELSE attempts END + $2, \
         lease_owner = NULL, lease_expires_at = NULL, finished_at = NULL, updated_at = $1 \
     WHERE id = $3 AND state IN ('queued', 'failed', 'dead') \
     RETURNING *";
pub const REPRIORITISE_SQL: &str = "UPDATE jobs SET priority = $1, updated_at = $2 \
     WHERE id = $3 AND state IN ('queued', 'running') RETURNING *";

/// Longest job kind name.
const MAX_KIND_LEN: usize = 100;

pub fn job(row: &impl Cells) -> StoreResult<Job> {
    Ok(Job {
        id: row.big("id")?,
        kind: row.text("kind")?,
        payload: row.json("payload")?,
        state: row.parsed::<JobState>("state")?,
        priority: row.int("priority")?,
        attempts: row.int("attempts")?,
        max_attempts: row.int("max_attempts")?,
        run_at: row.time("run_at")?,
        lease_owner: row.opt_text("lease_owner")?,
        lease_expires_at: row.opt_time("lease_expires_at")?,
        dedup_key: row.opt_text("dedup_key")?,
        last_error: row.opt_text("last_error")?,
        created_at: row.time("created_at")?,
        updated_at: row.time("updated_at")?,
        finished_at: row.opt_time("finished_at")?,
    })
}

pub fn pause(row: &impl Cells) -> StoreResult<Pause> {
    let kind = row.text("kind")?;
    Ok(Pause {
        kind: (kind != ALL_KINDS).then_some(kind),
        reason: row.opt_text("reason")?,
        actor: Actor {
            kind: row.parsed("actor_kind")?,
            id: row.text("actor")?,
        },
        at: row.time("at")?,
    })
}

/// Claimed rows come back in no particular order: put them in claim order and attach leases.
pub fn claimed(mut jobs: Vec<Job>, owner: &str) -> Vec<Claimed> {
    jobs.sort_by(|a, b| {
        b.priority
            .cmp(&a.priority)
            .then(a.run_at.cmp(&b.run_at))
            .then(a.id.cmp(&b.id))
    });
    jobs.into_iter()
        .map(|job| Claimed {
            lease: Lease {
                job_id: job.id,
                owner: owner.to_owned(),
                attempt: job.attempts,
            },
            job,
        })
        .collect()
}

fn invalid(message: String) -> StoreError {
    StoreError::Conflict(message)
}

pub fn check_kind(kind: &str) -> StoreResult<()> {
    if kind.is_empty() || kind.len() > MAX_KIND_LEN || kind == ALL_KINDS {
        return Err(invalid(format!(
            "job kind {kind:?} must be 1-{MAX_KIND_LEN} characters and not {ALL_KINDS:?}"
        )));
    }
    Ok(())
}

/// Checks a job before it is stored and turns it into the insert both backends run.
pub fn new_job(job: &NewJob, now: DateTime<Utc>) -> StoreResult<tx::NewJob<'_>> {
    check_kind(&job.kind)?;
    if job.max_attempts < 1 {
        return Err(invalid(format!(
            "max_attempts must be at least 1, not {}",
            job.max_attempts
        )));
    }
    Ok(tx::NewJob {
        kind: &job.kind,
        payload: job.payload.clone(),
        priority: job.priority,
        max_attempts: job.max_attempts,
        dedup_key: job.dedup_key.clone(),
        run_at: job.run_at.unwrap_or(now),
    })
}

/// `now + lease`, refusing leases that are zero or absurdly long.
pub fn lease_until(now: DateTime<Utc>, lease: Duration) -> StoreResult<DateTime<Utc>> {
    if lease.is_zero() || lease > Duration::from_secs(7 * 24 * 3600) {
        return Err(invalid(format!(
            "lease of {lease:?} is outside 1 µs to 7 days"
        )));
    }
    let lease = chrono::Duration::from_std(lease).expect("checked above");
    Ok(now + lease)
}

/// Why a requeue or reprioritise matched no row: the job is missing, or in the wrong state.
pub fn not_applicable(id: Id, job: Option<Job>, action: &str) -> StoreError {
    match job {
        None => StoreError::NotFound(format!("job {id}")),
        Some(job) => {
            StoreError::Conflict(format!("job {id} is {}; it cannot be {action}", job.state))
        }
    }
}

/// The message a reclaimed job keeps in `last_error`.
pub const LEASE_EXPIRED: &str = "lease expired: worker ";

/// In-process signal that jobs may be ready (a counter that only goes up).
pub struct Wakeups {
    tx: watch::Sender<u64>,
}

impl Default for Wakeups {
    fn default() -> Self {
        Self {
            tx: watch::Sender::new(0),
        }
    }
}

impl Wakeups {
    pub fn bump(&self) {
        self.tx.send_modify(|n| *n = n.wrapping_add(1));
    }

    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.tx.subscribe()
    }

    pub fn sender(&self) -> &watch::Sender<u64> {
        &self.tx
    }
}
