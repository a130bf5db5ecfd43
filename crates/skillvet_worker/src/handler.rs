use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use skillvet_core::queue::{Job, Lease};
use skillvet_core::store::StoreError;

/// Why an attempt failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JobError {
    /// Transient (database unavailable, network hiccup…): retried with backoff until the
    /// job's attempts run out.
    #[error("{0}")]
    Retry(String),
    /// Retrying cannot help (e.g. the payload names nothing that exists).
    #[error("{0}")]
    Permanent(String),
}

impl From<StoreError> for JobError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Corrupt(_) => JobError::Permanent(err.to_string()),
            _ => JobError::Retry(err.to_string()),
        }
    }
}

/// What a handler knows about the attempt it runs.
#[derive(Debug, Clone)]
pub struct JobContext {
    pub lease: Lease,
    pub worker_id: String,
}

/// The code for one job kind. `run` must be idempotent: after a crash, a lost lease or a
/// timeout the same job runs again, possibly after part of its effects were committed.
#[async_trait]
pub trait JobHandler: Send + Sync + 'static {
    async fn run(&self, job: &Job, ctx: &JobContext) -> Result<(), JobError>;

    /// Called once the job will not run again (retries exhausted, or a permanent failure),
    /// before it is marked dead/failed, with the reason. Moves whatever the job was for to a
    /// terminal state. Must be idempotent too; an error makes the worker try again later.
    async fn give_up(&self, job: &Job, reason: &str) -> Result<(), JobError> {
        let _ = (job, reason);
        Ok(())
    }
}

/// The handlers a worker runs, by job kind. A worker only claims kinds it has handlers for.
#[derive(Clone, Default)]
pub struct Handlers {
    by_kind: BTreeMap<String, Arc<dyn JobHandler>>,
}

impl Handlers {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn register(mut self, kind: impl Into<String>, handler: Arc<dyn JobHandler>) -> Self {
        self.by_kind.insert(kind.into(), handler);
        self
    }

    pub fn kinds(&self) -> Vec<String> {
        self.by_kind.keys().cloned().collect()
    }

    pub fn get(&self, kind: &str) -> Option<&Arc<dyn JobHandler>> {
        self.by_kind.get(kind)
    }

    pub fn is_empty(&self) -> bool {
        self.by_kind.is_empty()
    }
}
