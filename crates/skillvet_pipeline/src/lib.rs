//! The verification pipeline: submit → queue → fetch → scan → decide → publish.
//!
//! ```text
//! let pipeline = Pipeline::new(store.clone(), clock.clone(), PipelineConfig::default(), Scanners::default());
//! pipeline.schedule_rescan_if_rules_changed().await?;   // once at start-up
//! let worker = Worker::new(store, clock, WorkerConfig::default(), pipeline.handlers());
//! worker.run(shutdown).await;
//! ```
//!
//! * [`Pipeline::verify`] drives one submission (the `verify_submission` job).
//! * [`Pipeline::schedule_rescan_if_rules_changed`] and the `rescan_published` job rescan
//!   every published skill, rate-limited, when the rule set hash changes.
//! * [`policy`] is the decision policy (see `docs/decision-policy.md`).

pub mod external;
pub mod policy;
mod rescan;
pub mod scan;
mod verify;

use std::sync::Arc;

use async_trait::async_trait;
use skillvet_core::Clock;
use skillvet_core::model::Id;
use skillvet_core::queue::Job;
use skillvet_core::store::Store;
use skillvet_git::FetchPolicy;
use skillvet_worker::{Handlers, JobContext, JobError, JobHandler};
use tokio::sync::Semaphore;

pub use policy::{Certification, Decision, PolicyConfig, TrustComponents};
pub use rescan::{RESCAN_JOB, RULESET_SETTING};
pub use scan::{BehaviourScanner, LlmJudgeScanner, Scanner, Scanners, StaticRulesScanner};
pub use verify::current_run;

/// Kind of the job `submit` enqueues for every new submission.
pub const VERIFY_JOB: &str = "verify_submission";

/// The dedup key of a submission's verification job (one queued or running at a time).
pub fn verify_job_key(submission_id: Id) -> String {
    format!("{VERIFY_JOB}:{submission_id}")
}

#[derive(Debug, Clone)]
pub struct PipelineConfig {
    /// How repositories are fetched (limits, time, local repositories).
    pub fetch: FetchPolicy,
    pub policy: PolicyConfig,
    /// Repository fetches at once in this process (each holds a whole commit in memory).
    pub max_concurrent_fetches: usize,
    /// Published skills whose rescan may start per minute after a rule set change.
    pub rescans_per_minute: u32,
    /// Enqueue an external scan (Semgrep, gitleaks… run by scan agents) for every
    /// publication. Off unless agents are deployed, so no scan waits for nobody.
    pub external_scans: bool,
}

impl Default for PipelineConfig {
    fn default() -> Self {
        Self {
            fetch: FetchPolicy::default(),
            policy: PolicyConfig::default(),
            max_concurrent_fetches: 4,
            rescans_per_minute: 60,
            external_scans: false,
        }
    }
}

pub struct Pipeline {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    config: PipelineConfig,
    scanners: Scanners,
    fetches: Semaphore,
}

impl Pipeline {
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        config: PipelineConfig,
        scanners: Scanners,
    ) -> Arc<Self> {
        let fetches = Semaphore::new(config.max_concurrent_fetches.max(1));
        Arc::new(Self {
            store,
            clock,
            config,
            scanners,
            fetches,
        })
    }

    pub fn scanners(&self) -> &Scanners {
        &self.scanners
    }

    /// The job handlers a worker needs to run the pipeline.
    pub fn handlers(self: &Arc<Self>) -> Handlers {
        Handlers::new()
            .register(VERIFY_JOB, Arc::new(VerifyHandler(self.clone())))
            .register(RESCAN_JOB, Arc::new(rescan::RescanHandler(self.clone())))
    }
}

fn submission_id(job: &Job) -> Result<Id, JobError> {
    job.payload["submission_id"].as_i64().ok_or_else(|| {
        JobError::Permanent(format!(
            "job {} has no submission_id in its payload",
            job.id
        ))
    })
}

struct VerifyHandler(Arc<Pipeline>);

#[async_trait]
impl JobHandler for VerifyHandler {
    async fn run(&self, job: &Job, _ctx: &JobContext) -> Result<(), JobError> {
        let id = submission_id(job)?;
        let state = self.0.verify(id).await?;
        tracing::info!(submission = id, %state, "verification finished");
        Ok(())
    }

    async fn give_up(&self, job: &Job, reason: &str) -> Result<(), JobError> {
        match submission_id(job) {
            Ok(id) => self.0.abandon(id, reason).await,
            Err(_) => Ok(()),
        }
    }
}
