//! `/api/v1/admin/…` moderation for reviewers and administrators (a session, or a token with
//! the `review` or `admin` scope). Every action needs a reason and is written to the audit
//! log in the transaction of its change (`skillvet_core::moderation`).
//!
//! * `POST /admin/submissions/{id}/approve` `{reason, tier?}` — NEEDS_REVIEW → published by
//!   the pipeline at `tier` (SCANNED by default; CERTIFIED only by administrators)
//! * `POST /admin/submissions/{id}/reject` `{reason}` — NEEDS_REVIEW → REJECTED
//! * `POST /admin/submissions/{id}/hold` `{reason}` / `release` `{reason}` — pause, then verify again
//! * `POST /admin/submissions/{id}/unblock` `{reason}` — administrators: BLOCKED → NEEDS_REVIEW
//! * `POST /admin/skills/{owner}/{repo}/{skill}/status` `{status, reason}` — quarantine,
//!   release, withdraw, block or unblock a published skill
//! * `POST /admin/skills/{owner}/{repo}/{skill}/tier` `{tier, reason}`
//! * `POST /admin/skills/{owner}/{repo}/{skill}/rescan`, `/admin/repositories/{owner}/{repo}/rescan`
//!   `{reason}` — verify published skills again with the current rules
//! * `POST /admin/skills/{owner}/{repo}/{skill}/versions/{version}/yank` and `/unyank` `{reason}`
//! * `GET /admin/blocks`, `POST /admin/blocks` `{kind, value, reason}`,
//!   `POST /admin/blocks/remove` `{kind, value, reason}`
//! * `GET /admin/audit?action=&actor=&target_kind=&target=&package=&cursor=&limit=`
//! * `GET /admin/requests?status=&kind=`, `POST /admin/requests/{id}/resolve`
//!   `{decision, reason, then?}` — the triage queue of reports and appeals
//!
//! For signed-in users: `POST /packages/{owner}/{repo}/{skill}/reports` `{category, message}`,
//! `POST /submissions/{id}/appeal` `{message}` (the submitter of a rejection), `GET /me/requests`.

use axum::Router;
use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};
use skillvet_core::SubmissionState as S;
use skillvet_core::model::{CertTier, Id, PageRequest, Role, Skill, SkillStatus};
use skillvet_core::moderation::{
    AuditAction, AuditEvent, AuditFilter, ModerationRequest, Moderator, NewRequest, ReportCategory,
    RequestFilter, RequestKind, RequestStatus, SubmissionDecision,
};
use skillvet_core::pipeline::BlockKind;

use super::PageParams;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path, Query};
use crate::state::AppState;

/// Longest reason kept; reasons of actions on packages are public.
pub const MAX_REASON_CHARS: usize = 500;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/submissions/{id}/approve", post(approve))
        .route("/admin/submissions/{id}/reject", post(reject))
        .route("/admin/submissions/{id}/hold", post(hold))
        .route("/admin/submissions/{id}/release", post(release))
        .route("/admin/submissions/{id}/unblock", post(unblock_submission))
        .route("/admin/skills/{owner}/{repo}/{skill}/status", post(status))
        .route("/admin/skills/{owner}/{repo}/{skill}/tier", post(tier))
        .route(
            "/admin/skills/{owner}/{repo}/{skill}/rescan",
            post(rescan_skill),
        )
        .route(
            "/admin/repositories/{owner}/{repo}/rescan",
            post(rescan_repository),
        )
        .route(
            "/admin/skills/{owner}/{repo}/{skill}/versions/{version}/yank",
            post(yank),
        )
        .route(
            "/admin/skills/{owner}/{repo}/{skill}/versions/{version}/unyank",
            post(unyank),
        )
        .route("/admin/blocks", get(blocks).post(add_block))
        .route("/admin/blocks/remove", post(remove_block))
        .route("/admin/audit", get(audit))
        .route("/admin/requests", get(list_requests))
        .route("/admin/requests/{id}/resolve", post(resolve_request))
        .route("/packages/{owner}/{repo}/{skill}/reports", post(report))
        .route("/submissions/{id}/appeal", post(appeal))
        .route("/me/requests", get(my_requests))
}

/// A reviewer's or administrator's request: refused (401/403) before its body is read.
pub struct Reviewer(pub Caller);

impl FromRequestParts<AppState> for Reviewer {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let caller = Caller::from_request_parts(parts, state).await?;
        caller.require_reviewer()?;
        Ok(Reviewer(caller))
    }
}

/// A signed-in caller (session or any token): refused (401) before the body is read.
pub struct SignedIn(pub Caller);

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let caller = Caller::from_request_parts(parts, state).await?;
        signed_in(&caller)?;
        Ok(SignedIn(caller))
    }
}

fn unprocessable(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_request", message)
}

/// Who acts and why, with the reason checked.
pub fn moderator(caller: &Caller, reason: &str) -> ApiResult<Moderator> {
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > MAX_REASON_CHARS {
        return Err(unprocessable(format!(
            "reason: say why (1 to {MAX_REASON_CHARS} characters); it is kept in the audit log"
        )));
    }
    let user = caller.require_reviewer()?;
    Ok(Moderator {
        actor: caller.actor(),
        role: user.role.as_str().to_owned(),
        reason: reason.to_owned(),
    })
}

fn is_admin(caller: &Caller) -> bool {
    caller.user().is_some_and(|u| u.role == Role::Admin)
        && caller.allows(skillvet_core::accounts::SCOPE_ADMIN)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReasonRequest {
    reason: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ApproveRequest {
    reason: String,
    #[serde(default)]
    tier: Option<CertTier>,
}

/// What a decision on a submission moves it from and to.
pub struct Move {
    pub action: AuditAction,
    pub from: &'static [S],
    pub to: S,
}

pub const APPROVE: Move = Move {
    action: AuditAction::SubmissionApprove,
    from: &[S::NeedsReview],
    to: S::AutoApproved,
};
pub const REJECT: Move = Move {
    action: AuditAction::SubmissionReject,
    from: &[S::NeedsReview],
    to: S::Rejected,
};
pub const HOLD: Move = Move {
    action: AuditAction::SubmissionHold,
    from: &[
        S::Received,
        S::Tier1Scanning,
        S::Tier2Scanning,
        S::NeedsReview,
    ],
    to: S::OnHold,
};
pub const RELEASE: Move = Move {
    action: AuditAction::SubmissionRelease,
    from: &[S::OnHold],
    to: S::RescanRequired,
};
pub const RESCAN: Move = Move {
    action: AuditAction::SubmissionRescan,
    from: &[S::Published],
    to: S::RescanRequired,
};
pub const UNBLOCK: Move = Move {
    action: AuditAction::SubmissionUnblock,
    from: &[S::Blocked],
    to: S::NeedsReview,
};

/// Applies `step` to submission `id` (shared by the API and the admin pages).
pub async fn decide(
    state: &AppState,
    id: Id,
    step: &Move,
    metadata: Value,
    by: &Moderator,
) -> ApiResult<skillvet_core::model::Submission> {
    let registry = state.registry();
    let store = registry.store();
    let current = store
        .submission(id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("submission {id} not found")))?;
    if !step.from.contains(&current.state) {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "invalid_state",
            format!(
                "submission {id} is {}; {} needs {}",
                current.state,
                step.action,
                step.from
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
        ));
    }
    // Approval and release hand the submission back to the pipeline.
    let enqueue =
        matches!(step.to, S::AutoApproved | S::RescanRequired).then_some(current.priority);
    let decision = SubmissionDecision {
        action: step.action,
        from: current.state,
        to: step.to,
        metadata,
        enqueue,
    };
    Ok(store
        .moderate_submission(id, &decision, by, registry.clock().now())
        .await?)
}

/// The tier an approval grants: CERTIFIED is an administrator's call.
pub fn approval_tier(caller: &Caller, tier: Option<CertTier>) -> ApiResult<CertTier> {
    let tier = tier.unwrap_or(CertTier::Scanned);
    if tier == CertTier::Certified && !is_admin(caller) {
        return Err(ApiError::forbidden(
            "only an administrator may certify (tier CERTIFIED)",
        ));
    }
    Ok(tier)
}

fn submission_json(sub: &skillvet_core::model::Submission) -> Response {
    axum::Json(json!({ "submission": sub })).into_response()
}

async fn approve(
    State(state): State<AppState>,
    Reviewer(caller): Reviewer,
    Path(id): Path<Id>,
    Json(req): Json<ApproveRequest>,
) -> ApiResult<Response> {
    let by = moderator(&caller, &req.reason)?;
    let tier = approval_tier(&caller, req.tier)?;
    let sub = decide(&state, id, &APPROVE, json!({ "tier": tier }), &by).await?;
    Ok(submission_json(&sub))
}

async fn simple(
    state: &AppState,
    caller: &Caller,
    id: Id,
    step: &Move,
    reason: &str,
) -> ApiResult<Response> {
    let by = moderator(caller, reason)?;
    let sub = decide(state, id, step, json!({}), &by).await?;
    Ok(submission_json(&sub))
}

async fn reject(
    State(state): State<AppState>,
    Reviewer(caller): Reviewer,
    Path(id): Path<Id>,
    Json(req): Json<ReasonRequest>,
) -> ApiResult<Response> {
    simple(&state, &caller, id, &REJECT, &req.reason).await
}

async fn hold(
    State(state): State<AppState>,
    Reviewer(caller): Reviewer,
    Path(id): Path<Id>,
    Json(req): Json<ReasonRequest>,
) -> ApiResult<Response> {
    simple(&state, &caller, id, &HOLD, &req.reason).await
}

async fn release(
    State(state): State<AppState>,
    Reviewer(caller): Reviewer,
    Path(id): Path<Id>,
    Json(req): Json<ReasonRequest>,
) -> ApiResult<Response> {
    simple(&state, &caller, id, &RELEASE, &req.reason).await
}

async fn unblock_submission(
    State(state): State<AppState>,
    crate::api::admin::Admin(caller): crate::api::admin::Admin,
    Path(id): Path<Id>,
    Json(req): Json<ReasonRequest>,
) -> ApiResult<Response> {
    simple(&state, &caller, id, &UNBLOCK, &req.reason).await
}

/// The published skill at `owner/repo/skill`.
pub async fn find_skill(
    state: &AppState,
    owner: &str,
    repo: &str,
    skill: &str,
) -> ApiResult<Skill> {
    let slug = format!("{owner}/{repo}/{skill}").to_ascii_lowercase();
    state
        .registry()
        .store()
        .skill_by_slug(&slug)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no published skill {slug}")))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StatusRequest {
    status: SkillStatus,
    reason: String,
}

/// Sets a skill's status (shared by the API and the skill page).
pub async fn set_status(
    state: &AppState,
    caller: &Caller,
    skill: &Skill,
    to: SkillStatus,
    reason: &str,
) -> ApiResult<Skill> {
    let by = moderator(caller, reason)?;
    let registry = state.registry();
    Ok(registry
        .store()
        .set_skill_status(skill.id, skill.status, to, &by, registry.clock().now())
        .await?)
}

async fn status(
    State(state): State<AppState>,
    Reviewer(caller): Reviewer,
    Path((owner, repo, name)): Path<(String, String, String)>,
    Json(req): Json<StatusRequest>,
) -> ApiResult<Response> {
    let skill = find_skill(&state, &owner, &repo, &name).await?;
    let skill = set_status(&state, &caller, &skill, req.status, &req.reason).await?;
    Ok(axum::Json(json!({ "skill": skill })).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TierRequest {
    tier: CertTier,
    reason: String,
}

async fn tier(
    State(state): State<AppState>,
    Reviewer(caller): Reviewer,
    Path((owner, repo, name)): Path<(String, String, String)>,
    Json(req): Json<TierRequest>,
) -> ApiResult<Response> {
    let by = moderator(&caller, &req.reason)?;
    let tier = approval_tier(&caller, Some(req.tier))?;
    let skill = find_skill(&state, &owner, &repo, &name).await?;
    let registry = state.registry();
    let skill = registry
        .store()
        .set_skill_tier(skill.id, tier, &by, registry.clock().now())
        .await?;
    Ok(axum::Json(json!({ "skill": skill })).into_response())
}

async fn set_yanked(
    state: &AppState,
    caller: &Caller,
    (owner, repo, name, version): (String, String, String, String),
    yanked: bool,
    reason: &str,
) -> ApiResult<Response> {
    let by = moderator(caller, reason)?;
    let skill = find_skill(state, &owner, &repo, &name).await?;
    let registry = state.registry();
    let stored = registry
        .store()
        .set_version_yanked(skill.id, &version, yanked, &by, registry.clock().now())
        .await?;
    Ok(axum::Json(json!({ "skill": skill.slug, "version": stored })).into_response())
}

async fn yank(
    State(state): State<AppState>,
    Reviewer(caller): Reviewer,
    Path(path): Path<(String, String, String, String)>,
    Json(req): Json<ReasonRequest>,
) -> ApiResult<Response> {
    set_yanked(&state, &caller, path, true, &req.reason).await
}

async fn unyank(
    State(state): State<AppState>,
    Reviewer(caller): Reviewer,
    Path(path): Path<(String, String, String, String)>,
    Json(req): Json<ReasonRequest>,
) -> ApiResult<Response> {
    set_yanked(&state, &caller, path, false, &req.reason).await
}

async fn blocks(State(state): State<AppState>, Reviewer(_): Reviewer) -> ApiResult<Response> {
    let blocks = state.registry().store().blocks().await?;
    Ok(axum::Json(json!({ "blocks": blocks })).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BlockRequest {
    kind: BlockKind,
    value: String,
    reason: String,
    /// The entry lapses after this many days; for good without.
    #[serde(default)]
    expires_in_days: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct UnblockRequest {
    kind: BlockKind,
    value: String,
    reason: String,
}

/// Longest a blocklist entry may be set to last (longer means for good).
pub const MAX_BLOCK_DAYS: u32 = 3650;

/// When a block given `days` lapses.
pub fn block_expiry(
    days: Option<u32>,
    now: chrono::DateTime<chrono::Utc>,
) -> ApiResult<Option<chrono::DateTime<chrono::Utc>>> {
    match days {
        None => Ok(None),
        Some(days) if (1..=MAX_BLOCK_DAYS).contains(&days) => {
            Ok(Some(now + chrono::Duration::days(i64::from(days))))
        }
        Some(_) => Err(unprocessable(format!(
            "expires_in_days: 1 to {MAX_BLOCK_DAYS}, or leave it out to block for good"
        ))),
    }
}

/// What a blocklist value must look like, so a typo does not block nothing (or everything).
pub fn check_block_value(kind: BlockKind, value: &str) -> ApiResult<String> {
    let value = value.trim().to_ascii_lowercase();
    let name_ok = |s: &str| {
        !s.is_empty()
            && s.len() <= 100
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    let ok = match kind {
        BlockKind::Owner => name_ok(&value),
        BlockKind::Repository => value
            .split_once('/')
            .is_some_and(|(o, n)| name_ok(o) && name_ok(n)),
        BlockKind::Skill => {
            let parts: Vec<&str> = value.split('/').collect();
            parts.len() == 3 && parts.iter().all(|p| name_ok(p))
        }
        BlockKind::Content => value.len() == 64 && value.chars().all(|c| c.is_ascii_hexdigit()),
    };
    if !ok {
        return Err(unprocessable(match kind {
            BlockKind::Owner => "value: an owner is a GitHub user or organisation name",
            BlockKind::Repository => "value: a repository is `owner/name`",
            BlockKind::Skill => "value: a skill is `owner/repo/skill`",
            BlockKind::Content => "value: a content hash is 64 hex digits (the skill's tree hash)",
        }));
    }
    Ok(value)
}

async fn add_block(
    State(state): State<AppState>,
    Reviewer(caller): Reviewer,
    Json(req): Json<BlockRequest>,
) -> ApiResult<Response> {
    let by = moderator(&caller, &req.reason)?;
    let value = check_block_value(req.kind, &req.value)?;
    let registry = state.registry();
    let now = registry.clock().now();
    let expires_at = block_expiry(req.expires_in_days, now)?;
    let blocked = registry
        .store()
        .block(req.kind, &value, expires_at, &by, now)
        .await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(json!({ "block": blocked.entry, "skills_blocked": blocked.skills })),
    )
        .into_response())
}

async fn remove_block(
    State(state): State<AppState>,
    Reviewer(caller): Reviewer,
    Json(req): Json<UnblockRequest>,
) -> ApiResult<Response> {
    let by = moderator(&caller, &req.reason)?;
    let registry = state.registry();
    let removed = registry
        .store()
        .unblock(req.kind, &req.value, &by, registry.clock().now())
        .await?;
    Ok(axum::Json(json!({ "removed": removed })).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditParams {
    pub action: Option<String>,
    pub actor: Option<String>,
    pub target_kind: Option<String>,
    pub target: Option<String>,
    pub package: Option<String>,
    pub limit: Option<u32>,
    pub cursor: Option<Id>,
}

impl AuditParams {
    pub fn filter(&self) -> ApiResult<(AuditFilter, PageRequest)> {
        let page = PageParams {
            limit: self.limit,
            cursor: self.cursor,
        }
        .page()?;
        let action = self
            .action
            .as_deref()
            .filter(|a| !a.is_empty())
            .map(|a| a.parse::<AuditAction>())
            .transpose()
            .map_err(|e| ApiError::bad_request("invalid_query", e))?;
        let text = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        Ok((
            AuditFilter {
                action,
                actor: text(&self.actor),
                target_kind: text(&self.target_kind),
                target: text(&self.target),
                package: text(&self.package).map(|p| p.to_ascii_lowercase()),
                public_only: false,
            },
            page,
        ))
    }
}

pub fn audit_json(events: &[AuditEvent]) -> Value {
    json!(events)
}

async fn audit(
    State(state): State<AppState>,
    Reviewer(_): Reviewer,
    Query(params): Query<AuditParams>,
) -> ApiResult<Response> {
    let (filter, page) = params.filter()?;
    let found = state.registry().store().audit_events(&filter, page).await?;
    Ok(
        axum::Json(json!({ "items": audit_json(&found.items), "next_cursor": found.next }))
            .into_response(),
    )
}

/// Open reports and appeals one user may have at once (spam stays bounded).
pub const MAX_OPEN_REQUESTS: u32 = 10;
/// Longest report or appeal message.
pub const MAX_MESSAGE_CHARS: usize = 2000;

fn message_of(message: &str) -> ApiResult<String> {
    let message = message.trim();
    if message.is_empty() || message.chars().count() > MAX_MESSAGE_CHARS {
        return Err(unprocessable(format!(
            "message: say what is wrong (1 to {MAX_MESSAGE_CHARS} characters)"
        )));
    }
    Ok(message.to_owned())
}

fn signed_in(caller: &Caller) -> ApiResult<&skillvet_core::model::User> {
    caller
        .user()
        .ok_or_else(|| ApiError::unauthorized("sign in, or send `Authorization: Bearer svt_…`"))
}

fn too_many(err: skillvet_core::store::StoreError) -> ApiError {
    match err {
        skillvet_core::store::StoreError::Conflict(message) if message.contains("open reports") => {
            ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_open_requests",
                message,
            )
        }
        other => other.into(),
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportRequest {
    pub category: ReportCategory,
    pub message: String,
}

/// Files a report about a published skill (shared with the skill page's form).
pub async fn file_report(
    state: &AppState,
    caller: &Caller,
    skill: &Skill,
    category: ReportCategory,
    message: &str,
) -> ApiResult<ModerationRequest> {
    signed_in(caller)?;
    let new = NewRequest {
        kind: RequestKind::Report,
        package: skill.slug.clone(),
        submission_id: None,
        category: category.as_str().to_owned(),
        message: message_of(message)?,
        author: caller.actor(),
    };
    let registry = state.registry();
    registry
        .store()
        .file_request(&new, MAX_OPEN_REQUESTS, registry.clock().now())
        .await
        .map_err(too_many)
}

async fn report(
    State(state): State<AppState>,
    SignedIn(caller): SignedIn,
    Path((owner, repo, name)): Path<(String, String, String)>,
    Json(req): Json<ReportRequest>,
) -> ApiResult<Response> {
    signed_in(&caller)?;
    let skill = find_skill(&state, &owner, &repo, &name).await?;
    let filed = file_report(&state, &caller, &skill, req.category, &req.message).await?;
    Ok((StatusCode::CREATED, axum::Json(json!({ "request": filed }))).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppealRequest {
    pub message: String,
}

/// Files the submitter's appeal of a rejection (shared with the submission page's form).
pub async fn file_appeal(
    state: &AppState,
    caller: &Caller,
    id: Id,
    message: &str,
) -> ApiResult<ModerationRequest> {
    let user = signed_in(caller)?;
    let message = message_of(message)?;
    let registry = state.registry();
    let store = registry.store();
    let sub = store
        .submission(id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("submission {id} not found")))?;
    if sub.submitter.id != user.login
        || !matches!(
            sub.submitter.kind,
            skillvet_core::model::ActorKind::User | skillvet_core::model::ActorKind::Admin
        )
    {
        return Err(ApiError::forbidden(
            "only the account that submitted it may appeal a rejection",
        ));
    }
    if sub.state != S::Rejected {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "invalid_state",
            format!(
                "submission {id} is {}; only a rejection can be appealed",
                sub.state
            ),
        ));
    }
    let newest = newest_of_package(state, &sub).await?;
    if newest != Some(id) {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "superseded",
            format!("submission {id} is not the newest of its skill; appeal the newest one"),
        ));
    }
    let repo = &sub.repository;
    let new = NewRequest {
        kind: RequestKind::Appeal,
        package: format!("{}/{}/{}", repo.owner, repo.name, sub.skill_name),
        submission_id: Some(id),
        category: "appeal".into(),
        message,
        author: caller.actor(),
    };
    store
        .file_request(&new, MAX_OPEN_REQUESTS, registry.clock().now())
        .await
        .map_err(too_many)
}

async fn newest_of_package(
    state: &AppState,
    sub: &skillvet_core::model::Submission,
) -> ApiResult<Option<Id>> {
    let filter = skillvet_core::model::SubmissionFilter {
        repository: Some((sub.repository.owner.clone(), sub.repository.name.clone())),
        skill_name: Some(sub.skill_name.clone()),
        ..Default::default()
    };
    let page = state
        .registry()
        .store()
        .list_submissions(&filter, PageRequest::first(1))
        .await?;
    Ok(page.items.first().map(|s| s.id))
}

async fn appeal(
    State(state): State<AppState>,
    SignedIn(caller): SignedIn,
    Path(id): Path<Id>,
    Json(req): Json<AppealRequest>,
) -> ApiResult<Response> {
    signed_in(&caller)?;
    let filed = file_appeal(&state, &caller, id, &req.message).await?;
    Ok((StatusCode::CREATED, axum::Json(json!({ "request": filed }))).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestParams {
    pub status: Option<String>,
    pub kind: Option<String>,
    pub limit: Option<u32>,
    pub cursor: Option<Id>,
}

impl RequestParams {
    pub fn filter(&self) -> ApiResult<(RequestFilter, PageRequest)> {
        let page = PageParams {
            limit: self.limit,
            cursor: self.cursor,
        }
        .page()?;
        let invalid = |e: String| ApiError::bad_request("invalid_query", e);
        let status = self
            .status
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(str::parse::<RequestStatus>)
            .transpose()
            .map_err(invalid)?;
        let kind = self
            .kind
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(str::parse::<RequestKind>)
            .transpose()
            .map_err(invalid)?;
        Ok((
            RequestFilter {
                kind,
                status,
                author: None,
            },
            page,
        ))
    }
}

async fn my_requests(
    State(state): State<AppState>,
    SignedIn(caller): SignedIn,
    Query(params): Query<RequestParams>,
) -> ApiResult<Response> {
    let user = signed_in(&caller)?;
    let (mut filter, page) = params.filter()?;
    filter.author = Some(user.login.clone());
    let found = state.registry().store().requests(&filter, page).await?;
    Ok(axum::Json(json!({ "items": found.items, "next_cursor": found.next })).into_response())
}

async fn list_requests(
    State(state): State<AppState>,
    Reviewer(_): Reviewer,
    Query(params): Query<RequestParams>,
) -> ApiResult<Response> {
    let (filter, page) = params.filter()?;
    let found = state.registry().store().requests(&filter, page).await?;
    Ok(axum::Json(json!({ "items": found.items, "next_cursor": found.next })).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResolveRequest {
    /// `accept` or `dismiss`.
    pub decision: String,
    pub reason: String,
    /// For an accepted appeal: `review` (a reviewer decides) or `rescan` (verified again).
    #[serde(default)]
    pub then: Option<String>,
}

/// Resolves a report or an appeal (shared with the /admin page).
pub async fn resolve(
    state: &AppState,
    caller: &Caller,
    id: Id,
    req: &ResolveRequest,
) -> ApiResult<ModerationRequest> {
    let by = moderator(caller, &req.reason)?;
    let accept = match req.decision.as_str() {
        "accept" => true,
        "dismiss" => false,
        other => {
            return Err(unprocessable(format!(
                "decision: `accept` or `dismiss`, not {other:?}"
            )));
        }
    };
    let registry = state.registry();
    let store = registry.store();
    let request = store
        .request(id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("request {id} not found")))?;
    let then = match (
        request.kind,
        accept,
        req.then.as_deref().filter(|t| !t.is_empty()),
    ) {
        (RequestKind::Appeal, true, Some(then @ ("review" | "rescan"))) => {
            let submission_id = request.submission_id.unwrap_or_default();
            let sub = store.submission(submission_id).await?.ok_or_else(|| {
                ApiError::not_found(format!("submission {submission_id} not found"))
            })?;
            if newest_of_package(state, &sub).await? != Some(sub.id) {
                return Err(ApiError::new(
                    StatusCode::CONFLICT,
                    "superseded",
                    format!(
                        "submission {} was submitted again since; dismiss this appeal",
                        sub.id
                    ),
                ));
            }
            Some(SubmissionDecision {
                action: AuditAction::AppealResolve,
                from: S::Rejected,
                to: if then == "review" {
                    S::NeedsReview
                } else {
                    S::RescanRequired
                },
                metadata: json!({}),
                enqueue: (then == "rescan").then_some(sub.priority),
            })
        }
        (RequestKind::Appeal, true, _) => {
            return Err(unprocessable(
                "then: an accepted appeal goes to `review` (a reviewer decides) or `rescan`",
            ));
        }
        (_, _, None) => None,
        (_, _, Some(_)) => {
            return Err(unprocessable(
                "then: only an accepted appeal has a next step",
            ));
        }
    };
    Ok(store
        .resolve_request(id, accept, then.as_ref(), &by, registry.clock().now())
        .await?)
}

async fn resolve_request(
    State(state): State<AppState>,
    Reviewer(caller): Reviewer,
    Path(id): Path<Id>,
    Json(req): Json<ResolveRequest>,
) -> ApiResult<Response> {
    let resolved = resolve(&state, &caller, id, &req).await?;
    Ok(axum::Json(json!({ "request": resolved })).into_response())
}

/// The newest submission of a published skill.
async fn newest_of_skill(
    state: &AppState,
    skill: &Skill,
) -> ApiResult<skillvet_core::model::Submission> {
    let folder = skill
        .skill_path
        .rsplit('/')
        .next()
        .unwrap_or(&skill.skill_path);
    let filter = skillvet_core::model::SubmissionFilter {
        repository: Some((
            skill.repository.owner.clone(),
            skill.repository.name.clone(),
        )),
        skill_name: Some(folder.to_owned()),
        ..Default::default()
    };
    let page = state
        .registry()
        .store()
        .list_submissions(&filter, PageRequest::first(1))
        .await?;
    page.items
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::not_found(format!("{} has no submissions", skill.slug)))
}

async fn rescan_skill(
    State(state): State<AppState>,
    Reviewer(caller): Reviewer,
    Path((owner, repo, name)): Path<(String, String, String)>,
    Json(req): Json<ReasonRequest>,
) -> ApiResult<Response> {
    let by = moderator(&caller, &req.reason)?;
    let skill = find_skill(&state, &owner, &repo, &name).await?;
    let newest = newest_of_skill(&state, &skill).await?;
    let sub = decide(&state, newest.id, &RESCAN, json!({}), &by).await?;
    Ok(submission_json(&sub))
}

/// Rescans every published skill of a repository, one audited transaction each; skills whose
/// newest submission is not PUBLISHED (being verified, waiting for a reviewer) are skipped.
async fn rescan_repository(
    State(state): State<AppState>,
    Reviewer(caller): Reviewer,
    Path((owner, repo)): Path<(String, String)>,
    Json(req): Json<ReasonRequest>,
) -> ApiResult<Response> {
    let by = moderator(&caller, &req.reason)?;
    let found = state.registry().repository_skills(&owner, &repo).await?;
    let (mut rescanned, mut skipped) = (Vec::new(), Vec::new());
    for skill in &found.skills {
        let newest = newest_of_skill(&state, skill).await?;
        if newest.state != S::Published {
            skipped.push(
                json!({ "skill": skill.slug, "submission": newest.id, "state": newest.state }),
            );
            continue;
        }
        match decide(&state, newest.id, &RESCAN, json!({}), &by).await {
            Ok(sub) => rescanned.push(json!({ "skill": skill.slug, "submission": sub.id })),
            // Moved on since it was read: reported, not fatal for the others.
            Err(e) if e.status == StatusCode::CONFLICT => skipped
                .push(json!({ "skill": skill.slug, "submission": newest.id, "error": e.message })),
            Err(e) => return Err(e),
        }
    }
    Ok(axum::Json(json!({ "rescanned": rescanned, "skipped": skipped })).into_response())
}
