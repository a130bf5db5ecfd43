//! `skillvet scan` with the LLM judge: the real binary against a real HTTP server on
//! loopback.

#[path = "../../skillvet_client/tests/support/canned.rs"]
mod canned;
mod support;

use std::path::{Path, PathBuf};

use canned::{Answer, Canned};
use serde_json::Value;

const KEY: &str = "sk-cli-test-5e1f0c";
const MARKER: &str = "marker-value-9d41b7c2";

fn skill() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../skillvet_scanner/tests/fixtures/tier1/benign-installer")
}

fn skillvet(args: &[&str]) -> (i32, String, String) {
    support::run_with(args, |command| {
        command
            .env_remove("SKILLVET_LLM_JUDGE_URL")
            .env_remove("SKILLVET_LLM_JUDGE_MODEL")
            .env("SKILLVET_LLM_JUDGE_API_KEY", KEY)
            .env("SKILLVET_TEST_MARKER", MARKER);
    })
}

#[test]
fn scan_reports_the_judges_findings_in_json() {
    let server = Canned::start(Answer::chat(
        r#"{"verdict":"suspicious","confidence":0.7,"findings":[{"category":"obfuscation","explanation":"the installer hides what it downloads","severity":"medium"}]}"#,
    ));
    let path = skill();
    let (code, out, err) = skillvet(&[
        "scan",
        path.to_str().unwrap(),
        "--llm-judge-url",
        &server.url(),
        "--llm-judge-model",
        "test-model",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{out}\n{err}");
    let report: Value = serde_json::from_str(&out).expect("JSON report");
    let skill = &report["skills"][0];
    let run = skill["tiers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "llm-judge")
        .expect("an llm-judge run");
    assert_eq!(run["status"], "ran");
    assert_eq!(run["tier"], "behavioural");
    let finding = skill["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == "llm-judge/obfuscation")
        .expect("the judge's finding");
    assert_eq!(finding["severity"], "medium");
    assert_eq!(finding["confidence"], "medium");
    assert!(!out.contains(KEY) && !err.contains(KEY), "the key leaked");

    let received = server.received();
    assert_eq!(received.len(), 1);
    assert_eq!(
        received[0].header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(received[0].json()["model"], "test-model");
    let body = String::from_utf8_lossy(&received[0].body);
    assert!(!body.contains(MARKER), "an environment variable was sent");
    assert!(body.contains("SKILL.md"));
}

#[test]
fn a_failing_judge_is_visible_in_text_and_sarif() {
    let server = Canned::start(Answer::status(500, b"overloaded".to_vec()));
    let path = skill();
    let base = [
        "scan",
        path.to_str().unwrap(),
        "--llm-judge-url",
        &server.url(),
        "--llm-judge-model",
        "m",
    ];
    let (code, text, _) = skillvet(&base);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("note: llm-judge failed"), "{text}");
    assert!(text.contains("HTTP 500"), "{text}");
    let (_, sarif, _) = skillvet(&[&base[..], &["--format", "sarif"]].concat());
    let sarif: Value = serde_json::from_str(&sarif).unwrap();
    let notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert!(
        notes.iter().any(|n| n["descriptor"]["id"] == "llm-judge"
            && n["message"]["text"].as_str().unwrap().contains("failed")),
        "{notes:?}"
    );
}

#[test]
fn no_url_means_no_call() {
    let server = Canned::start(Answer::chat("{}"));
    let path = skill();
    let (code, out, _) = skillvet(&[
        "scan",
        path.to_str().unwrap(),
        "--llm-judge-model",
        "m",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    assert!(!out.contains("llm-judge"));
    assert_eq!(server.connections(), 0);
}

#[test]
fn bad_judge_configuration_exits_2() {
    let path = skill();
    let path = path.to_str().unwrap();
    let (code, _, err) = skillvet(&[
        "scan",
        path,
        "--llm-judge-url",
        "http://judge.example.com",
        "--llm-judge-model",
        "m",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("https"), "{err}");
    let (code, _, _) = skillvet(&["scan", path, "--llm-judge-url", "https://judge.example.com"]);
    assert_eq!(code, 2, "a model is required with a URL");
}

#[test]
fn serve_and_worker_refuse_a_bad_judge_before_starting() {
    let db = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", db.path().join("s.db").display());
    for verb in ["serve", "worker"] {
        let (code, out, err) = skillvet(&[
            verb,
            "--database-url",
            &url,
            "--llm-judge-url",
            "http://judge.example.com",
            "--llm-judge-model",
            "m",
        ]);
        assert_ne!(code, 0, "{verb}: {out}");
        assert!(
            err.contains("LLM judge") && err.contains("https"),
            "{verb}: {err}"
        );
        assert!(
            !out.contains("listening") && !out.contains("running"),
            "{out}"
        );
    }
}
