//! The store contract, run against SQLite and PostgreSQL alike.

use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use serde_json::json;
use skillvet_core::model::{
    Actor, CertTier, NewScanResult, NewSubmission, PageRequest, Publication, PublishedFile,
    RepoRef, Role, SubmissionFilter, SubmitOutcome, Transition, Verdict,
};
use skillvet_core::store::{PathStatus, Store, StoreError};
use skillvet_core::{Clock, ManualClock, SubmissionState as S};
use skillvet_test_db::{TestDb, backend_tests};

fn clock() -> ManualClock {
    ManualClock::new(
        Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap() + Duration::microseconds(123_456),
    )
}

fn repo() -> RepoRef {
    RepoRef {
        owner: "acme".into(),
        name: "skills".into(),
        url: "https://github.com/acme/skills".into(),
    }
}

fn new_sub(path: &str) -> NewSubmission {
    NewSubmission {
        repo: repo(),
        skill_path: path.into(),
        skill_name: path.rsplit('/').next().unwrap().into(),
        requested_ref: None,
        priority: 0,
        submitter: Actor::user("alice"),
    }
}

fn move_to(from: S, to: S) -> Transition {
    Transition {
        from,
        to,
        trigger: "test".into(),
        actor: Actor::system("worker-1"),
        reason: Some(format!("to {to}")),
        metadata: json!({ "step": to.as_str() }),
        commit_sha: None,
    }
}

async fn created(store: &Arc<dyn Store>, path: &str, clock: &ManualClock) -> i64 {
    match store.submit(&new_sub(path), clock.now()).await.unwrap() {
        SubmitOutcome::Created { submission } => submission.id,
        other => panic!("expected created, got {other:?}"),
    }
}

/// Walks a submission through the pipeline to AUTO_APPROVED.
async fn approve(store: &Arc<dyn Store>, id: i64, clock: &ManualClock) {
    for (from, to) in [
        (S::Received, S::Tier1Scanning),
        (S::Tier1Scanning, S::Tier2Scanning),
        (S::Tier2Scanning, S::AutoApproved),
    ] {
        let mut change = move_to(from, to);
        if to == S::Tier1Scanning {
            change.commit_sha = Some("a".repeat(40));
        }
        store.transition(id, &change, clock.now()).await.unwrap();
    }
}

fn publication(id: i64, name: &str, tree_hash: &str) -> Publication {
    Publication {
        submission_id: id,
        from: S::AutoApproved,
        actor: Actor::system("worker-1"),
        reason: None,
        name: name.into(),
        display_name: name.into(),
        description: "Formats PDFs".into(),
        author: Some("acme".into()),
        category: Some("documents".into()),
        labels: vec!["pdf".into()],
        cert_tier: CertTier::Verified,
        cert_method: "automated".into(),
        cert_score: 91,
        trust_components: json!({ "tier1": 95 }),
        commit_sha: "a".repeat(40),
        tree_hash: tree_hash.into(),
        manifest: json!({ "name": name }),
        files: vec![
            PublishedFile {
                path: "SKILL.md".into(),
                kind: "regular".into(),
                content: b"---\nname: x\n---\n".to_vec(),
            },
            PublishedFile {
                path: "scripts/run.sh".into(),
                kind: "executable".into(),
                content: b"echo hi\n".to_vec(),
            },
        ],
        jobs: vec![],
    }
}

async fn submit_creates_submission_event_and_timestamps(db: TestDb) {
    let store = db.store().await;
    let clock = clock();
    let outcome = store
        .submit(&new_sub("skills/pdf"), clock.now())
        .await
        .unwrap();
    let SubmitOutcome::Created { submission } = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(submission.state, S::Received);
    assert_eq!(submission.repository, repo());
    assert_eq!(
        submission.created_at,
        clock.now(),
        "timestamps round-trip to the microsecond"
    );
    let details = store.submission_details(&[submission.id]).await.unwrap();
    assert_eq!(details.len(), 1);
    let events = &details[0].events;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].from_state, None);
    assert_eq!(events[0].to_state, S::Received);
    assert_eq!(events[0].actor, Actor::user("alice"));
    assert_eq!(events[0].at, clock.now());
}

async fn second_submission_of_a_pending_skill_is_a_duplicate(db: TestDb) {
    let store = db.store().await;
    let clock = clock();
    let id = created(&store, "skills/pdf", &clock).await;
    let again = store
        .submit(&new_sub("skills/pdf"), clock.now())
        .await
        .unwrap();
    assert!(
        matches!(&again, SubmitOutcome::Duplicate { submission } if submission.id == id),
        "{again:?}"
    );
    let other = store
        .submit(&new_sub("skills/csv"), clock.now())
        .await
        .unwrap();
    assert_eq!(other.status(), "created");
}

async fn hundred_concurrent_identical_submissions_store_one_row(db: TestDb) {
    let store = db.store().await;
    let clock = Arc::new(clock());
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..100 {
        let store = store.clone();
        let now = clock.now();
        tasks.spawn(async move { store.submit(&new_sub("skills/pdf"), now).await });
    }
    let mut ids = Vec::new();
    let mut created = 0;
    while let Some(result) = tasks.join_next().await {
        match result.unwrap().unwrap() {
            SubmitOutcome::Created { submission } => {
                created += 1;
                ids.push(submission.id)
            }
            SubmitOutcome::Duplicate { submission } => ids.push(submission.id),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(created, 1);
    assert!(ids.iter().all(|id| *id == ids[0]));
    let page = store
        .list_submissions(&SubmissionFilter::default(), PageRequest::first(200))
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    let stats = store.submission_stats().await.unwrap();
    assert_eq!(stats.iter().map(|s| s.1).sum::<i64>(), 1);
}

async fn bulk_submission_is_one_transaction_with_per_skill_outcomes(db: TestDb) {
    let store = db.store().await;
    let clock = clock();
    created(&store, "skills/existing", &clock).await;
    let mut batch: Vec<NewSubmission> = (0..1000)
        .map(|i| new_sub(&format!("skills/s{i:04}")))
        .collect();
    batch.push(new_sub("skills/existing"));
    batch.push(new_sub("skills/s0001")); // twice in one batch
    let outcomes = store.submit_bulk(&batch, clock.now()).await.unwrap();
    assert_eq!(outcomes.len(), 1002);
    assert!(outcomes[..1000].iter().all(|o| o.status() == "created"));
    assert_eq!(outcomes[1000].status(), "duplicate");
    assert_eq!(outcomes[1001].status(), "duplicate");
    let stats = store.submission_stats().await.unwrap();
    assert_eq!(stats.iter().find(|s| s.0 == S::Received).unwrap().1, 1001);

    // A batch that fails part-way leaves nothing behind.
    let mut bad = vec![new_sub("skills/new-one")];
    let mut wrong_url = new_sub("skills/other");
    wrong_url.repo.url = "https://example.org/acme/skills".into();
    bad.push(wrong_url);
    let err = store.submit_bulk(&bad, clock.now()).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err}");
    let filter = SubmissionFilter {
        skill_name: Some("new-one".into()),
        ..Default::default()
    };
    assert!(
        store
            .list_submissions(&filter, PageRequest::first(10))
            .await
            .unwrap()
            .items
            .is_empty()
    );
}

async fn transitions_are_checked_and_audited(db: TestDb) {
    let store = db.store().await;
    let clock = clock();
    let id = created(&store, "skills/pdf", &clock).await;

    let err = store
        .transition(id, &move_to(S::Received, S::Published), clock.now())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::IllegalTransition(_)), "{err}");
    let err = store
        .transition(
            id,
            &move_to(S::Tier1Scanning, S::Tier2Scanning),
            clock.now(),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::StaleState {
                actual: S::Received,
                ..
            }
        ),
        "{err}"
    );
    let err = store
        .transition(
            id + 1000,
            &move_to(S::Received, S::Tier1Scanning),
            clock.now(),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err}");
    assert_eq!(
        store.submission(id).await.unwrap().unwrap().state,
        S::Received,
        "failed moves change nothing"
    );

    clock.advance(Duration::seconds(5));
    let mut change = move_to(S::Received, S::Tier1Scanning);
    change.commit_sha = Some("b".repeat(40));
    let moved = store.transition(id, &change, clock.now()).await.unwrap();
    assert_eq!(moved.state, S::Tier1Scanning);
    assert_eq!(moved.commit_sha.as_deref(), Some("b".repeat(40).as_str()));
    assert_eq!(moved.updated_at, clock.now());
    store
        .transition(id, &move_to(S::Tier1Scanning, S::Tier1Failed), clock.now())
        .await
        .unwrap();
    store
        .transition(id, &move_to(S::Tier1Failed, S::Rejected), clock.now())
        .await
        .unwrap();

    let detail = store.submission_details(&[id]).await.unwrap().remove(0);
    let path: Vec<_> = detail
        .events
        .iter()
        .map(|e| (e.from_state, e.to_state))
        .collect();
    assert_eq!(
        path,
        vec![
            (None, S::Received),
            (Some(S::Received), S::Tier1Scanning),
            (Some(S::Tier1Scanning), S::Tier1Failed),
            (Some(S::Tier1Failed), S::Rejected),
        ]
    );
    assert_eq!(detail.events[3].reason.as_deref(), Some("to REJECTED"));
    assert_eq!(detail.events[3].metadata, json!({ "step": "REJECTED" }));
    assert_eq!(
        detail.submission.state_reason.as_deref(),
        Some("to REJECTED")
    );
}

async fn rejected_skills_can_be_resubmitted_blocked_ones_cannot(db: TestDb) {
    let store = db.store().await;
    let clock = clock();
    let first = created(&store, "skills/pdf", &clock).await;
    store
        .transition(first, &move_to(S::Received, S::Rejected), clock.now())
        .await
        .unwrap();
    let second = created(&store, "skills/pdf", &clock).await;
    assert_ne!(first, second);
    let filter = SubmissionFilter {
        repository: Some(("acme".into(), "skills".into())),
        ..Default::default()
    };
    let all = store
        .list_submissions(&filter, PageRequest::first(10))
        .await
        .unwrap();
    assert_eq!(
        all.items.iter().map(|s| s.id).collect::<Vec<_>>(),
        vec![second, first],
        "history kept, newest first"
    );

    store
        .transition(second, &move_to(S::Received, S::Blocked), clock.now())
        .await
        .unwrap();
    let again = store
        .submit(&new_sub("skills/pdf"), clock.now())
        .await
        .unwrap();
    assert!(
        matches!(&again, SubmitOutcome::Blocked { submission } if submission.id == second),
        "{again:?}"
    );
}

async fn published_skills_are_already_verified_and_versions_are_immutable(db: TestDb) {
    let store = db.store().await;
    let clock = clock();
    let id = created(&store, "skills/pdf", &clock).await;
    let err = store
        .publish(&publication(id, "pdf", "h1"), clock.now())
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::StaleState { .. }),
        "cannot publish before approval: {err}"
    );
    approve(&store, id, &clock).await;
    let published = store
        .publish(&publication(id, "pdf", "h1"), clock.now())
        .await
        .unwrap();
    assert!(published.new_version);
    assert_eq!(published.skill.slug, "acme/skills/pdf");
    assert_eq!(published.skill.current_version, "1");
    assert_eq!(published.version.tree_hash, "h1");
    assert_eq!(
        store.submission(id).await.unwrap().unwrap().state,
        S::Published
    );

    let again = store
        .submit(&new_sub("skills/pdf"), clock.now())
        .await
        .unwrap();
    assert!(
        matches!(&again, SubmitOutcome::AlreadyVerified { skill } if skill.slug == "acme/skills/pdf"),
        "{again:?}"
    );

    // A different commit is a new submission; same content keeps the version, new content adds one.
    let mut newer = new_sub("skills/pdf");
    newer.requested_ref = Some("c".repeat(40));
    let SubmitOutcome::Created { submission } = store.submit(&newer, clock.now()).await.unwrap()
    else {
        panic!()
    };
    approve(&store, submission.id, &clock).await;
    let same = store
        .publish(&publication(submission.id, "pdf", "h1"), clock.now())
        .await
        .unwrap();
    assert!(!same.new_version);
    assert_eq!(same.version.id, published.version.id);

    let files = store.version_files(published.version.id).await.unwrap();
    assert_eq!(
        files.iter().map(|f| f.path.as_str()).collect::<Vec<_>>(),
        vec!["SKILL.md", "scripts/run.sh"]
    );
    let content = store.blob(&files[1].sha256).await.unwrap().unwrap();
    assert_eq!(content, b"echo hi\n");
    let versions = store.skill_versions(published.skill.id).await.unwrap();
    assert_eq!(versions.len(), 1);
    let skills = store.repository_skills("acme", "skills").await.unwrap();
    assert_eq!(skills.len(), 1);
    assert_eq!(
        store
            .skill_by_slug("acme/skills/pdf")
            .await
            .unwrap()
            .unwrap()
            .cert_score,
        91
    );
}

async fn scan_results_are_recorded_once_per_run(db: TestDb) {
    let store = db.store().await;
    let clock = clock();
    let id = created(&store, "skills/pdf", &clock).await;
    let result = NewScanResult {
        submission_id: id,
        tier: 1,
        scanner: "skillvet-static".into(),
        scanner_version: "1.0.0".into(),
        verdict: Verdict::Concerns,
        score: 72,
        findings: json!([{ "rule_id": "SV-X", "line": 3 }]),
        dependency_risk: json!({}),
        script_scan_summary: json!({ "scripts": 2 }),
        commit_sha: "a".repeat(40),
        duration_ms: 12,
        run: 1,
    };
    let first = store
        .record_scan_result(&result, clock.now())
        .await
        .unwrap();
    let mut retry = result.clone();
    retry.score = 10;
    let second = store.record_scan_result(&retry, clock.now()).await.unwrap();
    assert_eq!(
        first, second,
        "a retried attempt cannot add or change a result"
    );
    let mut tier2 = result.clone();
    tier2.tier = 2;
    store.record_scan_result(&tier2, clock.now()).await.unwrap();
    let detail = store.submission_details(&[id]).await.unwrap().remove(0);
    assert_eq!(detail.scan_results.len(), 2);
    assert_eq!(
        detail.scan_results[0].findings,
        json!([{ "rule_id": "SV-X", "line": 3 }])
    );
}

async fn keyset_pagination_filters_and_stats(db: TestDb) {
    let store = db.store().await;
    let clock = clock();
    let mut ids = vec![];
    for i in 0..25 {
        ids.push(created(&store, &format!("skills/s{i}"), &clock).await);
    }
    for id in &ids[..5] {
        store
            .transition(*id, &move_to(S::Received, S::Rejected), clock.now())
            .await
            .unwrap();
    }
    let mut seen = vec![];
    let mut page = PageRequest::first(10);
    loop {
        let got = store
            .list_submissions(&SubmissionFilter::default(), page)
            .await
            .unwrap();
        seen.extend(got.items.iter().map(|s| s.id));
        match got.next {
            Some(next) => page.before = Some(next),
            None => break,
        }
    }
    let mut expected = ids.clone();
    expected.reverse();
    assert_eq!(seen, expected);
    let rejected = SubmissionFilter {
        state: Some(S::Rejected),
        ..Default::default()
    };
    let got = store
        .list_submissions(&rejected, PageRequest::first(100))
        .await
        .unwrap();
    assert_eq!(got.items.len(), 5);
    assert_eq!(got.next, None);
    let stats = store.submission_stats().await.unwrap();
    assert_eq!(stats.len(), S::ALL.len());
    assert_eq!(stats.iter().find(|s| s.0 == S::Received).unwrap().1, 20);
    assert_eq!(stats.iter().find(|s| s.0 == S::Rejected).unwrap().1, 5);
    assert_eq!(stats.iter().find(|s| s.0 == S::Published).unwrap().1, 0);
}

async fn path_states_report_registry_status(db: TestDb) {
    let store = db.store().await;
    let clock = clock();
    let pending = created(&store, "skills/pending", &clock).await;
    let rejected = created(&store, "skills/rejected", &clock).await;
    store
        .transition(rejected, &move_to(S::Received, S::Rejected), clock.now())
        .await
        .unwrap();
    let published = created(&store, "skills/done", &clock).await;
    approve(&store, published, &clock).await;
    store
        .publish(&publication(published, "done", "h"), clock.now())
        .await
        .unwrap();
    let paths: Vec<String> = [
        "skills/new",
        "skills/pending",
        "skills/rejected",
        "skills/done",
    ]
    .map(String::from)
    .to_vec();
    let states = store
        .path_states("acme", "skills", Some(&paths))
        .await
        .unwrap();
    let got: Vec<_> = states.iter().map(|s| s.status).collect();
    assert_eq!(
        got,
        vec![
            PathStatus::New,
            PathStatus::Pending,
            PathStatus::Rejected,
            PathStatus::Verified
        ]
    );
    assert_eq!(states[1].submission_id, Some(pending));
    assert_eq!(states[3].skill.as_deref(), Some("acme/skills/done"));
    let all = store.path_states("acme", "skills", None).await.unwrap();
    let known: Vec<_> = all.iter().map(|s| s.skill_path.as_str()).collect();
    assert_eq!(
        known,
        vec!["skills/done", "skills/pending", "skills/rejected"]
    );
}

async fn repository_url_is_part_of_its_identity(db: TestDb) {
    let store = db.store().await;
    let clock = clock();
    created(&store, "skills/pdf", &clock).await;
    let mut other = new_sub("skills/csv");
    other.repo.url = "https://gitlab.com/acme/skills".into();
    let err = store.submit(&other, clock.now()).await.unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict(ref m) if m.contains("https://github.com/acme/skills")),
        "{err}"
    );
}

async fn reopening_a_store_keeps_everything(db: TestDb) {
    let clock = clock();
    let id = {
        let store = db.store().await;
        created(&store, "skills/pdf", &clock).await
    };
    let store = db.store().await;
    assert_eq!(
        store.submission(id).await.unwrap().unwrap().state,
        S::Received
    );
}

async fn tokens_authenticate_until_revoked_or_expired(db: TestDb) {
    let store = db.store().await;
    let clock = clock();
    let alice = store
        .ensure_user("alice", Role::Admin, clock.now())
        .await
        .unwrap();
    let again = store
        .ensure_user("alice", Role::User, clock.now())
        .await
        .unwrap();
    assert_eq!(alice, again, "an existing user keeps its role");
    let scopes = vec!["submit".to_string()];
    let token = store
        .create_token(alice.id, "ci", "hash-1", &scopes, None, clock.now())
        .await
        .unwrap();
    let expiring = store
        .create_token(
            alice.id,
            "short",
            "hash-2",
            &[],
            Some(clock.now() + Duration::hours(1)),
            clock.now(),
        )
        .await
        .unwrap();
    let (user, found) = store
        .authenticate("hash-1", clock.now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (user.login.as_str(), user.role, found.id),
        ("alice", Role::Admin, token.id)
    );
    assert_eq!(found.scopes, scopes);
    assert!(
        store
            .authenticate("hash-2", clock.now())
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        store
            .authenticate("nope", clock.now())
            .await
            .unwrap()
            .is_none()
    );
    clock.advance(Duration::hours(2));
    assert!(
        store
            .authenticate("hash-2", clock.now())
            .await
            .unwrap()
            .is_none(),
        "expired"
    );
    assert_eq!(expiring.expires_at, Some(clock.now() - Duration::hours(1)));
    assert!(store.revoke_token(token.id, clock.now()).await.unwrap());
    assert!(!store.revoke_token(token.id, clock.now()).await.unwrap());
    assert!(
        store
            .authenticate("hash-1", clock.now())
            .await
            .unwrap()
            .is_none(),
        "revoked"
    );
}

async fn publishing_enqueues_its_follow_up_jobs_in_the_same_transaction(db: TestDb) {
    let store = db.store().await;
    let clock = clock();
    let id = created(&store, "skills/pdf", &clock).await;
    let follow_up =
        skillvet_core::queue::NewJob::new("external_scan", json!({ "submission_id": id }))
            .dedup_key(format!("external_scan:{id}:1"));
    let mut p = publication(id, "pdf", "h1");
    p.jobs.push(follow_up);
    // Refused publication (not approved yet): its job is not stored either.
    store.publish(&p, clock.now()).await.unwrap_err();
    let key = vec![format!("external_scan:{id}:1")];
    assert!(store.latest_jobs(&key).await.unwrap().is_empty());
    approve(&store, id, &clock).await;
    store.publish(&p, clock.now()).await.unwrap();
    let jobs = store.latest_jobs(&key).await.unwrap();
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].kind, "external_scan");
    assert_eq!(jobs[0].payload["submission_id"], id);
    let sub = store.submission(id).await.unwrap().unwrap();
    assert_eq!((sub.state, sub.run), (S::Published, 1));
}

backend_tests!(
    publishing_enqueues_its_follow_up_jobs_in_the_same_transaction,
    tokens_authenticate_until_revoked_or_expired,
    submit_creates_submission_event_and_timestamps,
    second_submission_of_a_pending_skill_is_a_duplicate,
    hundred_concurrent_identical_submissions_store_one_row,
    bulk_submission_is_one_transaction_with_per_skill_outcomes,
    transitions_are_checked_and_audited,
    rejected_skills_can_be_resubmitted_blocked_ones_cannot,
    published_skills_are_already_verified_and_versions_are_immutable,
    scan_results_are_recorded_once_per_run,
    keyset_pagination_filters_and_stats,
    path_states_report_registry_status,
    repository_url_is_part_of_its_identity,
    reopening_a_store_keeps_everything,
);
