//! Applying the configured quotas to a request.

use axum::http::{HeaderMap, StatusCode};

use crate::auth::Caller;
use crate::client_ip::ClientIp;
use crate::error::ApiError;
use crate::rate_limit::Quota;
use crate::state::AppState;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Submit,
    Discover,
    SignIn,
}

/// Checks the caller's quota for `action`; on success returns the `RateLimit-*` headers to
/// send with the response, otherwise a 429 carrying them and `Retry-After`.
pub async fn check(
    state: &AppState,
    caller: &Caller,
    ip: ClientIp,
    action: Action,
) -> Result<HeaderMap, ApiError> {
    if action == Action::Submit {
        // Every submit path (API and form) comes through here: who may submit first.
        if matches!(caller, Caller::Anonymous) && !state.config().anonymous_submit {
            return Err(ApiError::unauthorized(
                "sign in (or send a token with the `submit` scope) to submit: this registry \
                 takes no anonymous submissions",
            ));
        }
        caller.may_submit()?;
    }
    let limits = state.config().rate_limits;
    // Authenticated callers are limited per user (wherever they come from), others per IP.
    let (who, quota): (String, Quota) = match (action, caller.user()) {
        (Action::Submit, Some(user)) => (format!("user:{}", user.id), limits.submit_authenticated),
        (Action::Submit, None) => (format!("ip:{}", ip.0), limits.submit_anonymous),
        (Action::Discover, Some(user)) => (format!("user:{}", user.id), limits.discover),
        (Action::Discover, None) => (format!("ip:{}", ip.0), limits.discover),
        (Action::SignIn, _) => (format!("ip:{}", ip.0), limits.sign_in),
    };
    let key = format!("{action:?}:{who}").to_ascii_lowercase();
    let now = state.registry().clock().now();
    let decision = state.limiter().check(&key, quota, now).await.map_err(|e| {
        tracing::warn!(error = %e, "rate limiter unavailable");
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "rate limiting is unavailable; retry shortly",
        )
    })?;
    let mut headers = HeaderMap::new();
    decision.apply_headers(quota, &mut headers);
    if decision.allowed {
        return Ok(headers);
    }
    let mut err = ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
        format!(
            "too many {} requests: {} per {} s allowed; retry in {} s",
            format!("{action:?}").to_ascii_lowercase(),
            quota.count,
            quota.period.as_secs(),
            decision.retry_after.unwrap_or_default().as_secs().max(1)
        ),
    );
    err.headers = Box::new(headers);
    Err(err)
}
