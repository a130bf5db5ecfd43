//! The narrow storage traits. One SQLite and one PostgreSQL implementation live in
//! `skillvet_store`; both pass the same test suite.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::accounts::AccountStore;
use crate::health::HealthStore;
use crate::model::{
    ApiToken, Id, NewScanResult, NewSubmission, Page, PageRequest, Publication, Published, Role,
    ScanResult, Skill, SkillVersion, Submission, SubmissionDetail, SubmissionFilter, SubmitOutcome,
    Transition, User, VersionFile,
};
use crate::moderation::ModerationStore;
use crate::pipeline::PipelineStore;
use crate::queue::JobQueue;
use crate::search::{CategoryCount, SearchPage, SearchQuery};
use crate::serving::ServingStore;
use crate::state::{IllegalTransition, SubmissionState};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0} not found")]
    NotFound(String),
    #[error(transparent)]
    IllegalTransition(#[from] IllegalTransition),
    /// Compare-and-set lost: somebody else moved the submission first.
    #[error("submission {id} is in state {actual}, not {expected}")]
    StaleState {
        id: Id,
        expected: SubmissionState,
        actual: SubmissionState,
    },
    /// A uniqueness rule would be broken (e.g. a repository URL that differs from the one on record).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The database could not be reached or timed out; the caller may retry.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// A row that this code cannot read back: never expected, always a bug or tampering.
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Database(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Where a skill folder of a repository stands in the registry (used by discovery).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PathStatus {
    New,
    Pending,
    Verified,
    Rejected,
    Blocked,
    /// Published, but quarantined by a reviewer or withdrawn by its owner: not served.
    TakenDown,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PathState {
    pub skill_path: String,
    pub status: PathStatus,
    /// The latest submission of this path, if any.
    pub submission_id: Option<Id>,
    pub state: Option<SubmissionState>,
    /// Slug of the published skill, if any.
    pub skill: Option<String>,
}

#[async_trait]
pub trait SubmissionStore: Send + Sync {
    /// Creates a submission (with its first event and its verification job, in one
    /// transaction) or returns what already stands for the same skill.
    async fn submit(&self, new: &NewSubmission, now: DateTime<Utc>) -> StoreResult<SubmitOutcome>;

    /// Like [`submit`](Self::submit) for many skills, all in one transaction: either every
    /// outcome is stored or none is.
    async fn submit_bulk(
        &self,
        batch: &[NewSubmission],
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<SubmitOutcome>>;

    async fn submission(&self, id: Id) -> StoreResult<Option<Submission>>;

    /// Submissions with their scan results and full state history, in the order of `ids`
    /// (unknown ids are left out).
    async fn submission_details(&self, ids: &[Id]) -> StoreResult<Vec<SubmissionDetail>>;

    async fn list_submissions(
        &self,
        filter: &SubmissionFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Submission>>;

    /// Number of submissions in each state (every state listed, zero included).
    async fn submission_stats(&self) -> StoreResult<Vec<(SubmissionState, i64)>>;

    /// Applies a checked transition and writes its event in one transaction.
    async fn transition(
        &self,
        id: Id,
        change: &Transition,
        now: DateTime<Utc>,
    ) -> StoreResult<Submission>;

    /// Stores a scan result; recording the same (submission, tier, scanner, run) twice
    /// returns the first one unchanged.
    async fn record_scan_result(
        &self,
        result: &NewScanResult,
        now: DateTime<Utc>,
    ) -> StoreResult<ScanResult>;

    /// Registry status of each given skill folder of a repository, in input order; with
    /// `None`, of every folder the registry knows for that repository, by path.
    async fn path_states(
        &self,
        owner: &str,
        name: &str,
        paths: Option<&[String]>,
    ) -> StoreResult<Vec<PathState>>;
}

#[async_trait]
pub trait SkillStore: Send + Sync {
    async fn skill_by_slug(&self, slug: &str) -> StoreResult<Option<Skill>>;

    /// Published skills of one repository, by name.
    async fn repository_skills(&self, owner: &str, name: &str) -> StoreResult<Vec<Skill>>;

    /// Versions of a skill, newest first.
    async fn skill_versions(&self, skill_id: Id) -> StoreResult<Vec<SkillVersion>>;

    /// Moves the submission to PUBLISHED and creates or updates its skill and version, all in
    /// one transaction. Content already published under the same hash reuses that version.
    async fn publish(
        &self,
        publication: &Publication,
        now: DateTime<Utc>,
    ) -> StoreResult<Published>;

    /// Files of a published version, by path.
    async fn version_files(&self, version_id: Id) -> StoreResult<Vec<VersionFile>>;

    /// Content of a stored file by its sha256.
    async fn blob(&self, sha256: &str) -> StoreResult<Option<Vec<u8>>>;

    /// Marketplace search over ACTIVE skills, with the exact number of matches.
    async fn search(&self, query: &SearchQuery) -> StoreResult<SearchPage>;

    /// Categories of ACTIVE skills with their exact counts, most used first (then by name),
    /// at most `limit`. Blank categories are not listed.
    async fn categories(&self, limit: u32) -> StoreResult<Vec<CategoryCount>>;
}

#[async_trait]
pub trait AuthStore: Send + Sync {
    /// Creates the user, or returns the existing one with that login (its role unchanged).
    async fn ensure_user(&self, login: &str, role: Role, now: DateTime<Utc>) -> StoreResult<User>;

    /// Stores a token by the SHA-256 (hex) of its secret.
    async fn create_token(
        &self,
        user_id: Id,
        name: &str,
        token_sha256: &str,
        scopes: &[String],
        expires_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> StoreResult<ApiToken>;

    /// The user and token for a token hash, if the token is neither revoked nor expired.
    async fn authenticate(
        &self,
        token_sha256: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<(User, ApiToken)>>;

    async fn revoke_token(&self, token_id: Id, now: DateTime<Utc>) -> StoreResult<bool>;
}

/// Everything the registry keeps, behind one handle.
pub trait Store:
    SubmissionStore
    + SkillStore
    + AuthStore
    + AccountStore
    + JobQueue
    + PipelineStore
    + ServingStore
    + ModerationStore
    + HealthStore
    + Send
    + Sync
    + 'static
{
    /// `sqlite` or `postgres`, for logs and health output.
    fn backend(&self) -> &'static str;
}
