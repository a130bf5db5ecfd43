//! What people ask of the registry, independent of HTTP: submit skills, discover the skills of
//! a repository, read what happened to a package. Every write goes through one store call
//! (one transaction); repositories are read through the hardened fetcher of `skillvet_git`.

mod discover;
pub mod paths;
mod submit;

use std::sync::Arc;

use serde::Serialize;
use skillvet_core::Clock;
use skillvet_core::model::{Id, Page, PageRequest, Skill, SubmissionDetail, SubmissionFilter};
use skillvet_core::store::{PathState, Store, StoreError};
use skillvet_git::FetchPolicy;
use tokio::sync::Semaphore;

pub use discover::{DiscoverOutcome, DiscoveredEntry};
pub use submit::{
    BULK_PRIORITY, BulkItem, BulkOutcome, BulkRequest, MAX_BULK_ITEMS, SubmitRequest,
};

#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// The request names something malformed; `field` is the request field at fault.
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    #[error("{got} items given; at most {limit} per request")]
    TooManyItems { limit: usize, got: usize },
    #[error("{0}")]
    NotFound(String),
    /// The repository could not be fetched or read (missing, too large, timed out…).
    #[error("{0}")]
    Fetch(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub type RegistryResult<T> = Result<T, RegistryError>;

/// Configuration of the registry's use cases.
#[derive(Debug, Clone)]
pub struct RegistryConfig {
    pub fetch: FetchPolicy,
    /// Repository fetches (discovery) allowed at once; more wait.
    pub max_concurrent_fetches: usize,
}

impl Default for RegistryConfig {
    fn default() -> Self {
        Self {
            fetch: FetchPolicy::default(),
            max_concurrent_fetches: 4,
        }
    }
}

pub struct Registry {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    config: RegistryConfig,
    fetches: Semaphore,
}

/// Everything recorded about one package (`owner/repo/skill`), newest submission first.
#[derive(Debug, Clone, Serialize)]
pub struct PackageHistory {
    pub slug: String,
    /// The published skill, if the package has ever been published.
    pub skill: Option<Skill>,
    pub items: Vec<SubmissionDetail>,
    pub next_cursor: Option<Id>,
}

/// A repository's skills as the registry knows them.
#[derive(Debug, Clone, Serialize)]
pub struct RepositorySkills {
    pub owner: String,
    pub name: String,
    /// Published skills (active or blocked), by name.
    pub skills: Vec<Skill>,
    /// Every known skill folder with its latest submission and status.
    pub paths: Vec<PathState>,
}

impl Registry {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, config: RegistryConfig) -> Self {
        let fetches = Semaphore::new(config.max_concurrent_fetches.max(1));
        Self {
            store,
            clock,
            config,
            fetches,
        }
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    pub async fn submission_detail(&self, id: Id) -> RegistryResult<SubmissionDetail> {
        self.store
            .submission_details(&[id])
            .await?
            .pop()
            .ok_or_else(|| RegistryError::NotFound(format!("submission {id} not found")))
    }

    pub async fn package_history(
        &self,
        owner: &str,
        repo: &str,
        skill: &str,
        page: PageRequest,
    ) -> RegistryResult<PackageHistory> {
        let (owner, repo) = (owner.to_ascii_lowercase(), repo.to_ascii_lowercase());
        let slug = format!("{owner}/{repo}/{skill}");
        let filter = SubmissionFilter {
            repository: Some((owner, repo)),
            skill_name: Some(skill.to_owned()),
            ..Default::default()
        };
        let submissions = self.store.list_submissions(&filter, page).await?;
        let published = self.store.skill_by_slug(&slug).await?;
        if submissions.items.is_empty() && published.is_none() && page.before.is_none() {
            return Err(RegistryError::NotFound(format!("package {slug} not found")));
        }
        let ids: Vec<Id> = submissions.items.iter().map(|s| s.id).collect();
        let items = self.store.submission_details(&ids).await?;
        Ok(PackageHistory {
            slug,
            skill: published,
            items,
            next_cursor: submissions.next,
        })
    }

    pub async fn repository_skills(
        &self,
        owner: &str,
        name: &str,
    ) -> RegistryResult<RepositorySkills> {
        let (owner, name) = (owner.to_ascii_lowercase(), name.to_ascii_lowercase());
        let skills = self.store.repository_skills(&owner, &name).await?;
        let paths = self.store.path_states(&owner, &name, None).await?;
        if skills.is_empty() && paths.is_empty() {
            return Err(RegistryError::NotFound(format!(
                "repository {owner}/{name} not found"
            )));
        }
        Ok(RepositorySkills {
            owner,
            name,
            skills,
            paths,
        })
    }

    pub async fn list_submissions(
        &self,
        filter: &SubmissionFilter,
        page: PageRequest,
    ) -> RegistryResult<Page<skillvet_core::model::Submission>> {
        Ok(self.store.list_submissions(filter, page).await?)
    }
}
