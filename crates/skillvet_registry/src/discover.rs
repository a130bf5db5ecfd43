//! Discovery: fetch a repository at a commit, list every skill in it with its parsed
//! manifest and validation issues, and say where each stands in the registry.

use serde::Serialize;
use skillvet_core::SubmissionState;
use skillvet_core::model::{Id, RepoRef};
use skillvet_core::store::PathStatus;
use skillvet_skill::discover::DiscoveredSkill;
use skillvet_skill::manifest::ValidationIssue;
use skillvet_skill::marketplace::Marketplace;

use crate::{Registry, RegistryError, RegistryResult};

#[derive(Debug, Clone, Serialize)]
pub struct DiscoverOutcome {
    pub repository: RepoRef,
    /// The commit that was read.
    pub commit_sha: String,
    pub skills: Vec<DiscoveredEntry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub marketplace: Option<Marketplace>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DiscoveredEntry {
    pub path: String,
    pub name: Option<String>,
    pub description: Option<String>,
    pub valid: bool,
    pub errors: Vec<ValidationIssue>,
    pub warnings: Vec<ValidationIssue>,
    pub in_marketplace: bool,
    /// `new`, `pending`, `verified`, `rejected` or `blocked`.
    pub status: PathStatus,
    pub submission_id: Option<Id>,
    pub state: Option<SubmissionState>,
    /// Slug of the published skill.
    pub skill: Option<String>,
}

impl Registry {
    async fn discovery(
        &self,
        url: &skillvet_git::RepoUrl,
        git_ref: Option<&str>,
    ) -> RegistryResult<(String, skillvet_skill::discover::Discovery)> {
        let _permit = self
            .fetches
            .acquire()
            .await
            .expect("the fetch semaphore is never closed");
        let snapshot = skillvet_git::fetch(url, git_ref, &self.config.fetch)
            .await
            .map_err(|e| RegistryError::Fetch(e.to_string()))?;
        let found = snapshot.discover();
        Ok((snapshot.commit_sha().to_owned(), found))
    }

    pub async fn discover(
        &self,
        repo_url: &str,
        git_ref: Option<&str>,
    ) -> RegistryResult<DiscoverOutcome> {
        let (repo, url) = self.repo_ref(repo_url)?;
        let git_ref = git_ref.map(str::trim).filter(|r| !r.is_empty());
        if let Some(r) = git_ref {
            skillvet_git::Reference::parse(Some(r)).map_err(|e| RegistryError::Invalid {
                field: "ref".into(),
                message: e.to_string(),
            })?;
        }
        let (commit_sha, found) = self.discovery(&url, git_ref).await?;
        let paths: Vec<String> = found.skills.iter().map(|s| s.path.clone()).collect();
        let states = self
            .store
            .path_states(&repo.owner, &repo.name, Some(&paths))
            .await?;
        let skills = found
            .skills
            .into_iter()
            .zip(states)
            .map(|(skill, state)| entry(skill, state))
            .collect();
        Ok(DiscoverOutcome {
            repository: repo,
            commit_sha,
            skills,
            marketplace: found.marketplace,
        })
    }

    /// Finds the folder of the skill called `name` (its manifest name or folder name).
    pub(crate) async fn resolve_name(
        &self,
        url: &skillvet_git::RepoUrl,
        git_ref: Option<&str>,
        name: &str,
    ) -> RegistryResult<String> {
        let (_, found) = self.discovery(url, git_ref).await?;
        let matches: Vec<&DiscoveredSkill> = found
            .skills
            .iter()
            .filter(|s| s.name.as_deref() == Some(name) || s.path.rsplit('/').next() == Some(name))
            .collect();
        match matches.as_slice() {
            [one] => Ok(one.path.clone()),
            [] => Err(RegistryError::Invalid {
                field: "skill_name".into(),
                message: format!("no skill named {name:?} in {}", url.canonical()),
            }),
            many => Err(RegistryError::Invalid {
                field: "skill_name".into(),
                message: format!(
                    "{} skills are named {name:?} ({}); give skill_path instead",
                    many.len(),
                    many.iter()
                        .map(|s| s.path.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }),
        }
    }
}

fn entry(skill: DiscoveredSkill, state: skillvet_core::store::PathState) -> DiscoveredEntry {
    DiscoveredEntry {
        valid: skill.is_valid(),
        path: skill.path,
        name: skill.name,
        description: skill.description,
        errors: skill.errors,
        warnings: skill.warnings,
        in_marketplace: skill.in_marketplace,
        status: state.status,
        submission_id: state.submission_id,
        state: state.state,
        skill: state.skill,
    }
}
