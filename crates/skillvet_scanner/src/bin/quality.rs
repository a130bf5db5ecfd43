//! The scanner's gate measured on labelled skills: `cargo run --release -p skillvet_scanner
//! --bin quality`. Reads `corpus/{tuning,holdout}/{malicious,benign}/<group>/<skill>/`
//! (the label is the path, see `corpus/README.md`) and the real benign skills of
//! `../shared/corpus/benign`, scans each skill alone with the default options (tier 1 +
//! tier 2), and prints recall and FAIL rate per malicious class and FAIL / CONCERNS per
//! benign source. Cases it got wrong are listed for the tuning split only: the holdout
//! split is scored, never read while writing rules.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use serde::Serialize;
use skillvet_scanner::{Options, Severity, SkillReport, Verdict, scan};

#[derive(Parser)]
#[command(about = "Recall and false positives of the scanner on the labelled corpus")]
struct Args {
    /// The labelled corpus (holds `tuning/` and `holdout/`).
    #[arg(long)]
    corpus: Option<PathBuf>,
    /// Folder of real benign skills scored as one more benign source per subfolder.
    #[arg(long)]
    shared: Option<PathBuf>,
    /// Print one JSON document instead of tables.
    #[arg(long)]
    json: bool,
    /// Also list the holdout cases that were got wrong (only for a final check: reading
    /// them while writing rules turns the holdout into tuning data).
    #[arg(long)]
    show_holdout: bool,
    /// Exit 1 unless every split meets the goals (recall ≥ 0.95, FAIL ≥ 0.80 of malicious,
    /// benign FAIL ≤ 1 %, benign CONCERNS ≤ 5 %).
    #[arg(long)]
    check: bool,
    /// Print every finding of these skill folders instead of scoring the corpus.
    #[arg(long, num_args = 1..)]
    explain: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
enum Label {
    Malicious,
    Benign,
}

struct Case {
    split: String,
    label: Label,
    group: String,
    path: PathBuf,
}

#[derive(Default, Serialize, Clone)]
struct Tally {
    cases: usize,
    fail: usize,
    concerns: usize,
}

impl Tally {
    fn add(&mut self, v: Verdict) {
        self.cases += 1;
        match v {
            Verdict::Fail => self.fail += 1,
            Verdict::Concerns => self.concerns += 1,
            Verdict::Pass => {}
        }
    }
    fn flagged(&self) -> usize {
        self.fail + self.concerns
    }
    fn ratio(n: usize, d: usize) -> f64 {
        if d == 0 { 0.0 } else { n as f64 / d as f64 }
    }
}

#[derive(Serialize)]
struct Miss {
    case: String,
    verdict: Verdict,
    score: u8,
    top: Vec<String>,
}

#[derive(Serialize, Default)]
struct SplitResult {
    malicious: BTreeMap<String, Tally>,
    benign: BTreeMap<String, Tally>,
    malicious_total: Tally,
    benign_total: Tally,
    recall: f64,
    fail_rate: f64,
    benign_fail_rate: f64,
    benign_concerns_rate: f64,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    wrong: Vec<Miss>,
}

impl SplitResult {
    fn finish(&mut self) {
        for t in self.malicious.values() {
            add_tally(&mut self.malicious_total, t);
        }
        for t in self.benign.values() {
            add_tally(&mut self.benign_total, t);
        }
        let m = &self.malicious_total;
        let b = &self.benign_total;
        self.recall = Tally::ratio(m.flagged(), m.cases);
        self.fail_rate = Tally::ratio(m.fail, m.cases);
        self.benign_fail_rate = Tally::ratio(b.fail, b.cases);
        self.benign_concerns_rate = Tally::ratio(b.concerns, b.cases);
    }

    fn meets_goals(&self) -> bool {
        (self.malicious_total.cases == 0 || (self.recall >= 0.95 && self.fail_rate >= 0.80))
            && self.benign_fail_rate <= 0.01
            && self.benign_concerns_rate <= 0.05
    }
}

fn add_tally(into: &mut Tally, t: &Tally) {
    into.cases += t.cases;
    into.fail += t.fail;
    into.concerns += t.concerns;
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn subdirs(p: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(p)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.path())
        .collect();
    v.sort();
    v
}

fn name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// `corpus/<split>/<label>/<group>/<skill>/`.
fn labelled_cases(corpus: &Path) -> Vec<Case> {
    let mut out = Vec::new();
    for split in subdirs(corpus) {
        for (label, dir) in [(Label::Malicious, "malicious"), (Label::Benign, "benign")] {
            for group in subdirs(&split.join(dir)) {
                for case in subdirs(&group) {
                    if case.join("SKILL.md").is_file() {
                        out.push(Case {
                            split: name(&split),
                            label,
                            group: name(&group),
                            path: case,
                        });
                    }
                }
            }
        }
    }
    out
}

/// Every skill folder under each subfolder of `shared` is a benign case of source
/// `shared/<subfolder>`.
fn shared_cases(shared: &Path) -> Vec<Case> {
    let mut out = Vec::new();
    for source in subdirs(shared) {
        let dirs = skillvet_skill::local::find_skill_dirs(&source).unwrap_or_default();
        for d in dirs {
            out.push(Case {
                split: "shared".into(),
                label: Label::Benign,
                group: name(&source),
                path: d,
            });
        }
    }
    out
}

fn top_findings(r: &SkillReport) -> Vec<String> {
    r.findings
        .iter()
        .filter(|f| f.severity >= Severity::Medium)
        .take(4)
        .map(|f| {
            format!(
                "{} {}/{} {}:{}",
                f.rule_id, f.severity, f.confidence, f.file, f.line
            )
        })
        .collect()
}

fn explain(paths: &[PathBuf]) -> ExitCode {
    for p in paths {
        match scan(p, &Options::default()) {
            Ok(r) => {
                for s in &r.skills {
                    println!("{} {} {}", p.display(), s.verdict, s.score);
                    for f in &s.findings {
                        println!(
                            "  {} {}/{} {}:{} {}",
                            f.rule_id, f.severity, f.confidence, f.file, f.line, f.evidence
                        );
                        if let Some(c) = &f.context {
                            println!("      ({c})");
                        }
                    }
                }
            }
            Err(e) => println!("{}: {e}", p.display()),
        }
    }
    ExitCode::SUCCESS
}

fn main() -> ExitCode {
    let args = Args::parse();
    if !args.explain.is_empty() {
        return explain(&args.explain);
    }
    let corpus = args.corpus.unwrap_or_else(|| repo_root().join("corpus"));
    let shared = args
        .shared
        .unwrap_or_else(|| repo_root().join("../shared/corpus/benign"));
    if !corpus.is_dir() {
        eprintln!("quality: no corpus at {}", corpus.display());
        return ExitCode::from(2);
    }
    let mut cases = labelled_cases(&corpus);
    cases.extend(shared_cases(&shared));
    if cases.is_empty() {
        eprintln!("quality: no cases under {}", corpus.display());
        return ExitCode::from(2);
    }
    skillvet_scanner::tier1::warm_up();
    let opts = Options::default();
    let mut splits: BTreeMap<String, SplitResult> = BTreeMap::new();
    let started = Instant::now();
    let mut errors = Vec::new();
    for c in &cases {
        let report = match scan(&c.path, &opts) {
            Ok(r) => r,
            Err(e) => {
                errors.push(format!("{}: {e}", c.path.display()));
                continue;
            }
        };
        let Some(skill) = report.skills.first() else {
            errors.push(format!("{}: {:?}", c.path.display(), report.errors));
            continue;
        };
        let split = splits.entry(c.split.clone()).or_default();
        let groups = match c.label {
            Label::Malicious => &mut split.malicious,
            Label::Benign => &mut split.benign,
        };
        groups
            .entry(c.group.clone())
            .or_default()
            .add(skill.verdict);
        let wrong = match c.label {
            Label::Malicious => skill.verdict == Verdict::Pass,
            Label::Benign => skill.verdict != Verdict::Pass,
        };
        let listed = c.split != "holdout" || args.show_holdout;
        if wrong && listed {
            let rel = c
                .path
                .strip_prefix(&corpus)
                .or_else(|_| c.path.strip_prefix(&shared))
                .unwrap_or(&c.path);
            split.wrong.push(Miss {
                case: rel.display().to_string(),
                verdict: skill.verdict,
                score: skill.score,
                top: top_findings(skill),
            });
        }
    }
    let elapsed = started.elapsed();
    for s in splits.values_mut() {
        s.finish();
    }
    let ok = splits.values().all(SplitResult::meets_goals) && errors.is_empty();
    if args.json {
        let doc = serde_json::json!({
            "cases": cases.len(),
            "seconds": elapsed.as_secs_f64(),
            "splits": splits,
            "errors": errors,
        });
        println!("{}", serde_json::to_string_pretty(&doc).expect("json"));
    } else {
        print_tables(&splits, cases.len(), elapsed.as_secs_f64());
        for e in &errors {
            println!("error: {e}");
        }
    }
    if args.check && !ok {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn pct(x: f64) -> String {
    format!("{:5.1}%", x * 100.0)
}

fn print_tables(splits: &BTreeMap<String, SplitResult>, cases: usize, seconds: f64) {
    println!(
        "{cases} skills scanned in {seconds:.2} s ({:.0} skills/s, one thread, from disk)\n",
        cases as f64 / seconds
    );
    for (name, s) in splits {
        println!("== {name}");
        if !s.malicious.is_empty() {
            println!(
                "  {:<28} {:>5} {:>8} {:>8} {:>7} {:>7}",
                "malicious class", "cases", "flagged", "FAIL", "recall", "fail"
            );
            for (g, t) in &s.malicious {
                println!(
                    "  {:<28} {:>5} {:>8} {:>8} {} {}",
                    g,
                    t.cases,
                    t.flagged(),
                    t.fail,
                    pct(Tally::ratio(t.flagged(), t.cases)),
                    pct(Tally::ratio(t.fail, t.cases))
                );
            }
            let m = &s.malicious_total;
            println!(
                "  {:<28} {:>5} {:>8} {:>8} {} {}",
                "ALL",
                m.cases,
                m.flagged(),
                m.fail,
                pct(s.recall),
                pct(s.fail_rate)
            );
        }
        println!(
            "  {:<28} {:>5} {:>8} {:>8}",
            "benign source", "cases", "FAIL", "CONCERNS"
        );
        for (g, t) in &s.benign {
            println!("  {:<28} {:>5} {:>8} {:>8}", g, t.cases, t.fail, t.concerns);
        }
        let b = &s.benign_total;
        println!(
            "  {:<28} {:>5} {:>8} {:>8}   benign FAIL {} CONCERNS {}",
            "ALL",
            b.cases,
            b.fail,
            b.concerns,
            pct(s.benign_fail_rate),
            pct(s.benign_concerns_rate)
        );
        println!(
            "  goals (recall ≥ 95%, FAIL ≥ 80%, benign FAIL ≤ 1%, CONCERNS ≤ 5%): {}",
            if s.meets_goals() { "met" } else { "NOT met" }
        );
        for w in &s.wrong {
            println!("  wrong: {} {} {}", w.case, w.verdict, w.score);
            for t in &w.top {
                println!("      {t}");
            }
        }
        println!();
    }
}
