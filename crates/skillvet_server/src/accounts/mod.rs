//! Accounts: GitHub sign-in ([`oauth`]), browser sessions ([`session`]), the account page and
//! the tokens a signed-in user makes ([`pages`], [`tokens`]).

pub mod github;
pub mod oauth;
mod pages;
pub mod session;
pub mod tokens;

use axum::Router;
use axum::routing::{delete, get, post};

use crate::state::AppState;

/// Pages and form posts (every post checks the CSRF token).
pub fn web_routes() -> Router<AppState> {
    Router::new()
        .route("/auth/github", get(oauth::start))
        .route("/auth/github/callback", get(oauth::callback))
        .route("/auth/signout", post(pages::sign_out))
        .route("/auth/signout-everywhere", post(pages::sign_out_everywhere))
        .route("/account", get(pages::account))
        .route("/account/tokens", post(pages::create_token))
        .route("/account/tokens/{id}/revoke", post(pages::revoke_token))
}

/// Under `/api/v1`.
pub fn api_routes() -> Router<AppState> {
    Router::new()
        .route("/me", get(tokens::me))
        .route("/me/tokens", get(tokens::list).post(tokens::create))
        .route("/me/tokens/{id}", delete(tokens::revoke))
}
