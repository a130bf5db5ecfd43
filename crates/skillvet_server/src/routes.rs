//! Every route, in one place.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{StatusCode, Uri};
use axum::routing::{get, post};
use serde_json::json;

use crate::api::{packages, submissions};
use crate::error::ApiError;
use crate::state::AppState;

/// Request bodies above this are refused (413); a 1,000-item bulk submission is ~100 kB.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

pub fn api() -> Router<AppState> {
    Router::new()
        .route(
            "/submissions",
            post(submissions::create).get(submissions::list),
        )
        .route("/submissions/bulk", post(submissions::bulk))
        .route("/submissions/discover", post(submissions::discover))
        .route("/submissions/stats", get(submissions::stats))
        .route("/submissions/{id}", get(submissions::get))
        .merge(crate::serving::api())
        .route(
            "/packages/{owner}/{repo}/{skill}/history",
            get(packages::history),
        )
        .route(
            "/packages/{owner}/{repo}/{skill}/latest",
            get(packages::latest),
        )
        .route(
            "/repositories/{owner}/{repo}/skills",
            get(packages::repository_skills),
        )
        .fallback(
            |uri: Uri| async move { ApiError::not_found(format!("no API route {}", uri.path())) },
        )
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "method not allowed on this route",
            )
        })
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .nest("/api/v1", api())
        .route("/healthz", get(health))
        .merge(crate::serving::public())
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}

async fn health(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> Result<axum::Json<serde_json::Value>, ApiError> {
    let counts = state.registry().store().submission_stats().await?;
    Ok(axum::Json(json!({
        "status": "ok",
        "backend": state.registry().store().backend(),
        "submissions": counts.iter().map(|(_, n)| n).sum::<i64>(),
    })))
}
