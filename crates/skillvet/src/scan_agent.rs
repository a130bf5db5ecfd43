//! `skillvet scan-agent`: runs the external scanners for a registry. It loops: claim an
//! external scan over the API, fetch the repository at the pinned commit (same hardened
//! fetcher and URL policy as the workers), run Semgrep, njsscan, gitleaks and trufflehog on a
//! copy of the skill (a tool that is not installed is reported as `not_available`, never as
//! "no findings"), and post the results signed with HMAC-SHA256.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::Args;
use reqwest::StatusCode;
use serde_json::Value;
use skillvet_git::{FetchPolicy, RepoUrl};
use skillvet_pipeline::external::{
    AgentReport, Assignment, SIGNATURE_HEADER, TIMESTAMP_HEADER, ToolReport, sign,
};
use skillvet_pipeline::scan::{Confidence, Finding};
use skillvet_scanner::external::{self, ExternalConfig, ExternalFinding, Tool, ToolOutcome};

use crate::work::Stop;

/// Findings sent per tool; the rest are counted in the message (the API takes 1 MiB bodies).
const MAX_FINDINGS_PER_TOOL: usize = 300;
/// Longest backoff after the server could not be reached.
const MAX_BACKOFF: Duration = Duration::from_secs(60);

#[derive(Args)]
pub struct ScanAgentArgs {
    /// Base URL of the skillvet server, e.g. `https://skills.example.org`.
    #[arg(long, env = "SKILLVET_SERVER")]
    pub server: String,
    /// API token with the `scan-agent` scope (`skillvet admin create-token --scope scan-agent`).
    #[arg(long, env = "SKILLVET_AGENT_TOKEN", hide_env_values = true)]
    pub token: String,
    /// The server's agent webhook secret, used to sign results.
    #[arg(long, env = "SKILLVET_AGENT_WEBHOOK_SECRET", hide_env_values = true)]
    pub webhook_secret: String,
    /// Fetch local paths and file:// repositories (tests and private deployments only).
    #[arg(long, env = "SKILLVET_ALLOW_LOCAL_REPOS")]
    pub allow_local_repos: bool,
    /// Seconds between looks for work when there is none.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub poll_secs: u64,
    /// Time limit per tool run, in seconds.
    #[arg(long, default_value_t = 120, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub tool_timeout_secs: u64,
    /// Stop after this many reported scans (0: run until SIGINT/SIGTERM).
    #[arg(long, default_value_t = 0)]
    pub max_scans: u64,
}

struct Agent {
    http: reqwest::Client,
    base: String,
    token: String,
    secret: Vec<u8>,
    fetch: FetchPolicy,
    tools: ExternalConfig,
}

pub async fn scan_agent(args: ScanAgentArgs) -> anyhow::Result<ExitCode> {
    let base = args.server.trim_end_matches('/').to_owned();
    let parsed = url::Url::parse(&base).context("--server is not a URL")?;
    match parsed.scheme() {
        "https" => {}
        "http" if is_loopback(&parsed) => {}
        "http" => tracing::warn!(
            "--server uses plain http: the agent token travels unencrypted; use https"
        ),
        other => anyhow::bail!("--server must be an http(s) URL, not {other}:"),
    }
    if !args.token.starts_with(skillvet_server::auth::TOKEN_PREFIX) {
        anyhow::bail!("--token must be a skillvet API token (svt_…) with the scan-agent scope");
    }
    let fetch = FetchPolicy {
        allow_local: args.allow_local_repos,
        ..FetchPolicy::default()
    };
    let agent = Agent {
        http: skillvet_client::http_client(),
        base,
        token: args.token,
        secret: args.webhook_secret.into_bytes(),
        fetch,
        tools: ExternalConfig {
            timeout: Duration::from_secs(args.tool_timeout_secs),
            ..ExternalConfig::default()
        },
    };
    let available: Vec<String> = Tool::ALL
        .iter()
        .map(|t| match agent.tools.locate(*t) {
            Ok(_) => format!("{t}: installed"),
            Err(_) => format!("{t}: not available"),
        })
        .collect();
    tracing::info!(server = %agent.base, tools = ?available, "scan agent started");
    // Tests and scripts wait for this line.
    println!("scan agent running ({})", available.join(", "));

    let stop = Stop::new();
    stop.on_signals();
    let mut stopped = std::pin::pin!(stop.wait());
    let poll = Duration::from_secs(args.poll_secs);
    let mut failures: u32 = 0;
    let mut reported: u64 = 0;
    loop {
        if args.max_scans > 0 && reported >= args.max_scans {
            break;
        }
        let claimed = tokio::select! {
            biased;
            _ = &mut stopped => break,
            claimed = agent.claim() => claimed,
        };
        let wait = match claimed {
            Ok(Some(assignment)) => {
                failures = 0;
                // A scan in progress is finished (bounded by the tool time limits) and
                // reported even when a stop was asked for meanwhile.
                if agent.run(&assignment).await {
                    reported += 1;
                }
                continue;
            }
            Ok(None) => {
                failures = 0;
                poll
            }
            Err(e) => {
                failures += 1;
                let backoff = (Duration::from_secs(1) * 2u32.saturating_pow(failures.min(10)))
                    .min(MAX_BACKOFF);
                tracing::warn!(error = %format!("{e:#}"), retry_in = ?backoff, "claiming failed");
                if is_fatal(&e) {
                    return Err(e);
                }
                backoff
            }
        };
        tokio::select! {
            biased;
            _ = &mut stopped => break,
            _ = tokio::time::sleep(wait) => {}
        }
    }
    tracing::info!(reported, "scan agent stopped");
    Ok(ExitCode::SUCCESS)
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d == "localhost",
        None => false,
    }
}

/// Refusals that will not change by retrying: a wrong token or scope, agents disabled.
#[derive(Debug, thiserror::Error)]
#[error("the server refused the agent ({status}): {message}")]
struct Refused {
    status: StatusCode,
    message: String,
}

fn is_fatal(err: &anyhow::Error) -> bool {
    err.downcast_ref::<Refused>().is_some_and(|r| {
        matches!(
            r.status,
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN | StatusCode::SERVICE_UNAVAILABLE
        )
    })
}

async fn error_message(response: reqwest::Response) -> String {
    let status = response.status();
    match response.json::<Value>().await {
        Ok(body) => body["error"]["message"]
            .as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| body.to_string()),
        Err(_) => format!("HTTP {status}"),
    }
}

impl Agent {
    async fn claim(&self) -> anyhow::Result<Option<Assignment>> {
        let response = self
            .http
            .post(format!("{}/api/v1/agents/claim", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .context("reaching the server")?;
        match response.status() {
            StatusCode::NO_CONTENT => Ok(None),
            StatusCode::OK => {
                let body: Value = response.json().await.context("reading the claim")?;
                let assignment = serde_json::from_value(body["assignment"].clone())
                    .context("the claim is not an assignment")?;
                Ok(Some(assignment))
            }
            status => Err(Refused {
                status,
                message: error_message(response).await,
            }
            .into()),
        }
    }

    /// Scans and reports one assignment; `true` when the server took the report. When the
    /// repository cannot be fetched nothing is reported: the lease runs out and the scan goes
    /// to another attempt (and is TIMED_OUT after the last), rather than "completed" unscanned.
    async fn run(&self, a: &Assignment) -> bool {
        tracing::info!(job = a.job_id, skill = %a.skill, commit = %a.commit_sha, "scanning");
        let tools = match self.scan(a).await {
            Ok(tools) => tools,
            Err(e) => {
                tracing::error!(job = a.job_id, error = %format!("{e:#}"), "cannot scan; leaving the job to expire and be retried");
                return false;
            }
        };
        let report = AgentReport {
            job_id: a.job_id,
            attempt: a.attempt,
            tools,
        };
        for attempt in 1..=3u32 {
            match self.report(&report).await {
                Ok(()) => return true,
                Err(e) => {
                    tracing::warn!(job = a.job_id, attempt, error = %format!("{e:#}"), "reporting failed");
                    if e.downcast_ref::<Refused>().is_some() {
                        return false;
                    }
                    tokio::time::sleep(Duration::from_secs(2u64.pow(attempt))).await;
                }
            }
        }
        false
    }

    async fn scan(&self, a: &Assignment) -> anyhow::Result<Vec<ToolReport>> {
        let url = RepoUrl::parse(&a.repo_url, &self.fetch)
            .with_context(|| format!("the repository URL {} is not accepted", a.repo_url))?;
        let snapshot = skillvet_git::fetch(&url, Some(&a.commit_sha), &self.fetch)
            .await
            .context("fetching the repository")?;
        anyhow::ensure!(
            snapshot.commit_sha() == a.commit_sha,
            "fetched commit {} instead of {}",
            snapshot.commit_sha(),
            a.commit_sha
        );
        let bundle = snapshot
            .bundle(&a.skill_path)
            .with_context(|| format!("reading the skill folder {:?}", a.skill_path))?;
        let config = self.tools.clone();
        let outcomes = tokio::task::spawn_blocking(move || {
            let outcomes = external::run_on_bundle(&bundle, &config)?;
            let versions: Vec<String> = outcomes
                .iter()
                .map(|o| match o {
                    ToolOutcome::Ran { tool, .. } => tool_version(*tool, &config),
                    _ => String::new(),
                })
                .collect();
            std::io::Result::Ok(outcomes.into_iter().zip(versions).collect::<Vec<_>>())
        })
        .await
        .context("the scan task failed")?
        .context("preparing a scan folder")?;
        Ok(outcomes
            .into_iter()
            .map(|(o, version)| tool_report(o, version))
            .collect())
    }

    async fn report(&self, report: &AgentReport) -> anyhow::Result<()> {
        let body = serde_json::to_vec(report).expect("reports serialise");
        let timestamp = chrono::Utc::now().timestamp();
        let response = self
            .http
            .post(format!("{}/api/v1/agents/results", self.base))
            .bearer_auth(&self.token)
            .header(TIMESTAMP_HEADER, timestamp.to_string())
            .header(SIGNATURE_HEADER, sign(&self.secret, timestamp, &body))
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await
            .context("reaching the server")?;
        let status = response.status();
        if status.is_success() {
            let body: Value = response.json().await.unwrap_or_default();
            tracing::info!(job = report.job_id, blocked = %body["blocked"], results = %body["scan_result_ids"], "results accepted");
            return Ok(());
        }
        let message = error_message(response).await;
        if status.is_server_error() {
            anyhow::bail!("the server failed ({status}): {message}");
        }
        Err(Refused { status, message }.into())
    }
}

/// `<tool> --version`, first line (empty when it cannot be read).
fn tool_version(tool: Tool, config: &ExternalConfig) -> String {
    let Ok(bin) = config.locate(tool) else {
        return String::new();
    };
    let cwd = std::env::temp_dir();
    match external::process::run(
        &bin,
        &["--version"],
        &cwd,
        &[],
        Duration::from_secs(20),
        4096,
    ) {
        Ok(out) => String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()
            .unwrap_or_default()
            .trim()
            .chars()
            .take(100)
            .collect(),
        Err(_) => String::new(),
    }
}

fn tool_report(outcome: ToolOutcome, version: String) -> ToolReport {
    let tool = outcome.tool().binary().to_owned();
    match outcome {
        ToolOutcome::Ran {
            tool: which,
            findings,
            warnings,
            elapsed,
        } => {
            let total = findings.len();
            let mut notes: Vec<String> = warnings.into_iter().take(5).collect();
            if total > MAX_FINDINGS_PER_TOOL {
                notes.push(format!(
                    "{total} findings; the first {MAX_FINDINGS_PER_TOOL} are reported"
                ));
            }
            ToolReport {
                tool,
                version,
                status: "ran".into(),
                findings: findings
                    .iter()
                    .take(MAX_FINDINGS_PER_TOOL)
                    .map(|f| finding(which, f))
                    .collect(),
                message: (!notes.is_empty()).then(|| notes.join("; ")),
                duration_ms: elapsed.as_millis() as i64,
            }
        }
        ToolOutcome::NotAvailable { reason, .. } => ToolReport {
            tool,
            version,
            status: "not_available".into(),
            findings: vec![],
            message: Some(reason),
            duration_ms: 0,
        },
        ToolOutcome::Failed { reason, .. } => ToolReport {
            tool,
            version,
            status: "failed".into(),
            findings: vec![],
            message: Some(reason.chars().take(2000).collect()),
            duration_ms: 0,
        },
    }
}

/// External findings come from curated rules (Semgrep runs only our bundled rule file), so
/// they are reported with high confidence; the policy blocks only on critical ones.
fn finding(tool: Tool, f: &ExternalFinding) -> Finding {
    Finding {
        rule_id: f.rule_id.clone(),
        category: match tool {
            Tool::Gitleaks | Tool::Trufflehog => "secrets",
            Tool::Semgrep | Tool::Njsscan => "sast",
        }
        .into(),
        severity: f.severity,
        confidence: Confidence::High,
        file: f.file.clone(),
        line: f.line,
        message: f.message.chars().take(500).collect(),
        evidence: f.evidence.chars().take(200).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use skillvet_pipeline::scan::Severity;

    fn ext(tool: Tool, severity: Severity, n: usize) -> ExternalFinding {
        ExternalFinding {
            tool,
            rule_id: format!("{}-r{n}", tool.rule_prefix()),
            severity,
            message: "m".repeat(800),
            file: "scripts/run.py".into(),
            line: 3,
            column: 1,
            evidence: "AKIA…[redacted 16 chars]".into(),
        }
    }

    #[test]
    fn missing_and_failed_tools_are_reported_as_such_never_as_clean() {
        let missing = tool_report(
            ToolOutcome::NotAvailable {
                tool: Tool::Semgrep,
                reason: "`semgrep` was not found on PATH".into(),
            },
            String::new(),
        );
        assert_eq!(missing.tool, "semgrep");
        assert_eq!(missing.status, "not_available");
        assert_eq!(
            missing.message.as_deref(),
            Some("`semgrep` was not found on PATH")
        );
        let failed = tool_report(
            ToolOutcome::Failed {
                tool: Tool::Gitleaks,
                reason: "x".repeat(5000),
            },
            "8.18".into(),
        );
        assert_eq!(failed.status, "failed");
        assert_eq!(failed.message.unwrap().len(), 2000);
        assert!(failed.findings.is_empty());
    }

    #[test]
    fn findings_are_mapped_and_capped() {
        let findings: Vec<ExternalFinding> = (0..MAX_FINDINGS_PER_TOOL + 5)
            .map(|n| ext(Tool::Trufflehog, Severity::Critical, n))
            .collect();
        let report = tool_report(
            ToolOutcome::Ran {
                tool: Tool::Trufflehog,
                findings,
                warnings: vec!["skipped a binary file".into()],
                elapsed: Duration::from_millis(1500),
            },
            "trufflehog 3.80".into(),
        );
        assert_eq!(report.status, "ran");
        assert_eq!(report.duration_ms, 1500);
        assert_eq!(report.findings.len(), MAX_FINDINGS_PER_TOOL);
        assert_eq!(
            report.message.as_deref(),
            Some("skipped a binary file; 305 findings; the first 300 are reported")
        );
        let first = &report.findings[0];
        assert_eq!(first.category, "secrets");
        assert!(first.is_confirmed_critical());
        assert_eq!(first.message.chars().count(), 500);
        let sast = finding(Tool::Semgrep, &ext(Tool::Semgrep, Severity::Medium, 1));
        assert_eq!(
            (sast.category.as_str(), sast.severity),
            ("sast", Severity::Medium)
        );
    }
}
