//! The worker runtime against real SQLite and PostgreSQL stores.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use serde_json::{Value, json};
use skillvet_core::queue::{Job, JobState, Lease, NewJob, RetryPolicy, totals_by_state};
use skillvet_core::store::Store;
use skillvet_core::{Clock, SystemClock};
use skillvet_test_db::{TestDb, backend_tests};
use skillvet_worker::{
    Handlers, JobContext, JobError, JobHandler, Worker, WorkerConfig, WorkerReport,
};
use tokio::sync::oneshot;

const KIND: &str = "test_job";

/// A handler whose behaviour each job's payload chooses; it records what it was asked to do.
#[derive(Default)]
struct Scripted {
    started: Mutex<Vec<(i64, i32)>>,
    finished: Mutex<Vec<(i64, i32)>>,
    gave_up: Mutex<Vec<(i64, String)>>,
}

impl Scripted {
    fn finished(&self) -> Vec<(i64, i32)> {
        self.finished.lock().unwrap().clone()
    }
    fn started(&self) -> Vec<(i64, i32)> {
        self.started.lock().unwrap().clone()
    }
    fn gave_up(&self) -> Vec<(i64, String)> {
        self.gave_up.lock().unwrap().clone()
    }
}

#[async_trait]
impl JobHandler for Scripted {
    async fn run(&self, job: &Job, ctx: &JobContext) -> Result<(), JobError> {
        let attempt = ctx.lease.attempt;
        self.started.lock().unwrap().push((job.id, attempt));
        if let Some(ms) = job.payload["sleep_ms"].as_u64() {
            tokio::time::sleep(Duration::from_millis(ms)).await;
        }
        let result = match job.payload["do"].as_str().unwrap_or("ok") {
            "ok" => Ok(()),
            "fail_once" if attempt == 1 => Err(JobError::Retry("flaky network".into())),
            "fail_once" => Ok(()),
            "fail_always" => Err(JobError::Retry(format!("still broken (attempt {attempt})"))),
            "permanent" => Err(JobError::Permanent("payload names nothing".into())),
            "panic_once" if attempt == 1 => panic!("handler bug on attempt 1"),
            "panic_once" => Ok(()),
            other => panic!("unknown script {other}"),
        };
        if result.is_ok() {
            self.finished.lock().unwrap().push((job.id, attempt));
        }
        result
    }

    async fn give_up(&self, job: &Job, reason: &str) -> Result<(), JobError> {
        self.gave_up
            .lock()
            .unwrap()
            .push((job.id, reason.to_owned()));
        Ok(())
    }
}

fn fast_config() -> WorkerConfig {
    WorkerConfig {
        concurrency: 4,
        lease: Duration::from_secs(2),
        heartbeat_every: Duration::from_millis(200),
        poll_interval: Duration::from_millis(100),
        job_timeout: Duration::from_secs(30),
        shutdown_grace: Duration::from_secs(10),
        reclaim_every: Duration::from_millis(200),
        retry: RetryPolicy {
            base: Duration::from_millis(20),
            cap: Duration::from_millis(100),
        },
        max_store_backoff: Duration::from_millis(500),
        ..WorkerConfig::default()
    }
}

struct Running {
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<WorkerReport>,
}

impl Running {
    async fn stop(mut self) -> WorkerReport {
        let _ = self.stop.take().unwrap().send(());
        self.task.await.unwrap()
    }
}

fn start(store: &Arc<dyn Store>, handler: &Arc<Scripted>, config: WorkerConfig) -> Running {
    let worker = Worker::new(
        store.clone(),
        Arc::new(SystemClock),
        config,
        Handlers::new().register(KIND, handler.clone()),
    );
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(worker.run(async move {
        let _ = stopped.await;
    }));
    Running {
        stop: Some(stop),
        task,
    }
}

async fn enqueue(store: &Arc<dyn Store>, payload: Value, max_attempts: i32) -> i64 {
    store
        .enqueue(
            &NewJob::new(KIND, payload).max_attempts(max_attempts),
            SystemClock.now(),
        )
        .await
        .unwrap()
        .id()
}

/// Waits until every job is finished (succeeded, failed or dead).
async fn settle(store: &Arc<dyn Store>, within: Duration) -> HashMap<JobState, i64> {
    let started = Instant::now();
    loop {
        let totals: HashMap<JobState, i64> = totals_by_state(&store.job_counts().await.unwrap())
            .into_iter()
            .collect();
        if totals[&JobState::Queued] == 0 && totals[&JobState::Running] == 0 {
            return totals;
        }
        assert!(
            started.elapsed() < within,
            "jobs did not settle in {within:?}: {totals:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn runs_every_job_once_with_bounded_concurrency(db: TestDb) {
    let store = db.store().await;
    let handler = Arc::new(Scripted::default());
    let mut ids = Vec::new();
    for i in 0..40 {
        ids.push(enqueue(&store, json!({ "n": i, "sleep_ms": 10 }), 3).await);
    }
    let worker = start(&store, &handler, fast_config());
    let totals = settle(&store, Duration::from_secs(30)).await;
    let report = worker.stop().await;
    assert_eq!(totals[&JobState::Succeeded], 40);
    let mut done: Vec<i64> = handler.finished().iter().map(|(id, _)| *id).collect();
    done.sort_unstable();
    assert_eq!(done, ids, "each job ran exactly once");
    assert_eq!(report.succeeded, 40);
    assert_eq!((report.retried, report.dead, report.lease_lost), (0, 0, 0));
}

async fn retries_with_backoff_and_buries_after_give_up(db: TestDb) {
    let store = db.store().await;
    let handler = Arc::new(Scripted::default());
    let flaky = enqueue(&store, json!({ "do": "fail_once" }), 3).await;
    let broken = enqueue(&store, json!({ "do": "fail_always" }), 3).await;
    let hopeless = enqueue(&store, json!({ "do": "permanent" }), 3).await;
    let buggy = enqueue(&store, json!({ "do": "panic_once" }), 3).await;
    let worker = start(&store, &handler, fast_config());
    settle(&store, Duration::from_secs(30)).await;
    let report = worker.stop().await;

    let job = |id| {
        let store = store.clone();
        async move { store.job(id).await.unwrap().unwrap() }
    };
    let flaky_job = job(flaky).await;
    assert_eq!(
        (flaky_job.state, flaky_job.attempts),
        (JobState::Succeeded, 2)
    );
    assert_eq!(flaky_job.last_error.as_deref(), Some("flaky network"));

    let broken_job = job(broken).await;
    assert_eq!((broken_job.state, broken_job.attempts), (JobState::Dead, 3));
    assert_eq!(
        broken_job.last_error.as_deref(),
        Some("gave up after 3 attempts: still broken (attempt 3)")
    );

    let hopeless_job = job(hopeless).await;
    assert_eq!(
        (hopeless_job.state, hopeless_job.attempts),
        (JobState::Failed, 1)
    );
    assert_eq!(
        hopeless_job.last_error.as_deref(),
        Some("payload names nothing")
    );

    let buggy_job = job(buggy).await;
    assert_eq!(
        (buggy_job.state, buggy_job.attempts),
        (JobState::Succeeded, 2),
        "a panic is retried and the worker lives on"
    );

    let mut gave_up = handler.gave_up();
    gave_up.sort();
    assert_eq!(
        gave_up,
        vec![
            (
                broken,
                "gave up after 3 attempts: still broken (attempt 3)".to_owned()
            ),
            (hopeless, "payload names nothing".to_owned()),
        ]
    );
    assert_eq!(
        (report.succeeded, report.dead, report.failed, report.retried),
        (2, 1, 1, 4)
    );
}

async fn a_job_past_its_time_limit_is_aborted(db: TestDb) {
    let store = db.store().await;
    let handler = Arc::new(Scripted::default());
    let slow = enqueue(&store, json!({ "sleep_ms": 60_000 }), 1).await;
    let config = WorkerConfig {
        job_timeout: Duration::from_millis(300),
        ..fast_config()
    };
    let worker = start(&store, &handler, config);
    settle(&store, Duration::from_secs(20)).await;
    worker.stop().await;
    let job = store.job(slow).await.unwrap().unwrap();
    assert_eq!(job.state, JobState::Dead);
    assert_eq!(
        job.last_error.as_deref(),
        Some("gave up after 1 attempts: the job ran longer than its 0.3 s time limit")
    );
    assert!(handler.finished().is_empty());
}

async fn a_worker_that_loses_its_lease_abandons_the_attempt(db: TestDb) {
    let store = db.store().await;
    let handler = Arc::new(Scripted::default());
    let id = enqueue(&store, json!({ "sleep_ms": 1500 }), 5).await;
    let worker = start(&store, &handler, fast_config());
    // Wait for the first attempt to start, then take its lease away (as a reclaim would).
    let started = Instant::now();
    let running = loop {
        let job = store.job(id).await.unwrap().unwrap();
        if job.state == JobState::Running {
            break job;
        }
        assert!(started.elapsed() < Duration::from_secs(10));
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    let lease = Lease {
        job_id: id,
        owner: running.lease_owner.clone().unwrap(),
        attempt: running.attempts,
    };
    assert!(store.release(&lease, SystemClock.now()).await.unwrap());
    settle(&store, Duration::from_secs(20)).await;
    let report = worker.stop().await;
    assert_eq!(report.lease_lost, 1, "{report:?}");
    assert_eq!(handler.started(), vec![(id, 1), (id, 2)]);
    assert_eq!(
        handler.finished(),
        vec![(id, 2)],
        "the first attempt never finished"
    );
    assert_eq!(
        store.job(id).await.unwrap().unwrap().state,
        JobState::Succeeded
    );
}

async fn shutdown_waits_for_short_jobs_and_releases_long_ones(db: TestDb) {
    let store = db.store().await;
    let handler = Arc::new(Scripted::default());
    let short = enqueue(&store, json!({ "sleep_ms": 400 }), 1).await;
    let long = enqueue(&store, json!({ "sleep_ms": 60_000 }), 1).await;
    let config = WorkerConfig {
        shutdown_grace: Duration::from_millis(1200),
        ..fast_config()
    };
    let worker = start(&store, &handler, config);
    while handler.started().len() < 2 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let stopping = Instant::now();
    let report = worker.stop().await;
    assert!(stopping.elapsed() < Duration::from_secs(5));
    assert_eq!((report.succeeded, report.released), (1, 1), "{report:?}");
    assert_eq!(
        store.job(short).await.unwrap().unwrap().state,
        JobState::Succeeded
    );
    let released = store.job(long).await.unwrap().unwrap();
    assert_eq!(released.state, JobState::Queued);
    assert_eq!(
        (released.attempts, released.max_attempts),
        (1, 2),
        "the released attempt is not spent"
    );
}

async fn an_idle_worker_starts_new_jobs_at_once(db: TestDb) {
    let store = db.store().await;
    let handler = Arc::new(Scripted::default());
    // Polling alone would take 30 s: only a wake-up can start the job in time.
    let config = WorkerConfig {
        poll_interval: Duration::from_secs(30),
        ..fast_config()
    };
    let worker = start(&store, &handler, config);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut latencies = Vec::new();
    for _ in 0..5 {
        let before = handler.started().len();
        let enqueued = Instant::now();
        enqueue(&store, json!({}), 1).await;
        while handler.started().len() == before {
            assert!(
                enqueued.elapsed() < Duration::from_secs(5),
                "the job did not start"
            );
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        latencies.push(enqueued.elapsed());
    }
    worker.stop().await;
    assert!(
        latencies.iter().all(|l| *l < Duration::from_secs(1)),
        "{latencies:?}"
    );
}

async fn paused_kinds_wait_until_resumed(db: TestDb) {
    let store = db.store().await;
    let handler = Arc::new(Scripted::default());
    store
        .pause(&skillvet_core::queue::Pause {
            kind: Some(KIND.into()),
            reason: Some("maintenance".into()),
            actor: skillvet_core::model::Actor::user("admin"),
            at: SystemClock.now(),
        })
        .await
        .unwrap();
    let id = enqueue(&store, json!({}), 1).await;
    let worker = start(&store, &handler, fast_config());
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert!(handler.started().is_empty(), "a paused kind is not run");
    assert_eq!(
        store.job(id).await.unwrap().unwrap().state,
        JobState::Queued
    );
    assert!(store.resume(Some(KIND)).await.unwrap());
    settle(&store, Duration::from_secs(10)).await;
    worker.stop().await;
    assert_eq!(handler.finished(), vec![(id, 1)]);
}

backend_tests!(
    runs_every_job_once_with_bounded_concurrency,
    retries_with_backoff_and_buries_after_give_up,
    a_job_past_its_time_limit_is_aborted,
    a_worker_that_loses_its_lease_abandons_the_attempt,
    shutdown_waits_for_short_jobs_and_releases_long_ones,
    an_idle_worker_starts_new_jobs_at_once,
    paused_kinds_wait_until_resumed,
);

/// Two stores on one PostgreSQL schema stand for two processes: a job enqueued by one starts
/// on the other's worker through `NOTIFY`, long before its 30 s poll.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_worker_in_another_process_is_woken_by_notify() {
    let db = TestDb::postgres().await;
    let producer = db.store().await;
    let consumer = db.store().await;
    let handler = Arc::new(Scripted::default());
    let config = WorkerConfig {
        poll_interval: Duration::from_secs(30),
        ..fast_config()
    };
    let worker = start(&consumer, &handler, config);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let enqueued = Instant::now();
    enqueue(&producer, json!({}), 1).await;
    while handler.finished().is_empty() {
        assert!(
            enqueued.elapsed() < Duration::from_secs(1),
            "not woken by NOTIFY"
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    worker.stop().await;
}

/// PostgreSQL connections of this store are killed again and again (as a database restart
/// would): the worker backs off, resumes by itself, and every job still succeeds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_worker_survives_killed_connections() {
    use sqlx::Connection;
    let db = TestDb::postgres().await;
    let app = format!("skillvet_chaos_{}", std::process::id());
    let store: Arc<dyn Store> =
        skillvet_store::connect(&format!("{}&application_name={app}", db.url()))
            .await
            .unwrap();
    let handler = Arc::new(Scripted::default());
    let mut ids = Vec::new();
    for i in 0..60 {
        ids.push(enqueue(&store, json!({ "n": i, "sleep_ms": 120 }), 10).await);
    }
    let worker = start(&store, &handler, fast_config());
    let mut admin = sqlx::PgConnection::connect(&skillvet_test_db::postgres_base_url())
        .await
        .unwrap();
    let mut killed = 0;
    let chaos = Instant::now();
    while chaos.elapsed() < Duration::from_secs(2) {
        let n: Vec<bool> = sqlx::query_scalar(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
        )
        .bind(&app)
        .fetch_all(&mut admin)
        .await
        .unwrap();
        killed += n.len();
        // Often: a kill must land on an in-flight query (idle pooled connections are
        // replaced silently), so the outage reaches the worker on any machine load.
        tokio::time::sleep(Duration::from_millis(15)).await;
    }
    let totals = settle(&store, Duration::from_secs(60)).await;
    let report = worker.stop().await;
    assert!(killed > 0, "no connection was killed");
    assert!(
        report.store_errors > 0,
        "the worker never saw the outage: {report:?}"
    );
    assert_eq!(totals[&JobState::Succeeded], 60, "{totals:?}");
    let mut done: Vec<i64> = handler.finished().iter().map(|(id, _)| *id).collect();
    done.sort_unstable();
    done.dedup();
    assert_eq!(done, ids, "every job finished");
}
