//! External scan agents: signatures, scopes, claims, result ingestion, blocking and timeouts,
//! on both stores.

mod support;

use std::sync::Arc;
use std::time::Duration;

use chrono::{Duration as ChronoDuration, Utc};
use serde_json::json;
use skillvet_core::model::{ApiToken, SkillStatus, Verdict};
use skillvet_core::store::Store;
use skillvet_core::{Clock, SubmissionState as S, SystemClock};
use skillvet_pipeline::external::{
    AGENT_SCOPE, AgentError, AgentReport, ExternalScanStatus, claim_for_agent, example_report,
    external_scan_status, ingest, require_agent_scope, sign, verify_signature,
};
use skillvet_pipeline::{Pipeline, PipelineConfig, Scanners};
use skillvet_test_db::{TestDb, backend_tests};
use support::{Fixture, local_fetch, submit};

const SECRET: &[u8] = b"operator-configured webhook secret";

#[test]
fn signatures_are_checked_with_time_and_content() {
    let now = Utc::now();
    let body = br#"{"job_id":1}"#;
    let ts = now.timestamp();
    let good = sign(SECRET, ts, body);
    assert!(good.starts_with("sha256=") && good.len() == 7 + 64);
    let check = |t: Option<&str>, s: Option<&str>, b: &[u8]| verify_signature(SECRET, t, s, b, now);
    let ts_text = ts.to_string();
    assert_eq!(check(Some(&ts_text), Some(&good), body), Ok(()));
    assert_eq!(
        check(Some(&ts_text), Some(&good), br#"{"job_id":2}"#),
        Err(AgentError::BadSignature)
    );
    assert_eq!(
        verify_signature(b"another secret", Some(&ts_text), Some(&good), body, now),
        Err(AgentError::BadSignature)
    );
    // A signature of another moment does not verify for this one.
    let later = (ts + 1).to_string();
    assert_eq!(
        check(Some(&later), Some(&good), body),
        Err(AgentError::BadSignature)
    );
    // Old (replayed) and future requests are refused even when correctly signed.
    let old = ts - 301;
    let old_sig = sign(SECRET, old, body);
    assert_eq!(
        check(Some(&old.to_string()), Some(&old_sig), body),
        Err(AgentError::StaleTimestamp)
    );
    let future = ts + 301;
    let future_sig = sign(SECRET, future, body);
    assert_eq!(
        check(Some(&future.to_string()), Some(&future_sig), body),
        Err(AgentError::StaleTimestamp)
    );
    assert!(matches!(
        check(None, Some(&good), body),
        Err(AgentError::BadHeader(_))
    ));
    assert!(matches!(
        check(Some("soon"), Some(&good), body),
        Err(AgentError::BadHeader(_))
    ));
    assert!(matches!(
        check(Some(&ts_text), Some("md5=00"), body),
        Err(AgentError::BadHeader(_))
    ));
    assert!(matches!(
        check(Some(&ts_text), Some("sha256=zz"), body),
        Err(AgentError::BadHeader(_))
    ));
    assert!(matches!(
        check(Some(&ts_text), None, body),
        Err(AgentError::BadHeader(_))
    ));
}

#[test]
fn only_agent_tokens_may_claim() {
    let token = |scopes: &[&str]| ApiToken {
        id: 1,
        user_id: 1,
        name: "agent".into(),
        scopes: scopes.iter().map(|s| s.to_string()).collect(),
        created_at: Utc::now(),
        expires_at: None,
        revoked_at: None,
        last_used_at: None,
        last_used_ip: None,
    };
    assert_eq!(require_agent_scope(&token(&[AGENT_SCOPE])), Ok(()));
    assert_eq!(
        require_agent_scope(&token(&["submit", "admin"])),
        Err(AgentError::MissingScope)
    );
}

fn pipeline(store: &Arc<dyn Store>) -> Arc<Pipeline> {
    let config = PipelineConfig {
        fetch: local_fetch(),
        external_scans: true,
        ..PipelineConfig::default()
    };
    Pipeline::new(
        store.clone(),
        Arc::new(SystemClock),
        config,
        Scanners::default(),
    )
}

/// Publishes a clean skill and returns its submission id.
async fn published(store: &Arc<dyn Store>, owner: &str) -> i64 {
    let repo = Fixture::new(owner, "skills");
    repo.skill("tool");
    repo.commit("c");
    let id = submit(store, &repo, "tool").await;
    assert_eq!(pipeline(store).verify(id).await.unwrap(), S::Published);
    id
}

async fn a_critical_external_finding_blocks_the_published_skill(db: TestDb) {
    let store = db.store().await;
    let id = published(&store, "acme").await;
    let now = SystemClock.now();
    assert_eq!(
        external_scan_status(store.as_ref(), id, 1).await.unwrap(),
        Some(ExternalScanStatus::Pending)
    );
    let job = claim_for_agent(store.as_ref(), "agent-1", Duration::from_secs(600), now)
        .await
        .unwrap()
        .expect("a scan to run");
    assert_eq!(
        (job.submission_id, job.run, job.skill.as_str()),
        (id, 1, "acme/skills/tool")
    );
    assert_eq!(job.skill_path, "tool");
    assert_eq!(job.deadline, now + ChronoDuration::seconds(600));
    assert_eq!(
        external_scan_status(store.as_ref(), id, 1).await.unwrap(),
        Some(ExternalScanStatus::Running {
            agent: "agent-1".into()
        })
    );
    assert!(
        claim_for_agent(store.as_ref(), "agent-2", Duration::from_secs(600), now)
            .await
            .unwrap()
            .is_none()
    );

    let report: AgentReport = serde_json::from_value(json!({
        "job_id": job.job_id,
        "attempt": job.attempt,
        "tools": [
            { "tool": "semgrep", "version": "1.90.0", "status": "ran", "findings": [] },
            { "tool": "njsscan", "version": "0.4", "status": "not_available", "message": "not installed" },
            { "tool": "trufflehog", "version": "3.80", "status": "ran", "duration_ms": 50, "findings": [{
                "rule_id": "SV-EXT-TRUFFLEHOG-AWS", "category": "secrets", "severity": "critical",
                "confidence": "high", "file": "scripts/fmt.sh", "line": 4,
                "message": "a live AWS secret key", "evidence": "AKIA…[redacted 36 chars]"
            }]}
        ]
    }))
    .unwrap();
    // Another agent cannot report on this claim.
    assert_eq!(
        ingest(store.as_ref(), "agent-2", &report, now).await,
        Err(AgentError::NotAssigned(job.job_id))
    );
    let done = ingest(store.as_ref(), "agent-1", &report, now)
        .await
        .unwrap();
    assert!(done.blocked);
    assert_eq!(
        done.scan_result_ids.len(),
        2,
        "only tools that ran are results"
    );
    let sub = store.submission(id).await.unwrap().unwrap();
    assert_eq!(sub.state, S::Blocked);
    assert_eq!(
        sub.state_reason.as_deref(),
        Some(
            "external scan (trufflehog): SV-EXT-TRUFFLEHOG-AWS at scripts/fmt.sh:4: a live AWS secret key"
        )
    );
    let skill = store
        .skill_by_slug("acme/skills/tool")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(skill.status, SkillStatus::Blocked);
    let detail = store
        .submission_details(&[id])
        .await
        .unwrap()
        .pop()
        .unwrap();
    let external: Vec<(i32, &str, Verdict)> = detail
        .scan_results
        .iter()
        .filter(|r| r.tier == 3)
        .map(|r| (r.tier, r.scanner.as_str(), r.verdict))
        .collect();
    assert_eq!(
        external,
        vec![
            (3, "external:semgrep", Verdict::Pass),
            (3, "external:trufflehog", Verdict::Fail)
        ]
    );
    assert_eq!(
        external_scan_status(store.as_ref(), id, 1).await.unwrap(),
        Some(ExternalScanStatus::Completed)
    );
    // A replay of the same report (inside the signature window) changes nothing.
    assert_eq!(
        ingest(store.as_ref(), "agent-1", &report, now).await,
        Err(AgentError::NotAssigned(job.job_id))
    );
    assert_eq!(
        store.submission_details(&[id]).await.unwrap()[0]
            .scan_results
            .len(),
        detail.scan_results.len()
    );
}

async fn clean_external_results_leave_the_skill_published(db: TestDb) {
    let store = db.store().await;
    let id = published(&store, "fine").await;
    let now = SystemClock.now();
    let job = claim_for_agent(store.as_ref(), "agent-1", Duration::from_secs(60), now)
        .await
        .unwrap()
        .unwrap();
    let report: AgentReport =
        serde_json::from_value(example_report(job.job_id, job.attempt)).unwrap();
    let done = ingest(store.as_ref(), "agent-1", &report, now)
        .await
        .unwrap();
    assert!(
        !done.blocked,
        "a high (not critical) finding is recorded, not blocking"
    );
    assert_eq!(
        store.submission(id).await.unwrap().unwrap().state,
        S::Published
    );
    let bad: Result<AgentReport, _> =
        serde_json::from_value(json!({ "job_id": 1, "attempt": 1, "tools": [], "extra": 1 }));
    assert!(bad.is_err(), "unknown fields are refused");
}

async fn an_agent_that_never_reports_times_the_scan_out(db: TestDb) {
    let store = db.store().await;
    let id = published(&store, "slow").await;
    let mut now = SystemClock.now();
    let lease = Duration::from_secs(60);
    for attempt in 1..=3 {
        let job = claim_for_agent(store.as_ref(), "flaky", lease, now)
            .await
            .unwrap()
            .expect("claimable");
        assert_eq!(job.attempt, attempt);
        // The agent vanishes; its lease runs out and the scan goes back to the queue.
        now += ChronoDuration::seconds(61);
        assert_eq!(store.reclaim_expired(now).await.unwrap(), vec![job.job_id]);
    }
    assert!(
        claim_for_agent(store.as_ref(), "flaky", lease, now)
            .await
            .unwrap()
            .is_none(),
        "nothing left to hand out"
    );
    let Some(ExternalScanStatus::TimedOut { reason }) =
        external_scan_status(store.as_ref(), id, 1).await.unwrap()
    else {
        panic!("expected TIMED_OUT")
    };
    assert!(
        reason.starts_with(
            "TIMED_OUT: no agent reported within 3 attempts (lease expired: worker agent:flaky"
        ),
        "{reason}"
    );
    assert_eq!(
        store.submission(id).await.unwrap().unwrap().state,
        S::Published,
        "a timeout never blocks the skill"
    );
}

backend_tests!(
    a_critical_external_finding_blocks_the_published_skill,
    clean_external_results_leave_the_skill_published,
    an_agent_that_never_reports_times_the_scan_out,
);
