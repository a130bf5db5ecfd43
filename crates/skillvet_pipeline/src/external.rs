//! External scan agents: separate `skillvet scan-agent` processes run Semgrep, njsscan,
//! gitleaks and trufflehog and report back over HTTP. This module is the domain side the API
//! routes call:
//!
//! * every publication enqueues an `external_scan` job;
//! * an agent holding a token with the [`AGENT_SCOPE`] scope claims one with
//!   [`claim_for_agent`] (a queue lease owned by `agent:<name>`; the lease is its deadline);
//! * it posts the results to a webhook signed with HMAC-SHA256 over `"<timestamp>.<body>"`
//!   ([`sign`], checked by [`verify_signature`]: timestamps older or newer than
//!   [`SIGNATURE_TOLERANCE`] are refused, so a captured request cannot be replayed later, and
//!   the lease fences a replay within the window — a job completes once);
//! * [`ingest`] stores one ScanResult (tier 3) per tool that ran, and blocks the published
//!   skill when a confirmed critical finding comes back;
//! * an agent that never reports loses its lease; after the job's attempts the scan is
//!   TIMED_OUT ([`ExternalScanStatus`]), and never blocks anything forever.

use std::time::Duration;

use chrono::{DateTime, Utc};
use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::Sha256;
use skillvet_core::SubmissionState as S;
use skillvet_core::model::{Actor, ActorKind, ApiToken, Id, NewScanResult, Submission, Transition};
use skillvet_core::queue::{ClaimRequest, Failure, Job, JobState, Lease, NewJob};
use skillvet_core::store::{Store, StoreError};

use crate::scan::{Finding, grade};

pub const EXTERNAL_SCAN_JOB: &str = "external_scan";
/// The token scope a scan agent needs.
pub const AGENT_SCOPE: &str = "scan-agent";
/// External scans are tier 3 in the scan results.
pub const EXTERNAL_TIER: i32 = 3;
/// Claims an agent gets before the scan is TIMED_OUT.
pub const EXTERNAL_SCAN_ATTEMPTS: i32 = 3;
/// How far a signed request's timestamp may be from the server's clock.
pub const SIGNATURE_TOLERANCE: Duration = Duration::from_secs(300);
/// Header names of the webhook.
pub const TIMESTAMP_HEADER: &str = "X-Skillvet-Timestamp";
pub const SIGNATURE_HEADER: &str = "X-Skillvet-Signature";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AgentError {
    #[error("the token lacks the `{AGENT_SCOPE}` scope")]
    MissingScope,
    #[error("missing or malformed {0} header")]
    BadHeader(&'static str),
    #[error("the request timestamp is more than {} s away from the server's clock", SIGNATURE_TOLERANCE.as_secs())]
    StaleTimestamp,
    #[error("the signature does not match the request")]
    BadSignature,
    #[error("the result is malformed: {0}")]
    Malformed(String),
    /// The lease is not (or no longer) held: the scan was reassigned, timed out or already
    /// reported.
    #[error(
        "job {0} is not assigned to this agent (lease expired, reassigned or already reported)"
    )]
    NotAssigned(Id),
    #[error("storage failed: {0}")]
    Store(String),
}

impl From<StoreError> for AgentError {
    fn from(err: StoreError) -> Self {
        AgentError::Store(err.to_string())
    }
}

/// Only tokens with the agent scope may claim or report.
pub fn require_agent_scope(token: &ApiToken) -> Result<(), AgentError> {
    if token.scopes.iter().any(|s| s == AGENT_SCOPE) {
        Ok(())
    } else {
        Err(AgentError::MissingScope)
    }
}

type HmacSha256 = Hmac<Sha256>;

fn mac(secret: &[u8], timestamp: &str, body: &[u8]) -> HmacSha256 {
    let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// `sha256=<hex>` over `"<timestamp>.<body>"`, the value of [`SIGNATURE_HEADER`].
pub fn sign(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    let tag = mac(secret, &timestamp.to_string(), body)
        .finalize()
        .into_bytes();
    format!("sha256={}", hex::encode(tag))
}

/// Checks a webhook request: the timestamp (unix seconds) is within the tolerance of `now`
/// and the signature matches (compared in constant time).
pub fn verify_signature(
    secret: &[u8],
    timestamp: Option<&str>,
    signature: Option<&str>,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<(), AgentError> {
    let timestamp = timestamp
        .map(str::trim)
        .filter(|t| !t.is_empty() && t.len() <= 20)
        .ok_or(AgentError::BadHeader(TIMESTAMP_HEADER))?;
    let seconds: i64 = timestamp
        .parse()
        .map_err(|_| AgentError::BadHeader(TIMESTAMP_HEADER))?;
    if (now.timestamp() - seconds).unsigned_abs() > SIGNATURE_TOLERANCE.as_secs() {
        return Err(AgentError::StaleTimestamp);
    }
    let tag = signature
        .and_then(|s| s.trim().strip_prefix("sha256="))
        .and_then(|h| hex::decode(h).ok())
        .ok_or(AgentError::BadHeader(SIGNATURE_HEADER))?;
    mac(secret, timestamp, body)
        .verify_slice(&tag)
        .map_err(|_| AgentError::BadSignature)
}

/// What an agent receives when it claims a scan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assignment {
    pub job_id: Id,
    /// Part of the fencing token: echo it in the report.
    pub attempt: i32,
    pub submission_id: Id,
    pub run: i32,
    pub skill: String,
    pub repo_url: String,
    pub commit_sha: String,
    pub skill_path: String,
    /// Report before this time, or the scan is given to another agent.
    pub deadline: DateTime<Utc>,
}

/// One tool's outcome, as the agent reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ToolReport {
    /// `semgrep`, `njsscan`, `gitleaks`, `trufflehog`.
    pub tool: String,
    pub version: String,
    /// `ran`, `not_available` or `failed`.
    pub status: String,
    #[serde(default)]
    pub findings: Vec<Finding>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub duration_ms: i64,
}

/// The webhook body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentReport {
    pub job_id: Id,
    pub attempt: i32,
    pub tools: Vec<ToolReport>,
}

/// What became of a report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ingested {
    pub scan_result_ids: Vec<Id>,
    /// The skill was blocked because of a confirmed critical finding.
    pub blocked: bool,
}

fn owner(agent: &str) -> String {
    format!("agent:{agent}")
}

fn payload_id(job: &Job, key: &str) -> Result<i64, AgentError> {
    job.payload[key]
        .as_i64()
        .ok_or_else(|| AgentError::Malformed(format!("job {} has no {key}", job.id)))
}

/// The external scan job of a publication (one per submission run). The pipeline hands it
/// to `publish`, which enqueues it in the publishing transaction.
pub fn external_scan_job(sub: &Submission, run: i32, slug: &str, commit_sha: &str) -> NewJob {
    NewJob::new(
        EXTERNAL_SCAN_JOB,
        json!({
            "submission_id": sub.id,
            "run": run,
            "skill": slug,
            "repo_url": sub.repository.url,
            "commit_sha": commit_sha,
            "skill_path": sub.skill_path,
        }),
    )
    .priority(-5)
    .max_attempts(EXTERNAL_SCAN_ATTEMPTS)
    .dedup_key(external_scan_key(sub.id, run))
}

/// The dedup key of a submission run's external scan job.
pub fn external_scan_key(submission_id: Id, run: i32) -> String {
    format!("{EXTERNAL_SCAN_JOB}:{submission_id}:{run}")
}

/// Gives an agent the next external scan, with a lease of `lease`. Scans whose attempts ran
/// out on the way are marked TIMED_OUT (buried) instead of handed out.
pub async fn claim_for_agent(
    store: &dyn Store,
    agent: &str,
    lease: Duration,
    now: DateTime<Utc>,
) -> Result<Option<Assignment>, AgentError> {
    let owner = owner(agent);
    let kinds = [EXTERNAL_SCAN_JOB.to_owned()];
    loop {
        let request = ClaimRequest {
            owner: &owner,
            kinds: &kinds,
            limit: 1,
            lease,
        };
        let Some(claimed) = store.claim(&request, now).await?.pop() else {
            return Ok(None);
        };
        if claimed.exhausted() {
            let reason = format!(
                "TIMED_OUT: no agent reported within {} attempts ({})",
                claimed.job.max_attempts,
                claimed
                    .job
                    .last_error
                    .as_deref()
                    .unwrap_or("no error recorded")
            );
            store
                .fail(&claimed.lease, &reason, Failure::Exhausted, now)
                .await?;
            tracing::warn!(job = claimed.job.id, reason, "external scan timed out");
            continue;
        }
        let job = &claimed.job;
        let text = |key: &str| job.payload[key].as_str().unwrap_or_default().to_owned();
        return Ok(Some(Assignment {
            job_id: job.id,
            attempt: claimed.lease.attempt,
            submission_id: payload_id(job, "submission_id")?,
            run: payload_id(job, "run")? as i32,
            skill: text("skill"),
            repo_url: text("repo_url"),
            commit_sha: text("commit_sha"),
            skill_path: text("skill_path"),
            deadline: job.lease_expires_at.unwrap_or(now),
        }));
    }
}

/// Stores an agent's (already signature-checked) report: one ScanResult per tool that ran,
/// a block of the skill on a confirmed critical finding, and the job completed. A report for
/// a lease the agent no longer holds is refused and changes nothing.
pub async fn ingest(
    store: &dyn Store,
    agent: &str,
    report: &AgentReport,
    now: DateTime<Utc>,
) -> Result<Ingested, AgentError> {
    let lease = Lease {
        job_id: report.job_id,
        owner: owner(agent),
        attempt: report.attempt,
    };
    let job = store
        .job(report.job_id)
        .await?
        .filter(|j| j.kind == EXTERNAL_SCAN_JOB)
        .ok_or(AgentError::NotAssigned(report.job_id))?;
    // Renewing the lease proves it is held, and keeps it while the results are stored.
    if !store.heartbeat(&lease, SIGNATURE_TOLERANCE, now).await? {
        return Err(AgentError::NotAssigned(report.job_id));
    }
    if report.tools.is_empty() || report.tools.len() > 16 {
        return Err(AgentError::Malformed(
            "1 to 16 tool reports are expected".into(),
        ));
    }
    let submission_id = payload_id(&job, "submission_id")?;
    let run = payload_id(&job, "run")? as i32;
    let commit = job.payload["commit_sha"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let mut ids = Vec::new();
    let mut critical: Option<(String, Finding)> = None;
    for tool in &report.tools {
        if !matches!(
            tool.tool.as_str(),
            "semgrep" | "njsscan" | "gitleaks" | "trufflehog"
        ) {
            return Err(AgentError::Malformed(format!(
                "unknown tool {:?}",
                tool.tool
            )));
        }
        if tool.status != "ran" {
            continue;
        }
        let (verdict, score) = grade(&tool.findings);
        let stored = store
            .record_scan_result(
                &NewScanResult {
                    submission_id,
                    tier: EXTERNAL_TIER,
                    scanner: format!("external:{}", tool.tool),
                    scanner_version: tool.version.chars().take(100).collect(),
                    verdict,
                    score,
                    findings: serde_json::to_value(&tool.findings).expect("serialises"),
                    dependency_risk: json!({}),
                    script_scan_summary: json!({ "agent": agent, "job_id": job.id }),
                    commit_sha: commit.clone(),
                    duration_ms: tool.duration_ms.max(0),
                    run,
                },
                now,
            )
            .await?;
        ids.push(stored.id);
        if critical.is_none()
            && let Some(f) = tool.findings.iter().find(|f| f.is_confirmed_critical())
        {
            critical = Some((tool.tool.clone(), f.clone()));
        }
    }
    let mut blocked = false;
    if let Some((tool, finding)) = critical {
        blocked = block(store, submission_id, agent, &tool, &finding, now).await?;
    }
    if !store.complete(&lease, now).await? {
        return Err(AgentError::NotAssigned(report.job_id));
    }
    Ok(Ingested {
        scan_result_ids: ids,
        blocked,
    })
}

async fn block(
    store: &dyn Store,
    submission_id: Id,
    agent: &str,
    tool: &str,
    finding: &Finding,
    now: DateTime<Utc>,
) -> Result<bool, AgentError> {
    let reason = format!(
        "external scan ({tool}): {} at {}:{}: {}",
        finding.rule_id, finding.file, finding.line, finding.message
    );
    for _ in 0..5 {
        let Some(sub) = store.submission(submission_id).await? else {
            return Ok(false);
        };
        if sub.state == S::Blocked || sub.state.check_transition(S::Blocked).is_err() {
            return Ok(sub.state == S::Blocked);
        }
        let change = Transition {
            from: sub.state,
            to: S::Blocked,
            trigger: "external_scan".into(),
            actor: Actor {
                kind: ActorKind::ScanAgent,
                id: agent.to_owned(),
            },
            reason: Some(reason.clone()),
            metadata: json!({ "tool": tool, "finding": finding }),
            commit_sha: None,
        };
        match store.block_submission(submission_id, &change, now).await {
            Ok(_) => return Ok(true),
            Err(StoreError::StaleState { .. }) => continue,
            Err(err) => return Err(err.into()),
        }
    }
    Ok(false)
}

/// Where the external scan of a submission run stands, read from its job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ExternalScanStatus {
    Pending,
    Running { agent: String },
    Completed,
    TimedOut { reason: String },
    Failed { reason: String },
}

pub async fn external_scan_status(
    store: &dyn Store,
    submission_id: Id,
    run: i32,
) -> Result<Option<ExternalScanStatus>, AgentError> {
    let key = external_scan_key(submission_id, run);
    let job = store.latest_jobs(std::slice::from_ref(&key)).await?.pop();
    Ok(job.map(|job| status_of(&job)))
}

/// Where an external scan stands, from its job.
pub fn status_of(job: &Job) -> ExternalScanStatus {
    let reason = || job.last_error.clone().unwrap_or_default();
    match job.state {
        JobState::Queued => ExternalScanStatus::Pending,
        JobState::Running => ExternalScanStatus::Running {
            agent: job
                .lease_owner
                .as_deref()
                .unwrap_or_default()
                .trim_start_matches("agent:")
                .to_owned(),
        },
        JobState::Succeeded => ExternalScanStatus::Completed,
        JobState::Dead => ExternalScanStatus::TimedOut { reason: reason() },
        JobState::Failed => ExternalScanStatus::Failed { reason: reason() },
    }
}

/// For the JSON of a finding reported by an agent (documentation and tests).
pub fn example_report(job_id: Id, attempt: i32) -> Value {
    json!({
        "job_id": job_id,
        "attempt": attempt,
        "tools": [{
            "tool": "gitleaks", "version": "8.18.0", "status": "ran", "duration_ms": 120,
            "findings": [{
                "rule_id": "SV-EXT-GITLEAKS-aws-access-token", "category": "secrets",
                "severity": "high", "confidence": "high", "file": "scripts/run.py", "line": 3,
                "message": "AWS access key", "evidence": "AKIA…[redacted]"
            }]
        }]
    })
}
