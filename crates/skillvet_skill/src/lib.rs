//! What a skill is, independent of where it came from (git, a local folder, a test):
//! the SKILL.md manifest and its validation, the in-memory bundle of a skill's files, the
//! content hash that identifies it, and discovery of skills in a repository tree.

pub mod bundle;
pub mod discover;
pub mod hash;
pub mod local;
pub mod manifest;
pub mod marketplace;
pub mod tree;

pub use bundle::{FileKind, SKILL_MD, SkillBundle, SkillFile};
pub use discover::{DiscoveredSkill, Discovery, discover};
pub use hash::content_hash;
pub use local::{LocalTree, find_skill_dirs, load_dir};
pub use manifest::{Body, Manifest, ParsedSkillMd, ValidationIssue, parse_skill_md};
pub use tree::{Limits, LoadError, TreeEntry, TreeSource, bundle_from_tree, format_bytes};
