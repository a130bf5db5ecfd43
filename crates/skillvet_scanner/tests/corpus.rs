//! False positives on real benign skills (`../shared/corpus/benign`, 80 security-auditing
//! skills that talk about exploits, injection and secrets): the full scan (tier 1 + tier 2)
//! must not FAIL any of them. CONCERNS are counted and bounded so regressions show.

use std::path::{Path, PathBuf};

use skillvet_scanner::{Options, Verdict, scan};

fn corpus() -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus/benign/trailofbits-skills");
    assert!(
        p.is_dir(),
        "corpus missing at {} (see ../shared/README.md)",
        p.display()
    );
    p
}

/// Most CONCERNS verdicts accepted on the corpus (measured: see the closing note).
const MAX_CONCERNS: usize = 3;

#[test]
fn no_benign_corpus_skill_fails() {
    let report = scan(&corpus(), &Options::default()).expect("scan corpus");
    assert_eq!(report.skills.len(), 80, "the corpus holds 80 skills");
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let mut failed = Vec::new();
    let mut concerns = Vec::new();
    for s in &report.skills {
        let worst: Vec<String> = s
            .findings
            .iter()
            .filter(|f| f.severity >= skillvet_scanner::Severity::High)
            .map(|f| {
                format!(
                    "    {} {}/{} {}:{} {}",
                    f.rule_id, f.severity, f.confidence, f.file, f.line, f.evidence
                )
            })
            .collect();
        let line = format!(
            "{} score {} {}\n{}",
            s.skill.root,
            s.score,
            s.verdict,
            worst.join("\n")
        );
        match s.verdict {
            Verdict::Fail => failed.push(line),
            Verdict::Concerns => concerns.push(line),
            Verdict::Pass => {}
        }
    }
    println!(
        "corpus: {} skills, {} FAIL, {} CONCERNS, {} PASS",
        report.skills.len(),
        failed.len(),
        concerns.len(),
        report.skills.len() - failed.len() - concerns.len()
    );
    for c in &concerns {
        println!("CONCERNS {c}");
    }
    assert!(failed.is_empty(), "false FAILs:\n{}", failed.join("\n"));
    assert!(
        concerns.len() <= MAX_CONCERNS,
        "{} CONCERNS (more than {MAX_CONCERNS})",
        concerns.len()
    );
}

/// The project's own tuning split (`corpus/tuning`, see corpus/README.md): floors under
/// which a change to the rules is a regression. The holdout split is deliberately not
/// checked here — it stays out of tuning; `cargo run -p skillvet_scanner --bin quality`
/// reports it.
const MIN_TUNING_FLAGGED: f64 = 0.85;
const MIN_TUNING_FAIL: f64 = 0.55;
const MAX_TUNING_BENIGN_CONCERNS: usize = 4;

fn verdicts(dir: &Path) -> Vec<(String, Verdict)> {
    let mut out = Vec::new();
    let mut groups: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read corpus split")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    groups.sort();
    for g in groups {
        let mut cases: Vec<PathBuf> = std::fs::read_dir(&g)
            .expect("read group")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.join("SKILL.md").is_file())
            .collect();
        cases.sort();
        for c in cases {
            let report = scan(&c, &Options::default()).expect("scan case");
            let skill = report.skills.first().expect("one skill per case");
            out.push((c.display().to_string(), skill.verdict));
        }
    }
    out
}

#[test]
fn tuning_split_recall_and_false_positives_stay_above_their_floors() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus/tuning");
    let bad = verdicts(&root.join("malicious"));
    let good = verdicts(&root.join("benign"));
    assert!(bad.len() >= 100 && good.len() >= 100, "corpus missing");
    let share = |v: &[(String, Verdict)], f: fn(Verdict) -> bool| {
        v.iter().filter(|(_, x)| f(*x)).count() as f64 / v.len() as f64
    };
    let flagged = share(&bad, |v| v != Verdict::Pass);
    let failed = share(&bad, |v| v == Verdict::Fail);
    let benign_fail: Vec<&String> = good
        .iter()
        .filter(|(_, v)| *v == Verdict::Fail)
        .map(|(p, _)| p)
        .collect();
    let benign_concerns = good.iter().filter(|(_, v)| *v == Verdict::Concerns).count();
    println!(
        "tuning: malicious {} flagged {:.1}% FAIL {:.1}%; benign {} FAIL {} CONCERNS {}",
        bad.len(),
        flagged * 100.0,
        failed * 100.0,
        good.len(),
        benign_fail.len(),
        benign_concerns
    );
    assert!(flagged >= MIN_TUNING_FLAGGED, "flagged {flagged:.3}");
    assert!(failed >= MIN_TUNING_FAIL, "FAIL {failed:.3}");
    assert!(benign_fail.is_empty(), "benign FAIL: {benign_fail:?}");
    assert!(benign_concerns <= MAX_TUNING_BENIGN_CONCERNS);
}
