//! `skillvet admin health` and `skillvet admin rebuild-index` on both backends with the real
//! binary: a derived structure corrupted by hand is reported (exit 1), rebuilt by the shell's
//! operator (audited), and reported clean; `serve --internal-key` opens health to services.

mod support;

use skillvet_core::model::PageRequest;
use skillvet_core::moderation::{AuditAction, AuditFilter};
use skillvet_test_db::{Backend, TestDb, backend_tests};
use sqlx::SqlSafeStr;
use support::{run, serve};

const KEY: &str = "cli-internal-key-0123456789abcdef0123";

async fn execute(db: &TestDb, sql: &str) {
    let sql = sqlx::AssertSqlSafe(sql.to_owned()).into_sql_str();
    match db.backend() {
        Backend::Sqlite => {
            let pool = sqlx::SqlitePool::connect(db.url()).await.unwrap();
            sqlx::query(sql).execute(&pool).await.unwrap();
        }
        Backend::Postgres => {
            let pool = sqlx::PgPool::connect(db.url()).await.unwrap();
            sqlx::query(sql).execute(&pool).await.unwrap();
        }
    }
}

async fn health_exits_non_zero_on_drift_and_rebuild_repairs_it(db: TestDb) {
    let store = db.store().await;
    let url = db.url().to_owned();
    let health = ["admin", "health", "--database-url", &url];

    let (code, text, _) = run(&health);
    assert_eq!(code, 0, "{text}");
    assert!(text.ends_with("no drift\n"), "{text}");

    let (sql, line) = match db.backend() {
        Backend::Sqlite => (
            "INSERT INTO skill_search (rowid, name, description, tags, repo) \
             VALUES (42, 'ghost', 'not a skill', '', 'no where')",
            "  42: expected absent, found indexed",
        ),
        Backend::Postgres => (
            "INSERT INTO skill_category_counts (category, skills) VALUES ('ghosts', 2)",
            "  ghosts: expected 0, found 2",
        ),
    };
    execute(&db, sql).await;
    let (code, text, _) = run(&health);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("DRIFT: 1 entry differs"), "{text}");
    assert!(text.lines().any(|l| l == line), "{text}");
    assert!(text.contains("skillvet admin rebuild-index"), "{text}");
    assert!(text.ends_with("drift detected\n"), "{text}");
    let (code, json, _) = run(&["admin", "health", "--database-url", &url, "--json"]);
    assert_eq!(code, 1);
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(report["drift_detected"], true);
    assert_eq!(report["drifts"].as_array().unwrap().len(), 1);

    let rebuild = [
        "admin",
        "rebuild-index",
        "--database-url",
        &url,
        "--reason",
        "ghost found by monitoring",
    ];
    let (code, text, said) = run(&rebuild);
    assert_eq!(code, 0, "{text}{said}");
    assert!(
        text.contains(": rebuilt (1 drift found, 1 entry changed)"),
        "{text}"
    );
    assert!(text.ends_with("1 entry changed in all\n"), "{text}");
    assert_eq!(run(&health).0, 0);
    let (code, text, _) = run(&rebuild);
    assert_eq!(code, 0);
    assert!(text.ends_with("0 entries changed in all\n"), "{text}");

    let events = store
        .audit_events(
            &AuditFilter {
                action: Some(AuditAction::IndexRebuild),
                ..AuditFilter::default()
            },
            PageRequest::first(10),
        )
        .await
        .unwrap()
        .items;
    assert_eq!(events.len(), 2);
    assert!(
        events[1].actor.id.starts_with("shell:"),
        "{:?}",
        events[1].actor
    );
    assert_eq!(events[1].actor_role, "operator");
    assert_eq!(
        events[1].reason.as_deref(),
        Some("ghost found by monitoring")
    );
    assert_eq!(events[1].after["changed"], 1);

    // Served: the internal key reads health; a short key is refused at start-up.
    let (code, _, said) = run(&["serve", "--database-url", &url, "--internal-key", "short"]);
    assert_ne!(code, 0);
    assert!(said.contains("at least 32 characters"), "{said}");
    let (server, base) = serve(&db, &["--no-workers", "--internal-key", KEY]);
    let http = skillvet_client::http_client();
    let answer = http
        .get(format!("{base}/api/v1/admin/health"))
        .header("X-Internal-Key", KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let body: serde_json::Value = answer.json().await.unwrap();
    assert_eq!(body["drift_detected"], false, "{body}");
    let refused = http
        .get(format!("{base}/api/v1/admin/health"))
        .header("X-Internal-Key", "cli-internal-key-wrong-0123456789abcdef")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    server.terminate();
}

backend_tests!(health_exits_non_zero_on_drift_and_rebuild_repairs_it);
