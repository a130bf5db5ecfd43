//! Packages (`owner/repo/skill`) and repositories.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use skillvet_core::model::PageRequest;

use super::PageParams;
use super::submissions::detail_json;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Path, Query};
use crate::state::AppState;

pub async fn history(
    State(state): State<AppState>,
    Path((owner, repo, skill)): Path<(String, String, String)>,
    Query(params): Query<PageParams>,
) -> ApiResult<Response> {
    let page = params.page()?;
    let history = state
        .registry()
        .package_history(&owner, &repo, &skill, page)
        .await?;
    let items: Vec<_> = history.items.iter().map(detail_json).collect();
    Ok(axum::Json(json!({
        "package": history.slug,
        "skill": history.skill,
        "items": items,
        "next_cursor": history.next_cursor,
    }))
    .into_response())
}

pub async fn latest(
    State(state): State<AppState>,
    Path((owner, repo, skill)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    let history = state
        .registry()
        .package_history(&owner, &repo, &skill, PageRequest::first(1))
        .await?;
    let latest = history.items.first().map(detail_json).ok_or_else(|| {
        ApiError::not_found(format!("package {} has no submissions", history.slug))
    })?;
    Ok(
        axum::Json(json!({ "package": history.slug, "skill": history.skill, "latest": latest }))
            .into_response(),
    )
}

pub async fn repository_skills(
    State(state): State<AppState>,
    Path((owner, repo)): Path<(String, String)>,
) -> ApiResult<Response> {
    let found = state.registry().repository_skills(&owner, &repo).await?;
    Ok(axum::Json(found).into_response())
}
