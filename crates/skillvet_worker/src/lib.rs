//! Runs jobs from the store's durable queue.
//!
//! ```text
//! let handlers = Handlers::new().register("verify_submission", Arc::new(verify));
//! let worker = Worker::new(store, clock, WorkerConfig::default(), handlers);
//! let report = worker.run(async { tokio::signal::ctrl_c().await.ok(); }).await;
//! ```
//!
//! A [`Worker`] claims up to `concurrency` jobs at a time (one atomic statement per claim),
//! runs each in its own task while a heartbeat renews the lease, and records the outcome with
//! the lease as fencing token, so a worker that lost its lease never overwrites the attempt
//! that replaced it. No database transaction stays open while a job runs: handlers make their
//! own short transactions.
//!
//! It wakes on the store's wake-up signal (in-process commits; PostgreSQL `NOTIFY` from other
//! processes), when the next delayed job is due, and otherwise polls every `poll_interval`.
//! Store errors (database down or restarting) make it back off exponentially and resume by
//! itself. Shutdown stops claiming, lets running jobs finish within `shutdown_grace`, then
//! aborts the rest and releases their leases so another worker takes them at once.

mod config;
mod handler;
mod run_job;
mod runner;

pub use config::WorkerConfig;
pub use handler::{Handlers, JobContext, JobError, JobHandler};
pub use runner::{Worker, WorkerReport};
