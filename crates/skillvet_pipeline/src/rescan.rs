//! Rescanning every published skill when the rule set changes: a chain of
//! `rescan_published` jobs, one page of submissions each, whose verification jobs are spread
//! over time (`rescans_per_minute`) so a rule change never floods the workers.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::Duration;
use serde_json::json;
use skillvet_core::SubmissionState as S;
use skillvet_core::model::{Actor, Id, Transition};
use skillvet_core::pipeline::RescanRequest;
use skillvet_core::queue::{Job, NewJob};
use skillvet_core::store::{StoreError, StoreResult};
use skillvet_worker::{JobContext, JobError, JobHandler};

use crate::Pipeline;

pub const RESCAN_JOB: &str = "rescan_published";
/// The registry setting holding the rule set hash published skills were verified with.
pub const RULESET_SETTING: &str = "ruleset_hash";
/// Submissions moved to RESCAN_REQUIRED per job.
const PAGE: u32 = 100;
/// Rescans queue behind new submissions.
const RESCAN_PRIORITY: i32 = -10;

impl Pipeline {
    /// Compares the current rule set hash with the one stored; when it changed (and
    /// something is published), enqueues the bulk rescan. Returns the job id, if any.
    pub async fn schedule_rescan_if_rules_changed(&self) -> StoreResult<Option<Id>> {
        let hash = self.scanners.ruleset_hash();
        let stored = self.store.setting(RULESET_SETTING).await?;
        if stored.as_deref() == Some(hash.as_str()) {
            return Ok(None);
        }
        let now = self.clock.now();
        let anything_published = !self.store.published_submissions(None, 1).await?.is_empty();
        let job = if anything_published {
            let job = NewJob::new(
                RESCAN_JOB,
                json!({ "ruleset_hash": hash, "after": null, "index": 0 }),
            )
            .priority(RESCAN_PRIORITY)
            .dedup_key(format!("{RESCAN_JOB}:{hash}:start"));
            Some(self.store.enqueue(&job, now).await?.id())
        } else {
            None
        };
        self.store.set_setting(RULESET_SETTING, &hash, now).await?;
        tracing::info!(previous = ?stored, current = %hash, rescan_job = ?job, "rule set changed");
        Ok(job)
    }

    /// One page of the bulk rescan; enqueues the next page if there may be more.
    async fn rescan_page(&self, job: &Job) -> Result<(), JobError> {
        let hash = job.payload["ruleset_hash"]
            .as_str()
            .ok_or_else(|| JobError::Permanent("rescan job without ruleset_hash".into()))?
            .to_owned();
        let after = job.payload["after"].as_i64();
        let index = job.payload["index"].as_i64().unwrap_or(0);
        let ids = self.store.published_submissions(after, PAGE).await?;
        let now = self.clock.now();
        let per_minute = i64::from(self.config.rescans_per_minute.max(1));
        for (i, id) in ids.iter().enumerate() {
            let position = index + i as i64;
            let request = RescanRequest {
                change: Transition {
                    from: S::Published,
                    to: S::RescanRequired,
                    trigger: "ruleset_changed".into(),
                    actor: Actor::system("pipeline"),
                    reason: Some(format!(
                        "the rule set changed (now {})",
                        &hash[..12.min(hash.len())]
                    )),
                    metadata: json!({ "ruleset_hash": hash }),
                    commit_sha: None,
                },
                priority: RESCAN_PRIORITY,
                run_at: now + Duration::milliseconds(position * 60_000 / per_minute),
            };
            match self.store.request_rescan(*id, &request, now).await {
                Ok(_) => {}
                // Already moved on (a newer submission of the skill holds its slot, or a
                // previous run of this page got to it first): nothing to rescan.
                Err(StoreError::StaleState { .. } | StoreError::Conflict(_)) => {
                    tracing::debug!(submission = id, "not rescanned: it changed meanwhile");
                }
                Err(err) => return Err(err.into()),
            }
        }
        if ids.len() == PAGE as usize {
            let last = *ids.last().expect("a full page");
            let next = NewJob::new(
                RESCAN_JOB,
                json!({ "ruleset_hash": hash, "after": last, "index": index + ids.len() as i64 }),
            )
            .priority(RESCAN_PRIORITY)
            .dedup_key(format!("{RESCAN_JOB}:{hash}:{last}"));
            self.store.enqueue(&next, now).await?;
        }
        Ok(())
    }
}

pub(crate) struct RescanHandler(pub Arc<Pipeline>);

#[async_trait]
impl JobHandler for RescanHandler {
    async fn run(&self, job: &Job, _ctx: &JobContext) -> Result<(), JobError> {
        self.0.rescan_page(job).await
    }
}
