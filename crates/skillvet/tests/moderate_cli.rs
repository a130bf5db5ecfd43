//! `skillvet moderate` as a reviewer runs it, against the real binary serving on loopback,
//! on SQLite and PostgreSQL: quarantine a published skill, read the audit log, release it;
//! refusals (no token, a user's token, a malformed package) exit 2 with the reason.

mod support;

use serde_json::Value;
use skillvet_test_db::{TestDb, backend_tests};
use skillvet_test_repo::TestRepo;
use support::{create_token, run, run_with, serve, skillvet};

fn ok(args: &[&str]) -> String {
    let (code, out, err) = run(args);
    assert_eq!(code, 0, "skillvet {args:?}\nstdout: {out}\nstderr: {err}");
    out
}

async fn a_reviewer_moderates_from_the_terminal(db: TestDb) {
    let repo = TestRepo::new("acme", "skills");
    repo.skill(
        "skills/tables",
        "Formats Markdown tables in the current file.",
    );
    repo.commit("one skill");
    let (_server, base) = serve(&db, &["--workers", "1"]);
    let s = ["--server", base.as_str()];
    ok(&[
        "submit",
        &repo.url(),
        "--all",
        "--wait",
        "--timeout",
        "120",
        s[0],
        s[1],
    ]);

    let rita = create_token(&db, "rita", &["--scope", "review"]);
    skillvet(&[
        "admin",
        "grant",
        "--database-url",
        db.url(),
        "--login",
        "rita",
        "--role",
        "reviewer",
    ]);
    let user = create_token(&db, "mallory", &[]);
    let package = "acme/skills/tables";

    let out = ok(&[
        "moderate",
        "status",
        package,
        "quarantined",
        "--reason",
        "reported: phishing",
        "--token",
        &rita,
        s[0],
        s[1],
    ]);
    assert_eq!(
        out.trim(),
        "acme/skills/tables is QUARANTINED (VERIFIED)",
        "{out}"
    );
    let (_, installed, _) = run(&["info", package, s[0], s[1], "--json"]);
    let info: Value = serde_json::from_str(&installed).unwrap();
    assert_eq!(info["skill"]["status"], "QUARANTINED", "{info}");

    let out = ok(&[
        "moderate",
        "audit",
        "--package",
        package,
        "--token",
        &rita,
        s[0],
        s[1],
    ]);
    assert!(
        out.contains("rita (reviewer) skill.status skill acme/skills/tables"),
        "{out}"
    );
    assert!(out.contains("reported: phishing"), "{out}");
    let out = ok(&[
        "moderate",
        "audit",
        "--package",
        package,
        "--json",
        "--token",
        &rita,
        s[0],
        s[1],
    ]);
    let log: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(log["items"][0]["after"]["status"], "QUARANTINED");

    let (code, _, err) = run(&[
        "moderate", "status", package, "active", "--reason", "mine", "--token", &user, s[0], s[1],
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("403") && err.contains("reviewer"), "{err}");
    let (code, _, err) = run_with(&["moderate", "audit", s[0], s[1]], |c| {
        c.env("SKILLVET_CONFIG_DIR", "/tmp/mod-empty-config");
    });
    assert_eq!(code, 2);
    assert!(err.contains("no token"), "{err}");
    let (code, _, err) = run(&[
        "moderate",
        "yank",
        "acme/skills",
        "1",
        "--reason",
        "x",
        "--token",
        &rita,
        s[0],
        s[1],
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("not a package"), "{err}");
    let (code, _, err) = run(&[
        "moderate",
        "yank",
        package,
        "../../queue",
        "--reason",
        "x",
        "--token",
        &rita,
        s[0],
        s[1],
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("not a version"), "{err}");

    let out = ok(&[
        "moderate",
        "status",
        package,
        "active",
        "--reason",
        "false report",
        "--token",
        &rita,
        s[0],
        s[1],
    ]);
    assert_eq!(
        out.trim(),
        "acme/skills/tables is ACTIVE (VERIFIED)",
        "{out}"
    );
    let out = ok(&[
        "moderate",
        "rescan",
        "acme/skills",
        "--reason",
        "new rules",
        "--token",
        &rita,
        s[0],
        s[1],
    ]);
    assert!(
        out.starts_with("rescanning acme/skills/tables (submission "),
        "{out}"
    );
    let out = ok(&[
        "moderate",
        "yank",
        package,
        "1",
        "--reason",
        "leaked a key",
        "--token",
        &rita,
        s[0],
        s[1],
    ]);
    assert_eq!(out.trim(), "acme/skills/tables version 1: yanked", "{out}");
}

/// The state of submission `id`, once it is no longer being verified.
async fn settled(base: &str, id: i64) -> String {
    let http = skillvet_client::http_client();
    for _ in 0..600 {
        let body: Value = http
            .get(format!("{base}/api/v1/submissions/{id}"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let state = body["submission"]["state"].as_str().unwrap().to_owned();
        if !matches!(
            state.as_str(),
            "RECEIVED"
                | "TIER1_SCANNING"
                | "TIER1_FAILED"
                | "TIER2_SCANNING"
                | "AUTO_APPROVED"
                | "RESCAN_REQUIRED"
        ) {
            return state;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("submission {id} did not settle");
}

/// The approval's job reaches the server's own workers, which publish the skill.
async fn an_approval_is_published_by_the_workers(db: TestDb) {
    let repo = TestRepo::new("acme", "skills");
    repo.write(
        "skills/tables/SKILL.md",
        "---\nname: tables\ndescription: Formats Markdown tables.\n---\n\nAlign \u{202e}every column\u{202c} of each table.\n",
    );
    repo.commit("a skill with a bidi mark");
    let (_server, base) = serve(&db, &["--workers", "1"]);
    let s = ["--server", base.as_str()];
    ok(&["submit", &repo.url(), "--all", s[0], s[1]]);
    let store = db.store().await;
    let page = skillvet_core::model::PageRequest::first(1);
    let id = store
        .list_submissions(&Default::default(), page)
        .await
        .unwrap()
        .items[0]
        .id;
    assert_eq!(settled(&base, id).await, "NEEDS_REVIEW");

    let rita = create_token(&db, "rita", &["--scope", "review"]);
    skillvet(&[
        "admin",
        "grant",
        "--database-url",
        db.url(),
        "--login",
        "rita",
        "--role",
        "reviewer",
    ]);
    let id_text = id.to_string();
    let out = ok(&[
        "moderate",
        "approve",
        &id_text,
        "--tier",
        "verified",
        "--reason",
        "prose only",
        "--token",
        &rita,
        s[0],
        s[1],
    ]);
    assert_eq!(out.trim(), format!("submission {id} is now AUTO_APPROVED"));
    assert_eq!(settled(&base, id).await, "PUBLISHED");
    let (_, info, _) = run(&["info", "acme/skills/tables", "--json", s[0], s[1]]);
    let info: Value = serde_json::from_str(&info).unwrap();
    assert_eq!(info["skill"]["cert_tier"], "VERIFIED", "{info}");
    assert_eq!(info["skill"]["cert_method"], "reviewed:rita");
}

backend_tests!(
    a_reviewer_moderates_from_the_terminal,
    an_approval_is_published_by_the_workers,
);
