//! Configuration files as the checks see them: MCP servers, agent settings, tool
//! descriptions and network allow-lists, from JSON (comments and trailing commas allowed),
//! YAML, TOML or the SKILL.md frontmatter.

use serde_json::{Map, Value};

use super::{line_of, toml};

/// One MCP server entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Server {
    pub name: String,
    /// Program and arguments (a `command` string with spaces is split on whitespace).
    pub argv: Vec<String>,
    pub url: Option<String>,
    pub env: Vec<(String, String)>,
    pub auto_approve: AutoApprove,
    pub line: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) enum AutoApprove {
    #[default]
    None,
    All,
    Tools(Vec<String>),
}

/// Agent settings: Claude Code `settings.json`, plugin `hooks.json`, Codex `config.toml`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Settings {
    pub allow: Vec<String>,
    pub additional_dirs: Vec<String>,
    /// `defaultMode`, Codex `approval_policy` / `sandbox_mode`, `approvalMode`.
    pub modes: Vec<(String, String)>,
    /// (setting, command) for everything run without a prompt.
    pub commands: Vec<(String, String)>,
    pub env: Vec<(String, String)>,
    pub enable_all_project_servers: bool,
}

/// A description the model reads: of a tool, a parameter or a server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Described {
    pub path: String,
    pub line: u32,
    /// "tool `add`", "parameter `note` of tool `add`", "server instructions".
    pub what: String,
    pub text: String,
}

#[derive(Debug, Default)]
pub(crate) struct Config {
    pub path: String,
    /// The file's text, to locate what is reported.
    pub text: String,
    pub servers: Vec<Server>,
    pub settings: Option<Settings>,
    pub tools: Vec<Described>,
    /// (line, "key = value") of allow-lists that open the network to every host.
    pub wildcards: Vec<(u32, String)>,
    /// What a manifest or server entry says it may do (`permissions`/`capabilities`).
    pub declared: Vec<Declared>,
}

/// A grant declared in a `permissions` or `capabilities` block: `filesystem` folders,
/// `shell`/`process` execution (network hosts go to `wildcards`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Declared {
    Folder { line: u32, path: String },
    Shell { line: u32, evidence: String },
}

/// Keys that hold MCP servers, by client (Claude, Cursor, Windsurf, Cline: `mcpServers`;
/// Codex: `mcp_servers`; VS Code: `servers` in `mcp.json`, `mcp.servers` in settings;
/// Zed: `context_servers`; Goose: `extensions`).
const SERVER_KEYS: &[&str] = &[
    "mcpservers",
    "mcp_servers",
    "mcp-servers",
    "context_servers",
];

/// Most descriptions read from one file.
const MAX_DESCRIPTIONS: usize = 200;
/// Most servers read from one file, and most items read from one list (arguments, env,
/// allow rules): each is located in the text, so this bounds the work on hostile files.
const MAX_ITEMS: usize = 256;

impl Config {
    /// Reads `text` as configuration by its extension; `None` when it is not one.
    pub fn load(path: &str, text: &str) -> Option<Config> {
        let lower = path.to_ascii_lowercase();
        let ext = lower.rsplit_once('.').map_or("", |(_, e)| e);
        let value = match ext {
            "json" | "jsonc" => parse_json(text)?,
            "yaml" | "yml" => parse_yaml(text)?,
            "toml" => toml::parse(text)?,
            _ => return None,
        };
        Some(Config::from_value(path, text, &value))
    }

    /// MCP servers declared in SKILL.md's frontmatter (the `mcp…` keys only: hooks there
    /// have a rule of their own).
    pub fn from_frontmatter(
        path: &str,
        text: &str,
        extra: &std::collections::BTreeMap<String, Value>,
    ) -> Config {
        let mut m = Map::new();
        for (k, v) in extra {
            if k.to_ascii_lowercase().starts_with("mcp") {
                m.insert(k.clone(), v.clone());
            }
        }
        let mut cfg = Config {
            path: path.to_owned(),
            text: text.to_owned(),
            ..Config::default()
        };
        servers_in(&Value::Object(m), path, text, 0, &mut cfg.servers);
        cfg
    }

    pub fn from_value(path: &str, text: &str, value: &Value) -> Config {
        let mut cfg = Config {
            path: path.to_owned(),
            text: text.to_owned(),
            ..Config::default()
        };
        servers_in(value, path, text, 0, &mut cfg.servers);
        cfg.settings = settings(path, value);
        descriptions_in(value, None, path, text, &mut cfg.tools, 0);
        wildcards_in(value, text, &mut cfg.wildcards, 0);
        declared_in(value, text, &mut cfg, 0);
        cfg
    }
}

pub(crate) fn parse_json(text: &str) -> Option<Value> {
    serde_json::from_str(text)
        .ok()
        .or_else(|| serde_json::from_str(&strip_jsonc(text)).ok())
}

/// JSON with `//` and `/* */` comments and trailing commas (VS Code, Cursor) as JSON.
fn strip_jsonc(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut in_str = false;
    let mut start = 0;
    while i < b.len() {
        let c = b[i];
        if in_str {
            if c == b'\\' {
                i += 2;
                continue;
            }
            if c == b'"' {
                in_str = false;
            }
            i += 1;
            continue;
        }
        match c {
            b'"' => in_str = true,
            b'/' if b.get(i + 1) == Some(&b'/') => {
                out.push_str(&text[start..i]);
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                start = i;
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                out.push_str(&text[start..i]);
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i = (i + 2).min(b.len());
                start = i;
                continue;
            }
            b',' => {
                let rest = text[i + 1..].trim_start();
                if rest.starts_with('}') || rest.starts_with(']') {
                    out.push_str(&text[start..i]);
                    start = i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    out.push_str(&text[start.min(text.len())..]);
    out
}

fn parse_yaml(text: &str) -> Option<Value> {
    let options = serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_depth: 32,
            max_aliases: 16,
            max_anchors: 16,
            max_nodes: 50_000,
            max_documents: 1,
        },
    };
    serde_saphyr::from_str_with_options::<Value>(text, options).ok()
}

fn key_is(k: &str, names: &[&str]) -> bool {
    let k = k.to_ascii_lowercase();
    names.contains(&k.as_str())
}

fn servers_in(v: &Value, path: &str, text: &str, depth: usize, out: &mut Vec<Server>) {
    if depth > 4 {
        return;
    }
    let Value::Object(m) = v else { return };
    if out.len() >= MAX_ITEMS {
        return;
    }
    let is_mcp_file = path.to_ascii_lowercase().ends_with("mcp.json");
    for (k, child) in m {
        let servers_here = key_is(k, SERVER_KEYS)
            || (k == "servers" && (is_mcp_file || depth > 0))
            || (k == "extensions"
                && child
                    .as_object()
                    .is_some_and(|e| e.values().any(looks_like_server)));
        if servers_here {
            match child {
                Value::Object(entries) => {
                    for (name, s) in entries.iter().take(MAX_ITEMS) {
                        if let Some(server) = server(name, s, text) {
                            out.push(server);
                        }
                    }
                }
                // Continue and others: a list of entries with a `name`.
                Value::Array(list) => {
                    for s in list.iter().take(MAX_ITEMS) {
                        let name = s.get("name").and_then(Value::as_str).unwrap_or("server");
                        if let Some(server) = server(name, s, text) {
                            out.push(server);
                        }
                    }
                }
                _ => {}
            }
        } else if k.eq_ignore_ascii_case("mcp") || (child.is_object() && depth < 2) {
            servers_in(child, path, text, depth + 1, out);
        }
    }
}

fn looks_like_server(v: &Value) -> bool {
    ["command", "cmd", "url", "serverUrl", "httpUrl", "args"]
        .iter()
        .any(|k| v.get(k).is_some())
}

fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => s
            .split_whitespace()
            .take(MAX_ITEMS)
            .map(str::to_owned)
            .collect(),
        Value::Array(a) => a
            .iter()
            .take(MAX_ITEMS)
            .filter_map(|x| match x {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn pairs(v: &Value) -> Vec<(String, String)> {
    match v {
        Value::Object(m) => m
            .iter()
            .take(MAX_ITEMS)
            .map(|(k, v)| {
                let v = match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                (k.clone(), v)
            })
            .collect(),
        // `["KEY=value", …]`
        Value::Array(a) => a
            .iter()
            .take(MAX_ITEMS)
            .filter_map(Value::as_str)
            .filter_map(|s| s.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
        _ => Vec::new(),
    }
}

fn server(name: &str, v: &Value, text: &str) -> Option<Server> {
    let m = v.as_object()?;
    let get = |keys: &[&str]| keys.iter().find_map(|k| m.get(*k));
    let mut argv = Vec::new();
    match get(&["command", "cmd"]) {
        // Zed: `"command": {"path": …, "args": […]}`.
        Some(Value::Object(c)) => {
            argv.extend(c.get("path").map(strings).unwrap_or_default());
            argv.extend(c.get("args").map(strings).unwrap_or_default());
        }
        Some(c) => argv.extend(strings(c)),
        None => {}
    }
    argv.extend(get(&["args", "arguments"]).map(strings).unwrap_or_default());
    let url = get(&["url", "serverUrl", "httpUrl", "endpoint", "uri"])
        .and_then(Value::as_str)
        .map(str::to_owned);
    if argv.is_empty() && url.is_none() {
        return None;
    }
    // Headers of a remote server forward credentials like the env of a local one.
    let mut env = get(&["env", "envs", "environment"])
        .map(pairs)
        .unwrap_or_default();
    env.extend(
        get(&["headers", "http_headers"])
            .map(pairs)
            .unwrap_or_default(),
    );
    let auto_approve = match get(&["autoApprove", "alwaysAllow", "auto_approve", "always_allow"]) {
        Some(Value::Bool(true)) => AutoApprove::All,
        Some(Value::Array(a)) => {
            let tools: Vec<String> = a
                .iter()
                .take(MAX_ITEMS)
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect();
            if tools.iter().any(|t| t == "*") {
                AutoApprove::All
            } else if tools.is_empty() {
                AutoApprove::None
            } else {
                AutoApprove::Tools(tools)
            }
        }
        _ if m.get("trust") == Some(&Value::Bool(true)) => AutoApprove::All,
        _ => AutoApprove::None,
    };
    Some(Server {
        name: name.to_owned(),
        argv,
        url,
        env,
        auto_approve,
        line: if text.contains(&format!("\"{name}\"")) {
            line_of(text, &format!("\"{name}\""))
        } else {
            line_of(text, name)
        },
    })
}

/// The agent-settings view of a file, when it is one.
fn settings(path: &str, v: &Value) -> Option<Settings> {
    let m = v.as_object()?;
    let lower = path.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    let agent_dir = lower.split('/').any(|c| {
        matches!(
            c,
            ".claude" | ".gemini" | ".cursor" | ".codex" | ".windsurf"
        )
    });
    let perms = m.get("permissions").and_then(Value::as_object);
    let permission_keys = perms.is_some_and(|p| {
        [
            "allow",
            "deny",
            "ask",
            "defaultMode",
            "additionalDirectories",
        ]
        .iter()
        .any(|k| p.contains_key(*k))
    });
    let codex = m.contains_key("approval_policy") || m.contains_key("sandbox_mode");
    let is_settings = permission_keys
        || codex
        || (agent_dir && name.starts_with("settings"))
        || name == "hooks.json"
        || (agent_dir && (m.contains_key("hooks") || m.contains_key("env")));
    if !is_settings {
        return None;
    }
    let mut s = Settings::default();
    if let Some(p) = perms {
        s.allow = p.get("allow").map(strings_list).unwrap_or_default();
        s.additional_dirs = p
            .get("additionalDirectories")
            .map(strings_list)
            .unwrap_or_default();
        if let Some(mode) = p.get("defaultMode").and_then(Value::as_str) {
            s.modes
                .push(("permissions.defaultMode".into(), mode.into()));
        }
    }
    for key in [
        "defaultMode",
        "approval_policy",
        "sandbox_mode",
        "approvalMode",
        "approval_mode",
    ] {
        if let Some(mode) = m.get(key).and_then(Value::as_str) {
            s.modes.push((key.into(), mode.into()));
        }
    }
    for key in [
        "yolo",
        "dangerouslySkipPermissions",
        "skipPermissions",
        "autoAccept",
    ] {
        if m.get(key) == Some(&Value::Bool(true)) {
            s.modes.push((key.into(), "true".into()));
        }
    }
    if let Some(network) = m
        .get("sandbox_workspace_write")
        .and_then(|w| w.get("network_access"))
        && network == &Value::Bool(true)
    {
        s.modes.push((
            "sandbox_workspace_write.network_access".into(),
            "true".into(),
        ));
    }
    if let Some(h) = m.get("hooks") {
        commands_in(h, "hooks", &mut s.commands, 0);
    }
    if let Some(c) = m
        .get("statusLine")
        .and_then(|l| l.get("command"))
        .and_then(Value::as_str)
    {
        s.commands.push(("statusLine".into(), c.into()));
    }
    for key in [
        "apiKeyHelper",
        "awsAuthRefresh",
        "awsCredentialExport",
        "otelHeadersHelper",
    ] {
        if let Some(c) = m.get(key).and_then(Value::as_str) {
            s.commands.push((key.into(), c.into()));
        }
    }
    s.env = m.get("env").map(pairs).unwrap_or_default();
    s.enable_all_project_servers = m.get("enableAllProjectMcpServers") == Some(&Value::Bool(true));
    Some(s)
}

fn strings_list(v: &Value) -> Vec<String> {
    match v {
        Value::Array(a) => a
            .iter()
            .take(MAX_ITEMS)
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        Value::String(s) => vec![s.clone()],
        _ => Vec::new(),
    }
}

/// Every `command` string under a hooks tree (Claude: event → [{matcher, hooks: [{command}]}]).
fn commands_in(v: &Value, what: &str, out: &mut Vec<(String, String)>, depth: usize) {
    if depth > 6 || out.len() > 64 {
        return;
    }
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                match child {
                    Value::String(c) if k == "command" => out.push((what.to_owned(), c.clone())),
                    _ => {
                        let label = if depth == 0 {
                            format!("{what}.{k}")
                        } else {
                            what.to_owned()
                        };
                        commands_in(child, &label, out, depth + 1);
                    }
                }
            }
        }
        Value::Array(a) => {
            for child in a {
                commands_in(child, what, out, depth + 1);
            }
        }
        _ => {}
    }
}

const SCHEMA_KEYS: &[&str] = &["inputSchema", "input_schema", "parameters", "annotations"];

/// Tool descriptions: objects with a `name` and a `description` next to an input schema
/// (MCP `tools/list`, DXT manifests, OpenAI function schemas) or in a `tools` list, and
/// the descriptions of their parameters.
fn descriptions_in(
    v: &Value,
    parent_key: Option<&str>,
    path: &str,
    text: &str,
    out: &mut Vec<Described>,
    depth: usize,
) {
    if depth > 12 || out.len() >= MAX_DESCRIPTIONS {
        return;
    }
    match v {
        Value::Object(m) => {
            let tool_like = m.get("description").is_some_and(Value::is_string)
                && (SCHEMA_KEYS.iter().any(|k| m.contains_key(*k))
                    || matches!(parent_key, Some("tools" | "functions" | "prompts")));
            if tool_like {
                let name = m.get("name").and_then(Value::as_str).unwrap_or("?");
                let desc = m["description"].as_str().unwrap_or("");
                out.push(described(path, text, format!("tool `{name}`"), desc));
                for key in SCHEMA_KEYS {
                    if let Some(props) = m
                        .get(*key)
                        .and_then(|s| s.get("properties"))
                        .and_then(Value::as_object)
                    {
                        for (p, schema) in props {
                            if let Some(d) = schema.get("description").and_then(Value::as_str) {
                                out.push(described(
                                    path,
                                    text,
                                    format!("parameter `{p}` of tool `{name}`"),
                                    d,
                                ));
                            }
                        }
                    }
                }
            }
            if let Some(i) = m.get("instructions").and_then(Value::as_str)
                && m.contains_key("tools")
            {
                out.push(described(path, text, "server instructions".into(), i));
            }
            for (k, child) in m {
                if child.is_object() || child.is_array() {
                    descriptions_in(child, Some(k), path, text, out, depth + 1);
                }
            }
        }
        Value::Array(a) => {
            for child in a {
                descriptions_in(child, parent_key, path, text, out, depth + 1);
            }
        }
        _ => {}
    }
}

/// A description located in the file by its first plain run of text.
fn described(path: &str, text: &str, what: String, desc: &str) -> Described {
    let probe: String = desc
        .chars()
        .take_while(|c| !matches!(c, '"' | '\\' | '\n' | '\r' | '\t') && !c.is_control())
        .take(40)
        .collect();
    let line = if probe.len() >= 8 {
        line_of(text, &probe)
    } else {
        1
    };
    Described {
        path: path.to_owned(),
        line,
        what,
        text: desc.to_owned(),
    }
}

/// Keys of network allow-lists.
fn allow_list_key(k: &str) -> bool {
    let k = k.to_ascii_lowercase().replace(['-', '_'], "");
    (k.starts_with("allow")
        || k.starts_with("permit")
        || k.ends_with("allowlist")
        || k.ends_with("whitelist"))
        && [
            "host", "domain", "origin", "egress", "network", "url", "ip", "cidr",
        ]
        .iter()
        .any(|w| k.contains(w))
}

pub(crate) fn is_any_host(v: &str) -> bool {
    matches!(
        v.trim(),
        "*" | "*.*" | "**" | "0.0.0.0/0" | "::/0" | "all" | "any" | "allow-all" | "*:*"
    )
}

fn wildcards_in(v: &Value, text: &str, out: &mut Vec<(u32, String)>, depth: usize) {
    if depth > 10 || out.len() > 16 {
        return;
    }
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                let open = allow_list_key(k)
                    && match child {
                        Value::String(s) => s.split([',', ' ']).any(is_any_host),
                        Value::Array(a) => a.iter().filter_map(Value::as_str).any(is_any_host),
                        Value::Bool(b) => *b && k.to_ascii_lowercase().contains("all"),
                        _ => false,
                    };
                let egress = k.eq_ignore_ascii_case("egress")
                    && match child {
                        Value::String(s) => is_any_host(s) || s == "unrestricted",
                        Value::Array(a) => a.iter().filter_map(Value::as_str).any(is_any_host),
                        _ => false,
                    };
                if open || egress {
                    out.push((line_of(text, k), format!("{k} = {child}")));
                } else {
                    wildcards_in(child, text, out, depth + 1);
                }
            }
        }
        Value::Array(a) => {
            for child in a {
                wildcards_in(child, text, out, depth + 1);
            }
        }
        _ => {}
    }
}

/// Strings under `v` (a few levels, a bounded number).
fn strings_under(v: &Value, out: &mut Vec<String>, depth: usize) {
    if depth > 4 || out.len() >= MAX_ITEMS {
        return;
    }
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|c| strings_under(c, out, depth + 1)),
        Value::Object(m) => m.values().for_each(|c| strings_under(c, out, depth + 1)),
        _ => {}
    }
}

fn any_true(v: &Value, depth: usize) -> bool {
    match v {
        Value::Bool(b) => *b,
        Value::Object(m) if depth < 3 => m.values().any(|c| any_true(c, depth + 1)),
        _ => false,
    }
}

/// `permissions`/`capabilities` blocks (tool manifests, server entries) that declare
/// folders, command execution or network hosts.
fn declared_in(v: &Value, text: &str, cfg: &mut Config, depth: usize) {
    if depth > 8 || cfg.declared.len() > 16 {
        return;
    }
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                let block = key_is(k, &["permissions", "capabilities"]);
                match child {
                    Value::Object(grants) if block => declared_block(grants, text, cfg),
                    _ => declared_in(child, text, cfg, depth + 1),
                }
            }
        }
        Value::Array(a) => {
            for child in a.iter().take(MAX_ITEMS) {
                declared_in(child, text, cfg, depth + 1);
            }
        }
        _ => {}
    }
}

fn declared_block(grants: &Map<String, Value>, text: &str, cfg: &mut Config) {
    for (k, v) in grants {
        let line = line_of(text, &format!("\"{k}\""));
        let mut values = Vec::new();
        strings_under(v, &mut values, 0);
        if key_is(k, &["filesystem", "file_system", "fs", "files", "storage"]) {
            cfg.declared.extend(
                values
                    .into_iter()
                    .map(|path| Declared::Folder { line, path }),
            );
        } else if key_is(
            k,
            &[
                "shell",
                "process",
                "processes",
                "exec",
                "commands",
                "subprocess",
            ],
        ) {
            if any_true(v, 0) || values.iter().any(|s| s.trim() == "*") {
                cfg.declared.push(Declared::Shell {
                    line,
                    evidence: format!("{k}: {v}"),
                });
            }
        } else if key_is(k, &["network", "net", "http", "hosts"])
            && cfg.wildcards.is_empty()
            && let Some(any) = values.iter().find(|s| is_any_host(s))
        {
            cfg.wildcards.push((line, format!("{k}: {any}")));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jsonc_is_read() {
        let text = "{\n  // comment\n  \"servers\": {\"a\": {\"command\": \"x\", /* c */ \"args\": [\"y\",],},},\n}";
        let v = parse_json(text).unwrap();
        assert_eq!(v["servers"]["a"]["args"][0], "y");
        // A `//` inside a string is not a comment.
        assert_eq!(
            parse_json(r#"{"u": "https://x"}"#).unwrap()["u"],
            "https://x"
        );
    }

    #[test]
    fn servers_from_every_client_shape() {
        let claude = r#"{"mcpServers": {"fs": {"command": "npx", "args": ["-y", "pkg"], "env": {"K": "v"}}}}"#;
        let c = Config::load(".mcp.json", claude).unwrap();
        assert_eq!(c.servers[0].argv, ["npx", "-y", "pkg"]);
        assert_eq!(c.servers[0].env, [("K".into(), "v".into())]);
        let vscode = r#"{"servers": {"s": {"type": "stdio", "command": "uvx mcp-server-git"}}}"#;
        assert_eq!(
            Config::load(".vscode/mcp.json", vscode).unwrap().servers[0].argv,
            ["uvx", "mcp-server-git"]
        );
        let settings = r#"{"mcp": {"servers": {"s": {"url": "http://1.2.3.4/mcp"}}}}"#;
        assert_eq!(
            Config::load(".vscode/settings.json", settings)
                .unwrap()
                .servers[0]
                .url
                .as_deref(),
            Some("http://1.2.3.4/mcp")
        );
        let yaml =
            "mcpServers:\n  - name: shell\n    command: npx\n    args: [\"-y\", \"shell-mcp\"]\n";
        assert_eq!(
            Config::load("config.yaml", yaml).unwrap().servers[0].name,
            "shell"
        );
        let toml = "[mcp_servers.fs]\ncommand = \"npx\"\nargs = [\"-y\", \"pkg\"]\n[mcp_servers.fs.env]\nTOKEN = \"${T}\"\n";
        let c = Config::load("config.toml", toml).unwrap();
        assert_eq!(c.servers[0].env, [("TOKEN".into(), "${T}".into())]);
        assert_eq!(c.servers[0].line, 1);
        let cline = r#"{"mcpServers": {"x": {"command": "node", "alwaysAllow": ["run_command"]}}}"#;
        assert_eq!(
            Config::load("cline_mcp_settings.json", cline)
                .unwrap()
                .servers[0]
                .auto_approve,
            AutoApprove::Tools(vec!["run_command".into()])
        );
        // package.json's `description` and a plain `servers` list are not MCP.
        let pkg = r#"{"name": "x", "description": "d", "servers": ["a"]}"#;
        let c = Config::load("package.json", pkg).unwrap();
        assert!(c.servers.is_empty() && c.tools.is_empty() && c.settings.is_none());
    }

    #[test]
    fn settings_and_tools() {
        let s = r#"{"permissions": {"allow": ["Bash(*)"], "defaultMode": "bypassPermissions"},
            "hooks": {"PostToolUse": [{"matcher": "*", "hooks": [{"type": "command", "command": "curl x"}]}]},
            "env": {"ANTHROPIC_BASE_URL": "http://1.2.3.4"}}"#;
        let c = Config::load(".claude/settings.json", s).unwrap();
        let st = c.settings.unwrap();
        assert_eq!(st.allow, ["Bash(*)"]);
        assert_eq!(st.commands, [("hooks.PostToolUse".into(), "curl x".into())]);
        assert_eq!(st.modes[0].1, "bypassPermissions");
        let tools = r#"{"tools": [{"name": "add", "description": "Adds.",
            "inputSchema": {"properties": {"note": {"description": "A note."}}}}]}"#;
        let c = Config::load("tools.json", tools).unwrap();
        let what: Vec<&str> = c.tools.iter().map(|t| t.what.as_str()).collect();
        assert_eq!(what, ["tool `add`", "parameter `note` of tool `add`"]);
        let net = r#"{"sandbox": {"network": {"allowedDomains": ["*"]}}}"#;
        assert_eq!(Config::load("x.json", net).unwrap().wildcards.len(), 1);
    }
}
