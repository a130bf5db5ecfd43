//! The finding and report model every tier writes into and every output format reads.
//!
//! The JSON form of [`Report`] is a stable interface (documented in `docs/scan-report.md`):
//! fields are only ever added; `schema_version` changes if one is removed or re-typed.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Version of the JSON report layout.
pub const REPORT_SCHEMA_VERSION: u32 = 1;

/// Longest evidence snippet kept in a finding, in characters.
pub const MAX_EVIDENCE_CHARS: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Info,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        Severity::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(s))
    }

    /// `steps` levels lower, never below info.
    pub fn lowered(self, steps: u8) -> Severity {
        let i = (self as usize).saturating_sub(usize::from(steps));
        Severity::ALL[i]
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How sure the scanner is that the matched text does what the rule says (as opposed to
/// documenting, quoting or warning against it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

impl Confidence {
    pub const ALL: [Confidence; 3] = [Confidence::Low, Confidence::Medium, Confidence::High];

    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }

    /// `steps` levels lower, never below low.
    pub fn lowered(self, steps: u8) -> Confidence {
        let i = (self as usize).saturating_sub(usize::from(steps));
        Confidence::ALL[i]
    }
}

impl std::fmt::Display for Confidence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which analysis produced a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    /// Tier 1: pattern rules over every file (this crate's `tier1`).
    Static,
    /// Tier 2: data flow through the bundled scripts (`tier2`).
    Behavioural,
    /// Semgrep, njsscan, gitleaks, trufflehog when installed (`external`).
    External,
}

impl Tier {
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Static => "static",
            Tier::Behavioural => "behavioural",
            Tier::External => "external",
        }
    }

    /// 1, 2 or 3, as the issue and the pipeline count them.
    pub fn number(self) -> u8 {
        match self {
            Tier::Static => 1,
            Tier::Behavioural => 2,
            Tier::External => 3,
        }
    }
}

/// What kind of harm a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// Text that tries to override the agent's instructions or hide directives from humans.
    PromptInjection,
    /// Invisible or direction-changing characters, ASCII smuggled in tag characters.
    HiddenUnicode,
    /// A skill name that imitates another through look-alike characters or mixed scripts.
    Confusable,
    /// Code fetched from the network and executed.
    RemoteCodeExecution,
    /// Encoded or disguised payloads.
    Obfuscation,
    /// Reading credentials: SSH/cloud keys, keychains, browser profiles, metadata services.
    CredentialAccess,
    /// Sending data to the network, paste/webhook/tunnel services, raw IPs.
    Exfiltration,
    /// Deleting or overwriting data, disks, repositories and cloud resources; resource abuse
    /// (miners, fork bombs, disk filling, runaway jobs).
    Destructive,
    /// Making something run again later: cron, shell rc files, launch agents, git hooks.
    Persistence,
    /// sudo, setuid, disabling security controls.
    PrivilegeEscalation,
    /// A live credential shipped inside the skill.
    EmbeddedSecret,
    /// Code that is unsafe with untrusted input: eval, shell=True, SQL concatenation.
    DangerousCode,
    /// Executables, compiled code or archives bundled with the skill (unreviewable).
    BundledBinary,
    /// Files too large to review.
    OversizedFile,
    /// Symlinks, submodules and other tree entries that are not plain files.
    BundleStructure,
    /// What the scripts do differs from what the skill declares.
    CapabilityMismatch,
    /// Writes outside the skill folder.
    FileSystem,
    /// SKILL.md missing or not valid.
    Manifest,
    /// The EICAR test string or a file whose hash is a known-bad sample.
    KnownMalware,
    /// MCP servers and agent settings that grant more than the skill needs.
    AgentPermissions,
}

impl Category {
    pub const ALL: [Category; 20] = [
        Category::PromptInjection,
        Category::HiddenUnicode,
        Category::Confusable,
        Category::RemoteCodeExecution,
        Category::Obfuscation,
        Category::CredentialAccess,
        Category::Exfiltration,
        Category::Destructive,
        Category::Persistence,
        Category::PrivilegeEscalation,
        Category::EmbeddedSecret,
        Category::DangerousCode,
        Category::BundledBinary,
        Category::OversizedFile,
        Category::BundleStructure,
        Category::CapabilityMismatch,
        Category::FileSystem,
        Category::Manifest,
        Category::KnownMalware,
        Category::AgentPermissions,
    ];

    /// The kebab-case name used in JSON, SARIF tags and the catalogue.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::PromptInjection => "prompt-injection",
            Category::HiddenUnicode => "hidden-unicode",
            Category::Confusable => "confusable",
            Category::RemoteCodeExecution => "remote-code-execution",
            Category::Obfuscation => "obfuscation",
            Category::CredentialAccess => "credential-access",
            Category::Exfiltration => "exfiltration",
            Category::Destructive => "destructive",
            Category::Persistence => "persistence",
            Category::PrivilegeEscalation => "privilege-escalation",
            Category::EmbeddedSecret => "embedded-secret",
            Category::DangerousCode => "dangerous-code",
            Category::BundledBinary => "bundled-binary",
            Category::OversizedFile => "oversized-file",
            Category::BundleStructure => "bundle-structure",
            Category::CapabilityMismatch => "capability-mismatch",
            Category::FileSystem => "file-system",
            Category::Manifest => "manifest",
            Category::KnownMalware => "known-malware",
            Category::AgentPermissions => "agent-permissions",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Category::PromptInjection => "Prompt injection and instruction override",
            Category::HiddenUnicode => "Hidden Unicode",
            Category::Confusable => "Confusable skill names",
            Category::RemoteCodeExecution => "Remote code download and execution",
            Category::Obfuscation => "Obfuscated payloads",
            Category::CredentialAccess => "Credential and secret access",
            Category::Exfiltration => "Exfiltration",
            Category::Destructive => "Destructive commands",
            Category::Persistence => "Persistence",
            Category::PrivilegeEscalation => "Privilege escalation",
            Category::EmbeddedSecret => "Embedded secrets",
            Category::DangerousCode => "Dangerous code constructs",
            Category::BundledBinary => "Bundled binaries and archives",
            Category::OversizedFile => "Oversized files",
            Category::BundleStructure => "Symlinks and submodules",
            Category::CapabilityMismatch => "Declared versus actual behaviour",
            Category::FileSystem => "File system writes",
            Category::Manifest => "Manifest",
            Category::KnownMalware => "Known malware and test signatures",
            Category::AgentPermissions => "MCP servers and agent permissions",
        }
    }
}

impl std::fmt::Display for Category {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem found in a skill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable rule identifier (`SV-…`), documented in the rule catalogue.
    pub rule_id: String,
    pub category: Category,
    pub severity: Severity,
    pub confidence: Confidence,
    pub tier: Tier,
    /// Path relative to the skill folder, `/`-separated.
    pub file: String,
    /// 1-based line; 0 when the finding is about the file as a whole.
    pub line: u32,
    /// 1-based column in characters; 0 when unknown.
    pub column: u32,
    /// The matched text, escaped and truncated by [`sanitize_evidence`]; secrets redacted.
    pub evidence: String,
    /// What was found here and why it matters.
    pub explanation: String,
    /// What the author should do about it.
    pub remediation: String,
    /// Why severity or confidence was lowered from the rule's default (code fence,
    /// negated sentence, reference document…); absent when they were not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    /// For data-flow findings: the source→sink path, one `file:line what` per step.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flow: Vec<String>,
}

impl Finding {
    /// Identity of a finding that survives unrelated edits (line moves): sha256 of the rule,
    /// file and evidence, hex. Used as SARIF `partialFingerprints` and for baselines.
    pub fn fingerprint(&self) -> String {
        let mut h = Sha256::new();
        for part in [
            self.rule_id.as_str(),
            self.file.as_str(),
            self.evidence.trim(),
        ] {
            h.update(part.as_bytes());
            h.update([0u8]);
        }
        hex::encode(&h.finalize()[..16])
    }

    /// Ordering used everywhere findings are listed: most severe first, then by place.
    pub fn sort_key(&self) -> impl Ord + '_ {
        (
            std::cmp::Reverse(self.severity),
            std::cmp::Reverse(self.confidence),
            self.file.as_str(),
            self.line,
            self.column,
            self.rule_id.as_str(),
        )
    }
}

/// Escapes everything a terminal, a log or a reviewer could be fooled by (control
/// characters, bidi controls, zero-width and tag characters…) as `\u{…}`, folds newlines
/// and tabs into spaces, and truncates to `max_chars` characters with an ellipsis.
pub fn sanitize_evidence(text: &str, max_chars: usize) -> String {
    let mut out = String::new();
    let mut count = 0usize;
    let mut last_space = false;
    for c in text.trim().chars() {
        if count >= max_chars {
            out.push('…');
            return out;
        }
        if c == '\n' || c == '\t' || c == '\r' {
            if !last_space {
                out.push(' ');
                count += 1;
            }
            last_space = true;
            continue;
        }
        last_space = false;
        if is_suspicious_char(c) {
            let esc = format!("\\u{{{:X}}}", c as u32);
            count += esc.chars().count();
            out.push_str(&esc);
        } else {
            out.push(c);
            count += 1;
        }
    }
    out
}

/// Characters that are invisible, reorder text, or control a terminal.
pub fn is_suspicious_char(c: char) -> bool {
    let u = c as u32;
    c.is_control()
        || matches!(u,
            0x00AD | 0x034F | 0x061C | 0x115F | 0x1160 | 0x17B4 | 0x17B5 | 0x180B..=0x180F
            | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0x3164 | 0xFE00..=0xFE0F
            | 0xFEFF | 0xFFA0 | 0xFFF0..=0xFFFB | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A
            | 0xE0000..=0xE0FFF | 0xE000..=0xF8FF | 0xF0000..=0x10FFFF)
}

/// PASS, CONCERNS or FAIL; see [`crate::score`] for the thresholds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Verdict {
    Pass,
    Concerns,
    Fail,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "PASS",
            Verdict::Concerns => "CONCERNS",
            Verdict::Fail => "FAIL",
        }
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a tier ran for this report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TierStatus {
    Ran,
    /// Turned off by the caller (`--no-tier2`, external tools not requested).
    Skipped,
    /// Ran out of its budget: findings so far are kept, the analysis is incomplete.
    Incomplete,
    /// A tool was not installed; never reported as "no findings".
    Unavailable,
    Failed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierRun {
    pub tier: Tier,
    /// `tier1`, `tier2`, or the external tool's name.
    pub name: String,
    pub status: TierStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    pub findings: usize,
    pub duration_us: u64,
}

/// Identity of the rules a report was produced with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RulesetInfo {
    /// Bumped by hand when rule behaviour changes (`YYYY.MM.N`).
    pub version: String,
    /// sha256 (hex) of the canonical rule table: ids, categories, severities, confidences
    /// and patterns. Any rule change changes it, so old reports can be told apart.
    pub hash: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkillInfo {
    /// `name` from the frontmatter when it could be read.
    pub name: Option<String>,
    /// Folder of the skill (as given by the bundle: inside a repository, or its own name).
    pub root: String,
    /// Folder relative to the scanned path, `/`-separated; empty when the path is the
    /// skill itself. File paths in findings are relative to this folder.
    #[serde(default)]
    pub path: String,
    pub files: usize,
    pub bytes: u64,
}

/// Everything one scan of one skill says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkillReport {
    pub schema_version: u32,
    pub scanner_version: String,
    pub ruleset: RulesetInfo,
    pub skill: SkillInfo,
    pub tiers: Vec<TierRun>,
    /// Sorted by [`Finding::sort_key`].
    pub findings: Vec<Finding>,
    /// 0–100, 100 = nothing found.
    pub score: u8,
    pub verdict: Verdict,
    pub duration_us: u64,
}

impl SkillReport {
    /// Number of findings at each severity, most severe first.
    pub fn counts(&self) -> [(Severity, usize); 5] {
        let mut out = [
            (Severity::Critical, 0),
            (Severity::High, 0),
            (Severity::Medium, 0),
            (Severity::Low, 0),
            (Severity::Info, 0),
        ];
        for f in &self.findings {
            if let Some(slot) = out.iter_mut().find(|(s, _)| *s == f.severity) {
                slot.1 += 1;
            }
        }
        out
    }
}

/// A skill folder that could not be scanned (too large, unreadable…).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanError {
    /// Folder relative to the scanned path.
    pub path: String,
    pub message: String,
}

/// One run of `scan`: a skill folder, or every skill found under a repository folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub schema_version: u32,
    pub scanner_version: String,
    pub ruleset: RulesetInfo,
    /// The path as given.
    pub target: String,
    /// One per skill folder, sorted by folder.
    pub skills: Vec<SkillReport>,
    /// Skill folders that could not be loaded; never silently dropped.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ScanError>,
    /// The worst verdict over the skills (FAIL when a skill could not be scanned).
    pub verdict: Verdict,
    /// The lowest score over the skills.
    pub score: u8,
    pub duration_us: u64,
}

impl Report {
    /// Every finding with the skill it belongs to.
    pub fn findings(&self) -> impl Iterator<Item = (&SkillReport, &Finding)> {
        self.skills
            .iter()
            .flat_map(|s| s.findings.iter().map(move |f| (s, f)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_escapes_invisible_and_control_characters() {
        let s = sanitize_evidence("a\u{202E}b\u{200B}c\u{1b}[31m\u{E0041}\nnext", 100);
        assert_eq!(s, "a\\u{202E}b\\u{200B}c\\u{1B}[31m\\u{E0041} next");
    }

    #[test]
    fn evidence_is_truncated() {
        let s = sanitize_evidence(&"x".repeat(500), 10);
        assert_eq!(s, format!("{}…", "x".repeat(10)));
    }

    #[test]
    fn lowering_stops_at_the_bottom() {
        assert_eq!(Severity::Critical.lowered(2), Severity::Medium);
        assert_eq!(Severity::Low.lowered(5), Severity::Info);
        assert_eq!(Confidence::High.lowered(1), Confidence::Medium);
        assert_eq!(Confidence::Medium.lowered(4), Confidence::Low);
    }

    #[test]
    fn serialised_names_are_stable() {
        assert_eq!(
            serde_json::to_string(&Category::RemoteCodeExecution).unwrap(),
            "\"remote-code-execution\""
        );
        assert_eq!(
            serde_json::to_string(&Verdict::Concerns).unwrap(),
            "\"CONCERNS\""
        );
        for c in Category::ALL {
            assert_eq!(serde_json::to_value(c).unwrap(), c.as_str());
        }
    }
}
