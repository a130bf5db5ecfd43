use std::time::Duration;

use skillvet_core::queue::RetryPolicy;

/// How a [`Worker`](crate::Worker) runs. The defaults suit `skillvet serve` and
/// `skillvet worker` alike.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkerConfig {
    /// Recorded as the lease owner of every job this worker claims; unique per worker.
    pub id: String,
    /// Jobs run at once.
    pub concurrency: usize,
    /// A claimed job's lease; renewed every `heartbeat_every` while it runs. A worker that
    /// dies loses its jobs to others once the lease has expired.
    pub lease: Duration,
    pub heartbeat_every: Duration,
    /// Longest wait between two looks at the queue when nothing wakes the worker.
    pub poll_interval: Duration,
    /// A job running longer is aborted and retried (a transient failure).
    pub job_timeout: Duration,
    /// On shutdown, how long running jobs may take to finish before their leases are
    /// released.
    pub shutdown_grace: Duration,
    /// How often expired leases are looked for.
    pub reclaim_every: Duration,
    /// Backoff between retries of a failed job.
    pub retry: RetryPolicy,
    /// Longest pause when the database is unavailable (the pause doubles up to this).
    pub max_store_backoff: Duration,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        Self {
            id: default_id(),
            concurrency: 4,
            lease: Duration::from_secs(60),
            heartbeat_every: Duration::from_secs(15),
            poll_interval: Duration::from_millis(500),
            job_timeout: Duration::from_secs(15 * 60),
            shutdown_grace: Duration::from_secs(30),
            reclaim_every: Duration::from_secs(5),
            retry: RetryPolicy::default(),
            max_store_backoff: Duration::from_secs(30),
        }
    }
}

impl WorkerConfig {
    /// Refuses settings under which leases would expire while jobs are healthy.
    pub fn validate(&self) -> Result<(), String> {
        if self.id.is_empty() {
            return Err("worker id must not be empty".into());
        }
        if self.concurrency == 0 {
            return Err("worker concurrency must be at least 1".into());
        }
        if self.heartbeat_every.is_zero() || self.heartbeat_every * 2 > self.lease {
            return Err(format!(
                "heartbeat interval ({:?}) must be non-zero and at most half the lease ({:?})",
                self.heartbeat_every, self.lease
            ));
        }
        if self.poll_interval.is_zero() || self.reclaim_every.is_zero() {
            return Err("poll and reclaim intervals must be non-zero".into());
        }
        Ok(())
    }
}

/// `<host>-<pid>-<random>`: readable in the jobs table, unique across restarts.
pub fn default_id() -> String {
    let host = std::env::var("HOSTNAME")
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "worker".into());
    format!(
        "{host}-{}-{:08x}",
        std::process::id(),
        getrandom::u32().unwrap_or(0)
    )
}

/// A uniform sample in `[0, 1)` for jitter.
pub(crate) fn jitter() -> f64 {
    (getrandom::u32().unwrap_or(u32::MAX / 2) as f64) / (u32::MAX as f64 + 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_bad_settings_are_refused() {
        let config = WorkerConfig::default();
        assert_eq!(config.validate(), Ok(()));
        assert_ne!(default_id(), default_id(), "ids are unique");
        let short_lease = WorkerConfig {
            lease: Duration::from_secs(20),
            ..WorkerConfig::default()
        };
        assert!(
            short_lease
                .validate()
                .unwrap_err()
                .contains("half the lease")
        );
        let idle = WorkerConfig {
            concurrency: 0,
            ..WorkerConfig::default()
        };
        assert!(idle.validate().is_err());
        for _ in 0..1000 {
            let j = jitter();
            assert!((0.0..1.0).contains(&j), "{j}");
        }
    }
}
