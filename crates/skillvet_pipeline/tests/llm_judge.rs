//! The pipeline's tier-2 LLM judge scanner with the real OpenAI-compatible client against a
//! loopback HTTP server: what its stored result says when the judge answers, and when it
//! cannot.

#[path = "../../skillvet_client/tests/support/canned.rs"]
mod canned;

use std::sync::Arc;
use std::time::Duration;

use canned::{Answer, Canned};
use skillvet_client::llm_judge::{OpenAiJudge, OpenAiJudgeConfig};
use skillvet_core::model::Verdict;
use skillvet_pipeline::Scanner;
use skillvet_pipeline::scan::{Confidence, LlmJudgeScanner, Severity};
use skillvet_skill::{FileKind, SKILL_MD, SkillBundle, SkillFile};

fn scanner(server: &Canned, model: &str) -> LlmJudgeScanner {
    let config = OpenAiJudgeConfig {
        timeout: Duration::from_secs(10),
        ..OpenAiJudgeConfig::new(server.url(), model)
    };
    LlmJudgeScanner::new(Arc::new(OpenAiJudge::new(config).unwrap()), 16 * 1024)
}

fn bundle() -> SkillBundle {
    SkillBundle {
        root: "notes".into(),
        files: vec![SkillFile {
            path: SKILL_MD.into(),
            kind: FileKind::Regular,
            content: b"---\nname: notes\ndescription: Notes.\n---\nKeep notes.\n".to_vec(),
        }],
    }
}

#[test]
fn a_confident_malicious_opinion_is_high_at_most() {
    let server = Canned::start(Answer::chat(
        r#"{"verdict":"malicious","confidence":0.95,"findings":[{"category":"exfiltration","explanation":"sends notes away","severity":"critical"}]}"#,
    ));
    let b = bundle();
    let report = scanner(&server, "m").scan(&b, &b.parse_manifest());
    assert_eq!(report.findings.len(), 1);
    let f = &report.findings[0];
    assert_eq!(f.rule_id, "llm-judge/exfiltration");
    assert_eq!(
        (f.severity, f.confidence),
        (Severity::High, Confidence::High)
    );
    assert!(
        !f.is_confirmed_critical(),
        "the policy can only send it to a human"
    );
    assert_eq!(report.verdict, Verdict::Concerns);
    assert_eq!(report.summary["status"], "ran");
}

#[test]
fn a_judge_that_cannot_answer_is_concerns_never_pass() {
    let server = Canned::start(Answer::chat("I think it is fine."));
    let b = bundle();
    let report = scanner(&server, "m").scan(&b, &b.parse_manifest());
    assert!(report.findings.is_empty());
    assert_eq!((report.verdict, report.score), (Verdict::Concerns, 100));
    assert_eq!(report.summary["status"], "failed");

    let ok = Canned::start(Answer::chat(
        r#"{"verdict":"benign","confidence":0.9,"findings":[]}"#,
    ));
    let report = scanner(&ok, "m").scan(&b, &b.parse_manifest());
    assert_eq!((report.verdict, report.score), (Verdict::Pass, 100));
}

#[test]
fn another_model_is_another_version() {
    let server = Canned::start(Answer::chat("{}"));
    assert_eq!(
        scanner(&server, "a").version(),
        scanner(&server, "a").version()
    );
    assert_ne!(
        scanner(&server, "a").version(),
        scanner(&server, "b").version()
    );
    assert_eq!(server.connections(), 0, "building a scanner calls nothing");
}
