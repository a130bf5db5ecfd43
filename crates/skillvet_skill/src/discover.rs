//! Finding every skill in a repository tree without checking it out: each `SKILL.md` (exact
//! name) marks a skill folder, and `.claude-plugin/marketplace.json` adds which folders a
//! marketplace declares (a declared folder without a SKILL.md is reported as an error).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::bundle::{FileKind, SKILL_MD};
use crate::manifest::{MAX_SKILL_MD_BYTES, ValidationIssue, parse_skill_md};
use crate::marketplace::{Marketplace, read_marketplace};
use crate::tree::{TreeSource, join};

/// One skill found in the tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscoveredSkill {
    /// Folder inside the repository (`""` for a skill at the root).
    pub path: String,
    pub name: Option<String>,
    pub description: Option<String>,
    pub errors: Vec<ValidationIssue>,
    pub warnings: Vec<ValidationIssue>,
    /// Declared by a plugin of the repository's marketplace.json.
    pub in_marketplace: bool,
    /// Plugins declaring it, sorted.
    pub plugins: Vec<String>,
}

impl DiscoveredSkill {
    pub fn is_valid(&self) -> bool {
        self.errors.is_empty()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Discovery {
    /// Sorted by path.
    pub skills: Vec<DiscoveredSkill>,
    /// Present when the tree has `.claude-plugin/marketplace.json`.
    pub marketplace: Option<Marketplace>,
}

/// Lists every skill in `source`, parsing and validating each SKILL.md. `root_name` is the
/// folder name to check a root-level skill's `name` against (usually the repository name);
/// pass `None` to skip that check.
pub fn discover(source: &dyn TreeSource, root_name: Option<&str>) -> Discovery {
    let mut skills: BTreeMap<String, DiscoveredSkill> = BTreeMap::new();
    for entry in source.entries() {
        let folder = match entry.path.rsplit_once('/') {
            Some((folder, SKILL_MD)) => folder,
            None if entry.path == SKILL_MD => "",
            _ => continue,
        };
        let folder_name = folder
            .rsplit('/')
            .next()
            .filter(|s| !s.is_empty())
            .or(root_name);
        let (name, description, errors, warnings) = match &entry.kind {
            FileKind::Regular | FileKind::Executable if entry.size > MAX_SKILL_MD_BYTES as u64 => {
                // Rejected from its listed size, without reading it.
                let message = format!(
                    "SKILL.md is {} bytes; the maximum is {MAX_SKILL_MD_BYTES} bytes ({} KiB)",
                    entry.size,
                    MAX_SKILL_MD_BYTES / 1024
                );
                (
                    None,
                    None,
                    vec![simple("file_too_large", message)],
                    Vec::new(),
                )
            }
            FileKind::Regular | FileKind::Executable => match source.read(&entry.path) {
                Ok(bytes) => {
                    let parsed = parse_skill_md(&bytes, folder_name);
                    let manifest = parsed.manifest.unwrap_or_default();
                    (
                        manifest.name,
                        manifest.description,
                        parsed.errors,
                        parsed.warnings,
                    )
                }
                Err(e) => (
                    None,
                    None,
                    vec![simple("skill_md_unreadable", e.to_string())],
                    Vec::new(),
                ),
            },
            FileKind::Symlink { target } => (
                None,
                None,
                vec![simple(
                    "skill_md_symlink",
                    format!(
                        "SKILL.md is a symbolic link (to {target:?}); it must be a regular file"
                    ),
                )],
                Vec::new(),
            ),
            FileKind::Submodule => continue,
        };
        skills.insert(
            folder.to_owned(),
            DiscoveredSkill {
                path: folder.to_owned(),
                name,
                description,
                errors,
                warnings,
                in_marketplace: false,
                plugins: Vec::new(),
            },
        );
    }

    let marketplace = read_marketplace(source);
    if let Some(marketplace) = &marketplace {
        for declared in &marketplace.declared {
            let skill = skills
                .entry(declared.folder.clone())
                .or_insert_with(|| DiscoveredSkill {
                    path: declared.folder.clone(),
                    name: None,
                    description: None,
                    errors: vec![simple(
                        "skill_md_missing",
                        format!(
                            "the marketplace declares skill folder {:?} but it has no SKILL.md",
                            declared.folder
                        ),
                    )],
                    warnings: Vec::new(),
                    in_marketplace: true,
                    plugins: Vec::new(),
                });
            skill.in_marketplace = true;
            if !skill.plugins.contains(&declared.plugin) {
                skill.plugins.push(declared.plugin.clone());
                skill.plugins.sort();
            }
        }
    }
    Discovery {
        skills: skills.into_values().collect(),
        marketplace,
    }
}

/// The `SKILL.md` path of a skill folder.
pub fn skill_md_path(folder: &str) -> String {
    join(folder, SKILL_MD)
}

fn simple(code: &str, message: String) -> ValidationIssue {
    ValidationIssue {
        code: code.to_owned(),
        message,
        field: None,
        line: 1,
        column: None,
    }
}
