//! What `skillvet admin health` and `skillvet admin rebuild-index` print.

use std::fmt::Write;

use serde_json::Value;
use skillvet_core::health::{HealthReport, RebuildReport, RebuildStatus};

/// `1 entry`, `2 entries`.
fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A drift's value as read: JSON strings without their quotes.
fn shown(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

pub fn health_text(report: &HealthReport) -> String {
    let mut out = String::new();
    let width = report
        .structures
        .iter()
        .map(|s| s.name.len())
        .max()
        .unwrap_or(0);
    let _ = writeln!(
        out,
        "{}: derived structures against their source tables",
        report.backend
    );
    for s in &report.structures {
        let state = match (&s.error, s.drift_count) {
            (Some(error), _) => format!("CANNOT BE CHECKED: {error}"),
            (None, 0) => "ok".to_owned(),
            (None, 1) => "DRIFT: 1 entry differs".to_owned(),
            (None, n) => format!("DRIFT: {n} entries differ"),
        };
        let _ = writeln!(
            out,
            "  {:width$}  expected {:>7}  found {:>7}  {state}",
            s.name, s.expected, s.actual
        );
    }
    for s in report.structures.iter().filter(|s| s.drift_count > 0) {
        let _ = writeln!(out, "{} ({} by {}):", s.name, s.source, s.key);
        for d in &s.drifts {
            let _ = writeln!(
                out,
                "  {}: expected {}, found {}",
                d.key,
                shown(&d.expected),
                shown(&d.actual)
            );
        }
        let unlisted = s.drift_count.saturating_sub(s.drifts.len() as u64);
        if unlisted > 0 {
            let _ = writeln!(out, "  … and {unlisted} more");
        }
    }
    for r in &report.recommendations {
        let _ = writeln!(out, "- {r}");
    }
    let _ = writeln!(
        out,
        "{}",
        if report.drift_detected {
            "drift detected"
        } else {
            "no drift"
        }
    );
    out
}

pub fn rebuild_text(report: &RebuildReport) -> String {
    let mut out = String::new();
    for s in &report.structures {
        let _ = match s.status {
            RebuildStatus::Consistent => writeln!(out, "{}: consistent, unchanged", s.name),
            RebuildStatus::Rebuilt => writeln!(
                out,
                "{}: rebuilt ({} found, {} changed)",
                s.name,
                count(s.drifts_before, "drift", "drifts"),
                count(s.changed, "entry", "entries")
            ),
            RebuildStatus::Failed => writeln!(out, "{}: FAILED, rolled back", s.name),
        };
    }
    for e in &report.errors {
        let _ = writeln!(out, "error: {}: {}", e.structure, e.message);
    }
    let _ = writeln!(
        out,
        "{} changed in all",
        count(report.changed, "entry", "entries")
    );
    out
}
