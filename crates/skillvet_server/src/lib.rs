//! skillvet's HTTP layer. Handlers parse, authorise and rate-limit, then hand the work to
//! `skillvet_registry`; errors become JSON in one place ([`error::ApiError`]).

pub mod accounts;
pub mod api;
pub mod auth;
pub mod client_ip;
pub mod cookies;
pub mod error;
pub mod extract;
pub mod limits;
pub mod rate_limit;
pub mod redis_limiter;
pub mod routes;
pub mod serving;
pub mod state;
pub mod web;

pub use routes::router;
pub use state::{AccountSettings, AgentSettings, AppState, RateLimits, ServerConfig};
