//! End to end with the real `skills` CLI (npm package `skills`, `npx skills add <url>`):
//! it installs a verified skill from a skillvet server on loopback through the well-known
//! layout, globally and per repository.
//!
//! Node ≥ 22 and the CLI are installed from npm into `target/skills-cli` once (the folder is
//! reused by later runs; `SKILLVET_SKILLS_CLI_DIR` overrides it). Without npm, or when the
//! install fails, the test is skipped with a message — unless `SKILLVET_REQUIRE_NODE=1` (set
//! by CI), which makes it fail.

mod support;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use skillvet_test_db::TestDb;
use support::{SCRIPT, SKILL_MD, Server, repo_with_skill};

fn cache_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("SKILLVET_SKILLS_CLI_DIR") {
        return PathBuf::from(dir);
    }
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    target.join("skills-cli")
}

fn required() -> bool {
    std::env::var("SKILLVET_REQUIRE_NODE").is_ok_and(|v| v == "1")
}

struct Cli {
    node: PathBuf,
    script: PathBuf,
}

/// Node 22 and the `skills` CLI, installed on first use.
fn skills_cli() -> Result<Cli, String> {
    let dir = cache_dir();
    let cli = Cli {
        node: dir.join("node_modules/.bin/node"),
        script: dir.join("node_modules/skills/bin/cli.mjs"),
    };
    if cli.node.exists() && cli.script.exists() {
        return Ok(cli);
    }
    std::fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    let out = std::process::Command::new("npm")
        .args([
            "install",
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
            "node@22",
            "skills",
        ])
        .current_dir(&dir)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("running npm: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "npm install node@22 skills failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    if cli.node.exists() && cli.script.exists() {
        Ok(cli)
    } else {
        Err(format!(
            "npm did not install node and skills into {}",
            dir.display()
        ))
    }
}

/// Runs `skills add <url> -y --agent claude-code` in `workdir`; returns the combined output.
async fn add(cli: &Cli, url: &str, workdir: &Path) -> String {
    let (ok, text) = try_add(cli, url, workdir).await;
    assert!(ok, "skills add {url} failed:\n{text}");
    text
}

/// [`add`] that may fail: whether it succeeded, and the combined output.
async fn try_add(cli: &Cli, url: &str, workdir: &Path) -> (bool, String) {
    let mut command = tokio::process::Command::new(&cli.node);
    command
        .arg(&cli.script)
        .args(["add", url, "-y", "--agent", "claude-code"])
        .current_dir(workdir)
        .env("DISABLE_TELEMETRY", "1")
        .env("HOME", workdir)
        .env("CI", "1")
        .stdin(Stdio::null())
        .kill_on_drop(true);
    let out = tokio::time::timeout(Duration::from_secs(180), command.output())
        .await
        .expect("the skills CLI finished within 180 s")
        .expect("running the skills CLI");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_skills_cli_installs_verified_skills() {
    let cli = match skills_cli() {
        Ok(cli) => cli,
        Err(problem) if required() => panic!("SKILLVET_REQUIRE_NODE=1 but: {problem}"),
        Err(problem) => {
            eprintln!(
                "SKIPPED: the skills CLI is unavailable ({problem}); set SKILLVET_REQUIRE_NODE=1 to fail instead"
            );
            return;
        }
    };
    let server = Server::start(TestDb::sqlite().await).await;
    let acme = repo_with_skill("acme", "toolbox");
    server
        .publish(&acme, "acme", "toolbox", "skills/md-tables")
        .await;

    // Global index.
    let work = tempfile::tempdir().unwrap();
    let output = add(&cli, &server.base, work.path()).await;
    let installed = work.path().join(".claude/skills/md-tables");
    assert_eq!(
        std::fs::read_to_string(installed.join("SKILL.md"))
            .unwrap_or_else(|e| panic!("{e}\n{output}")),
        SKILL_MD
    );
    assert_eq!(
        std::fs::read_to_string(installed.join("scripts/fmt.sh")).unwrap(),
        SCRIPT
    );

    // The same name from a second repository: only its repository's index serves it.
    let other = repo_with_skill("other", "kit");
    other.write(
        "skills/md-tables/SKILL.md",
        SKILL_MD.replace("Align the columns", "Align every column"),
    );
    other.commit("variant");
    server
        .publish(&other, "other", "kit", "skills/md-tables")
        .await;
    let work = tempfile::tempdir().unwrap();
    let output = add(&cli, &format!("{}/other/kit", server.base), work.path()).await;
    let skill_md = work.path().join(".claude/skills/md-tables/SKILL.md");
    let text = std::fs::read_to_string(&skill_md).unwrap_or_else(|e| panic!("{e}\n{output}"));
    assert!(text.contains("Align every column"), "{text}");

    // A reviewer quarantines acme's skill over the API: the CLI no longer installs it.
    let (rita, _) = skillvet_server::auth::issue_token_with_scopes(
        server.store.as_ref(),
        skillvet_core::Clock::now(&skillvet_core::SystemClock),
        "rita",
        skillvet_core::model::Role::Reviewer,
        "test",
        &["review".to_owned()],
        None,
    )
    .await
    .unwrap();
    let quarantined = server
        .http
        .post(format!(
            "{}/api/v1/admin/skills/acme/toolbox/md-tables/status",
            server.base
        ))
        .bearer_auth(&rita)
        .json(&serde_json::json!({ "status": "QUARANTINED", "reason": "reported as a stealer" }))
        .send()
        .await
        .unwrap();
    assert!(
        quarantined.status().is_success(),
        "{}",
        quarantined.text().await.unwrap()
    );
    let index = server
        .get("/acme/toolbox/.well-known/skills/index.json")
        .await;
    assert_eq!(
        index.status(),
        404,
        "acme/toolbox has nothing installable left"
    );
    let work = tempfile::tempdir().unwrap();
    let (_, output) = try_add(&cli, &format!("{}/acme/toolbox", server.base), work.path()).await;
    // The CLI may fall back to the host's index, where only other/kit's md-tables is left.
    let got = std::fs::read_to_string(work.path().join(".claude/skills/md-tables/SKILL.md"));
    assert!(
        got.as_deref()
            .is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound)
            || got
                .as_deref()
                .is_ok_and(|t| t.contains("Align every column")),
        "the quarantined acme/toolbox skill was installed:\n{output}"
    );
}
