//! What both backends do inside a write transaction, written once. Each backend supplies the
//! SQL for the small steps ([`TxOps`]); the decisions (duplicate, already verified, blocked,
//! legal transition) live only here.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use skillvet_core::SubmissionState;
use skillvet_core::model::{
    Actor, Id, NewSubmission, Page, Publication, Published as PublishedSkill, RepoRef, ScanResult,
    Skill, SkillStatus, SkillSummary, SkillVersion, StateEvent, Submission, SubmissionDetail,
    SubmitOutcome, Transition,
};
use skillvet_core::moderation::{AuditAction, Moderator};
use skillvet_core::store::{PathState, PathStatus, StoreError, StoreResult};

/// The job that drives a new submission through the pipeline.
pub const VERIFY_JOB: &str = "verify_submission";
pub const VERIFY_JOB_MAX_ATTEMPTS: i32 = 5;

pub struct NewEvent<'a> {
    pub submission_id: Id,
    pub from: Option<SubmissionState>,
    pub to: SubmissionState,
    pub trigger: &'a str,
    pub actor: &'a Actor,
    pub reason: Option<&'a str>,
    pub metadata: &'a Value,
    pub at: DateTime<Utc>,
}

pub struct NewJob<'a> {
    pub kind: &'a str,
    pub payload: Value,
    pub priority: i32,
    pub max_attempts: i32,
    pub dedup_key: Option<String>,
    pub run_at: DateTime<Utc>,
}

pub struct StateUpdate<'a> {
    pub id: Id,
    pub from: SubmissionState,
    pub to: SubmissionState,
    pub reason: Option<&'a str>,
    pub commit_sha: Option<&'a str>,
    /// Start a new verification run (rescans): scan results are unique per run.
    pub new_run: bool,
    pub now: DateTime<Utc>,
}

/// What one audit row says besides who and why (`audit_events`, append-only).
pub struct AuditEntry {
    pub action: AuditAction,
    pub target_kind: &'static str,
    pub target: String,
    pub package: Option<String>,
    pub before: Value,
    pub after: Value,
}

/// The published skill standing for a skill folder, with the commit of its current version.
pub struct Published {
    pub skill: SkillSummary,
    pub commit_sha: String,
}

#[async_trait]
pub trait TxOps: Send {
    /// Inserts the repository or returns the stored one with the same owner/name.
    async fn upsert_repository(
        &mut self,
        repo: &RepoRef,
        now: DateTime<Utc>,
    ) -> StoreResult<(Id, RepoRef)>;
    /// Inserts a RECEIVED submission unless one is active for the same folder (then `None`).
    async fn insert_submission(
        &mut self,
        repository_id: Id,
        new: &NewSubmission,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Submission>>;
    async fn active_submission(
        &mut self,
        repository_id: Id,
        skill_path: &str,
    ) -> StoreResult<Option<Submission>>;
    async fn latest_submission(
        &mut self,
        repository_id: Id,
        skill_path: &str,
    ) -> StoreResult<Option<Submission>>;
    async fn published_skill(
        &mut self,
        repository_id: Id,
        skill_path: &str,
    ) -> StoreResult<Option<Published>>;
    /// Reads a submission for update (row lock where the backend has them).
    async fn lock_submission(&mut self, id: Id) -> StoreResult<Option<Submission>>;
    /// Compare-and-set of the state; `None` when the submission is no longer in `from`.
    async fn update_state(&mut self, update: &StateUpdate<'_>) -> StoreResult<Option<Submission>>;
    async fn insert_event(&mut self, event: &NewEvent<'_>) -> StoreResult<()>;
    /// Enqueues unless a queued/running job has the same dedup key (then `None`).
    async fn enqueue(&mut self, job: &NewJob<'_>, now: DateTime<Utc>) -> StoreResult<Option<Id>>;
    /// Inserts the skill of the submission's folder, or refreshes its listing fields (never
    /// its status: only an explicit decision lifts a block). Returns its id.
    async fn upsert_skill(
        &mut self,
        slug: &str,
        p: &Publication,
        now: DateTime<Utc>,
    ) -> StoreResult<Id>;
    async fn version_by_hash(
        &mut self,
        skill_id: Id,
        tree_hash: &str,
    ) -> StoreResult<Option<SkillVersion>>;
    /// Inserts the next version number of the skill with its files (blobs deduplicated).
    async fn insert_version(
        &mut self,
        skill_id: Id,
        p: &Publication,
        now: DateTime<Utc>,
    ) -> StoreResult<SkillVersion>;
    async fn set_current_version(
        &mut self,
        skill_id: Id,
        version: &SkillVersion,
        now: DateTime<Utc>,
    ) -> StoreResult<Skill>;
    /// Appends one audit event: the only statement that ever writes `audit_events`.
    async fn audit(
        &mut self,
        by: &Moderator,
        entry: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
}

pub async fn submit<T: TxOps + ?Sized>(
    ops: &mut T,
    new: &NewSubmission,
    now: DateTime<Utc>,
) -> StoreResult<SubmitOutcome> {
    let (repository_id, stored) = ops.upsert_repository(&new.repo, now).await?;
    if stored.url != new.repo.url {
        return Err(StoreError::Conflict(format!(
            "repository {}/{} is registered from {}, not {}",
            stored.owner, stored.name, stored.url, new.repo.url
        )));
    }
    let path = new.skill_path.as_str();
    if let Some(submission) = ops.active_submission(repository_id, path).await? {
        return Ok(SubmitOutcome::Duplicate { submission });
    }
    if let Some(published) = ops.published_skill(repository_id, path).await? {
        let same_version = new
            .requested_ref
            .as_deref()
            .is_none_or(|r| published.commit_sha.starts_with(r) && r.len() >= 7);
        if published.skill.status == SkillStatus::Active && same_version {
            return Ok(SubmitOutcome::AlreadyVerified {
                skill: published.skill,
            });
        }
    }
    if let Some(latest) = ops.latest_submission(repository_id, path).await?
        && latest.state == SubmissionState::Blocked
    {
        return Ok(SubmitOutcome::Blocked { submission: latest });
    }
    let Some(submission) = ops.insert_submission(repository_id, new, now).await? else {
        // Lost a race with a concurrent identical submission: the unique index kept one row.
        return match ops.active_submission(repository_id, path).await? {
            Some(submission) => Ok(SubmitOutcome::Duplicate { submission }),
            None => Err(StoreError::Conflict(format!(
                "a concurrent submission of {path} changed state; retry"
            ))),
        };
    };
    ops.insert_event(&NewEvent {
        submission_id: submission.id,
        from: None,
        to: SubmissionState::Received,
        trigger: "submitted",
        actor: &new.submitter,
        reason: None,
        metadata: &json!({ "requested_ref": new.requested_ref }),
        at: now,
    })
    .await?;
    ops.enqueue(&verify_job(submission.id, submission.priority, now), now)
        .await?;
    Ok(SubmitOutcome::Created { submission })
}

pub async fn publish<T: TxOps + ?Sized>(
    ops: &mut T,
    p: &Publication,
    now: DateTime<Utc>,
) -> StoreResult<PublishedSkill> {
    let change = Transition {
        from: p.from,
        to: SubmissionState::Published,
        trigger: "published".into(),
        actor: p.actor.clone(),
        reason: p.reason.clone(),
        metadata: json!({ "tree_hash": p.tree_hash, "cert_tier": p.cert_tier, "cert_score": p.cert_score }),
        commit_sha: Some(p.commit_sha.clone()),
    };
    let submission = transition(ops, p.submission_id, &change, now).await?;
    let repo = &submission.repository;
    let slug = format!("{}/{}/{}", repo.owner, repo.name, p.name);
    let skill_id = ops.upsert_skill(&slug, p, now).await?;
    let (version, new_version) = match ops.version_by_hash(skill_id, &p.tree_hash).await? {
        Some(existing) => (existing, false),
        None => (ops.insert_version(skill_id, p, now).await?, true),
    };
    let skill = ops.set_current_version(skill_id, &version, now).await?;
    for job in &p.jobs {
        ops.enqueue(&crate::queue::new_job(job, now)?, now).await?;
    }
    Ok(PublishedSkill {
        skill,
        version,
        new_version,
    })
}

pub fn verify_job(submission_id: Id, priority: i32, now: DateTime<Utc>) -> NewJob<'static> {
    NewJob {
        kind: VERIFY_JOB,
        payload: json!({ "submission_id": submission_id }),
        priority,
        max_attempts: VERIFY_JOB_MAX_ATTEMPTS,
        dedup_key: Some(format!("{VERIFY_JOB}:{submission_id}")),
        run_at: now,
    }
}

pub async fn transition<T: TxOps + ?Sized>(
    ops: &mut T,
    id: Id,
    change: &Transition,
    now: DateTime<Utc>,
) -> StoreResult<Submission> {
    let current = ops
        .lock_submission(id)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("submission {id}")))?;
    if current.state != change.from {
        return Err(StoreError::StaleState {
            id,
            expected: change.from,
            actual: current.state,
        });
    }
    change.from.check_transition(change.to)?;
    let update = StateUpdate {
        id,
        from: change.from,
        to: change.to,
        reason: change.reason.as_deref(),
        commit_sha: change.commit_sha.as_deref(),
        new_run: change.from == SubmissionState::RescanRequired
            && change.to == SubmissionState::Tier1Scanning,
        now,
    };
    let updated = ops
        .update_state(&update)
        .await?
        .ok_or(StoreError::StaleState {
            id,
            expected: change.from,
            actual: current.state,
        })?;
    ops.insert_event(&NewEvent {
        submission_id: id,
        from: Some(change.from),
        to: change.to,
        trigger: &change.trigger,
        actor: &change.actor,
        reason: change.reason.as_deref(),
        metadata: &change.metadata,
        at: now,
    })
    .await?;
    Ok(updated)
}

/// Maps driver errors once for both backends.
pub fn db_error(err: sqlx::Error) -> StoreError {
    match &err {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            StoreError::Conflict(format!("uniqueness rule violated: {}", db.message()))
        }
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
            StoreError::Unavailable(err.to_string())
        }
        sqlx::Error::Tls(_) | sqlx::Error::Protocol(_) => StoreError::Unavailable(err.to_string()),
        sqlx::Error::ColumnDecode { .. } | sqlx::Error::Decode(_) => {
            StoreError::Corrupt(err.to_string())
        }
        _ => StoreError::Database(err.to_string()),
    }
}

pub fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(what.to_string())
}

/// Registry status of a skill folder from its latest submission and its published skill.
pub fn path_status(latest: Option<SubmissionState>, skill: Option<SkillStatus>) -> PathStatus {
    match (skill, latest) {
        (Some(SkillStatus::Blocked), _) | (_, Some(SubmissionState::Blocked)) => {
            PathStatus::Blocked
        }
        (Some(SkillStatus::Quarantined | SkillStatus::Withdrawn), _) => PathStatus::TakenDown,
        (Some(SkillStatus::Active), _) | (None, Some(SubmissionState::Published)) => {
            PathStatus::Verified
        }
        (None, Some(state)) if state.is_active() => PathStatus::Pending,
        (None, Some(_)) => PathStatus::Rejected,
        (None, None) => PathStatus::New,
    }
}

/// Assembles [`PathState`]s in the order of `paths` from per-path facts.
pub fn path_states(
    paths: Option<&[String]>,
    latest: &HashMap<String, (Id, SubmissionState)>,
    skills: &HashMap<String, (String, SkillStatus)>,
) -> Vec<PathState> {
    let known: Vec<String>;
    let paths = match paths {
        Some(paths) => paths,
        None => {
            let mut all: Vec<String> = latest.keys().chain(skills.keys()).cloned().collect();
            all.sort();
            all.dedup();
            known = all;
            &known
        }
    };
    paths
        .iter()
        .map(|path| {
            let sub = latest.get(path);
            let skill = skills.get(path);
            PathState {
                skill_path: path.clone(),
                status: path_status(sub.map(|s| s.1), skill.map(|s| s.1)),
                submission_id: sub.map(|s| s.0),
                state: sub.map(|s| s.1),
                skill: skill.map(|s| s.0.clone()),
            }
        })
        .collect()
}

/// Puts details back in the order the caller asked for.
pub fn details_in_order(
    ids: &[Id],
    submissions: Vec<Submission>,
    mut scans: Vec<ScanResult>,
    mut events: Vec<StateEvent>,
) -> Vec<SubmissionDetail> {
    let mut by_id: HashMap<Id, SubmissionDetail> = submissions
        .into_iter()
        .map(|s| {
            (
                s.id,
                SubmissionDetail {
                    submission: s,
                    scan_results: vec![],
                    events: vec![],
                },
            )
        })
        .collect();
    scans.sort_by_key(|s| s.id);
    events.sort_by_key(|e| e.id);
    for scan in scans {
        if let Some(detail) = by_id.get_mut(&scan.submission_id) {
            detail.scan_results.push(scan);
        }
    }
    for event in events {
        if let Some(detail) = by_id.get_mut(&event.submission_id) {
            detail.events.push(event);
        }
    }
    ids.iter().filter_map(|id| by_id.remove(id)).collect()
}

/// Turns rows fetched with one extra (`limit + 1`) into a page and its cursor.
pub fn into_page(mut items: Vec<Submission>, limit: u32) -> Page<Submission> {
    let limit = limit as usize;
    let next = if items.len() > limit {
        items.truncate(limit);
        items.last().map(|s| s.id)
    } else {
        None
    };
    Page { items, next }
}

/// Counts for every state, zeros included, in state order.
pub fn full_stats(counts: HashMap<SubmissionState, i64>) -> Vec<(SubmissionState, i64)> {
    SubmissionState::ALL
        .iter()
        .map(|s| (*s, counts.get(s).copied().unwrap_or(0)))
        .collect()
}
