//! Rate limits as GCRA (generic cell rate algorithm): a quota of `count` requests per
//! `period`, refilled smoothly, with bursts up to the whole quota. One stored value per key
//! (the theoretical arrival time), so the same arithmetic runs in memory (one process) and
//! in Redis (shared by every process).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use async_trait::async_trait;
use axum::http::{HeaderMap, HeaderValue};
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    pub count: u32,
    pub period: Duration,
}

impl Quota {
    pub const fn per_hour(count: u32) -> Self {
        Self {
            count,
            period: Duration::from_secs(3600),
        }
    }

    pub(crate) fn interval_micros(&self) -> i64 {
        (self.period.as_micros() as i64 / i64::from(self.count.max(1))).max(1)
    }

    pub(crate) fn period_micros(&self) -> i64 {
        self.period.as_micros() as i64
    }
}

/// The verdict on one request, with what the `RateLimit-*` headers report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub allowed: bool,
    pub limit: u32,
    pub remaining: u32,
    /// Until the quota is whole again.
    pub reset: Duration,
    /// When denied: until one more request would be allowed.
    pub retry_after: Option<Duration>,
}

impl Decision {
    pub fn apply_headers(&self, quota: Quota, headers: &mut HeaderMap) {
        let secs = |d: Duration| HeaderValue::from(d.as_secs() + u64::from(d.subsec_nanos() > 0));
        headers.insert("ratelimit-limit", HeaderValue::from(self.limit));
        headers.insert("ratelimit-remaining", HeaderValue::from(self.remaining));
        headers.insert("ratelimit-reset", secs(self.reset));
        if let Ok(policy) =
            HeaderValue::from_str(&format!("{};w={}", quota.count, quota.period.as_secs()))
        {
            headers.insert("ratelimit-policy", policy);
        }
        if let Some(retry) = self.retry_after {
            headers.insert("retry-after", secs(retry));
        }
    }
}

/// GCRA step: given the stored theoretical arrival time (micros), returns the decision and
/// the value to store (unchanged when denied).
pub fn gcra(stored_tat: Option<i64>, now: i64, quota: Quota) -> (Decision, i64) {
    let interval = quota.interval_micros();
    let period = quota.period_micros();
    let tat = stored_tat.unwrap_or(now).max(now);
    let new_tat = tat + interval;
    let micros = |m: i64| Duration::from_micros(m.max(0) as u64);
    if new_tat - now > period {
        let decision = Decision {
            allowed: false,
            limit: quota.count,
            remaining: 0,
            reset: micros(tat - now),
            retry_after: Some(micros(new_tat - period - now)),
        };
        return (decision, tat);
    }
    let remaining = ((period - (new_tat - now)) / interval) as u32;
    let decision = Decision {
        allowed: true,
        limit: quota.count,
        remaining,
        reset: micros(new_tat - now),
        retry_after: None,
    };
    (decision, new_tat)
}

#[derive(Debug, thiserror::Error)]
#[error("rate limiter unavailable: {0}")]
pub struct LimiterError(pub String);

#[async_trait]
pub trait RateLimiter: Send + Sync {
    async fn check(
        &self,
        key: &str,
        quota: Quota,
        now: DateTime<Utc>,
    ) -> Result<Decision, LimiterError>;
}

/// Per-process limits, for a single `serve` (the embedded default).
#[derive(Default)]
pub struct MemoryLimiter {
    tats: Mutex<HashMap<String, i64>>,
}

const SWEEP_ABOVE: usize = 100_000;

#[async_trait]
impl RateLimiter for MemoryLimiter {
    async fn check(
        &self,
        key: &str,
        quota: Quota,
        now: DateTime<Utc>,
    ) -> Result<Decision, LimiterError> {
        let now = now.timestamp_micros();
        let mut tats = self.tats.lock().expect("rate limiter mutex poisoned");
        if tats.len() > SWEEP_ABOVE {
            // Keys whose quota is whole again carry no information.
            tats.retain(|_, tat| *tat > now);
        }
        let (decision, tat) = gcra(tats.get(key).copied(), now, quota);
        tats.insert(key.to_owned(), tat);
        Ok(decision)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: i64 = 3_600_000_000;

    #[test]
    fn a_whole_quota_can_be_used_at_once_then_refills_smoothly() {
        let quota = Quota::per_hour(10);
        let mut tat = None;
        for i in 0..10 {
            let (d, t) = gcra(tat, 0, quota);
            assert!(d.allowed, "request {i}");
            assert_eq!(d.remaining, 9 - i);
            tat = Some(t);
        }
        let (denied, t) = gcra(tat, 0, quota);
        assert!(!denied.allowed);
        assert_eq!(t, tat.unwrap(), "a denied request costs nothing");
        assert_eq!(denied.retry_after, Some(Duration::from_secs(360)));
        assert_eq!(denied.reset, Duration::from_secs(3600));
        // One interval later exactly one more request fits.
        let (d, t) = gcra(tat, HOUR / 10, quota);
        assert!(d.allowed);
        assert_eq!(d.remaining, 0);
        assert!(!gcra(Some(t), HOUR / 10, quota).0.allowed);
        // After a full period the quota is whole again.
        assert_eq!(gcra(Some(t), HOUR + HOUR / 10, quota).0.remaining, 9);
    }

    #[tokio::test]
    async fn memory_limiter_keys_are_independent() {
        let limiter = MemoryLimiter::default();
        let quota = Quota::per_hour(2);
        let now = Utc::now();
        assert!(limiter.check("a", quota, now).await.unwrap().allowed);
        assert!(limiter.check("a", quota, now).await.unwrap().allowed);
        assert!(!limiter.check("a", quota, now).await.unwrap().allowed);
        assert!(limiter.check("b", quota, now).await.unwrap().allowed);
    }
}
