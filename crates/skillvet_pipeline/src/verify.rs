//! `verify_submission`: one submission from RECEIVED (or RESCAN_REQUIRED) to a decision.
//!
//! Every step is a compare-and-set transition written with its event, and the loop re-reads
//! the submission before each step, so the job can be re-run after a crash at any point:
//! it resumes from the stored state, re-fetches the pinned commit if it needs the files again,
//! and scan results are unique per (submission, run, tier, scanner) — recording one again
//! returns the stored one, so decisions are always made from what is stored.

use std::sync::Arc;
use std::time::Instant;

use serde_json::{Value, json};
use skillvet_core::SubmissionState as S;
use skillvet_core::model::{
    Actor, CertTier, Id, NewScanResult, Publication, PublishedFile, StateEvent, Submission,
    SubmissionDetail, Transition,
};
use skillvet_core::moderation::AuditAction;
use skillvet_core::store::StoreError;
use skillvet_git::{FetchError, RepoUrl, Snapshot};
use skillvet_skill::{FileKind, LoadError, ParsedSkillMd, SkillBundle, content_hash};
use skillvet_worker::JobError;

use crate::Pipeline;
use crate::policy::{self, Decision, TierResult};
use crate::scan::Scanner;

/// More steps than any path through the state machine takes: a guard against a loop.
const MAX_STEPS: usize = 24;

/// Why a step cannot go on.
pub(crate) enum Problem {
    /// The submission itself is at fault (too large, no such folder, invalid SKILL.md…):
    /// a terminal decision with this reason.
    Terminal(String),
    /// Something outside may recover (network, git, database): the job is retried.
    Transient(String),
}

impl From<StoreError> for Problem {
    fn from(err: StoreError) -> Self {
        Problem::Transient(err.to_string())
    }
}

/// The verification run a submission is in: 1, plus one per rescan started.
pub fn current_run(events: &[StateEvent]) -> i32 {
    1 + events
        .iter()
        .filter(|e| e.from_state == Some(S::RescanRequired) && e.to_state == S::Tier1Scanning)
        .count() as i32
}

fn actor() -> Actor {
    Actor::system("pipeline")
}

fn fetch_problem(err: FetchError) -> Problem {
    let reason = format!("fetching the repository failed: {err}");
    match err {
        FetchError::Url(_)
        | FetchError::LocalNotAllowed
        | FetchError::InvalidReference { .. }
        | FetchError::ForbiddenAddress { .. }
        | FetchError::RepositoryTooLarge { .. }
        | FetchError::TooManyFiles { .. }
        | FetchError::FileTooLarge { .. }
        | FetchError::ReferenceNotFound { .. }
        | FetchError::InvalidTree(_) => Problem::Terminal(reason),
        FetchError::Timeout { .. }
        | FetchError::Resolve { .. }
        | FetchError::GitUnavailable { .. }
        | FetchError::Git { .. }
        | FetchError::Io { .. } => Problem::Transient(reason),
    }
}

fn load_problem(err: LoadError, folder: &str) -> Problem {
    match err {
        LoadError::FolderNotFound { .. } => Problem::Terminal(format!(
            "the skill folder {folder:?} does not exist at the verified commit"
        )),
        LoadError::Io { .. } | LoadError::Changed { .. } => Problem::Transient(err.to_string()),
        other => Problem::Terminal(format!("the skill folder cannot be verified: {other}")),
    }
}

/// Problems that make a SKILL.md or a bundle unverifiable, in one clear sentence.
fn bundle_problems(bundle: &SkillBundle, parsed: &ParsedSkillMd) -> Option<String> {
    if !parsed.is_valid() {
        let issues: Vec<String> = parsed
            .errors
            .iter()
            .take(5)
            .map(|i| format!("line {}: {}", i.line, i.message))
            .collect();
        let issues = if issues.is_empty() {
            "no frontmatter could be read".to_owned()
        } else {
            issues.join("; ")
        };
        return Some(format!("SKILL.md is invalid: {issues}"));
    }
    let escaping = bundle.escaping_symlinks();
    if !escaping.is_empty() {
        return Some(format!(
            "symbolic links point outside the skill folder: {}",
            escaping.join(", ")
        ));
    }
    None
}

impl Pipeline {
    /// Drives submission `id` as far as the pipeline can take it and returns the state it
    /// stopped in (a terminal state, NEEDS_REVIEW or ON_HOLD). Safe to call again at any time.
    pub async fn verify(&self, id: Id) -> Result<S, JobError> {
        let mut snapshot: Option<Snapshot> = None;
        for _ in 0..MAX_STEPS {
            let detail = self
                .store
                .submission_details(&[id])
                .await?
                .pop()
                .ok_or_else(|| JobError::Permanent(format!("submission {id} does not exist")))?;
            let sub = &detail.submission;
            let step = match sub.state {
                S::Received | S::RescanRequired => self.fetch_step(sub, &mut snapshot).await,
                S::Tier1Scanning => self.tier1_step(&detail, &mut snapshot).await,
                S::Tier1Failed => self.tier1_failed_step(&detail).await,
                S::Tier2Scanning => self.tier2_step(&detail, &mut snapshot).await,
                S::AutoApproved => self.publish_step(&detail, &mut snapshot).await,
                S::NeedsReview
                | S::OnHold
                | S::Published
                | S::Rejected
                | S::Blocked
                | S::Errored => return Ok(sub.state),
            };
            match step {
                Ok(()) => {}
                Err(Problem::Terminal(reason)) => self.end(sub, &reason).await?,
                Err(Problem::Transient(reason)) => return Err(JobError::Retry(reason)),
            }
        }
        Err(JobError::Retry(format!(
            "submission {id} did not settle after {MAX_STEPS} steps"
        )))
    }

    /// The give-up step of a verification job: a submission the pipeline could not finish
    /// moves to ERRORED (or to a human, if a decision was already under way) with the reason.
    pub async fn abandon(&self, id: Id, reason: &str) -> Result<(), JobError> {
        for _ in 0..MAX_STEPS {
            let Some(sub) = self.store.submission(id).await? else {
                return Ok(());
            };
            let to = match sub.state {
                S::Received | S::Tier1Scanning | S::Tier2Scanning | S::RescanRequired => S::Errored,
                S::Tier1Failed | S::AutoApproved => S::NeedsReview,
                _ => return Ok(()),
            };
            match self
                .transition(&sub, to, "pipeline_gave_up", Some(reason), json!({}), None)
                .await
            {
                Err(Problem::Transient(reason)) => return Err(JobError::Retry(reason)),
                _ => continue,
            }
        }
        Ok(())
    }

    /// A terminal decision for a submission at fault: REJECTED where the state machine allows
    /// it, ERRORED otherwise (a rescan of something that can no longer be read).
    async fn end(&self, sub: &Submission, reason: &str) -> Result<(), JobError> {
        let to = if sub.state.check_transition(S::Rejected).is_ok() {
            S::Rejected
        } else if sub.state.check_transition(S::Errored).is_ok() {
            S::Errored
        } else {
            S::NeedsReview
        };
        match self
            .transition(
                sub,
                to,
                "verification_failed",
                Some(reason),
                json!({}),
                None,
            )
            .await
        {
            Err(Problem::Transient(reason)) => Err(JobError::Retry(reason)),
            _ => Ok(()),
        }
    }

    /// Compare-and-set; losing the race is fine (the loop re-reads the state).
    async fn transition(
        &self,
        sub: &Submission,
        to: S,
        trigger: &str,
        reason: Option<&str>,
        metadata: Value,
        commit_sha: Option<String>,
    ) -> Result<(), Problem> {
        let change = Transition {
            from: sub.state,
            to,
            trigger: trigger.into(),
            actor: actor(),
            reason: reason.map(str::to_owned),
            metadata,
            commit_sha,
        };
        let now = self.clock.now();
        let result = if to == S::Blocked {
            self.store.block_submission(sub.id, &change, now).await
        } else {
            self.store.transition(sub.id, &change, now).await
        };
        match result {
            Ok(_) | Err(StoreError::StaleState { .. }) => Ok(()),
            Err(err @ StoreError::IllegalTransition(_)) => Err(Problem::Terminal(format!(
                "internal error, please report: {err}"
            ))),
            Err(err) => Err(err.into()),
        }
    }

    async fn apply(&self, sub: &Submission, decision: &Decision) -> Result<(), Problem> {
        let metadata = json!({ "decision": decision });
        match decision {
            Decision::Block { reason } => {
                self.transition(sub, S::Blocked, "decided", Some(reason), metadata, None)
                    .await
            }
            Decision::Reject { reason } => {
                self.transition(sub, S::Rejected, "decided", Some(reason), metadata, None)
                    .await
            }
            Decision::Review { reason } => {
                self.transition(sub, S::NeedsReview, "decided", Some(reason), metadata, None)
                    .await
            }
            Decision::Publish(cert) => {
                let reason = format!("{} with trust score {}", cert.tier, cert.trust_score);
                self.transition(
                    sub,
                    S::AutoApproved,
                    "decided",
                    Some(&reason),
                    metadata,
                    None,
                )
                .await
            }
        }
    }

    async fn fetch(&self, sub: &Submission, reference: Option<&str>) -> Result<Snapshot, Problem> {
        let url = RepoUrl::parse(&sub.repository.url, &self.config.fetch)
            .map_err(|e| Problem::Terminal(format!("the repository URL is not accepted: {e}")))?;
        let _permit = self
            .fetches
            .acquire()
            .await
            .map_err(|_| Problem::Transient("the pipeline is shutting down".into()))?;
        skillvet_git::fetch(&url, reference, &self.config.fetch)
            .await
            .map_err(fetch_problem)
    }

    /// RECEIVED / RESCAN_REQUIRED: blocklist by repository, then fetch and pin the commit.
    async fn fetch_step(
        &self,
        sub: &Submission,
        snapshot: &mut Option<Snapshot>,
    ) -> Result<(), Problem> {
        let repo = &sub.repository;
        let blocked = self
            .store
            .find_block(
                &repo.owner,
                &repo.name,
                Some(&sub.skill_name),
                None,
                self.clock.now(),
            )
            .await?;
        if let Some(block) = blocked {
            let reason = block.describe();
            return self
                .transition(
                    sub,
                    S::Blocked,
                    "blocklisted",
                    Some(&reason),
                    json!({ "block_id": block.id }),
                    None,
                )
                .await;
        }
        // A rescan verifies the commit that was published; a new submission what was asked.
        let reference = sub.commit_sha.as_deref().or(sub.requested_ref.as_deref());
        let fetched = self.fetch(sub, reference).await?;
        let sha = fetched.commit_sha().to_owned();
        *snapshot = Some(fetched);
        self.transition(
            sub,
            S::Tier1Scanning,
            "fetched",
            None,
            json!({ "commit_sha": sha }),
            Some(sha.clone()),
        )
        .await
    }

    /// The skill's files at the pinned commit (fetched again after a restart).
    async fn bundle(
        &self,
        sub: &Submission,
        snapshot: &mut Option<Snapshot>,
    ) -> Result<SkillBundle, Problem> {
        let Some(sha) = sub.commit_sha.as_deref() else {
            return Err(Problem::Terminal(
                "internal error, please report: no commit was pinned".into(),
            ));
        };
        if snapshot.as_ref().is_none_or(|s| s.commit_sha() != sha) {
            *snapshot = Some(self.fetch(sub, Some(sha)).await?);
        }
        let fetched = snapshot.as_ref().expect("just set");
        fetched
            .bundle(&sub.skill_path)
            .map_err(|e| load_problem(e, &sub.skill_path))
    }

    async fn run_tier(
        &self,
        detail: &SubmissionDetail,
        scanners: &[Arc<dyn Scanner>],
        bundle: &Arc<(SkillBundle, ParsedSkillMd)>,
        tree_hash: &str,
    ) -> Result<Vec<TierResult>, Problem> {
        let sub = &detail.submission;
        let run = current_run(&detail.events);
        let commit = sub.commit_sha.clone().unwrap_or_default();
        let mut results = Vec::new();
        for scanner in scanners {
            let started = Instant::now();
            // Scanning is CPU work: keep it off the async threads.
            let (task_scanner, task_bundle) = (scanner.clone(), bundle.clone());
            let report = tokio::task::spawn_blocking(move || {
                task_scanner.scan(&task_bundle.0, &task_bundle.1)
            })
            .await
            .map_err(|e| Problem::Transient(format!("scanner {} failed: {e}", scanner.name())))?;
            let new = NewScanResult {
                submission_id: sub.id,
                tier: scanner.tier(),
                scanner: scanner.name().into(),
                scanner_version: scanner.version(),
                verdict: report.verdict,
                score: report.score,
                findings: serde_json::to_value(&report.findings).expect("findings serialise"),
                dependency_risk: json!({}),
                script_scan_summary: json!({ "tree_hash": tree_hash, "details": report.summary }),
                commit_sha: commit.clone(),
                duration_ms: started.elapsed().as_millis() as i64,
                run,
            };
            let stored = self
                .store
                .record_scan_result(&new, self.clock.now())
                .await?;
            results.push(TierResult::from_stored(&stored).map_err(Problem::Transient)?);
        }
        Ok(results)
    }

    /// TIER1_SCANNING: read the skill, check it can be verified at all, blocklist by content,
    /// run tier 1 and decide whether tier 2 follows.
    async fn tier1_step(
        &self,
        detail: &SubmissionDetail,
        snapshot: &mut Option<Snapshot>,
    ) -> Result<(), Problem> {
        let sub = &detail.submission;
        let bundle = self.bundle(sub, snapshot).await?;
        let parsed = bundle.parse_manifest();
        if let Some(reason) = bundle_problems(&bundle, &parsed) {
            return Err(Problem::Terminal(reason));
        }
        let tree_hash = content_hash(&bundle);
        let repo = &sub.repository;
        if let Some(block) = self
            .store
            .find_block(
                &repo.owner,
                &repo.name,
                Some(&sub.skill_name),
                Some(&tree_hash),
                self.clock.now(),
            )
            .await?
        {
            let reason = block.describe();
            return self
                .transition(
                    sub,
                    S::Blocked,
                    "blocklisted",
                    Some(&reason),
                    json!({ "block_id": block.id }),
                    None,
                )
                .await;
        }
        let scanned = Arc::new((bundle, parsed));
        let results = self
            .run_tier(detail, &self.scanners.tier1, &scanned, &tree_hash)
            .await?;
        match policy::after_tier1(&results) {
            None => {
                self.transition(
                    sub,
                    S::Tier2Scanning,
                    "tier1_passed",
                    None,
                    json!({ "tree_hash": tree_hash }),
                    None,
                )
                .await
            }
            Some(decision) => {
                let reason = match &decision {
                    Decision::Block { reason }
                    | Decision::Reject { reason }
                    | Decision::Review { reason } => reason.clone(),
                    Decision::Publish(_) => String::new(),
                };
                self.transition(
                    sub,
                    S::Tier1Failed,
                    "tier1_failed",
                    Some(&reason),
                    json!({}),
                    None,
                )
                .await
            }
        }
    }

    fn stored_results(detail: &SubmissionDetail, tier: i32) -> Result<Vec<TierResult>, Problem> {
        let run = current_run(&detail.events);
        detail
            .scan_results
            .iter()
            .filter(|r| r.run == run && r.tier == tier)
            .map(|r| TierResult::from_stored(r).map_err(Problem::Transient))
            .collect()
    }

    /// TIER1_FAILED: the decision tier 1 called for (recomputed from the stored results).
    async fn tier1_failed_step(&self, detail: &SubmissionDetail) -> Result<(), Problem> {
        let tier1 = Self::stored_results(detail, 1)?;
        let decision = policy::after_tier1(&tier1).unwrap_or(Decision::Review {
            reason: "tier 1 failed but its results are missing; a human decides".into(),
        });
        self.apply(&detail.submission, &decision).await
    }

    /// TIER2_SCANNING: run tier 2 and apply the final decision.
    async fn tier2_step(
        &self,
        detail: &SubmissionDetail,
        snapshot: &mut Option<Snapshot>,
    ) -> Result<(), Problem> {
        let sub = &detail.submission;
        let bundle = self.bundle(sub, snapshot).await?;
        let parsed = bundle.parse_manifest();
        let tree_hash = content_hash(&bundle);
        let tier1 = Self::stored_results(detail, 1)?;
        let scanned = Arc::new((bundle, parsed));
        let tier2 = self
            .run_tier(detail, &self.scanners.tier2, &scanned, &tree_hash)
            .await?;
        let decision = self.decision(sub, &tier1, &tier2, &scanned.1);
        self.apply(sub, &decision).await
    }

    fn decision(
        &self,
        sub: &Submission,
        tier1: &[TierResult],
        tier2: &[TierResult],
        parsed: &ParsedSkillMd,
    ) -> Decision {
        let trusted = self
            .config
            .policy
            .is_trusted(&sub.repository.owner, &sub.repository.name);
        policy::decide(tier1, tier2, parsed.warnings.len(), trusted)
    }

    /// AUTO_APPROVED: publish exactly the content that was scanned; if the files at the
    /// pinned commit no longer hash to what was scanned, scan again instead.
    async fn publish_step(
        &self,
        detail: &SubmissionDetail,
        snapshot: &mut Option<Snapshot>,
    ) -> Result<(), Problem> {
        let sub = &detail.submission;
        let bundle = self.bundle(sub, snapshot).await?;
        let parsed = bundle.parse_manifest();
        let tree_hash = content_hash(&bundle);
        let run = current_run(&detail.events);
        let scanned: Vec<&str> = detail
            .scan_results
            .iter()
            .filter(|r| r.run == run)
            .filter_map(|r| r.script_scan_summary["tree_hash"].as_str())
            .collect();
        if scanned.is_empty() || scanned.iter().any(|h| *h != tree_hash) {
            let reason = format!(
                "the content to publish ({tree_hash}) is not the content that was scanned ({}); scanning again",
                scanned.first().copied().unwrap_or("nothing")
            );
            return self
                .transition(
                    sub,
                    S::RescanRequired,
                    "content_changed",
                    Some(&reason),
                    json!({}),
                    None,
                )
                .await;
        }
        let tier1 = Self::stored_results(detail, 1)?;
        let tier2 = Self::stored_results(detail, 2)?;
        // A reviewer's approval is the last move into AUTO_APPROVED: it settles what the
        // policy left to a human, with the tier the reviewer signed off on.
        let approval = detail
            .events
            .iter()
            .rev()
            .find(|e| e.to_state == S::AutoApproved)
            .filter(|e| e.trigger == AuditAction::SubmissionApprove.as_str());
        let decision = self.decision(sub, &tier1, &tier2, &parsed);
        let (cert, publisher, method) = match (decision, approval) {
            (Decision::Publish(_) | Decision::Review { .. }, Some(approval)) => {
                let tier = approval.metadata["tier"]
                    .as_str()
                    .and_then(|t| t.parse().ok())
                    .unwrap_or(CertTier::Scanned);
                let trusted = self
                    .config
                    .policy
                    .is_trusted(&sub.repository.owner, &sub.repository.name);
                let cert = policy::reviewed(&tier1, &tier2, parsed.warnings.len(), trusted, tier);
                let method = format!("reviewed:{}", approval.actor.id);
                (cert, approval.actor.clone(), method)
            }
            (Decision::Publish(cert), None) => (
                cert,
                actor(),
                format!("automated:{}", crate::policy::POLICY_VERSION),
            ),
            (other, _) => {
                // The policy changed between the decision and publishing: decide again.
                let reason = format!("the decision changed before publishing: {other:?}");
                return self
                    .transition(
                        sub,
                        S::NeedsReview,
                        "decision_changed",
                        Some(&reason),
                        json!({}),
                        None,
                    )
                    .await;
            }
        };
        let manifest = parsed.manifest.clone().unwrap_or_default();
        let meta = |key: &str| manifest.metadata.get(key).cloned();
        let mut publication = Publication {
            submission_id: sub.id,
            from: S::AutoApproved,
            actor: publisher,
            reason: Some(format!(
                "{} with trust score {}",
                cert.tier, cert.trust_score
            )),
            name: manifest
                .name
                .clone()
                .unwrap_or_else(|| sub.skill_name.clone()),
            display_name: meta("display-name")
                .or_else(|| manifest.name.clone())
                .unwrap_or_else(|| sub.skill_name.clone()),
            description: manifest.description.clone().unwrap_or_default(),
            author: meta("author"),
            category: category(meta("category")),
            labels: meta("tags")
                .map(|t| {
                    t.split(',')
                        .map(|s| s.trim().to_owned())
                        .filter(|s| !s.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
            cert_tier: cert.tier,
            cert_method: method,
            cert_score: cert.trust_score,
            trust_components: serde_json::to_value(cert.components).expect("serialises"),
            commit_sha: sub.commit_sha.clone().unwrap_or_default(),
            tree_hash: tree_hash.clone(),
            manifest: serde_json::to_value(&manifest).expect("serialises"),
            files: bundle
                .files
                .iter()
                .filter_map(|f| {
                    let kind = match f.kind {
                        FileKind::Regular => "regular",
                        FileKind::Executable => "executable",
                        _ => return None,
                    };
                    Some(PublishedFile {
                        path: f.path.clone(),
                        kind: kind.into(),
                        content: f.content.clone(),
                    })
                })
                .collect(),
            jobs: Vec::new(),
        };
        if self.config.external_scans {
            let slug = format!(
                "{}/{}/{}",
                sub.repository.owner, sub.repository.name, publication.name
            );
            publication.jobs.push(crate::external::external_scan_job(
                sub,
                run,
                &slug,
                &publication.commit_sha,
            ));
        }
        match self.store.publish(&publication, self.clock.now()).await {
            Ok(published) => {
                tracing::info!(submission = sub.id, skill = %published.skill.slug, version = %published.version.version, "published");
                Ok(())
            }
            Err(StoreError::StaleState { .. }) => Ok(()),
            Err(StoreError::Conflict(message)) => {
                let reason = format!("publishing needs a human: {message}");
                self.transition(
                    sub,
                    S::NeedsReview,
                    "publish_conflict",
                    Some(&reason),
                    json!({}),
                    None,
                )
                .await
            }
            Err(err) => Err(err.into()),
        }
    }
}

/// Categories are stored trimmed and lower-cased here, with Unicode rules: SQLite's `lower()`
/// folds only ASCII, so folding in the database would make `Données` and `DONNÉES` two
/// categories on SQLite and one on PostgreSQL.
fn category(raw: Option<String>) -> Option<String> {
    raw.map(|c| c.trim().to_lowercase())
        .filter(|c| !c.is_empty())
}

#[cfg(test)]
mod category_tests {
    use super::category;

    #[test]
    fn categories_fold_with_unicode_rules() {
        assert_eq!(
            category(Some(" DONNÉES ".into())).as_deref(),
            Some("données")
        );
        assert_eq!(category(Some("   ".into())), None);
        assert_eq!(category(None), None);
    }
}
