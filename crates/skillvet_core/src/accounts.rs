//! Accounts: GitHub identities, browser sessions, OAuth sign-in attempts and what API tokens
//! may do. Secrets never reach this layer: sessions and tokens are looked up by a SHA-256.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::model::{ApiToken, Id, Role, User};
use crate::store::StoreResult;

/// Create and submit submissions.
pub const SCOPE_SUBMIT: &str = "submit";
/// Owners' actions on their repositories (withdraw, resubmit, category).
pub const SCOPE_PUBLISH: &str = "publish";
/// Claim and report external scans (`skillvet scan-agent`).
pub const SCOPE_SCAN_AGENT: &str = "scan-agent";
/// Moderation (approve, reject, quarantine, yank, blocklist), for reviewers and administrators.
pub const SCOPE_REVIEW: &str = "review";
/// Administration, for users whose role allows it (includes moderation).
pub const SCOPE_ADMIN: &str = "admin";
pub const SCOPES: [&str; 5] = [
    SCOPE_SUBMIT,
    SCOPE_PUBLISH,
    SCOPE_REVIEW,
    SCOPE_SCAN_AGENT,
    SCOPE_ADMIN,
];

/// Scopes a user of `role` may put on a token. Scan agents and administration are
/// operator business: a user with the `user` role cannot mint either.
pub fn grantable_scopes(role: Role) -> &'static [&'static str] {
    match role {
        Role::Admin => &SCOPES,
        Role::Reviewer => &[SCOPE_SUBMIT, SCOPE_PUBLISH, SCOPE_REVIEW],
        Role::User => &[SCOPE_SUBMIT, SCOPE_PUBLISH],
    }
}

/// What GitHub says about the user signing in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GithubProfile {
    pub id: i64,
    pub login: String,
    pub avatar_url: Option<String>,
    pub orgs: Vec<String>,
}

/// A browser session as stored: only the SHA-256 of its id is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub id: Id,
    pub user_id: Id,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    /// Absolute expiry: the session ends then however active it is.
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub ip: Option<String>,
}

/// A sign-in in progress, between the redirect to GitHub and the callback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthState {
    pub state_sha256: String,
    /// The PKCE verifier whose challenge went to GitHub.
    pub code_verifier: String,
    /// The same-origin path to land on after sign-in.
    pub return_to: String,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSession<'a> {
    pub user_id: Id,
    pub session_sha256: &'a str,
    pub expires_at: DateTime<Utc>,
    pub ip: Option<&'a str>,
}

#[async_trait]
pub trait AccountStore: Send + Sync {
    /// Records a sign-in attempt (and forgets expired ones).
    async fn begin_oauth(&self, state: &OAuthState, now: DateTime<Utc>) -> StoreResult<()>;

    /// Takes the attempt with this state hash: it is deleted, so a state works once. Expired
    /// attempts are not returned.
    async fn take_oauth(
        &self,
        state_sha256: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<OAuthState>>;

    /// Creates or refreshes the user with this GitHub id (login, avatar and organisations
    /// follow GitHub). A login held by a local account is a conflict; one held by another
    /// GitHub account (renamed since) is handed over.
    async fn upsert_github_user(
        &self,
        profile: &GithubProfile,
        now: DateTime<Utc>,
    ) -> StoreResult<User>;

    async fn user_by_login(&self, login: &str) -> StoreResult<Option<User>>;

    async fn set_role(&self, user_id: Id, role: Role) -> StoreResult<()>;

    async fn create_session(
        &self,
        new: &NewSession<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<Session>;

    /// The live session with this hash and its user: not revoked, not past its absolute
    /// expiry, seen since `idle_since`. Its last-seen time moves to `now` (at most once a
    /// minute, to spare the writer).
    async fn session_user(
        &self,
        session_sha256: &str,
        idle_since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<(User, Session)>>;

    /// Live sessions of a user, newest first.
    async fn user_sessions(
        &self,
        user_id: Id,
        idle_since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<Session>>;

    async fn revoke_session(&self, session_sha256: &str, now: DateTime<Utc>) -> StoreResult<bool>;

    /// Ends every session of the user; returns how many were live.
    async fn revoke_user_sessions(&self, user_id: Id, now: DateTime<Utc>) -> StoreResult<u64>;

    /// Tokens of a user, newest first (revoked and expired ones included).
    async fn user_tokens(&self, user_id: Id) -> StoreResult<Vec<ApiToken>>;

    /// Revokes the token only if it belongs to `user_id` (false otherwise, or if already
    /// revoked).
    async fn revoke_user_token(
        &self,
        user_id: Id,
        token_id: Id,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;

    /// Records a use of the token (at most once a minute per token and address).
    async fn touch_token(&self, token: &ApiToken, ip: &str, now: DateTime<Utc>) -> StoreResult<()>;
}
