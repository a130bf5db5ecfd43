//! SIGKILL of `skillvet serve` during a bulk submit of 1,000 skills leaves all or none of the
//! batch, on SQLite and PostgreSQL; a batch that was acknowledged is always all there.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use serde_json::json;
use skillvet_test_db::{TestDb, backend_tests};

const BATCH: usize = 1000;
const KILLS: u32 = 6;

struct Server {
    child: Child,
    base: String,
}

fn start(db: &TestDb) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_skillvet"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--allow-anonymous-submit",
            "--submit-limit-anonymous",
            "100000",
        ])
        .env("SKILLVET_DATABASE_URL", db.url())
        .env("SKILLVET_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("starting skillvet serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .expect("reading the listen line");
    let addr = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line from serve: {line:?}"))
        .to_owned();
    Server {
        child,
        base: format!("{addr}/api/v1"),
    }
}

fn body(run: u32) -> serde_json::Value {
    json!({
        "repo_url": format!("https://github.com/crash/run-{run}"),
        "skill_paths": (0..BATCH).map(|i| format!("skills/s-{i:04}")).collect::<Vec<_>>(),
    })
}

async fn stored(db: &TestDb) -> i64 {
    let store = db.store().await;
    let stats = store.submission_stats().await.unwrap();
    stats.iter().map(|(_, n)| n).sum()
}

async fn kill_during_bulk_submit_leaves_all_or_none(db: TestDb) {
    let http = skillvet_client::http_client();
    // Calibrate: how long one acknowledged batch takes on this backend and machine.
    let mut server = start(&db);
    let started = Instant::now();
    let response = http
        .post(format!("{}/submissions/bulk", server.base))
        .json(&body(0))
        .send()
        .await
        .unwrap();
    let full = started.elapsed();
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    assert_eq!(stored(&db).await, BATCH as i64);

    let mut expected = BATCH as i64;
    let mut rolled_back = 0;
    for run in 1..=KILLS {
        let mut server = start(&db);
        let url = format!("{}/submissions/bulk", server.base);
        let request = tokio::spawn({
            let http = http.clone();
            async move {
                http.post(url)
                    .json(&body(run))
                    .send()
                    .await
                    .map(|r| r.status())
            }
        });
        // Spread the kills over the request's lifetime, from parsing to commit.
        tokio::time::sleep(full.mul_f64(f64::from(run) / f64::from(KILLS + 1))).await;
        server.child.kill().unwrap();
        server.child.wait().unwrap();
        let acknowledged = matches!(request.await.unwrap(), Ok(status) if status == 200);
        let now = stored(&db).await;
        let added = now - expected;
        assert!(
            added == 0 || added == BATCH as i64,
            "run {run}: {added} of {BATCH} stored"
        );
        if acknowledged {
            assert_eq!(added, BATCH as i64, "run {run}: acknowledged batch lost");
        }
        if added == 0 {
            rolled_back += 1;
        }
        expected = now;
    }
    eprintln!("{KILLS} kills: {rolled_back} batches rolled back, the rest complete");
}

backend_tests!(kill_during_bulk_submit_leaves_all_or_none);
