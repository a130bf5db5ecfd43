//! Storage the verification pipeline needs beyond submissions and the queue: the blocklist,
//! blocking a published skill together with its submission, rescans that enqueue their job
//! in the same transaction, and small registry-wide settings.

use std::fmt;
use std::str::FromStr;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::model::{Actor, Id, Submission, Transition};
use crate::store::StoreResult;

/// What a blocklist entry matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockKind {
    /// `owner/name` of a repository (lower case).
    Repository,
    /// Every repository of an owner (lower case).
    Owner,
    /// One skill, `owner/repo/skill` (lower case).
    Skill,
    /// A skill's content tree hash (sha256 hex), wherever it is published from.
    Content,
}

impl BlockKind {
    pub const ALL: [BlockKind; 4] = [Self::Repository, Self::Owner, Self::Skill, Self::Content];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Repository => "repository",
            Self::Owner => "owner",
            Self::Skill => "skill",
            Self::Content => "content",
        }
    }
}

impl fmt::Display for BlockKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for BlockKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| format!("unknown block kind `{s}`"))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewBlock {
    pub kind: BlockKind,
    pub value: String,
    pub reason: String,
    pub actor: Actor,
    /// The entry stops matching then; `None` blocks for good.
    pub expires_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockEntry {
    pub id: Id,
    pub kind: BlockKind,
    pub value: String,
    pub reason: String,
    pub actor: Actor,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
}

impl BlockEntry {
    /// The reason recorded on a submission blocked by this entry.
    pub fn describe(&self) -> String {
        let what = match self.kind {
            BlockKind::Repository => format!("repository {}", self.value),
            BlockKind::Owner => format!("owner {}", self.value),
            BlockKind::Skill => format!("skill {}", self.value),
            BlockKind::Content => format!("skill content {}", self.value),
        };
        format!("blocklisted {what}: {}", self.reason)
    }
}

/// A rescan request: the submission moves to RESCAN_REQUIRED and its verification job is
/// enqueued, in one transaction.
#[derive(Debug, Clone, PartialEq)]
pub struct RescanRequest {
    pub change: Transition,
    pub priority: i32,
    /// When the verification job may start (spreads bulk rescans over time).
    pub run_at: DateTime<Utc>,
}

#[async_trait]
pub trait PipelineStore: Send + Sync {
    /// Adds an entry (values are stored lower-cased); an existing entry for the same kind and
    /// value is returned unchanged.
    async fn add_block(&self, block: &NewBlock, now: DateTime<Utc>) -> StoreResult<BlockEntry>;

    async fn remove_block(&self, kind: BlockKind, value: &str) -> StoreResult<bool>;

    async fn blocks(&self) -> StoreResult<Vec<BlockEntry>>;

    /// The first entry in force at `now` matching the repository `owner/name`, the owner,
    /// the skill `owner/name/skill`, or the content hash (in that order).
    async fn find_block(
        &self,
        owner: &str,
        name: &str,
        skill: Option<&str>,
        content_hash: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<BlockEntry>>;

    /// Applies a transition to BLOCKED and, when the submission's skill folder has a published
    /// skill, sets that skill's status to BLOCKED with the same reason (and a skill event),
    /// all in one transaction.
    async fn block_submission(
        &self,
        id: Id,
        change: &Transition,
        now: DateTime<Utc>,
    ) -> StoreResult<Submission>;

    /// Moves a submission to RESCAN_REQUIRED and enqueues its verification job together.
    async fn request_rescan(
        &self,
        id: Id,
        request: &RescanRequest,
        now: DateTime<Utc>,
    ) -> StoreResult<Submission>;

    /// Ids of PUBLISHED submissions above `after`, ascending (for bulk rescans).
    async fn published_submissions(&self, after: Option<Id>, limit: u32) -> StoreResult<Vec<Id>>;

    async fn setting(&self, key: &str) -> StoreResult<Option<String>>;

    async fn set_setting(&self, key: &str, value: &str, now: DateTime<Utc>) -> StoreResult<()>;
}
