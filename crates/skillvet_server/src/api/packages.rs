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
    let moderation = moderation_of(&state, &history.slug).await?;
    Ok(axum::Json(json!({
        "package": history.slug,
        "skill": history.skill,
        "items": items,
        "next_cursor": history.next_cursor,
        "moderation": moderation,
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

/// How many moderation events a package page shows (the audit API pages through all).
pub const PUBLIC_MODERATION_EVENTS: u32 = 50;

/// The public part of the audit log for one package: moderators' actions on its submissions,
/// skill and versions, newest first.
pub async fn moderation_of(
    state: &AppState,
    slug: &str,
) -> ApiResult<Vec<skillvet_core::moderation::AuditEvent>> {
    let filter = skillvet_core::moderation::AuditFilter {
        package: Some(slug.to_owned()),
        public_only: true,
        ..Default::default()
    };
    let page = PageRequest::first(PUBLIC_MODERATION_EVENTS);
    Ok(state
        .registry()
        .store()
        .audit_events(&filter, page)
        .await?
        .items)
}
