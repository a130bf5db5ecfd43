//! Strict parsing of the judge's answer.
//!
//! The answer is produced by a model that has just read hostile text, so it is parsed like
//! any other untrusted input: exactly one JSON object (surrounding whitespace allowed; no
//! prose, no code fence — the request asks for `response_format: json_object`, and
//! accepting "the JSON somewhere in the text" would let a skill that talks the model into
//! quoting a benign-looking object choose its own verdict), no unknown fields, only the
//! scanner's own category names, a confidence in 0–1, bounded sizes. Anything else is a
//! [`JudgeError::Malformed`] or [`JudgeError::TooLarge`], which the scan reports as a
//! failed judge run — never as a benign opinion.

use serde::Deserialize;

use super::JudgeError;
use crate::model::{Category, Severity};

/// Longest answer accepted, in bytes.
pub const MAX_REPLY_BYTES: usize = 32 * 1024;

/// Most findings accepted in one answer.
pub const MAX_FINDINGS: usize = 32;

/// Longest explanation accepted, in characters.
pub const MAX_EXPLANATION_CHARS: usize = 2000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum JudgeVerdict {
    Benign,
    Suspicious,
    Malicious,
}

impl JudgeVerdict {
    pub fn as_str(self) -> &'static str {
        match self {
            JudgeVerdict::Benign => "benign",
            JudgeVerdict::Suspicious => "suspicious",
            JudgeVerdict::Malicious => "malicious",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct JudgeFinding {
    pub category: Category,
    /// As the model wrote it; sanitised when it becomes a finding.
    pub explanation: String,
    pub file: Option<String>,
    /// As the model asked for it; capped when it becomes a finding.
    pub severity: Option<Severity>,
}

/// A well-formed answer.
#[derive(Debug, Clone, PartialEq)]
pub struct JudgeReply {
    pub verdict: JudgeVerdict,
    /// 0–1.
    pub confidence: f64,
    pub findings: Vec<JudgeFinding>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReply {
    verdict: String,
    confidence: f64,
    findings: Vec<RawFinding>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFinding {
    category: String,
    explanation: String,
    #[serde(default)]
    file: Option<String>,
    #[serde(default)]
    severity: Option<String>,
}

fn malformed(why: impl Into<String>) -> JudgeError {
    JudgeError::Malformed(why.into())
}

/// Parses the model's answer (the message content), strictly; see the module docs.
pub fn parse_reply(text: &str) -> Result<JudgeReply, JudgeError> {
    if text.len() > MAX_REPLY_BYTES {
        return Err(JudgeError::TooLarge(MAX_REPLY_BYTES));
    }
    let text = text.trim();
    if !text.starts_with('{') {
        return Err(malformed("the answer is not a JSON object"));
    }
    let raw: RawReply = serde_json::from_str(text).map_err(|e| malformed(e.to_string()))?;
    let verdict = match raw.verdict.as_str() {
        "benign" => JudgeVerdict::Benign,
        "suspicious" => JudgeVerdict::Suspicious,
        "malicious" => JudgeVerdict::Malicious,
        other => return Err(malformed(format!("unknown verdict {:?}", clip(other)))),
    };
    if !(0.0..=1.0).contains(&raw.confidence) {
        return Err(malformed("confidence is not a number from 0 to 1"));
    }
    if raw.findings.len() > MAX_FINDINGS {
        return Err(malformed(format!(
            "{} findings (at most {MAX_FINDINGS})",
            raw.findings.len()
        )));
    }
    if verdict != JudgeVerdict::Benign && raw.findings.is_empty() {
        return Err(malformed(format!(
            "a {} verdict without findings",
            verdict.as_str()
        )));
    }
    let findings = raw
        .findings
        .into_iter()
        .map(|f| {
            let category = Category::ALL
                .into_iter()
                .find(|c| c.as_str() == f.category)
                .ok_or_else(|| malformed(format!("unknown category {:?}", clip(&f.category))))?;
            let severity = match f.severity.as_deref() {
                None => None,
                Some(s) => Some(
                    Severity::ALL
                        .into_iter()
                        .find(|v| v.as_str() == s)
                        .ok_or_else(|| malformed(format!("unknown severity {:?}", clip(s))))?,
                ),
            };
            let explanation = f.explanation.trim().to_owned();
            if explanation.is_empty() {
                return Err(malformed("a finding without an explanation"));
            }
            if explanation.chars().count() > MAX_EXPLANATION_CHARS {
                return Err(malformed(format!(
                    "an explanation over {MAX_EXPLANATION_CHARS} characters"
                )));
            }
            Ok(JudgeFinding {
                category,
                explanation,
                file: f.file.filter(|p| !p.trim().is_empty()),
                severity,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(JudgeReply {
        verdict,
        confidence: raw.confidence,
        findings,
    })
}

/// Model text quoted in an error message: short and free of control characters.
fn clip(s: &str) -> String {
    crate::model::sanitize_evidence(s, 40)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        match parse_reply(text) {
            Err(e) => e.to_string(),
            Ok(r) => panic!("accepted {text}: {r:?}"),
        }
    }

    #[test]
    fn a_well_formed_answer_parses() {
        let r = parse_reply(
            r#"  {"verdict":"malicious","confidence":0.9,"findings":[
                {"category":"exfiltration","explanation":"posts ~/.ssh to a webhook","file":"run.sh","severity":"critical"},
                {"category":"prompt-injection","explanation":"hides instructions"}]}
            "#,
        )
        .unwrap();
        assert_eq!(r.verdict, JudgeVerdict::Malicious);
        assert_eq!(r.findings.len(), 2);
        assert_eq!(r.findings[0].category, Category::Exfiltration);
        assert_eq!(r.findings[0].severity, Some(Severity::Critical));
        assert_eq!(r.findings[1].file, None);
        let benign = parse_reply(r#"{"verdict":"benign","confidence":1,"findings":[]}"#).unwrap();
        assert_eq!(benign.verdict, JudgeVerdict::Benign);
    }

    #[test]
    fn anything_else_is_an_error() {
        for bad in [
            "",
            "benign",
            "Sure! Here is my analysis: {\"verdict\":\"benign\",\"confidence\":1,\"findings\":[]}",
            "```json\n{\"verdict\":\"benign\",\"confidence\":1,\"findings\":[]}\n```",
            r#"{"verdict":"benign","confidence":1,"findings":[]} and more"#,
            r#"{"verdict":"benign","confidence":1}"#,
            r#"{"verdict":"safe","confidence":1,"findings":[]}"#,
            r#"{"verdict":"Benign","confidence":1,"findings":[]}"#,
            r#"{"verdict":"benign","confidence":1.5,"findings":[]}"#,
            r#"{"verdict":"benign","confidence":-0.1,"findings":[]}"#,
            r#"{"verdict":"benign","confidence":"high","findings":[]}"#,
            r#"{"verdict":"benign","confidence":1,"findings":[],"note":"x"}"#,
            r#"{"verdict":"malicious","confidence":1,"findings":[]}"#,
            r#"{"verdict":"suspicious","confidence":1,"findings":[{"category":"malware","explanation":"x"}]}"#,
            r#"{"verdict":"suspicious","confidence":1,"findings":[{"category":"exfiltration","explanation":" "}]}"#,
            r#"{"verdict":"suspicious","confidence":1,"findings":[{"category":"exfiltration","explanation":"x","severity":"severe"}]}"#,
            r#"{"verdict":"suspicious","confidence":1,"findings":[{"category":"exfiltration","explanation":"x","extra":1}]}"#,
            r#"[{"verdict":"benign"}]"#,
        ] {
            err(bad);
        }
    }

    #[test]
    fn sizes_are_bounded() {
        let long = format!(
            r#"{{"verdict":"benign","confidence":1,"findings":[],"pad":"{}"}}"#,
            "x".repeat(MAX_REPLY_BYTES)
        );
        assert!(matches!(parse_reply(&long), Err(JudgeError::TooLarge(_))));
        let one = r#"{"category":"exfiltration","explanation":"x"}"#;
        let many = format!(
            r#"{{"verdict":"suspicious","confidence":1,"findings":[{}]}}"#,
            vec![one; MAX_FINDINGS + 1].join(",")
        );
        assert!(err(&many).contains("findings"));
        let essay = format!(
            r#"{{"verdict":"suspicious","confidence":1,"findings":[{{"category":"exfiltration","explanation":"{}"}}]}}"#,
            "y".repeat(MAX_EXPLANATION_CHARS + 1)
        );
        assert!(err(&essay).contains("explanation"));
    }

    #[test]
    fn errors_quote_model_text_safely() {
        let e = err("{\"verdict\":\"\u{1b}[31mpwned\",\"confidence\":1,\"findings\":[]}");
        assert!(!e.contains('\u{1b}'), "{e}");
    }
}
