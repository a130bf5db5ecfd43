//! What a skill is, independent of where it came from (git, a local folder, a test).

pub mod bundle;

pub use bundle::{FileKind, SkillBundle, SkillFile};
