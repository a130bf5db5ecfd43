//! The real binary on loopback, on SQLite and PostgreSQL: `serve` with in-process workers,
//! `serve --no-workers` with a separate `worker`, and `scan-agent` reporting external scans.
//! Submissions go through POST /api/v1/submissions for a real git repository on disk.

mod support;

use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use skillvet_test_db::{TestDb, backend_tests};
use skillvet_test_repo::TestRepo;
use support::{Proc, create_token, serve};

const SECRET: &str = "0123456789abcdef0123456789abcdef-test-secret";

fn fixture() -> TestRepo {
    let repo = TestRepo::new("acme", "skills");
    repo.skill(
        "skills/tables",
        "Formats Markdown tables in the current file.",
    );
    repo.commit("add tables");
    repo
}

async fn submit(http: &reqwest::Client, base: &str, repo: &TestRepo) -> i64 {
    let response = http
        .post(format!("{base}/api/v1/submissions"))
        .json(&json!({ "repo_url": repo.url(), "skill_path": "skills/tables" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::CREATED);
    let body: Value = response.json().await.unwrap();
    body["submission"]["id"].as_i64().unwrap()
}

/// Polls the submission until `done` holds for its JSON (or fails after a minute).
async fn wait_for(
    http: &reqwest::Client,
    base: &str,
    id: i64,
    what: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let body: Value = http
            .get(format!("{base}/api/v1/submissions/{id}"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if done(&body) {
            return body;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}: {body:#}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn terminal(body: &Value) -> bool {
    matches!(
        body["submission"]["state"].as_str(),
        Some("PUBLISHED" | "REJECTED" | "BLOCKED" | "ERRORED" | "NEEDS_REVIEW")
    )
}

async fn serve_runs_workers_in_process(db: TestDb) {
    let repo = fixture();
    let (server, base) = serve(&db, &["--workers", "2"]);
    let http = skillvet_client::http_client();
    let id = submit(&http, &base, &repo).await;
    // The job is marked succeeded just after the decision it made is committed.
    let done = wait_for(&http, &base, id, "a decision and its job", |b| {
        terminal(b) && b["queue"]["verification"]["state"] == "succeeded"
    })
    .await;
    assert_eq!(done["submission"]["state"], "PUBLISHED", "{done:#}");
    assert_eq!(done["submission"]["run"], 1);
    let verification = &done["queue"]["verification"];
    assert_eq!(verification["state"], "succeeded", "{done:#}");
    assert_eq!(verification["attempts"], 1);
    assert_eq!(verification["kind"], "verify_submission");
    assert!(
        verification.get("lease_owner").is_none(),
        "worker identities stay internal"
    );
    assert_eq!(done["queue"]["external_scan"], Value::Null);
    let tiers: Vec<i64> = done["scan_results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["tier"].as_i64().unwrap())
        .collect();
    assert!(tiers.contains(&1) && tiers.contains(&2), "{tiers:?}");
    server.terminate();
}

async fn separate_worker_process_verifies_what_serve_accepts(db: TestDb) {
    let repo = fixture();
    let (server, base) = serve(&db, &["--no-workers"]);
    let http = skillvet_client::http_client();
    let id = submit(&http, &base, &repo).await;
    // Nobody works on it yet.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let waiting = wait_for(&http, &base, id, "the submission", |_| true).await;
    assert_eq!(waiting["submission"]["state"], "RECEIVED");
    assert_eq!(waiting["queue"]["verification"]["state"], "queued");
    assert_eq!(waiting["queue"]["verification"]["attempts"], 0);

    let mut worker = Proc::start(
        "worker",
        &[
            "worker",
            "--database-url",
            db.url(),
            "--workers",
            "1",
            "--allow-local-repos",
        ],
    );
    worker.wait_line("worker running");
    let done = wait_for(&http, &base, id, "a decision", terminal).await;
    assert_eq!(done["submission"]["state"], "PUBLISHED", "{done:#}");
    worker.terminate();
    server.terminate();
}

async fn workers_refuse_local_repositories_without_the_operator_flag(db: TestDb) {
    let repo = fixture();
    // The API accepts the file:// URL (its own flag), but the worker fetches https only.
    let (server, base) = serve(&db, &["--no-workers"]);
    let http = skillvet_client::http_client();
    let id = submit(&http, &base, &repo).await;
    let mut worker = Proc::start("worker", &["worker", "--database-url", db.url()]);
    worker.wait_line("worker running");
    let done = wait_for(&http, &base, id, "a decision", terminal).await;
    assert_eq!(done["submission"]["state"], "REJECTED", "{done:#}");
    let reason = done["submission"]["state_reason"].as_str().unwrap();
    assert!(reason.contains("not accepted"), "{reason}");
    worker.terminate();
    server.terminate();
}

async fn scan_agent_reports_external_scans_over_http(db: TestDb) {
    let repo = fixture();
    let token = create_token(&db, "agent-1", &["--scope", "scan-agent"]);
    let (server, base) = serve(
        &db,
        &[
            "--external-scans",
            "--agent-webhook-secret",
            SECRET,
            "--workers",
            "1",
        ],
    );
    let http = skillvet_client::http_client();
    let id = submit(&http, &base, &repo).await;
    let published = wait_for(&http, &base, id, "publication", terminal).await;
    assert_eq!(
        published["submission"]["state"], "PUBLISHED",
        "{published:#}"
    );
    assert_eq!(
        published["queue"]["external_scan"]["status"]["status"], "PENDING",
        "enqueued with the publication: {published:#}"
    );

    let mut agent = Proc::start(
        "scan-agent",
        &[
            "scan-agent",
            "--server",
            &base,
            "--token",
            &token,
            "--webhook-secret",
            SECRET,
            "--allow-local-repos",
            "--poll-secs",
            "1",
        ],
    );
    agent.wait_line("scan agent running");
    let done = wait_for(&http, &base, id, "the external scan", |b| {
        b["queue"]["external_scan"]["status"]["status"] == "COMPLETED"
    })
    .await;
    let external = &done["queue"]["external_scan"];
    assert_eq!(external["state"], "succeeded");
    assert_eq!(external["attempts"], 1);
    // Whatever is installed here ran and was stored; with nothing installed the status says
    // so instead of claiming a clean scan.
    let stored: Vec<&str> = done["scan_results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["tier"] == 3)
        .map(|r| r["scanner"].as_str().unwrap())
        .collect();
    assert_eq!(
        external["tools"].as_array().unwrap().len(),
        stored.len(),
        "{done:#}"
    );
    if stored.is_empty() {
        assert!(
            external["note"]
                .as_str()
                .is_some_and(|n| n.contains("no external scanner")),
            "{done:#}"
        );
    }
    assert_eq!(done["submission"]["state"], "PUBLISHED");
    agent.terminate();
    server.terminate();
}

backend_tests!(
    serve_runs_workers_in_process,
    separate_worker_process_verifies_what_serve_accepts,
    workers_refuse_local_repositories_without_the_operator_flag,
    scan_agent_reports_external_scans_over_http,
);

/// An agent the server refuses (agent routes off, wrong token) stops with the reason instead
/// of retrying forever.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_scan_agent_stops_with_the_reason() {
    let db = TestDb::sqlite().await;
    let token = create_token(&db, "agent-1", &["--scope", "scan-agent"]);
    let (server, base) = serve(&db, &["--no-workers"]);
    for (token, expected) in [
        (token.as_str(), "not enabled on this server"),
        ("svt_0000", "unknown, revoked or expired"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_skillvet"))
            .args(["scan-agent", "--server", &base, "--token", token])
            .env("SKILLVET_AGENT_WEBHOOK_SECRET", SECRET)
            .output()
            .unwrap();
        assert!(!out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(expected), "{stderr}");
    }
    server.terminate();
}
