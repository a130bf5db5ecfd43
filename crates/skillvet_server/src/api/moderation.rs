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
//! * `POST /admin/skills/{owner}/{repo}/{skill}/versions/{version}/yank` and `/unyank` `{reason}`
//! * `GET /admin/blocks`, `POST /admin/blocks` `{kind, value, reason}`,
//!   `POST /admin/blocks/remove` `{kind, value, reason}`
//! * `GET /admin/audit?action=&actor=&target_kind=&target=&package=&cursor=&limit=`

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
    AuditAction, AuditEvent, AuditFilter, Moderator, SubmissionDecision,
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
        BlockKind::Content => value.len() == 64 && value.chars().all(|c| c.is_ascii_hexdigit()),
    };
    if !ok {
        return Err(unprocessable(match kind {
            BlockKind::Owner => "value: an owner is a GitHub user or organisation name",
            BlockKind::Repository => "value: a repository is `owner/name`",
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
    let blocked = registry
        .store()
        .block(req.kind, &value, &by, registry.clock().now())
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
    Json(req): Json<BlockRequest>,
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
