//! The job queue contract, run against SQLite and PostgreSQL alike.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::json;
use skillvet_core::model::{Actor, NewSubmission, RepoRef, SubmitOutcome};
use skillvet_core::queue::{
    ClaimRequest, Claimed, Enqueued, FailOutcome, Failure, JobFilter, JobState, Lease, NewJob,
    Pause, totals_by_state,
};
use skillvet_core::store::{Store, StoreError};
use skillvet_core::{Clock, ManualClock};
use skillvet_test_db::{TestDb, backend_tests};

const LEASE: StdDuration = StdDuration::from_secs(30);

fn clock() -> ManualClock {
    ManualClock::new(
        Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap() + Duration::microseconds(654_321),
    )
}

fn kinds(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

async fn claim(
    store: &Arc<dyn Store>,
    owner: &str,
    kinds: &[String],
    limit: u32,
    now: DateTime<Utc>,
) -> Vec<Claimed> {
    store
        .claim(
            &ClaimRequest {
                owner,
                kinds,
                limit,
                lease: LEASE,
            },
            now,
        )
        .await
        .unwrap()
}

async fn created(store: &Arc<dyn Store>, job: NewJob, now: DateTime<Utc>) -> i64 {
    match store.enqueue(&job, now).await.unwrap() {
        Enqueued::Created(id) => id,
        other => panic!("expected a new job, got {other:?}"),
    }
}

fn admin() -> Actor {
    Actor::user("root-admin")
}

async fn enqueue_stores_the_job_and_dedups_active_keys(db: TestDb) {
    let store = db.store().await;
    let clock = clock();
    let now = clock.now();
    let job = NewJob::new("rescan", json!({ "skill": 7 }))
        .priority(3)
        .max_attempts(4)
        .dedup_key("rescan:7");
    let id = created(&store, job.clone(), now).await;
    let stored = store.job(id).await.unwrap().unwrap();
    assert_eq!(stored.kind, "rescan");
    assert_eq!(stored.payload, json!({ "skill": 7 }));
    assert_eq!(stored.state, JobState::Queued);
    assert_eq!(
        (stored.priority, stored.attempts, stored.max_attempts),
        (3, 0, 4)
    );
    assert_eq!(stored.run_at, now, "run_at comes from the clock, exactly");
    assert_eq!((stored.created_at, stored.updated_at), (now, now));
    assert_eq!(stored.dedup_key.as_deref(), Some("rescan:7"));
    assert_eq!(
        (
            stored.lease_owner,
            stored.lease_expires_at,
            stored.finished_at
        ),
        (None, None, None)
    );

    // Same key while queued, and while running: the first job stands.
    assert_eq!(
        store.enqueue(&job, now).await.unwrap(),
        Enqueued::Duplicate(id)
    );
    let claimed = claim(&store, "w1", &kinds(&["rescan"]), 1, now).await;
    assert_eq!(
        store.enqueue(&job, now).await.unwrap(),
        Enqueued::Duplicate(id)
    );
    // Once finished, the key is free again.
    assert!(store.complete(&claimed[0].lease, now).await.unwrap());
    let again = created(&store, job.clone(), now).await;
    assert_ne!(again, id);

    // Without a key nothing is deduplicated.
    let a = created(&store, NewJob::new("plain", json!(null)), now).await;
    let b = created(&store, NewJob::new("plain", json!(null)), now).await;
    assert_ne!(a, b);

    // Invalid jobs are refused and nothing is stored.
    for bad in [
        NewJob::new("", json!({})),
        NewJob::new("*", json!({})),
        NewJob::new("x".repeat(101), json!({})),
        NewJob::new("ok", json!({})).max_attempts(0),
    ] {
        let err = store.enqueue(&bad, now).await.unwrap_err();
        assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    }
    assert_eq!(
        store
            .list_jobs(&JobFilter::default(), None, 100)
            .await
            .unwrap()
            .len(),
        4
    );
}

async fn claims_by_priority_then_run_at_and_only_ready_handled_kinds(db: TestDb) {
    let store = db.store().await;
    let clock = clock();
    let t0 = clock.now();
    let low_old = created(
        &store,
        NewJob::new("a", json!(1))
            .priority(0)
            .run_at(t0 - Duration::seconds(60)),
        t0,
    )
    .await;
    let high_new = created(&store, NewJob::new("a", json!(2)).priority(5), t0).await;
    let high_old = created(
        &store,
        NewJob::new("a", json!(3))
            .priority(5)
            .run_at(t0 - Duration::seconds(5)),
        t0,
    )
    .await;
    let future = created(
        &store,
        NewJob::new("a", json!(4))
            .priority(9)
            .run_at(t0 + Duration::seconds(10)),
        t0,
    )
    .await;
    let other_kind = created(&store, NewJob::new("b", json!(5)).priority(100), t0).await;

    let got = claim(&store, "w1", &kinds(&["a"]), 2, t0).await;
    let ids: Vec<i64> = got.iter().map(|c| c.job.id).collect();
    assert_eq!(ids, vec![high_old, high_new]);
    for c in &got {
        assert_eq!(c.job.state, JobState::Running);
        assert_eq!(c.job.attempts, 1);
        assert_eq!(
            c.lease,
            Lease {
                job_id: c.job.id,
                owner: "w1".into(),
                attempt: 1
            }
        );
        assert_eq!(c.job.lease_owner.as_deref(), Some("w1"));
        assert_eq!(c.job.lease_expires_at, Some(t0 + Duration::seconds(30)));
        assert!(!c.exhausted());
    }
    let got = claim(&store, "w1", &kinds(&["a"]), 10, t0).await;
    assert_eq!(
        got.iter().map(|c| c.job.id).collect::<Vec<_>>(),
        vec![low_old]
    );
    assert!(
        claim(&store, "w1", &kinds(&["a"]), 10, t0).await.is_empty(),
        "future job is not ready"
    );
    assert_eq!(
        store.next_run_at(&kinds(&["a"])).await.unwrap(),
        Some(t0 + Duration::seconds(10))
    );
    assert_eq!(store.next_run_at(&kinds(&["b"])).await.unwrap(), Some(t0));
    assert_eq!(store.next_run_at(&kinds(&["c"])).await.unwrap(), None);

    clock.advance(Duration::seconds(10));
    let got = claim(&store, "w1", &kinds(&["a", "b"]), 10, clock.now()).await;
    assert_eq!(
        got.iter().map(|c| c.job.id).collect::<Vec<_>>(),
        vec![other_kind, future]
    );
    assert!(
        claim(&store, "w1", &kinds(&["a", "b"]), 0, clock.now())
            .await
            .is_empty()
    );
    assert!(claim(&store, "w1", &[], 10, clock.now()).await.is_empty());
}

async fn only_the_lease_holder_can_heartbeat_complete_or_fail(db: TestDb) {
    let store = db.store().await;
    let clock = clock();
    let id = created(&store, NewJob::new("k", json!({})), clock.now()).await;
    let first = claim(&store, "w1", &kinds(&["k"]), 1, clock.now())
        .await
        .remove(0)
        .lease;

    let wrong_owner = Lease {
        owner: "w2".into(),
        ..first.clone()
    };
    let wrong_attempt = Lease {
        attempt: 2,
        ..first.clone()
    };
    let wrong_job = Lease {
        job_id: id + 1000,
        ..first.clone()
    };
    for lease in [&wrong_owner, &wrong_attempt, &wrong_job] {
        assert!(!store.heartbeat(lease, LEASE, clock.now()).await.unwrap());
        assert!(!store.complete(lease, clock.now()).await.unwrap());
        assert_eq!(
            store
                .fail(lease, "x", Failure::Permanent, clock.now())
                .await
                .unwrap(),
            FailOutcome::LeaseLost
        );
        assert!(!store.release(lease, clock.now()).await.unwrap());
    }
    assert_eq!(
        store.job(id).await.unwrap().unwrap().state,
        JobState::Running
    );

    // A heartbeat extends the lease from the clock's now.
    clock.advance(Duration::seconds(20));
    assert!(store.heartbeat(&first, LEASE, clock.now()).await.unwrap());
    let job = store.job(id).await.unwrap().unwrap();
    assert_eq!(
        job.lease_expires_at,
        Some(clock.now() + Duration::seconds(30))
    );
    clock.advance(Duration::seconds(20));
    assert!(
        store.reclaim_expired(clock.now()).await.unwrap().is_empty(),
        "the heartbeat kept the lease"
    );

    // w1 stalls past its lease; the job is reclaimed and w2 claims attempt 2.
    clock.advance(Duration::seconds(11));
    assert_eq!(store.reclaim_expired(clock.now()).await.unwrap(), vec![id]);
    let reclaimed = store.job(id).await.unwrap().unwrap();
    assert_eq!(reclaimed.state, JobState::Queued);
    assert_eq!(reclaimed.run_at, clock.now());
    assert_eq!(reclaimed.lease_owner, None);
    assert_eq!(
        reclaimed.last_error.as_deref(),
        Some("lease expired: worker w1 stopped renewing its lease (attempt 1)")
    );
    let second = claim(&store, "w2", &kinds(&["k"]), 1, clock.now())
        .await
        .remove(0)
        .lease;
    assert_eq!(second.attempt, 2);

    // The stale holder's result is discarded, whatever it tries.
    assert!(!store.heartbeat(&first, LEASE, clock.now()).await.unwrap());
    assert!(!store.complete(&first, clock.now()).await.unwrap());
    assert_eq!(
        store
            .fail(
                &first,
                "late",
                Failure::Retry { at: clock.now() },
                clock.now()
            )
            .await
            .unwrap(),
        FailOutcome::LeaseLost
    );
    // Even the same owner name with the old attempt is fenced off.
    let same_owner_old_attempt = Lease {
        owner: "w2".into(),
        attempt: 1,
        ..second.clone()
    };
    assert!(
        !store
            .complete(&same_owner_old_attempt, clock.now())
            .await
            .unwrap()
    );

    assert!(store.complete(&second, clock.now()).await.unwrap());
    let done = store.job(id).await.unwrap().unwrap();
    assert_eq!(done.state, JobState::Succeeded);
    assert_eq!(done.finished_at, Some(clock.now()));
    assert_eq!(done.lease_expires_at, None);
    assert!(
        !store.complete(&second, clock.now()).await.unwrap(),
        "completing twice is refused"
    );
}

async fn failures_retry_with_backoff_then_die_after_the_give_up_claim(db: TestDb) {
    let store = db.store().await;
    let clock = clock();
    let k = kinds(&["k"]);
    let id = created(
        &store,
        NewJob::new("k", json!({})).max_attempts(2),
        clock.now(),
    )
    .await;

    let lease = claim(&store, "w1", &k, 1, clock.now())
        .await
        .remove(0)
        .lease;
    let retry_at = clock.now() + Duration::seconds(4);
    assert_eq!(
        store
            .fail(
                &lease,
                "git: connection reset",
                Failure::Retry { at: retry_at },
                clock.now()
            )
            .await
            .unwrap(),
        FailOutcome::Retrying { at: retry_at }
    );
    let job = store.job(id).await.unwrap().unwrap();
    assert_eq!(
        (job.state, job.run_at, job.attempts),
        (JobState::Queued, retry_at, 1)
    );
    assert_eq!(job.last_error.as_deref(), Some("git: connection reset"));
    assert_eq!(job.lease_owner, None);
    assert!(
        claim(&store, "w1", &k, 1, clock.now()).await.is_empty(),
        "not before the backoff"
    );

    clock.advance(Duration::seconds(4));
    let second = claim(&store, "w1", &k, 1, clock.now()).await.remove(0);
    assert_eq!(second.lease.attempt, 2);
    assert!(!second.exhausted());
    // The last attempt fails too: queued once more, for the give-up claim.
    assert!(matches!(
        store
            .fail(
                &second.lease,
                "again",
                Failure::Retry { at: clock.now() },
                clock.now()
            )
            .await
            .unwrap(),
        FailOutcome::Retrying { .. }
    ));
    let third = claim(&store, "w1", &k, 1, clock.now()).await.remove(0);
    assert!(third.exhausted(), "attempt 3 of 2 only gives up");
    assert_eq!(
        store
            .fail(
                &third.lease,
                "gave up after 2 attempts: again",
                Failure::Exhausted,
                clock.now()
            )
            .await
            .unwrap(),
        FailOutcome::Dead
    );
    let dead = store.job(id).await.unwrap().unwrap();
    assert_eq!(dead.state, JobState::Dead);
    assert_eq!(dead.finished_at, Some(clock.now()));
    assert_eq!(
        dead.last_error.as_deref(),
        Some("gave up after 2 attempts: again")
    );
    assert!(claim(&store, "w1", &k, 1, clock.now()).await.is_empty());

    // A permanent failure ends the job at once.
    let id = created(
        &store,
        NewJob::new("k", json!({})).max_attempts(5),
        clock.now(),
    )
    .await;
    let lease = claim(&store, "w1", &k, 1, clock.now())
        .await
        .remove(0)
        .lease;
    assert_eq!(
        store
            .fail(
                &lease,
                "payload is not a submission",
                Failure::Permanent,
                clock.now()
            )
            .await
            .unwrap(),
        FailOutcome::Failed
    );
    assert_eq!(
        store.job(id).await.unwrap().unwrap().state,
        JobState::Failed
    );
}

async fn release_returns_the_job_without_spending_an_attempt(db: TestDb) {
    let store = db.store().await;
    let clock = clock();
    let k = kinds(&["k"]);
    let id = created(
        &store,
        NewJob::new("k", json!({})).max_attempts(1),
        clock.now(),
    )
    .await;
    let lease = claim(&store, "w1", &k, 1, clock.now())
        .await
        .remove(0)
        .lease;
    clock.advance(Duration::seconds(1));
    assert!(store.release(&lease, clock.now()).await.unwrap());
    let job = store.job(id).await.unwrap().unwrap();
    assert_eq!(
        (job.state, job.attempts, job.max_attempts),
        (JobState::Queued, 1, 2)
    );
    assert_eq!(job.run_at, clock.now());
    assert_eq!(
        job.last_error.as_deref(),
        Some("released by w1 (shutting down)")
    );
    let again = claim(&store, "w2", &k, 1, clock.now()).await.remove(0);
    assert_eq!(again.lease.attempt, 2);
    assert!(!again.exhausted(), "the released attempt did not count");
    assert!(
        !store.release(&lease, clock.now()).await.unwrap(),
        "the old lease is gone"
    );
}

async fn pause_and_resume_are_seen_by_every_process(db: TestDb) {
    let store = db.store().await;
    let other_process = db.store().await;
    let clock = clock();
    let ab = kinds(&["a", "b"]);
    let a = created(&store, NewJob::new("a", json!({})), clock.now()).await;
    let b = created(&store, NewJob::new("b", json!({})), clock.now()).await;

    store
        .pause(&Pause {
            kind: None,
            reason: Some("database maintenance".into()),
            actor: admin(),
            at: clock.now(),
        })
        .await
        .unwrap();
    assert!(
        claim(&other_process, "w2", &ab, 10, clock.now())
            .await
            .is_empty()
    );
    assert_eq!(
        other_process.next_run_at(&ab).await.unwrap(),
        None,
        "paused jobs are not due"
    );
    let pauses = other_process.pauses().await.unwrap();
    assert_eq!(
        pauses,
        vec![Pause {
            kind: None,
            reason: Some("database maintenance".into()),
            actor: admin(),
            at: clock.now()
        }]
    );

    store
        .pause(&Pause {
            kind: Some("a".into()),
            reason: None,
            actor: admin(),
            at: clock.now(),
        })
        .await
        .unwrap();
    assert!(store.resume(None).await.unwrap());
    assert!(!store.resume(None).await.unwrap(), "nothing left to resume");
    let got = claim(&other_process, "w2", &ab, 10, clock.now()).await;
    assert_eq!(
        got.iter().map(|c| c.job.id).collect::<Vec<_>>(),
        vec![b],
        "kind a is still paused"
    );
    assert_eq!(store.pauses().await.unwrap()[0].kind.as_deref(), Some("a"));
    assert!(other_process.resume(Some("a")).await.unwrap());
    let got = claim(&store, "w1", &ab, 10, clock.now()).await;
    assert_eq!(got.iter().map(|c| c.job.id).collect::<Vec<_>>(), vec![a]);
    assert!(store.pauses().await.unwrap().is_empty());
    let err = store
        .pause(&Pause {
            kind: Some("*".into()),
            reason: None,
            actor: admin(),
            at: clock.now(),
        })
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
}

async fn requeue_and_reprioritise_follow_the_job_state(db: TestDb) {
    let store = db.store().await;
    let clock = clock();
    let k = kinds(&["k"]);
    let dead = created(
        &store,
        NewJob::new("k", json!(1)).max_attempts(1).dedup_key("one"),
        clock.now(),
    )
    .await;
    let first = claim(&store, "w1", &k, 1, clock.now())
        .await
        .remove(0)
        .lease;
    store
        .fail(&first, "boom", Failure::Exhausted, clock.now())
        .await
        .unwrap();

    clock.advance(Duration::seconds(5));
    let revived = store.requeue(dead, 2, clock.now()).await.unwrap();
    assert_eq!(revived.state, JobState::Queued);
    assert_eq!(
        (revived.attempts, revived.max_attempts),
        (1, 3),
        "attempts never go back; the budget grows"
    );
    assert_eq!((revived.run_at, revived.finished_at), (clock.now(), None));
    let lease = claim(&store, "w1", &k, 1, clock.now())
        .await
        .remove(0)
        .lease;
    assert_eq!(lease.attempt, 2);
    assert!(
        !store.complete(&first, clock.now()).await.unwrap(),
        "the pre-requeue lease stays fenced"
    );

    // Running and succeeded jobs cannot be requeued; unknown ids are not found.
    let err = store.requeue(dead, 1, clock.now()).await.unwrap_err();
    assert!(
        matches!(&err, StoreError::Conflict(m) if m.contains("running")),
        "{err:?}"
    );
    store.complete(&lease, clock.now()).await.unwrap();
    let err = store.requeue(dead, 1, clock.now()).await.unwrap_err();
    assert!(
        matches!(&err, StoreError::Conflict(m) if m.contains("succeeded")),
        "{err:?}"
    );
    assert!(matches!(
        store.requeue(999_999, 1, clock.now()).await.unwrap_err(),
        StoreError::NotFound(_)
    ));

    // A dead job whose key is taken by a newer active job cannot come back beside it.
    let again = created(
        &store,
        NewJob::new("k", json!(2)).max_attempts(1).dedup_key("two"),
        clock.now(),
    )
    .await;
    let l = claim(&store, "w1", &k, 1, clock.now())
        .await
        .remove(0)
        .lease;
    store
        .fail(&l, "boom", Failure::Exhausted, clock.now())
        .await
        .unwrap();
    created(
        &store,
        NewJob::new("k", json!(3)).dedup_key("two"),
        clock.now(),
    )
    .await;
    assert!(matches!(
        store.requeue(again, 1, clock.now()).await.unwrap_err(),
        StoreError::Conflict(_)
    ));

    // Reprioritising changes the claim order.
    let x = created(
        &store,
        NewJob::new("p", json!("x")).priority(1),
        clock.now(),
    )
    .await;
    let y = created(
        &store,
        NewJob::new("p", json!("y")).priority(2),
        clock.now(),
    )
    .await;
    let moved = store.reprioritise(x, 10, clock.now()).await.unwrap();
    assert_eq!(moved.priority, 10);
    let got = claim(&store, "w1", &kinds(&["p"]), 2, clock.now()).await;
    assert_eq!(got.iter().map(|c| c.job.id).collect::<Vec<_>>(), vec![x, y]);
    for c in &got {
        store.complete(&c.lease, clock.now()).await.unwrap();
    }
    assert!(matches!(
        store.reprioritise(x, 0, clock.now()).await.unwrap_err(),
        StoreError::Conflict(_)
    ));
    assert!(matches!(
        store
            .reprioritise(424_242, 0, clock.now())
            .await
            .unwrap_err(),
        StoreError::NotFound(_)
    ));
}

async fn counts_and_listing_reflect_every_state(db: TestDb) {
    let store = db.store().await;
    let clock = clock();
    let now = clock.now();
    for i in 0..5 {
        created(&store, NewJob::new("a", json!(i)).max_attempts(1), now).await;
    }
    created(&store, NewJob::new("b", json!(9)), now).await;
    let got = claim(&store, "w1", &kinds(&["a"]), 4, now).await;
    store.complete(&got[0].lease, now).await.unwrap();
    store
        .fail(&got[1].lease, "x", Failure::Permanent, now)
        .await
        .unwrap();
    store
        .fail(&got[2].lease, "x", Failure::Exhausted, now)
        .await
        .unwrap();

    let counts = store.job_counts().await.unwrap();
    let pairs: Vec<(&str, JobState, i64)> = counts
        .iter()
        .map(|c| (c.kind.as_str(), c.state, c.count))
        .collect();
    assert_eq!(
        pairs,
        vec![
            ("a", JobState::Dead, 1),
            ("a", JobState::Failed, 1),
            ("a", JobState::Queued, 1),
            ("a", JobState::Running, 1),
            ("a", JobState::Succeeded, 1),
            ("b", JobState::Queued, 1),
        ]
    );
    assert_eq!(
        totals_by_state(&counts),
        vec![
            (JobState::Queued, 2),
            (JobState::Running, 1),
            (JobState::Succeeded, 1),
            (JobState::Failed, 1),
            (JobState::Dead, 1)
        ]
    );

    let all = store
        .list_jobs(&JobFilter::default(), None, 4)
        .await
        .unwrap();
    assert_eq!(all.len(), 4);
    assert!(all.windows(2).all(|w| w[0].id > w[1].id), "newest first");
    let rest = store
        .list_jobs(&JobFilter::default(), Some(all[3].id), 4)
        .await
        .unwrap();
    assert_eq!(rest.len(), 2);
    let queued_a = store
        .list_jobs(
            &JobFilter {
                kind: Some("a".into()),
                state: Some(JobState::Queued),
            },
            None,
            10,
        )
        .await
        .unwrap();
    assert_eq!(queued_a.len(), 1);
}

async fn submit_enqueues_its_verification_job_and_wakes_workers(db: TestDb) {
    let store = db.store().await;
    let clock = clock();
    let mut wakeups = store.wakeups();
    wakeups.borrow_and_update();
    let new = NewSubmission {
        repo: RepoRef {
            owner: "acme".into(),
            name: "skills".into(),
            url: "https://github.com/acme/skills".into(),
        },
        skill_path: "skills/pdf".into(),
        skill_name: "pdf".into(),
        requested_ref: None,
        priority: 2,
        submitter: Actor::user("alice"),
    };
    let SubmitOutcome::Created { submission } = store.submit(&new, clock.now()).await.unwrap()
    else {
        panic!("expected created")
    };
    tokio::time::timeout(StdDuration::from_secs(5), wakeups.changed())
        .await
        .expect("workers are woken after a submission")
        .unwrap();
    let got = claim(
        &store,
        "w1",
        &kinds(&[skillvet_store::VERIFY_JOB]),
        10,
        clock.now(),
    )
    .await;
    assert_eq!(got.len(), 1);
    assert_eq!(
        got[0].job.payload,
        json!({ "submission_id": submission.id })
    );
    assert_eq!(got[0].job.priority, 2);
    assert_eq!(
        got[0].job.dedup_key,
        Some(format!("verify_submission:{}", submission.id))
    );
}

async fn concurrent_claimers_get_each_job_exactly_once(db: TestDb) {
    const JOBS: usize = 300;
    let first = db.store().await;
    let second = db.store().await;
    let clock = Arc::new(clock());
    for i in 0..JOBS {
        created(
            &first,
            NewJob::new("k", json!(i)).priority((i % 3) as i32),
            clock.now(),
        )
        .await;
    }
    let mut tasks = Vec::new();
    for w in 0..8 {
        // Half the claimers use a second store, as another process would.
        let store = if w % 2 == 0 {
            first.clone()
        } else {
            second.clone()
        };
        let clock = clock.clone();
        tasks.push(tokio::spawn(async move {
            let owner = format!("w{w}");
            let kinds = kinds(&["k"]);
            let mut mine = Vec::new();
            loop {
                let got = store
                    .claim(
                        &ClaimRequest {
                            owner: &owner,
                            kinds: &kinds,
                            limit: 1 + (w % 4) as u32,
                            lease: LEASE,
                        },
                        clock.now(),
                    )
                    .await
                    .unwrap();
                if got.is_empty() {
                    break;
                }
                for c in got {
                    assert!(
                        store.complete(&c.lease, clock.now()).await.unwrap(),
                        "a fresh lease completes"
                    );
                    mine.push(c.job.id);
                }
            }
            mine
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.unwrap());
    }
    let unique: HashSet<i64> = all.iter().copied().collect();
    assert_eq!(all.len(), JOBS, "every job claimed exactly once");
    assert_eq!(unique.len(), JOBS);
    let counts = first.job_counts().await.unwrap();
    assert_eq!(
        totals_by_state(&counts)[2],
        (JobState::Succeeded, JOBS as i64)
    );
}

async fn completions_can_be_grouped_and_stay_fenced(db: TestDb) {
    let store = db.store().await;
    let clock = clock();
    let k = kinds(&["k"]);
    for i in 0..3 {
        created(&store, NewJob::new("k", json!(i)), clock.now()).await;
    }
    let got = claim(&store, "w1", &k, 3, clock.now()).await;
    let stale = Lease {
        attempt: 7,
        ..got[1].lease.clone()
    };
    let mut done = store
        .complete_many(
            &[got[0].lease.clone(), stale, got[2].lease.clone()],
            clock.now(),
        )
        .await
        .unwrap();
    done.sort_unstable();
    assert_eq!(done, vec![got[0].job.id, got[2].job.id]);
    assert_eq!(
        store.job(got[0].job.id).await.unwrap().unwrap().state,
        JobState::Succeeded
    );
    assert_eq!(
        store.job(got[1].job.id).await.unwrap().unwrap().state,
        JobState::Running,
        "a stale lease completes nothing"
    );
    assert_eq!(
        store.job(got[2].job.id).await.unwrap().unwrap().finished_at,
        Some(clock.now())
    );
    assert!(
        store
            .complete_many(&[], clock.now())
            .await
            .unwrap()
            .is_empty()
    );
}

async fn latest_jobs_finds_the_newest_job_of_each_key(db: TestDb) {
    let store = db.store().await;
    let clock = clock();
    let now = clock.now();
    let k = kinds(&["k"]);
    assert!(store.latest_jobs(&[]).await.unwrap().is_empty());
    let first = created(&store, NewJob::new("k", json!({})).dedup_key("a"), now).await;
    let other = created(&store, NewJob::new("k", json!({})).dedup_key("b"), now).await;
    let claimed = claim(&store, "w", &k, 2, now).await;
    for c in &claimed {
        assert!(store.complete(&c.lease, now).await.unwrap());
    }
    // The key is free again once its job finished: a second job takes it.
    let second = created(&store, NewJob::new("k", json!({})).dedup_key("a"), now).await;
    let mut found: Vec<(i64, JobState)> = store
        .latest_jobs(&kinds(&["a", "b", "missing"]))
        .await
        .unwrap()
        .into_iter()
        .map(|j| (j.id, j.state))
        .collect();
    found.sort();
    assert_ne!(first, second);
    assert_eq!(
        found,
        vec![(other, JobState::Succeeded), (second, JobState::Queued)]
    );
}

backend_tests!(
    latest_jobs_finds_the_newest_job_of_each_key,
    completions_can_be_grouped_and_stay_fenced,
    enqueue_stores_the_job_and_dedups_active_keys,
    claims_by_priority_then_run_at_and_only_ready_handled_kinds,
    only_the_lease_holder_can_heartbeat_complete_or_fail,
    failures_retry_with_backoff_then_die_after_the_give_up_claim,
    release_returns_the_job_without_spending_an_attempt,
    pause_and_resume_are_seen_by_every_process,
    requeue_and_reprioritise_follow_the_job_state,
    counts_and_listing_reflect_every_state,
    submit_enqueues_its_verification_job_and_wakes_workers,
    concurrent_claimers_get_each_job_exactly_once,
);

/// On PostgreSQL a worker in another process is woken by `NOTIFY`, sent in the enqueue
/// transaction.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_notify_wakes_other_processes() {
    let db = TestDb::postgres().await;
    let producer = db.store().await;
    let consumer = db.store().await;
    let clock = clock();
    let mut wakeups = consumer.wakeups();
    // The listener reports itself connected with a first wake-up.
    tokio::time::timeout(StdDuration::from_secs(10), wakeups.changed())
        .await
        .expect("listener connects")
        .unwrap();
    wakeups.borrow_and_update();
    created(&producer, NewJob::new("k", json!({})), clock.now()).await;
    tokio::time::timeout(StdDuration::from_secs(5), wakeups.changed())
        .await
        .expect("NOTIFY reaches the other store")
        .unwrap();
}
