//! Every rule of every tier in one list: the source of `skillvet rules`, of the generated
//! `docs/rules.md`, of SARIF `tool.driver.rules`, and of the rule-set hash in every report.

use std::sync::LazyLock;

use sha2::{Digest, Sha256};

use crate::external::Tool;
use crate::model::{Category, Confidence, RulesetInfo, Severity, Tier};
use crate::tier1::rules::{self as t1, Detector};
use crate::tier2;

/// Bumped by hand when rule behaviour changes without the table changing (`YYYY.MM.N`).
pub const RULESET_VERSION: &str = "2026.12.2";

/// One documented rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleDoc {
    pub id: String,
    pub tier: Tier,
    pub title: String,
    pub category: Category,
    /// Default (tier 1) or highest (tier 2) severity.
    pub severity: Severity,
    pub confidence: Confidence,
    pub description: String,
    pub remediation: String,
    /// What the hash covers besides the prose: the pattern of a tier-1 rule.
    pub pattern: Option<String>,
}

/// Category of an external tool's findings.
pub fn external_category(tool: Tool) -> Category {
    match tool {
        Tool::Gitleaks | Tool::Trufflehog => Category::EmbeddedSecret,
        Tool::Semgrep | Tool::Njsscan => Category::DangerousCode,
    }
}

pub fn external_remediation(tool: Tool) -> &'static str {
    match tool {
        Tool::Gitleaks | Tool::Trufflehog => {
            "Revoke the credential and load it from the environment at run time."
        }
        Tool::Semgrep | Tool::Njsscan => {
            "Review the flagged code; follow the tool's message to make it safe."
        }
    }
}

static ALL: LazyLock<Vec<RuleDoc>> = LazyLock::new(|| {
    let mut v: Vec<RuleDoc> = t1::RULES
        .iter()
        .map(|r| RuleDoc {
            id: r.id.code().to_owned(),
            tier: Tier::Static,
            title: r.title.to_owned(),
            category: r.category,
            severity: r.severity,
            confidence: r.confidence,
            description: r.description.to_owned(),
            remediation: r.remediation.to_owned(),
            pattern: match r.detector {
                Detector::Pattern(p) => Some(p.regex.to_owned()),
                Detector::Builtin => None,
            },
        })
        .collect();
    v.extend(tier2::RULES.iter().map(|r| RuleDoc {
        id: r.id.code().to_owned(),
        tier: Tier::Behavioural,
        title: r.title.to_owned(),
        category: r.category,
        severity: r.severity,
        confidence: Confidence::High,
        description: r.description.to_owned(),
        remediation: r.remediation.to_owned(),
        pattern: None,
    }));
    v.extend(Tool::ALL.iter().map(|t| RuleDoc {
        id: format!("{}-*", t.rule_prefix()),
        tier: Tier::External,
        title: format!("Findings of {t}"),
        category: external_category(*t),
        severity: Severity::Medium,
        confidence: Confidence::Medium,
        description: format!(
            "Findings reported by `{t}` when it is installed (found on PATH or configured), \
             with the tool's own rule id appended; severities are mapped from the tool's levels."
        ),
        remediation: external_remediation(*t).to_owned(),
        pattern: None,
    }));
    v.extend(Category::ALL.iter().map(|c| RuleDoc {
        id: tier2::judge::rule_id(*c),
        tier: Tier::Behavioural,
        title: format!("LLM judge: {}", c.title()),
        category: *c,
        severity: tier2::judge::MAX_SEVERITY,
        confidence: Confidence::Medium,
        description: format!(
            "Only when an LLM judge is configured (`--llm-judge-url`): the model reported \
             `{c}` in this skill. Severity is the model's (default from its verdict), capped \
             at high; confidence follows its 0–1 confidence. An opinion, not a proof."
        ),
        remediation: tier2::judge::REMEDIATION.to_owned(),
        pattern: None,
    }));
    v.push(RuleDoc {
        id: crate::score::CHAIN_RULE.to_owned(),
        tier: Tier::Static,
        title: "Attack chain".to_owned(),
        category: Category::Exfiltration,
        severity: Severity::Critical,
        confidence: Confidence::High,
        description: "Findings of at least high severity and medium confidence in two different stages of one attack (access to secrets, exfiltration, execution of fetched or hidden code, control, destruction, evasion, instruction takeover), in one file or both in SKILL.md and the scripts. Reported with the category of the later stage and both findings as its flow; the tier is the later finding's.".to_owned(),
        remediation: "Remove the steps that read, hide or send the user's data.".to_owned(),
        pattern: None,
    });
    v
});

/// Every rule, tier 1 first, in catalogue order.
pub fn rules() -> &'static [RuleDoc] {
    &ALL
}

/// The documentation of a rule id (external ids match their tool's `…-*` entry).
pub fn find(id: &str) -> Option<&'static RuleDoc> {
    ALL.iter().find(|r| r.id == id).or_else(|| {
        ALL.iter()
            .find(|r| r.id.ends_with("-*") && id.starts_with(&r.id[..r.id.len() - 1]))
    })
}

static INFO: LazyLock<RulesetInfo> = LazyLock::new(|| {
    let mut h = Sha256::new();
    h.update(RULESET_VERSION.as_bytes());
    for r in ALL.iter() {
        for part in [
            r.id.as_str(),
            r.tier.as_str(),
            r.category.as_str(),
            r.severity.as_str(),
            r.confidence.as_str(),
            r.description.as_str(),
            r.pattern.as_deref().unwrap_or(""),
        ] {
            h.update(part.as_bytes());
            h.update([0u8]);
        }
    }
    // The known-bad hashes decide verdicts like a pattern does.
    h.update(crate::tier1::signatures::TABLE.as_bytes());
    h.update([0u8]);
    // Scoring is part of what a verdict means.
    h.update(
        format!(
            "score:{}:{}",
            crate::score::FAIL_BELOW,
            crate::score::CONCERNS_BELOW
        )
        .as_bytes(),
    );
    RulesetInfo {
        version: RULESET_VERSION.to_owned(),
        hash: hex::encode(h.finalize()),
    }
});

/// Version and hash of the rule set compiled into this binary.
pub fn ruleset() -> RulesetInfo {
    INFO.clone()
}

/// The catalogue as markdown (`skillvet rules --format markdown`, committed as
/// `docs/rules.md`).
pub fn markdown() -> String {
    let info = ruleset();
    let mut s = String::new();
    s.push_str("# skillvet rule catalogue\n\n");
    s.push_str("<!-- Generated by `skillvet rules --format markdown`; do not edit. -->\n\n");
    s.push_str(&format!(
        "Rule set {} (sha256 `{}`), {} rules.\n\n",
        info.version,
        info.hash,
        ALL.len()
    ));
    s.push_str(
        "Severity is the rule's default (tier 1) or highest (tier 2). Tier-1 rules marked \
         *contextual* are lowered in severity and confidence when the match is in reference \
         documentation, a code block presented as a bad example, a negated sentence \
         (\"never run …\"), a comment, a test file, or a security-teaching skill. \
         How findings become a score and a verdict is described in \
         [scan-report.md](scan-report.md).\n\n",
    );
    for tier in [Tier::Static, Tier::Behavioural, Tier::External] {
        let title = match tier {
            Tier::Static => "Tier 1 — static rules",
            Tier::Behavioural => "Tier 2 — behavioural analysis",
            Tier::External => "External scanners",
        };
        s.push_str(&format!("## {title}\n\n"));
        for cat in Category::ALL {
            let rules: Vec<&RuleDoc> = ALL
                .iter()
                .filter(|r| r.tier == tier && r.category == cat && !is_judge(r))
                .collect();
            if rules.is_empty() {
                continue;
            }
            s.push_str(&format!("### {} (`{}`)\n\n", cat.title(), cat.as_str()));
            s.push_str("| Rule | Severity | Confidence | What it finds | Remediation |\n");
            s.push_str("|------|----------|------------|---------------|-------------|\n");
            for r in rules {
                let contextual = t1::rule(&r.id).is_some_and(|t| t.contextual);
                s.push_str(&format!(
                    "| `{}`<br>{}{} | {} | {} | {} | {} |\n",
                    r.id,
                    cell(&r.title),
                    if contextual { " *(contextual)*" } else { "" },
                    r.severity,
                    r.confidence,
                    cell(&r.description),
                    cell(&r.remediation)
                ));
            }
            s.push('\n');
        }
    }
    s.push_str("## Tier 2 — LLM judge (optional)\n\n");
    s.push_str(
        "Reported only when a judge is configured; see \
         [scan-report.md](scan-report.md#llm-judge-optional).\n\n",
    );
    s.push_str("| Rule | Category | Highest severity | What it finds |\n");
    s.push_str("|------|----------|------------------|---------------|\n");
    for r in ALL.iter().filter(|r| is_judge(r)) {
        s.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            r.id,
            r.category,
            r.severity,
            cell(&r.description)
        ));
    }
    s.push('\n');
    s
}

fn is_judge(r: &RuleDoc) -> bool {
    r.id.starts_with(tier2::judge::RULE_PREFIX)
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::RuleId;

    #[test]
    fn ids_are_unique_and_prefixed() {
        let mut ids: Vec<&str> = rules().iter().map(|r| r.id.as_str()).collect();
        for id in &ids {
            // The LLM judge's opinions have a namespace of their own (see tier2::judge).
            assert!(
                id.starts_with("SV-") || id.starts_with(tier2::judge::RULE_PREFIX),
                "{id}"
            );
        }
        ids.sort();
        let n = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), n, "duplicate rule ids");
    }

    #[test]
    fn hash_is_stable_and_external_ids_resolve() {
        assert_eq!(ruleset(), ruleset());
        assert_eq!(ruleset().hash.len(), 64);
        assert_eq!(
            find("SV-EXT-SEMGREP-skillvet.py-eval").map(|r| r.tier),
            Some(Tier::External)
        );
        assert!(find(RuleId::T1DesRmRoot.code()).is_some());
    }
}
