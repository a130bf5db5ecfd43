//! Browser sessions: a random id in an HttpOnly cookie, only its SHA-256 in the database, a
//! new id at every sign-in (the one the browser had is revoked), idle and absolute expiry.

use std::net::IpAddr;

use axum::http::{HeaderMap, HeaderValue};
use skillvet_core::accounts::{NewSession, Session};
use skillvet_core::model::User;

use crate::auth::token_sha256;
use crate::cookies::{self, SameSite};
use crate::error::ApiError;
use crate::state::AppState;

pub const COOKIE: &str = "skillvet_session";

fn cookie_id(headers: &HeaderMap) -> Option<&str> {
    cookies::get(headers, COOKIE)
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The live session the request's cookie names, with its user.
pub async fn current(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<(User, Session)>, ApiError> {
    let Some(id) = cookie_id(headers) else {
        return Ok(None);
    };
    let settings = &state.config().accounts;
    let now = state.registry().clock().now();
    Ok(state
        .registry()
        .store()
        .session_user(&token_sha256(id), now - settings.session_idle, now)
        .await?)
}

/// Starts a session for `user`; returns the `Set-Cookie` that carries it.
pub async fn start(
    state: &AppState,
    user: &User,
    ip: Option<IpAddr>,
    request_headers: &HeaderMap,
) -> Result<HeaderValue, ApiError> {
    let settings = &state.config().accounts;
    let store = state.registry().store();
    let now = state.registry().clock().now();
    // Rotation: whatever id the browser held (maybe planted by someone else) stops working.
    if let Some(old) = cookie_id(request_headers) {
        store.revoke_session(&token_sha256(old), now).await?;
    }
    let id = cookies::random_hex(32)?;
    let ip = ip.map(|ip| ip.to_string());
    store
        .create_session(
            &NewSession {
                user_id: user.id,
                session_sha256: &token_sha256(&id),
                expires_at: now + settings.session_lifetime,
                ip: ip.as_deref(),
            },
            now,
        )
        .await?;
    Ok(cookies::set(
        COOKIE,
        &id,
        "/",
        Some(settings.session_lifetime.num_seconds()),
        SameSite::Lax,
        settings.secure_cookies(),
    ))
}

/// Ends the request's session (if any); returns the `Set-Cookie` that removes it.
pub async fn end(state: &AppState, headers: &HeaderMap) -> Result<HeaderValue, ApiError> {
    if let Some(id) = cookie_id(headers) {
        let now = state.registry().clock().now();
        state
            .registry()
            .store()
            .revoke_session(&token_sha256(id), now)
            .await?;
    }
    Ok(clear(state))
}

pub fn clear(state: &AppState) -> HeaderValue {
    cookies::clear(COOKIE, "/", state.config().accounts.secure_cookies())
}
