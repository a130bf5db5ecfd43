//! `skillvet submit`: send a repository's skills to a skillvet server for verification, and
//! optionally follow them until each is decided.
//!
//! The server decides what is new, a duplicate, already verified or blocked; this verb only
//! chooses which paths to send (given, or discovered) and reports what came back.

use std::io::Write;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::api::{ApiError, Server, printable};

#[derive(Debug, Clone, clap::Args)]
pub struct SubmitArgs {
    /// The repository, e.g. https://github.com/acme/skills.
    pub repo_url: String,
    /// Folder of a skill in the repository (repeat for several).
    #[arg(long = "path", value_name = "PATH")]
    pub paths: Vec<String>,
    /// Submit every valid skill the server discovers in the repository.
    #[arg(long, conflicts_with = "paths")]
    pub all: bool,
    /// Branch, tag or commit (default: the repository's default branch).
    #[arg(long = "ref", value_name = "REF")]
    pub git_ref: Option<String>,
    /// Follow the submissions until each is published, rejected, blocked or errored.
    #[arg(long)]
    pub wait: bool,
    /// With --wait: give up after this many seconds.
    #[arg(long, default_value_t = 900)]
    pub timeout: u64,
    /// API token (`svt_…`) with the `submit` scope; default: the one `skillvet login` kept
    /// for this server.
    #[arg(long, env = "SKILLVET_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Base URL of the skillvet server.
    #[arg(long, env = "SKILLVET_SERVER", default_value = "http://127.0.0.1:8080")]
    pub server: String,
}

#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error("{0}")]
    Choose(String),
    #[error("gave up waiting after {0} s; submissions still running: {1}")]
    Timeout(u64, String),
    #[error("writing the report: {0}")]
    Output(#[from] std::io::Error),
}

/// One submitted path and where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submitted {
    pub skill_path: String,
    /// `created`, `duplicate`, `already_verified`, `blocked` or `invalid`.
    pub status: String,
    pub submission_id: Option<i64>,
    /// The submission's state (the final one after `--wait`).
    pub state: Option<String>,
    pub reason: Option<String>,
}

impl Submitted {
    /// Whether this path ended (or is on its way) where its author wants it.
    pub fn ok(&self, waited: bool) -> bool {
        match self.status.as_str() {
            "already_verified" => true,
            "created" | "duplicate" => !waited || self.state.as_deref() == Some("PUBLISHED"),
            _ => false,
        }
    }
}

fn item(path: &str, status: &str, body: &Value) -> Submitted {
    let submission = &body["submission"];
    Submitted {
        skill_path: path.to_owned(),
        status: status.to_owned(),
        submission_id: submission["id"].as_i64(),
        state: submission["state"].as_str().map(str::to_owned),
        reason: body["error"]
            .as_str()
            .or(submission["state_reason"].as_str())
            .map(str::to_owned),
    }
}

/// The paths to send: the given ones, or from discovery (all valid ones with `--all`, or the
/// only one there is).
async fn choose_paths(
    server: &Server,
    args: &SubmitArgs,
    out: &mut impl Write,
) -> Result<Vec<String>, SubmitError> {
    if !args.paths.is_empty() {
        return Ok(args.paths.clone());
    }
    let found = server
        .post_json(
            "/api/v1/submissions/discover",
            &json!({ "repo_url": args.repo_url, "ref": args.git_ref }),
        )
        .await?;
    let skills = found["skills"].as_array().map(Vec::as_slice).unwrap_or(&[]);
    writeln!(
        out,
        "{} skill(s) found at commit {}:",
        skills.len(),
        printable(found["commit_sha"].as_str().unwrap_or("?"), 40)
    )?;
    for skill in skills {
        let errors: Vec<&str> = skill["errors"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e["message"].as_str())
            .collect();
        writeln!(
            out,
            "  {:<40} {:<9} {}",
            printable(skill["path"].as_str().unwrap_or("?"), 80),
            printable(skill["status"].as_str().unwrap_or("?"), 12),
            if errors.is_empty() {
                String::new()
            } else {
                format!("invalid: {}", printable(&errors.join("; "), 200))
            }
        )?;
    }
    let valid: Vec<String> = skills
        .iter()
        .filter(|s| s["valid"] == true)
        .filter_map(|s| s["path"].as_str().map(str::to_owned))
        .collect();
    match (args.all, valid.len()) {
        (_, 0) => Err(SubmitError::Choose(
            "the repository holds no valid skill to submit".into(),
        )),
        (true, _) | (false, 1) => Ok(valid),
        (false, n) => Err(SubmitError::Choose(format!(
            "the repository holds {n} valid skills: choose with --path PATH, or submit them all with --all"
        ))),
    }
}

/// Submits, prints one line per path, and with `--wait` follows each submission.
pub async fn submit(
    http: &reqwest::Client,
    args: &SubmitArgs,
    out: &mut impl Write,
) -> Result<Vec<Submitted>, SubmitError> {
    // `skillvet login` kept a token for this server: used when none is given.
    let token = args
        .token
        .clone()
        .or_else(|| crate::credentials::load(&args.server));
    let server = Server::new(http.clone(), &args.server, token)?;
    let paths = choose_paths(&server, args, out).await?;
    let mut items = if let [path] = paths.as_slice() {
        let body = server
            .post_json(
                "/api/v1/submissions",
                &json!({ "repo_url": args.repo_url, "skill_path": path, "ref": args.git_ref }),
            )
            .await?;
        let status = body["status"].as_str().unwrap_or("?");
        vec![item(path, status, &body)]
    } else {
        let body = server
            .post_json(
                "/api/v1/submissions/bulk",
                &json!({ "repo_url": args.repo_url, "skill_paths": paths, "ref": args.git_ref }),
            )
            .await?;
        body["items"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|i| {
                item(
                    i["skill_path"].as_str().unwrap_or("?"),
                    i["status"].as_str().unwrap_or("?"),
                    i,
                )
            })
            .collect()
    };
    for i in &items {
        writeln!(out, "{}", line(i, server.base()))?;
    }
    if args.wait {
        follow(&server, &mut items, Duration::from_secs(args.timeout), out).await?;
    }
    Ok(items)
}

fn line(i: &Submitted, base: &str) -> String {
    let mut text = format!("{:<40} {}", printable(&i.skill_path, 80), i.status);
    if let Some(id) = i.submission_id {
        text.push_str(&format!(" {base}/submit/{id}"));
    }
    if let Some(state) = &i.state {
        text.push_str(&format!(" [{}]", printable(state, 20)));
    }
    if let Some(reason) = &i.reason {
        text.push_str(&format!(": {}", printable(reason, 300)));
    }
    text
}

fn is_terminal(state: &str) -> bool {
    matches!(state, "PUBLISHED" | "REJECTED" | "BLOCKED" | "ERRORED")
}

/// Polls every open submission until it reaches a terminal state, printing each change.
async fn follow(
    server: &Server,
    items: &mut [Submitted],
    timeout: Duration,
    out: &mut impl Write,
) -> Result<(), SubmitError> {
    let started = Instant::now();
    let mut delay = Duration::from_millis(250);
    loop {
        let mut open = Vec::new();
        for i in items.iter_mut() {
            let Some(id) = i.submission_id else { continue };
            if i.state.as_deref().is_some_and(is_terminal) {
                continue;
            }
            let detail = server
                .get_json(&format!("/api/v1/submissions/{id}"))
                .await?;
            let sub = &detail["submission"];
            let state = sub["state"].as_str().unwrap_or("?").to_owned();
            if i.state.as_deref() != Some(&state) {
                i.state = Some(state.clone());
                i.reason = sub["state_reason"].as_str().map(str::to_owned);
                writeln!(out, "{}", line(i, server.base()))?;
            }
            if !is_terminal(&state) {
                open.push(id.to_string());
            }
        }
        if open.is_empty() {
            return Ok(());
        }
        if started.elapsed() >= timeout {
            return Err(SubmitError::Timeout(timeout.as_secs(), open.join(", ")));
        }
        tokio::time::sleep(delay.min(timeout.saturating_sub(started.elapsed()))).await;
        delay = (delay * 2).min(Duration::from_secs(3));
    }
}
