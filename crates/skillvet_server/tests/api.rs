//! The JSON API over a real HTTP server on loopback, on SQLite and PostgreSQL.

use std::net::SocketAddr;
use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::{Value, json};
use skillvet_core::model::Role;
use skillvet_core::{Clock, SystemClock};
use skillvet_registry::{Registry, RegistryConfig};
use skillvet_server::rate_limit::{MemoryLimiter, Quota};
use skillvet_server::{AppState, RateLimits, ServerConfig};
use skillvet_test_db::{TestDb, backend_tests};
use skillvet_test_repo::TestRepo;

struct App {
    base: String,
    http: reqwest::Client,
    registry_store: Arc<dyn skillvet_core::store::Store>,
    _db: TestDb,
}

impl App {
    async fn start(db: TestDb) -> Self {
        // These tests are about the private-deployment mode; sign-in has its own test.
        let config = ServerConfig {
            anonymous_submit: true,
            ..ServerConfig::default()
        };
        Self::with_config(db, config).await
    }

    async fn with_config(db: TestDb, config: ServerConfig) -> Self {
        let store = db.store().await;
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        let mut registry_config = RegistryConfig::default();
        registry_config.fetch.allow_local = true;
        let registry = Registry::new(store.clone(), clock, registry_config);
        let state = AppState::new(registry, Arc::new(MemoryLimiter::default()), config);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app =
            skillvet_server::router(state).into_make_service_with_connect_info::<SocketAddr>();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self {
            base: format!("http://{addr}/api/v1"),
            http: skillvet_client::http_client(),
            registry_store: store,
            _db: db,
        }
    }

    async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        (status, response.json().await.unwrap())
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        let status = response.status();
        (status, response.json().await.unwrap())
    }
}

const URL: &str = "https://github.com/acme/skills";

fn generous() -> ServerConfig {
    ServerConfig {
        rate_limits: RateLimits {
            submit_anonymous: Quota::per_hour(10_000),
            submit_authenticated: Quota::per_hour(10_000),
            discover: Quota::per_hour(10_000),
            ..RateLimits::default()
        },
        anonymous_submit: true,
        ..Default::default()
    }
}

fn assert_error(body: &Value, code: &str) {
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{body}"
    );
}

async fn submit_then_duplicate_then_read_back(db: TestDb) {
    let app = App::start(db).await;
    let (status, created) = app
        .post(
            "/submissions",
            json!({ "repo_url": URL, "skill_path": "skills/pdf" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["status"], "created");
    assert_eq!(created["duplicate"], false);
    let id = created["submission"]["id"].as_i64().unwrap();
    assert_eq!(created["submission"]["state"], "RECEIVED");
    assert_eq!(created["submission"]["skill_name"], "pdf");

    let (status, again) = app.post("/submissions", json!({ "repo_url": "https://github.com/ACME/skills.git/", "skill_path": "./skills/pdf/" })).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["duplicate"], true);
    assert_eq!(again["submission"]["id"], id);

    let (status, detail) = app.get(&format!("/submissions/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(detail["submission"]["id"], id);
    assert_eq!(detail["events"].as_array().unwrap().len(), 1);
    assert_eq!(detail["events"][0]["to_state"], "RECEIVED");
    assert_eq!(detail["scan_results"], json!([]));

    let (_, stats) = app.get("/submissions/stats").await;
    assert_eq!(stats["total"], 1);
    assert_eq!(stats["by_state"]["RECEIVED"], 1);
    assert_eq!(stats["by_state"]["PUBLISHED"], 0);

    let (status, missing) = app.get("/submissions/999999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_error(&missing, "not_found");
}

async fn bulk_submission_reports_each_skill(db: TestDb) {
    let app = App::with_config(db, generous()).await;
    app.post(
        "/submissions",
        json!({ "repo_url": URL, "skill_path": "skills/s0002" }),
    )
    .await;
    let mut paths: Vec<Value> = (0..998).map(|i| json!(format!("skills/s{i:04}"))).collect();
    paths.push(json!("../escape"));
    paths.push(json!("skills/s0000"));
    let (status, body) = app
        .post(
            "/submissions/bulk",
            json!({ "repo_url": URL, "skill_paths": paths }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["items"].as_array().unwrap().len(), 1000);
    assert_eq!(body["created"], 997);
    assert_eq!(body["duplicate"], 2);
    assert_eq!(body["invalid"], 1);
    assert_eq!(body["items"][998]["status"], "invalid");
    assert!(body["items"][998]["error"].as_str().unwrap().contains(".."));
    assert_eq!(body["items"][2]["status"], "duplicate");
    let (_, stats) = app.get("/submissions/stats").await;
    assert_eq!(stats["total"], 998);

    let too_many: Vec<Value> = (0..1001).map(|i| json!(format!("x/{i}"))).collect();
    let (status, body) = app
        .post(
            "/submissions/bulk",
            json!({ "repo_url": URL, "skill_paths": too_many }),
        )
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_error(&body, "too_many_items");
    let (status, body) = app
        .post(
            "/submissions/bulk",
            json!({ "repo_url": URL, "skill_paths": [] }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_error(&body, "invalid_request");
    let (_, stats) = app.get("/submissions/stats").await;
    assert_eq!(stats["total"], 998, "refused batches store nothing");
}

async fn bad_input_gets_json_errors(db: TestDb) {
    let app = App::start(db).await;
    for (body, code) in [
        (
            json!({ "repo_url": "http://github.com/acme/skills", "skill_path": "x" }),
            "invalid_request",
        ),
        (
            json!({ "repo_url": "https://user:pw@github.com/acme/skills", "skill_path": "x" }),
            "invalid_request",
        ),
        (json!({ "repo_url": URL }), "invalid_request"),
        (
            json!({ "repo_url": URL, "skill_path": "/etc" }),
            "invalid_request",
        ),
        (
            json!({ "repo_url": URL, "skill_path": "x", "extra": 1 }),
            "invalid_request",
        ),
        (json!({ "skill_path": "x" }), "invalid_request"),
        (
            json!({ "repo_url": URL, "skill_path": "x", "ref": "--upload-pack=evil" }),
            "invalid_request",
        ),
    ] {
        let (status, response) = app.post("/submissions", body.clone()).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body} -> {response}"
        );
        assert_error(&response, code);
    }
    let raw = app
        .http
        .post(format!("{}/submissions", app.base))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), StatusCode::BAD_REQUEST);
    assert_error(&raw.json().await.unwrap(), "invalid_json");
    let raw = app
        .http
        .post(format!("{}/submissions", app.base))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let (status, body) = app.get("/submissions/abc").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error(&body, "invalid_path");
    let (status, body) = app.get("/submissions?state=NOPE").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error(&body, "invalid_query");
    let (status, body) = app.get("/submissions?limit=100000").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error(&body, "invalid_query");
    let (status, body) = app.get("/nothing/here").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_error(&body, "not_found");
    let response = app
        .http
        .delete(format!("{}/submissions/stats", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_error(&response.json().await.unwrap(), "method_not_allowed");
    // Announce a 2 MiB body and send none of it: the limit must answer from the headers
    // alone (a client still uploading would race the server closing the connection).
    let addr = app
        .base
        .trim_start_matches("http://")
        .trim_end_matches("/api/v1");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /api/v1/submissions HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        2 * 1024 * 1024
    );
    tokio::io::AsyncWriteExt::write_all(&mut stream, head.as_bytes())
        .await
        .unwrap();
    let mut response = String::new();
    tokio::time::timeout(
        std::time::Duration::from_secs(10),
        tokio::io::AsyncReadExt::read_to_string(&mut stream, &mut response),
    )
    .await
    .expect("the body limit answers before the body is sent")
    .unwrap();
    assert!(response.starts_with("HTTP/1.1 413"), "{response}");
    assert!(
        response.contains(r#""code":"payload_too_large""#),
        "{response}"
    );
    let (_, stats) = app.get("/submissions/stats").await;
    assert_eq!(stats["total"], 0);
}

async fn anonymous_submissions_are_rate_limited_per_ip(db: TestDb) {
    let config = ServerConfig {
        rate_limits: RateLimits {
            submit_anonymous: Quota::per_hour(3),
            submit_authenticated: Quota::per_hour(5),
            discover: Quota::per_hour(20),
            ..RateLimits::default()
        },
        anonymous_submit: true,
        ..Default::default()
    };
    let app = App::with_config(db, config).await;
    for i in 0..3 {
        let response = app
            .http
            .post(format!("{}/submissions", app.base))
            .header("x-forwarded-for", format!("203.0.113.{i}"))
            .json(&json!({ "repo_url": URL, "skill_path": format!("s{i}") }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        assert_eq!(response.headers()["ratelimit-limit"], "3");
        assert_eq!(
            response.headers()["ratelimit-remaining"],
            (2 - i).to_string().as_str()
        );
    }
    // X-Forwarded-For from an untrusted peer changes nothing: still the same client.
    let response = app
        .http
        .post(format!("{}/submissions", app.base))
        .header("x-forwarded-for", "198.51.100.1")
        .json(&json!({ "repo_url": URL, "skill_path": "s9" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=1200).contains(&retry), "{retry}");
    assert_eq!(response.headers()["ratelimit-remaining"], "0");
    assert_error(&response.json().await.unwrap(), "rate_limited");

    // An authenticated user has its own, larger quota.
    let now = SystemClock.now();
    let (token, _) = skillvet_server::auth::issue_token(
        app.registry_store.as_ref(),
        now,
        "alice",
        Role::User,
        "t",
        None,
    )
    .await
    .unwrap();
    let response = app
        .http
        .post(format!("{}/submissions", app.base))
        .bearer_auth(&token)
        .json(&json!({ "repo_url": URL, "skill_path": "s10" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(response.headers()["ratelimit-limit"], "5");
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["submission"]["submitter"],
        json!({ "kind": "user", "id": "alice" })
    );

    let response = app
        .http
        .post(format!("{}/submissions", app.base))
        .bearer_auth("svt_not-a-real-token")
        .json(&json!({ "repo_url": URL, "skill_path": "s11" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_error(&response.json().await.unwrap(), "unauthorized");
}

async fn listing_pages_and_filters(db: TestDb) {
    let app = App::with_config(db, generous()).await;
    let paths: Vec<String> = (0..7).map(|i| format!("skills/s{i}")).collect();
    app.post(
        "/submissions/bulk",
        json!({ "repo_url": URL, "skill_paths": paths }),
    )
    .await;
    app.post(
        "/submissions",
        json!({ "repo_url": "https://github.com/other/repo", "skill_path": "x" }),
    )
    .await;
    let mut seen = 0;
    let mut cursor: Option<i64> = None;
    loop {
        let query = match cursor {
            Some(c) => format!("/submissions?repo=acme/skills&limit=3&cursor={c}"),
            None => "/submissions?repo=acme/skills&limit=3".into(),
        };
        let (status, page) = app.get(&query).await;
        assert_eq!(status, StatusCode::OK);
        seen += page["items"].as_array().unwrap().len();
        match page["next_cursor"].as_i64() {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(seen, 7);
    let (_, page) = app.get("/submissions?state=received&limit=200").await;
    assert_eq!(page["items"].as_array().unwrap().len(), 8);
}

async fn discovery_lists_the_skills_of_a_repository(db: TestDb) {
    let app = App::with_config(db, generous()).await;
    let repo = TestRepo::new("acme", "toolbox");
    repo.skill("skills/pdf", "Formats PDF files")
        .skill("skills/csv", "Reads CSV files")
        .write(
            "skills/broken/SKILL.md",
            "---\nname: Not Valid\n---\nbody\n",
        );
    let sha = repo.commit("skills");
    let (status, first) = app
        .post("/submissions/discover", json!({ "repo_url": repo.url() }))
        .await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(first["commit_sha"], sha);
    let skills = first["skills"].as_array().unwrap();
    let paths: Vec<&str> = skills.iter().map(|s| s["path"].as_str().unwrap()).collect();
    assert_eq!(paths, vec!["skills/broken", "skills/csv", "skills/pdf"]);
    assert!(skills.iter().all(|s| s["status"] == "new"));
    assert_eq!(skills[0]["valid"], false);
    assert!(!skills[0]["errors"].as_array().unwrap().is_empty());
    assert_eq!(skills[2]["name"], "pdf");
    assert_eq!(skills[2]["description"], "Formats PDF files");

    let (status, _) = app
        .post(
            "/submissions",
            json!({ "repo_url": repo.url(), "skill_name": "pdf" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, second) = app
        .post("/submissions/discover", json!({ "repo_url": repo.url() }))
        .await;
    assert_eq!(second["skills"][2]["status"], "pending");
    assert_eq!(second["skills"][1]["status"], "new");

    let (status, body) = app
        .post(
            "/submissions",
            json!({ "repo_url": repo.url(), "skill_name": "nope" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no skill named"),
        "{body}"
    );

    let (status, history) = app.get("/packages/acme/toolbox/pdf/history").await;
    assert_eq!(status, StatusCode::OK, "{history}");
    assert_eq!(history["items"].as_array().unwrap().len(), 1);
    assert_eq!(history["skill"], Value::Null);
    let (status, latest) = app.get("/packages/acme/toolbox/pdf/latest").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(latest["latest"]["submission"]["skill_path"], "skills/pdf");
    let (status, repo_skills) = app.get("/repositories/acme/toolbox/skills").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(repo_skills["paths"][0]["status"], "pending");
    let (status, _) = app.get("/packages/acme/toolbox/nope/history").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, body) = app
        .post(
            "/submissions/discover",
            json!({ "repo_url": format!("{}-missing", repo.url()) }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_error(&body, "repository_unavailable");
}

async fn submitting_needs_sign_in_unless_the_operator_allows_anonymous(db: TestDb) {
    let app = App::with_config(db, ServerConfig::default()).await;
    for (path, body) in [
        (
            "/submissions",
            json!({ "repo_url": URL, "skill_path": "a" }),
        ),
        (
            "/submissions/bulk",
            json!({ "repo_url": URL, "skill_paths": ["a"] }),
        ),
    ] {
        let response = app
            .http
            .post(format!("{}{path}", app.base))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{path}");
        let error: Value = response.json().await.unwrap();
        assert_error(&error, "unauthorized");
        assert!(
            error["error"]["message"]
                .as_str()
                .unwrap()
                .contains("sign in")
        );
    }
    let (_, stats) = app.get("/submissions/stats").await;
    assert_eq!(stats["total"], 0, "nothing stored");
    let (token, _) = skillvet_server::auth::issue_token(
        app.registry_store.as_ref(),
        SystemClock.now(),
        "alice",
        Role::User,
        "t",
        None,
    )
    .await
    .unwrap();
    let response = app
        .http
        .post(format!("{}/submissions", app.base))
        .bearer_auth(&token)
        .json(&json!({ "repo_url": URL, "skill_path": "a" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
}

backend_tests!(
    submitting_needs_sign_in_unless_the_operator_allows_anonymous,
    submit_then_duplicate_then_read_back,
    bulk_submission_reports_each_skill,
    bad_input_gets_json_errors,
    anonymous_submissions_are_rate_limited_per_ip,
    listing_pages_and_filters,
    discovery_lists_the_skills_of_a_repository,
);
