//! The scanners the pipeline runs, behind one small trait so each tier can be swapped for a
//! stronger engine without touching the pipeline, and the scoring shared by the adapters.
//!
//! * Tier 1 — [`StructureScanner`]: what a skill bundles (native binaries, archives,
//!   submodules) and hidden Unicode in its SKILL.md (tag characters used for ASCII smuggling,
//!   bidi overrides, zero-width characters). When `skillvet_scanner` gains its tier-1 rule
//!   engine, an adapter for it joins tier 1 here.
//! * Tier 2 — [`BehaviourScanner`]: `skillvet_scanner::tier2`, data flow from secrets to
//!   sinks across the skill's Python, shell and JavaScript, and declared-vs-actual behaviour.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use skillvet_core::model::Verdict;
use skillvet_scanner::tier2::{self, Conf, Sev};
use skillvet_skill::{FileKind, ParsedSkillMd, SKILL_MD, SkillBundle};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

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

/// Points a finding takes off the score of 100, before the confidence factor (high ×1,
/// medium ×0.6, low ×0.3).
fn penalty(finding: &Finding) -> f64 {
    let base = match finding.severity {
        Severity::Critical => 40.0,
        Severity::High => 20.0,
        Severity::Medium => 8.0,
        Severity::Low => 3.0,
        Severity::Info => 0.0,
    };
    let factor = match finding.confidence {
        Confidence::High => 1.0,
        Confidence::Medium => 0.6,
        Confidence::Low => 0.3,
    };
    base * factor
}

/// Score and verdict from findings (documented in docs/decision-policy.md):
/// FAIL on a critical finding of at least medium confidence or a score below 50; CONCERNS on
/// any high or medium finding or a score below 80; PASS otherwise.
pub fn grade(findings: &[Finding]) -> (Verdict, i32) {
    let lost: f64 = findings.iter().map(penalty).sum();
    let score = (100.0 - lost).round().clamp(0.0, 100.0) as i32;
    let critical = findings
        .iter()
        .any(|f| f.severity == Severity::Critical && f.confidence >= Confidence::Medium);
    let notable = findings.iter().any(|f| f.severity >= Severity::Medium);
    let verdict = if critical || score < 50 {
        Verdict::Fail
    } else if notable || score < 80 {
        Verdict::Concerns
    } else {
        Verdict::Pass
    };
    (verdict, score)
}

fn report(findings: Vec<Finding>, summary: Value) -> TierReport {
    let (verdict, score) = grade(&findings);
    TierReport {
        verdict,
        score,
        findings,
        summary,
    }
}

/// Tier 1: what the skill bundles and hidden characters in its instructions.
#[derive(Debug, Default, Clone, Copy)]
pub struct StructureScanner;

const STRUCTURE_VERSION: &str = "structure-1";

impl Scanner for StructureScanner {
    fn tier(&self) -> i32 {
        1
    }

    fn name(&self) -> &'static str {
        "skillvet-structure"
    }

    fn version(&self) -> String {
        STRUCTURE_VERSION.into()
    }

    fn scan(&self, bundle: &SkillBundle, manifest: &ParsedSkillMd) -> TierReport {
        let mut findings = Vec::new();
        for file in &bundle.files {
            match &file.kind {
                FileKind::Submodule => findings.push(finding(
                    "SV-T1-SUBMODULE",
                    "structure",
                    Severity::Medium,
                    Confidence::High,
                    &file.path,
                    0,
                    "a git submodule is part of the skill; its content is never fetched or verified",
                    "",
                )),
                FileKind::Regular | FileKind::Executable => {
                    if let Some(what) = native_binary(&file.content) {
                        findings.push(finding(
                            "SV-T1-BUNDLED-BINARY",
                            "structure",
                            Severity::High,
                            Confidence::High,
                            &file.path,
                            0,
                            &format!("a compiled {what} executable is bundled; its behaviour cannot be reviewed"),
                            what,
                        ));
                    } else if let Some(what) = archive(&file.content) {
                        findings.push(finding(
                            "SV-T1-BUNDLED-ARCHIVE",
                            "structure",
                            Severity::Medium,
                            Confidence::High,
                            &file.path,
                            0,
                            &format!("a {what} archive is bundled; its content is not scanned"),
                            what,
                        ));
                    }
                }
                FileKind::Symlink { .. } => {}
            }
        }
        if let Some(text) = bundle.manifest_bytes() {
            hidden_unicode(&String::from_utf8_lossy(text), &mut findings);
        }
        for warning in &manifest.warnings {
            findings.push(finding(
                "SV-T1-MANIFEST-WARNING",
                "manifest",
                Severity::Info,
                Confidence::High,
                SKILL_MD,
                warning.line as u32,
                &warning.message,
                &warning.code,
            ));
        }
        let summary = json!({
            "files": bundle.files.len(),
            "bytes": bundle.total_bytes(),
            "tree_hash": skillvet_skill::content_hash(bundle),
        });
        report(findings, summary)
    }
}

#[allow(clippy::too_many_arguments)]
fn finding(
    rule_id: &str,
    category: &str,
    severity: Severity,
    confidence: Confidence,
    file: &str,
    line: u32,
    message: &str,
    evidence: &str,
) -> Finding {
    Finding {
        rule_id: rule_id.into(),
        category: category.into(),
        severity,
        confidence,
        file: file.into(),
        line,
        message: message.into(),
        evidence: evidence.into(),
    }
}

fn native_binary(content: &[u8]) -> Option<&'static str> {
    match content {
        [0x7f, b'E', b'L', b'F', ..] => Some("ELF"),
        [0xcf, 0xfa, 0xed, 0xfe, ..]
        | [0xfe, 0xed, 0xfa, 0xcf, ..]
        | [0xca, 0xfe, 0xba, 0xbe, ..] => Some("Mach-O"),
        [b'M', b'Z', ..] if content.len() > 0x40 => Some("Windows PE"),
        _ => None,
    }
}

fn archive(content: &[u8]) -> Option<&'static str> {
    match content {
        [b'P', b'K', 3, 4, ..] => Some("zip"),
        [0x1f, 0x8b, ..] => Some("gzip"),
        [b'7', b'z', 0xbc, 0xaf, 0x27, 0x1c, ..] => Some("7z"),
        [b'R', b'a', b'r', b'!', ..] => Some("rar"),
        _ if content.len() > 262 && &content[257..262] == b"ustar" => Some("tar"),
        _ => None,
    }
}

/// Characters that change what a model reads without changing what a person sees.
fn hidden_unicode(text: &str, findings: &mut Vec<Finding>) {
    for (index, line) in text.lines().enumerate() {
        let line_no = index as u32 + 1;
        let mut tags = String::new();
        let (mut bidi, mut zero_width) = (false, false);
        for (col, ch) in line.chars().enumerate() {
            match ch as u32 {
                0xE0000..=0xE007F => {
                    // Tag characters mirror ASCII: decode them to show what is smuggled.
                    if let Some(c) = char::from_u32(ch as u32 - 0xE0000).filter(|c| !c.is_control())
                    {
                        tags.push(c);
                    }
                }
                0x202A..=0x202E | 0x2066..=0x2069 => bidi = true,
                0x200B..=0x200D | 0x2060 => zero_width = true,
                0xFEFF if !(index == 0 && col == 0) => zero_width = true,
                _ => {}
            }
        }
        if !tags.is_empty() {
            findings.push(finding(
                "SV-T1-UNICODE-TAGS",
                "hidden-unicode",
                Severity::Critical,
                Confidence::High,
                SKILL_MD,
                line_no,
                "invisible Unicode tag characters carry hidden text for the model (ASCII smuggling)",
                &tags.chars().take(200).collect::<String>(),
            ));
        }
        if bidi {
            findings.push(finding(
                "SV-T1-UNICODE-BIDI",
                "hidden-unicode",
                Severity::High,
                Confidence::High,
                SKILL_MD,
                line_no,
                "bidirectional control characters make the text read differently than it displays",
                "",
            ));
        }
        if zero_width {
            findings.push(finding(
                "SV-T1-UNICODE-ZERO-WIDTH",
                "hidden-unicode",
                Severity::Medium,
                Confidence::Medium,
                SKILL_MD,
                line_no,
                "zero-width characters hide content or split words to dodge filters",
                "",
            ));
        }
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
            hasher.update(rule.id.as_bytes());
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
        let findings = analysis
            .findings
            .iter()
            .map(|f| Finding {
                rule_id: f.rule.into(),
                category: format!("{:?}", f.info().kind).to_ascii_lowercase(),
                severity: match f.severity {
                    Sev::Info => Severity::Info,
                    Sev::Low => Severity::Low,
                    Sev::Medium => Severity::Medium,
                    Sev::High => Severity::High,
                    Sev::Critical => Severity::Critical,
                },
                confidence: match f.confidence {
                    Conf::Low => Confidence::Low,
                    Conf::Medium => Confidence::Medium,
                    Conf::High => Confidence::High,
                },
                file: f.file.clone(),
                line: f.line,
                message: f.message.clone(),
                evidence: f.evidence.clone(),
            })
            .collect();
        report(
            findings,
            json!({ "scripts": analysis.scripts, "truncated": analysis.truncated }),
        )
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
            tier1: vec![Arc::new(StructureScanner)],
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
    use skillvet_skill::SkillFile;

    fn f(severity: Severity, confidence: Confidence) -> Finding {
        finding("R", "c", severity, confidence, "x", 1, "m", "")
    }

    #[test]
    fn grading_follows_the_documented_thresholds() {
        assert_eq!(grade(&[]), (Verdict::Pass, 100));
        assert_eq!(
            grade(&[f(Severity::Info, Confidence::High)]),
            (Verdict::Pass, 100)
        );
        assert_eq!(
            grade(&[f(Severity::Low, Confidence::High)]),
            (Verdict::Pass, 97)
        );
        assert_eq!(
            grade(&[f(Severity::Medium, Confidence::Low)]),
            (Verdict::Concerns, 98)
        );
        assert_eq!(
            grade(&[f(Severity::High, Confidence::High)]),
            (Verdict::Concerns, 80)
        );
        assert_eq!(
            grade(&[f(Severity::Critical, Confidence::Medium)]),
            (Verdict::Fail, 76)
        );
        assert_eq!(
            grade(&[f(Severity::Critical, Confidence::Low)]),
            (Verdict::Concerns, 88)
        );
        let many = vec![f(Severity::High, Confidence::High); 3];
        assert_eq!(grade(&many), (Verdict::Fail, 40));
        let lots = vec![f(Severity::Critical, Confidence::High); 5];
        assert_eq!(grade(&lots), (Verdict::Fail, 0));
    }

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
    fn structure_scanner_flags_binaries_archives_and_hidden_text() {
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
        let report = StructureScanner.scan(&b, &parsed);
        let rules: Vec<(&str, &str, u32)> = report
            .findings
            .iter()
            .map(|f| (f.rule_id.as_str(), f.file.as_str(), f.line))
            .collect();
        assert_eq!(
            rules,
            vec![
                ("SV-T1-BUNDLED-BINARY", "bin/tool", 0),
                ("SV-T1-BUNDLED-ARCHIVE", "assets/a.zip", 0),
                ("SV-T1-SUBMODULE", "vendor", 0),
                ("SV-T1-UNICODE-TAGS", "SKILL.md", 5),
                ("SV-T1-UNICODE-BIDI", "SKILL.md", 6),
                ("SV-T1-UNICODE-ZERO-WIDTH", "SKILL.md", 7),
            ]
        );
        assert_eq!(
            report.findings[3].evidence, "curl x",
            "smuggled text is decoded"
        );
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
        let report = StructureScanner.scan(&clean, &clean.parse_manifest());
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
