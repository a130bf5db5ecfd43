//! `skillvet login` / `logout` against the real server: the token is checked, kept with
//! 0600 permissions, used by `submit`, and revoked on logout. On both backends.

mod support;

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Stdio};

use serde_json::Value;
use skillvet_core::{Clock, SystemClock};
use skillvet_test_db::{TestDb, backend_tests};
use skillvet_test_repo::TestRepo;
use support::{create_token, serve};

fn skillvet_in(config: &std::path::Path, args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_skillvet"))
        .args(args)
        .env("SKILLVET_CONFIG_DIR", config)
        .env_remove("SKILLVET_SERVER")
        .env_remove("SKILLVET_TOKEN")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

async fn login_keeps_the_token_for_submit_and_logout_revokes_it(db: TestDb) {
    let (_server, base) = serve(&db, &["--no-workers"]);
    let config = tempfile::tempdir().unwrap();
    let dir = config.path().join("skillvet");
    let token = create_token(&db, "alice", &[]);

    let (code, _, err) = skillvet_in(
        &dir,
        &["login", "--server", &base, "--token-stdin"],
        "nope\n",
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not a skillvet token"), "{err}");
    let (code, _, err) = skillvet_in(
        &dir,
        &["login", "--server", &base, "--token-stdin"],
        &format!("svt_{}\n", "0".repeat(64)),
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("401"),
        "an unknown token is refused, not kept: {err}"
    );
    assert!(!dir.join("credentials.json").exists());

    let (code, out, err) = skillvet_in(
        &dir,
        &["login", "--server", &base, "--token-stdin"],
        &format!("{token}\n"),
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("as alice"), "{out}");
    let file = dir.join("credentials.json");
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    assert_eq!(
        std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777,
        0o700
    );
    let kept: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(kept["servers"][&base], token);

    // `submit` without --token uses the kept one: the submission is alice's.
    let repo = TestRepo::new("acme", "skills");
    repo.skill(
        "skills/tables",
        "Formats Markdown tables in the current file.",
    );
    repo.commit("one skill");
    let (code, out, err) = skillvet_in(&dir, &["submit", &repo.url(), "--server", &base], "");
    assert_eq!(code, 0, "{out}{err}");
    let store = db.store().await;
    let page = store
        .list_submissions(
            &Default::default(),
            skillvet_core::model::PageRequest {
                before: None,
                limit: 10,
            },
        )
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].submitter.id, "alice");

    // A file others can read is ignored.
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let (_, _, err) = skillvet_in(&dir, &["submit", &repo.url(), "--server", &base], "");
    assert!(err.contains("readable by other users"), "{err}");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();

    let (code, out, err) = skillvet_in(&dir, &["logout", "--server", &base], "");
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("revoked on the server"), "{out}");
    let hash = skillvet_server::auth::token_sha256(&token);
    assert!(
        store
            .authenticate(&hash, SystemClock.now())
            .await
            .unwrap()
            .is_none()
    );
    let kept: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(kept["servers"], serde_json::json!({}));
    let (_, out, _) = skillvet_in(&dir, &["logout", "--server", &base], "");
    assert!(out.contains("Not logged in"), "{out}");
}

backend_tests!(login_keeps_the_token_for_submit_and_logout_revokes_it);
