//! Tokens a signed-in user makes for themselves: `GET /api/v1/me`, `GET/POST /api/v1/me/tokens`,
//! `DELETE /api/v1/me/tokens/{id}`, and the same rules for the account page's form.
//!
//! Making a token needs a browser session: a leaked token must not mint longer-lived ones.

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Value, json};
use skillvet_core::accounts::{SCOPES, grantable_scopes};
use skillvet_core::model::{ApiToken, Id, User};

use crate::auth::{Caller, new_token_secret, token_sha256};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path};
use crate::state::AppState;

pub const DEFAULT_EXPIRY_DAYS: u32 = 90;
pub const MAX_EXPIRY_DAYS: u32 = 365;
pub const MAX_NAME_CHARS: usize = 64;
/// Live tokens one user may hold: enough for every machine, not a table to fill.
pub const MAX_ACTIVE_TOKENS: usize = 100;

/// What a caller may set; anything else (`user_id`, `last_used_at`, …) is refused with 422.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    pub name: String,
    pub scopes: Vec<String>,
    #[serde(default)]
    pub expires_in_days: Option<u32>,
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_request", message)
}

/// Checks the request against the user's role and stores the token; the secret is returned
/// once and never stored.
pub async fn issue(
    state: &AppState,
    user: &User,
    new: &NewToken,
) -> Result<(String, ApiToken), ApiError> {
    let name = new.name.trim();
    if name.is_empty()
        || name.chars().count() > MAX_NAME_CHARS
        || name.chars().any(char::is_control)
    {
        return Err(invalid(format!(
            "name: 1 to {MAX_NAME_CHARS} characters, no control characters"
        )));
    }
    if new.scopes.is_empty() {
        return Err(invalid(format!(
            "scopes: choose at least one of {}",
            SCOPES.join(", ")
        )));
    }
    let mut scopes = Vec::new();
    for scope in &new.scopes {
        if !SCOPES.contains(&scope.as_str()) {
            return Err(invalid(format!(
                "scopes: unknown scope {scope:?}; known: {}",
                SCOPES.join(", ")
            )));
        }
        if !grantable_scopes(user.role).contains(&scope.as_str()) {
            return Err(ApiError::forbidden(format!(
                "your role ({}) cannot grant the `{scope}` scope",
                user.role.as_str()
            )));
        }
        if !scopes.contains(scope) {
            scopes.push(scope.clone());
        }
    }
    let days = new.expires_in_days.unwrap_or(DEFAULT_EXPIRY_DAYS);
    if !(1..=MAX_EXPIRY_DAYS).contains(&days) {
        return Err(invalid(format!(
            "expires_in_days: between 1 and {MAX_EXPIRY_DAYS}"
        )));
    }
    let now = state.registry().clock().now();
    let held = state.registry().store().user_tokens(user.id).await?;
    if held.iter().filter(|t| status(t, now) == "active").count() >= MAX_ACTIVE_TOKENS {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "too_many_tokens",
            format!("you hold {MAX_ACTIVE_TOKENS} active tokens; revoke some first"),
        ));
    }
    let secret = new_token_secret()?;
    let stored = state
        .registry()
        .store()
        .create_token(
            user.id,
            name,
            &token_sha256(&secret),
            &scopes,
            Some(now + chrono::Duration::days(i64::from(days))),
            now,
        )
        .await?;
    Ok((secret, stored))
}

/// `active`, `revoked` or `expired`.
pub fn status(token: &ApiToken, now: DateTime<Utc>) -> &'static str {
    if token.revoked_at.is_some() {
        "revoked"
    } else if token.expires_at.is_some_and(|at| at <= now) {
        "expired"
    } else {
        "active"
    }
}

/// A token as shown to its owner: never its secret or hash.
pub fn token_json(token: &ApiToken, now: DateTime<Utc>) -> Value {
    json!({
        "id": token.id,
        "name": token.name,
        "scopes": token.scopes,
        "status": status(token, now),
        "created_at": token.created_at,
        "expires_at": token.expires_at,
        "revoked_at": token.revoked_at,
        "last_used_at": token.last_used_at,
        "last_used_ip": token.last_used_ip,
    })
}

pub fn user_json(user: &User) -> Value {
    json!({
        "id": user.id,
        "login": user.login,
        "role": user.role,
        "github_id": user.github_id,
        "avatar_url": user.avatar_url,
        "orgs": user.github_orgs,
    })
}

fn signed_in(caller: &Caller) -> Result<&User, ApiError> {
    caller
        .user()
        .ok_or_else(|| ApiError::unauthorized("sign in, or send `Authorization: Bearer svt_…`"))
}

fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

pub async fn me(caller: Caller) -> ApiResult<Response> {
    let user = signed_in(&caller)?;
    let scopes: Vec<&str> = SCOPES
        .iter()
        .copied()
        .filter(|s| caller.allows(s))
        .collect();
    let mut body = json!({ "user": user_json(user), "via": "session", "scopes": scopes });
    if let Caller::Token { token, .. } = &caller {
        // Which token this is, so `skillvet logout` can revoke exactly it.
        body["via"] = json!("token");
        body["token"] =
            json!({ "id": token.id, "name": token.name, "expires_at": token.expires_at });
    }
    Ok(no_store(axum::Json(body).into_response()))
}

pub async fn list(State(state): State<AppState>, caller: Caller) -> ApiResult<Response> {
    let user = signed_in(&caller)?;
    let now = state.registry().clock().now();
    let tokens = state.registry().store().user_tokens(user.id).await?;
    let items: Vec<Value> = tokens.iter().map(|t| token_json(t, now)).collect();
    Ok(no_store(
        axum::Json(json!({ "tokens": items })).into_response(),
    ))
}

pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Json(new): Json<NewToken>,
) -> ApiResult<Response> {
    let Caller::Session { user, .. } = &caller else {
        return Err(match caller {
            Caller::Anonymous => ApiError::unauthorized("sign in on the web to make tokens"),
            _ => ApiError::new(
                StatusCode::FORBIDDEN,
                "session_required",
                "tokens cannot make tokens: sign in on the web (/account) to make one",
            ),
        });
    };
    let (secret, stored) = issue(&state, user, &new).await?;
    let now = state.registry().clock().now();
    let mut body = token_json(&stored, now);
    body["token"] = json!(secret);
    Ok(no_store(
        (StatusCode::CREATED, axum::Json(body)).into_response(),
    ))
}

pub async fn revoke(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Id>,
) -> ApiResult<StatusCode> {
    let user = signed_in(&caller)?;
    let now = state.registry().clock().now();
    // Someone else's token id answers like a missing one: ids reveal nothing.
    if state
        .registry()
        .store()
        .revoke_user_token(user.id, id, now)
        .await?
    {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found(format!(
            "you have no active token {id}"
        )))
    }
}
