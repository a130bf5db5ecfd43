//! Submissions: create one or many, discover a repository, list, read, count.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use skillvet_core::SubmissionState;
use skillvet_core::model::{Id, SubmissionDetail, SubmissionFilter, SubmitOutcome};
use skillvet_registry::{BulkRequest, SubmitRequest};

use super::PageParams;
use crate::auth::Caller;
use crate::client_ip::ClientIp;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path, Query};
use crate::limits::{self, Action};
use crate::state::AppState;

pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ip: ClientIp,
    Json(req): Json<SubmitRequest>,
) -> ApiResult<Response> {
    let headers = limits::check(&state, &caller, ip, Action::Submit).await?;
    let outcome = state.registry().submit(&req, caller.actor()).await?;
    let status = match outcome {
        SubmitOutcome::Created { .. } => StatusCode::CREATED,
        _ => StatusCode::OK,
    };
    Ok((status, headers, axum::Json(outcome_json(&outcome))).into_response())
}

/// The outcome with explicit flags, so clients need not know every status.
fn outcome_json(outcome: &SubmitOutcome) -> Value {
    let mut body = serde_json::to_value(outcome).expect("outcomes serialise");
    body["duplicate"] = json!(matches!(outcome, SubmitOutcome::Duplicate { .. }));
    body["already_verified"] = json!(matches!(outcome, SubmitOutcome::AlreadyVerified { .. }));
    body
}

pub async fn bulk(
    State(state): State<AppState>,
    caller: Caller,
    ip: ClientIp,
    Json(req): Json<BulkRequest>,
) -> ApiResult<Response> {
    let headers = limits::check(&state, &caller, ip, Action::Submit).await?;
    let outcome = state.registry().submit_bulk(&req, caller.actor()).await?;
    Ok((StatusCode::OK, headers, axum::Json(outcome)).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiscoverRequest {
    pub repo_url: String,
    #[serde(default, rename = "ref")]
    pub git_ref: Option<String>,
}

pub async fn discover(
    State(state): State<AppState>,
    caller: Caller,
    ip: ClientIp,
    Json(req): Json<DiscoverRequest>,
) -> ApiResult<Response> {
    let headers = limits::check(&state, &caller, ip, Action::Discover).await?;
    let outcome = state
        .registry()
        .discover(&req.repo_url, req.git_ref.as_deref())
        .await?;
    Ok((StatusCode::OK, headers, axum::Json(outcome)).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    pub state: Option<String>,
    /// `owner/name`
    pub repo: Option<String>,
    pub limit: Option<u32>,
    pub cursor: Option<Id>,
}

pub async fn list(
    State(state): State<AppState>,
    Query(params): Query<ListParams>,
) -> ApiResult<Response> {
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    }
    .page()?;
    let mut filter = SubmissionFilter::default();
    if let Some(s) = &params.state {
        filter.state = Some(
            s.to_ascii_uppercase()
                .parse::<SubmissionState>()
                .map_err(|e| ApiError::bad_request("invalid_query", e.to_string()))?,
        );
    }
    if let Some(repo) = &params.repo {
        let (owner, name) = repo
            .split_once('/')
            .filter(|(o, n)| !o.is_empty() && !n.is_empty() && !n.contains('/'))
            .ok_or_else(|| ApiError::bad_request("invalid_query", "repo must be `owner/name`"))?;
        filter.repository = Some((owner.to_ascii_lowercase(), name.to_ascii_lowercase()));
    }
    let found = state.registry().list_submissions(&filter, page).await?;
    Ok(axum::Json(json!({ "items": found.items, "next_cursor": found.next })).into_response())
}

pub async fn stats(State(state): State<AppState>) -> ApiResult<Response> {
    let counts = state.registry().store().submission_stats().await?;
    let total: i64 = counts.iter().map(|(_, n)| n).sum();
    let by_state: BTreeMap<&str, i64> = counts.iter().map(|(s, n)| (s.as_str(), *n)).collect();
    Ok(axum::Json(json!({ "total": total, "by_state": by_state })).into_response())
}

/// A submission with its scan results (also grouped by tier) and full state history.
pub fn detail_json(detail: &SubmissionDetail) -> Value {
    let mut by_tier: BTreeMap<String, Vec<&skillvet_core::model::ScanResult>> = BTreeMap::new();
    for result in &detail.scan_results {
        by_tier
            .entry(format!("tier{}", result.tier))
            .or_default()
            .push(result);
    }
    json!({
        "submission": detail.submission,
        "scan_results": detail.scan_results,
        "scan_results_by_tier": by_tier,
        "events": detail.events,
    })
}

pub async fn get(State(state): State<AppState>, Path(id): Path<Id>) -> ApiResult<Response> {
    let detail = state.registry().submission_detail(id).await?;
    let mut headers = HeaderMap::new();
    if detail.submission.state.is_terminal() {
        // Terminal submissions change only through an explicit later decision.
        headers.insert(
            "cache-control",
            "public, max-age=5".parse().expect("static header"),
        );
    } else {
        headers.insert("cache-control", "no-cache".parse().expect("static header"));
    }
    Ok((headers, axum::Json(detail_json(&detail))).into_response())
}
