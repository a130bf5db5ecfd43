//! gitleaks (`gitleaks detect --no-git --report-format json`), secrets in files.

use std::path::Path;

use serde_json::Value;

use super::{ExternalConfig, ExternalFinding, ParseError, Tool, process, redact, relative};
use crate::model::Severity;

pub fn run(
    bin: &Path,
    dir: &Path,
    cfg: &ExternalConfig,
) -> Result<(Vec<ExternalFinding>, Vec<String>), String> {
    let tmp = tempfile::Builder::new()
        .prefix("skillvet-gitleaks-")
        .tempdir()
        .map_err(|e| format!("temp dir: {e}"))?;
    let report = tmp.path().join("report.json");
    let report_arg = report.to_string_lossy().into_owned();
    let args = [
        "detect",
        "--no-git",
        "--source",
        ".",
        "--report-format",
        "json",
        "--report-path",
        report_arg.as_str(),
        "--redact",
        "--exit-code",
        "0",
        "--no-banner",
    ];
    let out = process::run(bin, &args, dir, &[], cfg.timeout, cfg.max_output_bytes)?;
    let meta = std::fs::metadata(&report).map_err(|_| {
        format!(
            "gitleaks wrote no report (exit {:?}): {}",
            out.status,
            out.stderr_tail.trim()
        )
    })?;
    if meta.len() as usize > cfg.max_output_bytes {
        return Err(format!(
            "gitleaks report is larger than {} bytes",
            cfg.max_output_bytes
        ));
    }
    let text =
        std::fs::read_to_string(&report).map_err(|e| format!("reading gitleaks report: {e}"))?;
    parse(&text, dir)
        .map(|f| (f, Vec::new()))
        .map_err(|e| e.to_string())
}

/// Parses gitleaks' JSON report: an array of `{RuleID, Description, File, StartLine,
/// StartColumn, Match, Secret, …}`. Secrets are redacted in the evidence whatever the tool
/// did.
pub fn parse(json: &str, dir: &Path) -> Result<Vec<ExternalFinding>, ParseError> {
    let v: Value = serde_json::from_str(json).map_err(|source| ParseError::Json {
        tool: Tool::Gitleaks,
        source,
    })?;
    let items = v.as_array().ok_or_else(|| ParseError::Shape {
        tool: Tool::Gitleaks,
        detail: "report is not an array".into(),
    })?;
    let mut out = Vec::new();
    for it in items {
        let s = |k: &str| it.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        let n = |k: &str| it.get(k).and_then(Value::as_u64).unwrap_or(0) as u32;
        let secret = s("Secret");
        let mut evidence = s("Match");
        if !secret.is_empty() && secret != "REDACTED" {
            evidence = evidence.replace(&secret, &redact(&secret));
        }
        let rule = s("RuleID");
        out.push(ExternalFinding {
            tool: Tool::Gitleaks,
            rule_id: format!("{}-{rule}", Tool::Gitleaks.rule_prefix()),
            severity: Severity::High,
            message: format!("{} (gitleaks rule {rule})", s("Description")),
            file: relative(dir, &s("File")),
            line: n("StartLine"),
            column: n("StartColumn"),
            evidence: evidence.chars().take(200).collect(),
        });
    }
    Ok(out)
}
