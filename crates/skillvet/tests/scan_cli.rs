//! `skillvet scan` and `skillvet rules` as CI runs them: the real binary, its exit codes and
//! its output formats.

mod support;

use std::path::{Path, PathBuf};

use support::run as skillvet;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../skillvet_scanner/tests/fixtures/tier1")
}

#[test]
fn exit_codes_follow_the_verdict_and_the_threshold() {
    let bad = fixtures().join("rce-curl-pipe");
    let good = fixtures().join("benign-installer");
    let (code, out, _) = skillvet(&["scan", bad.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("SV-T1-RCE-PIPE-TO-SHELL") && out.contains("FAIL"));
    assert!(
        !out.contains('\u{1b}'),
        "no colour when stdout is not a terminal"
    );
    let (code, out, _) = skillvet(&["scan", good.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    let (code, _, _) = skillvet(&[
        "scan",
        good.to_str().unwrap(),
        "--fail-on",
        "low",
        "--min-confidence",
        "low",
    ]);
    assert_eq!(code, 1, "the vendor installer is a low finding");
    let (code, _, _) = skillvet(&["scan", bad.to_str().unwrap(), "--fail-on", "never"]);
    assert_eq!(code, 0);
}

#[test]
fn usage_and_io_errors_exit_2() {
    let (code, _, err) = skillvet(&["scan", "/nonexistent/skillvet-path"]);
    assert_eq!(code, 2);
    assert!(err.contains("does not exist"), "{err}");
    let empty = tempfile::tempdir().unwrap();
    let (code, _, err) = skillvet(&["scan", empty.path().to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("no SKILL.md"), "{err}");
    let (code, _, _) = skillvet(&["scan", ".", "--format", "yaml"]);
    assert_eq!(code, 2);
}

#[test]
fn json_and_sarif_reports_of_a_repository() {
    let (code, out, _) = skillvet(&["scan", fixtures().to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert!(v["skills"].as_array().unwrap().len() >= 25);
    assert_eq!(v["verdict"], "FAIL");
    let dir = tempfile::tempdir().unwrap();
    let sarif = dir.path().join("out.sarif");
    let (code, out, _) = skillvet(&[
        "scan",
        fixtures().to_str().unwrap(),
        "--format",
        "sarif",
        "-o",
        sarif.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert!(out.is_empty());
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    assert_eq!(v["version"], "2.1.0");
    assert!(!v["runs"][0]["results"].as_array().unwrap().is_empty());
}

#[test]
fn rules_markdown_is_the_committed_catalogue() {
    let (code, out, _) = skillvet(&["rules", "--format", "markdown"]);
    assert_eq!(code, 0);
    let committed =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/rules.md"))
            .unwrap();
    assert_eq!(
        out, committed,
        "regenerate with `skillvet rules --format markdown -o docs/rules.md`"
    );
}
