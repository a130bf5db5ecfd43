//! Moderation on both backends: each action changes what it says, appends its audit event in
//! the same transaction (nothing when the change is refused), and the audit log cannot be
//! rewritten — neither by the code (the SQL is grepped) nor by hand (the database refuses).

use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use serde_json::json;
use skillvet_core::model::{
    Actor, CertTier, NewSubmission, PageRequest, Publication, PublishedFile, RepoRef, SkillStatus,
    SubmitOutcome, Transition,
};
use skillvet_core::moderation::{
    AuditAction, AuditFilter, Moderator, NewRequest, ReportCategory, RequestFilter, RequestKind,
    RequestStatus, SubmissionDecision,
};
use skillvet_core::pipeline::BlockKind;
use skillvet_core::queue::{ClaimRequest, JobFilter, JobState};
use skillvet_core::search::SearchQuery;
use skillvet_core::serving::ServedFilter;
use skillvet_core::store::{Store, StoreError};
use skillvet_core::{Clock, ManualClock, SubmissionState as S};
use skillvet_test_db::{Backend, TestDb, backend_tests};
use sqlx::SqlSafeStr;

fn clock() -> ManualClock {
    ManualClock::new(Utc.with_ymd_and_hms(2026, 12, 4, 9, 0, 0).unwrap())
}

fn reviewer(reason: &str) -> Moderator {
    Moderator {
        actor: Actor::user("rita"),
        role: "reviewer".into(),
        reason: reason.into(),
    }
}

fn step(from: S, to: S) -> Transition {
    Transition {
        from,
        to,
        trigger: "test".into(),
        actor: Actor::system("pipeline"),
        reason: None,
        metadata: json!({}),
        commit_sha: (to == S::Tier1Scanning).then(|| "b".repeat(40)),
    }
}

/// A submission of `owner/tools/<name>` walked through `path` of states.
async fn submission(
    store: &Arc<dyn Store>,
    owner: &str,
    name: &str,
    path: &[S],
    clock: &ManualClock,
) -> i64 {
    let new = NewSubmission {
        repo: RepoRef {
            owner: owner.into(),
            name: "tools".into(),
            url: format!("https://github.com/{owner}/tools"),
        },
        skill_path: format!("skills/{name}"),
        skill_name: name.into(),
        requested_ref: None,
        priority: 0,
        submitter: Actor::user("alice"),
    };
    let SubmitOutcome::Created { submission } = store.submit(&new, clock.now()).await.unwrap()
    else {
        panic!("not created")
    };
    let mut from = S::Received;
    for &to in path {
        store
            .transition(submission.id, &step(from, to), clock.now())
            .await
            .unwrap();
        from = to;
    }
    submission.id
}

/// A published skill `owner/tools/<name>` with version 1 of content `hash`.
async fn published(
    store: &Arc<dyn Store>,
    owner: &str,
    name: &str,
    hash: &str,
    clock: &ManualClock,
) -> i64 {
    let path = [S::Tier1Scanning, S::Tier2Scanning, S::AutoApproved];
    let id = submission(store, owner, name, &path, clock).await;
    let done = store
        .publish(
            &Publication {
                submission_id: id,
                from: S::AutoApproved,
                actor: Actor::system("pipeline"),
                reason: None,
                name: name.into(),
                display_name: name.into(),
                description: format!("{name} does things"),
                author: None,
                category: Some("tools".into()),
                labels: vec![],
                cert_tier: CertTier::Scanned,
                cert_method: "automated".into(),
                cert_score: 70,
                trust_components: json!({}),
                commit_sha: "b".repeat(40),
                tree_hash: hash.into(),
                manifest: json!({ "name": name }),
                files: vec![PublishedFile {
                    path: "SKILL.md".into(),
                    kind: "regular".into(),
                    content: name.as_bytes().to_vec(),
                }],
                jobs: vec![],
            },
            clock.now(),
        )
        .await
        .unwrap();
    done.skill.id
}

async fn all_events(store: &Arc<dyn Store>) -> Vec<skillvet_core::moderation::AuditEvent> {
    store
        .audit_events(&AuditFilter::default(), PageRequest::first(200))
        .await
        .unwrap()
        .items
}

async fn served(store: &Arc<dyn Store>) -> Vec<String> {
    let served = store.served_skills(&ServedFilter::default()).await.unwrap();
    served.into_iter().map(|s| s.skill.slug).collect()
}

async fn approving_and_rejecting_record_the_decision_with_its_job(db: TestDb) {
    let store = db.store().await;
    let clock = clock();
    let review = [S::Tier1Scanning, S::Tier2Scanning, S::NeedsReview];
    let a = submission(&store, "acme", "fmt", &review, &clock).await;
    let b = submission(&store, "acme", "lint", &review, &clock).await;
    // The worker finished the first verification runs (they stopped at NEEDS_REVIEW).
    let kinds = ["verify_submission".to_owned()];
    let claimed = store
        .claim(
            &ClaimRequest {
                owner: "worker-1",
                kinds: &kinds,
                limit: 10,
                lease: std::time::Duration::from_secs(60),
            },
            clock.now(),
        )
        .await
        .unwrap();
    assert_eq!(claimed.len(), 2);
    for job in &claimed {
        assert!(store.complete(&job.lease, clock.now()).await.unwrap());
    }
    clock.advance(Duration::minutes(5));

    let approve = SubmissionDecision {
        action: AuditAction::SubmissionApprove,
        from: S::NeedsReview,
        to: S::AutoApproved,
        metadata: json!({ "tier": "VERIFIED" }),
        enqueue: Some(5),
    };
    let moved = store
        .moderate_submission(
            a,
            &approve,
            &reviewer("read every script: fine"),
            clock.now(),
        )
        .await
        .unwrap();
    assert_eq!(moved.state, S::AutoApproved);
    let detail = store.submission_details(&[a]).await.unwrap().pop().unwrap();
    let last = detail.events.last().unwrap();
    assert_eq!(
        (
            last.trigger.as_str(),
            last.actor.id.as_str(),
            last.reason.as_deref()
        ),
        (
            "submission.approve",
            "rita",
            Some("read every script: fine")
        )
    );
    assert_eq!(last.metadata, json!({ "tier": "VERIFIED" }));
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
    assert!(
        queued
            .iter()
            .any(|j| j.payload["submission_id"] == json!(a) && j.priority == 5),
        "the approval enqueued the publishing run: {queued:?}"
    );

    // Approving again: the state moved on, nothing is written.
    let err = store
        .moderate_submission(a, &approve, &reviewer("twice"), clock.now())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::StaleState { .. }), "{err:?}");
    // No reason, no action.
    let reject = SubmissionDecision {
        action: AuditAction::SubmissionReject,
        from: S::NeedsReview,
        to: S::Rejected,
        metadata: json!({}),
        enqueue: None,
    };
    let err = store
        .moderate_submission(b, &reject, &reviewer("  "), clock.now())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    store
        .moderate_submission(b, &reject, &reviewer("impersonates a vendor"), clock.now())
        .await
        .unwrap();

    let events = all_events(&store).await;
    assert_eq!(events.len(), 2, "{events:#?}");
    let (rejected, approved) = (&events[0], &events[1]);
    assert_eq!(approved.action, AuditAction::SubmissionApprove);
    assert_eq!(approved.actor, Actor::user("rita"));
    assert_eq!(approved.actor_role, "reviewer");
    assert_eq!(approved.target_kind, "submission");
    assert_eq!(approved.target, a.to_string());
    assert_eq!(approved.package.as_deref(), Some("acme/tools/fmt"));
    assert_eq!(
        approved.at,
        clock.now(),
        "time comes from the injected clock"
    );
    assert_eq!(approved.before, json!({ "state": "NEEDS_REVIEW" }));
    assert_eq!(approved.after["state"], json!("AUTO_APPROVED"));
    assert_eq!(rejected.action, AuditAction::SubmissionReject);
    assert_eq!(rejected.reason.as_deref(), Some("impersonates a vendor"));
}

async fn quarantine_takes_a_skill_down_until_released(db: TestDb) {
    let store = db.store().await;
    let clock = clock();
    let pdf = published(&store, "acme", "pdf", &"a".repeat(64), &clock).await;
    published(&store, "acme", "docx", &"b".repeat(64), &clock).await;
    assert_eq!(served(&store).await, ["acme/tools/docx", "acme/tools/pdf"]);

    let skill = store
        .set_skill_status(
            pdf,
            SkillStatus::Active,
            SkillStatus::Quarantined,
            &reviewer("reported as a stealer"),
            clock.now(),
        )
        .await
        .unwrap();
    assert_eq!(skill.status, SkillStatus::Quarantined);
    assert_eq!(
        skill.status_reason.as_deref(),
        Some("reported as a stealer")
    );
    assert_eq!(served(&store).await, ["acme/tools/docx"]);
    let found = store.search(&SearchQuery::new("pdf")).await.unwrap();
    assert_eq!(found.total, 0, "not listed while quarantined");

    // Compare-and-set: the skill is no longer ACTIVE.
    let err = store
        .set_skill_status(
            pdf,
            SkillStatus::Active,
            SkillStatus::Withdrawn,
            &reviewer("x"),
            clock.now(),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    let err = store
        .set_skill_status(
            9999,
            SkillStatus::Active,
            SkillStatus::Quarantined,
            &reviewer("x"),
            clock.now(),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");

    clock.advance(Duration::hours(1));
    let skill = store
        .set_skill_status(
            pdf,
            SkillStatus::Quarantined,
            SkillStatus::Active,
            &reviewer("false report"),
            clock.now(),
        )
        .await
        .unwrap();
    assert_eq!(
        (skill.status, skill.status_reason),
        (SkillStatus::Active, None)
    );
    assert_eq!(served(&store).await.len(), 2);

    let events = store
        .audit_events(
            &AuditFilter {
                package: Some("acme/tools/pdf".into()),
                ..AuditFilter::default()
            },
            PageRequest::first(10),
        )
        .await
        .unwrap()
        .items;
    assert_eq!(
        events.len(),
        2,
        "refused changes leave no trace: {events:#?}"
    );
    assert_eq!(events[0].before["status"], json!("QUARANTINED"));
    assert_eq!(events[0].after["status"], json!("ACTIVE"));
    assert_eq!(
        events[1].after["status_reason"],
        json!("reported as a stealer")
    );
    assert!(events[0].at > events[1].at);
}

async fn tiers_and_yanks_are_audited(db: TestDb) {
    let store = db.store().await;
    let clock = clock();
    let pdf = published(&store, "acme", "pdf", &"a".repeat(64), &clock).await;
    let skill = store
        .set_skill_tier(
            pdf,
            CertTier::Verified,
            &reviewer("reviewed the scripts"),
            clock.now(),
        )
        .await
        .unwrap();
    assert_eq!(
        (skill.cert_tier, skill.cert_method.as_str()),
        (CertTier::Verified, "reviewed:rita")
    );
    let err = store
        .set_skill_tier(pdf, CertTier::Verified, &reviewer("again"), clock.now())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)));

    let version = store
        .set_version_yanked(pdf, "1", true, &reviewer("leaked a token"), clock.now())
        .await
        .unwrap();
    assert_eq!(
        (version.yanked, version.yanked_reason.as_deref()),
        (true, Some("leaked a token"))
    );
    assert!(
        served(&store).await.is_empty(),
        "its only version is yanked"
    );
    let err = store
        .set_version_yanked(pdf, "1", true, &reviewer("again"), clock.now())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    let err = store
        .set_version_yanked(pdf, "7", true, &reviewer("no such"), clock.now())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");
    let version = store
        .set_version_yanked(pdf, "1", false, &reviewer("token rotated"), clock.now())
        .await
        .unwrap();
    assert_eq!((version.yanked, version.yanked_reason), (false, None));
    assert_eq!(served(&store).await, ["acme/tools/pdf"]);

    let actions: Vec<_> = all_events(&store)
        .await
        .iter()
        .map(|e| (e.action, e.target.clone()))
        .collect();
    assert_eq!(
        actions,
        [
            (AuditAction::VersionUnyank, "acme/tools/pdf@1".to_owned()),
            (AuditAction::VersionYank, "acme/tools/pdf@1".to_owned()),
            (AuditAction::SkillTier, "acme/tools/pdf".to_owned()),
        ]
    );
}

async fn blocking_an_owner_blocks_its_skills_and_unblocking_leaves_them_to_a_reviewer(db: TestDb) {
    let store = db.store().await;
    let clock = clock();
    let admin = Moderator {
        actor: Actor::user("root"),
        role: "admin".into(),
        reason: "malware campaign".into(),
    };
    let evil = published(&store, "evilcorp", "stealer", &"a".repeat(64), &clock).await;
    published(&store, "evilcorp", "miner", &"b".repeat(64), &clock).await;
    published(&store, "acme", "pdf", &"c".repeat(64), &clock).await;
    store
        .set_skill_status(
            evil,
            SkillStatus::Active,
            SkillStatus::Quarantined,
            &reviewer("reported"),
            clock.now(),
        )
        .await
        .unwrap();

    let blocked = store
        .block(BlockKind::Owner, " EvilCorp ", None, &admin, clock.now())
        .await
        .unwrap();
    assert_eq!(blocked.entry.value, "evilcorp");
    assert_eq!(
        blocked.skills,
        ["evilcorp/tools/miner", "evilcorp/tools/stealer"]
    );
    assert_eq!(served(&store).await, ["acme/tools/pdf"]);
    let stealer = store
        .skill_by_slug("evilcorp/tools/stealer")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stealer.status, SkillStatus::Blocked);
    assert_eq!(
        stealer.status_reason.as_deref(),
        Some("blocklisted owner evilcorp: malware campaign")
    );
    assert!(
        store
            .find_block("evilcorp", "anything", None, None, clock.now())
            .await
            .unwrap()
            .is_some()
    );

    let err = store
        .block(BlockKind::Owner, "evilcorp", None, &admin, clock.now())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");

    // A content block reaches the skill wherever it is published.
    let by_hash = store
        .block(
            BlockKind::Content,
            &"C".repeat(64),
            None,
            &admin,
            clock.now(),
        )
        .await
        .unwrap();
    assert_eq!(by_hash.skills, ["acme/tools/pdf"]);

    let removed = store
        .unblock(BlockKind::Owner, "EVILCORP", &admin, clock.now())
        .await
        .unwrap();
    assert_eq!(removed.id, blocked.entry.id);
    let err = store
        .unblock(BlockKind::Owner, "evilcorp", &admin, clock.now())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");
    let stealer = store
        .skill_by_slug("evilcorp/tools/stealer")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        stealer.status,
        SkillStatus::Blocked,
        "each skill is released by a reviewer"
    );

    let events = all_events(&store).await;
    let summary: Vec<_> = events
        .iter()
        .map(|e| (e.action.as_str(), e.target.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            ("block.remove", "owner:evilcorp"),
            ("block.add", format!("content:{}", "c".repeat(64)).as_str()),
            ("skill.status", "acme/tools/pdf"),
            ("block.add", "owner:evilcorp"),
            ("skill.status", "evilcorp/tools/stealer"),
            ("skill.status", "evilcorp/tools/miner"),
            ("skill.status", "evilcorp/tools/stealer"),
        ]
    );
    assert_eq!(events[4].before, json!({ "status": "QUARANTINED" }));
    assert_eq!(events[3].package, None, "blocklist entries are not public");
    let public = store
        .audit_events(
            &AuditFilter {
                public_only: true,
                ..AuditFilter::default()
            },
            PageRequest::first(200),
        )
        .await
        .unwrap()
        .items;
    assert!(public.iter().all(|e| e.package.is_some()));
    assert_eq!(public.len(), 4);
}

async fn skill_blocks_match_one_skill_and_lapse(db: TestDb) {
    let store = db.store().await;
    let clock = clock();
    let admin = Moderator {
        actor: Actor::user("root"),
        role: "admin".into(),
        reason: "typosquat of acme/tools/pdf".into(),
    };
    published(&store, "acme", "pdf", &"a".repeat(64), &clock).await;
    published(&store, "acme", "docx", &"b".repeat(64), &clock).await;
    let week = Some(clock.now() + Duration::days(7));
    let blocked = store
        .block(
            BlockKind::Skill,
            "ACME/tools/pdf",
            week,
            &admin,
            clock.now(),
        )
        .await
        .unwrap();
    assert_eq!(blocked.skills, ["acme/tools/pdf"]);
    assert_eq!(blocked.entry.expires_at, week);
    assert_eq!(served(&store).await, ["acme/tools/docx"]);
    let hit = |skill: &'static str, at| {
        let store = store.clone();
        async move {
            store
                .find_block("acme", "tools", Some(skill), None, at)
                .await
                .unwrap()
        }
    };
    assert!(hit("pdf", clock.now()).await.is_some());
    assert!(hit("docx", clock.now()).await.is_none(), "only that skill");
    let later = clock.now() + Duration::days(8);
    assert!(hit("pdf", later).await.is_none(), "the entry lapsed");

    let err = store
        .block(
            BlockKind::Skill,
            "acme/tools/pdf",
            None,
            &admin,
            clock.now(),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict(_)),
        "still in force: {err:?}"
    );
    let err = store
        .block(
            BlockKind::Owner,
            "acme",
            Some(clock.now()),
            &admin,
            clock.now(),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict(_)),
        "already lapsed: {err:?}"
    );
    // Once lapsed, the same value can be blocked again (the entry is renewed).
    clock.advance(Duration::days(8));
    let again = store
        .block(
            BlockKind::Skill,
            "acme/tools/pdf",
            None,
            &admin,
            clock.now(),
        )
        .await
        .unwrap();
    assert_eq!(
        (again.entry.id, again.entry.expires_at),
        (blocked.entry.id, None)
    );
    assert!(
        hit("pdf", clock.now() + Duration::days(3650))
            .await
            .is_some()
    );
}

async fn the_audit_log_pages_newest_first_and_filters(db: TestDb) {
    let store = db.store().await;
    let clock = clock();
    let pdf = published(&store, "acme", "pdf", &"a".repeat(64), &clock).await;
    for i in 0..5 {
        let (from, to) = if i % 2 == 0 {
            (SkillStatus::Active, SkillStatus::Quarantined)
        } else {
            (SkillStatus::Quarantined, SkillStatus::Active)
        };
        clock.advance(Duration::minutes(1));
        store
            .set_skill_status(pdf, from, to, &reviewer(&format!("step {i}")), clock.now())
            .await
            .unwrap();
    }
    let first = store
        .audit_events(&AuditFilter::default(), PageRequest::first(2))
        .await
        .unwrap();
    let reasons: Vec<_> = first
        .items
        .iter()
        .map(|e| e.reason.clone().unwrap())
        .collect();
    assert_eq!(reasons, ["step 4", "step 3"]);
    let rest = store
        .audit_events(
            &AuditFilter::default(),
            PageRequest {
                before: first.next,
                limit: 10,
            },
        )
        .await
        .unwrap();
    assert_eq!(rest.items.len(), 3);
    assert_eq!(rest.next, None);
    let by_other = store
        .audit_events(
            &AuditFilter {
                actor: Some("someone-else".into()),
                ..AuditFilter::default()
            },
            PageRequest::first(10),
        )
        .await
        .unwrap();
    assert!(by_other.items.is_empty());
    let tiers = store
        .audit_events(
            &AuditFilter {
                action: Some(AuditAction::SkillTier),
                ..AuditFilter::default()
            },
            PageRequest::first(10),
        )
        .await
        .unwrap();
    assert!(tiers.items.is_empty());
}

/// The database itself refuses to rewrite the log, whatever SQL reaches it.
async fn the_database_refuses_to_update_or_delete_audit_events(db: TestDb) {
    let store = db.store().await;
    let clock = clock();
    let pdf = published(&store, "acme", "pdf", &"a".repeat(64), &clock).await;
    store
        .set_skill_tier(pdf, CertTier::Verified, &reviewer("fine"), clock.now())
        .await
        .unwrap();
    for sql in [
        "UPDATE audit_events SET reason = 'nothing happened'",
        "DELETE FROM audit_events",
    ] {
        let sql = sqlx::AssertSqlSafe(sql).into_sql_str();
        let refused = match db.backend() {
            Backend::Sqlite => {
                let pool = sqlx::SqlitePool::connect(db.url()).await.unwrap();
                sqlx::query(sql).execute(&pool).await.unwrap_err()
            }
            Backend::Postgres => {
                let pool = sqlx::PgPool::connect(db.url()).await.unwrap();
                sqlx::query(sql).execute(&pool).await.unwrap_err()
            }
        };
        assert!(refused.to_string().contains("append-only"), "{refused}");
    }
    let events = all_events(&store).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].reason.as_deref(), Some("fine"));
}

async fn queue_controls_and_role_grants_are_audited(db: TestDb) {
    let store = db.store().await;
    let clock = clock();
    let root = Moderator {
        actor: Actor::user("root"),
        role: "admin".into(),
        reason: String::new(),
    };
    let pause = store
        .pause_queue(
            Some("verify_submission"),
            &Moderator {
                reason: "maintenance".into(),
                ..root.clone()
            },
            clock.now(),
        )
        .await
        .unwrap();
    assert_eq!(pause.reason.as_deref(), Some("maintenance"));
    assert_eq!(store.pauses().await.unwrap().len(), 1);
    assert!(
        store
            .resume_queue(Some("verify_submission"), &root, clock.now())
            .await
            .unwrap()
    );
    assert!(
        !store
            .resume_queue(Some("verify_submission"), &root, clock.now())
            .await
            .unwrap(),
        "nothing to resume: nothing recorded"
    );

    let id = submission(&store, "acme", "fmt", &[], &clock).await;
    let job = store
        .list_jobs(&JobFilter::default(), None, 10)
        .await
        .unwrap()
        .into_iter()
        .find(|j| j.payload["submission_id"] == json!(id))
        .unwrap();
    let moved = store
        .reprioritise_job(job.id, 50, &root, clock.now())
        .await
        .unwrap();
    assert_eq!(moved.priority, 50);
    let err = store
        .requeue_job(job.id + 1000, 1, &root, clock.now())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");

    let user = store
        .ensure_user("alice", skillvet_core::model::Role::User, clock.now())
        .await
        .unwrap();
    let granted = store
        .grant_role(
            user.id,
            skillvet_core::model::Role::Reviewer,
            &root,
            clock.now(),
        )
        .await
        .unwrap();
    assert_eq!(granted.role, skillvet_core::model::Role::Reviewer);
    let err = store
        .grant_role(
            user.id,
            skillvet_core::model::Role::Reviewer,
            &root,
            clock.now(),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");

    let events = all_events(&store).await;
    let summary: Vec<_> = events
        .iter()
        .map(|e| (e.action.as_str(), e.target.as_str(), e.reason.as_deref()))
        .collect();
    let job_id = job.id.to_string();
    assert_eq!(
        summary,
        [
            ("user.role", "alice", None),
            ("job.priority", job_id.as_str(), None),
            ("queue.resume", "verify_submission", None),
            ("queue.pause", "verify_submission", Some("maintenance")),
        ]
    );
    assert_eq!(events[0].before, json!({ "role": "user" }));
    assert_eq!(events[1].after, json!({ "priority": 50 }));
    assert!(events.iter().all(|e| e.package.is_none()), "not public");
}

async fn reports_and_appeals_are_triaged_and_resolutions_audited(db: TestDb) {
    let store = db.store().await;
    let clock = clock();
    published(&store, "acme", "pdf", &"a".repeat(64), &clock).await;
    let rejected = submission(
        &store,
        "acme",
        "lint",
        &[S::Tier1Scanning, S::Tier1Failed, S::Rejected],
        &clock,
    )
    .await;
    let report = |n: usize| NewRequest {
        kind: RequestKind::Report,
        package: "acme/tools/pdf".into(),
        submission_id: None,
        category: ReportCategory::Malicious.as_str().into(),
        message: format!("it reads ~/.ssh ({n})"),
        author: Actor::user("bob"),
    };
    let first = store
        .file_request(&report(1), 2, clock.now())
        .await
        .unwrap();
    assert_eq!(
        (first.status, first.created_at),
        (RequestStatus::Open, clock.now())
    );
    store
        .file_request(&report(2), 2, clock.now())
        .await
        .unwrap();
    let err = store
        .file_request(&report(3), 2, clock.now())
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict(_)),
        "at most 2 open: {err:?}"
    );

    let appeal = NewRequest {
        kind: RequestKind::Appeal,
        package: "acme/tools/lint".into(),
        submission_id: Some(rejected),
        category: "appeal".into(),
        message: "the finding is a test fixture".into(),
        author: Actor::user("alice"),
    };
    let filed = store.file_request(&appeal, 10, clock.now()).await.unwrap();
    let err = store
        .file_request(&appeal, 10, clock.now())
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict(_)),
        "one open appeal: {err:?}"
    );

    let open = store
        .requests(
            &RequestFilter {
                status: Some(RequestStatus::Open),
                ..RequestFilter::default()
            },
            PageRequest::first(10),
        )
        .await
        .unwrap();
    assert_eq!(open.items.len(), 3);
    assert_eq!(open.items[0].id, filed.id, "newest first");

    clock.advance(Duration::hours(2));
    let back_to_review = SubmissionDecision {
        action: AuditAction::AppealResolve,
        from: S::Rejected,
        to: S::NeedsReview,
        metadata: json!({}),
        enqueue: None,
    };
    let resolved = store
        .resolve_request(
            filed.id,
            true,
            Some(&back_to_review),
            &reviewer("fixture indeed"),
            clock.now(),
        )
        .await
        .unwrap();
    assert_eq!(resolved.status, RequestStatus::Accepted);
    assert_eq!(resolved.resolved_by.as_deref(), Some("rita"));
    let sub = store.submission(rejected).await.unwrap().unwrap();
    assert_eq!(sub.state, S::NeedsReview);
    let err = store
        .resolve_request(filed.id, false, None, &reviewer("again"), clock.now())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    store
        .resolve_request(first.id, false, None, &reviewer("no evidence"), clock.now())
        .await
        .unwrap();
    let err = store
        .resolve_request(9999, false, None, &reviewer("x"), clock.now())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");
    // A report can be filed again once one is answered.
    store
        .file_request(&report(3), 2, clock.now())
        .await
        .unwrap();

    let events = all_events(&store).await;
    let summary: Vec<_> = events
        .iter()
        .map(|e| (e.action.as_str(), e.package.as_deref().unwrap()))
        .collect();
    assert_eq!(
        summary,
        [
            ("report.resolve", "acme/tools/pdf"),
            ("appeal.resolve", "acme/tools/lint")
        ]
    );
    assert_eq!(
        events[1].after["submission"]["state"],
        json!("NEEDS_REVIEW")
    );
    assert!(
        !events[0].after.to_string().contains("bob"),
        "reporters stay private"
    );
}

backend_tests!(
    skill_blocks_match_one_skill_and_lapse,
    reports_and_appeals_are_triaged_and_resolutions_audited,
    queue_controls_and_role_grants_are_audited,
    approving_and_rejecting_record_the_decision_with_its_job,
    quarantine_takes_a_skill_down_until_released,
    tiers_and_yanks_are_audited,
    blocking_an_owner_blocks_its_skills_and_unblocking_leaves_them_to_a_reviewer,
    the_audit_log_pages_newest_first_and_filters,
    the_database_refuses_to_update_or_delete_audit_events,
);

/// No code path may rewrite history: outside the migration that forbids it, no SQL in the
/// source names `audit_events` after UPDATE, DELETE FROM or TRUNCATE.
#[test]
fn no_source_updates_or_deletes_audit_events() {
    let crates = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap();
    let forbidden = [
        "update audit_events",
        "delete from audit_events",
        "truncate audit_events",
        "truncate table audit_events",
    ];
    let mut files = Vec::new();
    let mut stack = vec![crates.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if path.is_dir() {
                // Tests may try (and must fail); build output is not source.
                if name != "tests" && name != "target" {
                    stack.push(path);
                }
            } else if name.ends_with(".rs") || name.ends_with(".sql") {
                files.push(path);
            }
        }
    }
    assert!(
        files.len() > 50,
        "walked {} files under {crates:?}",
        files.len()
    );
    let mut offenders = Vec::new();
    for file in &files {
        // Case and line breaks do not hide a statement: compare words, lower-cased.
        let text = std::fs::read_to_string(file).unwrap().to_lowercase();
        let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if forbidden.iter().any(|f| words.contains(f)) {
            offenders.push(file.display().to_string());
        }
    }
    assert!(
        offenders.is_empty(),
        "SQL rewriting the audit log in {offenders:?}"
    );
}
