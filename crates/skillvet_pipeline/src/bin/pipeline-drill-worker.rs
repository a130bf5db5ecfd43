//! A pipeline worker process for failure drills: the reliability tests start it, let it claim
//! jobs and kill it with SIGKILL mid-job. Configured by environment variables:
//! `SKILLVET_DATABASE_URL` (required), `DRILL_LEASE_MS` (default 2000),
//! `DRILL_CONCURRENCY` (default 2), `DRILL_SCAN_DELAY_MS` (tier-2 scans take at least this
//! long, so a kill lands mid-scan; default 0). Local repositories are allowed.

use std::sync::Arc;
use std::time::Duration;

use skillvet_core::SystemClock;
use skillvet_git::FetchPolicy;
use skillvet_pipeline::{Pipeline, PipelineConfig, Scanner, Scanners, scan::TierReport};
use skillvet_skill::{ParsedSkillMd, SkillBundle};
use skillvet_worker::{Worker, WorkerConfig};

struct Slow(Arc<dyn Scanner>, Duration);

impl Scanner for Slow {
    fn tier(&self) -> i32 {
        self.0.tier()
    }
    fn name(&self) -> &'static str {
        self.0.name()
    }
    fn version(&self) -> String {
        self.0.version()
    }
    fn scan(&self, bundle: &SkillBundle, manifest: &ParsedSkillMd) -> TierReport {
        std::thread::sleep(self.1);
        self.0.scan(bundle, manifest)
    }
}

fn env_ms(name: &str, default: u64) -> Duration {
    Duration::from_millis(
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default),
    )
}

#[tokio::main]
async fn main() {
    let url = std::env::var("SKILLVET_DATABASE_URL").expect("SKILLVET_DATABASE_URL is required");
    let store = skillvet_store::connect(&url)
        .await
        .expect("opening the store");
    let lease = env_ms("DRILL_LEASE_MS", 2000);
    let delay = env_ms("DRILL_SCAN_DELAY_MS", 0);
    let mut scanners = Scanners::default();
    scanners.tier2 = scanners
        .tier2
        .into_iter()
        .map(|s| Arc::new(Slow(s, delay)) as Arc<dyn Scanner>)
        .collect();
    let config = PipelineConfig {
        fetch: FetchPolicy {
            allow_local: true,
            ..FetchPolicy::default()
        },
        ..PipelineConfig::default()
    };
    let clock = Arc::new(SystemClock);
    let pipeline = Pipeline::new(store.clone(), clock.clone(), config, scanners);
    let worker = Worker::new(
        store,
        clock,
        WorkerConfig {
            concurrency: std::env::var("DRILL_CONCURRENCY")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(2),
            lease,
            heartbeat_every: lease / 4,
            poll_interval: Duration::from_millis(100),
            ..WorkerConfig::default()
        },
        pipeline.handlers(),
    );
    println!("ready {}", worker.id());
    worker
        .run(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await;
}
