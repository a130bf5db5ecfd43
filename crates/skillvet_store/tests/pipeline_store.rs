//! Blocklist, blocking published skills, rescans and settings on both backends.

use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use serde_json::json;
use skillvet_core::model::{
    Actor, CertTier, NewSubmission, Publication, PublishedFile, RepoRef, SkillStatus,
    SubmitOutcome, Transition,
};
use skillvet_core::pipeline::{BlockKind, NewBlock, RescanRequest};
use skillvet_core::queue::{JobFilter, JobState};
use skillvet_core::store::{Store, StoreError};
use skillvet_core::{Clock, ManualClock, SubmissionState as S};
use skillvet_test_db::{TestDb, backend_tests};

fn clock() -> ManualClock {
    ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 23, 8, 30, 0).unwrap())
}

fn change(from: S, to: S, reason: &str) -> Transition {
    Transition {
        from,
        to,
        trigger: "test".into(),
        actor: Actor::system("pipeline"),
        reason: Some(reason.into()),
        metadata: json!({}),
        commit_sha: (to == S::Tier1Scanning).then(|| "b".repeat(40)),
    }
}

/// Submits `path` and walks it to PUBLISHED.
async fn published(store: &Arc<dyn Store>, path: &str, clock: &ManualClock) -> i64 {
    let new = NewSubmission {
        repo: RepoRef {
            owner: "acme".into(),
            name: "tools".into(),
            url: "https://github.com/acme/tools".into(),
        },
        skill_path: path.into(),
        skill_name: path.rsplit('/').next().unwrap().into(),
        requested_ref: None,
        priority: 0,
        submitter: Actor::user("alice"),
    };
    let SubmitOutcome::Created { submission } = store.submit(&new, clock.now()).await.unwrap()
    else {
        panic!("not created")
    };
    let id = submission.id;
    for (from, to) in [
        (S::Received, S::Tier1Scanning),
        (S::Tier1Scanning, S::Tier2Scanning),
        (S::Tier2Scanning, S::AutoApproved),
    ] {
        store
            .transition(id, &change(from, to, "ok"), clock.now())
            .await
            .unwrap();
    }
    let name = new.skill_name.clone();
    store
        .publish(
            &Publication {
                submission_id: id,
                from: S::AutoApproved,
                actor: Actor::system("pipeline"),
                reason: None,
                name: name.clone(),
                display_name: name.clone(),
                description: "d".into(),
                author: None,
                category: None,
                labels: vec![],
                cert_tier: CertTier::Scanned,
                cert_method: "automated".into(),
                cert_score: 70,
                trust_components: json!({}),
                commit_sha: "b".repeat(40),
                tree_hash: "c".repeat(64),
                manifest: json!({ "name": name }),
                files: vec![PublishedFile {
                    path: "SKILL.md".into(),
                    kind: "regular".into(),
                    content: b"x".to_vec(),
                }],
                jobs: vec![],
            },
            clock.now(),
        )
        .await
        .unwrap();
    id
}

async fn blocklist_entries_match_repository_owner_and_content(db: TestDb) {
    let store = db.store().await;
    let clock = clock();
    let block = |kind, value: &str, reason: &str| NewBlock {
        kind,
        value: value.into(),
        reason: reason.into(),
        actor: Actor::user("admin"),
        expires_at: None,
    };
    let owner = store
        .add_block(
            &block(BlockKind::Owner, " EvilCorp ", "malware author"),
            clock.now(),
        )
        .await
        .unwrap();
    assert_eq!(
        (owner.value.as_str(), owner.created_at),
        ("evilcorp", clock.now())
    );
    let again = store
        .add_block(
            &block(BlockKind::Owner, "evilcorp", "other reason"),
            clock.now(),
        )
        .await
        .unwrap();
    assert_eq!(again, owner, "an existing entry is returned unchanged");
    store
        .add_block(
            &block(BlockKind::Repository, "acme/stealer", "credential stealer"),
            clock.now(),
        )
        .await
        .unwrap();
    store
        .add_block(
            &block(BlockKind::Content, &"AB".repeat(32), "known payload"),
            clock.now(),
        )
        .await
        .unwrap();

    let hit = store
        .find_block("EvilCorp", "anything", None, None, clock.now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(hit.describe(), "blocklisted owner evilcorp: malware author");
    let hit = store
        .find_block("acme", "Stealer", None, None, clock.now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(hit.kind, BlockKind::Repository);
    let hit = store
        .find_block("acme", "fine", None, Some(&"ab".repeat(32)), clock.now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        hit.describe(),
        format!(
            "blocklisted skill content {}: known payload",
            "ab".repeat(32)
        )
    );
    assert_eq!(
        store
            .find_block("acme", "fine", None, Some(&"cd".repeat(32)), clock.now())
            .await
            .unwrap(),
        None
    );
    assert_eq!(store.blocks().await.unwrap().len(), 3);
    assert!(
        store
            .remove_block(BlockKind::Owner, "EVILCORP")
            .await
            .unwrap()
    );
    assert!(
        !store
            .remove_block(BlockKind::Owner, "evilcorp")
            .await
            .unwrap()
    );
    assert_eq!(
        store
            .find_block("evilcorp", "x", None, None, clock.now())
            .await
            .unwrap(),
        None
    );
    let err = store
        .add_block(&block(BlockKind::Owner, "  ", "why"), clock.now())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)));
}

async fn rescans_enqueue_with_the_transition_and_blocking_blocks_the_skill(db: TestDb) {
    let store = db.store().await;
    let clock = clock();
    let id = published(&store, "skills/fmt", &clock).await;
    let other = published(&store, "skills/lint", &clock).await;
    assert_eq!(
        store.published_submissions(None, 10).await.unwrap(),
        vec![id, other]
    );
    assert_eq!(
        store.published_submissions(Some(id), 10).await.unwrap(),
        vec![other]
    );

    // The verification job of the submission already succeeded; the rescan gets a new one.
    let jobs = store
        .list_jobs(&JobFilter::default(), None, 10)
        .await
        .unwrap();
    for job in &jobs {
        let lease = store
            .claim(
                &skillvet_core::queue::ClaimRequest {
                    owner: "w",
                    kinds: std::slice::from_ref(&job.kind),
                    limit: 10,
                    lease: std::time::Duration::from_secs(5),
                },
                clock.now(),
            )
            .await
            .unwrap();
        for c in lease {
            store.complete(&c.lease, clock.now()).await.unwrap();
        }
    }
    let later = clock.now() + Duration::seconds(30);
    let rescanned = store
        .request_rescan(
            id,
            &RescanRequest {
                change: change(S::Published, S::RescanRequired, "rule set changed"),
                priority: -5,
                run_at: later,
            },
            clock.now(),
        )
        .await
        .unwrap();
    assert_eq!(rescanned.state, S::RescanRequired);
    let queued = store
        .list_jobs(
            &JobFilter {
                kind: Some("verify_submission".into()),
                state: Some(JobState::Queued),
            },
            None,
            10,
        )
        .await
        .unwrap();
    assert_eq!(queued.len(), 1);
    assert_eq!(
        (
            queued[0].payload.clone(),
            queued[0].priority,
            queued[0].run_at
        ),
        (json!({ "submission_id": id }), -5, later)
    );

    // A rescan that loses the compare-and-set enqueues nothing.
    let err = store
        .request_rescan(
            id,
            &RescanRequest {
                change: change(S::Published, S::RescanRequired, "again"),
                priority: 0,
                run_at: later,
            },
            clock.now(),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::StaleState { .. }), "{err:?}");
    assert_eq!(
        store
            .list_jobs(
                &JobFilter {
                    kind: None,
                    state: Some(JobState::Queued)
                },
                None,
                10
            )
            .await
            .unwrap()
            .len(),
        1
    );

    // Blocking the rescanned submission blocks its published skill too, in one step.
    store
        .transition(
            id,
            &change(S::RescanRequired, S::Tier1Scanning, "scan"),
            clock.now(),
        )
        .await
        .unwrap();
    let blocked = store
        .block_submission(
            id,
            &change(
                S::Tier1Scanning,
                S::Blocked,
                "credential exfiltration found",
            ),
            clock.now(),
        )
        .await
        .unwrap();
    assert_eq!(blocked.state, S::Blocked);
    let skill = store
        .skill_by_slug("acme/tools/fmt")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(skill.status, SkillStatus::Blocked);
    assert_eq!(
        skill.status_reason.as_deref(),
        Some("credential exfiltration found")
    );
    let untouched = store
        .skill_by_slug("acme/tools/lint")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(untouched.status, SkillStatus::Active);
    let err = store
        .block_submission(other, &change(S::Published, S::Rejected, "x"), clock.now())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)));
}

async fn settings_round_trip(db: TestDb) {
    let store = db.store().await;
    let clock = clock();
    assert_eq!(store.setting("ruleset_hash").await.unwrap(), None);
    store
        .set_setting("ruleset_hash", "abc", clock.now())
        .await
        .unwrap();
    store
        .set_setting("ruleset_hash", "def", clock.now())
        .await
        .unwrap();
    assert_eq!(
        store.setting("ruleset_hash").await.unwrap().as_deref(),
        Some("def")
    );
}

backend_tests!(
    blocklist_entries_match_repository_owner_and_content,
    rescans_enqueue_with_the_transition_and_blocking_blocks_the_skill,
    settings_round_trip,
);
