//! Rate limits shared by every `serve` process through Redis: the same GCRA step as
//! [`crate::rate_limit::gcra`], run atomically in a Lua script with the caller's clock.

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use crate::rate_limit::{Decision, LimiterError, Quota, RateLimiter, gcra};

/// Reads the stored theoretical arrival time, stores the advanced one when the request is
/// allowed (expiring when the quota is whole again) and returns the old one. Times are
/// integer microseconds, formatted with %d so Lua's doubles never print them as 1.7e+15.
const GCRA_SCRIPT: &str = r"
local stored = redis.call('GET', KEYS[1])
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local period = tonumber(ARGV[3])
local tat = now
if stored then tat = math.max(tonumber(stored), now) end
local new_tat = tat + interval
if new_tat - now <= period then
  redis.call('SET', KEYS[1], string.format('%d', new_tat), 'PX', math.ceil((new_tat - now) / 1000))
end
return stored
";

pub struct RedisLimiter {
    connection: ConnectionManager,
    script: redis::Script,
    prefix: String,
}

impl RedisLimiter {
    /// Connects to `url` (`redis://host:port/db`); keys are `{prefix}{key}`.
    pub async fn connect(url: &str, prefix: &str) -> Result<Self, LimiterError> {
        let client = redis::Client::open(url).map_err(|e| LimiterError(e.to_string()))?;
        // Bounded waits: a slow Redis must turn into a clear 503, not a hung request.
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(2)))
            .set_response_timeout(Some(Duration::from_secs(1)))
            .set_number_of_retries(2);
        let connection = ConnectionManager::new_with_config(client, config)
            .await
            .map_err(|e| LimiterError(format!("connecting to {}: {e}", redacted(url))))?;
        Ok(Self {
            connection,
            script: redis::Script::new(GCRA_SCRIPT),
            prefix: prefix.to_owned(),
        })
    }
}

fn redacted(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

#[async_trait]
impl RateLimiter for RedisLimiter {
    async fn check(
        &self,
        key: &str,
        quota: Quota,
        now: DateTime<Utc>,
    ) -> Result<Decision, LimiterError> {
        let now = now.timestamp_micros();
        let mut connection = self.connection.clone();
        let stored: Option<String> = self
            .script
            .key(format!("{}{key}", self.prefix))
            .arg(now)
            .arg(quota.interval_micros())
            .arg(quota.period_micros())
            .invoke_async(&mut connection)
            .await
            .map_err(|e| LimiterError(e.to_string()))?;
        let stored = match stored {
            Some(text) => Some(
                text.parse::<i64>()
                    .map_err(|_| LimiterError(format!("corrupt rate limit value {text:?}")))?,
            ),
            None => None,
        };
        // The script took the same step on the same stored value, atomically.
        Ok(gcra(stored, now, quota).0)
    }
}
