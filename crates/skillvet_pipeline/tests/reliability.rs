//! Issue 4's reliability drills, on both stores: a worker killed with SIGKILL mid-scan, the
//! database going away while jobs run, 1,000 submissions through 4 workers, and repositories
//! that time out, are too large, hold escaping symlinks or a malformed SKILL.md.

mod support;

use std::collections::HashMap;
use std::net::IpAddr;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use skillvet_core::model::{Actor, NewSubmission, RepoRef};
use skillvet_core::queue::{JobFilter, JobState, RetryPolicy, totals_by_state};
use skillvet_core::store::Store;
use skillvet_core::{Clock, SubmissionState as S, SystemClock};
use skillvet_git::FetchPolicy;
use skillvet_pipeline::{Pipeline, PolicyConfig, VERIFY_JOB};
use skillvet_skill::Limits;
use skillvet_test_db::{Backend, TestDb, backend_tests};
use skillvet_worker::{Worker, WorkerConfig, WorkerReport};
use support::{Fixture, local_fetch, pipeline, pipeline_with, submit, submit_url};
use tokio::sync::oneshot;

fn drill_config() -> WorkerConfig {
    WorkerConfig {
        concurrency: 2,
        lease: Duration::from_secs(2),
        heartbeat_every: Duration::from_millis(300),
        poll_interval: Duration::from_millis(100),
        reclaim_every: Duration::from_millis(200),
        shutdown_grace: Duration::from_secs(10),
        retry: RetryPolicy {
            base: Duration::from_millis(10),
            cap: Duration::from_millis(50),
        },
        max_store_backoff: Duration::from_millis(500),
        ..WorkerConfig::default()
    }
}

struct Running {
    stop: oneshot::Sender<()>,
    task: tokio::task::JoinHandle<WorkerReport>,
}

impl Running {
    async fn stop(self) -> WorkerReport {
        let _ = self.stop.send(());
        self.task.await.unwrap()
    }
}

fn start(store: &Arc<dyn Store>, pipeline: &Arc<Pipeline>, config: WorkerConfig) -> Running {
    let worker = Worker::new(
        store.clone(),
        Arc::new(SystemClock),
        config,
        pipeline.handlers(),
    );
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(worker.run(async move {
        let _ = stopped.await;
    }));
    Running { stop, task }
}

/// Waits until no verification job is queued or running.
async fn drain(store: &Arc<dyn Store>, within: Duration) {
    let started = Instant::now();
    loop {
        let totals: HashMap<JobState, i64> = totals_by_state(&store.job_counts().await.unwrap())
            .into_iter()
            .collect();
        if totals[&JobState::Queued] + totals[&JobState::Running] == 0 {
            return;
        }
        assert!(
            started.elapsed() < within,
            "jobs still pending after {within:?}: {totals:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn stats(store: &Arc<dyn Store>) -> HashMap<S, i64> {
    store
        .submission_stats()
        .await
        .unwrap()
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .collect()
}

async fn a_worker_killed_mid_scan_is_replaced_and_the_submission_finishes_once(db: TestDb) {
    let store = db.store().await;
    let repo = Fixture::new("acme", "drill");
    repo.skill("victim");
    repo.commit("c");
    let id = submit(&store, &repo, "victim").await;

    // The child stalls in tier 2 so that the kill lands mid-scan.
    let mut child = Command::new(env!("CARGO_BIN_EXE_pipeline-drill-worker"))
        .env("SKILLVET_DATABASE_URL", db.url())
        .env("DRILL_LEASE_MS", "1500")
        .env("DRILL_SCAN_DELAY_MS", "600000")
        .env("DRILL_CONCURRENCY", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("starting the drill worker");
    let started = Instant::now();
    loop {
        let detail = store
            .submission_details(&[id])
            .await
            .unwrap()
            .pop()
            .unwrap();
        if detail.submission.state == S::Tier2Scanning {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the child never reached tier 2: {:?}",
            detail.submission.state
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    child.kill().expect("SIGKILL");
    child.wait().unwrap();
    let job = store
        .list_jobs(
            &JobFilter {
                kind: Some(VERIFY_JOB.into()),
                state: None,
            },
            None,
            10,
        )
        .await
        .unwrap()
        .remove(0);
    assert_eq!(
        job.state,
        JobState::Running,
        "the dead child still holds the lease"
    );
    let dead_owner = job.lease_owner.clone().unwrap();

    // A second worker takes over once the lease expires.
    let worker = start(&store, &pipeline(&store), drill_config());
    let started = Instant::now();
    while !store
        .submission(id)
        .await
        .unwrap()
        .unwrap()
        .state
        .is_terminal()
    {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "not finished after the takeover"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    drain(&store, Duration::from_secs(30)).await;
    let report = worker.stop().await;
    assert_eq!(report.reclaimed, 1, "{report:?}");

    let detail = store
        .submission_details(&[id])
        .await
        .unwrap()
        .pop()
        .unwrap();
    assert_eq!(detail.submission.state, S::Published);
    let states: Vec<S> = detail.events.iter().map(|e| e.to_state).collect();
    assert_eq!(
        states,
        vec![
            S::Received,
            S::Tier1Scanning,
            S::Tier2Scanning,
            S::AutoApproved,
            S::Published
        ],
        "every step once"
    );
    let scans: Vec<(i32, i32)> = detail
        .scan_results
        .iter()
        .map(|r| (r.run, r.tier))
        .collect();
    assert_eq!(scans, vec![(1, 1), (1, 2)], "no duplicate scan result");
    let job = store.job(job.id).await.unwrap().unwrap();
    assert_eq!((job.state, job.attempts), (JobState::Succeeded, 2));
    assert_eq!(
        job.last_error,
        Some(format!(
            "lease expired: worker {dead_owner} stopped renewing its lease (attempt 1)"
        ))
    );
}

/// Makes the database unavailable for a while: PostgreSQL connections of the store are
/// terminated again and again; the SQLite file is locked by another connection for longer
/// than the busy timeout.
async fn outage(db: &TestDb, app: &str, length: Duration) -> usize {
    use sqlx::Connection;
    let mut incidents = 0;
    match db.backend() {
        Backend::Postgres => {
            let mut admin = sqlx::PgConnection::connect(&skillvet_test_db::postgres_base_url())
                .await
                .unwrap();
            let started = Instant::now();
            while started.elapsed() < length {
                let killed: Vec<bool> = sqlx::query_scalar(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
                )
                .bind(app)
                .fetch_all(&mut admin)
                .await
                .unwrap();
                incidents += killed.len();
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        Backend::Sqlite => {
            let mut lock = sqlx::SqliteConnection::connect(db.url()).await.unwrap();
            sqlx::query("BEGIN EXCLUSIVE")
                .execute(&mut lock)
                .await
                .unwrap();
            tokio::time::sleep(length).await;
            sqlx::query("COMMIT").execute(&mut lock).await.unwrap();
            incidents = 1;
        }
    }
    incidents
}

async fn workers_back_off_while_the_database_is_down_and_lose_nothing(db: TestDb) {
    let app = format!("skillvet_outage_{}_{}", std::process::id(), rand_suffix());
    let url = match db.backend() {
        Backend::Postgres => format!("{}&application_name={app}", db.url()),
        Backend::Sqlite => db.url().to_owned(),
    };
    let store: Arc<dyn Store> = skillvet_store::connect(&url).await.unwrap();
    let repo = Fixture::new("acme", "outage");
    for i in 0..24 {
        repo.skill(&format!("s{i:02}"));
    }
    repo.commit("c");
    let mut ids = Vec::new();
    for i in 0..24 {
        ids.push(submit(&store, &repo, &format!("s{i:02}")).await);
    }
    let worker = start(&store, &pipeline(&store), drill_config());
    tokio::time::sleep(Duration::from_millis(150)).await;
    // SQLite waits 10 s for a lock before it reports the database busy.
    let length = match db.backend() {
        Backend::Postgres => Duration::from_secs(3),
        Backend::Sqlite => Duration::from_secs(12),
    };
    let incidents = outage(&db, &app, length).await;
    drain(&store, Duration::from_secs(120)).await;
    let report = worker.stop().await;
    assert!(incidents > 0);
    // The claim loop backs off on its own errors; a job whose writes failed is retried.
    assert!(
        report.store_errors + report.retried > 0,
        "the worker never noticed the outage: {report:?}"
    );
    assert_eq!(stats(&store).await, HashMap::from([(S::Published, 24)]));
    for detail in store.submission_details(&ids).await.unwrap() {
        assert_eq!(
            detail.scan_results.len(),
            2,
            "submission {}",
            detail.submission.id
        );
        assert_eq!(
            detail.events.len(),
            5,
            "submission {}",
            detail.submission.id
        );
    }
}

fn rand_suffix() -> u32 {
    use std::time::SystemTime;
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos()
}

async fn a_thousand_submissions_through_four_workers_all_finish(db: TestDb) {
    const REPOS: usize = 25;
    const SKILLS: usize = 40;
    let stores = [db.store().await, db.store().await];
    let store = &stores[0];
    let mut repos = Vec::new();
    for r in 0..REPOS {
        let repo = Fixture::new(&format!("owner{r:02}"), "skills");
        for s in 0..SKILLS {
            let folder = format!("s{s:02}");
            match s % 10 {
                0 => {
                    repo.stealer(&folder);
                }
                1 => {
                    repo.write(&format!("{folder}/SKILL.md"), "---\nname: Not Valid\n---\n");
                }
                _ => {
                    repo.skill(&folder);
                }
            }
        }
        repo.commit("c");
        let batch: Vec<NewSubmission> = (0..SKILLS)
            .map(|s| NewSubmission {
                repo: RepoRef {
                    owner: repo.owner.clone(),
                    name: repo.name.clone(),
                    url: repo.url(),
                },
                skill_path: format!("s{s:02}"),
                skill_name: format!("s{s:02}"),
                requested_ref: None,
                priority: 0,
                submitter: Actor::user("bulk"),
            })
            .collect();
        store.submit_bulk(&batch, SystemClock.now()).await.unwrap();
        repos.push(repo);
    }
    let workers: Vec<Running> = (0..4)
        .map(|w| {
            let store = &stores[w % 2];
            start(store, &pipeline(store), drill_config())
        })
        .collect();
    drain(store, Duration::from_secs(600)).await;
    let mut reports = Vec::new();
    for worker in workers {
        reports.push(worker.stop().await);
    }
    let total = (REPOS * SKILLS) as i64;
    assert_eq!(
        stats(store).await,
        HashMap::from([
            (S::Published, total * 8 / 10),
            (S::Blocked, total / 10),
            (S::Rejected, total / 10)
        ])
    );
    let succeeded: u64 = reports.iter().map(|r| r.succeeded).sum();
    assert_eq!(succeeded, total as u64, "{reports:?}");
    assert!(
        reports.iter().all(|r| r.succeeded > 0),
        "every worker took part: {reports:?}"
    );
    let jobs: HashMap<JobState, i64> = totals_by_state(&store.job_counts().await.unwrap())
        .into_iter()
        .collect();
    assert_eq!(jobs[&JobState::Succeeded], total);
}

async fn hostile_and_hopeless_repositories_end_with_clear_reasons(db: TestDb) {
    let store = db.store().await;
    // A git server that accepts connections and never answers.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let hold = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let loopback: IpAddr = "127.0.0.1".parse().unwrap();
    let fetch = FetchPolicy {
        allowed_addresses: vec![loopback],
        timeout: Duration::from_secs(1),
        limits: Limits {
            max_total_bytes: 20_000,
            ..Limits::default()
        },
        ..local_fetch()
    };
    let p = pipeline_with(&store, fetch, PolicyConfig::default());

    let repo = Fixture::new("acme", "hostile");
    repo.skill("healthy");
    repo.skill("escaping");
    repo.symlink("escaping/key", "/home/user/.ssh/id_rsa");
    repo.write(
        "malformed/SKILL.md",
        "---\nname: malformed\ndescription: [unclosed\n---\n",
    );
    repo.commit("c");
    let big = Fixture::new("acme", "huge");
    big.skill("big");
    big.write("big/assets/data.txt", "z".repeat(50_000));
    big.commit("c");

    let hanging = submit_url(
        &store,
        "owner",
        "repo",
        &format!("https://127.0.0.1:{port}/owner/repo"),
        "skill",
    )
    .await;
    let large = submit(&store, &big, "big").await;
    let escaping = submit(&store, &repo, "escaping").await;
    let malformed = submit(&store, &repo, "malformed").await;
    let healthy = submit(&store, &repo, "healthy").await;

    let worker = start(&store, &p, drill_config());
    drain(&store, Duration::from_secs(120)).await;
    worker.stop().await;
    hold.abort();

    let outcome = |id| {
        let store = store.clone();
        async move {
            let s = store.submission(id).await.unwrap().unwrap();
            (s.state, s.state_reason.unwrap_or_default())
        }
    };
    assert_eq!(
        outcome(hanging).await,
        (
            S::Errored,
            "gave up after 5 attempts: fetching the repository failed: fetching the repository took longer than the 1 s time limit".into()
        )
    );
    let (state, why) = outcome(large).await;
    assert_eq!(state, S::Rejected);
    assert!(
        why.starts_with("fetching the repository failed: repository exceeds the 20 kB size limit"),
        "{why}"
    );
    assert_eq!(
        outcome(escaping).await,
        (
            S::Rejected,
            "symbolic links point outside the skill folder: key".into()
        )
    );
    let (state, why) = outcome(malformed).await;
    assert_eq!(state, S::Rejected);
    assert!(why.starts_with("SKILL.md is invalid: line "), "{why}");
    assert_eq!(
        outcome(healthy).await.0,
        S::Published,
        "the worker survived the others"
    );
    let dead = store
        .list_jobs(
            &JobFilter {
                kind: None,
                state: Some(JobState::Dead),
            },
            None,
            10,
        )
        .await
        .unwrap();
    assert_eq!(
        dead.len(),
        1,
        "only the hanging repository exhausted its attempts"
    );
}

backend_tests!(
    a_worker_killed_mid_scan_is_replaced_and_the_submission_finishes_once,
    workers_back_off_while_the_database_is_down_and_lose_nothing,
    a_thousand_submissions_through_four_workers_all_finish,
    hostile_and_hopeless_repositories_end_with_clear_reasons,
);
