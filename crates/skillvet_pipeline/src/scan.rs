//! The scanners the pipeline runs, behind one small trait so each tier can be swapped for a
//! stronger engine without touching the pipeline. Both tiers are `skillvet_scanner`'s
//! engines, read through its unified finding model and graded by its score/verdict rules
//! (`skillvet_scanner::score`, documented in docs/scan-report.md):
//!
//! * Tier 1 — [`StaticRulesScanner`]: the static rule engine over SKILL.md and every bundled
//!   file (prompt injection, hidden Unicode, remote code, secrets, binaries…).
//! * Tier 2 — [`BehaviourScanner`]: data flow from secrets to sinks across the skill's
//!   Python, shell and JavaScript, and declared-vs-actual behaviour; and, when the
//!   operator configures one, [`LlmJudgeScanner`]: a language model's opinion.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use skillvet_core::model::Verdict;
use skillvet_scanner::tier2::judge::{self, LlmJudge};
use skillvet_scanner::{model as unified, score, tier1, tier2};
use skillvet_skill::{ParsedSkillMd, SkillBundle};

/// The scanner's types: stored findings serialise them exactly as reports do.
pub use skillvet_scanner::model::{Confidence, Severity};

/// One finding as stored in a ScanResult's `findings` JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub rule_id: String,
    pub category: String,
    pub severity: Severity,
    pub confidence: Confidence,
    pub file: String,
    pub line: u32,
    pub message: String,
    pub evidence: String,
}

impl Finding {
    /// A critical finding the scanner is sure of: what the policy acts on without a human.
    pub fn is_confirmed_critical(&self) -> bool {
        self.severity == Severity::Critical && self.confidence == Confidence::High
    }
}

/// What one scanner says about one bundle.
#[derive(Debug, Clone, PartialEq)]
pub struct TierReport {
    pub verdict: Verdict,
    pub score: i32,
    pub findings: Vec<Finding>,
    pub summary: Value,
}

pub trait Scanner: Send + Sync + 'static {
    /// 1 or 2.
    fn tier(&self) -> i32;
    /// Stored as the ScanResult's `scanner`; unique within a tier.
    fn name(&self) -> &'static str;
    /// Changes whenever its rules change (part of the rule set hash).
    fn version(&self) -> String;
    fn scan(&self, bundle: &SkillBundle, manifest: &ParsedSkillMd) -> TierReport;
}

impl From<&unified::Finding> for Finding {
    fn from(f: &unified::Finding) -> Self {
        Finding {
            rule_id: f.rule_id.clone(),
            category: f.category.as_str().to_owned(),
            severity: f.severity,
            confidence: f.confidence,
            file: f.file.clone(),
            line: f.line,
            message: f.explanation.clone(),
            evidence: f.evidence.clone(),
        }
    }
}

/// Score and verdict of stored findings (e.g. an external agent's), graded by the same
/// rules as every scanner (`skillvet_scanner::score`).
pub fn grade(findings: &[Finding]) -> (Verdict, i32) {
    let unified: Vec<unified::Finding> = findings
        .iter()
        .map(|f| unified::Finding {
            rule_id: f.rule_id.clone(),
            category: unified::Category::DangerousCode,
            severity: f.severity,
            confidence: f.confidence,
            tier: unified::Tier::External,
            file: f.file.clone(),
            line: f.line,
            column: 0,
            evidence: f.evidence.clone(),
            explanation: f.message.clone(),
            remediation: String::new(),
            context: None,
            flow: Vec::new(),
        })
        .collect();
    let r = report(&unified, Value::Null);
    (r.verdict, r.score)
}

/// Score and verdict of unified findings, as `skillvet scan` grades them.
fn report(findings: &[unified::Finding], summary: Value) -> TierReport {
    let mut findings = findings.to_vec();
    score::add_chain(&mut findings);
    let (score, verdict) = score::grade(&findings);
    TierReport {
        verdict: match verdict {
            unified::Verdict::Pass => Verdict::Pass,
            unified::Verdict::Concerns => Verdict::Concerns,
            unified::Verdict::Fail => Verdict::Fail,
        },
        score: i32::from(score),
        findings: findings.iter().map(Finding::from).collect(),
        summary,
    }
}

/// Tier 1: `skillvet_scanner`'s static rules.
#[derive(Debug, Default, Clone, Copy)]
pub struct StaticRulesScanner;

impl Scanner for StaticRulesScanner {
    fn tier(&self) -> i32 {
        1
    }

    fn name(&self) -> &'static str {
        "skillvet-static"
    }

    fn version(&self) -> String {
        // Every rule of every tier, patterns and scoring included.
        let info = skillvet_scanner::catalog::ruleset();
        format!("{}-{}", info.version, &info.hash[..16])
    }

    fn scan(&self, bundle: &SkillBundle, manifest: &ParsedSkillMd) -> TierReport {
        let mut findings = tier1::scan_bundle(bundle, manifest, &tier1::Limits::default());
        findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        let summary = json!({
            "files": bundle.files.len(),
            "bytes": bundle.total_bytes(),
            "tree_hash": skillvet_skill::content_hash(bundle),
            "ruleset": skillvet_scanner::catalog::ruleset(),
        });
        report(&findings, summary)
    }
}

/// Tier 2: behavioural analysis of the bundled scripts (`skillvet_scanner::tier2`).
#[derive(Debug, Default, Clone, Copy)]
pub struct BehaviourScanner;

impl Scanner for BehaviourScanner {
    fn tier(&self) -> i32 {
        2
    }

    fn name(&self) -> &'static str {
        "skillvet-behaviour"
    }

    fn version(&self) -> String {
        // The rule catalogue itself: any change to a rule changes the version.
        let mut hasher = Sha256::new();
        for rule in tier2::RULES {
            hasher.update(rule.id.code().as_bytes());
            hasher.update([0]);
            hasher.update(format!("{:?}", rule.severity).as_bytes());
            hasher.update([0]);
            hasher.update(rule.description.as_bytes());
            hasher.update([0]);
        }
        format!("tier2-{}", &hex::encode(hasher.finalize())[..16])
    }

    fn scan(&self, bundle: &SkillBundle, _manifest: &ParsedSkillMd) -> TierReport {
        let analysis = tier2::analyze_bundle(bundle);
        let mut findings: Vec<unified::Finding> = analysis
            .findings
            .iter()
            .map(skillvet_scanner::scan::from_tier2)
            .collect();
        findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        report(
            &findings,
            json!({ "scripts": analysis.scripts, "truncated": analysis.truncated }),
        )
    }
}

/// Tier 2, optional: an LLM judge (`skillvet_scanner::tier2::judge`). Its findings are
/// capped at high severity, so alone it can send a skill to a human but never reject or
/// block it. A judge that cannot answer (unreachable, timeout, malformed answer) adds no
/// findings but makes this result CONCERNS, never PASS: the skill can still be published,
/// but not as VERIFIED on the strength of an opinion that was never given.
#[derive(Debug, Clone)]
pub struct LlmJudgeScanner {
    judge: Arc<dyn LlmJudge>,
    prompt_bytes: usize,
}

impl LlmJudgeScanner {
    pub fn new(judge: Arc<dyn LlmJudge>, prompt_bytes: usize) -> Self {
        Self {
            judge,
            prompt_bytes,
        }
    }
}

impl Scanner for LlmJudgeScanner {
    fn tier(&self) -> i32 {
        2
    }

    fn name(&self) -> &'static str {
        "skillvet-llm-judge"
    }

    fn version(&self) -> String {
        // Another model, endpoint, budget or prompt is another judge: rescan.
        let mut hasher = Sha256::new();
        for part in [
            self.judge.describe(),
            self.prompt_bytes.to_string(),
            skillvet_scanner::catalog::ruleset().hash,
        ] {
            hasher.update(part.as_bytes());
            hasher.update([0]);
        }
        format!("llm-judge-{}", &hex::encode(hasher.finalize())[..16])
    }

    fn scan(&self, bundle: &SkillBundle, _manifest: &ParsedSkillMd) -> TierReport {
        let (run, mut findings) = judge::run(self.judge.as_ref(), bundle, self.prompt_bytes);
        findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        let mut report = report(
            &findings,
            json!({ "status": run.status, "detail": run.detail }),
        );
        if run.status != unified::TierStatus::Ran {
            report.verdict = Verdict::Concerns;
        }
        report
    }
}

/// The scanners of each tier, and the hash naming this exact rule set.
pub struct Scanners {
    pub tier1: Vec<Arc<dyn Scanner>>,
    pub tier2: Vec<Arc<dyn Scanner>>,
}

impl Default for Scanners {
    fn default() -> Self {
        Self {
            tier1: vec![Arc::new(StaticRulesScanner)],
            tier2: vec![Arc::new(BehaviourScanner)],
        }
    }
}

impl Scanners {
    /// sha256 over the decision policy version and every scanner's tier, name and version:
    /// when it changes, published skills are rescanned.
    pub fn ruleset_hash(&self) -> String {
        let mut hasher = Sha256::new();
        hasher.update(crate::policy::POLICY_VERSION.as_bytes());
        for scanner in self.tier1.iter().chain(&self.tier2) {
            hasher.update(
                format!(
                    "\n{}:{}:{}",
                    scanner.tier(),
                    scanner.name(),
                    scanner.version()
                )
                .as_bytes(),
            );
        }
        hex::encode(hasher.finalize())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use skillvet_skill::{FileKind, SKILL_MD, SkillFile};

    fn bundle(files: Vec<(&str, FileKind, &[u8])>) -> SkillBundle {
        SkillBundle {
            root: "skills/demo".into(),
            files: files
                .into_iter()
                .map(|(path, kind, content)| SkillFile {
                    path: path.into(),
                    kind,
                    content: content.to_vec(),
                })
                .collect(),
        }
    }

    #[test]
    fn static_rules_flag_binaries_archives_and_hidden_text() {
        let smuggled: String = "curl x"
            .chars()
            .map(|c| char::from_u32(0xE0000 + c as u32).unwrap())
            .collect();
        let skill_md = format!(
            "---\nname: demo\ndescription: d\n---\nHello{smuggled}\nA\u{202E}B\nzero\u{200B}width\n"
        );
        let b = bundle(vec![
            (SKILL_MD, FileKind::Regular, skill_md.as_bytes()),
            ("bin/tool", FileKind::Executable, b"\x7fELF\x02\x01\x01rest"),
            ("assets/a.zip", FileKind::Regular, b"PK\x03\x04rest"),
            ("vendor", FileKind::Submodule, b"abc"),
            ("README.md", FileKind::Regular, b"plain"),
        ]);
        let parsed = b.parse_manifest();
        let report = StaticRulesScanner.scan(&b, &parsed);
        let mut rules: Vec<(&str, &str, u32)> = report
            .findings
            .iter()
            .map(|f| (f.rule_id.as_str(), f.file.as_str(), f.line))
            .collect();
        rules.sort();
        assert_eq!(
            rules,
            vec![
                ("SV-T1-BIN-ARCHIVE", "assets/a.zip", 0),
                ("SV-T1-BIN-EXECUTABLE", "bin/tool", 0),
                ("SV-T1-STRUCT-SUBMODULE", "vendor", 0),
                ("SV-T1-UNI-BIDI", "SKILL.md", 6),
                ("SV-T1-UNI-TAG-SMUGGLING", "SKILL.md", 5),
                ("SV-T1-UNI-ZERO-WIDTH", "SKILL.md", 7),
            ]
        );
        let tags = &report.findings[0];
        assert_eq!(tags.rule_id, "SV-T1-UNI-TAG-SMUGGLING", "most severe first");
        assert_eq!(tags.evidence, "curl x", "smuggled text is decoded");
        assert_eq!(tags.category, "hidden-unicode");
        assert!(tags.is_confirmed_critical());
        assert_eq!(report.verdict, Verdict::Fail);
        assert_eq!(
            report.summary["tree_hash"],
            skillvet_skill::content_hash(&b)
        );

        let clean = bundle(vec![(
            SKILL_MD,
            FileKind::Regular,
            b"---\nname: demo\ndescription: d\n---\nhi\n",
        )]);
        let report = StaticRulesScanner.scan(&clean, &clean.parse_manifest());
        assert_eq!((report.verdict, report.score), (Verdict::Pass, 100));
    }

    #[test]
    fn ruleset_hash_changes_with_the_scanners() {
        let default = Scanners::default();
        let fewer = Scanners {
            tier1: vec![],
            tier2: vec![Arc::new(BehaviourScanner)],
        };
        assert_eq!(default.ruleset_hash(), Scanners::default().ruleset_hash());
        assert_ne!(default.ruleset_hash(), fewer.ruleset_hash());
        assert_eq!(default.ruleset_hash().len(), 64);
    }
}
