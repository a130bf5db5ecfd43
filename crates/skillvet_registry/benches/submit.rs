//! Submission latency on both stores: the duplicate check (a resubmission of a pending skill,
//! answered from the unique index) and a bulk submit of 1,000 skills in one transaction.
//!
//! `cargo bench -p skillvet_registry --bench submit` (PostgreSQL from
//! `SKILLVET_TEST_POSTGRES_URL`, default postgres://root@127.0.0.1:5432/test).
//! Targets (issue 2): duplicate check p99 ≤ 1 ms; bulk 1,000 acknowledged ≤ 1 s on SQLite.

use std::sync::Arc;
use std::time::{Duration, Instant};

use skillvet_core::model::Actor;
use skillvet_core::{Clock, SystemClock};
use skillvet_registry::{BulkRequest, Registry, RegistryConfig, SubmitRequest};
use skillvet_test_db::{Backend, TestDb};

const DUPLICATES: usize = 5_000;
const BULK_RUNS: usize = 10;
const BULK_SIZE: usize = 1_000;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((sorted.len() as f64) * p).ceil() as usize;
    sorted[rank.saturating_sub(1).min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

async fn bench(backend: Backend) {
    let db = TestDb::new(backend).await;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let registry = Registry::new(db.store().await, clock, RegistryConfig::default());
    let actor = Actor::anonymous();

    let one = SubmitRequest {
        repo_url: "https://github.com/bench/dedup".into(),
        skill_path: Some("skills/pdf".into()),
        skill_name: None,
        git_ref: None,
    };
    let first = registry.submit(&one, actor.clone()).await.unwrap();
    assert_eq!(first.status(), "created");
    let mut latencies = Vec::with_capacity(DUPLICATES);
    for _ in 0..DUPLICATES {
        let started = Instant::now();
        let outcome = registry.submit(&one, actor.clone()).await.unwrap();
        latencies.push(started.elapsed());
        assert_eq!(outcome.status(), "duplicate");
    }
    latencies.sort();
    println!(
        "{backend:?}: duplicate submit ({DUPLICATES} runs) p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        ms(percentile(&latencies, 0.50)),
        ms(percentile(&latencies, 0.99)),
        ms(*latencies.last().unwrap()),
    );

    let mut bulk = Vec::with_capacity(BULK_RUNS);
    for run in 0..BULK_RUNS {
        let req = BulkRequest {
            repo_url: format!("https://github.com/bench/bulk-{run}"),
            skill_paths: (0..BULK_SIZE)
                .map(|i| format!("skills/skill-{i:04}"))
                .collect(),
            git_ref: None,
        };
        let started = Instant::now();
        let outcome = registry.submit_bulk(&req, actor.clone()).await.unwrap();
        bulk.push(started.elapsed());
        assert_eq!(outcome.created, BULK_SIZE);
    }
    bulk.sort();
    println!(
        "{backend:?}: bulk submit of {BULK_SIZE} ({BULK_RUNS} runs) median {:.1} ms, max {:.1} ms",
        ms(percentile(&bulk, 0.5)),
        ms(*bulk.last().unwrap()),
    );
}

fn main() {
    // `cargo test --benches` runs bench targets with `--bench` absent; do the work only
    // under `cargo bench`.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        bench(Backend::Sqlite).await;
        bench(Backend::Postgres).await;
    });
}
