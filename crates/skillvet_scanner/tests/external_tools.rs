//! External tools for real: process limits with real child processes, "not available"
//! reporting, and Semgrep/njsscan runs on fixtures.
//!
//! The Semgrep and njsscan tests need the tools on PATH and fail (they do not skip) when
//! they are missing. Install: `python3 -m venv /opt/skillvet-tools &&
//! /opt/skillvet-tools/bin/pip install njsscan==1.0.2 semgrep==1.172.0` and put
//! `/opt/skillvet-tools/bin` on PATH.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use skillvet_scanner::Severity;
use skillvet_scanner::external::{self, ExternalConfig, Tool, ToolOutcome};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/tier2")
        .join(name)
}

fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, format!("#!/bin/sh\n{body}\n")).expect("write");
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    p
}

fn only(cfg: &ExternalConfig, tool: Tool, dir: &Path) -> ToolOutcome {
    let cfg = ExternalConfig {
        tools: vec![tool],
        ..cfg.clone()
    };
    external::run_on_dir(dir, &cfg).expect("run").remove(0)
}

fn require(tool: Tool) -> ExternalConfig {
    let cfg = ExternalConfig::default();
    if let Err(e) = cfg.locate(tool) {
        panic!(
            "{e}. Install it: python3 -m venv /opt/skillvet-tools && /opt/skillvet-tools/bin/pip install njsscan==1.0.2 semgrep==1.172.0, then add /opt/skillvet-tools/bin to PATH"
        );
    }
    cfg
}

#[test]
fn missing_tool_is_reported_not_available() {
    let cfg = ExternalConfig {
        binaries: vec![(Tool::Gitleaks, PathBuf::from("/nonexistent/gitleaks"))],
        ..Default::default()
    };
    match only(&cfg, Tool::Gitleaks, &fixture("benign-local-tool")) {
        ToolOutcome::NotAvailable { tool, reason } => {
            assert_eq!(tool, Tool::Gitleaks);
            assert!(reason.contains("/nonexistent/gitleaks"), "{reason}");
        }
        other => panic!("expected NotAvailable, got {other:?}"),
    }
}

#[test]
fn hanging_tool_is_killed_at_the_time_limit() {
    let tmp = tempfile::tempdir().expect("tmp");
    // A tool that spawns a helper and hangs: the whole process group must go.
    let marker = tmp.path().join("child-alive");
    let bin = script(
        tmp.path(),
        "semgrep",
        &format!("(sleep 3; touch {}) &\nsleep 30", marker.display()),
    );
    let cfg = ExternalConfig {
        binaries: vec![(Tool::Semgrep, bin)],
        timeout: Duration::from_millis(700),
        ..Default::default()
    };
    let start = Instant::now();
    let outcome = only(&cfg, Tool::Semgrep, &fixture("benign-local-tool"));
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "took {:?}",
        start.elapsed()
    );
    match outcome {
        ToolOutcome::Failed { reason, .. } => {
            assert!(reason.contains("did not finish"), "{reason}")
        }
        other => panic!("expected Failed, got {other:?}"),
    }
    std::thread::sleep(Duration::from_secs(4));
    assert!(
        !marker.exists(),
        "the tool's child process survived the kill"
    );
}

#[test]
fn oversized_output_is_refused() {
    let tmp = tempfile::tempdir().expect("tmp");
    let bin = script(tmp.path(), "trufflehog", "yes '{\"DetectorName\":\"x\"}'");
    let cfg = ExternalConfig {
        binaries: vec![(Tool::Trufflehog, bin)],
        max_output_bytes: 100_000,
        timeout: Duration::from_secs(20),
        ..Default::default()
    };
    match only(&cfg, Tool::Trufflehog, &fixture("benign-local-tool")) {
        ToolOutcome::Failed { reason, .. } => {
            assert!(reason.contains("more than 100000 bytes"), "{reason}")
        }
        other => panic!("expected Failed, got {other:?}"),
    }
}

#[test]
fn tool_environment_is_scrubbed() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("env.txt");
    // Records its environment, then prints an empty trufflehog report.
    let bin = script(
        tmp.path(),
        "trufflehog",
        &format!("env > {}", out.display()),
    );
    let cfg = ExternalConfig {
        binaries: vec![(Tool::Trufflehog, bin)],
        ..Default::default()
    };
    match only(&cfg, Tool::Trufflehog, &fixture("benign-local-tool")) {
        ToolOutcome::Ran { findings, .. } => assert!(findings.is_empty()),
        other => panic!("expected Ran, got {other:?}"),
    }
    let env = std::fs::read_to_string(&out).expect("env");
    for line in env.lines() {
        let key = line.split('=').next().unwrap_or("");
        assert!(
            [
                "HOME", "LANG", "LC_ALL", "TMPDIR", "USER", "PATH", "PWD", "SHLVL", "_", "OLDPWD"
            ]
            .contains(&key),
            "leaked {key}"
        );
    }
}

#[test]
fn semgrep_runs_bundled_rules_offline() {
    let cfg = require(Tool::Semgrep);
    match only(&cfg, Tool::Semgrep, &fixture("obfuscated-exec")) {
        ToolOutcome::Ran {
            findings, warnings, ..
        } => {
            assert!(warnings.is_empty(), "{warnings:?}");
            let got: Vec<(&str, &str, u32, Severity)> = findings
                .iter()
                .map(|f| (f.rule_id.as_str(), f.file.as_str(), f.line, f.severity))
                .collect();
            assert_eq!(
                got,
                vec![(
                    "SV-EXT-SEMGREP-skillvet.python.exec-of-decoded-data",
                    "scripts/titles.py",
                    11,
                    Severity::High
                )]
            );
        }
        other => panic!("semgrep did not run: {other:?}"),
    }
}

#[test]
fn semgrep_scans_folders_its_defaults_would_skip() {
    let cfg = require(Tool::Semgrep);
    // Semgrep ignores tests/ by default; a skill could hide code there.
    let tmp = tempfile::tempdir().expect("tmp");
    std::fs::create_dir_all(tmp.path().join("tests")).expect("mkdir");
    std::fs::write(
        tmp.path().join("SKILL.md"),
        "---\nname: t\ndescription: t\n---\n",
    )
    .expect("write");
    std::fs::copy(
        fixture("evasion-split-strings/scripts/count.py"),
        tmp.path().join("tests/count.py"),
    )
    .expect("copy");
    std::fs::write(tmp.path().join(".semgrepignore"), "tests/\n").expect("write");
    let outcome = only(&cfg, Tool::Semgrep, tmp.path());
    let files: Vec<&str> = outcome.findings().iter().map(|f| f.file.as_str()).collect();
    assert_eq!(
        files,
        vec!["tests/count.py", "tests/count.py"],
        "{outcome:?}"
    );
}

#[test]
fn njsscan_runs_on_node_code() {
    let cfg = require(Tool::Njsscan);
    match only(&cfg, Tool::Njsscan, &fixture("external/njs-skill")) {
        ToolOutcome::Ran {
            findings, warnings, ..
        } => {
            assert!(warnings.is_empty(), "{warnings:?}");
            let mut ids: Vec<&str> = findings.iter().map(|f| f.rule_id.as_str()).collect();
            ids.sort();
            assert_eq!(
                ids,
                vec![
                    "SV-EXT-NJSSCAN-eval_nodejs",
                    "SV-EXT-NJSSCAN-express_xss",
                    "SV-EXT-NJSSCAN-generic_os_command_exec"
                ]
            );
        }
        other => panic!("njsscan did not run: {other:?}"),
    }
}

/// `scan()` with external tools: their findings land in the unified report (tier
/// "external", rule ids prefixed), and a missing tool is listed as unavailable, not clean.
#[test]
fn external_findings_join_the_unified_report() {
    let mut cfg = require(Tool::Njsscan);
    cfg.tools = vec![Tool::Njsscan, Tool::Gitleaks];
    cfg.binaries = vec![(Tool::Gitleaks, PathBuf::from("/nonexistent/gitleaks"))];
    let opts = skillvet_scanner::Options {
        external: Some(cfg),
        ..Default::default()
    };
    let report = skillvet_scanner::scan(&fixture("external/njs-skill"), &opts).expect("scan");
    let skill = &report.skills[0];
    let ext: Vec<_> = skill
        .findings
        .iter()
        .filter(|f| f.tier == skillvet_scanner::Tier::External)
        .collect();
    assert!(!ext.is_empty(), "{:#?}", skill.findings);
    assert!(ext.iter().all(|f| f.rule_id.starts_with("SV-EXT-NJSSCAN-")));
    let run = |name: &str| skill.tiers.iter().find(|t| t.name == name).expect(name);
    assert_eq!(
        run("njsscan").status,
        skillvet_scanner::model::TierStatus::Ran
    );
    assert_eq!(
        run("gitleaks").status,
        skillvet_scanner::model::TierStatus::Unavailable
    );
    let sarif: serde_json::Value =
        serde_json::from_str(&skillvet_scanner::output::sarif(&report)).unwrap();
    assert!(
        sarif["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["ruleId"].as_str().unwrap().starts_with("SV-EXT-NJSSCAN-"))
    );
}
