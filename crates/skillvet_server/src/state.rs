//! What every handler can reach.

use std::sync::Arc;
use std::time::Duration;

use ipnet::IpNet;
use skillvet_registry::Registry;

use crate::rate_limit::{Quota, RateLimiter};

/// Per-client quotas (see the README's rate limits section).
#[derive(Debug, Clone, Copy)]
pub struct RateLimits {
    pub submit_anonymous: Quota,
    pub submit_authenticated: Quota,
    pub discover: Quota,
    /// Sign-ins started per client IP (each stores a pending state until it expires).
    pub sign_in: Quota,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            submit_anonymous: Quota::per_hour(10),
            submit_authenticated: Quota::per_hour(30),
            discover: Quota::per_hour(20),
            sign_in: Quota::per_hour(60),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct ServerConfig {
    /// Peers whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<IpNet>,
    pub rate_limits: RateLimits,
    /// External scan agents (`/api/v1/agents/…`); off without a webhook secret.
    pub agents: AgentSettings,
    /// Sign-in and sessions.
    pub accounts: AccountSettings,
    /// Take submissions from callers who are not signed in (private deployments); off, a
    /// submission needs a session or a token with the `submit` scope.
    pub anonymous_submit: bool,
    /// Keys services send in `X-Internal-Key` (`GET /api/v1/admin/health`); none by default.
    pub internal_keys: crate::auth::InternalKeys,
}

/// How people sign in and how long they stay signed in.
#[derive(Debug, Clone)]
pub struct AccountSettings {
    /// GitHub OAuth; `None` turns sign-in off (tokens from the CLI still work).
    pub github: Option<crate::accounts::github::GithubSettings>,
    /// The address browsers reach this server at (`https://registry.example`): the OAuth
    /// callback is built from it, and cookies are `Secure` when it is https.
    pub public_url: url::Url,
    /// A session unused this long ends.
    pub session_idle: chrono::Duration,
    /// A session ends this long after sign-in, however active.
    pub session_lifetime: chrono::Duration,
}

impl Default for AccountSettings {
    fn default() -> Self {
        Self {
            github: None,
            public_url: url::Url::parse("http://127.0.0.1:8080/").expect("a valid URL"),
            session_idle: chrono::Duration::days(7),
            session_lifetime: chrono::Duration::days(30),
        }
    }
}

impl AccountSettings {
    pub fn secure_cookies(&self) -> bool {
        self.public_url.scheme() == "https"
    }
}

/// How external scan agents are served.
#[derive(Clone)]
pub struct AgentSettings {
    /// The HMAC-SHA256 key agents sign their results with; `None` turns the agent routes off.
    pub webhook_secret: Option<Arc<[u8]>>,
    /// How long an agent holds a claimed scan before it goes to another agent.
    pub lease: Duration,
}

impl Default for AgentSettings {
    fn default() -> Self {
        Self {
            webhook_secret: None,
            lease: Duration::from_secs(15 * 60),
        }
    }
}

impl std::fmt::Debug for AgentSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the secret.
        f.debug_struct("AgentSettings")
            .field(
                "webhook_secret",
                &self.webhook_secret.as_ref().map(|_| "<set>"),
            )
            .field("lease", &self.lease)
            .finish()
    }
}

#[derive(Clone)]
pub struct AppState(Arc<Inner>);

struct Inner {
    registry: Registry,
    limiter: Arc<dyn RateLimiter>,
    config: ServerConfig,
}

impl AppState {
    pub fn new(registry: Registry, limiter: Arc<dyn RateLimiter>, config: ServerConfig) -> Self {
        Self(Arc::new(Inner {
            registry,
            limiter,
            config,
        }))
    }

    pub fn registry(&self) -> &Registry {
        &self.0.registry
    }

    pub fn limiter(&self) -> &dyn RateLimiter {
        self.0.limiter.as_ref()
    }

    pub fn config(&self) -> &ServerConfig {
        &self.0.config
    }
}
