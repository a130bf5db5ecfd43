//! Serving published skills to install clients: the JSON API of one skill and its versions,
//! tarball downloads, the well-known layout of the `skills` CLI and badges. Read-only; every
//! response is derived from the store and carries a strong ETag.

pub mod badges;
pub mod catalog;
pub mod http_cache;
pub mod skills;
pub mod tarball;
pub mod wellknown;

use axum::Router;
use axum::routing::get;

use crate::state::AppState;

/// Routes under `/api/v1`.
pub fn api() -> Router<AppState> {
    Router::new()
        .route("/skills/{owner}/{repo}/{skill}", get(skills::detail))
        .route(
            "/skills/{owner}/{repo}/{skill}/versions/{version}",
            get(skills::version),
        )
        .route(
            "/skills/{owner}/{repo}/{skill}/versions/{version}/download",
            get(skills::download),
        )
}

/// Routes at the root: well-known layouts and badges.
pub fn public() -> Router<AppState> {
    Router::new()
        .route(
            "/.well-known/skills/index.json",
            get(wellknown::global_index),
        )
        .route(
            "/.well-known/skills/{name}/{*path}",
            get(wellknown::global_file),
        )
        .route(
            "/{owner}/{repo}/.well-known/skills/index.json",
            get(wellknown::repository_index),
        )
        .route(
            "/{owner}/{repo}/.well-known/skills/{name}/{*path}",
            get(wellknown::repository_file),
        )
        .route("/badges/{owner}/{repo}/{badge}", get(badges::badge))
}
