//! Records of the registry, as the domain sees them. Field names are the API's JSON names.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::state::SubmissionState;

pub type Id = i64;

/// A git repository skills come from. `owner`/`name` are lower-cased and unique together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Repository {
    pub id: Id,
    pub owner: String,
    pub name: String,
    pub url: String,
    pub created_at: DateTime<Utc>,
}

/// Who did something: recorded on every submission and state event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub kind: ActorKind,
    /// A user login, a worker id, a scan agent name; `anonymous` for anonymous submitters.
    pub id: String,
}

impl Actor {
    pub fn anonymous() -> Self {
        Self {
            kind: ActorKind::Anonymous,
            id: "anonymous".into(),
        }
    }

    pub fn system(id: impl Into<String>) -> Self {
        Self {
            kind: ActorKind::System,
            id: id.into(),
        }
    }

    pub fn user(login: impl Into<String>) -> Self {
        Self {
            kind: ActorKind::User,
            id: login.into(),
        }
    }
}

macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $(#[serde(rename = $text)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s {
                    $($text => Ok($name::$variant),)+
                    other => Err(format!(concat!("unknown ", stringify!($name), " `{}`"), other)),
                }
            }
        }
    };
}

text_enum!(ActorKind {
    User = "user",
    Anonymous = "anonymous",
    Admin = "admin",
    System = "system",
    ScanAgent = "scan_agent",
});

text_enum!(
    /// Outcome of one scanner run.
    Verdict { Pass = "PASS", Concerns = "CONCERNS", Fail = "FAIL" }
);

text_enum!(
    /// How much a published skill is trusted; see the decision policy.
    CertTier { Scanned = "SCANNED", Verified = "VERIFIED", Certified = "CERTIFIED" }
);

text_enum!(
    /// Whether a published skill is served: only ACTIVE ones are listed and installable.
    /// BLOCKED is malicious or blocklisted; QUARANTINED is taken down by a reviewer while it
    /// is looked at (reversible); WITHDRAWN is taken down at its owner's request.
    SkillStatus {
        Active = "ACTIVE",
        Blocked = "BLOCKED",
        Quarantined = "QUARANTINED",
        Withdrawn = "WITHDRAWN",
    }
);

/// A request to verify one skill. The store turns it into a [`Submission`] or finds the
/// existing one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSubmission {
    pub repo: RepoRef,
    /// Folder of the skill inside the repository, normalised (`""` for the repository root).
    pub skill_path: String,
    /// Folder name (the agentskills.io `name` must equal it).
    pub skill_name: String,
    /// Branch, tag or commit the submitter asked for; `None` means the default branch.
    pub requested_ref: Option<String>,
    pub priority: i32,
    pub submitter: Actor,
}

/// Identity of a repository as given by a submitter, before it has an id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepoRef {
    pub owner: String,
    pub name: String,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Submission {
    pub id: Id,
    pub repository: RepoRef,
    pub skill_name: String,
    pub skill_path: String,
    pub requested_ref: Option<String>,
    /// The commit actually verified, pinned when the worker fetches the repository.
    pub commit_sha: Option<String>,
    pub state: SubmissionState,
    /// Why it is in this state (the latest event's reason), for terminal states especially.
    pub state_reason: Option<String>,
    pub priority: i32,
    pub submitter: Actor,
    /// Verification run: 1, plus one per rescan started. Scan results carry the run they
    /// belong to, so clients can tell the current results from earlier ones.
    #[serde(default = "first_run")]
    pub run: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn first_run() -> i32 {
    1
}

/// What happened to a submission request.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum SubmitOutcome {
    Created {
        submission: Submission,
    },
    /// The same skill is already being verified: nothing new was stored.
    Duplicate {
        submission: Submission,
    },
    /// The skill is already published at the requested version.
    AlreadyVerified {
        skill: SkillSummary,
    },
    /// The skill's latest submission was blocked; a block is only lifted by an administrator.
    Blocked {
        submission: Submission,
    },
}

impl SubmitOutcome {
    pub fn status(&self) -> &'static str {
        match self {
            Self::Created { .. } => "created",
            Self::Duplicate { .. } => "duplicate",
            Self::AlreadyVerified { .. } => "already_verified",
            Self::Blocked { .. } => "blocked",
        }
    }
}

/// One row of the audit trail: written in the same transaction as the state it records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StateEvent {
    pub id: Id,
    pub submission_id: Id,
    pub from_state: Option<SubmissionState>,
    pub to_state: SubmissionState,
    pub trigger: String,
    pub actor: Actor,
    pub reason: Option<String>,
    pub metadata: Value,
    pub at: DateTime<Utc>,
}

/// A requested state change; the store checks it against the state machine and applies it
/// only if the submission is still in `from` (compare-and-set).
#[derive(Debug, Clone, PartialEq)]
pub struct Transition {
    pub from: SubmissionState,
    pub to: SubmissionState,
    pub trigger: String,
    pub actor: Actor,
    pub reason: Option<String>,
    pub metadata: Value,
    /// Pins the verified commit (set when the repository has been fetched).
    pub commit_sha: Option<String>,
}

/// One tier/scanner run over one submission. Kept forever.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScanResult {
    pub id: Id,
    pub submission_id: Id,
    pub tier: i32,
    pub scanner: String,
    pub scanner_version: String,
    pub verdict: Verdict,
    pub score: i32,
    pub findings: Value,
    pub dependency_risk: Value,
    pub script_scan_summary: Value,
    pub commit_sha: String,
    pub duration_ms: i64,
    /// Which verification run of the submission this belongs to; unique with tier+scanner.
    pub run: i32,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewScanResult {
    pub submission_id: Id,
    pub tier: i32,
    pub scanner: String,
    pub scanner_version: String,
    pub verdict: Verdict,
    pub score: i32,
    pub findings: Value,
    pub dependency_risk: Value,
    pub script_scan_summary: Value,
    pub commit_sha: String,
    pub duration_ms: i64,
    pub run: i32,
}

/// A submission with everything recorded about it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubmissionDetail {
    pub submission: Submission,
    pub scan_results: Vec<ScanResult>,
    pub events: Vec<StateEvent>,
}

/// A published skill (the marketplace entry).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Skill {
    pub id: Id,
    /// `owner/repo/skill`.
    pub slug: String,
    pub name: String,
    pub display_name: String,
    pub description: String,
    pub author: Option<String>,
    pub repository: RepoRef,
    pub skill_path: String,
    pub category: Option<String>,
    pub labels: Vec<String>,
    pub status: SkillStatus,
    pub status_reason: Option<String>,
    pub cert_tier: CertTier,
    pub cert_method: String,
    pub cert_score: i32,
    pub trust_components: Value,
    pub certified_at: DateTime<Utc>,
    pub current_version: String,
    pub trending_score: f64,
    pub install_count: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The part of a skill other records point to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SkillSummary {
    pub id: Id,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub cert_tier: CertTier,
    pub cert_score: i32,
    pub current_version: String,
    pub status: SkillStatus,
}

/// An immutable published version of a skill, keyed by its content hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SkillVersion {
    pub id: Id,
    pub skill_id: Id,
    pub version: String,
    pub commit_sha: String,
    /// sha256 over the skill's canonical file tree.
    pub tree_hash: String,
    pub manifest: Value,
    pub submission_id: Id,
    pub yanked: bool,
    pub yanked_reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A page of a keyset-paginated listing; `next` is the cursor for the following page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<Id>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubmissionFilter {
    pub state: Option<SubmissionState>,
    /// `(owner, name)` of a repository.
    pub repository: Option<(String, String)>,
    /// Only this skill folder (within `repository`).
    pub skill_name: Option<String>,
}

/// Keyset pagination: newest first, items with id strictly below `before`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub before: Option<Id>,
    pub limit: u32,
}

impl PageRequest {
    pub const MAX_LIMIT: u32 = 200;

    pub fn first(limit: u32) -> Self {
        Self {
            before: None,
            limit,
        }
    }
}

/// Everything needed to publish a verified submission; applied in one transaction together
/// with the submission's move to PUBLISHED.
#[derive(Debug, Clone, PartialEq)]
pub struct Publication {
    pub submission_id: Id,
    /// The state the submission must still be in (AUTO_APPROVED, or NEEDS_REVIEW on approval).
    pub from: SubmissionState,
    pub actor: Actor,
    pub reason: Option<String>,
    pub name: String,
    pub display_name: String,
    pub description: String,
    pub author: Option<String>,
    pub category: Option<String>,
    pub labels: Vec<String>,
    pub cert_tier: CertTier,
    pub cert_method: String,
    pub cert_score: i32,
    pub trust_components: Value,
    pub commit_sha: String,
    pub tree_hash: String,
    pub manifest: Value,
    pub files: Vec<PublishedFile>,
    /// Jobs enqueued in the publishing transaction (e.g. the external scan), so a publication
    /// never exists without its follow-up work.
    pub jobs: Vec<crate::queue::NewJob>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedFile {
    pub path: String,
    /// `regular` or `executable` (symlinks and submodules are never published).
    pub kind: String,
    pub content: Vec<u8>,
}

/// What publishing produced: the skill, and the version now current (new, or the existing
/// version with the same content hash).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Published {
    pub skill: Skill,
    pub version: SkillVersion,
    pub new_version: bool,
}

/// Metadata of one file of a published version (contents are fetched separately).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionFile {
    pub path: String,
    pub kind: String,
    pub size: i64,
    pub sha256: String,
}

text_enum!(
    /// What a user may do. `reviewer` moderates submissions; `admin` (SUPER_ADMIN: the CLI
    /// calls it `super-admin`) also runs the queue, grants roles and makes any token.
    Role { User = "user", Reviewer = "reviewer", Admin = "admin" }
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: Id,
    pub login: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
    /// The GitHub account's numeric id: the identity (a login can be renamed). `None` for
    /// local accounts made with `skillvet admin create-token`.
    pub github_id: Option<i64>,
    pub avatar_url: Option<String>,
    /// Logins of the GitHub organisations the user belonged to at their last sign-in.
    pub github_orgs: Vec<String>,
}

/// An API token as stored: only its SHA-256 is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiToken {
    pub id: Id,
    pub user_id: Id,
    pub name: String,
    pub scopes: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub last_used_ip: Option<String>,
}
