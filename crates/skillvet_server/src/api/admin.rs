//! `/api/v1/admin/…`: queue control for administrators (admin bearer token on every route).
//!
//! * `GET  /admin/queue` — job counts per kind and state, totals, active pauses
//! * `POST /admin/queue/pause` `{kind?, reason?}` — stop claiming (one kind, or everything)
//! * `POST /admin/queue/resume` `{kind?, reason?}`
//! * `GET  /admin/jobs?state=&kind=&limit=&cursor=` — jobs, newest first
//! * `GET  /admin/jobs/{id}`
//! * `POST /admin/jobs/{id}/requeue` `{extra_attempts?, reason?}` — run a failed/dead job again
//! * `POST /admin/jobs/{id}/priority` `{priority, reason?}` — reprioritise a queued/running job
//! * `GET  /admin/health` — the derived structures (search indexes, counters) against their
//!   source tables; also open to services sending the internal key (`X-Internal-Key`)
//! * `POST /admin/rebuild-index` `{reason?}` — rebuild what differs, in one transaction
//!
//! Each write is written to the audit log with its optional reason (`skillvet_core::moderation`).
//!
//! Moderation (reviewers too) is in [`super::moderation`].

use std::collections::BTreeMap;

use axum::Router;
use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};
use skillvet_core::SubmissionState;
use skillvet_core::health::HealthReport;
use skillvet_core::model::Id;
use skillvet_core::moderation::{AuditAction, Moderator, SubmissionDecision};
use skillvet_core::queue::{Job, JobFilter, JobState, totals_by_state};
use skillvet_pipeline::external::EXTERNAL_SCAN_JOB;
use skillvet_pipeline::{RESCAN_JOB, VERIFY_JOB};

use crate::auth::{Caller, INTERNAL_KEY_HEADER};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path, Query};
use crate::state::AppState;

/// The kinds of job this registry runs; pausing anything else would pause nothing.
pub const JOB_KINDS: [&str; 3] = [VERIFY_JOB, RESCAN_JOB, EXTERNAL_SCAN_JOB];
/// Most attempts one requeue may add.
pub const MAX_EXTRA_ATTEMPTS: i32 = 20;
/// Priorities accepted from administrators (new submissions run at 0, rescans at -10).
pub const PRIORITY_RANGE: std::ops::RangeInclusive<i32> = -1000..=1000;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/queue", get(queue))
        .route("/admin/queue/pause", post(pause))
        .route("/admin/queue/resume", post(resume))
        .route("/admin/jobs", get(list_jobs))
        .route("/admin/jobs/{id}", get(job))
        .route("/admin/jobs/{id}/requeue", post(requeue))
        .route("/admin/jobs/{id}/priority", post(reprioritise))
        .route("/admin/health", get(health))
        .route("/admin/rebuild-index", post(rebuild_index))
}

/// An administrator's request: refused (401/403) before its body is even read.
pub struct Admin(pub Caller);

impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let caller = Caller::from_request_parts(parts, state).await?;
        caller.require_admin()?;
        Ok(Admin(caller))
    }
}

/// An administrator, or a service holding an internal key (monitoring). A key that is sent
/// must be valid: a wrong one is refused, never taken for anonymous.
pub struct AdminOrService;

impl FromRequestParts<AppState> for AdminOrService {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(key) = parts.headers.get(INTERNAL_KEY_HEADER) {
            let keys = &state.config().internal_keys;
            return match key.to_str() {
                Ok(key) if keys.accepts(key) => Ok(AdminOrService),
                _ => Err(ApiError::unauthorized(
                    "the X-Internal-Key is not one of this server's internal keys",
                )),
            };
        }
        Admin::from_request_parts(parts, state).await?;
        Ok(AdminOrService)
    }
}

/// The administrator and their optional reason, for the audit log.
fn operator(caller: &Caller, reason: Option<&str>) -> ApiResult<Moderator> {
    let reason = reason.unwrap_or_default().trim();
    if reason.chars().count() > super::moderation::MAX_REASON_CHARS {
        return Err(unprocessable(format!(
            "reason: at most {} characters",
            super::moderation::MAX_REASON_CHARS
        )));
    }
    let user = caller.require_admin()?;
    Ok(Moderator {
        actor: caller.actor(),
        role: user.role.as_str().to_owned(),
        reason: reason.to_owned(),
    })
}

fn unprocessable(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_request", message)
}

fn check_kind(kind: &str) -> Result<(), ApiError> {
    if JOB_KINDS.contains(&kind) {
        Ok(())
    } else {
        Err(unprocessable(format!(
            "kind: unknown job kind {kind:?}; expected one of {}",
            JOB_KINDS.join(", ")
        )))
    }
}

async fn queue(State(state): State<AppState>, Admin(_): Admin) -> ApiResult<Response> {
    let store = state.registry().store();
    let counts = store.job_counts().await?;
    let totals: BTreeMap<&str, i64> = totals_by_state(&counts)
        .into_iter()
        .map(|(s, n)| (s.as_str(), n))
        .collect();
    let pauses = store.pauses().await?;
    Ok(axum::Json(json!({
        "paused": pauses.iter().any(|p| p.kind.is_none()),
        "pauses": pauses,
        "totals": totals,
        "counts": counts,
    }))
    .into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PauseRequest {
    /// One kind; all kinds when absent.
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    reason: Option<String>,
}

async fn pause(
    State(state): State<AppState>,
    Admin(caller): Admin,
    Json(req): Json<PauseRequest>,
) -> ApiResult<Response> {
    if let Some(kind) = &req.kind {
        check_kind(kind)?;
    }
    if req.reason.as_ref().is_some_and(|r| r.chars().count() > 500) {
        return Err(unprocessable("reason: at most 500 characters"));
    }
    let registry = state.registry();
    let by = operator(&caller, req.reason.as_deref())?;
    let pause = registry
        .store()
        .pause_queue(req.kind.as_deref(), &by, registry.clock().now())
        .await?;
    tracing::warn!(kind = ?pause.kind, actor = %pause.actor.id, "queue paused");
    Ok(axum::Json(json!({ "paused": pause })).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ResumeRequest {
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    reason: Option<String>,
}

async fn resume(
    State(state): State<AppState>,
    Admin(caller): Admin,
    Json(req): Json<ResumeRequest>,
) -> ApiResult<Response> {
    if let Some(kind) = &req.kind {
        check_kind(kind)?;
    }
    let by = operator(&caller, req.reason.as_deref())?;
    let registry = state.registry();
    let resumed = registry
        .store()
        .resume_queue(req.kind.as_deref(), &by, registry.clock().now())
        .await?;
    if !resumed {
        return Err(ApiError::not_found(match &req.kind {
            Some(kind) => format!("the {kind} jobs are not paused"),
            None => "the queue is not paused as a whole".to_owned(),
        }));
    }
    tracing::warn!(kind = ?req.kind, actor = %caller.actor().id, "queue resumed");
    Ok(axum::Json(json!({ "resumed": true, "kind": req.kind })).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct JobListParams {
    state: Option<String>,
    kind: Option<String>,
    limit: Option<u32>,
    cursor: Option<Id>,
}

async fn list_jobs(
    State(state): State<AppState>,
    Admin(_): Admin,
    Query(params): Query<JobListParams>,
) -> ApiResult<Response> {
    let page = super::PageParams {
        limit: params.limit,
        cursor: params.cursor,
    }
    .page()?;
    let filter = JobFilter {
        kind: params.kind,
        state: params
            .state
            .as_deref()
            .map(|s| s.to_ascii_lowercase().parse::<JobState>())
            .transpose()
            .map_err(|e| ApiError::bad_request("invalid_query", e))?,
    };
    let mut items = state
        .registry()
        .store()
        .list_jobs(&filter, page.before, page.limit + 1)
        .await?;
    let next = if items.len() > page.limit as usize {
        items.truncate(page.limit as usize);
        items.last().map(|j| j.id)
    } else {
        None
    };
    Ok(axum::Json(json!({ "items": items, "next_cursor": next })).into_response())
}

async fn find_job(state: &AppState, id: Id) -> ApiResult<Job> {
    state
        .registry()
        .store()
        .job(id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("job {id} not found")))
}

async fn job(
    State(state): State<AppState>,
    Admin(_): Admin,
    Path(id): Path<Id>,
) -> ApiResult<Response> {
    Ok(axum::Json(json!({ "job": find_job(&state, id).await? })).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RequeueRequest {
    /// Attempts added to the job's budget (default 1).
    #[serde(default)]
    extra_attempts: Option<i32>,
    #[serde(default)]
    reason: Option<String>,
}

/// Runs a failed or dead job again. A verification whose give-up step already moved the
/// submission to ERRORED is restarted the way the state machine allows: the submission goes
/// to RESCAN_REQUIRED together with a fresh verification job (one transaction).
async fn requeue(
    State(state): State<AppState>,
    Admin(caller): Admin,
    Path(id): Path<Id>,
    Json(req): Json<RequeueRequest>,
) -> ApiResult<Response> {
    let extra = req.extra_attempts.unwrap_or(1);
    if !(1..=MAX_EXTRA_ATTEMPTS).contains(&extra) {
        return Err(unprocessable(format!(
            "extra_attempts: must be between 1 and {MAX_EXTRA_ATTEMPTS}"
        )));
    }
    let by = operator(&caller, req.reason.as_deref())?;
    let registry = state.registry();
    let store = registry.store();
    let now = registry.clock().now();
    let found = find_job(&state, id).await?;
    if found.kind == VERIFY_JOB
        && found.state.is_finished()
        && let Some(submission_id) = found.payload["submission_id"].as_i64()
        && let Some(sub) = store.submission(submission_id).await?
        && sub.state == SubmissionState::Errored
    {
        let decision = SubmissionDecision {
            action: AuditAction::JobRequeue,
            from: SubmissionState::Errored,
            to: SubmissionState::RescanRequired,
            metadata: json!({ "job_id": id }),
            enqueue: Some(found.priority),
        };
        let mut by = by;
        if by.reason.is_empty() {
            by.reason = format!("an administrator requeued job {id}");
        }
        let sub = store
            .moderate_submission(submission_id, &decision, &by, now)
            .await?;
        let key = skillvet_pipeline::verify_job_key(submission_id);
        let job = store.latest_jobs(&[key]).await?.pop();
        return Ok(axum::Json(json!({
            "job": job,
            "previous_job_id": id,
            "submission": { "id": sub.id, "state": sub.state },
        }))
        .into_response());
    }
    let job = store.requeue_job(id, extra, &by, now).await?;
    Ok(axum::Json(json!({ "job": job })).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PriorityRequest {
    priority: i32,
    #[serde(default)]
    reason: Option<String>,
}

async fn reprioritise(
    State(state): State<AppState>,
    Admin(caller): Admin,
    Path(id): Path<Id>,
    Json(req): Json<PriorityRequest>,
) -> ApiResult<Response> {
    if !PRIORITY_RANGE.contains(&req.priority) {
        return Err(unprocessable(format!(
            "priority: must be between {} and {}",
            PRIORITY_RANGE.start(),
            PRIORITY_RANGE.end()
        )));
    }
    let by = operator(&caller, req.reason.as_deref())?;
    let registry = state.registry();
    let job = registry
        .store()
        .reprioritise_job(id, req.priority, &by, registry.clock().now())
        .await?;
    Ok(axum::Json(json!({ "job": job })).into_response())
}

/// Every derived structure compared with its source tables; drift is reported in the body
/// (`drift_detected`), the answer is 200 either way.
async fn health(State(state): State<AppState>, _: AdminOrService) -> ApiResult<Response> {
    let registry = state.registry();
    let store = registry.store();
    let checks = store.check_derived().await?;
    let report = HealthReport::new(store.backend(), checks, registry.clock().now());
    if report.drift_detected {
        tracing::warn!(
            drifts = report.drifts.len(),
            "derived structures differ from their source"
        );
    }
    Ok(axum::Json(report).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RebuildRequest {
    #[serde(default)]
    reason: Option<String>,
}

/// Rebuilds from their source every derived structure that differs, in one transaction with
/// its audit event; `{rebuilt, errors, changed, structures}`.
async fn rebuild_index(
    State(state): State<AppState>,
    Admin(caller): Admin,
    Json(req): Json<RebuildRequest>,
) -> ApiResult<Response> {
    let by = operator(&caller, req.reason.as_deref())?;
    let registry = state.registry();
    let report = registry
        .store()
        .rebuild_derived(&by, registry.clock().now())
        .await?;
    tracing::warn!(
        actor = %by.actor.id,
        rebuilt = ?report.rebuilt,
        changed = report.changed,
        errors = report.errors.len(),
        "derived structures rebuilt"
    );
    Ok(axum::Json(report).into_response())
}

/// A job as users see it on their submission: progress, not worker internals.
pub fn public_job(job: &Job) -> Value {
    json!({
        "job_id": job.id,
        "kind": job.kind,
        "state": job.state,
        "attempts": job.attempts,
        "max_attempts": job.max_attempts,
        "priority": job.priority,
        "run_at": job.run_at,
        "lease_expires_at": job.lease_expires_at,
        "last_error": job.last_error,
        "created_at": job.created_at,
        "updated_at": job.updated_at,
        "finished_at": job.finished_at,
    })
}
