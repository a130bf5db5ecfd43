//! MCP servers, agent settings and MCP tools shipped in a skill.
//!
//! - `config` reads configuration files (JSON with or without comments, YAML, the TOML
//!   subset of `toml`) and the frontmatter into servers, agent settings and tool manifests;
//! - `grants` judges what servers and settings allow (file-system roots, shells, network
//!   wildcards, unpinned or insecure sources, secrets, auto-approval, bypassed prompts, hooks,
//!   redirected traffic) against what the skill's description says it needs;
//! - `code` finds tools in Python and JavaScript/TypeScript MCP server code, with their
//!   descriptions and handlers;
//! - `poison` reads every tool description for instructions aimed at the model.
//!
//! A grant is high; critical when the description does not call for it, or when the skill
//! also poisons a tool description (the grant is then the payload's reach).

mod code;
mod config;
mod grants;
mod poison;
mod toml;

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use skillvet_skill::{FileKind, ParsedSkillMd, SkillBundle};

use super::files::{self, file_finding};
use super::rules::known;
use super::{Role, SkillContext, is_example_path};
use crate::model::{Category, Confidence, Finding, Severity};
use crate::registry::RuleId;

/// Larger files are not read as configuration or tool code.
const MAX_FILE_BYTES: usize = 1024 * 1024;

/// What the skill's name and description say it works with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Needs {
    pub files: bool,
    pub shell: bool,
    pub network: bool,
    /// Sandboxes, containers, CI: where turning prompts off can be the point.
    pub sandbox: bool,
}

const FILE_WORDS: &[&str] = &[
    "file",
    "files",
    "filesystem",
    "folder",
    "folders",
    "directory",
    "directories",
    "disk",
    "document",
    "documents",
    "path",
    "paths",
    "project",
    "projects",
    "workspace",
    "repository",
    "repo",
    "codebase",
    "notes",
    "backup",
    "backups",
    "storage",
    "drive",
    "photos",
    "downloads",
    "desktop",
    "organize",
    "organise",
];
const SHELL_WORDS: &[&str] = &[
    "shell",
    "terminal",
    "command",
    "commands",
    "cli",
    "bash",
    "zsh",
    "powershell",
    "script",
    "scripts",
    "execute",
    "executes",
    "devops",
    "sysadmin",
    "administration",
    "automation",
    "automate",
    "build",
    "builds",
    "deploy",
    "deploys",
    "docker",
    "kubernetes",
    "tmux",
    "ssh",
    "process",
    "processes",
];
const NETWORK_WORDS: &[&str] = &[
    "web",
    "http",
    "https",
    "api",
    "apis",
    "url",
    "urls",
    "internet",
    "online",
    "fetch",
    "fetches",
    "download",
    "downloads",
    "browse",
    "browser",
    "browsing",
    "scrape",
    "scraping",
    "crawl",
    "crawler",
    "search",
    "network",
    "request",
    "requests",
    "website",
    "websites",
    "research",
    "webhook",
    "webhooks",
];
const SANDBOX_WORDS: &[&str] = &[
    "sandbox",
    "sandboxed",
    "container",
    "containers",
    "devcontainer",
    "devcontainers",
    "docker",
    "ci",
    "unattended",
    "autonomous",
    "headless",
    "vm",
];

impl Needs {
    pub fn from_text(text: &str) -> Needs {
        let words: Vec<String> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        let any = |list: &[&str]| words.iter().any(|w| list.contains(&w.as_str()));
        Needs {
            files: any(FILE_WORDS),
            shell: any(SHELL_WORDS),
            network: any(NETWORK_WORDS),
            sandbox: any(SANDBOX_WORDS),
        }
    }

    fn from_manifest(parsed: &ParsedSkillMd) -> Needs {
        parsed.manifest.as_ref().map_or_else(Needs::default, |m| {
            Needs::from_text(&format!(
                "{} {}",
                m.name.as_deref().unwrap_or(""),
                m.description.as_deref().unwrap_or("")
            ))
        })
    }
}

/// Cheap test that a text file may hold configuration or tool code worth parsing.
static ANCHORS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build([
            "mcp",
            "servers",
            "permissions",
            "hooks",
            "inputschema",
            "input_schema",
            "\"tools\"",
            "tools:",
            "approval_policy",
            "sandbox_mode",
            "statusline",
            "apikeyhelper",
            "\"env\"",
        ])
        .expect("mcp anchors")
});

/// A finding of a built-in rule of this module, at the rule's defaults.
pub(crate) fn finding(
    rule_id: RuleId,
    path: &str,
    line: u32,
    evidence: &str,
    detail: &str,
) -> Finding {
    let rule = known(rule_id);
    let explanation = if detail.is_empty() {
        rule.description.to_owned()
    } else {
        format!("{} {detail}", rule.description)
    };
    file_finding(rule, path, line, evidence, explanation)
}

/// Adds a reason to a finding's context.
pub(crate) fn note(f: &mut Finding, why: &str) {
    f.context = Some(match f.context.take() {
        Some(c) => format!("{c}; {why}"),
        None => why.to_owned(),
    });
}

/// 1-based line of the first occurrence of `needle` in `text` (1 when absent).
pub(crate) fn line_of(text: &str, needle: &str) -> u32 {
    text.find(needle)
        .map_or(1, |i| text[..i].matches('\n').count() as u32 + 1)
}

/// 1-based line of a byte offset.
pub(crate) fn line_at(text: &str, offset: usize) -> u32 {
    text[..offset.min(text.len())].matches('\n').count() as u32 + 1
}

/// The line, from `from_line` on, where the sentence quoted in `evidence` starts (a
/// docstring's instructions are reported where they are, not where the docstring opens).
fn relocate(text: &str, from_line: u32, evidence: &str) -> Option<u32> {
    let start = text
        .match_indices('\n')
        .nth(from_line.checked_sub(2)? as usize)
        .map_or(0, |(i, _)| i + 1);
    let probe: String = evidence
        .split_whitespace()
        .take(4)
        .collect::<Vec<_>>()
        .join(" ");
    if probe.len() < 8 {
        return None;
    }
    let at = text.get(start..)?.find(&probe)?;
    Some(line_at(text, start + at))
}

/// Runs every MCP and agent-settings check over the bundle.
pub(crate) fn scan(
    bundle: &SkillBundle,
    parsed: &ParsedSkillMd,
    _ctx: &SkillContext,
    out: &mut Vec<Finding>,
) {
    let needs = Needs::from_manifest(parsed);
    let mut found = Vec::new();
    if let Some(m) = &parsed.manifest
        && m.extra
            .keys()
            .any(|k| k.to_ascii_lowercase().starts_with("mcp"))
    {
        let text = bundle
            .manifest_bytes()
            .map(String::from_utf8_lossy)
            .unwrap_or_default();
        let cfg = config::Config::from_frontmatter(skillvet_skill::SKILL_MD, &text, &m.extra);
        grants::judge(&cfg, &needs, &mut found);
    }
    for f in &bundle.files {
        if !matches!(f.kind, FileKind::Regular | FileKind::Executable)
            || f.content.len() > MAX_FILE_BYTES
            || f.path == skillvet_skill::SKILL_MD
        {
            continue;
        }
        let Some(text) = files::as_text(&f.content) else {
            continue;
        };
        if !ANCHORS.is_match(text.as_ref()) {
            continue;
        }
        let mut here = Vec::new();
        match Role::of(&f.path, &f.kind, &f.content) {
            Role::Data => {
                if let Some(cfg) = config::Config::load(&f.path, &text) {
                    grants::judge(&cfg, &needs, &mut here);
                    for t in &cfg.tools {
                        poison::check(t, &mut here);
                    }
                }
            }
            Role::Script | Role::Source => {
                let scan = code::tools(&f.path, &text);
                for d in &scan.described {
                    let from = here.len();
                    poison::check(d, &mut here);
                    for x in &mut here[from..] {
                        x.line = relocate(&text, d.line, &x.evidence).unwrap_or(x.line);
                    }
                }
                let processes = code::imports_processes(&text);
                for t in &scan.tools {
                    code::check_effects(t, processes, &f.path, &mut here);
                }
            }
            Role::SkillMd | Role::Doc => {}
        }
        if is_example_path(&f.path) {
            for x in &mut here {
                x.severity = x.severity.lowered(1);
                x.confidence = x.confidence.lowered(1);
                note(x, "in a test or example file");
            }
        }
        found.extend(here);
    }
    escalate_with_poisoning(&mut found);
    out.extend(found);
}

/// Grants in a skill that also poisons a tool description are the payload's reach.
fn escalate_with_poisoning(found: &mut [Finding]) {
    let poisoned = found.iter().any(|f| {
        f.category == Category::PromptInjection
            && f.severity >= Severity::High
            && f.confidence >= Confidence::Medium
    });
    if !poisoned {
        return;
    }
    for f in found
        .iter_mut()
        .filter(|f| f.category == Category::AgentPermissions && f.severity >= Severity::High)
    {
        f.severity = Severity::Critical;
        note(
            f,
            "raised: the skill also carries instructions hidden in a tool description",
        );
    }
}
