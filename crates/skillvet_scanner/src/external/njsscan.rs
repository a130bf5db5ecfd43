//! njsscan (`njsscan --json -o FILE`), a Semgrep/libsast-based Node.js scanner.

use std::path::Path;

use serde_json::Value;

use super::{ExternalConfig, ExternalFinding, ParseError, Tool, process, relative};
use crate::model::Severity;

pub fn run(
    bin: &Path,
    dir: &Path,
    cfg: &ExternalConfig,
) -> Result<(Vec<ExternalFinding>, Vec<String>), String> {
    let tmp = tempfile::Builder::new()
        .prefix("skillvet-njsscan-")
        .tempdir()
        .map_err(|e| format!("temp dir: {e}"))?;
    let report = tmp.path().join("report.json");
    let report_arg = report.to_string_lossy().into_owned();
    let env = [
        ("SEMGREP_SEND_METRICS", "off".to_string()),
        ("SEMGREP_ENABLE_VERSION_CHECK", "0".to_string()),
        ("HOME", tmp.path().to_string_lossy().into_owned()),
    ];
    let out = process::run(
        bin,
        &["--json", "-o", &report_arg, "."],
        dir,
        &env,
        cfg.timeout,
        cfg.max_output_bytes,
    )?;
    let meta = std::fs::metadata(&report).map_err(|_| {
        format!(
            "njsscan wrote no report (exit {:?}): {}",
            out.status,
            out.stderr_tail.trim()
        )
    })?;
    if meta.len() as usize > cfg.max_output_bytes {
        return Err(format!(
            "njsscan report is larger than {} bytes",
            cfg.max_output_bytes
        ));
    }
    let text =
        std::fs::read_to_string(&report).map_err(|e| format!("reading njsscan report: {e}"))?;
    parse(&text, dir).map_err(|e| e.to_string())
}

fn severity(s: &str) -> Severity {
    match s.to_ascii_uppercase().as_str() {
        "ERROR" => Severity::High,
        "WARNING" => Severity::Medium,
        "INFO" => Severity::Low,
        _ => Severity::Info,
    }
}

/// Parses njsscan's JSON report: `{nodejs: {rule: {files: [...], metadata: {...}}},
/// templates: {...}, errors: [...]}`.
pub fn parse(json: &str, dir: &Path) -> Result<(Vec<ExternalFinding>, Vec<String>), ParseError> {
    let v: Value = serde_json::from_str(json).map_err(|source| ParseError::Json {
        tool: Tool::Njsscan,
        source,
    })?;
    if !v.is_object() || v.get("nodejs").is_none() {
        return Err(ParseError::Shape {
            tool: Tool::Njsscan,
            detail: "no `nodejs` section".into(),
        });
    }
    let mut findings = Vec::new();
    for section in ["nodejs", "templates"] {
        let Some(rules) = v.get(section).and_then(Value::as_object) else {
            continue;
        };
        for (rule, body) in rules {
            let meta = body.get("metadata");
            let description = meta
                .and_then(|m| m.get("description"))
                .and_then(Value::as_str)
                .unwrap_or("");
            let cwe = meta.and_then(|m| m.get("cwe")).and_then(Value::as_str);
            let sev = severity(
                meta.and_then(|m| m.get("severity"))
                    .and_then(Value::as_str)
                    .unwrap_or(""),
            );
            let message = match cwe {
                Some(c) => format!("{description} ({c})"),
                None => description.to_string(),
            };
            for f in body
                .get("files")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let line = f
                    .pointer("/match_lines/0")
                    .and_then(Value::as_u64)
                    .unwrap_or(0) as u32;
                let column = f
                    .pointer("/match_position/0")
                    .and_then(Value::as_u64)
                    .unwrap_or(0) as u32;
                let file = relative(
                    dir,
                    f.get("file_path").and_then(Value::as_str).unwrap_or(""),
                );
                let evidence: String = f
                    .get("match_string")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .lines()
                    .next()
                    .unwrap_or("")
                    .trim()
                    .chars()
                    .take(200)
                    .collect();
                findings.push(ExternalFinding {
                    tool: Tool::Njsscan,
                    rule_id: format!("{}-{rule}", Tool::Njsscan.rule_prefix()),
                    severity: sev,
                    message: message.clone(),
                    file,
                    line,
                    column,
                    evidence,
                });
            }
        }
    }
    let warnings = v
        .get("errors")
        .and_then(Value::as_array)
        .map(|e| {
            e.iter()
                .map(|x| {
                    x.as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| x.to_string())
                })
                .collect()
        })
        .unwrap_or_default();
    Ok((findings, warnings))
}
