//! What is served to install clients: the published skills that may be installed right now,
//! each with the one version to install and its files.

use async_trait::async_trait;
use serde::Serialize;

use crate::model::{Skill, SkillVersion, VersionFile};
use crate::store::StoreResult;

/// An installable skill: ACTIVE, with a version that is not yanked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServedSkill {
    pub skill: Skill,
    /// The skill's current version, or, when that one is yanked, its newest version that is
    /// not.
    pub version: SkillVersion,
    /// Files of `version`, by path.
    pub files: Vec<VersionFile>,
}

/// Which installable skills to read; empty means all of them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServedFilter {
    /// `(owner, name)` of a repository, lower case.
    pub repository: Option<(String, String)>,
    /// Skill name (the folder name).
    pub name: Option<String>,
}

impl ServedFilter {
    /// The conditions in order, as (column, value).
    pub fn conditions(&self) -> Vec<(&'static str, &str)> {
        let mut out = Vec::new();
        if let Some((owner, name)) = &self.repository {
            out.push(("r.owner", owner.as_str()));
            out.push(("r.name", name.as_str()));
        }
        if let Some(name) = &self.name {
            out.push(("k.name", name.as_str()));
        }
        out
    }
}

/// Picks the version served for a skill from its non-yanked versions (any order).
pub fn served_version<'a>(
    skill: &Skill,
    versions: impl IntoIterator<Item = &'a SkillVersion>,
) -> Option<&'a SkillVersion> {
    versions
        .into_iter()
        .filter(|v| !v.yanked && v.skill_id == skill.id)
        .max_by_key(|v| (v.version == skill.current_version, v.id))
}

#[async_trait]
pub trait ServingStore: Send + Sync {
    /// Installable skills matching `filter`, by slug.
    async fn served_skills(&self, filter: &ServedFilter) -> StoreResult<Vec<ServedSkill>>;
}
