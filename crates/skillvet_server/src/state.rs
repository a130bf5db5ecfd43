//! What every handler can reach.

use std::sync::Arc;

use ipnet::IpNet;
use skillvet_registry::Registry;

use crate::rate_limit::{Quota, RateLimiter};

/// Per-client quotas (see the README's rate limits section).
#[derive(Debug, Clone, Copy)]
pub struct RateLimits {
    pub submit_anonymous: Quota,
    pub submit_authenticated: Quota,
    pub discover: Quota,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            submit_anonymous: Quota::per_hour(10),
            submit_authenticated: Quota::per_hour(30),
            discover: Quota::per_hour(20),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct ServerConfig {
    /// Peers whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<IpNet>,
    pub rate_limits: RateLimits,
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
