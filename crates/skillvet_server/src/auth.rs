//! Who is calling. API tokens travel as `Authorization: Bearer svt_…`, browser sessions as the
//! session cookie; only SHA-256s of either are stored. A token that is present but unknown,
//! revoked or expired is an error, never a silent fall-back to anonymous. A stale session
//! cookie is anonymous: public pages must keep working for a browser that was signed out.

use axum::extract::{FromRequestParts, OriginalUri};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use sha2::{Digest, Sha256};
use skillvet_core::accounts::Session;
use skillvet_core::accounts::{
    SCOPE_ADMIN, SCOPE_PUBLISH, SCOPE_REVIEW, SCOPE_SCAN_AGENT, SCOPE_SUBMIT,
};
use skillvet_core::model::{Actor, ActorKind, ApiToken, Role, User};

use crate::accounts::session;
use crate::client_ip::ClientIp;
use crate::error::ApiError;
use crate::state::AppState;

pub const TOKEN_PREFIX: &str = "svt_";

/// The header services (monitoring, schedulers) send the internal key in.
pub const INTERNAL_KEY_HEADER: &str = "x-internal-key";

/// Keys accepted in [`INTERNAL_KEY_HEADER`] by the routes open to services: at most two, so
/// that a key can be rotated (the new one added, clients moved, the old one removed). Only
/// their SHA-256s are kept; a presented key is hashed and compared with every one in
/// constant time.
#[derive(Clone, Default)]
pub struct InternalKeys(Vec<[u8; 32]>);

impl InternalKeys {
    pub const MAX_KEYS: usize = 2;
    pub const MIN_LENGTH: usize = 32;

    pub fn new(keys: &[String]) -> Result<Self, String> {
        if keys.len() > Self::MAX_KEYS {
            return Err(format!(
                "at most {} internal keys (the current one and the next, while rotating)",
                Self::MAX_KEYS
            ));
        }
        if keys.iter().any(|k| k.trim().len() < Self::MIN_LENGTH) {
            return Err(format!(
                "an internal key must be at least {} characters (e.g. `openssl rand -hex 32`)",
                Self::MIN_LENGTH
            ));
        }
        Ok(Self(
            keys.iter()
                .map(|k| Sha256::digest(k.trim().as_bytes()).into())
                .collect(),
        ))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `presented` is one of the keys; every key is compared, whatever matches.
    pub fn accepts(&self, presented: &str) -> bool {
        let presented: [u8; 32] = Sha256::digest(presented.trim().as_bytes()).into();
        self.0.iter().fold(false, |found, key| {
            crate::cookies::same(key, &presented) | found
        })
    }
}

impl std::fmt::Debug for InternalKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the keys, not even their hashes.
        write!(f, "InternalKeys({} set)", self.0.len())
    }
}

pub fn token_sha256(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[derive(Debug, Clone)]
pub enum Caller {
    Anonymous,
    /// An API token: it may do what its scopes say, within its user's role.
    Token {
        user: User,
        token: ApiToken,
    },
    /// A signed-in browser: everything its user's role allows, CSRF-checked on writes.
    Session {
        user: User,
        session: Session,
    },
}

impl Caller {
    pub fn actor(&self) -> Actor {
        match self.user() {
            None => Actor::anonymous(),
            Some(user) => Actor {
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
            Caller::Token { user, .. } | Caller::Session { user, .. } => Some(user),
        }
    }

    /// Whether the caller holds `scope`. The `admin` scope counts only for administrators,
    /// `review` only for reviewers and administrators (a token keeps its scopes after its
    /// user's role is taken away, but they no longer count); sessions act as people, never
    /// as scan agents.
    pub fn allows(&self, scope: &str) -> bool {
        let role_allows = |user: &User| match scope {
            SCOPE_ADMIN => user.role == Role::Admin,
            SCOPE_REVIEW => matches!(user.role, Role::Reviewer | Role::Admin),
            _ => true,
        };
        match self {
            Caller::Anonymous => false,
            Caller::Token { user, token } => {
                token.scopes.iter().any(|s| s == scope) && role_allows(user)
            }
            Caller::Session { user, .. } => {
                [SCOPE_SUBMIT, SCOPE_PUBLISH, SCOPE_REVIEW, SCOPE_ADMIN].contains(&scope)
                    && role_allows(user)
            }
        }
    }

    /// A reviewer or administrator: a session, or a token with `review` (or `admin`).
    pub fn require_reviewer(&self) -> Result<&User, ApiError> {
        let Some(user) = self.user() else {
            return Err(ApiError::unauthorized(
                "this needs a reviewer's session or token (`review` scope)",
            ));
        };
        if self.allows(SCOPE_REVIEW) || self.allows(SCOPE_ADMIN) {
            return Ok(user);
        }
        Err(match self {
            Caller::Token { .. } if matches!(user.role, Role::Reviewer | Role::Admin) => {
                ApiError::forbidden("this token lacks the `review` scope")
            }
            _ => ApiError::forbidden("this needs a reviewer or an administrator"),
        })
    }

    /// The user, when the caller is signed in and holds `scope`.
    pub fn require_scope(&self, scope: &str) -> Result<&User, ApiError> {
        let user = self.user().ok_or_else(|| {
            ApiError::unauthorized(format!(
                "sign in or send a token with the `{scope}` scope (`Authorization: Bearer svt_…`)"
            ))
        })?;
        if self.allows(scope) {
            return Ok(user);
        }
        Err(match self {
            Caller::Token { .. } if scope != SCOPE_ADMIN || user.role == Role::Admin => {
                ApiError::forbidden(format!("this token lacks the `{scope}` scope"))
            }
            _ if scope == SCOPE_SCAN_AGENT => {
                ApiError::forbidden("this needs a token with the `scan-agent` scope")
            }
            _ => ApiError::forbidden("this needs an administrator"),
        })
    }

    pub fn require_admin(&self) -> Result<&User, ApiError> {
        match self.user() {
            Some(_) => self.require_scope(SCOPE_ADMIN),
            None => Err(ApiError::unauthorized(
                "this needs an administrator token or session",
            )),
        }
    }

    /// Submitting: anonymous callers are limited by IP elsewhere; a token needs `submit`.
    pub fn may_submit(&self) -> Result<(), ApiError> {
        match self {
            Caller::Anonymous => Ok(()),
            _ => self.require_scope(SCOPE_SUBMIT).map(|_| ()),
        }
    }
}

fn unsafe_method(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let registry = state.registry();
        let now = registry.clock().now();
        let Some(header) = parts.headers.get(AUTHORIZATION) else {
            let Some((user, session)) = session::current(state, &parts.headers).await? else {
                return Ok(Caller::Anonymous);
            };
            // Forms check their CSRF field themselves; API writes riding on the cookie must
            // repeat the token in a header (the same double-submit mechanism).
            // Nesting strips `/api/v1` from `parts.uri`; the original URI keeps it.
            let path = parts
                .extensions
                .get::<OriginalUri>()
                .map_or(parts.uri.path(), |uri| uri.0.path());
            if path.starts_with("/api/") && unsafe_method(&parts.method) {
                let sent = parts
                    .headers
                    .get(crate::web::csrf::HEADER)
                    .and_then(|v| v.to_str().ok());
                crate::web::csrf::verify(&parts.headers, sent).map_err(|_| {
                    ApiError::new(
                        StatusCode::FORBIDDEN,
                        "csrf",
                        "API writes with a session cookie must send the CSRF token in `X-CSRF-Token`; \
                         scripts should use an API token instead",
                    )
                })?;
            }
            return Ok(Caller::Session { user, session });
        };
        let token = header
            .to_str()
            .ok()
            .and_then(|h| h.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| t.starts_with(TOKEN_PREFIX))
            .ok_or_else(|| ApiError::unauthorized("expected `Authorization: Bearer svt_…`"))?;
        let found = registry
            .store()
            .authenticate(&token_sha256(token), now)
            .await?;
        let Some((user, token)) = found else {
            return Err(ApiError::unauthorized(
                "the API token is unknown, revoked or expired",
            ));
        };
        let ip = ClientIp::from_request_parts(parts, state)
            .await
            .map(|ip| ip.0.to_string())
            .unwrap_or_else(|_| "unknown".into());
        registry.store().touch_token(&token, &ip, now).await?;
        Ok(Caller::Token { user, token })
    }
}

/// The scopes a token gets when none are asked for: what its user could do before scopes.
pub fn default_scopes(role: Role) -> Vec<String> {
    let mut scopes = vec![SCOPE_SUBMIT.to_string(), SCOPE_PUBLISH.to_string()];
    if role == Role::Admin {
        scopes.push(SCOPE_ADMIN.to_string());
    }
    scopes
}

/// A new token secret: the prefix (so leaks are recognisable by secret scanners) and 256
/// random bits.
pub fn new_token_secret() -> Result<String, ApiError> {
    Ok(format!("{TOKEN_PREFIX}{}", crate::cookies::random_hex(32)?))
}

/// Creates (or reuses) the user `login` and a new token for it with the scopes of its role.
/// The returned secret is shown once; only its hash is stored.
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

/// Like [`issue_token`], with scopes (e.g. `scan-agent` for external scan agents); none
/// given means [`default_scopes`] of the user's role.
pub async fn issue_token_with_scopes(
    store: &dyn skillvet_core::store::Store,
    now: chrono::DateTime<chrono::Utc>,
    login: &str,
    role: Role,
    name: &str,
    scopes: &[String],
    expires_at: Option<chrono::DateTime<chrono::Utc>>,
) -> Result<(String, ApiToken), ApiError> {
    let token = new_token_secret()?;
    let user = store.ensure_user(login, role, now).await?;
    let scopes = if scopes.is_empty() {
        default_scopes(user.role)
    } else {
        scopes.to_vec()
    };
    let stored = store
        .create_token(
            user.id,
            name,
            &token_sha256(&token),
            &scopes,
            expires_at,
            now,
        )
        .await?;
    Ok((token, stored))
}
