//! Two `serve` processes on one PostgreSQL and one Redis enforce one rate limit together.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use serde_json::json;
use skillvet_test_db::TestDb;

struct Server(Child, String);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(db: &TestDb, redis_prefix: &str) -> Server {
    let redis = std::env::var("SKILLVET_TEST_REDIS_URL")
        .unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    let mut child = Command::new(env!("CARGO_BIN_EXE_skillvet"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--allow-anonymous-submit",
            "--submit-limit-anonymous",
            "3",
        ])
        .env("SKILLVET_DATABASE_URL", db.url())
        .env("SKILLVET_REDIS_URL", redis)
        .env("SKILLVET_REDIS_PREFIX", redis_prefix)
        .env("SKILLVET_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .expect("starting skillvet serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("serve did not start (is Redis up? see .ci/run): {line:?}"))
        .to_owned();
    Server(child, format!("{addr}/api/v1/submissions"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_share_one_submit_quota_through_redis() {
    let db = TestDb::postgres().await;
    let prefix = format!("skillvet-test:{}:{}:", std::process::id(), line!());
    let a = start(&db, &prefix);
    let b = start(&db, &prefix);
    let http = skillvet_client::http_client();
    let mut statuses = Vec::new();
    for (i, server) in [&a, &b, &a, &b].into_iter().enumerate() {
        let body = json!({"repo_url": "https://github.com/acme/skills", "skill_path": format!("skills/s{i}")});
        let response = http.post(&server.1).json(&body).send().await.unwrap();
        statuses.push(response.status().as_u16());
        if response.status() == 429 {
            assert!(response.headers().contains_key("retry-after"));
            let error: serde_json::Value = response.json().await.unwrap();
            assert_eq!(error["error"]["code"], "rate_limited");
        }
    }
    assert_eq!(statuses, [201, 201, 201, 429]);
}
