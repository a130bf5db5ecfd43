//! Moderation: what reviewers and administrators do to submissions, published skills and the
//! blocklist. Every action is one store call that applies the change and appends its
//! [`AuditEvent`] in the same transaction, so the log can never miss or invent a change. The
//! log is append-only: no statement in the code updates or deletes it (a test greps the SQL)
//! and the database refuses both (triggers in migration 0008).

use std::fmt;
use std::str::FromStr;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::{
    Actor, CertTier, Id, Page, PageRequest, Role, Skill, SkillStatus, SkillVersion, Submission,
    User,
};
use crate::pipeline::{BlockEntry, BlockKind};
use crate::queue::{Job, Pause};
use crate::state::SubmissionState;
use crate::store::StoreResult;

macro_rules! actions {
    ($($variant:ident = $text:literal: $doc:literal),+ $(,)?) => {
        /// What a moderator did; the text is `object.verb`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum AuditAction {
            $(#[doc = $doc] #[serde(rename = $text)] $variant),+
        }

        impl AuditAction {
            pub const ALL: &'static [AuditAction] = &[$(AuditAction::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $(AuditAction::$variant => $text),+ }
            }
        }

        impl FromStr for AuditAction {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s {
                    $($text => Ok(AuditAction::$variant),)+
                    other => Err(format!("unknown audit action `{other}`")),
                }
            }
        }
    };
}

actions! {
    SubmissionApprove = "submission.approve": "NEEDS_REVIEW → AUTO_APPROVED: the pipeline publishes it.",
    SubmissionReject = "submission.reject": "NEEDS_REVIEW → REJECTED.",
    SubmissionHold = "submission.hold": "Paused (ON_HOLD) until released.",
    SubmissionRelease = "submission.release": "ON_HOLD → RESCAN_REQUIRED, verified again.",
    SubmissionUnblock = "submission.unblock": "BLOCKED → NEEDS_REVIEW: an administrator lifts a block.",
    SubmissionRescan = "submission.rescan": "PUBLISHED → RESCAN_REQUIRED: verified again with the current rules.",
    SkillStatus = "skill.status": "A published skill quarantined, released, withdrawn or (un)blocked.",
    SkillTier = "skill.tier": "A published skill's trust tier set by a person.",
    VersionYank = "version.yank": "A version no longer served.",
    VersionUnyank = "version.unyank": "A yanked version served again.",
    BlockAdd = "block.add": "A blocklist entry added (its matching skills are blocked with it).",
    BlockRemove = "block.remove": "A blocklist entry removed.",
    QueuePause = "queue.pause": "Job claiming paused (one kind, or all).",
    QueueResume = "queue.resume": "A pause lifted.",
    JobRequeue = "job.requeue": "A failed or dead job run again (an ERRORED submission rescanned).",
    JobReprioritise = "job.priority": "A job's priority changed.",
    RoleGrant = "user.role": "A user's role changed.",
    ReportResolve = "report.resolve": "A user's report accepted or dismissed.",
    AppealResolve = "appeal.resolve": "An author's appeal accepted (reviewed or rescanned) or dismissed.",
    IndexRebuild = "index.rebuild": "The derived structures (search indexes, counters) checked and rebuilt from their source tables.",
}

impl fmt::Display for AuditAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who acts, in which role, and why. Every moderation call carries one; the reason is
/// required for actions on packages and the blocklist (people reading the log later need
/// it), optional for queue controls and roles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Moderator {
    pub actor: Actor,
    /// `reviewer`, `admin`, or `operator` for the server's shell.
    pub role: String,
    pub reason: String,
}

/// One row of the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEvent {
    pub id: Id,
    pub actor: Actor,
    pub actor_role: String,
    pub action: AuditAction,
    /// `submission`, `skill`, `version`, `block`.
    pub target_kind: String,
    /// The submission id, skill slug, `slug@version` or `kind:value`.
    pub target: String,
    /// `owner/repo/skill` when the action concerns a package: such events are public.
    pub package: Option<String>,
    pub reason: Option<String>,
    pub before: Value,
    pub after: Value,
    pub at: DateTime<Utc>,
}

/// Which audit events to list (all given conditions hold).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub action: Option<AuditAction>,
    /// The actor's login.
    pub actor: Option<String>,
    pub target_kind: Option<String>,
    pub target: Option<String>,
    /// Only events about this package (`owner/repo/skill`); these are the public ones.
    pub package: Option<String>,
    /// Only events about some package (what anonymous readers may see).
    pub public_only: bool,
}

/// A reviewer's decision on a submission.
#[derive(Debug, Clone, PartialEq)]
pub struct SubmissionDecision {
    pub action: AuditAction,
    pub from: SubmissionState,
    pub to: SubmissionState,
    /// Recorded on the state event (e.g. the tier an approval grants).
    pub metadata: Value,
    /// Enqueue the submission's verification job at this priority (approval, release).
    pub enqueue: Option<i32>,
}

/// Skills a blocklist entry took down when it was added.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Blocked {
    pub entry: BlockEntry,
    /// Slugs of the published skills now BLOCKED by it.
    pub skills: Vec<String>,
}

macro_rules! words {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $(#[serde(rename = $text)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s {
                    $($text => Ok($name::$variant),)+
                    other => Err(format!(
                        concat!("unknown ", stringify!($name), " `{}`; expected one of {}"),
                        other,
                        [$($text),+].join(", ")
                    )),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

words!(
    /// A user's report about a package, or its author's appeal of a rejection.
    RequestKind { Report = "report", Appeal = "appeal" }
);

words!(
    /// What a report says is wrong.
    ReportCategory {
        Malicious = "malicious",
        Broken = "broken",
        Impersonation = "impersonation",
        Other = "other",
    }
);

words!(
    RequestStatus { Open = "open", Accepted = "accepted", Dismissed = "dismissed" }
);

/// A report or an appeal in the reviewers' triage queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModerationRequest {
    pub id: Id,
    pub kind: RequestKind,
    /// `owner/repo/skill`.
    pub package: String,
    /// The rejected submission an appeal is about.
    pub submission_id: Option<Id>,
    /// A [`ReportCategory`], or `appeal`.
    pub category: String,
    pub message: String,
    pub author: Actor,
    pub status: RequestStatus,
    pub created_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub resolved_by: Option<String>,
    pub resolution: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRequest {
    pub kind: RequestKind,
    pub package: String,
    pub submission_id: Option<Id>,
    pub category: String,
    pub message: String,
    pub author: Actor,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestFilter {
    pub kind: Option<RequestKind>,
    pub status: Option<RequestStatus>,
    /// The author's login.
    pub author: Option<String>,
}

#[async_trait]
pub trait ModerationStore: Send + Sync {
    /// Files a report or an appeal. A conflict when its author already has `max_open` open
    /// requests, or when the submission already has an open appeal.
    async fn file_request(
        &self,
        new: &NewRequest,
        max_open: u32,
        now: DateTime<Utc>,
    ) -> StoreResult<ModerationRequest>;

    /// Requests, newest first (keyset pagination on id).
    async fn requests(
        &self,
        filter: &RequestFilter,
        page: PageRequest,
    ) -> StoreResult<Page<ModerationRequest>>;

    async fn request(&self, id: Id) -> StoreResult<Option<ModerationRequest>>;

    /// Accepts or dismisses an open request (a conflict once it is resolved), with its audit
    /// event; an accepted appeal also applies `then` to its submission (back to a reviewer,
    /// or verified again) in the same transaction.
    async fn resolve_request(
        &self,
        id: Id,
        accept: bool,
        then: Option<&SubmissionDecision>,
        by: &Moderator,
        now: DateTime<Utc>,
    ) -> StoreResult<ModerationRequest>;

    /// Applies the checked transition (compare-and-set on `from`) with its state event, its
    /// audit event and, if asked, its verification job, in one transaction.
    async fn moderate_submission(
        &self,
        id: Id,
        decision: &SubmissionDecision,
        by: &Moderator,
        now: DateTime<Utc>,
    ) -> StoreResult<Submission>;

    /// Moves a published skill from `from` to `to` (compare-and-set: a conflict if it is no
    /// longer in `from`), with a skill event and an audit event.
    async fn set_skill_status(
        &self,
        skill_id: Id,
        from: SkillStatus,
        to: SkillStatus,
        by: &Moderator,
        now: DateTime<Utc>,
    ) -> StoreResult<Skill>;

    /// Sets the trust tier of a published skill by hand (reviewer sign-off).
    async fn set_skill_tier(
        &self,
        skill_id: Id,
        tier: CertTier,
        by: &Moderator,
        now: DateTime<Utc>,
    ) -> StoreResult<Skill>;

    /// Yanks (or serves again) one version. A conflict if it already is in that state.
    async fn set_version_yanked(
        &self,
        skill_id: Id,
        version: &str,
        yanked: bool,
        by: &Moderator,
        now: DateTime<Utc>,
    ) -> StoreResult<SkillVersion>;

    /// Adds a blocklist entry (in force until `expires_at`, if given) and blocks the
    /// published skills it matches (ACTIVE or QUARANTINED), one transaction. An entry in
    /// force for the same value is a conflict; a lapsed one is replaced.
    async fn block(
        &self,
        kind: BlockKind,
        value: &str,
        expires_at: Option<DateTime<Utc>>,
        by: &Moderator,
        now: DateTime<Utc>,
    ) -> StoreResult<Blocked>;

    /// Removes a blocklist entry. Skills it blocked stay BLOCKED until a reviewer releases
    /// each: lifting a block is a decision per skill.
    async fn unblock(
        &self,
        kind: BlockKind,
        value: &str,
        by: &Moderator,
        now: DateTime<Utc>,
    ) -> StoreResult<BlockEntry>;

    /// Pauses claiming of `kind` (all kinds with `None`); pausing again replaces the reason.
    async fn pause_queue(
        &self,
        kind: Option<&str>,
        by: &Moderator,
        now: DateTime<Utc>,
    ) -> StoreResult<Pause>;

    /// Lifts a pause; `false` (and nothing recorded) when there was none.
    async fn resume_queue(
        &self,
        kind: Option<&str>,
        by: &Moderator,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;

    /// `JobQueue::requeue` with its audit event.
    async fn requeue_job(
        &self,
        id: Id,
        extra_attempts: i32,
        by: &Moderator,
        now: DateTime<Utc>,
    ) -> StoreResult<Job>;

    /// `JobQueue::reprioritise` with its audit event.
    async fn reprioritise_job(
        &self,
        id: Id,
        priority: i32,
        by: &Moderator,
        now: DateTime<Utc>,
    ) -> StoreResult<Job>;

    /// Gives the user `role`; a conflict if they already have it.
    async fn grant_role(
        &self,
        user_id: Id,
        role: Role,
        by: &Moderator,
        now: DateTime<Utc>,
    ) -> StoreResult<User>;

    /// Audit events, newest first (keyset pagination on id).
    async fn audit_events(
        &self,
        filter: &AuditFilter,
        page: PageRequest,
    ) -> StoreResult<Page<AuditEvent>>;
}
