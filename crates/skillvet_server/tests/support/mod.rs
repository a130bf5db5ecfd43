//! A real skillvet server on loopback over a test database, and skills published through the
//! real pipeline (git repository → fetch → scans → decision → publish).
#![allow(dead_code)]

pub mod browser;
pub mod fake_github;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use skillvet_core::model::{Actor, Id, NewSubmission, RepoRef, SubmitOutcome};
use skillvet_core::store::Store;
use skillvet_core::{Clock, SubmissionState, SystemClock};
use skillvet_git::FetchPolicy;
use skillvet_pipeline::{Pipeline, PipelineConfig, Scanners};
use skillvet_registry::{Registry, RegistryConfig};
use skillvet_server::rate_limit::MemoryLimiter;
use skillvet_server::{AppState, ServerConfig};
use skillvet_test_db::TestDb;
use skillvet_test_repo::TestRepo;

pub struct Server {
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub base: String,
    pub http: reqwest::Client,
    pub store: Arc<dyn Store>,
    _db: TestDb,
}

impl Server {
    pub async fn start(db: TestDb) -> Self {
        Self::start_with(db, ServerConfig::default(), Arc::new(SystemClock)).await
    }

    /// A server with its own configuration and clock. `config.accounts.public_url`, unless
    /// the test set one, becomes the server's address (the OAuth callback is built from it).
    pub async fn start_with(db: TestDb, mut config: ServerConfig, clock: Arc<dyn Clock>) -> Self {
        let store = db.store().await;
        let registry = Registry::new(store.clone(), clock, RegistryConfig::default());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        if config.accounts.public_url == skillvet_server::AccountSettings::default().public_url {
            config.accounts.public_url = format!("http://{addr}/").parse().unwrap();
        }
        let state = AppState::new(registry, Arc::new(MemoryLimiter::default()), config);
        let app =
            skillvet_server::router(state).into_make_service_with_connect_info::<SocketAddr>();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self {
            base: format!("http://{addr}"),
            http: skillvet_client::http_client(),
            store,
            _db: db,
        }
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap()
    }

    /// Submits the skill folder `path` of `repo` (at `owner/name`) and runs the pipeline on
    /// it; returns the submission id once it is PUBLISHED.
    pub async fn publish(&self, repo: &TestRepo, owner: &str, name: &str, path: &str) -> Id {
        let id = self.submit(repo, owner, name, path).await;
        let state = self.verify(id).await;
        assert_eq!(state, SubmissionState::Published, "submission {id}");
        id
    }

    /// Submits the skill folder `path` of `repo` (at `owner/name`) at its HEAD commit.
    pub async fn submit(&self, repo: &TestRepo, owner: &str, name: &str, path: &str) -> Id {
        let new = NewSubmission {
            repo: RepoRef {
                owner: owner.into(),
                name: name.into(),
                url: repo.url(),
            },
            skill_path: path.into(),
            skill_name: path.rsplit('/').next().unwrap().into(),
            // The commit to verify, so that a changed skill is verified again.
            requested_ref: Some(repo.git(&["rev-parse", "HEAD"])),
            priority: 0,
            submitter: Actor::user("alice"),
        };
        match self.store.submit(&new, SystemClock.now()).await.unwrap() {
            SubmitOutcome::Created { submission } => submission.id,
            other => panic!("expected a new submission, got {other:?}"),
        }
    }

    /// Runs the real pipeline on submission `id` (what a worker does with its job) and
    /// returns the state it stopped in.
    pub async fn verify(&self, id: Id) -> SubmissionState {
        let config = PipelineConfig {
            fetch: FetchPolicy {
                allow_local: true,
                timeout: Duration::from_secs(60),
                ..FetchPolicy::default()
            },
            ..PipelineConfig::default()
        };
        let pipeline = Pipeline::new(
            self.store.clone(),
            Arc::new(SystemClock),
            config,
            Scanners::default(),
        );
        pipeline.verify(id).await.unwrap()
    }
}

pub const SKILL_MD: &str = "---\nname: md-tables\ndescription: Formats Markdown tables in the current file.\n---\n\n# md-tables\n\nAlign the columns of every table with `scripts/fmt.sh`.\n";

pub const SCRIPT: &str = "#!/usr/bin/env bash\nset -euo pipefail\necho formatted\n";

/// A repository `owner/name` with the benign skill `skills/md-tables` (SKILL.md, an executable
/// script, a reference), committed.
pub fn repo_with_skill(owner: &str, name: &str) -> TestRepo {
    let repo = TestRepo::new(owner, name);
    repo.write("skills/md-tables/SKILL.md", SKILL_MD)
        .executable("skills/md-tables/scripts/fmt.sh", SCRIPT)
        .write(
            "skills/md-tables/references/style.md",
            "Columns are separated by pipes.\n",
        );
    repo.commit("md-tables");
    repo
}
