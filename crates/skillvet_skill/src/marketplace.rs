//! `.claude-plugin/marketplace.json` (Claude Code plugin marketplace): which skill folders a
//! repository declares. Only in-repository plugins are resolved (string `source` paths);
//! plugins fetched from elsewhere (`{"source": "github", …}`) are reported as external.
//!
//! Skill folders of a plugin at `source` (after `metadata.pluginRoot`):
//! - each path in the plugin entry's `skills` (a skill folder, or a folder of skill folders),
//! - each path in `<source>/.claude-plugin/plugin.json`'s `skills`, likewise;
//! - when neither lists any: every `<source>/skills/<name>/` holding a SKILL.md (Claude
//!   Code's default location).
//!
//! An explicitly listed folder that holds no skill is still declared, so discovery reports
//! it as a skill without SKILL.md instead of silently dropping it.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::bundle::SKILL_MD;
use crate::tree::{TreeEntry, TreeSource, join};

pub const MARKETPLACE_PATH: &str = ".claude-plugin/marketplace.json";
/// Largest marketplace/plugin manifest read, in bytes.
pub const MAX_MARKETPLACE_BYTES: u64 = 1024 * 1024;

/// A problem in the marketplace listing (the skills themselves are still discovered).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarketplaceIssue {
    pub code: String,
    pub message: String,
}

/// A skill folder declared by a plugin of the marketplace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeclaredSkill {
    /// Folder inside the repository, normalised (`skills/pdf`).
    pub folder: String,
    pub plugin: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Marketplace {
    pub name: Option<String>,
    pub declared: Vec<DeclaredSkill>,
    /// Plugins whose source lives outside this repository (not fetched, not verified here).
    pub external_plugins: Vec<String>,
    pub issues: Vec<MarketplaceIssue>,
}

fn issue(code: &str, message: String) -> MarketplaceIssue {
    MarketplaceIssue {
        code: code.to_owned(),
        message,
    }
}

/// Reads and resolves the marketplace file, if the tree has one.
pub fn read_marketplace(source: &dyn TreeSource) -> Option<Marketplace> {
    let entry = source.entry(MARKETPLACE_PATH)?;
    let mut out = Marketplace::default();
    let Some(json) = read_json(source, entry, &mut out.issues) else {
        return Some(out);
    };
    out.name = json.get("name").and_then(Value::as_str).map(str::to_owned);
    let plugin_root = json
        .pointer("/metadata/pluginRoot")
        .and_then(Value::as_str)
        .and_then(|root| normalise("", root));
    let Some(plugins) = json.get("plugins").and_then(Value::as_array) else {
        out.issues.push(issue(
            "marketplace_no_plugins",
            format!("{MARKETPLACE_PATH} has no `plugins` list"),
        ));
        return Some(out);
    };
    let mut declared = BTreeSet::new();
    for (i, plugin) in plugins.iter().enumerate() {
        let name = plugin
            .get("name")
            .and_then(Value::as_str)
            .map_or_else(|| format!("#{}", i + 1), str::to_owned);
        let plugin_dir = match plugin.get("source") {
            Some(Value::String(path)) => {
                let base =
                    if path.starts_with("./") || path.starts_with("../") || path.starts_with('/') {
                        ""
                    } else {
                        plugin_root.as_deref().unwrap_or("")
                    };
                match normalise(base, path) {
                    Some(dir) => dir,
                    None => {
                        out.issues.push(issue(
                            "marketplace_path_outside_repository",
                            format!(
                                "plugin `{name}` has source {path:?}, which leaves the repository"
                            ),
                        ));
                        continue;
                    }
                }
            }
            Some(Value::Object(_)) => {
                out.external_plugins.push(name);
                continue;
            }
            _ => {
                out.issues.push(issue(
                    "marketplace_plugin_source",
                    format!(
                        "plugin `{name}` has no usable `source` (a path string or a source object)"
                    ),
                ));
                continue;
            }
        };
        let mut candidates = Vec::new();
        let mut explicit = plugin.get("skills").is_some();
        collect_paths(
            plugin.get("skills"),
            &plugin_dir,
            &name,
            &mut candidates,
            &mut out.issues,
        );
        let plugin_json = join(&plugin_dir, ".claude-plugin/plugin.json");
        if let Some(entry) = source.entry(&plugin_json)
            && let Some(json) = read_json(source, entry, &mut out.issues)
        {
            explicit |= json.get("skills").is_some();
            collect_paths(
                json.get("skills"),
                &plugin_dir,
                &name,
                &mut candidates,
                &mut out.issues,
            );
        }
        if !explicit {
            // Claude Code's default location, used when no explicit list is given.
            for skill in skill_folders_at(source.entries(), &join(&plugin_dir, "skills")) {
                declared.insert((skill, name.clone()));
            }
        }
        for folder in candidates {
            let skills = skill_folders_at(source.entries(), &folder);
            if skills.is_empty() {
                // Listed explicitly but holding no skill: declared, so discovery reports it.
                declared.insert((folder, name.clone()));
            }
            for skill in skills {
                declared.insert((skill, name.clone()));
            }
        }
    }
    out.declared = declared
        .into_iter()
        .map(|(folder, plugin)| DeclaredSkill { folder, plugin })
        .collect();
    Some(out)
}

fn read_json(
    source: &dyn TreeSource,
    entry: &TreeEntry,
    issues: &mut Vec<MarketplaceIssue>,
) -> Option<Value> {
    if entry.size > MAX_MARKETPLACE_BYTES {
        issues.push(issue(
            "marketplace_too_large",
            format!(
                "{} is {} bytes; the maximum read is {MAX_MARKETPLACE_BYTES}",
                entry.path, entry.size
            ),
        ));
        return None;
    }
    if !matches!(
        entry.kind,
        crate::FileKind::Regular | crate::FileKind::Executable
    ) {
        issues.push(issue(
            "marketplace_not_a_file",
            format!("{} is not a regular file", entry.path),
        ));
        return None;
    }
    let bytes = match source.read(&entry.path) {
        Ok(bytes) => bytes,
        Err(e) => {
            issues.push(issue("marketplace_unreadable", e.to_string()));
            return None;
        }
    };
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(json) => Some(json),
        Err(e) => {
            issues.push(issue(
                "marketplace_invalid_json",
                format!("{} is not valid JSON: {e}", entry.path),
            ));
            None
        }
    }
}

/// Paths from a `skills` value (a string or a list of strings), resolved against `base`.
fn collect_paths(
    value: Option<&Value>,
    base: &str,
    plugin: &str,
    out: &mut Vec<String>,
    issues: &mut Vec<MarketplaceIssue>,
) {
    let paths: Vec<&Value> = match value {
        None => return,
        Some(Value::Array(items)) => items.iter().collect(),
        Some(single) => vec![single],
    };
    for path in paths {
        let Some(text) = path.as_str() else {
            issues.push(issue(
                "marketplace_skill_path",
                format!("plugin `{plugin}` lists a skill path that is not a string: {path}"),
            ));
            continue;
        };
        match normalise(base, text) {
            Some(folder) => out.push(folder),
            None => issues.push(issue(
                "marketplace_path_outside_repository",
                format!("plugin `{plugin}` lists skill path {text:?}, which leaves the repository"),
            )),
        }
    }
}

/// `folder` if it holds a SKILL.md, else its direct subfolders that do.
fn skill_folders_at(entries: &[TreeEntry], folder: &str) -> Vec<String> {
    let direct = join(folder, SKILL_MD);
    if entries.iter().any(|e| e.path == direct) {
        return vec![folder.to_owned()];
    }
    let prefix = if folder.is_empty() {
        String::new()
    } else {
        format!("{folder}/")
    };
    entries
        .iter()
        .filter_map(|e| {
            let rest = e.path.strip_prefix(&prefix)?;
            let (child, file) = rest.split_once('/')?;
            (file == SKILL_MD).then(|| join(folder, child))
        })
        .collect()
}

/// Joins `path` onto `base` lexically: `.` and empty segments dropped, `..` resolved; `None`
/// when the result would leave the repository (absolute path or too many `..`).
pub fn normalise(base: &str, path: &str) -> Option<String> {
    if path.starts_with('/') || path.contains('\\') || path.contains('\0') {
        return None;
    }
    let mut parts: Vec<&str> = base
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}
