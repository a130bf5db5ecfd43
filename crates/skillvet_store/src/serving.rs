//! Shared parts of `ServingStore`: the SQL (identical on both backends) and assembling rows
//! into [`ServedSkill`]s.

use std::collections::HashMap;

use skillvet_core::model::{Id, Skill, SkillVersion, VersionFile};
use skillvet_core::serving::{ServedFilter, ServedSkill, served_version};
use skillvet_core::store::StoreResult;

use crate::rows::{self, Cells};

/// Only ACTIVE skills and non-yanked versions.
const ACTIVE: &str = " WHERE k.status = 'ACTIVE'";

/// ` AND column = $n` for each condition of the filter, numbered from 1.
fn conditions(filter: &ServedFilter) -> String {
    filter
        .conditions()
        .iter()
        .enumerate()
        .map(|(i, (column, _))| format!(" AND {column} = ${}", i + 1))
        .collect()
}

pub fn skills_sql(filter: &ServedFilter) -> String {
    format!(
        "{}{ACTIVE}{} ORDER BY k.slug",
        crate::rows::skill_select!(),
        conditions(filter)
    )
}

pub fn versions_sql(filter: &ServedFilter) -> String {
    format!(
        "SELECT v.* FROM skill_versions v JOIN skills k ON k.id = v.skill_id \
         JOIN repositories r ON r.id = k.repository_id{ACTIVE} AND v.yanked = FALSE{}",
        conditions(filter)
    )
}

pub fn files_sql(filter: &ServedFilter) -> String {
    format!(
        "SELECT f.* FROM skill_version_files f JOIN skill_versions v ON v.id = f.version_id \
         JOIN skills k ON k.id = v.skill_id JOIN repositories r ON r.id = k.repository_id\
         {ACTIVE} AND v.yanked = FALSE{} ORDER BY f.version_id, f.path",
        conditions(filter)
    )
}

pub fn version_file(row: &impl Cells) -> StoreResult<(Id, VersionFile)> {
    Ok((
        row.big("version_id")?,
        VersionFile {
            path: row.text("path")?,
            kind: row.text("kind")?,
            size: row.big("size")?,
            sha256: row.text("sha256")?,
        },
    ))
}

pub fn assemble<R: Cells>(
    skills: &[R],
    versions: &[R],
    files: &[R],
) -> StoreResult<Vec<ServedSkill>> {
    let mut by_skill: HashMap<Id, Vec<SkillVersion>> = HashMap::new();
    for row in versions {
        let version = rows::skill_version(row)?;
        by_skill.entry(version.skill_id).or_default().push(version);
    }
    let mut by_version: HashMap<Id, Vec<VersionFile>> = HashMap::new();
    for row in files {
        let (version_id, file) = version_file(row)?;
        by_version.entry(version_id).or_default().push(file);
    }
    let mut served = Vec::with_capacity(skills.len());
    for row in skills {
        let skill: Skill = rows::skill(row)?;
        let Some(candidates) = by_skill.get(&skill.id) else {
            continue;
        };
        let Some(version) = served_version(&skill, candidates).cloned() else {
            continue;
        };
        let files = by_version.remove(&version.id).unwrap_or_default();
        served.push(ServedSkill {
            skill,
            version,
            files,
        });
    }
    Ok(served)
}
