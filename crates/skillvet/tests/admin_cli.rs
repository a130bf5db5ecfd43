//! `skillvet admin create-token` and `skillvet admin grant` on both backends: the first
//! administrator is bootstrapped from the shell, roles change only for existing users.

mod support;

use std::process::Command;

use skillvet_core::accounts::GithubProfile;
use skillvet_core::model::Role;
use skillvet_core::{Clock, SystemClock};
use skillvet_test_db::{TestDb, backend_tests};
use support::{create_token, skillvet};

fn failing(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_skillvet"))
        .args(args)
        .env_remove("SKILLVET_DATABASE_URL")
        .output()
        .unwrap();
    assert!(!out.status.success(), "skillvet {args:?} should fail");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

async fn grant_bootstraps_roles_for_signed_in_users(db: TestDb) {
    let store = db.store().await;
    let url = db.url().to_owned();
    let missing = failing(&[
        "admin",
        "grant",
        "--database-url",
        &url,
        "--login",
        "alice",
        "--role",
        "super-admin",
    ]);
    assert!(missing.contains("must sign in once first"), "{missing}");

    store
        .upsert_github_user(
            &GithubProfile {
                id: 99,
                login: "Alice".into(),
                avatar_url: None,
                orgs: vec![],
            },
            SystemClock.now(),
        )
        .await
        .unwrap();
    let said = skillvet(&[
        "admin",
        "grant",
        "--database-url",
        &url,
        "--login",
        "Alice",
        "--role",
        "super-admin",
    ]);
    assert_eq!(said, "alice: user -> super-admin");
    assert_eq!(
        store.user_by_login("alice").await.unwrap().unwrap().role,
        Role::Admin
    );
    skillvet(&[
        "admin",
        "grant",
        "--database-url",
        &url,
        "--login",
        "alice",
        "--role",
        "reviewer",
    ]);
    assert_eq!(
        store.user_by_login("alice").await.unwrap().unwrap().role,
        Role::Reviewer
    );
    let again = skillvet(&[
        "admin",
        "grant",
        "--database-url",
        &url,
        "--login",
        "alice",
        "--role",
        "reviewer",
    ]);
    assert_eq!(again, "alice: already reviewer");
    // Each change is in the audit log, made by the shell's operator.
    let log = store
        .audit_events(
            &skillvet_core::moderation::AuditFilter::default(),
            skillvet_core::model::PageRequest::first(10),
        )
        .await
        .unwrap()
        .items;
    let roles: Vec<_> = log
        .iter()
        .map(|e| {
            (
                e.action.as_str(),
                e.target.as_str(),
                e.after["role"].clone(),
            )
        })
        .collect();
    assert_eq!(
        roles,
        [
            ("user.role", "alice", serde_json::json!("reviewer")),
            ("user.role", "alice", serde_json::json!("admin")),
        ]
    );
    assert!(log[0].actor.id.starts_with("shell:"), "{:?}", log[0].actor);
    assert_eq!(log[0].actor_role, "operator");
    let bad = failing(&[
        "admin",
        "grant",
        "--database-url",
        &url,
        "--login",
        "alice",
        "--role",
        "owner",
    ]);
    assert!(bad.contains("invalid value"), "{bad}");

    // create-token keeps working: default scopes by role, explicit scopes as given.
    let admin = create_token(&db, "root", &["--admin"]);
    let agent = create_token(&db, "agent-1", &["--scope", "scan-agent"]);
    let now = SystemClock.now();
    let hash = skillvet_server::auth::token_sha256;
    let (_, t) = store
        .authenticate(&hash(&admin), now)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(t.scopes, ["submit", "publish", "admin"]);
    let (_, t) = store
        .authenticate(&hash(&agent), now)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(t.scopes, ["scan-agent"]);
}

backend_tests!(grant_bootstraps_roles_for_signed_in_users);
