//! A skill's files held in memory: the unit every other part (scanner, store, server) works on.

use serde::{Deserialize, Serialize};

use crate::manifest::{self, ParsedSkillMd, ValidationIssue};

/// File name of the manifest inside a skill folder (exact, case-sensitive).
pub const SKILL_MD: &str = "SKILL.md";

/// How a tree entry is stored; symlinks and submodules are recorded, never followed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum FileKind {
    Regular,
    Executable,
    Symlink { target: String },
    Submodule,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkillFile {
    /// Path relative to the skill folder, `/`-separated, never absolute, never containing `..`.
    pub path: String,
    pub kind: FileKind,
    /// Bytes of a regular/executable file; for a submodule the commit id its gitlink pins
    /// (ASCII hex); empty for symlinks (the target is in `kind`).
    pub content: Vec<u8>,
}

/// One skill folder: `SKILL.md` plus whatever it bundles.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SkillBundle {
    /// Folder of the skill inside its repository (`""` when the skill is the repository root).
    pub root: String,
    pub files: Vec<SkillFile>,
}

impl SkillBundle {
    /// The file at `path` (relative to the skill folder), if any.
    pub fn file(&self, path: &str) -> Option<&SkillFile> {
        self.files.iter().find(|f| f.path == path)
    }

    /// Bytes of `SKILL.md` when it is a regular (or executable) file. A symlinked or missing
    /// SKILL.md gives `None`.
    pub fn manifest_bytes(&self) -> Option<&[u8]> {
        self.file(SKILL_MD)
            .filter(|f| matches!(f.kind, FileKind::Regular | FileKind::Executable))
            .map(|f| f.content.as_slice())
    }

    /// Last segment of `root`: the folder name the manifest's `name` must equal.
    pub fn folder_name(&self) -> Option<&str> {
        self.root.rsplit('/').next().filter(|s| !s.is_empty())
    }

    /// Sum of the content sizes.
    pub fn total_bytes(&self) -> u64 {
        self.files.iter().map(|f| f.content.len() as u64).sum()
    }

    /// Paths of symlinks whose target leaves the skill folder (absolute, or too many `..`),
    /// sorted. Such a link would let an installed skill read outside its own folder.
    pub fn escaping_symlinks(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self
            .files
            .iter()
            .filter(|f| match &f.kind {
                FileKind::Symlink { target } => symlink_escapes(&f.path, target),
                _ => false,
            })
            .map(|f| f.path.as_str())
            .collect();
        out.sort_unstable();
        out
    }

    /// Parses and validates `SKILL.md` (a missing or symlinked one is an error).
    pub fn parse_manifest(&self) -> ParsedSkillMd {
        match self.manifest_bytes() {
            Some(bytes) => manifest::parse_skill_md(bytes, self.folder_name()),
            None => ParsedSkillMd {
                errors: vec![missing_skill_md(self.file(SKILL_MD))],
                ..Default::default()
            },
        }
    }
}

/// True when a symlink at `link_path` (relative to the skill folder) pointing at `target`
/// resolves outside the folder: an absolute target, or `..` climbing above the root.
pub fn symlink_escapes(link_path: &str, target: &str) -> bool {
    let parent = link_path.rsplit_once('/').map_or("", |(parent, _)| parent);
    crate::marketplace::normalise(parent, target).is_none()
}

/// The issue reported when a folder's SKILL.md is absent or not a regular file.
pub(crate) fn missing_skill_md(entry: Option<&SkillFile>) -> ValidationIssue {
    let (code, message) = match entry.map(|f| &f.kind) {
        Some(FileKind::Symlink { target }) => (
            "skill_md_symlink",
            format!("SKILL.md is a symbolic link (to {target:?}); it must be a regular file"),
        ),
        Some(_) => (
            "skill_md_not_a_file",
            "SKILL.md is not a regular file".to_owned(),
        ),
        None => (
            "skill_md_missing",
            "the skill folder has no SKILL.md".to_owned(),
        ),
    };
    ValidationIssue {
        code: code.to_owned(),
        message,
        field: None,
        line: 1,
        column: None,
    }
}
