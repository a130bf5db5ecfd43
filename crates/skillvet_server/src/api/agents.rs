//! `/api/v1/agents/…`: external scan agents (`skillvet scan-agent`).
//!
//! * `POST /agents/claim` — the next external scan for this agent (200 with the assignment,
//!   204 when there is none). Needs a token with the `scan-agent` scope.
//! * `POST /agents/results` — the agent's report, signed: `X-Skillvet-Timestamp: <unix s>`
//!   and `X-Skillvet-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">` with the
//!   shared webhook secret. A stale timestamp is refused, and a replay inside the window finds
//!   the job already completed (the lease is the fencing token), so it changes nothing.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::json;
use skillvet_core::model::ApiToken;
use skillvet_pipeline::external::{
    self, AgentError, AgentReport, SIGNATURE_HEADER, TIMESTAMP_HEADER,
};

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/agents/claim", post(claim))
        .route("/agents/results", post(results))
}

impl From<AgentError> for ApiError {
    fn from(err: AgentError) -> Self {
        let message = err.to_string();
        match err {
            AgentError::MissingScope => ApiError::forbidden(message),
            AgentError::BadHeader(_) => {
                ApiError::new(StatusCode::UNAUTHORIZED, "bad_signature", message)
            }
            AgentError::StaleTimestamp => {
                ApiError::new(StatusCode::UNAUTHORIZED, "stale_timestamp", message)
            }
            AgentError::BadSignature => {
                ApiError::new(StatusCode::UNAUTHORIZED, "bad_signature", message)
            }
            AgentError::Malformed(_) => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_request", message)
            }
            AgentError::NotAssigned(_) => {
                ApiError::new(StatusCode::CONFLICT, "not_assigned", message)
            }
            AgentError::Store(detail) => ApiError::internal_message(detail),
        }
    }
}

/// The agent's name (its user's login) once its token and scope are checked.
fn agent(state: &AppState, caller: &Caller) -> Result<(String, ApiToken), ApiError> {
    if state.config().agents.webhook_secret.is_none() {
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "agents_disabled",
            "external scan agents are not enabled on this server (no webhook secret configured)",
        ));
    }
    match caller {
        Caller::Anonymous => Err(ApiError::unauthorized(
            "scan agents authenticate with `Authorization: Bearer svt_…`",
        )),
        Caller::Token { user, token } => {
            external::require_agent_scope(token)?;
            Ok((user.login.clone(), token.clone()))
        }
        Caller::Session { .. } => Err(ApiError::forbidden(
            "scan agents authenticate with a `scan-agent` token, not a browser session",
        )),
    }
}

async fn claim(State(state): State<AppState>, caller: Caller) -> ApiResult<Response> {
    let (name, _) = agent(&state, &caller)?;
    let registry = state.registry();
    let assignment = external::claim_for_agent(
        registry.store().as_ref(),
        &name,
        state.config().agents.lease,
        registry.clock().now(),
    )
    .await?;
    match assignment {
        Some(assignment) => {
            tracing::info!(agent = %name, job = assignment.job_id, skill = %assignment.skill, "external scan claimed");
            Ok(axum::Json(json!({ "assignment": assignment })).into_response())
        }
        None => Ok(StatusCode::NO_CONTENT.into_response()),
    }
}

async fn results(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    let (name, _) = agent(&state, &caller)?;
    let secret = state
        .config()
        .agents
        .webhook_secret
        .clone()
        .expect("checked by agent()");
    let registry = state.registry();
    let now = registry.clock().now();
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    external::verify_signature(
        &secret,
        header(TIMESTAMP_HEADER),
        header(SIGNATURE_HEADER),
        &body,
        now,
    )?;
    let report: AgentReport = serde_json::from_slice(&body).map_err(|e| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_request",
            format!("the report is not valid: {e}"),
        )
    })?;
    let ingested = external::ingest(registry.store().as_ref(), &name, &report, now).await?;
    let not_run: Vec<_> = report
        .tools
        .iter()
        .filter(|t| t.status != "ran")
        .map(|t| json!({ "tool": t.tool, "status": t.status, "message": t.message }))
        .collect();
    tracing::info!(agent = %name, job = report.job_id, blocked = ingested.blocked, results = ingested.scan_result_ids.len(), "external scan reported");
    Ok(axum::Json(json!({
        "job_id": report.job_id,
        "scan_result_ids": ingested.scan_result_ids,
        "blocked": ingested.blocked,
        "not_run": not_run,
    }))
    .into_response())
}
