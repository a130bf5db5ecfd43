//! Queue overhead: no-op jobs per second through a real worker, and enqueue-to-start latency
//! of an idle worker, on SQLite and on PostgreSQL (a fresh schema of the test database).
//!
//! `cargo bench -p skillvet_worker --bench queue` (set `QUEUE_BENCH_JOBS` to change the
//! number of jobs, default 5000). Targets from issue 4: ≥ 500 jobs/s; p99 ≤ 1 s idle.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use serde_json::json;
use skillvet_core::queue::{ClaimRequest, Job, JobState, NewJob};
use skillvet_core::store::Store;
use skillvet_core::{Clock, SystemClock};
use skillvet_test_db::TestDb;
use skillvet_worker::{Handlers, JobContext, JobError, JobHandler, Worker, WorkerConfig};
use tokio::sync::{Notify, oneshot};

/// Does nothing but count, and note when the job with a given payload started.
struct Noop {
    done: AtomicU64,
    started: Notify,
}

#[async_trait]
impl JobHandler for Noop {
    async fn run(&self, _job: &Job, _ctx: &JobContext) -> Result<(), JobError> {
        self.done.fetch_add(1, Ordering::Relaxed);
        self.started.notify_one();
        Ok(())
    }
}

fn config(concurrency: usize) -> WorkerConfig {
    WorkerConfig {
        concurrency,
        poll_interval: Duration::from_millis(500),
        ..WorkerConfig::default()
    }
}

async fn succeeded(store: &Arc<dyn Store>) -> u64 {
    let counts = store.job_counts().await.unwrap();
    counts
        .iter()
        .filter(|c| c.state == JobState::Succeeded)
        .map(|c| c.count as u64)
        .sum()
}

async fn throughput(store: &Arc<dyn Store>, jobs: u64, concurrency: usize) -> f64 {
    let now = SystemClock.now();
    let before = succeeded(store).await;
    for i in 0..jobs {
        store
            .enqueue(&NewJob::new("noop", json!({ "i": i })), now)
            .await
            .unwrap();
    }
    let handler = Arc::new(Noop {
        done: AtomicU64::new(0),
        started: Notify::new(),
    });
    let worker = Worker::new(
        store.clone(),
        Arc::new(SystemClock),
        config(concurrency),
        Handlers::new().register("noop", handler.clone()),
    );
    let (stop, stopped) = oneshot::channel::<()>();
    let started = Instant::now();
    let task = tokio::spawn(worker.run(async move {
        let _ = stopped.await;
    }));
    // Completion is recorded after the handler returns: once every handler ran, wait for
    // the store to agree (polling the counts only at the end keeps the measurement clean).
    while handler.done.load(Ordering::Relaxed) < jobs {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    while succeeded(store).await < before + jobs {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let elapsed = started.elapsed();
    let _ = stop.send(());
    task.await.unwrap();
    jobs as f64 / elapsed.as_secs_f64()
}

async fn latency(store: &Arc<dyn Store>, samples: usize) -> Vec<Duration> {
    let handler = Arc::new(Noop {
        done: AtomicU64::new(0),
        started: Notify::new(),
    });
    let worker = Worker::new(
        store.clone(),
        Arc::new(SystemClock),
        config(4),
        Handlers::new().register("ping", handler.clone()),
    );
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(worker.run(async move {
        let _ = stopped.await;
    }));
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut out = Vec::with_capacity(samples);
    for i in 0..samples {
        // Idle between samples, so every job finds the worker waiting.
        tokio::time::sleep(Duration::from_millis(20)).await;
        let t = Instant::now();
        store
            .enqueue(&NewJob::new("ping", json!({ "i": i })), SystemClock.now())
            .await
            .unwrap();
        handler.started.notified().await;
        out.push(t.elapsed());
    }
    let _ = stop.send(());
    task.await.unwrap();
    out.sort();
    out
}

/// The store alone: claim one job and complete it, in a loop (what the worker costs on top
/// of this is its own overhead).
async fn raw_store(store: &Arc<dyn Store>, jobs: u64) -> f64 {
    let now = SystemClock.now();
    for i in 0..jobs {
        store
            .enqueue(&NewJob::new("raw", json!({ "i": i })), now)
            .await
            .unwrap();
    }
    let kinds = vec!["raw".to_owned()];
    let started = Instant::now();
    let mut done = 0;
    while done < jobs {
        let claimed = store
            .claim(
                &ClaimRequest {
                    owner: "bench",
                    kinds: &kinds,
                    limit: 1,
                    lease: Duration::from_secs(60),
                },
                SystemClock.now(),
            )
            .await
            .unwrap();
        for c in claimed {
            store.complete(&c.lease, SystemClock.now()).await.unwrap();
            done += 1;
        }
    }
    jobs as f64 / started.elapsed().as_secs_f64()
}

fn pct(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let jobs: u64 = std::env::var("QUEUE_BENCH_JOBS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5000);
    for db in [TestDb::sqlite().await, TestDb::postgres().await] {
        let name = format!("{:?}", db.backend()).to_lowercase();
        let store = db.store().await;
        let raw = raw_store(&store, jobs.min(2000)).await;
        println!("{name:8} store alone: claim + complete one at a time: {raw:8.0} jobs/s");
        for concurrency in [1, 4, 8] {
            let rate = throughput(&store, jobs, concurrency).await;
            println!(
                "{name:8} throughput  {jobs} no-op jobs, concurrency {concurrency}: {rate:8.0} jobs/s"
            );
        }
        let lat = latency(&store, 200).await;
        println!(
            "{name:8} enqueue-to-start (idle, 200 samples): p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            pct(&lat, 0.5).as_secs_f64() * 1e3,
            pct(&lat, 0.99).as_secs_f64() * 1e3,
            lat.last().unwrap().as_secs_f64() * 1e3
        );
    }
}
