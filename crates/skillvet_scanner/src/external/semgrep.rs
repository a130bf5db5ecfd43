//! Semgrep (`semgrep scan --json`) with skillvet's bundled rule file only: no registry
//! download, metrics off.

use std::path::Path;

use serde_json::Value;

use super::{ExternalConfig, ExternalFinding, ParseError, Tool, line_of, process, relative};
use crate::model::Severity;

/// The rules Semgrep runs, shipped inside the binary.
pub const RULES: &str = include_str!("rules/skillvet.semgrep.yml");

pub fn run(
    bin: &Path,
    dir: &Path,
    cfg: &ExternalConfig,
) -> Result<(Vec<ExternalFinding>, Vec<String>), String> {
    let tmp = tempfile::Builder::new()
        .prefix("skillvet-semgrep-")
        .tempdir()
        .map_err(|e| format!("temp dir: {e}"))?;
    let rules = tmp.path().join("skillvet.semgrep.yml");
    std::fs::write(&rules, RULES).map_err(|e| format!("writing rules: {e}"))?;
    let rules_arg = rules.to_string_lossy().into_owned();
    let timeout_arg = cfg.timeout.as_secs().max(1).to_string();
    let args = [
        "scan",
        "--config",
        rules_arg.as_str(),
        "--json",
        "--metrics=off",
        "--disable-version-check",
        "--quiet",
        "--no-git-ignore",
        "--timeout",
        timeout_arg.as_str(),
        "--max-target-bytes",
        "2000000",
        ".",
    ];
    let env = [
        ("SEMGREP_SEND_METRICS", "off".to_string()),
        ("SEMGREP_ENABLE_VERSION_CHECK", "0".to_string()),
        // Semgrep writes logs and settings under HOME; keep them out of the user's.
        ("HOME", tmp.path().to_string_lossy().into_owned()),
        ("XDG_CONFIG_HOME", tmp.path().to_string_lossy().into_owned()),
    ];
    let out = process::run(bin, &args, dir, &env, cfg.timeout, cfg.max_output_bytes)?;
    if out.stdout.is_empty() {
        return Err(format!(
            "semgrep exited with {:?} and no report: {}",
            out.status,
            out.stderr_tail.trim()
        ));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    parse(&text, dir).map_err(|e| format!("{e}; stderr: {}", out.stderr_tail.trim()))
}

fn severity(s: &str) -> Severity {
    match s.to_ascii_uppercase().as_str() {
        "CRITICAL" => Severity::Critical,
        "ERROR" | "HIGH" => Severity::High,
        "WARNING" | "MEDIUM" => Severity::Medium,
        "INFO" | "LOW" => Severity::Low,
        _ => Severity::Info,
    }
}

/// Parses `semgrep --json` output. `dir` is the scanned folder (paths are made relative to
/// it; evidence is read from it when Semgrep withholds the matched lines).
pub fn parse(json: &str, dir: &Path) -> Result<(Vec<ExternalFinding>, Vec<String>), ParseError> {
    let v: Value = serde_json::from_str(json).map_err(|source| ParseError::Json {
        tool: Tool::Semgrep,
        source,
    })?;
    let results = v
        .get("results")
        .and_then(Value::as_array)
        .ok_or_else(|| ParseError::Shape {
            tool: Tool::Semgrep,
            detail: "no `results` array".into(),
        })?;
    let mut findings = Vec::new();
    for r in results {
        let check = r
            .get("check_id")
            .and_then(Value::as_str)
            .unwrap_or("unknown");
        // Semgrep prefixes ids with the rule file's folder; keep our own id.
        let id = match check.rfind("skillvet.") {
            Some(i) => &check[i..],
            None => check,
        };
        let file = relative(dir, r.get("path").and_then(Value::as_str).unwrap_or(""));
        let line = r
            .pointer("/start/line")
            .and_then(Value::as_u64)
            .unwrap_or(0) as u32;
        let column = r.pointer("/start/col").and_then(Value::as_u64).unwrap_or(0) as u32;
        let extra = r.get("extra");
        let message = extra
            .and_then(|e| e.get("message"))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let sev = severity(
            extra
                .and_then(|e| e.get("severity"))
                .and_then(Value::as_str)
                .unwrap_or(""),
        );
        let lines = extra
            .and_then(|e| e.get("lines"))
            .and_then(Value::as_str)
            .unwrap_or("");
        let evidence = if lines.is_empty() || lines == "requires login" {
            line_of(dir, &file, line)
        } else {
            lines
                .lines()
                .next()
                .unwrap_or("")
                .trim()
                .chars()
                .take(200)
                .collect()
        };
        findings.push(ExternalFinding {
            tool: Tool::Semgrep,
            rule_id: format!("{}-{id}", Tool::Semgrep.rule_prefix()),
            severity: sev,
            message,
            file,
            line,
            column,
            evidence,
        });
    }
    let warnings = v
        .get("errors")
        .and_then(Value::as_array)
        .map(|errs| {
            errs.iter()
                .map(|e| {
                    let msg = e.get("message").and_then(Value::as_str).unwrap_or("error");
                    let path = e
                        .get("path")
                        .and_then(Value::as_str)
                        .map(|p| relative(dir, p));
                    match path {
                        Some(p) => format!("{p}: {msg}"),
                        None => msg.to_string(),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    Ok((findings, warnings))
}
