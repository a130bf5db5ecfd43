//! `skillvet moderate …`: the reviewers' actions from a terminal, over the server's moderation
//! API with a token that has the `review` (or `admin`) scope. Every action takes a reason,
//! which the server keeps in its audit log.

use serde_json::{Value, json};

use crate::api::{ApiError, Server, parse_package, printable};

#[derive(Debug, clap::Args)]
pub struct ModerateArgs {
    #[command(subcommand)]
    pub action: Action,
    /// API token (`svt_…`) with the `review` scope; default: the one `skillvet login` kept
    /// for this server.
    #[arg(long, env = "SKILLVET_TOKEN", hide_env_values = true, global = true)]
    pub token: Option<String>,
    /// Base URL of the skillvet server.
    #[arg(
        long,
        env = "SKILLVET_SERVER",
        default_value = "http://127.0.0.1:8080",
        global = true
    )]
    pub server: String,
    /// Print the server's JSON answer.
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Approve a NEEDS_REVIEW submission: the pipeline publishes it at --tier.
    Approve {
        submission: i64,
        #[arg(long)]
        reason: String,
        /// SCANNED (default), VERIFIED, or CERTIFIED (administrators).
        #[arg(long, value_parser = ["SCANNED", "VERIFIED", "CERTIFIED"], ignore_case = true)]
        tier: Option<String>,
    },
    /// Reject a NEEDS_REVIEW submission.
    Reject {
        submission: i64,
        #[arg(long)]
        reason: String,
    },
    /// Pause a submission's verification.
    Hold {
        submission: i64,
        #[arg(long)]
        reason: String,
    },
    /// Verify a held submission again.
    Release {
        submission: i64,
        #[arg(long)]
        reason: String,
    },
    /// Set a published skill's status: quarantined, active (release), withdrawn, blocked.
    Status {
        /// `owner/repo/skill`.
        package: String,
        #[arg(value_parser = ["active", "quarantined", "withdrawn", "blocked"], ignore_case = true)]
        status: String,
        #[arg(long)]
        reason: String,
    },
    /// Set a published skill's trust tier (reviewer sign-off).
    Tier {
        package: String,
        #[arg(value_parser = ["SCANNED", "VERIFIED", "CERTIFIED"], ignore_case = true)]
        tier: String,
        #[arg(long)]
        reason: String,
    },
    /// Verify a published skill (`owner/repo/skill`) or every published skill of a
    /// repository (`owner/repo`) again with the current rules.
    Rescan {
        target: String,
        #[arg(long)]
        reason: String,
    },
    /// Stop serving one version.
    Yank {
        package: String,
        version: String,
        #[arg(long)]
        reason: String,
    },
    /// Serve a yanked version again.
    Unyank {
        package: String,
        version: String,
        #[arg(long)]
        reason: String,
    },
    /// Add a blocklist entry (its published skills are blocked with it).
    Block {
        #[arg(value_parser = ["owner", "repository", "skill", "content"])]
        kind: String,
        /// An owner, `owner/name`, `owner/name/skill`, or a 64-hex content hash.
        value: String,
        #[arg(long)]
        reason: String,
        /// The entry lapses after this many days (default: for good).
        #[arg(long)]
        expires_days: Option<u32>,
    },
    /// Remove a blocklist entry.
    Unblock {
        #[arg(value_parser = ["owner", "repository", "skill", "content"])]
        kind: String,
        value: String,
        #[arg(long)]
        reason: String,
    },
    /// The audit log, newest first.
    Audit {
        #[arg(long)]
        action: Option<String>,
        #[arg(long)]
        actor: Option<String>,
        /// `owner/repo/skill`.
        #[arg(long)]
        package: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Open reports and appeals (or --status accepted|dismissed).
    Requests {
        #[arg(long, default_value = "open")]
        status: String,
        #[arg(long, value_parser = ["report", "appeal"])]
        kind: Option<String>,
    },
    /// Accept or dismiss a report or an appeal.
    Resolve {
        request: i64,
        #[arg(value_parser = ["accept", "dismiss"])]
        decision: String,
        /// For an accepted appeal: `review` or `rescan`.
        #[arg(long, value_parser = ["review", "rescan"])]
        then: Option<String>,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum ModerateError {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error("{0:?} is not a package: expected owner/repo/skill")]
    Package(String),
    #[error("{0:?} is not a version number")]
    Version(String),
    #[error("no token: pass --token, set SKILLVET_TOKEN or run `skillvet login` first")]
    NoToken,
}

fn package_path(package: &str) -> Result<String, ModerateError> {
    let [owner, repo, skill] =
        parse_package(package).ok_or_else(|| ModerateError::Package(package.to_owned()))?;
    Ok(format!("/api/v1/admin/skills/{owner}/{repo}/{skill}"))
}

fn query(pairs: &[(&str, Option<&str>)]) -> String {
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    for (key, value) in pairs {
        if let Some(value) = value {
            out.append_pair(key, value);
        }
    }
    out.finish()
}

/// Runs the action; the server's JSON answer.
pub async fn moderate(http: &reqwest::Client, args: &ModerateArgs) -> Result<Value, ModerateError> {
    let token = args
        .token
        .clone()
        .or_else(|| crate::credentials::load(&args.server))
        .ok_or(ModerateError::NoToken)?;
    let server = Server::new(http.clone(), &args.server, Some(token))?;
    let submission = |id: i64, verb: &str| format!("/api/v1/admin/submissions/{id}/{verb}");
    let answer = match &args.action {
        Action::Approve {
            submission: id,
            reason,
            tier,
        } => {
            let tier = tier.as_deref().map(str::to_ascii_uppercase);
            server
                .post_json(
                    &submission(*id, "approve"),
                    &json!({ "reason": reason, "tier": tier }),
                )
                .await?
        }
        Action::Reject {
            submission: id,
            reason,
        } => {
            server
                .post_json(&submission(*id, "reject"), &json!({ "reason": reason }))
                .await?
        }
        Action::Hold {
            submission: id,
            reason,
        } => {
            server
                .post_json(&submission(*id, "hold"), &json!({ "reason": reason }))
                .await?
        }
        Action::Release {
            submission: id,
            reason,
        } => {
            server
                .post_json(&submission(*id, "release"), &json!({ "reason": reason }))
                .await?
        }
        Action::Status {
            package,
            status,
            reason,
        } => {
            let body = json!({ "status": status.to_ascii_uppercase(), "reason": reason });
            server
                .post_json(&format!("{}/status", package_path(package)?), &body)
                .await?
        }
        Action::Tier {
            package,
            tier,
            reason,
        } => {
            let body = json!({ "tier": tier.to_ascii_uppercase(), "reason": reason });
            server
                .post_json(&format!("{}/tier", package_path(package)?), &body)
                .await?
        }
        Action::Yank {
            package,
            version,
            reason,
        }
        | Action::Unyank {
            package,
            version,
            reason,
        } => {
            let verb = if matches!(args.action, Action::Yank { .. }) {
                "yank"
            } else {
                "unyank"
            };
            // It goes into the URL path: nothing but a plain version.
            if version.is_empty()
                || !version
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
            {
                return Err(ModerateError::Version(version.clone()));
            }
            let path = format!("{}/versions/{version}/{verb}", package_path(package)?);
            server
                .post_json(&path, &json!({ "reason": reason }))
                .await?
        }
        Action::Rescan { target, reason } => {
            let path = match target.trim().split('/').count() {
                2 => {
                    let [owner, repo, _] = parse_package(&format!("{}/x", target.trim()))
                        .ok_or_else(|| ModerateError::Package(target.clone()))?;
                    format!("/api/v1/admin/repositories/{owner}/{repo}/rescan")
                }
                _ => format!("{}/rescan", package_path(target)?),
            };
            server
                .post_json(&path, &json!({ "reason": reason }))
                .await?
        }
        Action::Block {
            kind,
            value,
            reason,
            expires_days,
        } => {
            let body = json!({ "kind": kind, "value": value, "reason": reason,
                               "expires_in_days": expires_days });
            server.post_json("/api/v1/admin/blocks", &body).await?
        }
        Action::Unblock {
            kind,
            value,
            reason,
        } => {
            let body = json!({ "kind": kind, "value": value, "reason": reason });
            server
                .post_json("/api/v1/admin/blocks/remove", &body)
                .await?
        }
        Action::Audit {
            action,
            actor,
            package,
            limit,
        } => {
            let limit = limit.to_string();
            let q = query(&[
                ("action", action.as_deref()),
                ("actor", actor.as_deref()),
                ("package", package.as_deref()),
                ("limit", Some(&limit)),
            ]);
            server.get_json(&format!("/api/v1/admin/audit?{q}")).await?
        }
        Action::Requests { status, kind } => {
            let q = query(&[("status", Some(status)), ("kind", kind.as_deref())]);
            server
                .get_json(&format!("/api/v1/admin/requests?{q}"))
                .await?
        }
        Action::Resolve {
            request,
            decision,
            then,
            reason,
        } => {
            let body = json!({ "decision": decision, "then": then, "reason": reason });
            server
                .post_json(&format!("/api/v1/admin/requests/{request}/resolve"), &body)
                .await?
        }
    };
    Ok(answer)
}

fn text(value: &Value) -> String {
    printable(
        &match value {
            Value::String(s) => s.clone(),
            Value::Null => String::new(),
            other => other.to_string(),
        },
        300,
    )
}

/// One line per audit event or request; one line for an action's result.
pub fn render(value: &Value) -> String {
    let mut out = String::new();
    if let Some(items) = value["items"].as_array() {
        for e in items {
            if e.get("action").is_some() {
                out.push_str(&format!(
                    "{} {} ({}) {} {} {}: {} → {} — {}\n",
                    text(&e["at"]),
                    text(&e["actor"]["id"]),
                    text(&e["actor_role"]),
                    text(&e["action"]),
                    text(&e["target_kind"]),
                    text(&e["target"]),
                    text(&e["before"]),
                    text(&e["after"]),
                    text(&e["reason"]),
                ));
            } else {
                out.push_str(&format!(
                    "#{} {} {} {} from {} ({}): {}\n",
                    text(&e["id"]),
                    text(&e["kind"]),
                    text(&e["package"]),
                    text(&e["category"]),
                    text(&e["author"]["id"]),
                    text(&e["status"]),
                    text(&e["message"]),
                ));
            }
        }
        if items.is_empty() {
            out.push_str("nothing recorded\n");
        }
        return out;
    }
    if let Some(rescanned) = value["rescanned"].as_array() {
        for r in rescanned {
            out.push_str(&format!(
                "rescanning {} (submission {})\n",
                text(&r["skill"]),
                text(&r["submission"])
            ));
        }
        for s in value["skipped"].as_array().into_iter().flatten() {
            out.push_str(&format!(
                "skipped {} (submission {} is {})\n",
                text(&s["skill"]),
                text(&s["submission"]),
                text(&s["state"])
            ));
        }
        return out;
    }
    if let Some(sub) = value.get("submission") {
        out = format!(
            "submission {} is now {}\n",
            text(&sub["id"]),
            text(&sub["state"])
        );
    } else if let Some(skill) = value.get("skill").filter(|s| s.is_object()) {
        out = format!(
            "{} is {} ({})\n",
            text(&skill["slug"]),
            text(&skill["status"]),
            text(&skill["cert_tier"])
        );
    } else if let Some(version) = value.get("version") {
        out = format!(
            "{} version {}: {}\n",
            text(&value["skill"]),
            text(&version["version"]),
            if version["yanked"] == true {
                "yanked"
            } else {
                "served"
            }
        );
    } else if let Some(block) = value.get("block") {
        out = format!(
            "blocked {} {}; skills blocked with it: {}\n",
            text(&block["kind"]),
            text(&block["value"]),
            text(&value["skills_blocked"])
        );
    } else if let Some(removed) = value.get("removed") {
        out = format!(
            "removed {} {} from the blocklist\n",
            text(&removed["kind"]),
            text(&removed["value"])
        );
    } else if let Some(request) = value.get("request") {
        out = format!(
            "request #{} is {}\n",
            text(&request["id"]),
            text(&request["status"])
        );
    } else {
        out = format!("{}\n", text(value));
    }
    out
}
