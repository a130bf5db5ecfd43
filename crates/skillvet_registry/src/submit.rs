//! Submitting one skill or a batch. Submissions are acknowledged without touching the
//! repository (the worker fetches it); only a submission by skill *name* must look at the
//! repository to find the folder.

use serde::{Deserialize, Serialize};
use skillvet_core::model::{
    Actor, NewSubmission, RepoRef, SkillSummary, Submission, SubmitOutcome,
};

use crate::paths;
use crate::{Registry, RegistryError, RegistryResult};

pub const MAX_BULK_ITEMS: usize = 1000;
/// Bulk submissions queue behind single ones so one large repository cannot starve others.
pub const BULK_PRIORITY: i32 = -1;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubmitRequest {
    pub repo_url: String,
    /// Folder of the skill in the repository; or give `skill_name`.
    #[serde(default)]
    pub skill_path: Option<String>,
    #[serde(default)]
    pub skill_name: Option<String>,
    /// Branch, tag or commit to verify; the default branch when absent.
    #[serde(default, rename = "ref")]
    pub git_ref: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BulkRequest {
    pub repo_url: String,
    pub skill_paths: Vec<String>,
    #[serde(default, rename = "ref")]
    pub git_ref: Option<String>,
}

/// Outcome of one item of a bulk submission, in request order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BulkItem {
    pub skill_path: String,
    /// `created`, `duplicate`, `already_verified`, `blocked` or `invalid`.
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub submission: Option<Submission>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skill: Option<SkillSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BulkOutcome {
    pub repository: RepoRef,
    pub items: Vec<BulkItem>,
    pub created: usize,
    pub duplicate: usize,
    pub already_verified: usize,
    pub blocked: usize,
    pub invalid: usize,
}

fn git_ref(input: Option<&str>) -> RegistryResult<Option<String>> {
    let Some(r) = input.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(None);
    };
    skillvet_git::Reference::parse(Some(r)).map_err(|e| RegistryError::Invalid {
        field: "ref".into(),
        message: e.to_string(),
    })?;
    Ok(Some(r.to_owned()))
}

impl Registry {
    pub(crate) fn repo_ref(&self, input: &str) -> RegistryResult<(RepoRef, skillvet_git::RepoUrl)> {
        let url = skillvet_git::RepoUrl::parse(input.trim(), &self.config.fetch).map_err(|e| {
            RegistryError::Invalid {
                field: "repo_url".into(),
                message: e.to_string(),
            }
        })?;
        let repo = RepoRef {
            owner: url.owner().to_ascii_lowercase(),
            name: url.name().to_ascii_lowercase(),
            url: url.canonical().to_owned(),
        };
        Ok((repo, url))
    }

    pub async fn submit(
        &self,
        req: &SubmitRequest,
        submitter: Actor,
    ) -> RegistryResult<SubmitOutcome> {
        let (repo, url) = self.repo_ref(&req.repo_url)?;
        let requested_ref = git_ref(req.git_ref.as_deref())?;
        let skill_path = match (&req.skill_path, &req.skill_name) {
            (Some(path), _) => paths::skill_path(path)?,
            (None, Some(name)) => {
                self.resolve_name(&url, requested_ref.as_deref(), name)
                    .await?
            }
            (None, None) => {
                return Err(RegistryError::Invalid {
                    field: "skill_path".into(),
                    message: "give skill_path (the skill's folder) or skill_name".into(),
                });
            }
        };
        let new = NewSubmission {
            skill_name: paths::skill_name(&skill_path, &repo.name).to_owned(),
            repo,
            skill_path,
            requested_ref,
            priority: 0,
            submitter,
        };
        Ok(self.store.submit(&new, self.clock.now()).await?)
    }

    /// Submits up to [`MAX_BULK_ITEMS`] skills of one repository in one transaction.
    pub async fn submit_bulk(
        &self,
        req: &BulkRequest,
        submitter: Actor,
    ) -> RegistryResult<BulkOutcome> {
        if req.skill_paths.len() > MAX_BULK_ITEMS {
            return Err(RegistryError::TooManyItems {
                limit: MAX_BULK_ITEMS,
                got: req.skill_paths.len(),
            });
        }
        if req.skill_paths.is_empty() {
            return Err(RegistryError::Invalid {
                field: "skill_paths".into(),
                message: "is empty".into(),
            });
        }
        let (repo, _) = self.repo_ref(&req.repo_url)?;
        let requested_ref = git_ref(req.git_ref.as_deref())?;
        let mut items: Vec<BulkItem> = Vec::with_capacity(req.skill_paths.len());
        let mut batch = Vec::new();
        let mut slots = Vec::new();
        for raw in &req.skill_paths {
            match paths::skill_path(raw) {
                Ok(skill_path) => {
                    slots.push(items.len());
                    items.push(BulkItem {
                        skill_path: skill_path.clone(),
                        status: "",
                        submission: None,
                        skill: None,
                        error: None,
                    });
                    batch.push(NewSubmission {
                        skill_name: paths::skill_name(&skill_path, &repo.name).to_owned(),
                        repo: repo.clone(),
                        skill_path,
                        requested_ref: requested_ref.clone(),
                        priority: BULK_PRIORITY,
                        submitter: submitter.clone(),
                    });
                }
                Err(err) => items.push(BulkItem {
                    skill_path: raw.clone(),
                    status: "invalid",
                    submission: None,
                    skill: None,
                    error: Some(err.to_string()),
                }),
            }
        }
        let outcomes = if batch.is_empty() {
            vec![]
        } else {
            self.store.submit_bulk(&batch, self.clock.now()).await?
        };
        for (slot, outcome) in slots.into_iter().zip(outcomes) {
            let item = &mut items[slot];
            item.status = outcome.status();
            match outcome {
                SubmitOutcome::Created { submission }
                | SubmitOutcome::Duplicate { submission }
                | SubmitOutcome::Blocked { submission } => item.submission = Some(submission),
                SubmitOutcome::AlreadyVerified { skill } => item.skill = Some(skill),
            }
        }
        let count = |status: &str| items.iter().filter(|i| i.status == status).count();
        Ok(BulkOutcome {
            created: count("created"),
            duplicate: count("duplicate"),
            already_verified: count("already_verified"),
            blocked: count("blocked"),
            invalid: count("invalid"),
            repository: repo,
            items,
        })
    }
}
