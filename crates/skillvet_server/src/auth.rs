//! Who is calling. API tokens travel as `Authorization: Bearer svt_…`; only their SHA-256 is
//! stored. A token that is present but unknown, revoked or expired is an error, never a
//! silent fall-back to anonymous.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use sha2::{Digest, Sha256};
use skillvet_core::model::{Actor, ActorKind, ApiToken, Role, User};

use crate::error::ApiError;
use crate::state::AppState;

pub const TOKEN_PREFIX: &str = "svt_";

pub fn token_sha256(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[derive(Debug, Clone)]
pub enum Caller {
    Anonymous,
    Authenticated { user: User, token: ApiToken },
}

impl Caller {
    pub fn actor(&self) -> Actor {
        match self {
            Caller::Anonymous => Actor::anonymous(),
            Caller::Authenticated { user, .. } => Actor {
                kind: if user.role == Role::Admin {
                    ActorKind::Admin
                } else {
                    ActorKind::User
                },
                id: user.login.clone(),
            },
        }
    }

    pub fn user(&self) -> Option<&User> {
        match self {
            Caller::Anonymous => None,
            Caller::Authenticated { user, .. } => Some(user),
        }
    }

    pub fn require_admin(&self) -> Result<&User, ApiError> {
        match self.user() {
            Some(user) if user.role == Role::Admin => Ok(user),
            Some(_) => Err(ApiError::forbidden("this needs an administrator token")),
            None => Err(ApiError::unauthorized("this needs an administrator token")),
        }
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Some(header) = parts.headers.get(AUTHORIZATION) else {
            return Ok(Caller::Anonymous);
        };
        let token = header
            .to_str()
            .ok()
            .and_then(|h| h.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| t.starts_with(TOKEN_PREFIX))
            .ok_or_else(|| ApiError::unauthorized("expected `Authorization: Bearer svt_…`"))?;
        let registry = state.registry();
        let found = registry
            .store()
            .authenticate(&token_sha256(token), registry.clock().now())
            .await?;
        match found {
            Some((user, token)) => Ok(Caller::Authenticated { user, token }),
            None => Err(ApiError::unauthorized(
                "the API token is unknown, revoked or expired",
            )),
        }
    }
}

/// Creates (or reuses) the user `login` and a new token for it. The returned secret is shown
/// once; only its hash is stored.
pub async fn issue_token(
    store: &dyn skillvet_core::store::Store,
    now: chrono::DateTime<chrono::Utc>,
    login: &str,
    role: Role,
    name: &str,
    expires_at: Option<chrono::DateTime<chrono::Utc>>,
) -> Result<(String, ApiToken), ApiError> {
    issue_token_with_scopes(store, now, login, role, name, &[], expires_at).await
}

/// Like [`issue_token`], with scopes (e.g. `scan-agent` for external scan agents).
pub async fn issue_token_with_scopes(
    store: &dyn skillvet_core::store::Store,
    now: chrono::DateTime<chrono::Utc>,
    login: &str,
    role: Role,
    name: &str,
    scopes: &[String],
    expires_at: Option<chrono::DateTime<chrono::Utc>>,
) -> Result<(String, ApiToken), ApiError> {
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(ApiError::internal_message)?;
    let token = format!("{TOKEN_PREFIX}{}", hex::encode(secret));
    let user = store.ensure_user(login, role, now).await?;
    let stored = store
        .create_token(
            user.id,
            name,
            &token_sha256(&token),
            scopes,
            expires_at,
            now,
        )
        .await?;
    Ok((token, stored))
}
