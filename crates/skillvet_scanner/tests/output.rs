//! Report formats: SARIF 2.1.0 structure, JSON round trip, plain text without colour, the
//! CI threshold, and the committed rule catalogue being current.

use std::path::{Path, PathBuf};

use serde_json::Value;
use skillvet_scanner::cli::{FailOn, reaches};
use skillvet_scanner::{Confidence, Options, Report, Verdict, catalog, output, scan};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tier1")
}

fn repo_report() -> Report {
    scan(&fixtures(), &Options::default()).expect("scan fixtures")
}

#[test]
fn sarif_is_a_valid_2_1_0_log() {
    let report = repo_report();
    let sarif: Value = serde_json::from_str(&output::sarif(&report)).expect("sarif is JSON");
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(sarif["$schema"], output::SARIF_SCHEMA);
    let runs = sarif["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 1);
    let driver = &runs[0]["tool"]["driver"];
    assert_eq!(driver["name"], "skillvet");
    let rules = driver["rules"].as_array().expect("rules");
    assert!(rules.len() >= catalog::rules().len() - 4);
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    for r in rules {
        assert!(r["shortDescription"]["text"].is_string());
        assert!(r["fullDescription"]["text"].is_string());
        assert!(
            ["error", "warning", "note"]
                .contains(&r["defaultConfiguration"]["level"].as_str().unwrap())
        );
    }
    let results = runs[0]["results"].as_array().expect("results");
    let total: usize = report.skills.iter().map(|s| s.findings.len()).sum();
    assert_eq!(results.len(), total);
    assert!(total > 50);
    for res in results {
        let id = res["ruleId"].as_str().expect("ruleId");
        let idx = res["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(ids[idx], id, "ruleIndex points at the rule");
        assert!(["error", "warning", "note"].contains(&res["level"].as_str().unwrap()));
        assert!(!res["message"]["text"].as_str().unwrap().is_empty());
        let loc = &res["locations"][0]["physicalLocation"];
        let uri = loc["artifactLocation"]["uri"].as_str().expect("uri");
        assert!(!uri.starts_with('/') && !uri.contains(".."), "{uri}");
        assert!(
            fixtures().join(uri).is_file(),
            "{uri} is a file of the scanned folder"
        );
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
        assert!(res["partialFingerprints"]["skillvet/v1"].is_string());
    }
    let one = results
        .iter()
        .find(|r| {
            r["ruleId"] == "SV-T1-RCE-PIPE-TO-SHELL"
                && r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    == "rce-curl-pipe/scripts/install.sh"
        })
        .expect("the pipe-to-shell result");
    assert_eq!(one["level"], "error");
    assert_eq!(
        one["locations"][0]["physicalLocation"]["region"]["startLine"],
        3
    );
}

#[test]
fn json_round_trips_and_carries_the_ruleset() {
    let report = repo_report();
    let text = output::json(&report);
    let back: Report = serde_json::from_str(&text).expect("parse back");
    assert_eq!(back, report);
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["ruleset"]["hash"], catalog::ruleset().hash);
    for s in v["skills"].as_array().unwrap() {
        assert_eq!(s["ruleset"]["hash"], catalog::ruleset().hash);
        assert!(["PASS", "CONCERNS", "FAIL"].contains(&s["verdict"].as_str().unwrap()));
        assert!(s["score"].as_u64().unwrap() <= 100);
    }
}

#[test]
fn text_has_no_escape_codes_without_colour() {
    let report = repo_report();
    let plain = output::text(&report, false);
    assert!(!plain.contains('\u{1b}'));
    assert!(plain.contains("FAIL"));
    assert!(plain.contains("rce-curl-pipe"));
    assert!(plain.contains("SV-T1-RCE-PIPE-TO-SHELL"));
    // The tag-smuggling fixture's invisible characters are shown escaped, never raw.
    assert!(
        !plain
            .chars()
            .any(|c| ('\u{E0000}'..='\u{E007F}').contains(&c))
    );
    let coloured = output::text(&report, true);
    assert!(coloured.contains("\u{1b}[1;31m"));
}

#[test]
fn fail_on_thresholds() {
    let bad = scan(&fixtures().join("rce-curl-pipe"), &Options::default()).unwrap();
    assert_eq!(bad.verdict, Verdict::Fail);
    assert!(reaches(&bad, FailOn::Fail, Confidence::Medium));
    assert!(reaches(&bad, FailOn::Critical, Confidence::Medium));
    assert!(!reaches(&bad, FailOn::Never, Confidence::Medium));
    let good = scan(&fixtures().join("benign-installer"), &Options::default()).unwrap();
    assert_eq!(good.verdict, Verdict::Pass);
    assert!(!reaches(&good, FailOn::Fail, Confidence::Medium));
    assert!(!reaches(&good, FailOn::Concerns, Confidence::Medium));
    // The vendor installer is still reported, at low severity.
    assert!(reaches(&good, FailOn::Low, Confidence::Low));
}

#[test]
fn committed_rule_catalogue_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/rules.md");
    let generated = catalog::markdown();
    if std::env::var_os("SKILLVET_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/rules.md is stale: run `skillvet rules --format markdown -o docs/rules.md` \
         (or this test with SKILLVET_UPDATE_DOCS=1)"
    );
}
