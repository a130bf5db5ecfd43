//! Every route, in one place.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{StatusCode, Uri};
use axum::routing::{get, post};
use serde_json::json;

use crate::api::{packages, skills, submissions};
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
        .route("/skills", get(skills::list))
        .route("/categories", get(skills::categories))
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
        .merge(crate::api::admin::routes())
        .merge(crate::api::moderation::routes())
        .merge(crate::api::agents::routes())
        .merge(crate::accounts::api_routes())
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
        .merge(crate::web::router())
        .fallback(crate::web::not_found)
        .layer(axum::middleware::from_fn(crate::web::security_headers))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(refuse_announced_oversize))
        .with_state(state)
}

/// Refuses a body whose announced length is over the limit before reading any of it;
/// bodies without a length are still cut at the limit by [`DefaultBodyLimit`].
async fn refuse_announced_oversize(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let announced = request
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return axum::response::IntoResponse::into_response(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("request bodies are limited to {MAX_BODY_BYTES} bytes"),
        ));
    }
    next.run(request).await
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
