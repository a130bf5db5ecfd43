//! trufflehog v3 (`trufflehog filesystem --json`), secrets in files. Verification is off:
//! checking a credential means calling its service, which a scanner must not do.

use std::path::Path;

use serde_json::Value;

use super::{ExternalConfig, ExternalFinding, ParseError, Tool, process, redact, relative};
use crate::model::Severity;

pub fn run(
    bin: &Path,
    dir: &Path,
    cfg: &ExternalConfig,
) -> Result<(Vec<ExternalFinding>, Vec<String>), String> {
    let args = [
        "filesystem",
        ".",
        "--json",
        "--no-verification",
        "--no-update",
    ];
    let out = process::run(bin, &args, dir, &[], cfg.timeout, cfg.max_output_bytes)?;
    if out.status.is_some_and(|c| c != 0 && c != 183) && out.stdout.is_empty() {
        return Err(format!(
            "trufflehog exited with {:?}: {}",
            out.status,
            out.stderr_tail.trim()
        ));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    parse(&text, dir)
        .map(|f| (f, Vec::new()))
        .map_err(|e| e.to_string())
}

/// Parses trufflehog's JSON-lines output; lines that are not findings (logs) are skipped.
pub fn parse(jsonl: &str, dir: &Path) -> Result<Vec<ExternalFinding>, ParseError> {
    let mut out = Vec::new();
    for line in jsonl.lines() {
        let line = line.trim();
        if !line.starts_with('{') {
            continue;
        }
        let v: Value = serde_json::from_str(line).map_err(|source| ParseError::Json {
            tool: Tool::Trufflehog,
            source,
        })?;
        let Some(detector) = v.get("DetectorName").and_then(Value::as_str) else {
            continue;
        };
        let fs = v.pointer("/SourceMetadata/Data/Filesystem");
        let file = fs
            .and_then(|f| f.get("file"))
            .and_then(Value::as_str)
            .unwrap_or("");
        let line_no = fs
            .and_then(|f| f.get("line"))
            .and_then(Value::as_u64)
            .unwrap_or(0) as u32;
        let verified = v.get("Verified").and_then(Value::as_bool).unwrap_or(false);
        let redacted = v
            .get("Redacted")
            .and_then(Value::as_str)
            .filter(|r| !r.is_empty())
            .map(str::to_string);
        let raw = v.get("Raw").and_then(Value::as_str).unwrap_or("");
        let evidence = redacted.map(|r| redact(&r)).unwrap_or_else(|| redact(raw));
        out.push(ExternalFinding {
            tool: Tool::Trufflehog,
            rule_id: format!("{}-{detector}", Tool::Trufflehog.rule_prefix()),
            severity: if verified {
                Severity::Critical
            } else {
                Severity::High
            },
            message: format!(
                "{detector} credential{}",
                if verified {
                    " (verified live by trufflehog)"
                } else {
                    ""
                }
            ),
            file: relative(dir, file),
            line: line_no,
            column: 0,
            evidence,
        });
    }
    Ok(out)
}
