//! The decision policy: from stored scan results to a decision and, for what is published, a
//! certification tier and a trust score with its components. Pure and deterministic — the
//! pipeline recomputes it from the stored results after a crash and gets the same answer.
//! The rules are written out for people in `docs/decision-policy.md`; keep them in step.

use serde::Serialize;
use skillvet_core::model::{CertTier, ScanResult, Verdict};

use skillvet_scanner::{model as unified, score};

use crate::scan::{Confidence, Finding, Severity};

/// Part of the rule set hash: changing the policy rescans published skills.
pub const POLICY_VERSION: &str = "policy-3";

/// Finding categories whose confirmed critical findings show intent (stealing, remote
/// control, hiding): the skill is BLOCKED, not merely REJECTED.
/// Names are `skillvet_scanner::model::Category`'s; the older spellings keep results stored
/// before the unified model readable.
const MALICIOUS_CATEGORIES: &[&str] = &[
    "exfiltration",
    "credential-access",
    "remote-code-execution",
    "obfuscation",
    "persistence",
    "hidden-unicode",
    "prompt-injection",
    "credentialaccess",
    "remotecode",
];

/// Lowest score of a CONCERNS result that may still be published without a human.
pub const MIN_AUTO_PUBLISH_SCORE: i32 = 60;
/// Lowest trust score of VERIFIED (and CERTIFIED).
pub const MIN_VERIFIED_SCORE: i32 = 80;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PolicyConfig {
    /// Publishers the operator vouches for: `owner` or `owner/repo` (lower case). Only they
    /// can reach CERTIFIED.
    pub trusted_publishers: Vec<String>,
}

impl PolicyConfig {
    pub fn is_trusted(&self, owner: &str, repo: &str) -> bool {
        let (owner, repo) = (owner.to_ascii_lowercase(), repo.to_ascii_lowercase());
        let full = format!("{owner}/{repo}");
        self.trusted_publishers
            .iter()
            .any(|p| p.eq_ignore_ascii_case(&owner) || p.eq_ignore_ascii_case(&full))
    }
}

/// The points that make up a trust score (0–100).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TrustComponents {
    /// 0–40: the tier-1 scores (lowest), × 0.4.
    pub static_analysis: i32,
    /// 0–40: the tier-2 scores (lowest), × 0.4.
    pub behaviour: i32,
    /// 0–10: 10 for a SKILL.md without warnings, 5 otherwise.
    pub manifest: i32,
    /// 0–10: 10 for an operator-trusted publisher, 5 otherwise.
    pub provenance: i32,
}

impl TrustComponents {
    pub fn total(&self) -> i32 {
        (self.static_analysis + self.behaviour + self.manifest + self.provenance).clamp(0, 100)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Certification {
    pub tier: CertTier,
    pub trust_score: i32,
    pub components: TrustComponents,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum Decision {
    Block { reason: String },
    Reject { reason: String },
    Review { reason: String },
    Publish(Certification),
}

/// A stored scan result with its findings read back.
#[derive(Debug, Clone, PartialEq)]
pub struct TierResult {
    pub tier: i32,
    pub scanner: String,
    pub verdict: Verdict,
    pub score: i32,
    pub findings: Vec<Finding>,
}

impl TierResult {
    /// Reads a stored result; findings that cannot be read make the result unusable.
    pub fn from_stored(result: &ScanResult) -> Result<Self, String> {
        let findings = serde_json::from_value(result.findings.clone()).map_err(|e| {
            format!(
                "findings of scan result {} ({}) cannot be read: {e}",
                result.id, result.scanner
            )
        })?;
        Ok(Self {
            tier: result.tier,
            scanner: result.scanner.clone(),
            verdict: result.verdict,
            score: result.score,
            findings,
        })
    }
}

/// After tier 1: `None` to go on to tier 2, or the decision that ends a failed tier 1.
pub fn after_tier1(tier1: &[TierResult]) -> Option<Decision> {
    failed(tier1, 1)
}

/// The final decision once both tiers have run.
pub fn decide(
    tier1: &[TierResult],
    tier2: &[TierResult],
    manifest_warnings: usize,
    trusted_publisher: bool,
) -> Decision {
    if let Some(decision) = failed(tier1, 1).or_else(|| failed(tier2, 2)) {
        return decision;
    }
    if let Some((a, b)) = cross_tier_chain(tier1, tier2) {
        return Decision::Block {
            reason: format!(
                "tiers 1 and 2: an attack chain: {} + {}",
                describe(a),
                describe(b)
            ),
        };
    }
    let all = || tier1.iter().chain(tier2);
    if let Some(f) = all()
        .flat_map(|r| &r.findings)
        .find(|f| f.severity >= Severity::High && f.confidence == Confidence::High)
    {
        return Decision::Review {
            reason: format!("a high-severity finding needs a human: {}", describe(f)),
        };
    }
    if let Some(low) = all().find(|r| r.score < MIN_AUTO_PUBLISH_SCORE) {
        return Decision::Review {
            reason: format!(
                "{} scored {} (below {MIN_AUTO_PUBLISH_SCORE}); a human decides",
                low.scanner, low.score
            ),
        };
    }
    let components = components(tier1, tier2, manifest_warnings, trusted_publisher);
    let trust_score = components.total();
    let clean = all().all(|r| r.verdict == Verdict::Pass);
    let tier = match (
        clean && trust_score >= MIN_VERIFIED_SCORE,
        trusted_publisher,
    ) {
        (true, true) => CertTier::Certified,
        (true, false) => CertTier::Verified,
        (false, _) => CertTier::Scanned,
    };
    Decision::Publish(Certification {
        tier,
        trust_score,
        components,
    })
}

fn components(
    tier1: &[TierResult],
    tier2: &[TierResult],
    manifest_warnings: usize,
    trusted_publisher: bool,
) -> TrustComponents {
    let lowest = |results: &[TierResult]| results.iter().map(|r| r.score).min().unwrap_or(0);
    TrustComponents {
        static_analysis: lowest(tier1) * 2 / 5,
        behaviour: lowest(tier2) * 2 / 5,
        manifest: if manifest_warnings == 0 { 10 } else { 5 },
        provenance: if trusted_publisher { 10 } else { 5 },
    }
}

/// The certification of a submission a reviewer approved: the tier they signed off on, the
/// score computed as for any other (so it still says what the scanners found).
pub fn reviewed(
    tier1: &[TierResult],
    tier2: &[TierResult],
    manifest_warnings: usize,
    trusted_publisher: bool,
    tier: CertTier,
) -> Certification {
    let components = components(tier1, tier2, manifest_warnings, trusted_publisher);
    Certification {
        tier,
        trust_score: components.total(),
        components,
    }
}

/// Two stages of one attack found by different tiers (the prose reads the keys, the script
/// sends them): each tier alone saw one stage, together they are the attack.
fn cross_tier_chain<'a>(
    tier1: &'a [TierResult],
    tier2: &'a [TierResult],
) -> Option<(&'a Finding, &'a Finding)> {
    let mut originals: Vec<(&Finding, i32)> = Vec::new();
    let mut unified: Vec<unified::Finding> = Vec::new();
    for r in tier1.iter().chain(tier2) {
        for f in &r.findings {
            let Ok(category) = serde_json::from_value::<unified::Category>(
                serde_json::Value::from(f.category.as_str()),
            ) else {
                continue;
            };
            originals.push((f, r.tier));
            unified.push(unified::Finding {
                rule_id: f.rule_id.clone(),
                category,
                severity: f.severity,
                confidence: f.confidence,
                tier: unified::Tier::Static,
                file: f.file.clone(),
                line: f.line,
                column: 0,
                evidence: String::new(),
                explanation: String::new(),
                remediation: String::new(),
                context: None,
                flow: Vec::new(),
            });
        }
    }
    let (a, b) = score::find_chain(&unified)?;
    let index = |x: &unified::Finding| unified.iter().position(|u| std::ptr::eq(u, x));
    let (ia, ib) = (index(a)?, index(b)?);
    let ((fa, ta), (fb, tb)) = (originals[ia], originals[ib]);
    (ta != tb).then_some((fa, fb))
}

/// The decision for a tier with a FAIL verdict, if any.
fn failed(results: &[TierResult], tier: i32) -> Option<Decision> {
    let failing: Vec<&TierResult> = results
        .iter()
        .filter(|r| r.verdict == Verdict::Fail)
        .collect();
    if failing.is_empty() {
        return None;
    }
    let confirmed: Vec<&Finding> = failing
        .iter()
        .flat_map(|r| &r.findings)
        .filter(|f| f.is_confirmed_critical())
        .collect();
    // A rule's own finding names the evidence better than the chain built from it.
    let is_malicious = |f: &&&Finding| MALICIOUS_CATEGORIES.contains(&f.category.as_str());
    let malicious = confirmed
        .iter()
        .filter(|f| f.rule_id != score::CHAIN_RULE)
        .find(is_malicious)
        .or_else(|| confirmed.iter().find(is_malicious));
    Some(match (malicious, confirmed.first()) {
        (Some(f), _) => Decision::Block {
            reason: format!("tier {tier}: malicious behaviour: {}", describe(f)),
        },
        (None, Some(f)) => Decision::Reject {
            reason: format!("tier {tier}: critical finding: {}", describe(f)),
        },
        (None, None) => Decision::Review {
            reason: format!(
                "tier {tier}: {} failed without a confirmed critical finding; a human decides",
                failing
                    .iter()
                    .map(|r| r.scanner.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        },
    })
}

fn describe(f: &Finding) -> String {
    let place = if f.line > 0 {
        format!("{}:{}", f.file, f.line)
    } else {
        f.file.clone()
    };
    format!("{} at {place}: {}", f.rule_id, f.message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(category: &str, severity: Severity, confidence: Confidence) -> Finding {
        Finding {
            rule_id: "SV-X".into(),
            category: category.into(),
            severity,
            confidence,
            file: "scripts/run.py".into(),
            line: 3,
            message: "what it does".into(),
            evidence: String::new(),
        }
    }

    fn result(tier: i32, verdict: Verdict, score: i32, findings: Vec<Finding>) -> TierResult {
        TierResult {
            tier,
            scanner: format!("scanner-t{tier}"),
            verdict,
            score,
            findings,
        }
    }

    fn pass(tier: i32) -> TierResult {
        result(tier, Verdict::Pass, 100, vec![])
    }

    #[test]
    fn confirmed_malicious_critical_blocks_and_other_critical_rejects() {
        let steal = finding("exfiltration", Severity::Critical, Confidence::High);
        let t1 = [result(1, Verdict::Fail, 60, vec![steal])];
        assert_eq!(
            after_tier1(&t1),
            Some(Decision::Block {
                reason: "tier 1: malicious behaviour: SV-X at scripts/run.py:3: what it does"
                    .into()
            })
        );
        let structural = finding("structure", Severity::Critical, Confidence::High);
        let t1 = [result(1, Verdict::Fail, 60, vec![structural])];
        assert!(
            matches!(after_tier1(&t1), Some(Decision::Reject { reason }) if reason.starts_with("tier 1: critical finding: SV-X"))
        );
        // FAIL from many medium-confidence findings: a human decides.
        let unsure = finding("exfiltration", Severity::Critical, Confidence::Medium);
        let t1 = [result(1, Verdict::Fail, 45, vec![unsure])];
        assert!(matches!(after_tier1(&t1), Some(Decision::Review { .. })));
        assert_eq!(after_tier1(&[pass(1)]), None);
        // Tier 2 failures are judged the same way.
        let rce = finding("remotecode", Severity::Critical, Confidence::High);
        let t2 = [result(2, Verdict::Fail, 50, vec![rce])];
        assert!(
            matches!(decide(&[pass(1)], &t2, 0, false), Decision::Block { reason } if reason.starts_with("tier 2:"))
        );
    }

    #[test]
    fn stages_of_one_attack_split_across_tiers_block() {
        let read_keys = Finding {
            file: "SKILL.md".into(),
            ..finding("credential-access", Severity::High, Confidence::High)
        };
        let send = finding("exfiltration", Severity::High, Confidence::Medium);
        let t1 = [result(1, Verdict::Concerns, 85, vec![read_keys.clone()])];
        let t2 = [result(2, Verdict::Concerns, 92, vec![send])];
        assert!(
            matches!(decide(&t1, &t2, 0, false), Decision::Block { reason } if reason.starts_with("tiers 1 and 2: an attack chain: SV-X at SKILL.md"))
        );
        // One stage in both tiers is not a chain: a human decides.
        let t2 = [result(2, Verdict::Concerns, 85, vec![read_keys])];
        assert!(matches!(
            decide(&t1, &t2, 0, false),
            Decision::Review { .. }
        ));
    }

    #[test]
    fn certification_tiers_and_trust_score() {
        let verified = decide(&[pass(1)], &[pass(2)], 0, false);
        assert_eq!(
            verified,
            Decision::Publish(Certification {
                tier: CertTier::Verified,
                trust_score: 95,
                components: TrustComponents {
                    static_analysis: 40,
                    behaviour: 40,
                    manifest: 10,
                    provenance: 5
                },
            })
        );
        let Decision::Publish(certified) = decide(&[pass(1)], &[pass(2)], 0, true) else {
            panic!()
        };
        assert_eq!(
            (certified.tier, certified.trust_score),
            (CertTier::Certified, 100)
        );
        // CONCERNS still publish, as SCANNED, and never CERTIFIED.
        let note = finding("capability", Severity::Medium, Confidence::Medium);
        let t2 = [result(2, Verdict::Concerns, 95, vec![note])];
        let Decision::Publish(scanned) = decide(&[pass(1)], &t2, 2, true) else {
            panic!()
        };
        assert_eq!(scanned.tier, CertTier::Scanned);
        assert_eq!(scanned.components.behaviour, 38);
        assert_eq!(scanned.trust_score, 40 + 38 + 5 + 10);
        // A low overall score, or a sure high-severity finding, needs a human.
        let t2 = [result(2, Verdict::Concerns, 55, vec![])];
        assert!(
            matches!(decide(&[pass(1)], &t2, 0, false), Decision::Review { reason } if reason.contains("scored 55"))
        );
        let high = finding("filesystem", Severity::High, Confidence::High);
        let t2 = [result(2, Verdict::Concerns, 80, vec![high])];
        assert!(matches!(
            decide(&[pass(1)], &t2, 0, false),
            Decision::Review { .. }
        ));
    }

    #[test]
    fn trusted_publishers_match_owner_or_repository() {
        let config = PolicyConfig {
            trusted_publishers: vec!["anthropics".into(), "acme/skills".into()],
        };
        assert!(config.is_trusted("Anthropics", "anything"));
        assert!(config.is_trusted("acme", "skills"));
        assert!(!config.is_trusted("acme", "other"));
        assert!(!config.is_trusted("anthropics-fake", "x"));
    }
}
