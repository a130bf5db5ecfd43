//! Admin queue routes and the scan-agent routes over a real HTTP server on loopback, on
//! SQLite and PostgreSQL.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use skillvet_core::SubmissionState as S;
use skillvet_core::model::{Actor, Role, Transition};
use skillvet_core::queue::{ClaimRequest, Failure, NewJob};
use skillvet_core::store::Store;
use skillvet_core::{Clock, SystemClock};
use skillvet_pipeline::external::{self, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use skillvet_registry::{Registry, RegistryConfig};
use skillvet_server::rate_limit::MemoryLimiter;
use skillvet_server::{AgentSettings, AppState, ServerConfig};
use skillvet_test_db::{TestDb, backend_tests};

const SECRET: &[u8] = b"an agent webhook secret of 32+ bytes";
const URL: &str = "https://github.com/acme/skills";

struct App {
    base: String,
    http: reqwest::Client,
    store: Arc<dyn Store>,
    _db: TestDb,
}

impl App {
    async fn start(db: TestDb, agents: bool) -> Self {
        let store = db.store().await;
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        let registry = Registry::new(store.clone(), clock, RegistryConfig::default());
        let config = ServerConfig {
            agents: AgentSettings {
                webhook_secret: agents.then(|| Arc::from(SECRET)),
                lease: Duration::from_secs(600),
            },
            anonymous_submit: true,
            ..ServerConfig::default()
        };
        let state = AppState::new(registry, Arc::new(MemoryLimiter::default()), config);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app =
            skillvet_server::router(state).into_make_service_with_connect_info::<SocketAddr>();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self {
            base: format!("http://{addr}/api/v1"),
            http: skillvet_client::http_client(),
            store,
            _db: db,
        }
    }

    async fn token(&self, login: &str, role: Role, scopes: &[&str]) -> String {
        let scopes: Vec<String> = scopes.iter().map(|s| s.to_string()).collect();
        skillvet_server::auth::issue_token_with_scopes(
            self.store.as_ref(),
            SystemClock.now(),
            login,
            role,
            "test",
            &scopes,
            None,
        )
        .await
        .unwrap()
        .0
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> (StatusCode, Value) {
        let response = request.send().await.unwrap();
        let status = response.status();
        let bytes = response.bytes().await.unwrap();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap()
        };
        (status, body)
    }

    async fn post(&self, path: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
        let mut request = self.http.post(format!("{}{path}", self.base)).json(&body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        self.send(request).await
    }

    async fn get(&self, path: &str, token: Option<&str>) -> (StatusCode, Value) {
        let mut request = self.http.get(format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        self.send(request).await
    }

    async fn submission(&self) -> i64 {
        let (status, body) = self
            .post(
                "/submissions",
                None,
                json!({ "repo_url": URL, "skill_path": "skills/pdf" }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["submission"]["id"].as_i64().unwrap()
    }
}

fn assert_error(status: StatusCode, body: &Value, expected: StatusCode, code: &str) {
    assert_eq!(status, expected, "{body}");
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{body}"
    );
}

async fn claim_one(store: &Arc<dyn Store>, kind: &str) -> Option<skillvet_core::queue::Claimed> {
    let kinds = [kind.to_owned()];
    store
        .claim(
            &ClaimRequest {
                owner: "test-worker",
                kinds: &kinds,
                limit: 1,
                lease: Duration::from_secs(60),
            },
            SystemClock.now(),
        )
        .await
        .unwrap()
        .pop()
}

async fn admin_routes_need_an_admin_token(db: TestDb) {
    let app = App::start(db, false).await;
    let user = app.token("bob", Role::User, &[]).await;
    for (path, body) in [
        ("/admin/queue/pause", json!({})),
        ("/admin/queue/resume", json!({})),
        ("/admin/jobs/1/requeue", json!({})),
        ("/admin/jobs/1/priority", json!({ "priority": 1 })),
    ] {
        let (status, body_out) = app.post(path, None, body.clone()).await;
        assert_error(status, &body_out, StatusCode::UNAUTHORIZED, "unauthorized");
        let (status, body_out) = app.post(path, Some(&user), body).await;
        assert_error(status, &body_out, StatusCode::FORBIDDEN, "forbidden");
    }
    for path in ["/admin/queue", "/admin/jobs", "/admin/jobs/1"] {
        let (status, body) = app.get(path, None).await;
        assert_error(status, &body, StatusCode::UNAUTHORIZED, "unauthorized");
        let (status, body) = app.get(path, Some(&user)).await;
        assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    }
    let (status, body) = app.get("/admin/queue", Some("svt_not-a-real-token")).await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "unauthorized");
}

async fn pause_resume_and_counts(db: TestDb) {
    let app = App::start(db, false).await;
    let admin = app.token("root", Role::Admin, &[]).await;
    let id = app.submission().await;

    let (status, queue) = app.get("/admin/queue", Some(&admin)).await;
    assert_eq!(status, StatusCode::OK, "{queue}");
    assert_eq!(queue["paused"], false);
    assert_eq!(queue["totals"]["queued"], 1);
    assert_eq!(queue["totals"]["dead"], 0);
    assert_eq!(
        queue["counts"],
        json!([{ "kind": "verify_submission", "state": "queued", "count": 1 }])
    );

    let (status, paused) = app
        .post(
            "/admin/queue/pause",
            Some(&admin),
            json!({ "reason": "database maintenance" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{paused}");
    assert_eq!(paused["paused"]["actor"]["id"], "root");
    assert!(
        claim_one(&app.store, "verify_submission").await.is_none(),
        "a paused queue hands out nothing"
    );
    let (_, queue) = app.get("/admin/queue", Some(&admin)).await;
    assert_eq!(queue["paused"], true);
    assert_eq!(queue["pauses"][0]["reason"], "database maintenance");
    let (_, detail) = app.get(&format!("/submissions/{id}"), None).await;
    assert_eq!(detail["queue"]["verification"]["state"], "queued");
    assert_eq!(detail["queue"]["verification"]["paused"], true);

    let (status, body) = app
        .post(
            "/admin/queue/pause",
            Some(&admin),
            json!({ "kind": "nope" }),
        )
        .await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_request",
    );
    let (status, body) = app
        .post("/admin/queue/pause", Some(&admin), json!({ "kinds": [] }))
        .await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_request",
    );

    let (status, body) = app
        .post("/admin/queue/resume", Some(&admin), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["resumed"], true);
    let (status, body) = app
        .post("/admin/queue/resume", Some(&admin), json!({}))
        .await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");

    // Pausing one kind leaves the others running.
    app.post(
        "/admin/queue/pause",
        Some(&admin),
        json!({ "kind": "external_scan" }),
    )
    .await;
    let claimed = claim_one(&app.store, "verify_submission")
        .await
        .expect("other kinds still run");
    assert_eq!(claimed.job.payload["submission_id"], id);
    let (_, queue) = app.get("/admin/queue", Some(&admin)).await;
    assert_eq!(queue["paused"], false);
    assert_eq!(queue["totals"]["running"], 1);
    let (_, detail) = app.get(&format!("/submissions/{id}"), None).await;
    assert_eq!(detail["queue"]["verification"]["state"], "running");
    assert_eq!(detail["queue"]["verification"]["attempts"], 1);
    let (status, body) = app
        .post(
            "/admin/queue/resume",
            Some(&admin),
            json!({ "kind": "external_scan" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

async fn requeue_reprioritise_and_list(db: TestDb) {
    let app = App::start(db, false).await;
    let admin = app.token("root", Role::Admin, &[]).await;
    let store = &app.store;
    let now = SystemClock.now();

    // A dead job of a kind without a submission: requeued in place, with more attempts.
    let job = store
        .enqueue(
            &NewJob::new(skillvet_pipeline::RESCAN_JOB, json!({})).max_attempts(1),
            now,
        )
        .await
        .unwrap()
        .id();
    let claimed = claim_one(store, skillvet_pipeline::RESCAN_JOB)
        .await
        .unwrap();
    let (status, body) = app
        .post(
            &format!("/admin/jobs/{job}/requeue"),
            Some(&admin),
            json!({}),
        )
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "conflict");
    store
        .fail(&claimed.lease, "boom", Failure::Exhausted, now)
        .await
        .unwrap();
    let (status, dead) = app.get("/admin/jobs?state=dead", Some(&admin)).await;
    assert_eq!(status, StatusCode::OK, "{dead}");
    assert_eq!(dead["items"][0]["id"], job);
    assert_eq!(dead["items"][0]["last_error"], "boom");
    let (status, body) = app.get("/admin/jobs?state=zombie", Some(&admin)).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid_query");
    let (status, body) = app
        .post(
            &format!("/admin/jobs/{job}/requeue"),
            Some(&admin),
            json!({ "extra_attempts": 0 }),
        )
        .await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_request",
    );
    let (status, body) = app
        .post(
            &format!("/admin/jobs/{job}/requeue"),
            Some(&admin),
            json!({ "extra_attempts": 2 }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["job"]["state"], "queued");
    assert_eq!(body["job"]["attempts"], 1);
    assert_eq!(body["job"]["max_attempts"], 3);
    let (status, body) = app
        .post("/admin/jobs/999999/requeue", Some(&admin), json!({}))
        .await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");

    // Reprioritise a queued job; a finished one cannot be.
    let (status, body) = app
        .post(
            &format!("/admin/jobs/{job}/priority"),
            Some(&admin),
            json!({ "priority": 50 }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["job"]["priority"], 50);
    let (status, body) = app
        .post(
            &format!("/admin/jobs/{job}/priority"),
            Some(&admin),
            json!({ "priority": 1_000_000 }),
        )
        .await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_request",
    );
    let (status, body) = app
        .post(
            &format!("/admin/jobs/{job}/priority"),
            Some(&admin),
            json!({ "priority": "high" }),
        )
        .await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_request",
    );
    let claimed = claim_one(store, skillvet_pipeline::RESCAN_JOB)
        .await
        .unwrap();
    store.complete(&claimed.lease, now).await.unwrap();
    let (status, body) = app
        .post(
            &format!("/admin/jobs/{job}/priority"),
            Some(&admin),
            json!({ "priority": 1 }),
        )
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "conflict");

    // A dead verification whose submission was given up (ERRORED) restarts as a rescan.
    let id = app.submission().await;
    let claimed = claim_one(store, skillvet_pipeline::VERIFY_JOB)
        .await
        .unwrap();
    store
        .transition(
            id,
            &Transition {
                from: S::Received,
                to: S::Errored,
                trigger: "pipeline_gave_up".into(),
                actor: Actor::system("pipeline"),
                reason: Some("git kept failing".into()),
                metadata: json!({}),
                commit_sha: None,
            },
            now,
        )
        .await
        .unwrap();
    store
        .fail(&claimed.lease, "git kept failing", Failure::Exhausted, now)
        .await
        .unwrap();
    let (_, detail) = app.get(&format!("/submissions/{id}"), None).await;
    assert_eq!(detail["queue"]["verification"]["state"], "dead");
    assert_eq!(
        detail["queue"]["verification"]["last_error"],
        "git kept failing"
    );
    let dead_job = claimed.job.id;
    let (status, body) = app
        .post(
            &format!("/admin/jobs/{dead_job}/requeue"),
            Some(&admin),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["submission"]["state"], "RESCAN_REQUIRED");
    assert_eq!(body["previous_job_id"], dead_job);
    assert_eq!(body["job"]["state"], "queued");
    assert_ne!(body["job"]["id"], dead_job);
    let (_, detail) = app.get(&format!("/submissions/{id}"), None).await;
    assert_eq!(detail["submission"]["state"], "RESCAN_REQUIRED");
    assert_eq!(detail["queue"]["verification"]["state"], "queued");
    let last = detail["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["trigger"], "job.requeue");
    assert_eq!(last["actor"]["id"], "root");

    // Pages of jobs.
    let (_, first) = app.get("/admin/jobs?limit=1", Some(&admin)).await;
    assert_eq!(first["items"].as_array().unwrap().len(), 1);
    let cursor = first["next_cursor"].as_i64().expect("more jobs");
    let (_, second) = app
        .get(
            &format!("/admin/jobs?limit=1&cursor={cursor}"),
            Some(&admin),
        )
        .await;
    assert!(second["items"][0]["id"].as_i64().unwrap() < cursor);
    let (status, one) = app.get(&format!("/admin/jobs/{job}"), Some(&admin)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(one["job"]["state"], "succeeded");
}

fn signed(
    app: &App,
    token: &str,
    body: &[u8],
    timestamp: i64,
    secret: &[u8],
) -> reqwest::RequestBuilder {
    app.http
        .post(format!("{}/agents/results", app.base))
        .bearer_auth(token)
        .header(TIMESTAMP_HEADER, timestamp.to_string())
        .header(SIGNATURE_HEADER, external::sign(secret, timestamp, body))
        .header("content-type", "application/json")
        .body(body.to_vec())
}

async fn agents_claim_and_report_signed_results(db: TestDb) {
    let app = App::start(db, true).await;
    let agent = app.token("agent-1", Role::User, &["scan-agent"]).await;
    let user = app.token("bob", Role::User, &[]).await;
    let (status, body) = app.post("/agents/claim", None, json!({})).await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "unauthorized");
    let (status, body) = app.post("/agents/claim", Some(&user), json!({})).await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    let (status, body) = app.post("/agents/claim", Some(&agent), json!({})).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");

    let id = app.submission().await;
    let sub = app.store.submission(id).await.unwrap().unwrap();
    let job = external::external_scan_job(&sub, 1, "acme/skills/pdf", &"a".repeat(40));
    app.store.enqueue(&job, SystemClock.now()).await.unwrap();
    let (status, claimed) = app.post("/agents/claim", Some(&agent), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{claimed}");
    let assignment = &claimed["assignment"];
    assert_eq!(assignment["submission_id"], id);
    assert_eq!(assignment["repo_url"], URL);
    assert_eq!(assignment["skill_path"], "skills/pdf");
    assert_eq!(assignment["attempt"], 1);
    let (status, _) = app.post("/agents/claim", Some(&agent), json!({})).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "claimed once");
    let (_, detail) = app.get(&format!("/submissions/{id}"), None).await;
    assert_eq!(
        detail["queue"]["external_scan"]["status"],
        json!({ "status": "RUNNING", "agent": "agent-1" })
    );

    let report = json!({
        "job_id": assignment["job_id"],
        "attempt": 1,
        "tools": [
            { "tool": "semgrep", "version": "", "status": "not_available", "message": "`semgrep` was not found on PATH" },
            { "tool": "gitleaks", "version": "8.18.0", "status": "ran", "findings": [] }
        ]
    });
    let body = serde_json::to_vec(&report).unwrap();
    let now = SystemClock.now().timestamp();

    let (status, out) = app
        .send(signed(
            &app,
            &agent,
            &body,
            now,
            b"the wrong secret, 32 bytes long!",
        ))
        .await;
    assert_error(status, &out, StatusCode::UNAUTHORIZED, "bad_signature");
    let (status, out) = app
        .send(signed(&app, &agent, &body, now - 3600, SECRET))
        .await;
    assert_error(status, &out, StatusCode::UNAUTHORIZED, "stale_timestamp");
    let (status, out) = app
        .send(
            app.http
                .post(format!("{}/agents/results", app.base))
                .bearer_auth(&agent)
                .body(body.clone()),
        )
        .await;
    assert_error(status, &out, StatusCode::UNAUTHORIZED, "bad_signature");
    let tampered =
        serde_json::to_vec(&json!({ "job_id": assignment["job_id"], "attempt": 1, "tools": [] }))
            .unwrap();
    let (status, out) = app
        .send(signed(&app, &agent, &body, now, SECRET).body(tampered))
        .await;
    assert_error(status, &out, StatusCode::UNAUTHORIZED, "bad_signature");
    let (status, out) = app.send(signed(&app, &user, &body, now, SECRET)).await;
    assert_error(status, &out, StatusCode::FORBIDDEN, "forbidden");
    let junk = b"{\"job_id\": 1}";
    let (status, out) = app.send(signed(&app, &agent, junk, now, SECRET)).await;
    assert_error(
        status,
        &out,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_request",
    );

    let (status, out) = app.send(signed(&app, &agent, &body, now, SECRET)).await;
    assert_eq!(status, StatusCode::OK, "{out}");
    assert_eq!(out["blocked"], false);
    assert_eq!(out["scan_result_ids"].as_array().unwrap().len(), 1);
    assert_eq!(out["not_run"][0]["tool"], "semgrep");
    assert_eq!(out["not_run"][0]["status"], "not_available");
    // The same signed request again (inside the time window) finds the job done.
    let (status, out) = app.send(signed(&app, &agent, &body, now, SECRET)).await;
    assert_error(status, &out, StatusCode::CONFLICT, "not_assigned");

    let (_, detail) = app.get(&format!("/submissions/{id}"), None).await;
    let external_scan = &detail["queue"]["external_scan"];
    assert_eq!(external_scan["status"]["status"], "COMPLETED");
    assert_eq!(external_scan["tools"], json!(["external:gitleaks"]));
    let tier3: Vec<&Value> = detail["scan_results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["tier"] == 3)
        .collect();
    assert_eq!(tier3.len(), 1, "stored once despite the replay");

    // A confirmed critical finding blocks the skill, with the finding as the reason.
    let job = external::external_scan_job(&sub, 2, "acme/skills/pdf", &"a".repeat(40));
    app.store.enqueue(&job, SystemClock.now()).await.unwrap();
    let (_, claimed) = app.post("/agents/claim", Some(&agent), json!({})).await;
    let report = json!({
        "job_id": claimed["assignment"]["job_id"],
        "attempt": claimed["assignment"]["attempt"],
        "tools": [{ "tool": "semgrep", "version": "1.90.0", "status": "ran", "findings": [{
            "rule_id": "SV-EXT-SEMGREP-exfil", "category": "sast", "severity": "critical",
            "confidence": "high", "file": "scripts/run.py", "line": 7,
            "message": "sends ~/.ssh to a remote host", "evidence": "requests.post(…)"
        }]}]
    });
    let body = serde_json::to_vec(&report).unwrap();
    let (status, out) = app
        .send(signed(
            &app,
            &agent,
            &body,
            SystemClock.now().timestamp(),
            SECRET,
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{out}");
    assert_eq!(out["blocked"], true);
    let (_, detail) = app.get(&format!("/submissions/{id}"), None).await;
    assert_eq!(detail["submission"]["state"], "BLOCKED");
    assert_eq!(
        detail["submission"]["state_reason"],
        "external scan (semgrep): SV-EXT-SEMGREP-exfil at scripts/run.py:7: sends ~/.ssh to a remote host"
    );
}

async fn agent_routes_are_off_without_a_secret(db: TestDb) {
    let app = App::start(db, false).await;
    let agent = app.token("agent-1", Role::User, &["scan-agent"]).await;
    let (status, body) = app.post("/agents/claim", Some(&agent), json!({})).await;
    assert_error(
        status,
        &body,
        StatusCode::SERVICE_UNAVAILABLE,
        "agents_disabled",
    );
}

backend_tests!(
    admin_routes_need_an_admin_token,
    pause_resume_and_counts,
    requeue_reprioritise_and_list,
    agents_claim_and_report_signed_results,
    agent_routes_are_off_without_a_secret,
);
