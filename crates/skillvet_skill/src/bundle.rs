//! A skill's files held in memory: the unit every other part (scanner, store, server) works on.

use serde::{Deserialize, Serialize};

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
    /// Bytes of a regular/executable file; empty for symlinks and submodules.
    pub content: Vec<u8>,
}

/// One skill folder: `SKILL.md` plus whatever it bundles.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SkillBundle {
    /// Folder of the skill inside its repository (`""` when the skill is the repository root).
    pub root: String,
    pub files: Vec<SkillFile>,
}
