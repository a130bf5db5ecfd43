//! Score and verdict: the one place that turns findings into PASS / CONCERNS / FAIL.
//!
//! **Score** starts at 100. Each finding costs `WEIGHT[severity] × FACTOR[confidence]`
//! points:
//!
//! | severity | weight |   | confidence | factor |
//! |----------|-------:|---|------------|-------:|
//! | critical |     40 |   | high       |    1.0 |
//! | high     |     15 |   | medium     |    0.5 |
//! | medium   |      5 |   | low        |    0.1 |
//! | low      |      1 |   |            |        |
//! | info     |      0 |   |            |        |
//!
//! Repeats of one rule count less and less: within a rule, costs are sorted from largest
//! and the k-th (0-based) is halved k times, so one rule can cost at most twice its worst
//! finding. A skill that mentions `sudo` forty times is not forty times as dangerous.
//! The score is rounded and clamped to 0–100.
//!
//! **Verdict**, first rule that applies:
//! 1. FAIL — a critical finding with high confidence; or two different rules with critical
//!    findings of medium confidence; or an **attack chain**: findings of at least high
//!    severity and medium confidence in two different [`Stage`]s of an attack (access to
//!    secrets, exfiltration, execution of fetched or hidden code, control — persistence,
//!    privilege, safeguards —, impact, evasion — concealment, obfuscation —, injection),
//!    both in one file or both in the skill's active files (SKILL.md and scripts, not
//!    reference documents) — in SKILL.md one of the two may be a medium *enabler*, an
//!    instruction that takes over the agent (injection) or hides a step from the user
//!    (evasion); or a score below [`FAIL_BELOW`]. One stage alone is what
//!    security-teaching skills talk about; a key read and a paste site in one instruction,
//!    or a step the user must not be told about, is what attackers write. A chain is also
//!    reported as its own finding ([`CHAIN_RULE`], critical, high confidence) by
//!    [`add_chain`], so a registry can act on it as on any confirmed critical finding.
//!    A confirmed **instruction takeover** in SKILL.md also fails on its own: an
//!    injection finding of at least high severity and medium confidence there (a claim to
//!    outrank the user or the system, an identity swap, untrusted content obeyed). Context
//!    lowers quotations, tables and security lessons below that before the verdict.
//! 2. CONCERNS — a critical finding of at least medium confidence; a high finding of at
//!    least medium confidence; enablers of both kinds in SKILL.md; or a score below
//!    [`CONCERNS_BELOW`].
//! 3. PASS — otherwise (low/info findings, or high and critical ones the scanner judges to
//!    be quotations or documentation: low confidence).

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{Category, Confidence, Finding, Severity, Verdict};

/// Scores under this fail.
pub const FAIL_BELOW: u8 = 40;
/// Scores under this raise concerns.
pub const CONCERNS_BELOW: u8 = 75;

pub fn weight(s: Severity) -> f64 {
    match s {
        Severity::Critical => 40.0,
        Severity::High => 15.0,
        Severity::Medium => 5.0,
        Severity::Low => 1.0,
        Severity::Info => 0.0,
    }
}

pub fn factor(c: Confidence) -> f64 {
    match c {
        Confidence::High => 1.0,
        Confidence::Medium => 0.5,
        Confidence::Low => 0.1,
    }
}

/// 0–100 from the findings (see the module docs).
pub fn score(findings: &[Finding]) -> u8 {
    let mut per_rule: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for f in findings {
        per_rule
            .entry(f.rule_id.as_str())
            .or_default()
            .push(weight(f.severity) * factor(f.confidence));
    }
    let mut lost = 0.0;
    for costs in per_rule.values_mut() {
        costs.sort_by(|a, b| b.total_cmp(a));
        let mut scale = 1.0;
        for c in costs.iter() {
            lost += c * scale;
            scale /= 2.0;
        }
    }
    (100.0 - lost).round().clamp(0.0, 100.0) as u8
}

const JUDGE_PREFIX: &str = crate::tier2::judge::RULE_PREFIX;

/// Rule id of the finding [`add_chain`] reports for an attack chain.
pub const CHAIN_RULE: &str = "SV-CHAIN-ATTACK";

/// A step of an attack on the user, as finding categories map to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// Reading secrets or private data.
    Access,
    /// Sending data away.
    Exfiltration,
    /// Running fetched or hidden code.
    Execution,
    /// Persistence, privilege, turned-off safeguards.
    Control,
    /// Destroying data.
    Impact,
    /// Hiding from the user or from review: concealment, obfuscation, invisible text.
    Evasion,
    /// Taking over the agent's instructions.
    Injection,
}

impl Stage {
    pub fn of(c: Category) -> Option<Stage> {
        Some(match c {
            Category::CredentialAccess => Stage::Access,
            Category::Exfiltration => Stage::Exfiltration,
            Category::RemoteCodeExecution => Stage::Execution,
            Category::Persistence | Category::PrivilegeEscalation => Stage::Control,
            Category::Destructive => Stage::Impact,
            Category::Obfuscation | Category::HiddenUnicode => Stage::Evasion,
            Category::PromptInjection => Stage::Injection,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Access => "access to secrets",
            Stage::Exfiltration => "exfiltration",
            Stage::Execution => "execution of fetched or hidden code",
            Stage::Control => "control (persistence, privilege, safeguards)",
            Stage::Impact => "destruction",
            Stage::Evasion => "evasion (concealment, obfuscation)",
            Stage::Injection => "instruction takeover",
        }
    }
}

/// Reference documents are read on demand and mostly quote; scripts and SKILL.md act.
fn is_active_file(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower == "skill.md"
        || !(lower.ends_with(".md") || lower.ends_with(".txt") || lower.ends_with(".rst"))
}

/// Rules whose findings hide a step from the user: the evasion stage, whatever their
/// category says.
const CONCEALING: &[&str] = &["SV-T1-INT-CONCEALMENT", "SV-T1-INJ-CONCEALMENT"];

/// The attack stage of a finding.
pub fn stage_of(f: &Finding) -> Option<Stage> {
    if CONCEALING.contains(&f.rule_id.as_str()) {
        return Some(Stage::Evasion);
    }
    Stage::of(f.category)
}

fn is_strong(f: &Finding) -> bool {
    f.severity >= Severity::High && f.confidence >= Confidence::Medium
}

/// An instruction in SKILL.md that takes over the agent or hides from the user: not harm
/// by itself, but it turns any harmful step beside it into an attack.
fn is_enabler(f: &Finding, stage: Stage) -> bool {
    matches!(stage, Stage::Injection | Stage::Evasion)
        && f.file.eq_ignore_ascii_case("SKILL.md")
        && f.severity >= Severity::Medium
        && f.confidence >= Confidence::Medium
}

/// The two findings that make an attack chain, if any (see the module docs): two stages,
/// one of them strong, the other strong too or an enabler in SKILL.md.
pub fn find_chain(findings: &[Finding]) -> Option<(&Finding, &Finding)> {
    let staged: Vec<(Stage, &Finding, bool)> = findings
        .iter()
        // The LLM judge reads hostile text; its findings are capped below critical and
        // must not be raised back to a confirmed attack by pairing them.
        .filter(|f| f.rule_id != CHAIN_RULE && !f.rule_id.starts_with(JUDGE_PREFIX))
        .filter_map(|f| stage_of(f).map(|s| (s, f)))
        .filter(|(s, f)| is_strong(f) || is_enabler(f, *s))
        .map(|(s, f)| (s, f, is_strong(f)))
        .collect();
    let mut best: Option<(&Finding, &Finding)> = None;
    for (i, (sa, a, strong_a)) in staged.iter().enumerate() {
        for (sb, b, strong_b) in &staged[i + 1..] {
            let together = a.file == b.file || (is_active_file(&a.file) && is_active_file(&b.file));
            if sa != sb && together && (*strong_a || *strong_b) {
                let worse = |x: &Finding, y: &Finding| {
                    (x.severity, x.confidence) > (y.severity, y.confidence)
                };
                match best {
                    Some((x, y)) if !(worse(a, x) || worse(b, y)) => {}
                    _ => best = Some((a, b)),
                }
            }
        }
    }
    best
}

/// A confirmed instruction takeover in SKILL.md's own text: a claim to outrank the user or
/// the system, an identity swap, untrusted content given command — at high severity and
/// medium confidence, so not a quotation, a table or a security lesson (those are lowered
/// before). The skill's instructions are what the agent obeys; taking them over is the
/// attack itself (OWASP LLM01), and no benign skill of the corpora writes one.
fn is_takeover(f: &Finding) -> bool {
    stage_of(f) == Some(Stage::Injection)
        && f.file.eq_ignore_ascii_case("SKILL.md")
        && f.severity >= Severity::High
        && f.confidence >= Confidence::Medium
        && !f.rule_id.starts_with(JUDGE_PREFIX)
}

/// Two enablers of different stages in SKILL.md (a claim of authority and a step kept
/// from the user): no harm named yet, but not what an honest skill writes.
fn enablers_pair(findings: &[Finding]) -> bool {
    let stages: BTreeSet<Stage> = findings
        .iter()
        .filter(|f| !f.rule_id.starts_with(JUDGE_PREFIX))
        .filter_map(|f| stage_of(f).map(|s| (s, f)))
        .filter(|(s, f)| is_enabler(f, *s))
        .map(|(s, _)| s)
        .collect();
    stages.len() >= 2
}

/// Adds one [`CHAIN_RULE`] finding when the findings form an attack chain and none is
/// there yet. Its category is the later stage's (exfiltration over access…).
pub fn add_chain(findings: &mut Vec<Finding>) {
    if findings.iter().any(|f| f.rule_id == CHAIN_RULE) {
        return;
    }
    let Some((a, b)) = find_chain(findings) else {
        return;
    };
    let (first, second) = {
        let (sa, sb) = (stage_of(a), stage_of(b));
        if sa > sb { (b, a) } else { (a, b) }
    };
    let place = |f: &Finding| format!("{}:{} {}", f.file, f.line, f.rule_id);
    let stage = |f: &Finding| stage_of(f).map_or("", Stage::as_str);
    let chain = Finding {
        rule_id: CHAIN_RULE.to_owned(),
        category: second.category,
        severity: Severity::Critical,
        confidence: Confidence::High,
        tier: first.tier.max(second.tier),
        file: second.file.clone(),
        line: second.line,
        column: second.column,
        evidence: format!("{} + {}", place(first), place(second)),
        explanation: format!(
            "Two stages of one attack: {} ({}) and {} ({}). Each alone can be documentation; together they are what a malicious skill does.",
            stage(first),
            first.explanation.split(". ").next().unwrap_or(""),
            stage(second),
            second.explanation.split(". ").next().unwrap_or(""),
        ),
        remediation:
            "Remove the steps that read, hide or send the user's data; a skill must not do either."
                .to_owned(),
        context: None,
        flow: vec![place(first), place(second)],
    };
    findings.push(chain);
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

/// Verdict from the findings and their score (see the module docs).
pub fn verdict(findings: &[Finding], score: u8) -> Verdict {
    let sure_critical = findings
        .iter()
        .any(|f| f.severity == Severity::Critical && f.confidence == Confidence::High);
    let medium_critical_rules: BTreeSet<&str> = findings
        .iter()
        .filter(|f| f.severity == Severity::Critical && f.confidence >= Confidence::Medium)
        .map(|f| f.rule_id.as_str())
        .collect();
    if sure_critical
        || medium_critical_rules.len() >= 2
        || findings.iter().any(is_takeover)
        || find_chain(findings).is_some()
        || score < FAIL_BELOW
    {
        return Verdict::Fail;
    }
    let concerning = findings
        .iter()
        .any(|f| f.severity >= Severity::High && f.confidence >= Confidence::Medium);
    if concerning || enablers_pair(findings) || score < CONCERNS_BELOW {
        Verdict::Concerns
    } else {
        Verdict::Pass
    }
}

/// Score and verdict together.
pub fn grade(findings: &[Finding]) -> (u8, Verdict) {
    let s = score(findings);
    (s, verdict(findings, s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Category, Tier};

    fn f(rule: &str, severity: Severity, confidence: Confidence) -> Finding {
        Finding {
            rule_id: rule.into(),
            category: Category::Destructive,
            severity,
            confidence,
            tier: Tier::Static,
            file: "SKILL.md".into(),
            line: 1,
            column: 1,
            evidence: String::new(),
            explanation: String::new(),
            remediation: String::new(),
            context: None,
            flow: Vec::new(),
        }
    }

    #[test]
    fn nothing_found_passes_with_100() {
        assert_eq!(grade(&[]), (100, Verdict::Pass));
    }

    #[test]
    fn a_sure_critical_fails() {
        let (s, v) = grade(&[f("A", Severity::Critical, Confidence::High)]);
        assert_eq!((s, v), (60, Verdict::Fail));
    }

    #[test]
    fn an_unsure_critical_raises_concerns_two_fail() {
        let one = [f("A", Severity::Critical, Confidence::Medium)];
        assert_eq!(grade(&one), (80, Verdict::Concerns));
        let two = [
            f("A", Severity::Critical, Confidence::Medium),
            f("B", Severity::Critical, Confidence::Medium),
        ];
        assert_eq!(grade(&two), (60, Verdict::Fail));
    }

    #[test]
    fn repeats_of_one_rule_are_damped() {
        let many: Vec<Finding> = (0..40)
            .map(|_| f("SUDO", Severity::Low, Confidence::High))
            .collect();
        // 1 + 0.5 + 0.25 + … < 2
        assert_eq!(grade(&many), (98, Verdict::Pass));
        let distinct: Vec<Finding> = (0..6)
            .map(|i| f(&format!("R{i}"), Severity::High, Confidence::High))
            .collect();
        assert_eq!(grade(&distinct), (10, Verdict::Fail));
    }

    #[test]
    fn unsure_high_findings_pass_sure_ones_concern() {
        assert_eq!(
            grade(&[f("A", Severity::High, Confidence::Low)]),
            (99, Verdict::Pass)
        );
        assert_eq!(
            grade(&[f("A", Severity::High, Confidence::Medium)]),
            (93, Verdict::Concerns)
        );
    }

    #[test]
    fn two_stages_of_one_attack_in_one_file_fail() {
        let at = |rule: &str, category, file: &str| Finding {
            category,
            file: file.into(),
            ..f(rule, Severity::High, Confidence::Medium)
        };
        let chain = [
            at("SSH", Category::CredentialAccess, "SKILL.md"),
            at("WEBHOOK", Category::Exfiltration, "SKILL.md"),
        ];
        assert_eq!(grade(&chain).1, Verdict::Fail);
        let apart = [
            at("SSH", Category::CredentialAccess, "SKILL.md"),
            at("WEBHOOK", Category::Exfiltration, "references/notes.md"),
        ];
        assert_eq!(grade(&apart).1, Verdict::Concerns);
        let one_stage = [
            at("SSH", Category::CredentialAccess, "SKILL.md"),
            at("AWS", Category::CredentialAccess, "SKILL.md"),
        ];
        assert_eq!(grade(&one_stage).1, Verdict::Concerns);
    }

    #[test]
    fn a_takeover_or_a_hidden_step_beside_a_harmful_one_fails() {
        let at = |rule: &str, category, sev| Finding {
            category,
            ..f(rule, sev, Confidence::Medium)
        };
        let authority = at(
            "SV-T1-INT-AUTHORITY",
            Category::PromptInjection,
            Severity::Medium,
        );
        let hidden = at(
            "SV-T1-INT-CONCEALMENT",
            Category::PromptInjection,
            Severity::Medium,
        );
        let harm = at("SAFEGUARDS", Category::PrivilegeEscalation, Severity::High);
        assert_eq!(grade(&[authority.clone(), harm.clone()]).1, Verdict::Fail);
        assert_eq!(grade(&[hidden.clone(), harm.clone()]).1, Verdict::Fail);
        // Concealment is evasion, authority is injection: two enablers are a concern, not
        // yet an attack.
        assert_eq!(
            grade(&[authority.clone(), hidden.clone()]).1,
            Verdict::Concerns
        );
        assert_eq!(grade(std::slice::from_ref(&authority)).1, Verdict::Pass);
        // Enablers count only in SKILL.md, where the agent reads them as orders.
        let in_docs = Finding {
            file: "references/notes.md".into(),
            ..authority
        };
        assert_eq!(grade(&[in_docs, harm]).1, Verdict::Concerns);
    }

    #[test]
    fn a_confirmed_takeover_in_skill_md_fails_alone() {
        let claim = Finding {
            category: Category::PromptInjection,
            ..f("SV-T1-INT-AUTHORITY", Severity::High, Confidence::Medium)
        };
        assert_eq!(grade(std::slice::from_ref(&claim)).1, Verdict::Fail);
        // Lowered by context (a quotation, a lesson) it is a concern at most.
        let quoted = Finding {
            confidence: Confidence::Low,
            ..claim.clone()
        };
        assert_ne!(grade(&[quoted]).1, Verdict::Fail);
        // Reference documents are read on demand, not obeyed.
        let in_docs = Finding {
            file: "references/attacks.md".into(),
            ..claim
        };
        assert_eq!(grade(&[in_docs]).1, Verdict::Concerns);
    }

    #[test]
    fn many_medium_findings_lower_the_score_into_concerns() {
        let v: Vec<Finding> = (0..6)
            .map(|i| f(&format!("R{i}"), Severity::Medium, Confidence::High))
            .collect();
        assert_eq!(grade(&v), (70, Verdict::Concerns));
    }
}
