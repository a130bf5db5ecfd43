//! Parsers of external scanners' reports, on recorded output.
//!
//! - `semgrep-*.json`: real output of Semgrep 1.172.0 (`semgrep scan --config
//!   src/external/rules/skillvet.semgrep.yml --json --metrics=off --no-git-ignore .`) run in
//!   a copy of the named fixture.
//! - `njsscan-njs-skill.json`: real output of njsscan 1.0.2 (`njsscan --json -o FILE .`)
//!   run in a copy of `external/njs-skill`.
//! - `gitleaks-documented.json` and `trufflehog-documented.jsonl`: gitleaks and trufflehog
//!   could not be installed here (Go binaries, not in the reachable registries), so these
//!   follow their documented report formats (gitleaks v8 JSON report; trufflehog v3
//!   `--json` lines, with log lines mixed in).

use std::path::{Path, PathBuf};

use skillvet_scanner::Severity;
use skillvet_scanner::external::{self, Tool};

fn fixture(name: &str) -> (String, PathBuf) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tier2/external");
    let text = std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    (text, dir)
}

#[test]
fn semgrep_results_map_to_findings() {
    let (json, _) = fixture("semgrep-evasion-split-strings.json");
    let scanned =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tier2/evasion-split-strings");
    let (findings, warnings) = external::semgrep::parse(&json, &scanned).expect("parse");
    assert!(warnings.is_empty(), "{warnings:?}");
    let got: Vec<(&str, &str, u32, Severity)> = findings
        .iter()
        .map(|f| (f.rule_id.as_str(), f.file.as_str(), f.line, f.severity))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "SV-EXT-SEMGREP-skillvet.python.dynamic-dangerous-import",
                "scripts/count.py",
                2,
                Severity::Medium
            ),
            (
                "SV-EXT-SEMGREP-skillvet.python.dynamic-dangerous-import",
                "scripts/count.py",
                3,
                Severity::Medium
            ),
        ]
    );
    // Semgrep withholds matched lines ("requires login"): evidence comes from the file.
    assert_eq!(findings[0].evidence, "m = __import__(\"o\" + \"s\")");
    assert_eq!(findings[0].tool, Tool::Semgrep);
}

#[test]
fn semgrep_error_severity_is_high() {
    let (json, _) = fixture("semgrep-obfuscated-exec.json");
    let scanned =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tier2/obfuscated-exec");
    let (findings, _) = external::semgrep::parse(&json, &scanned).expect("parse");
    assert_eq!(findings.len(), 1);
    assert_eq!(
        findings[0].rule_id,
        "SV-EXT-SEMGREP-skillvet.python.exec-of-decoded-data"
    );
    assert_eq!(
        (findings[0].line, findings[0].severity),
        (11, Severity::High)
    );
    assert_eq!(
        findings[0].message,
        "Decoded data is executed (hidden payload)."
    );
}

#[test]
fn semgrep_garbage_is_an_error_not_an_empty_result() {
    let dir = Path::new("/nonexistent");
    assert!(external::semgrep::parse("not json", dir).is_err());
    assert!(external::semgrep::parse("{\"version\": \"1\"}", dir).is_err());
}

#[test]
fn njsscan_report_maps_rules_and_severities() {
    let (json, _) = fixture("njsscan-njs-skill.json");
    let scanned =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tier2/external/njs-skill");
    let (mut findings, warnings) = external::njsscan::parse(&json, &scanned).expect("parse");
    assert!(warnings.is_empty());
    findings.sort_by_key(|f| f.line);
    let got: Vec<(&str, u32, Severity)> = findings
        .iter()
        .map(|f| (f.rule_id.as_str(), f.line, f.severity))
        .collect();
    assert_eq!(
        got,
        vec![
            ("SV-EXT-NJSSCAN-generic_os_command_exec", 5, Severity::High),
            ("SV-EXT-NJSSCAN-express_xss", 6, Severity::High),
            ("SV-EXT-NJSSCAN-eval_nodejs", 8, Severity::High),
        ]
    );
    assert!(findings.iter().all(|f| f.file == "scripts/preview.js"));
    assert!(
        findings[0].message.contains("CWE-78"),
        "{}",
        findings[0].message
    );
    assert!(external::njsscan::parse("[]", &scanned).is_err());
}

#[test]
fn gitleaks_report_is_parsed_and_secrets_redacted() {
    let (json, dir) = fixture("gitleaks-documented.json");
    let findings = external::gitleaks::parse(&json, &dir).expect("parse");
    assert_eq!(findings.len(), 2);
    let aws = &findings[0];
    assert_eq!(aws.rule_id, "SV-EXT-GITLEAKS-aws-access-token");
    assert_eq!(
        (aws.file.as_str(), aws.line, aws.column, aws.severity),
        ("scripts/deploy.sh", 3, 19, Severity::High)
    );
    assert!(
        !aws.evidence.contains("AKIAZ7Q3EXAMPLEKEY42"),
        "secret leaked into evidence: {}",
        aws.evidence
    );
    assert!(
        aws.evidence.starts_with("AWS_ACCESS_KEY_ID=AKIA…[redacted"),
        "{}",
        aws.evidence
    );
    assert_eq!(findings[1].evidence, "api_key = \"REDACTED\"");
    assert!(external::gitleaks::parse("{}", &dir).is_err());
}

#[test]
fn trufflehog_lines_are_parsed_logs_skipped() {
    let (jsonl, dir) = fixture("trufflehog-documented.jsonl");
    let findings = external::trufflehog::parse(&jsonl, &dir).expect("parse");
    let got: Vec<(&str, &str, u32, Severity)> = findings
        .iter()
        .map(|f| (f.rule_id.as_str(), f.file.as_str(), f.line, f.severity))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "SV-EXT-TRUFFLEHOG-AWS",
                "scripts/deploy.sh",
                3,
                Severity::High
            ),
            (
                "SV-EXT-TRUFFLEHOG-SlackWebhook",
                "scripts/notify.py",
                12,
                Severity::Critical
            ),
        ]
    );
    assert!(
        findings
            .iter()
            .all(|f| !f.evidence.contains("EXAMPLEKEY42") && !f.evidence.contains("XXXXXXXX"))
    );
    assert!(external::trufflehog::parse("{broken", &dir).is_err());
}
