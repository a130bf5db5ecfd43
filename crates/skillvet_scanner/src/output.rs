//! Report formats: human text (colours only when asked, i.e. on a terminal), JSON (the
//! [`Report`] itself), and SARIF 2.1.0 for GitHub code scanning and other CI tools.

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::catalog;
use crate::model::{Finding, Report, Severity, TierStatus, Verdict};
use crate::tier2::judge;

pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

pub fn json(report: &Report) -> String {
    let mut s = serde_json::to_string_pretty(report).expect("a report serialises");
    s.push('\n');
    s
}

fn paint(colour: bool, code: &str, text: &str) -> String {
    if colour {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_owned()
    }
}

fn severity_colour(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "1;31",
        Severity::High => "31",
        Severity::Medium => "33",
        Severity::Low => "36",
        Severity::Info => "2",
    }
}

fn verdict_colour(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "1;32",
        Verdict::Concerns => "1;33",
        Verdict::Fail => "1;31",
    }
}

/// Human-readable report. Evidence is already escaped (no raw control characters reach the
/// terminal), so colour codes are the only escapes printed, and only when `colour`.
pub fn text(report: &Report, colour: bool) -> String {
    let mut s = String::new();
    for skill in &report.skills {
        let name = skill.skill.name.as_deref().unwrap_or("?");
        let place = if skill.skill.path.is_empty() {
            skill.skill.root.clone()
        } else {
            skill.skill.path.clone()
        };
        let _ = writeln!(
            s,
            "{} {:>3}/100  {}  ({name}, {} files)",
            paint(
                colour,
                verdict_colour(skill.verdict),
                &format!("{:<8}", skill.verdict.as_str())
            ),
            skill.score,
            paint(colour, "1", &place),
            skill.skill.files
        );
        for f in &skill.findings {
            finding_text(&mut s, f, colour);
        }
        for t in &skill.tiers {
            // The judge's answer is always shown: "benign" from a model is worth seeing.
            if let Some(d) = &t.detail
                && (!matches!(t.status, TierStatus::Ran) || t.name == judge::RUN_NAME)
            {
                let _ = writeln!(s, "    note: {} {}: {d}", t.name, status_word(t.status));
            }
        }
    }
    for e in &report.errors {
        let _ = writeln!(
            s,
            "{} {}: {}",
            paint(colour, verdict_colour(Verdict::Fail), "ERROR   "),
            e.path,
            e.message
        );
    }
    let mut counts = [0usize; 5];
    for (_, f) in report.findings() {
        counts[f.severity as usize] += 1;
    }
    let per = |v: Verdict| report.skills.iter().filter(|r| r.verdict == v).count();
    let _ = writeln!(
        s,
        "\n{} skill(s): {} PASS, {} CONCERNS, {} FAIL{}; findings: {} critical, {} high, {} medium, {} low, {} info",
        report.skills.len(),
        per(Verdict::Pass),
        per(Verdict::Concerns),
        per(Verdict::Fail),
        if report.errors.is_empty() {
            String::new()
        } else {
            format!(", {} not scanned", report.errors.len())
        },
        counts[4],
        counts[3],
        counts[2],
        counts[1],
        counts[0]
    );
    let _ = writeln!(
        s,
        "rule set {} ({}), {}",
        report.ruleset.version,
        &report.ruleset.hash[..12],
        report.scanner_version
    );
    s
}

fn finding_text(s: &mut String, f: &Finding, colour: bool) {
    let at = if f.line == 0 {
        f.file.clone()
    } else if f.column == 0 {
        format!("{}:{}", f.file, f.line)
    } else {
        format!("{}:{}:{}", f.file, f.line, f.column)
    };
    let _ = writeln!(
        s,
        "  {} {} {}  {}",
        paint(
            colour,
            severity_colour(f.severity),
            &format!("{:<8}", f.severity.as_str())
        ),
        f.rule_id,
        paint(colour, "2", &format!("({} confidence)", f.confidence)),
        at
    );
    if !f.evidence.is_empty() {
        let _ = writeln!(s, "      > {}", f.evidence);
    }
    let _ = writeln!(s, "      {}", f.explanation);
    if let Some(c) = &f.context {
        let _ = writeln!(s, "      {}", paint(colour, "2", &format!("context: {c}")));
    }
    for step in &f.flow {
        let _ = writeln!(s, "      flow: {step}");
    }
    let _ = writeln!(s, "      fix: {}", f.remediation);
}

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub's `security-severity` property (0–10) for a severity.
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

/// SARIF 2.1.0: one run, every catalogued rule in `tool.driver.rules` (external tools'
/// rules added as they appear), one result per finding with its physical location
/// relative to the scanned folder.
pub fn sarif(report: &Report) -> String {
    let mut rules: Vec<Value> = Vec::new();
    let mut index: Vec<String> = Vec::new();
    let mut rule_json = |id: &str| -> usize {
        if let Some(i) = index.iter().position(|x| x == id) {
            return i;
        }
        let doc = catalog::find(id);
        let (title, desc, remedy, sev, cat) = match doc {
            Some(d) => (
                d.title.clone(),
                d.description.clone(),
                d.remediation.clone(),
                d.severity,
                d.category.as_str(),
            ),
            None => (
                id.to_owned(),
                id.to_owned(),
                String::new(),
                Severity::Medium,
                "external",
            ),
        };
        rules.push(json!({
            "id": id,
            "name": title.replace(' ', ""),
            "shortDescription": { "text": title },
            "fullDescription": { "text": desc },
            "help": { "text": remedy, "markdown": format!("**{title}**\n\n{desc}\n\n*Remediation:* {remedy}") },
            "helpUri": format!("https://github.com/skillvet/skillvet/blob/main/docs/rules.md#{}", cat),
            "defaultConfiguration": { "level": sarif_level(sev) },
            "properties": {
                "tags": ["security", cat],
                "security-severity": security_severity(sev),
            },
        }));
        index.push(id.to_owned());
        index.len() - 1
    };
    for r in catalog::rules().iter().filter(|r| !r.id.ends_with('*')) {
        rule_json(&r.id);
    }
    let mut results = Vec::new();
    for (skill, f) in report.findings() {
        let i = rule_json(&f.rule_id);
        let uri = if skill.skill.path.is_empty() {
            f.file.clone()
        } else {
            format!("{}/{}", skill.skill.path, f.file)
        };
        let mut region = json!({ "startLine": f.line.max(1) });
        if f.column > 0 {
            region["startColumn"] = json!(f.column);
        }
        if !f.evidence.is_empty() {
            region["snippet"] = json!({ "text": f.evidence });
        }
        let mut message = f.explanation.clone();
        if let Some(c) = &f.context {
            message.push_str(&format!(" (Context: {c}.)"));
        }
        results.push(json!({
            "ruleId": f.rule_id,
            "ruleIndex": i,
            "level": sarif_level(f.severity),
            "message": { "text": message },
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": { "uri": uri, "uriBaseId": "%SRCROOT%" },
                    "region": region,
                }
            }],
            "partialFingerprints": { "skillvet/v1": f.fingerprint() },
            "properties": {
                "severity": f.severity,
                "confidence": f.confidence,
                "tier": f.tier,
                "category": f.category,
                "skill": skill.skill.name,
                "security-severity": security_severity(f.severity),
            },
        }));
    }
    let doc = json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "skillvet",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://github.com/skillvet/skillvet",
                    "rules": rules,
                    "properties": { "ruleset": report.ruleset },
                }
            },
            "invocations": [{
                "executionSuccessful": report.errors.is_empty(),
                "toolExecutionNotifications": notifications(report),
            }],
            "originalUriBaseIds": { "%SRCROOT%": { "description": { "text": "The scanned folder" } } },
            "results": results,
            "properties": {
                "verdict": report.verdict,
                "skills": report.skills.iter().map(|s| json!({
                    "path": s.skill.path, "name": s.skill.name, "verdict": s.verdict, "score": s.score,
                })).collect::<Vec<_>>(),
            },
        }],
    });
    let mut s = serde_json::to_string_pretty(&doc).expect("sarif serialises");
    s.push('\n');
    s
}

/// Skill folders that could not be scanned (errors), and analyses that did not run to the
/// end for a skill (warnings: an unavailable tool, a failed LLM judge…), so that a
/// missing opinion is never mistaken for a clean one.
fn notifications(report: &Report) -> Vec<Value> {
    let errors = report.errors.iter().map(|e| {
        json!({
            "level": "error",
            "message": { "text": format!("{}: {}", e.path, e.message) },
        })
    });
    let runs = report.skills.iter().flat_map(|s| {
        s.tiers
            .iter()
            .filter(|t| matches!(t.status, TierStatus::Failed | TierStatus::Unavailable))
            .map(move |t| {
                let place = if s.skill.path.is_empty() {
                    s.skill.root.as_str()
                } else {
                    s.skill.path.as_str()
                };
                json!({
                    "level": "warning",
                    "descriptor": { "id": t.name },
                    "message": { "text": format!(
                        "{place}: {} {}: {}",
                        t.name,
                        status_word(t.status),
                        t.detail.as_deref().unwrap_or("")
                    ) },
                })
            })
    });
    errors.chain(runs).collect()
}

fn status_word(s: TierStatus) -> &'static str {
    match s {
        TierStatus::Ran => "ran",
        TierStatus::Skipped => "skipped",
        TierStatus::Incomplete => "incomplete",
        TierStatus::Unavailable => "unavailable",
        TierStatus::Failed => "failed",
    }
}
