//! Tier 1 — static rules over SKILL.md and every bundled file.
//!
//! One pass per text file: an Aho-Corasick automaton over every rule's literal anchors
//! picks the candidate rules, whose regexes then run on that file only. Each match is
//! placed in context (file role, markdown region, negation, teaching material) which lowers
//! severity and confidence of contextual rules (see [`Adjust`]). Built-in checks cover
//! hidden Unicode (`unicode`), encoded payloads and split-string evasions (`encoded`),
//! and what the bundle contains (`files`).

pub mod assembled;
pub mod encoded;
pub mod files;
mod gate;
pub mod intent;
pub mod markdown;
mod mcp;
mod packages;
mod posted;
pub mod rules;
pub mod signatures;
pub mod unicode;
mod window;

use std::collections::HashSet;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;
use skillvet_skill::{FileKind, ParsedSkillMd, SKILL_MD, SkillBundle};

use crate::model::{
    Category, Confidence, Finding, MAX_EVIDENCE_CHARS, Severity, Tier, sanitize_evidence,
};
use crate::registry::RuleId;
use markdown::{Layout, Region};
use rules::{Detector, Post, RULES, Rule, Scope};

/// Bounds on tier-1 work, so a hostile skill cannot make a scan slow or huge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of one text file that are scanned (the rest is reported as not scanned).
    pub max_scan_bytes: usize,
    /// How many times decoded payloads are decoded and rescanned again.
    pub max_decode_depth: u8,
    /// Most decoded bytes rescanned per file.
    pub max_decoded_bytes: usize,
    /// Most findings of one rule in one file.
    pub max_findings_per_rule: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_scan_bytes: 2 * 1024 * 1024,
            max_decode_depth: 2,
            max_decoded_bytes: 256 * 1024,
            max_findings_per_rule: 20,
        }
    }
}

/// What a file is for the agent, which decides how much its text weighs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The skill's SKILL.md: instructions the agent follows.
    SkillMd,
    /// Other markdown or text: reference material.
    Doc,
    /// Scripts the agent may run (python, shell, js/ts, powershell…, or executable).
    Script,
    /// Source code in languages the agent does not run directly (C, Rust, Solidity…).
    Source,
    /// Configuration and data (json, yaml, toml, svg…).
    Data,
}

impl Role {
    pub fn of(path: &str, kind: &FileKind, content: &[u8]) -> Role {
        if path == SKILL_MD {
            return Role::SkillMd;
        }
        let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
        let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
        match ext {
            "md" | "markdown" | "mdx" | "txt" | "rst" | "adoc" | "org" => Role::Doc,
            "py" | "pyw" | "sh" | "bash" | "zsh" | "ksh" | "fish" | "command" | "js" | "mjs"
            | "cjs" | "jsx" | "ts" | "mts" | "cts" | "tsx" | "ps1" | "psm1" | "bat" | "cmd"
            | "rb" | "pl" | "php" | "lua" | "applescript" | "scpt" | "vbs" | "bats" => Role::Script,
            "c" | "h" | "cc" | "cpp" | "hpp" | "cxx" | "rs" | "go" | "java" | "kt" | "scala"
            | "swift" | "cs" | "sol" | "vy" | "move" | "cairo" | "lean" | "hs" | "ml" | "ex"
            | "exs" | "erl" | "clj" | "r" | "jl" | "dart" | "zig" | "nim" | "s" | "asm" | "ll"
            | "ql" | "qll" | "yar" | "yara" | "sql" | "html" | "htm" | "vue" | "svelte" => {
                Role::Source
            }
            _ if matches!(kind, FileKind::Executable) || content.starts_with(b"#!") => Role::Script,
            "" if matches!(
                name.as_str(),
                "makefile" | "dockerfile" | "justfile" | "rakefile" | "gemfile"
            ) =>
            {
                Role::Script
            }
            _ => Role::Data,
        }
    }

    fn is_markdown(self, path: &str) -> bool {
        let lower = path.to_ascii_lowercase();
        matches!(self, Role::SkillMd)
            || (matches!(self, Role::Doc)
                && (lower.ends_with(".md")
                    || lower.ends_with(".markdown")
                    || lower.ends_with(".mdx")))
    }

    fn is_code(self) -> bool {
        matches!(self, Role::Script | Role::Source)
    }
}

/// Facts about the whole skill that change how its text is read.
#[derive(Debug, Clone, Default)]
pub struct SkillContext {
    /// The skill says it is about security (auditing, vulnerabilities, attacks…): its
    /// documentation quotes attacks to teach them.
    pub teaching: bool,
    /// Narrower: the skill's subject is attacks themselves (vulnerabilities, exploits,
    /// malware…), not merely a review or audit that mentions security. Its instructions
    /// may name attack steps; a reviewer's may not.
    pub teaches_attacks: bool,
    /// 1-based line where SKILL.md's body starts (1 when there is no frontmatter).
    pub body_line: usize,
    /// Name and description, lower-cased: what the skill declares it does.
    pub declared: String,
    /// Folders SKILL.md builds and runs code from (`cd scripts/kctx && go build …`): their
    /// source files run as surely as its scripts.
    pub built: Vec<String>,
    /// Files SKILL.md tells the agent to load and follow as its own instructions.
    pub followed: Vec<String>,
}

/// "Load `references/house-rules.md` and follow it exactly": what such a file says is an
/// instruction, not reference material.
static FOLLOW: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(load|read|open|apply|follow|obey|use)(?-u:\b)(?:[^.\n]|\.[a-zA-Z0-9]){0,120}?(?-u:\b)(follow|obey|apply|overrides?|takes?\s+precedence|as\s+(your|the)\s+(instructions|rules)|exactly|to\s+the\s+letter|without\s+deviation|must\s+be\s+followed)(?-u:\b)")
        .expect("follow regex")
});

fn followed_files(body: &str) -> Vec<String> {
    static PATH: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?:[A-Za-z0-9_\-]+/)+[A-Za-z0-9_.\-]+\.(md|txt|markdown|rst)")
            .expect("path regex")
    });
    FOLLOW
        .find_iter(body)
        .flat_map(|m| PATH.find_iter(m.as_str()).map(|p| p.as_str().to_owned()))
        .collect()
}

/// A line of SKILL.md that compiles or runs source code.
static BUILD_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)(go\s+(build|run|install)|cargo\s+(build|run|install)|rustc|gcc|g\+\+|clang|javac|java\s+-jar|dotnet\s+(run|build)|swift\s+(run|build)|mvn|gradle|make)(?-u:\b)")
        .expect("build line regex")
});

static REL_DIR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[\s`'\x22(=])\.?/?((?:[A-Za-z0-9_.\-]+/)*[A-Za-z0-9_\-]+)")
        .expect("relative dir regex")
});

/// Folders named on SKILL.md's build or run lines.
fn built_dirs(body: &str) -> Vec<String> {
    let mut dirs = Vec::new();
    for line in body.lines().filter(|l| BUILD_LINE.is_match(l)) {
        for c in REL_DIR.captures_iter(line) {
            let d = c[1].trim_end_matches('/');
            if d.contains('/')
                || d.starts_with("scripts")
                || d.starts_with("src")
                || d.starts_with("cmd")
            {
                dirs.push(d.to_owned());
            }
        }
    }
    dirs
}

static ATTACK_SUBJECT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(vulnerab\w*|exploit\w*|attacks?|attacker\w*|malware|malicious|pentest\w*|penetration|threat\w*|fuzz\w*|sast|static[\s-]analysis|semgrep|codeql|yara|ctf|forensic\w*|red[\s-]team\w*|injection|cve|sanitizer\w*|hardening|security\s+(audit|review|research|assessment|testing)\w*)(?-u:\b)").expect("attack subject regex")
});

static TEACHING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(security|secure|vulnerab\w*|audit\w*|exploit\w*|attack\w*|malware|malicious|pentest\w*|penetration|threat\w*|fuzz\w*|sast|static[\s-]analysis|semgrep|codeql|yara|ctf|forensic\w*|red[\s-]team\w*|injection|cve|sanitizer\w*|hardening|triage|cryptograph\w*|smart\s+contracts?)(?-u:\b)").expect("teaching regex")
});

impl SkillContext {
    pub fn from_manifest(parsed: &ParsedSkillMd) -> SkillContext {
        let teaching = parsed.manifest.as_ref().is_some_and(|m| {
            let text = format!(
                "{} {}",
                m.name.as_deref().unwrap_or(""),
                m.description.as_deref().unwrap_or("")
            );
            TEACHING.is_match(&text)
        });
        let teaches_attacks = parsed
            .manifest
            .as_ref()
            .is_some_and(|m| ATTACK_SUBJECT.is_match(m.description.as_deref().unwrap_or("")));
        let declared = parsed.manifest.as_ref().map_or(String::new(), |m| {
            format!(
                "{} {}",
                m.name.as_deref().unwrap_or(""),
                m.description.as_deref().unwrap_or("")
            )
            .to_lowercase()
        });
        SkillContext {
            teaching,
            teaches_attacks,
            body_line: parsed.body.as_ref().map_or(1, |b| b.line),
            declared,
            built: parsed
                .body
                .as_ref()
                .map_or(Vec::new(), |b| built_dirs(&b.text)),
            followed: parsed
                .body
                .as_ref()
                .map_or(Vec::new(), |b| followed_files(&b.text)),
        }
    }

    /// SKILL.md has the agent follow `path` as instructions.
    pub fn follows(&self, path: &str) -> bool {
        self.followed.iter().any(|f| f == path)
    }

    /// The description says the skill does this kind of thing (a scheduler installs cron
    /// entries, an SSH helper touches `~/.ssh`): what is declared weighs less than what is
    /// not.
    pub fn declares(&self, category: Category) -> bool {
        let words: &[&str] = match category {
            Category::Persistence => &[
                "cron",
                "schedul",
                "launchd",
                "launchagent",
                "launch agent",
                "systemd",
                "service",
                "hook",
                "startup",
                "start-up",
                "autostart",
                "at login",
                "daemon",
                "shell rc",
                ".zshrc",
                ".bashrc",
                "shell hook",
                "shell profile",
                "direnv",
                "task scheduler",
                "scheduled task",
                "alias",
            ],
            Category::CredentialAccess => &[
                "ssh",
                "credential",
                "aws",
                "gcloud",
                "azure",
                "kube",
                "docker login",
                "registry login",
                "keychain",
                "secret",
                "token",
                "password manager",
                ".env",
                "dotenv",
                "api key",
                "vault",
            ],
            Category::Destructive => &[
                "clean",
                "delete",
                "remove",
                "prune",
                "wipe",
                "reset",
                "uninstall",
                "purge",
            ],
            Category::PrivilegeEscalation => &["sudo", "admin", "root", "system-wide", "harden"],
            _ => return false,
        };
        words.iter().any(|w| self.declared.contains(w))
    }
}

/// Where scanned text came from when it is not the file's own bytes.
#[derive(Debug, Clone)]
pub(crate) struct Origin {
    /// Line (1-based) of the file every finding is reported at.
    pub line: u32,
    pub column: u32,
    /// E.g. "decoded from base64".
    pub note: String,
}

/// One text being scanned.
pub(crate) struct Doc<'a> {
    pub path: &'a str,
    pub text: &'a str,
    pub role: Role,
    pub line_starts: Vec<usize>,
    pub layout: Option<Layout>,
    /// Path suggests tests or examples.
    pub example_path: bool,
    pub origin: Option<Origin>,
}

fn line_starts(text: &str) -> Vec<usize> {
    let mut v = Vec::with_capacity(text.len() / 40 + 1);
    v.push(0);
    // `match_indices` of a char finds each newline with memchr.
    v.extend(
        text.match_indices('\n')
            .map(|(i, _)| i + 1)
            .filter(|&i| i < text.len()),
    );
    v
}

impl<'a> Doc<'a> {
    pub fn new(
        path: &'a str,
        text: &'a str,
        role: Role,
        ctx: &SkillContext,
        origin: Option<Origin>,
    ) -> Doc<'a> {
        let line_starts = line_starts(text);
        let layout = (origin.is_none() && role.is_markdown(path)).then(|| {
            let body = if role == Role::SkillMd {
                ctx.body_line
            } else {
                1
            };
            Layout::new(text, &line_starts, body)
        });
        let example_path = is_example_path(path);
        Doc {
            path,
            text,
            role,
            line_starts,
            layout,
            example_path,
            origin,
        }
    }

    /// 0-based line index of a byte offset.
    pub fn line_index(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&o| o <= offset) - 1
    }

    pub fn line_text(&self, idx: usize) -> &'a str {
        let start = self.line_starts[idx];
        let end = self
            .line_starts
            .get(idx + 1)
            .copied()
            .unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }

    /// (line, column), 1-based, as reported; virtual texts report their origin.
    pub fn position(&self, offset: usize) -> (u32, u32) {
        if let Some(o) = &self.origin {
            return (o.line, o.column);
        }
        let idx = self.line_index(offset);
        let col = self.text[self.line_starts[idx]..offset].chars().count() + 1;
        (idx as u32 + 1, col as u32)
    }
}

/// Whether a path suggests tests or examples.
pub(crate) fn is_example_path(path: &str) -> bool {
    path.to_ascii_lowercase().split('/').any(|c| {
        matches!(
            c,
            "test"
                | "tests"
                | "testdata"
                | "example"
                | "examples"
                | "fixtures"
                | "samples"
                | "sample"
                | "__tests__"
                | "spec"
        )
    })
}

/// How much the context lowers a contextual rule's severity and confidence.
#[derive(Debug, Default, Clone)]
pub(crate) struct Adjust {
    pub severity: u8,
    pub confidence: u8,
    pub why: Vec<&'static str>,
}

impl Adjust {
    fn add(&mut self, severity: u8, confidence: u8, why: &'static str) {
        self.severity += severity;
        self.confidence += confidence;
        self.why.push(why);
    }
}

/// Words before a match, in its sentence, that negate it ("never run …").
const NEGATIONS: &[&str] = &[
    "never",
    "do not",
    "don't",
    "must not",
    "mustn't",
    "should not",
    "shouldn't",
    "avoid",
    "instead of",
    "rather than",
    "not ",
    "no ",
    "refuse",
    "prevent",
    "block",
    "forbid",
    "prohibit",
    "disallow",
    "cannot",
    "can't",
    "won't",
];

/// Words in a line that show it talks about a pattern rather than using it.
const DESCRIPTIVE: &[&str] = &[
    "detect",
    "flag",
    "scan",
    "pattern",
    "e.g.",
    "for example",
    "such as",
    "example",
    "attacker",
    "attack",
    "malicious",
    "vulnerab",
    "exploit",
    "injection",
    "red flag",
    "indicator",
    "warn",
    "risk",
    "dangerous",
    "insecure",
    "unsafe",
    "suspicious",
    "look for",
    "check for",
    "search for",
    "grep",
    "rule",
    "finding",
    "bad:",
    "❌",
    "⚠",
];

fn contains_any(haystack: &str, needles: &[&str]) -> bool {
    needles.iter().any(|n| haystack.contains(n))
}

/// Whether `col_byte` lies between a pair of double quotes on the line (straight or curly).
fn in_quotes(line: &str, col_byte: usize) -> bool {
    let (before, after) = line.split_at(col_byte.min(line.len()));
    let straight = before.matches('"').count() % 2 == 1 && after.contains('"');
    let curly = before
        .rfind('“')
        .is_some_and(|i| !before[i..].contains('”'))
        && after.contains('”');
    straight || curly
}

/// The part of the line's sentence before `offset`.
fn sentence_before(line: &str, col_byte: usize) -> &str {
    let before = &line[..col_byte.min(line.len())];
    let cut = before
        .rfind(['.', '!', '?', ';'])
        .filter(|&i| {
            // A full stop inside a word (file.ext, e.g.) does not end a sentence.
            before[i + 1..].starts_with(' ') || i + 1 == before.len()
        })
        .map_or(0, |i| i + 1);
    &before[cut..]
}

fn is_comment_line(role_path: &str, line: &str, col_byte: usize) -> bool {
    let t = line.trim_start();
    if t.starts_with("#!") {
        return false;
    }
    if t.starts_with('#')
        || t.starts_with("//")
        || t.starts_with("/*")
        || t.starts_with("* ")
        || t.starts_with("-- ")
        || t.starts_with("REM ")
        || t.starts_with("rem ")
        || t.starts_with("::")
        || t.starts_with("<#")
    {
        return true;
    }
    // A trailing comment before the match: `cmd  # note about rm -rf /`.
    let before = &line[..col_byte.min(line.len())];
    let lower = role_path.to_ascii_lowercase();
    let hash_lang = [".py", ".sh", ".bash", ".zsh", ".rb", ".pl", ".ps1"]
        .iter()
        .any(|e| lower.ends_with(e));
    let slash_lang = [
        ".js", ".ts", ".mjs", ".cjs", ".jsx", ".tsx", ".c", ".rs", ".go", ".java",
    ]
    .iter()
    .any(|e| lower.ends_with(e));
    (hash_lang && before.contains(" #")) || (slash_lang && before.contains(" //"))
}

/// The match sits in the string of a regex constructor (`re.compile(r"…")`, `new RegExp(`,
/// `grep -E '…'`): detection code describing what it looks for.
fn in_regex_literal(line: &str, col_byte: usize) -> bool {
    let before = &line[..col_byte.min(line.len())];
    let lower = before.to_ascii_lowercase();
    [
        "re.compile(",
        "re.search(",
        "re.match(",
        "re.findall(",
        "re.finditer(",
        "re.sub(",
        "regex(",
        "regexp(",
        "new regexp(",
        "pattern.compile(",
        "grep -e",
        "grep -p",
        "rg ",
        "regex::new(",
        "=~",
    ]
    .iter()
    .any(|p| lower.contains(p))
        || before.trim_start().starts_with('/') && before.matches('/').count() == 1
}

/// The match is the pattern of a search command (`grep -rE 'xmrig|stratum' .`, `rg`,
/// `Select-String -Pattern`): text the skill looks for, not runs. Files after the pattern
/// are read, so they are not lowered.
fn in_search_command(line: &str, col_byte: usize) -> bool {
    let before = line[..col_byte.min(line.len())].to_ascii_lowercase();
    // Words of the current command, split outside quotes; the last one may be open.
    let mut words: Vec<String> = vec![String::new()];
    let mut quote = None;
    for c in before.chars() {
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, '|' | ';' | '&' | '`' | '(') => words = vec![String::new()],
            (None, ' ' | '\t') => {
                if !words.last().is_some_and(String::is_empty) {
                    words.push(String::new());
                }
            }
            _ => words.last_mut().expect("one word").push(c),
        }
    }
    // The word the match starts in is open; only complete words come before it.
    words.pop();
    let mut it = words.iter().map(String::as_str).filter(|w| !w.is_empty());
    let first = match it.next() {
        Some("sudo") => it.next(),
        Some("git") => it.next().filter(|w| *w == "grep"),
        w => w,
    };
    let first = first.map(|w| w.rsplit('/').next().unwrap_or(w));
    if !matches!(
        first,
        Some("grep" | "egrep" | "fgrep" | "rg" | "ag" | "ack" | "select-string" | "findstr")
    ) {
        return false;
    }
    // Only the pattern: no plain argument (a file) before the match.
    let args: Vec<&str> = it.collect();
    args.iter().all(|w| w.starts_with('-'))
        || args
            .last()
            .is_some_and(|w| matches!(*w, "-e" | "--regexp" | "-pattern"))
}

/// A line of a detection rule: a YARA string (`$s1 = "…"`), a Sigma modifier
/// (`CommandLine|contains:`), a KQL/Splunk match (`has "…"`, `has_any (`): the text is
/// what the rule looks for.
fn in_detection_rule(line: &str) -> bool {
    static DETECTION: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"(?i)^\s*\$[a-z0-9_]*\s*=\s*("[^"\n]*"\s*(ascii|wide|nocase|fullword|xor|base64|private)(?-u:\b)|\{\s*[0-9a-f?]{2}\s+[0-9a-f?]{2}|/[^/\n]+/[is]*\s*(ascii|wide|nocase|fullword|$))|\|(contains|startswith|endswith|re|all)(\|all)?\s*:|(?-u:\b)(has_any|has_all)\s*\(|(?-u:\b)(has|has_cs|contains_cs|matches\s+regex)\s+["']"#)
            .expect("detection regex")
    });
    DETECTION.is_match(line)
}

/// Dockerfiles and Containerfiles: their commands run in an image build.
fn is_container_build(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    name == "dockerfile"
        || name == "containerfile"
        || name.starts_with("dockerfile.")
        || name.ends_with(".dockerfile")
}

/// The context adjustment for a match at `offset` of `doc`.
pub(crate) fn adjust_for(
    rule: &Rule,
    doc: &Doc,
    ctx: &SkillContext,
    offset: usize,
) -> (Adjust, Option<Region>) {
    let mut adj = Adjust::default();
    let idx = doc.line_index(offset);
    let line = doc.line_text(idx);
    let col_byte = offset - doc.line_starts[idx];
    let region = doc
        .layout
        .as_ref()
        .map(|l| l.region(doc.text, idx, doc.line_starts[idx], offset));
    if !rule.contextual {
        return (adj, region);
    }
    let lower_line = line.to_lowercase();
    let sentence = sentence_before(line, col_byte).to_lowercase();
    if matches!(
        rule.category,
        Category::CredentialAccess | Category::Persistence
    ) {
        // Lower-cased after slicing: lowering can change byte lengths (`Ⱥ` → `ⱥ`).
        let before = line.get(..col_byte).unwrap_or(line).to_lowercase();
        let cmd_start = before
            .rfind(['`', '|', ';', '&', '(', '$'])
            .map_or(0, |i| i + 1);
        let cmd = before[cmd_start..].trim_start();
        if METADATA_COMMANDS.iter().any(|m| cmd.starts_with(m)) {
            adj.add(
                1,
                1,
                "lists or manages the file without reading what it holds",
            );
        }
    }
    if matches!(region, Some(Region::Frontmatter)) {
        adj.add(1, 1, "in the frontmatter: what the skill declares");
    } else if rule.severity < Severity::Critical && ctx.declares(rule.category) {
        adj.add(1, 0, "the description declares this capability");
    }
    if doc.role.is_code() && in_regex_literal(line, col_byte) {
        adj.add(
            2,
            2,
            "inside a regular expression: a pattern the code looks for",
        );
    } else if in_detection_rule(line) {
        adj.add(2, 2, "in a detection rule: a signature the rule looks for");
    } else if in_search_command(line, col_byte) {
        adj.add(
            2,
            2,
            "an argument of a search command: text the skill looks for",
        );
    }
    match doc.role {
        Role::Script | Role::Source => {
            let built = ctx
                .built
                .iter()
                .any(|d| doc.path.starts_with(d.as_str()) && doc.path[d.len()..].starts_with('/'));
            if doc.role == Role::Source && !built {
                adj.add(0, 1, "in source code the skill does not run directly");
            }
            if is_comment_line(doc.path, line, col_byte) {
                adj.add(1, 1, "in a code comment");
                if contains_any(&sentence, NEGATIONS) {
                    adj.add(1, 1, "negated");
                }
            }
            if doc.example_path {
                adj.add(1, 1, "in a test or example file");
            }
            if is_container_build(doc.path) {
                adj.add(
                    2,
                    1,
                    "in a container build file: runs inside the image, not on the user's machine",
                );
            }
        }
        Role::Data => adj.add(1, 1, "in a data file"),
        Role::SkillMd | Role::Doc => {
            if doc.role == Role::Doc && !ctx.follows(doc.path) {
                adj.add(1, 1, "in reference documentation");
            }
            let heading_marked = doc
                .layout
                .as_ref()
                .and_then(|l| l.heading(idx))
                .is_some_and(|h| {
                    let h = doc.line_text(h).to_lowercase();
                    contains_any(&h, markdown::BAD_EXAMPLE_MARKERS)
                });
            match region {
                Some(Region::Fence { step: true, .. }) if doc.role == Role::SkillMd => {
                    // A step of the skill's own instructions: the agent runs it.
                }
                Some(Region::Fence { marked_bad, .. }) => {
                    if doc.role == Role::SkillMd {
                        adj.add(0, 1, "in a code block of SKILL.md");
                    }
                    if marked_bad || heading_marked {
                        adj.add(1, 1, "in a code block presented as a bad or attack example");
                    } else if is_comment_line(".sh", line, col_byte) {
                        adj.add(1, 1, "in a code comment");
                    }
                }
                Some(Region::HtmlComment) => {
                    // Hidden from readers but read by the model: no lowering.
                }
                Some(Region::Frontmatter) => {}
                _ if unicode::in_hidden_element(doc.text, offset) => {
                    // Styled not to render: hidden from readers, read by the model.
                }
                _ => {
                    // Inline code in a step ("3. Reset the remote: `git push --force …`")
                    // is what the agent runs; elsewhere it is a mention.
                    if matches!(region, Some(Region::InlineCode))
                        && doc.role == Role::SkillMd
                        && !in_step(doc, idx)
                    {
                        adj.add(0, 1, "inline code in SKILL.md");
                    }
                    if matches!(region, Some(Region::Table)) {
                        adj.add(1, 1, "in a table");
                    }
                    if matches!(region, None | Some(Region::Prose)) && in_quotes(line, col_byte) {
                        adj.add(1, 1, "quoted in prose: a phrase named, not given");
                    }
                    if contains_any(&sentence, NEGATIONS) {
                        adj.add(2, 2, "negated (\"never\", \"do not\"…)");
                    } else if contains_any(&lower_line, DESCRIPTIVE) || heading_marked {
                        adj.add(1, 1, "describes the pattern rather than using it");
                    }
                }
            }
            let own_step = doc.role == Role::SkillMd
                && matches!(region, Some(Region::Fence { step: true, .. }));
            if ctx.teaching && !own_step {
                adj.add(0, 1, "in the documentation of a security-teaching skill");
            }
        }
    }
    (adj, region)
}

/// Line `idx` is part of an instruction: its own line or the start of its paragraph or
/// list item (up to three lines up) reads as one.
fn in_step(doc: &Doc, idx: usize) -> bool {
    for back in 0..=3 {
        let Some(i) = idx.checked_sub(back) else {
            break;
        };
        let line = doc.line_text(i);
        if line.trim().is_empty() {
            break;
        }
        // The prose before any code decides: "3. **Download-and-run.** `curl … | sh`" names
        // a pattern, "3. Reset the remote: `git push --force`" gives a step.
        let prose = line.split('`').next().unwrap_or("");
        if starts_with_verb(prose) || introduces_step(prose) {
            return true;
        }
        // The start of a list item ends the look back.
        let t = line.trim_start();
        if t.starts_with(['-', '*', '+']) || t.chars().next().is_some_and(|c| c.is_ascii_digit()) {
            break;
        }
    }
    false
}

/// Prose that opens with an English imperative ("3. To finish, reset …", "Then run"), not
/// with a program name or a label ("**sudo** lines with", "Same primitives:").
fn starts_with_verb(prose: &str) -> bool {
    let mut words = prose
        .split(|c: char| c.is_whitespace() || matches!(c, '*' | '_' | ','))
        .map(|w| w.trim_matches(|c: char| matches!(c, '.' | ')' | '(' | '-' | '#' | '>' | ':')))
        .filter(|w| !w.is_empty() && !w.bytes().all(|b| b.is_ascii_digit()))
        .map(str::to_lowercase);
    // "To finish, reset …": a purpose phrase may lead in.
    let mut first = words.next();
    if first.as_deref() == Some("to") {
        first = words.nth(1);
    }
    while first
        .as_deref()
        .is_some_and(|w| intent::lexicon::LEAD_INS.contains(&w))
    {
        first = words.next();
    }
    first.is_some_and(|w| intent::lexicon::STEP_VERBS.contains(&w.as_str()))
}

/// "3. For support sessions, also open a return channel:": a line that ends in a colon,
/// asks for an action and is not an example's label.
fn introduces_step(prose: &str) -> bool {
    let t = prose.trim_end();
    t.ends_with(':')
        && !intent::is_example_label(t)
        && !contains_any(&t.to_lowercase(), NEGATIONS)
        && t.split(|c: char| !c.is_ascii_alphabetic())
            .any(|w| intent::lexicon::is_step_word(&w.to_lowercase()))
}

struct Matcher {
    /// Which rules may match a document: from literals derived from each regex, or its
    /// hand-written anchors where the regex yields none.
    prefilter: gate::Prefilter,
    regexes: Vec<Option<Regex>>,
    /// Per rule, how many lines its matches reach past their literal's, when bounded.
    crossings: Vec<Option<usize>>,
}

impl Matcher {
    /// The parts of `doc` that rule `i` runs on to find all its matches; `lines` is built
    /// on first use for the document.
    fn slices<'d>(
        &self,
        i: usize,
        doc: &'d Doc,
        candidates: &gate::Candidates,
        lines: &mut Option<window::Lines<'d>>,
    ) -> Vec<Range<usize>> {
        let whole = std::iter::once(0..doc.text.len()).collect();
        let (Some(k), Some(literals)) = (self.crossings[i], candidates.literals(i)) else {
            return whole;
        };
        let lines = lines.get_or_insert_with(|| window::Lines::new(doc.text, &doc.line_starts));
        let slices = window::windows(lines, literals, k);
        // Past half the text, one pass costs less than many slices.
        if slices.iter().map(Range::len).sum::<usize>() * 2 > doc.text.len() {
            return whole;
        }
        slices
    }
}

static MATCHER: LazyLock<Matcher> = LazyLock::new(|| {
    let regexes: Vec<Option<Regex>> = RULES
        .iter()
        .map(|r| match &r.detector {
            Detector::Pattern(p) => Some(
                regex::RegexBuilder::new(&ascii_boundaries(p.regex))
                    .multi_line(true)
                    .size_limit(20 * (1 << 20))
                    .build()
                    .unwrap_or_else(|e| panic!("rule {}: bad regex: {e}", r.id)),
            ),
            Detector::Builtin => None,
        })
        .collect();
    let slots: Vec<(Option<&str>, &[&str])> = RULES
        .iter()
        .zip(&regexes)
        .map(|(r, re)| match &r.detector {
            Detector::Pattern(p) => (re.as_ref().map(Regex::as_str), p.anchors),
            Detector::Builtin => (None, &[][..]),
        })
        .collect();
    let mut prefilter = gate::Prefilter::new(&slots);
    let crossings: Vec<Option<usize>> = regexes
        .iter()
        .enumerate()
        .map(|(i, re)| {
            let re = re.as_ref().filter(|_| prefilter.bounded(i))?;
            window::crossings_of(re.as_str())
        })
        .collect();
    prefilter.keep_literals(|i| crossings[i].is_some());
    Matcher {
        prefilter,
        regexes,
        crossings,
    }
});

/// Word boundaries in rule patterns are ASCII ones: a Unicode `\b` makes the regex engine
/// give up its DFA on any non-ASCII text and fall back to a far slower one. Rule keywords
/// are ASCII, so the meaning is the same.
pub(crate) fn ascii_boundaries(pattern: &str) -> String {
    pattern.replace(r"\b", r"(?-u:\b)")
}

/// Compiles every pattern now (tests and benches call it so the first scan is not slow).
pub fn warm_up() {
    LazyLock::force(&MATCHER);
    intent::warm_up();
}

/// Builds a finding for `rule` at `offset` of `doc` with the given evidence and context.
pub(crate) fn make_finding(
    rule: &Rule,
    doc: &Doc,
    ctx: &SkillContext,
    offset: usize,
    evidence: &str,
    explanation: String,
) -> Finding {
    let (adj, _) = adjust_for(rule, doc, ctx, offset);
    finding_with(
        rule,
        doc,
        offset,
        evidence,
        explanation,
        rule.severity,
        rule.confidence,
        adj,
    )
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn finding_with(
    rule: &Rule,
    doc: &Doc,
    offset: usize,
    evidence: &str,
    explanation: String,
    severity: Severity,
    confidence: Confidence,
    mut adj: Adjust,
) -> Finding {
    let (line, column) = doc.position(offset);
    let mut why: Vec<String> = adj.why.drain(..).map(str::to_owned).collect();
    if let Some(o) = &doc.origin {
        why.insert(0, o.note.clone());
    }
    Finding {
        rule_id: rule.id.code().to_owned(),
        category: rule.category,
        severity: severity.lowered(adj.severity),
        confidence: confidence.lowered(adj.confidence),
        tier: Tier::Static,
        file: doc.path.to_owned(),
        line,
        column,
        evidence: sanitize_evidence(evidence, MAX_EVIDENCE_CHARS),
        explanation,
        remediation: rule.remediation.to_owned(),
        context: (!why.is_empty()).then(|| why.join("; ")),
        flow: Vec::new(),
    }
}

/// Runs every pattern rule over `doc`, appending findings.
pub(crate) fn scan_patterns(
    doc: &Doc,
    ctx: &SkillContext,
    limits: &Limits,
    out: &mut Vec<Finding>,
) {
    let m = &*MATCHER;
    let candidates = m.prefilter.scan(doc.text);
    if !candidates.may.contains(&true) {
        return;
    }
    let in_markdown = doc.layout.is_some();
    let mut lines = None;
    for (i, rule) in RULES.iter().enumerate() {
        if !candidates.may[i] {
            continue;
        }
        let (Detector::Pattern(p), Some(re)) = (&rule.detector, &m.regexes[i]) else {
            continue;
        };
        let mut count = 0;
        let slices = m.slices(i, doc, &candidates, &mut lines);
        let matches = slices.into_iter().flat_map(|r| {
            let base = r.start;
            re.captures_iter(&doc.text[r]).map(move |caps| {
                let whole = caps.get(0).expect("group 0");
                (base + whole.start()..base + whole.end(), caps)
            })
        });
        for (at, caps) in matches {
            let offset = at.start;
            if p.scope == Scope::Code && !doc.role.is_code() {
                let code_region = doc.layout.as_ref().map(|l| {
                    let idx = doc.line_index(offset);
                    l.region(doc.text, idx, doc.line_starts[idx], offset)
                });
                let ok = match code_region {
                    Some(Region::Fence { .. } | Region::InlineCode) => true,
                    Some(_) => false,
                    None => !in_markdown && doc.role == Role::Data && doc.origin.is_some(),
                };
                if !ok && doc.origin.is_none() {
                    continue;
                }
            }
            let Some(post) = post_check(p.post, rule, doc, &caps, at.clone()) else {
                continue;
            };
            let (mut adj, _) = adjust_for(rule, doc, ctx, offset);
            let mut severity = rule.severity;
            let mut confidence = rule.confidence;
            if let Some(s) = post.severity {
                severity = s;
            }
            if let Some(c) = post.confidence {
                confidence = c;
            }
            if let Some(n) = post.note {
                adj.why.insert(0, n);
            }
            let evidence = post
                .evidence
                .unwrap_or_else(|| evidence_line(doc, at.start, at.end));
            let explanation = match &post.detail {
                Some(d) => format!("{} {d}", rule.description),
                None => rule.description.to_owned(),
            };
            out.push(finding_with(
                rule,
                doc,
                offset,
                &evidence,
                explanation,
                severity,
                confidence,
                adj,
            ));
            count += 1;
            if count >= limits.max_findings_per_rule {
                break;
            }
        }
    }
}

/// The matched text with a little of its line around it.
pub(crate) fn evidence_line(doc: &Doc, start: usize, end: usize) -> String {
    let idx = doc.line_index(start);
    let line_start = doc.line_starts[idx];
    let line = doc.line_text(idx);
    let line_end = line_start + line.len();
    if end <= line_end && line.len() <= MAX_EVIDENCE_CHARS {
        return line.to_owned();
    }
    let mut s = start.saturating_sub(40).max(line_start);
    while !doc.text.is_char_boundary(s) {
        s += 1;
    }
    let mut e = (end + 40).min(doc.text.len()).min(s + 400);
    while !doc.text.is_char_boundary(e) {
        e -= 1;
    }
    doc.text[s..e.max(s)].to_owned()
}

#[derive(Default)]
struct PostOutcome {
    severity: Option<Severity>,
    confidence: Option<Confidence>,
    note: Option<&'static str>,
    detail: Option<String>,
    evidence: Option<String>,
}

/// Whether a URL (scheme optional) is one of the [`VENDOR_INSTALLERS`] over https.
pub(crate) fn is_vendor_installer(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    let Some(rest) = lower.strip_prefix("https://") else {
        return false;
    };
    let host = rest.split(['/', ':']).next().unwrap_or("");
    VENDOR_INSTALLERS
        .iter()
        .any(|v| rest.starts_with(v) || host.ends_with(&format!(".{v}")))
}

/// Commands that manage credential or start-up files without reading or changing what
/// they hold (listing, permissions, loading a key into the agent).
const METADATA_COMMANDS: &[&str] = &[
    "ls ",
    "ls -",
    "stat ",
    "chmod ",
    "chown ",
    "ssh-add",
    "ssh-keygen",
    "test -",
    "[ -",
    "mkdir ",
    "touch ",
    "launchctl list",
    "crontab -l",
    "systemctl list",
    "systemctl status",
    "git config core.sshcommand",
    "ssh -i ",
    "aws configure",
    "find ~/library/launchagents",
];

/// Hosts of widely used vendor install scripts: piping these to a shell is common
/// practice (still reported, at low severity).
const VENDOR_INSTALLERS: &[&str] = &[
    "sh.rustup.rs",
    "static.rust-lang.org",
    "astral.sh",
    "get.docker.com",
    "deno.land",
    "bun.sh",
    "raw.githubusercontent.com/homebrew/",
    "get.pnpm.io",
    "install.python-poetry.org",
    "nixos.org",
    "install.determinate.systems",
    "get.sdkman.io",
    "starship.rs",
    "pyenv.run",
    "mise.run",
    "ollama.com",
    "tailscale.com",
    "fly.io",
    "get.helm.sh",
    "raw.githubusercontent.com/nvm-sh/",
    "foundry.paradigm.xyz",
    "claude.ai/install",
    "cli.github.com",
    "deb.nodesource.com",
    "sdk.cloud.google.com",
    "awscli.amazonaws.com",
    "dot.net",
    "aka.ms",
    "get.trunk.io",
    "opencode.ai/install",
    "install.julialang.org",
    "ghcup.haskell.org",
    "get-ghcup.haskell.org",
    "elan.lean-lang.org",
    "raw.githubusercontent.com/leanprover/elan/",
    "apt.llvm.org",
];

static URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)(?-u:\b)(https?)://([^\s/"'`)|;<>]+)([^\s"'`)|;<>]*)"#).expect("url regex")
});

static EXFIL_HOST: LazyLock<Regex> = LazyLock::new(|| {
    let r = rules::known(RuleId::T1ExfCollectionService);
    match r.detector {
        Detector::Pattern(p) => Regex::new(&ascii_boundaries(p.regex)).expect("exfil regex"),
        Detector::Builtin => unreachable!("exfil rule is a pattern"),
    }
});

/// A paste, tunnel, webhook or request-catcher host.
pub(crate) fn collection_host(host: &str) -> bool {
    EXFIL_HOST.is_match(host)
}

pub(crate) fn parse_ipv4(s: &str) -> Option<[u8; 4]> {
    let host = s.split(':').next()?;
    let mut out = [0u8; 4];
    let mut parts = host.split('.');
    for slot in &mut out {
        *slot = parts.next()?.parse().ok()?;
    }
    parts.next().is_none().then_some(out)
}

/// Not private, loopback, link-local, CGNAT, multicast or documentation space.
pub(crate) fn is_public_ipv4(ip: [u8; 4]) -> bool {
    let [a, b, c, _] = ip;
    !(a == 0
        || a == 10
        || a == 127
        || a >= 224
        || (a == 169 && b == 254)
        || (a == 172 && (16..=31).contains(&b))
        || (a == 192 && b == 168)
        || (a == 100 && (64..=127).contains(&b))
        || (a == 192 && b == 0 && c == 2)
        || (a == 198 && b == 51 && c == 100)
        || (a == 203 && b == 0 && c == 113)
        || (a == 198 && (18..=19).contains(&b)))
}

/// `at` is the match's range in `doc.text`; `caps` may come from a slice of it.
fn post_check(
    post: Post,
    rule: &Rule,
    doc: &Doc,
    caps: &regex::Captures,
    at: Range<usize>,
) -> Option<PostOutcome> {
    let matched = &doc.text[at.clone()];
    let line = doc.line_text(doc.line_index(at.start));
    let mut out = PostOutcome::default();
    match post {
        Post::None => {}
        Post::DownloadHost => {
            // The URL may sit before the pipe, inside the match, or elsewhere on the line.
            let haystack = if URL.is_match(matched) { matched } else { line };
            let Some(u) = URL.captures(haystack) else {
                return Some(out);
            };
            let scheme = u[1].to_ascii_lowercase();
            let host = u[2].to_ascii_lowercase();
            let full = format!("{host}{}", u[3].to_ascii_lowercase());
            let ip = parse_ipv4(&host);
            let local = host.starts_with("localhost") || ip.is_some_and(|ip| ip[0] == 127);
            if local {
                out.severity = Some(rule.severity.lowered(2));
                out.note = Some("downloads from this machine");
            } else if ip.is_some() || EXFIL_HOST.is_match(&host) {
                out.confidence = Some(Confidence::High);
                out.detail = Some(format!(
                    "The source is {host}, a raw IP address or a paste/tunnel service."
                ));
            } else if scheme == "http" {
                out.confidence = Some(Confidence::High);
                out.detail = Some(format!(
                    "The download from {host} uses plain http, so anyone on the network path can replace it."
                ));
            } else if VENDOR_INSTALLERS
                .iter()
                .any(|v| full.starts_with(v) || host.ends_with(&format!(".{v}")))
            {
                out.severity = Some(Severity::Low);
                out.note = Some("official vendor installer over https");
                out.detail = Some(format!(
                    "The script comes from {host}, a widely used vendor installer."
                ));
            } else {
                out.detail = Some(format!("The script comes from {host}."));
            }
        }
        Post::PublicIp => {
            let ip = parse_ipv4(caps.name("ip")?.as_str())?;
            if !is_public_ipv4(ip) {
                return None;
            }
        }
        Post::Secret => {
            if is_placeholder(matched) || shannon_entropy(matched) < 3.0 {
                return None;
            }
            if rule.id == RuleId::T1SecJwt && jwt_is_example(matched) {
                return None;
            }
            out.evidence = Some(redact_in_line(line, matched));
        }
        Post::Entropy => {
            let secret = caps.name("secret")?.as_str();
            let has_digit = secret.bytes().any(|b| b.is_ascii_digit());
            let has_alpha = secret.bytes().any(|b| b.is_ascii_alphabetic());
            if !has_digit
                || !has_alpha
                || is_placeholder(secret)
                || shannon_entropy(secret) < 3.5
                || secret.contains("${")
                || secret.contains("{{")
                || secret.contains('<')
                || secret.contains("%(")
                || secret.contains('/') && secret.matches('/').count() > 1
            {
                return None;
            }
            out.evidence = Some(redact_in_line(line, secret));
        }
        Post::PrivateKeyBody => {
            let after = &doc.text[at.end..];
            let body = after.lines().skip(1).take(2).any(|l| {
                let t = l.trim();
                t.len() >= 40
                    && t.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=')
            });
            if !body {
                return None;
            }
            out.evidence = Some(matched.to_owned());
        }
        Post::Interpolated => {
            let interpolated = [
                "f\"", "f'", ".format(", "%s", "\" +", "+ \"", "' +", "+ '", "${", "` +", "%(",
                "\" %", "' %",
            ]
            .iter()
            .any(|p| line.contains(p));
            // `"wc " + shlex.quote(p)`: the interpolated value is shell-quoted.
            if interpolated && !line.contains("quote(") {
                out.severity = Some(Severity::High);
                out.confidence = Some(Confidence::High);
                out.detail = Some("The command line is built from interpolated values.".to_owned());
            }
        }
        Post::YamlLoad => {
            let l = line.to_ascii_lowercase();
            if matched.to_ascii_lowercase().starts_with("yaml")
                && (l.contains("safeloader") || l.contains("safe_load") || l.contains("baseloader"))
            {
                return None;
            }
        }
        Post::PackageIndex => {
            let u = URL.captures(matched)?;
            let scheme = u[1].to_ascii_lowercase();
            let authority = u[2].to_ascii_lowercase();
            let host_port = authority.rsplit('@').next().unwrap_or(&authority);
            let host = host_port.split(':').next().unwrap_or(host_port).to_owned();
            match packages::index_host(&host) {
                packages::IndexHost::Known => return None,
                packages::IndexHost::Placeholder => {
                    out.severity = Some(rule.severity.lowered(2));
                    out.note = Some("a documentation placeholder host");
                }
                packages::IndexHost::Internal => {
                    out.severity = Some(rule.severity.lowered(1));
                    out.confidence = Some(Confidence::Low);
                    out.note = Some("this machine, the local network or an internal name");
                }
                packages::IndexHost::RawIp => {
                    out.severity = Some(Severity::Critical);
                    out.confidence = Some(Confidence::High);
                    out.detail = Some(format!("The index is {host}, a raw IP address."));
                }
                packages::IndexHost::Other if scheme == "http" => {
                    out.severity = Some(Severity::Critical);
                    out.confidence = Some(Confidence::High);
                    out.detail = Some(format!(
                        "The index {host} is plain http: anyone on the network path can serve other packages."
                    ));
                }
                packages::IndexHost::Other => {
                    out.detail = Some(format!("The index is {host}."));
                }
            }
        }
        Post::MinerUse => {
            let l = line.to_ascii_lowercase();
            let before = &l[..(at.start - doc.line_starts[doc.line_index(at.start)]).min(l.len())];
            let cmd = before
                .rfind(['|', ';', '&', '`', '('])
                .map_or(before, |i| &before[i + 1..])
                .trim_start();
            if [
                "pkill",
                "killall",
                "kill ",
                "pgrep",
                "ps ",
                "lsof",
                "rm ",
                "find ",
                "ls ",
                "systemctl stop",
                "systemctl disable",
                "netstat",
                "ss ",
            ]
            .iter()
            .any(|c| cmd.starts_with(c))
            {
                out.severity = Some(rule.severity.lowered(2));
                out.confidence = Some(Confidence::Low);
                out.note = Some("finds, stops or removes the miner");
            } else if ![
                "stratum+",
                "--donate-level",
                "pool",
                "-o ",
                "--url",
                "wallet",
                "-u ",
            ]
            .iter()
            .any(|p| l.contains(p))
            {
                out.confidence = Some(Confidence::Medium);
                out.note = Some("names a miner without its pool or options");
            }
        }
        Post::SpinLoop => {
            let shell_form = matched.starts_with("yes") || matched.ends_with('&');
            if !shell_form {
                let first = matched.lines().next().unwrap_or("");
                let indent = first.len() - first.trim_start().len();
                let js = first.trim_start().starts_with("while") && first.contains('{');
                let body: Vec<&str> = if js {
                    vec![matched]
                } else {
                    matched
                        .lines()
                        .skip(1)
                        .take_while(|l| {
                            l.trim().is_empty() || l.len() - l.trim_start().len() > indent
                        })
                        .collect()
                };
                let lower = body.join("\n").to_ascii_lowercase();
                const LEAVES: &[&str] = &[
                    "break",
                    "return",
                    "sleep",
                    "wait",
                    "get(",
                    "recv",
                    "read",
                    "accept",
                    "select",
                    "join",
                    "input",
                    "yield",
                    "await",
                    "put(",
                    "send",
                    "poll",
                    "exit",
                    "raise",
                    "acquire",
                    "urlopen",
                    "request",
                    "write",
                    "print",
                    "log",
                    "open(",
                    "next(",
                    "pop(",
                    "emit",
                    "fetch",
                    "socket",
                    "subprocess",
                    "console.",
                ];
                let fans_out = [
                    "multiprocessing",
                    "pool(",
                    "process(",
                    "processpoolexecutor",
                    "threadpoolexecutor",
                    "thread(",
                    "os.fork",
                    "new worker(",
                    "cluster.fork",
                    "worker_threads",
                ]
                .iter()
                .any(|w| doc.text.to_ascii_lowercase().contains(w));
                if body.is_empty() || LEAVES.iter().any(|w| lower.contains(w)) || !fans_out {
                    return None;
                }
            }
        }
        Post::AllResources => {
            static EVERY: LazyLock<Regex> = LazyLock::new(|| {
                Regex::new(r"(?i)--all(?-u:\b)|(?-u:\b)xargs(?-u:\b)|\s-A(\s|$)|(?-u:\b)for\s+\w+\s+in\s+\$\((aws|gsutil|gcloud|kubectl|az|docker)(?-u:\b)[^)\n]*(?-u:\b)(list|ls|get)(?-u:\b)")
                    .expect("every regex")
            });
            let from = doc.line_starts[doc.line_index(at.start).saturating_sub(3)];
            if EVERY.is_match(matched) || EVERY.is_match(&doc.text[from..at.start]) {
                out.confidence = Some(Confidence::High);
                out.detail = Some(
                    "It deletes every resource of the kind, not one named resource.".to_owned(),
                );
            }
        }
        Post::ShellRcPayload => {
            let l = line.to_ascii_lowercase();
            if [
                "curl", "wget", "base64", "nc ", "http://", "https://", "eval",
            ]
            .iter()
            .any(|p| l.contains(p))
            {
                out.severity = Some(Severity::High);
                out.detail = Some("What is appended downloads, decodes or evaluates something at every shell start.".to_owned());
            }
        }
    }
    Some(out)
}

/// Shannon entropy in bits per character.
pub fn shannon_entropy(s: &str) -> f64 {
    let mut counts = [0u32; 256];
    let mut n = 0u32;
    for b in s.bytes() {
        counts[b as usize] += 1;
        n += 1;
    }
    if n == 0 {
        return 0.0;
    }
    let n = f64::from(n);
    counts
        .iter()
        .filter(|c| **c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum()
}

fn is_placeholder(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    [
        "example",
        "xxxx",
        "****",
        "0000000",
        "1234567",
        "abcdef",
        "your",
        "dummy",
        "fake",
        "sample",
        "placeholder",
        "redacted",
        "changeme",
        "replace",
        "<",
        "test",
        "here",
        "...",
        "…",
    ]
    .iter()
    .any(|p| l.contains(p))
}

fn jwt_is_example(token: &str) -> bool {
    use base64::Engine;
    let Some(payload) = token.split('.').nth(1) else {
        return false;
    };
    let Ok(bytes) =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload.trim_end_matches('='))
    else {
        return false;
    };
    let text = String::from_utf8_lossy(&bytes).to_lowercase();
    ["1234567890", "john doe", "example", "test"]
        .iter()
        .any(|p| text.contains(p))
}

/// The line with the secret's middle masked, so reports never carry it whole.
fn redact_in_line(line: &str, secret: &str) -> String {
    let masked = crate::external::redact(secret);
    line.replacen(secret, &masked, 1)
}

/// Runs tier 1 over a bundle.
pub fn scan_bundle(bundle: &SkillBundle, parsed: &ParsedSkillMd, limits: &Limits) -> Vec<Finding> {
    let ctx = SkillContext::from_manifest(parsed);
    let declared = parsed
        .manifest
        .as_ref()
        .map(|m| {
            intent::Declared::new(
                m.name.as_deref().unwrap_or(""),
                m.description.as_deref().unwrap_or(""),
                &m.allowed_tools,
            )
        })
        .unwrap_or_default();
    let mut out = Vec::new();
    files::scan_structure(bundle, parsed, &ctx, &mut out);
    mcp::scan(bundle, parsed, &ctx, &mut out);
    assembled::scan(bundle, &ctx, limits, &mut out);
    if let Some(md) = bundle.files.iter().find(|f| f.path == SKILL_MD)
        && let Some(text) = files::as_text(&md.content)
    {
        posted::scan(bundle, &text, &ctx, &mut out);
    }
    for f in &bundle.files {
        if matches!(f.kind, FileKind::Regular | FileKind::Executable) {
            signatures::scan_file(&f.path, &f.content, &mut out);
        }
        if !matches!(f.kind, FileKind::Regular | FileKind::Executable)
            || files::is_binary(&f.path, &f.content)
        {
            continue;
        }
        let Some(text) = files::as_text(&f.content) else {
            continue;
        };
        let text = files::clip(&text, limits.max_scan_bytes);
        let role = Role::of(&f.path, &f.kind, &f.content);
        let doc = Doc::new(&f.path, text, role, &ctx, None);
        scan_text(&doc, &ctx, limits, 0, &mut out);
        packages::scan(&doc, &ctx, &mut out);
        intent::scan(&doc, &ctx, &declared, &mut out);
    }
    dedupe(&mut out);
    out
}

/// Every text check on one document: patterns, hidden Unicode, encoded payloads, split
/// strings. `depth` counts decoding levels.
pub(crate) fn scan_text(
    doc: &Doc,
    ctx: &SkillContext,
    limits: &Limits,
    depth: u8,
    out: &mut Vec<Finding>,
) {
    scan_patterns(doc, ctx, limits, out);
    if depth == 0 {
        unicode::scan(doc, ctx, limits, out);
        if let Some(layout) = &doc.layout {
            unicode::scan_hidden_markdown(doc, layout, ctx, out);
        }
        files::scan_long_lines(doc, out);
    }
    encoded::scan(doc, ctx, limits, depth, out);
    if depth == 0 {
        encoded::scan_normalised(doc, ctx, limits, out);
    }
}

/// One finding per rule, file and line (the most severe); stable order.
pub(crate) fn dedupe(out: &mut Vec<Finding>) {
    out.sort_by(|a, b| {
        (
            &a.file,
            a.line,
            &a.rule_id,
            std::cmp::Reverse(a.severity),
            std::cmp::Reverse(a.confidence),
        )
            .cmp(&(
                &b.file,
                b.line,
                &b.rule_id,
                std::cmp::Reverse(b.severity),
                std::cmp::Reverse(b.confidence),
            ))
    });
    let mut seen = HashSet::new();
    out.retain(|f| seen.insert((f.file.clone(), f.line, f.rule_id.clone())));
}
