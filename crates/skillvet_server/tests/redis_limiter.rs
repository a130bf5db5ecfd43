//! The Redis limiter against a real Redis (`SKILLVET_TEST_REDIS_URL`, default
//! redis://127.0.0.1:6379): several limiters, as several processes, share one quota.

use std::time::Duration;

use chrono::{TimeZone, Utc};
use skillvet_server::rate_limit::{MemoryLimiter, Quota, RateLimiter};
use skillvet_server::redis_limiter::RedisLimiter;

fn redis_url() -> String {
    std::env::var("SKILLVET_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

fn unique_prefix() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("skillvet-test:{}:{nanos}:", std::process::id())
}

async fn limiter(prefix: &str) -> RedisLimiter {
    RedisLimiter::connect(&redis_url(), prefix)
        .await
        .unwrap_or_else(|e| {
            panic!(
                "Redis at {} unreachable ({e}); start it (see .ci/run)",
                redis_url()
            )
        })
}

#[tokio::test]
async fn processes_share_one_quota_and_agree_with_the_memory_limiter() {
    let prefix = unique_prefix();
    let (a, b) = (limiter(&prefix).await, limiter(&prefix).await);
    let memory = MemoryLimiter::default();
    let quota = Quota::per_hour(10);
    let start = Utc.timestamp_opt(1_800_000_000, 123_456_000).unwrap();
    for i in 0..12 {
        let now = start + chrono::Duration::seconds(i);
        let limiter: &dyn RateLimiter = if i % 2 == 0 { &a } else { &b };
        let shared = limiter
            .check("submit:ip:192.0.2.1", quota, now)
            .await
            .unwrap();
        let local = memory
            .check("submit:ip:192.0.2.1", quota, now)
            .await
            .unwrap();
        assert_eq!(shared, local, "request {i}");
        assert_eq!(shared.allowed, i < 10, "request {i}");
    }
    // Another key has its own quota; after a refill interval one more request passes.
    let other = a.check("submit:ip:192.0.2.2", quota, start).await.unwrap();
    assert!(other.allowed);
    let later = start + chrono::Duration::seconds(12 + 360);
    assert!(
        b.check("submit:ip:192.0.2.1", quota, later)
            .await
            .unwrap()
            .allowed
    );
}

#[tokio::test]
async fn keys_expire_when_the_quota_is_whole_again() {
    let prefix = unique_prefix();
    let limiter = limiter(&prefix).await;
    let quota = Quota {
        count: 2,
        period: Duration::from_secs(60),
    };
    limiter.check("k", quota, Utc::now()).await.unwrap();
    let client = redis::Client::open(redis_url()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let ttl: i64 = redis::cmd("PTTL")
        .arg(format!("{prefix}k"))
        .query_async(&mut conn)
        .await
        .unwrap();
    assert!(
        (29_000..=30_000).contains(&ttl),
        "one request of 2 per minute refills in 30 s, got {ttl} ms"
    );
}

#[tokio::test]
async fn an_unreachable_redis_is_a_clear_error() {
    // Port 1 on loopback: nothing listens there.
    let err = match RedisLimiter::connect("redis://127.0.0.1:1", "x:").await {
        Ok(_) => panic!("connected to nothing"),
        Err(e) => e,
    };
    assert!(err.to_string().contains("127.0.0.1:1"), "{err}");
}
