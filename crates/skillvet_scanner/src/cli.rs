//! `skillvet scan` and `skillvet rules`: argument types for the binary's clap parser and
//! the functions it dispatches to.
//!
//! Exit codes of `skillvet scan` (for CI):
//! * **0** — nothing at or above the `--fail-on` threshold;
//! * **1** — a skill reached the threshold (or a skill folder could not be scanned);
//! * **2** — usage or I/O error: bad arguments, unreadable path, no SKILL.md found,
//!   report not writable.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, ValueEnum};

use crate::external::ExternalConfig;
use crate::model::{Confidence, Report, Severity, Verdict};
use crate::tier2::judge::{self, LlmJudge};
use crate::{catalog, output, scan};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Text,
    Json,
    Sarif,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// A skill's verdict is FAIL (the default).
    Fail,
    /// A skill's verdict is CONCERNS or FAIL.
    Concerns,
    /// A finding of this severity or above (with at least `--min-confidence`).
    Critical,
    High,
    Medium,
    Low,
    Info,
    /// Never: always exit 0 unless the scan itself failed.
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColourWhen {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Args)]
pub struct ScanArgs {
    /// A skill folder (holding SKILL.md) or a folder/repository with many skills.
    pub path: PathBuf,
    #[arg(long, short = 'f', value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    /// Write the report to this file instead of standard output.
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,
    /// What makes the exit code 1.
    #[arg(long, value_enum, default_value_t = FailOn::Fail)]
    pub fail_on: FailOn,
    /// Findings below this confidence never count for a severity `--fail-on`.
    #[arg(long, value_parser = parse_confidence, default_value = "medium")]
    pub min_confidence: Confidence,
    /// Skip tier 2 (behavioural analysis of scripts).
    #[arg(long)]
    pub no_tier2: bool,
    /// Also run Semgrep, njsscan, gitleaks and trufflehog when installed.
    #[arg(long)]
    pub external: bool,
    /// Colours in text output (auto: only when standard output is a terminal and NO_COLOR
    /// is unset).
    #[arg(long, value_enum, default_value_t = ColourWhen::Auto)]
    pub color: ColourWhen,
    #[command(flatten)]
    pub judge: JudgeArgs,
}

/// The optional LLM judge of tier 2 (off unless a URL is given). The API key is read from
/// `SKILLVET_LLM_JUDGE_API_KEY` only, never from a flag, so it stays out of shell history
/// and process listings.
#[derive(Debug, Clone, Default, Args)]
pub struct JudgeArgs {
    /// OpenAI-compatible endpoint of an LLM judge: a base URL (`/v1/chat/completions` is
    /// appended; `/chat/completions` after a path ending in `/v1`) or the full URL ending in
    /// `/chat/completions`. https, or http on a loopback address.
    // `hide_env_values`: a gateway URL may carry a key in its query string.
    #[arg(
        long = "llm-judge-url",
        env = "SKILLVET_LLM_JUDGE_URL",
        hide_env_values = true,
        requires = "model"
    )]
    pub url: Option<String>,
    /// Model name sent to the judge's endpoint.
    #[arg(long = "llm-judge-model", env = "SKILLVET_LLM_JUDGE_MODEL")]
    pub model: Option<String>,
    /// Seconds to wait for the judge's answer.
    #[arg(long = "llm-judge-timeout", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout_secs: u64,
    /// Bytes of skill content sent to the judge.
    #[arg(long = "llm-judge-max-bytes", default_value_t = judge::DEFAULT_PROMPT_BYTES)]
    pub max_prompt_bytes: usize,
    /// Allow plain http to a non-loopback judge (the skill's content and the API key
    /// travel unencrypted).
    #[arg(long = "llm-judge-allow-http")]
    pub allow_http: bool,
}

fn parse_confidence(s: &str) -> Result<Confidence, String> {
    Confidence::ALL
        .into_iter()
        .find(|c| c.as_str().eq_ignore_ascii_case(s))
        .ok_or_else(|| format!("expected low, medium or high, not {s:?}"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Debug, Clone, Args)]
pub struct RulesArgs {
    #[arg(long, short = 'f', value_enum, default_value_t = RulesFormat::Text)]
    pub format: RulesFormat,
    /// Write the catalogue to this file instead of standard output.
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,
}

/// Whether the report reaches the `--fail-on` threshold.
pub fn reaches(report: &Report, fail_on: FailOn, min_confidence: Confidence) -> bool {
    if !report.errors.is_empty() && fail_on != FailOn::Never {
        return true;
    }
    let at_least = |s: Severity| {
        report
            .findings()
            .any(|(_, f)| f.severity >= s && f.confidence >= min_confidence)
    };
    match fail_on {
        FailOn::Fail => report.verdict == Verdict::Fail,
        FailOn::Concerns => report.verdict >= Verdict::Concerns,
        FailOn::Critical => at_least(Severity::Critical),
        FailOn::High => at_least(Severity::High),
        FailOn::Medium => at_least(Severity::Medium),
        FailOn::Low => at_least(Severity::Low),
        FailOn::Info => at_least(Severity::Info),
        FailOn::Never => false,
    }
}

fn write_out(path: Option<&PathBuf>, text: &str) -> Result<(), String> {
    match path {
        Some(p) => std::fs::write(p, text).map_err(|e| format!("writing {}: {e}", p.display())),
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())
                .and_then(|()| out.flush())
                .map_err(|e| format!("writing the report: {e}"))
        }
    }
}

/// Runs `skillvet scan`. `judge` is the LLM judge built from [`ScanArgs::judge`] by the
/// caller (the HTTP implementation lives in `skillvet_client`, which this crate does not
/// depend on).
pub fn run_scan(args: ScanArgs, judge: Option<Arc<dyn LlmJudge>>) -> ExitCode {
    let opts = scan::Options {
        tier2: !args.no_tier2,
        external: args.external.then(ExternalConfig::default),
        judge,
        judge_prompt_bytes: args.judge.max_prompt_bytes,
        ..scan::Options::default()
    };
    if !args.path.exists() {
        eprintln!("skillvet scan: {} does not exist", args.path.display());
        return ExitCode::from(2);
    }
    let report = match scan::scan(&args.path, &opts) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("skillvet scan: {e}");
            return ExitCode::from(2);
        }
    };
    let colour = match args.color {
        ColourWhen::Always => true,
        ColourWhen::Never => false,
        ColourWhen::Auto => {
            args.output.is_none()
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let text = match args.format {
        ReportFormat::Text => output::text(&report, colour),
        ReportFormat::Json => output::json(&report),
        ReportFormat::Sarif => output::sarif(&report),
    };
    if let Err(e) = write_out(args.output.as_ref(), &text) {
        eprintln!("skillvet scan: {e}");
        return ExitCode::from(2);
    }
    if reaches(&report, args.fail_on, args.min_confidence) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The catalogue as plain text.
pub fn rules_text() -> String {
    let info = catalog::ruleset();
    let mut s = format!(
        "skillvet rule set {} (sha256 {}), {} rules\n\n",
        info.version,
        info.hash,
        catalog::rules().len()
    );
    for r in catalog::rules() {
        s.push_str(&format!(
            "{:<40} tier {} {:<22} {:<8} {}\n",
            r.id,
            r.tier.number(),
            r.category.as_str(),
            r.severity.as_str(),
            r.title
        ));
    }
    s
}

/// The catalogue as JSON.
pub fn rules_json() -> String {
    let rules: Vec<serde_json::Value> = catalog::rules()
        .iter()
        .map(|r| {
            serde_json::json!({
                "id": r.id, "tier": r.tier.number(), "title": r.title,
                "category": r.category, "severity": r.severity, "confidence": r.confidence,
                "description": r.description, "remediation": r.remediation,
            })
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&serde_json::json!({
        "ruleset": catalog::ruleset(),
        "rules": rules,
    }))
    .expect("serialises");
    s.push('\n');
    s
}

pub fn run_rules(args: RulesArgs) -> ExitCode {
    let text = match args.format {
        RulesFormat::Text => rules_text(),
        RulesFormat::Json => rules_json(),
        RulesFormat::Markdown => catalog::markdown(),
    };
    match write_out(args.output.as_ref(), &text) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("skillvet rules: {e}");
            ExitCode::from(2)
        }
    }
}
