//! Declared versus actual: what SKILL.md says the skill does (description, `allowed-tools`,
//! body) against the capabilities its scripts use.
//!
//! The comparison is a keyword table per capability, matched on whole words:
//! - the **description** is the author's claim users see; a capability word there declares it;
//! - **allowed-tools** declares network use with `WebFetch`, `WebSearch`, `Bash(curl…)`,
//!   `Bash(wget…)` or MCP tools;
//! - the **body** only lowers the severity (instructions often mention services in
//!   passing), except that a host the scripts contact, named in the body, declares it.

use std::collections::{BTreeSet, HashSet};

use super::catalog::{self, HostClass};
use super::engine::{Analysis, CapKind, Capability, SourceKind};
use super::rules::{self, Ctx, T2Finding};
use crate::model::{Confidence, Severity};
use crate::registry::RuleId;

pub const NETWORK_WORDS: &[&str] = &[
    "api",
    "apis",
    "http",
    "https",
    "url",
    "urls",
    "web",
    "website",
    "fetch",
    "fetches",
    "download",
    "downloads",
    "upload",
    "uploads",
    "online",
    "internet",
    "network",
    "request",
    "requests",
    "endpoint",
    "endpoints",
    "server",
    "remote",
    "cloud",
    "service",
    "services",
    "webhook",
    "webhooks",
    "registry",
    "registries",
    "github",
    "gitlab",
    "bitbucket",
    "slack",
    "discord",
    "email",
    "sync",
    "publish",
    "publishes",
    "deploy",
    "deploys",
    "search",
    "browse",
    "scrape",
    "crawl",
    "advisory",
    "advisories",
    "npm",
    "pypi",
    "crates.io",
    "feed",
    "rss",
    "weather",
    "news",
    "translate",
    "oauth",
    "integration",
    "notion",
    "jira",
    "linear",
    "google",
    "openai",
    "anthropic",
    "llm",
    "send",
    "sends",
    "post",
    "posts",
    "notify",
    "notification",
    "telemetry",
    "upstream",
    "upstreams",
    "online",
    "saas",
    "s3",
    "aws",
    "gcp",
    "azure",
    "http(s)",
    "rest",
    "graphql",
    "socket",
    "websocket",
    "proxy",
    "scan",
    "osv",
    "cve",
    "cves",
    "vulnerability",
];

pub const SECRET_WORDS: &[&str] = &[
    "credential",
    "credentials",
    "secret",
    "secrets",
    "token",
    "tokens",
    "password",
    "passwords",
    "ssh",
    "keys",
    "keychain",
    "vault",
    "aws",
    "gcloud",
    "kubeconfig",
    "login",
    "auth",
    "authentication",
    "dotenv",
    ".env",
    "cookie",
    "cookies",
    "browser",
    "wallet",
    "backup",
    "backups",
    "dotfiles",
    "clipboard",
    "leak",
    "leaks",
    "exposure",
    "gpg",
    "certificate",
    "certificates",
];

pub const PERSISTENCE_WORDS: &[&str] = &[
    "install",
    "installs",
    "installer",
    "setup",
    "set-up",
    "cron",
    "crontab",
    "schedule",
    "scheduled",
    "startup",
    "start-up",
    "shell",
    "alias",
    "aliases",
    "dotfiles",
    "hook",
    "hooks",
    "autostart",
    "daemon",
    "service",
    "launchd",
    "systemd",
    "bashrc",
    "zshrc",
    "profile",
    "devcontainer",
    "provision",
    "bootstrap",
];

/// What a skill says about itself.
#[derive(Debug, Clone, Default)]
pub struct Declared {
    pub description: String,
    pub body: String,
    pub allowed_tools: Vec<String>,
}

fn words(text: &str) -> BTreeSet<String> {
    text.to_lowercase()
        .split(|c: char| !(c.is_alphanumeric() || c == '.' || c == '-' || c == '(' || c == ')'))
        .map(|w| {
            w.trim_matches(|c: char| c == '.' || c == '-' || c == '(' || c == ')')
                .to_string()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

impl Declared {
    pub fn from_skill_md(bytes: &[u8], folder: Option<&str>) -> Declared {
        let parsed = skillvet_skill::parse_skill_md(bytes, folder);
        let (description, allowed_tools) = match &parsed.manifest {
            Some(m) => (
                m.description.clone().unwrap_or_default(),
                m.allowed_tools.clone(),
            ),
            None => (String::new(), Vec::new()),
        };
        Declared {
            description,
            body: parsed.body.map(|b| b.text).unwrap_or_default(),
            allowed_tools,
        }
    }

    /// The description uses one of the words.
    pub fn mentions_any(&self, table: &[&str]) -> bool {
        let w = words(&self.description);
        table.iter().any(|t| w.contains(*t))
    }

    fn body_mentions_any(&self, table: &[&str]) -> bool {
        let w = words(&self.body);
        table.iter().any(|t| w.contains(*t))
    }

    pub fn tools_declare_network(&self) -> bool {
        self.allowed_tools.iter().any(|t| {
            let t = t.to_ascii_lowercase();
            t.starts_with("webfetch")
                || t.starts_with("websearch")
                || t.starts_with("mcp__")
                || t.contains("bash(curl")
                || t.contains("bash(wget")
                || t.contains("bash(gh ")
        })
    }

    /// SKILL.md (any part) names the host or its brand (`api.github.com` → "github").
    pub fn names_host(&self, host: &str) -> bool {
        let all = format!("{}\n{}", self.description, self.body).to_lowercase();
        if all.contains(host) {
            return true;
        }
        match catalog::host_brand(host) {
            Some(b) if b.len() >= 3 => words(&all).contains(b),
            _ => false,
        }
    }

    /// The secret's name points at the host (`GITHUB_TOKEN` → `api.github.com`), or the
    /// skill names the host.
    pub fn host_related(&self, secret: &str, host: &str) -> bool {
        const GENERIC: &[&str] = &[
            "api",
            "key",
            "token",
            "secret",
            "access",
            "auth",
            "pat",
            "password",
            "id",
            "client",
            "personal",
            "url",
            "base",
            "env",
            "private",
            "session",
            "bearer",
            "app",
            "gh",
            "auth token",
        ];
        let h = host.to_ascii_lowercase();
        let related = secret
            .to_ascii_lowercase()
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| w.len() >= 3 && !GENERIC.contains(w))
            .any(|w| h.contains(w));
        // `gh auth token` → github.
        let cli = secret.starts_with("gh ") && h.contains("github");
        related || cli || self.names_host(&h)
    }
}

pub fn compare(a: &Analysis, ctx: &Ctx) -> Vec<T2Finding> {
    let mut out = Vec::new();
    let d = ctx.declared;
    // Network.
    let mut hosts = BTreeSet::new();
    let mut first = None;
    let mut raw_socket = None;
    for cap in &a.caps {
        if let CapKind::Network {
            host,
            raw_socket: raw,
        } = &cap.kind
        {
            if host
                .as_deref()
                .is_some_and(|h| catalog::host_class(h) == HostClass::Loopback)
            {
                continue;
            }
            if let Some(h) = host {
                hosts.insert(h.clone());
            }
            first.get_or_insert(cap);
            if *raw {
                raw_socket.get_or_insert(cap);
            }
        }
    }
    if let Some(cap) = first {
        let host_list = if hosts.is_empty() {
            "hosts computed at run time".to_string()
        } else {
            hosts.iter().cloned().collect::<Vec<_>>().join(", ")
        };
        let named = hosts.iter().any(|h| d.names_host(h));
        let declared = d.mentions_any(NETWORK_WORDS) || d.tools_declare_network() || named;
        if declared {
            out.push(rules::make(
                ctx,
                RuleId::T2DeclaredNetwork,
                Severity::Info,
                Confidence::High,
                cap.file,
                cap.pos.line,
                cap.pos.col,
                format!("Scripts use the network ({host_list}); SKILL.md declares network use."),
                vec![],
            ));
        } else {
            let at = raw_socket.unwrap_or(cap);
            let (sev, conf) = if raw_socket.is_some() {
                (Severity::High, Confidence::Medium)
            } else if d.body_mentions_any(NETWORK_WORDS) {
                (Severity::Low, Confidence::Low)
            } else {
                (Severity::Medium, Confidence::Medium)
            };
            let what = if raw_socket.is_some() {
                "opens raw network connections"
            } else {
                "uses the network"
            };
            out.push(rules::make(ctx, RuleId::T2UndeclaredNetwork, sev, conf, at.file, at.pos.line, at.pos.col, format!("The skill {what} ({host_list}, first via {}) but its description and allowed-tools declare no network access.", at.api), vec![]));
        }
    }
    // Credential stores and other private data.
    let secrets_declared = d.mentions_any(SECRET_WORDS);
    for cap in &a.caps {
        let CapKind::SecretRead(kind) = &cap.kind else {
            continue;
        };
        if secrets_declared {
            continue;
        }
        let (sev, what) = match kind {
            SourceKind::Cred { class, path } => (
                if *class == catalog::CredClass::DotEnv {
                    Severity::Medium
                } else {
                    Severity::High
                },
                format!("reads {} ({path})", class.describe()),
            ),
            SourceKind::Clipboard => (Severity::Medium, "reads the clipboard".to_string()),
            SourceKind::HomeListing { path } => {
                (Severity::Low, format!("lists the home directory ({path})"))
            }
            SourceKind::CloudMetadata { .. } => continue,
            _ => continue,
        };
        out.push(rules::make(
            ctx,
            RuleId::T2UndeclaredCredentialAccess,
            sev,
            Confidence::Medium,
            cap.file,
            cap.pos.line,
            cap.pos.col,
            format!(
                "The script {what} via {}, which the skill's description does not mention.",
                cap.api
            ),
            vec![],
        ));
    }
    // Breadth is what stealers show: several unrelated credential stores read by one skill.
    let mut stores: Vec<(&str, catalog::CredClass, &Capability)> = Vec::new();
    for cap in &a.caps {
        if let CapKind::SecretRead(SourceKind::Cred { class, path }) = &cap.kind
            && !matches!(
                class,
                catalog::CredClass::DotEnv | catalog::CredClass::ShellHistory
            )
            && !stores.iter().any(|(p, _, _)| *p == path.as_str())
        {
            stores.push((path.as_str(), *class, cap));
        }
    }
    let classes: HashSet<catalog::CredClass> = stores.iter().map(|(_, c, _)| *c).collect();
    if stores.len() >= 3 || classes.len() >= 2 {
        let (_, _, cap) = stores[0];
        let list: Vec<&str> = stores.iter().map(|(p, _, _)| *p).take(6).collect();
        let (sev, conf) = if secrets_declared {
            (Severity::High, Confidence::Medium)
        } else {
            (Severity::Critical, Confidence::High)
        };
        out.push(rules::make(
            ctx,
            RuleId::T2UndeclaredCredentialAccess,
            sev,
            conf,
            cap.file,
            cap.pos.line,
            cap.pos.col,
            format!(
                "The scripts read {} different credential stores ({}): collecting many unrelated secrets is what credential stealers do.",
                stores.len(),
                list.join(", ")
            ),
            vec![],
        ));
    }
    out
}
