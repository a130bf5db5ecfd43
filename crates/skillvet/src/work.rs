//! The verification workers: in-process under `serve`, on their own under `worker` (any
//! number of `worker` processes may share one database; the queue hands each job to one).

use std::future::Future;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::Args;
use skillvet_core::store::Store;
use skillvet_core::{Clock, SystemClock};
use skillvet_pipeline::scan::LlmJudgeScanner;
use skillvet_pipeline::{Pipeline, PipelineConfig, Scanners};
use skillvet_worker::{Worker, WorkerConfig, WorkerReport};
use tokio::sync::watch;

use crate::serve::DatabaseArgs;

/// Settings shared by `serve` and `worker`.
#[derive(Args, Clone, Debug)]
pub struct WorkerOptions {
    /// Verification jobs run at once in this process.
    #[arg(
        long = "workers",
        env = "SKILLVET_WORKERS",
        default_value_t = 4,
        value_parser = clap::value_parser!(u16).range(1..=256)
    )]
    pub workers: u16,
    /// Enqueue an external scan (Semgrep, njsscan, gitleaks, trufflehog, run by
    /// `skillvet scan-agent` processes) for every publication. Leave off unless agents run.
    #[arg(long, env = "SKILLVET_EXTERNAL_SCANS")]
    pub external_scans: bool,
    /// The optional LLM judge added to tier 2 (same flags as `skillvet scan`).
    #[command(flatten)]
    pub judge: skillvet_scanner::cli::JudgeArgs,
}

/// The pipeline's scanners: the defaults, plus the LLM judge when one is configured. A bad
/// judge configuration stops start-up rather than silently scanning without it.
pub fn scanners(options: &WorkerOptions) -> anyhow::Result<Scanners> {
    let mut scanners = Scanners::default();
    if let Some(judge) =
        skillvet_client::llm_judge::from_args(&options.judge).context("the LLM judge")?
    {
        tracing::info!(judge = %judge.describe(), "tier 2 includes an LLM judge");
        scanners.tier2.push(Arc::new(LlmJudgeScanner::new(
            judge,
            options.judge.max_prompt_bytes,
        )));
    }
    Ok(scanners)
}

#[derive(Args)]
pub struct WorkerArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    #[command(flatten)]
    pub options: WorkerOptions,
    /// Fetch local paths and file:// repositories (operator setting: tests and private
    /// deployments only). Without it only https:// repositories are fetched.
    #[arg(long, env = "SKILLVET_ALLOW_LOCAL_REPOS")]
    pub allow_local_repos: bool,
}

/// A stop switch many tasks can wait on, flipped once by a signal (or an error).
#[derive(Clone)]
pub struct Stop(Arc<watch::Sender<bool>>);

impl Stop {
    pub fn new() -> Self {
        Self(Arc::new(watch::Sender::new(false)))
    }

    pub fn trigger(&self) {
        self.0.send_replace(true);
    }

    /// Completes once [`trigger`](Self::trigger) was called (at once if it already was).
    pub fn wait(&self) -> impl Future<Output = ()> + Send + 'static {
        let mut rx = self.0.subscribe();
        async move {
            let _ = rx.wait_for(|stopped| *stopped).await;
        }
    }

    /// Triggers on SIGINT or SIGTERM.
    pub fn on_signals(&self) {
        let stop = self.clone();
        tokio::spawn(async move {
            crate::serve::shutdown_signal().await;
            tracing::info!("shutdown requested; finishing running work");
            stop.trigger();
        });
    }
}

fn pipeline_config(options: &WorkerOptions, allow_local_repos: bool) -> PipelineConfig {
    let mut config = PipelineConfig {
        external_scans: options.external_scans,
        max_concurrent_fetches: usize::from(options.workers),
        ..PipelineConfig::default()
    };
    config.fetch.allow_local = allow_local_repos;
    config
}

/// Runs the pipeline's workers on `store` until `stop` is triggered, then lets running jobs
/// finish (or hands them back) and returns what they did.
pub async fn run_workers(
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    options: WorkerOptions,
    allow_local_repos: bool,
    scanners: Scanners,
    stop: Stop,
) -> WorkerReport {
    let pipeline = Pipeline::new(
        store.clone(),
        clock.clone(),
        pipeline_config(&options, allow_local_repos),
        scanners,
    );
    // A database hiccup here must not keep the workers from starting: the next start retries.
    match pipeline.schedule_rescan_if_rules_changed().await {
        Ok(Some(job)) => tracing::info!(job, "rule set changed: rescanning published skills"),
        Ok(None) => {}
        Err(e) => tracing::warn!(error = %e, "could not check the rule set for changes"),
    }
    let config = WorkerConfig {
        concurrency: usize::from(options.workers),
        ..WorkerConfig::default()
    };
    let worker = Worker::new(store, clock, config, pipeline.handlers());
    worker.run(stop.wait()).await
}

pub async fn worker(args: WorkerArgs) -> anyhow::Result<ExitCode> {
    let scanners = scanners(&args.options)?;
    let store = skillvet_store::connect(&args.db.database_url)
        .await
        .context("opening the database")?;
    let stop = Stop::new();
    stop.on_signals();
    tracing::info!(
        backend = store.backend(),
        workers = args.options.workers,
        "skillvet worker started"
    );
    // Tests and scripts wait for this line.
    println!(
        "worker running ({} concurrent jobs, {} database)",
        args.options.workers,
        store.backend()
    );
    let report = run_workers(
        store,
        Arc::new(SystemClock),
        args.options,
        args.allow_local_repos,
        scanners,
        stop,
    )
    .await;
    tracing::info!(?report, "worker stopped");
    Ok(ExitCode::SUCCESS)
}
