//! What a skill is, independent of where it came from (git, a local folder, a test).

pub mod bundle;
pub mod manifest;

pub use bundle::{FileKind, SkillBundle, SkillFile};
pub use manifest::{Body, Manifest, ParsedSkillMd, ValidationIssue, parse_skill_md};
