//! The one HTTP client stack of skillvet (reqwest on rustls with the ring provider), and the
//! client verbs built on it: `search`, `info`, `submit`, `install`, `audit`, and the LLM judge
//! client (`llm_judge`).

pub mod api;
pub mod audit;
pub mod credentials;
pub mod info;
pub mod install;
pub mod llm_judge;
pub mod lock;
pub mod login;
pub mod moderate;
pub mod search;
pub mod submit;

use std::time::Duration;

/// Builds an HTTP client on rustls/ring with bounded timeouts.
///
/// reqwest is built without a default crypto provider so that only one TLS stack (ring)
/// is compiled; the provider is installed process-wide on first use.
pub fn http_client() -> reqwest::Client {
    http_client_builder()
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(60))
        .build()
        .expect("the TLS configuration is static and valid")
}

/// A client builder on the one TLS stack, for callers that need their own timeouts or
/// redirect policy (the LLM judge).
pub fn http_client_builder() -> reqwest::ClientBuilder {
    // Installing twice returns Err when another thread won the race; that is fine.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
}
