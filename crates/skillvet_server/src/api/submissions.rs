//! Submissions: create one or many, discover a repository, list, read, count.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use skillvet_core::SubmissionState;
use skillvet_core::model::{Id, SubmissionDetail, SubmissionFilter, SubmitOutcome};
use skillvet_core::queue::JobState;
use skillvet_pipeline::external;
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
    let mut body = detail_json(&detail);
    body["queue"] = queue_json(&state, &detail).await?;
    let mut headers = HeaderMap::new();
    let working = |job: &Value| matches!(job["state"].as_str(), Some("queued" | "running"));
    let settled =
        !working(&body["queue"]["verification"]) && !working(&body["queue"]["external_scan"]);
    if detail.submission.state.is_terminal() && settled {
        // Terminal submissions change only through an explicit later decision.
        headers.insert(
            "cache-control",
            "public, max-age=5".parse().expect("static header"),
        );
    } else {
        headers.insert("cache-control", "no-cache".parse().expect("static header"));
    }
    Ok((headers, axum::Json(body)).into_response())
}

/// Where the submission's jobs stand: its verification (queued, running, attempts, last
/// error) and, once published, the external scan of the current run.
async fn queue_json(state: &AppState, detail: &SubmissionDetail) -> ApiResult<Value> {
    let sub = &detail.submission;
    let store = state.registry().store();
    let verify_key = skillvet_pipeline::verify_job_key(sub.id);
    let external_key = external::external_scan_key(sub.id, sub.run);
    let jobs = store
        .latest_jobs(&[verify_key.clone(), external_key.clone()])
        .await?;
    let pauses = store.pauses().await?;
    let paused = |kind: &str| {
        pauses
            .iter()
            .any(|p| p.kind.is_none() || p.kind.as_deref() == Some(kind))
    };
    let find = |key: &str| jobs.iter().find(|j| j.dedup_key.as_deref() == Some(key));
    let verification = find(&verify_key).map(|job| {
        let mut v = super::admin::public_job(job);
        v["paused"] = json!(job.state == JobState::Queued && paused(&job.kind));
        v
    });
    let external_scan = find(&external_key).map(|job| {
        let mut v = super::admin::public_job(job);
        v["status"] = serde_json::to_value(external::status_of(job)).expect("serialises");
        let tools: Vec<&str> = detail
            .scan_results
            .iter()
            .filter(|r| r.tier == external::EXTERNAL_TIER && r.run == sub.run)
            .map(|r| r.scanner.as_str())
            .collect();
        if job.state == JobState::Succeeded && tools.is_empty() {
            v["note"] =
                json!("the scan agent had no external scanner available; nothing was scanned");
        }
        v["tools"] = json!(tools);
        v
    });
    Ok(json!({ "verification": verification, "external_scan": external_scan }))
}
