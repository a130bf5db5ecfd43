use std::net::IpAddr;
use std::time::Duration;

use skillvet_skill::format_bytes;

use crate::url::UrlError;

/// Why a fetch failed. Each limit has its own variant so callers (and users) can tell them
/// apart; messages name the limit.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error(transparent)]
    Url(#[from] UrlError),
    #[error("local repositories are not enabled by the operator")]
    LocalNotAllowed,
    #[error("invalid git reference {reference:?}: {reason}")]
    InvalidReference {
        reference: String,
        reason: &'static str,
    },
    #[error("cannot resolve host {host}: {message}")]
    Resolve { host: String, message: String },
    #[error(
        "host {host} resolves to {address}, a private, loopback, link-local or otherwise non-public address; fetching from it is not allowed"
    )]
    ForbiddenAddress { host: String, address: IpAddr },
    #[error("fetching the repository took longer than the {} s time limit", .limit.as_secs_f64())]
    Timeout { limit: Duration },
    #[error("repository exceeds the {} size limit", format_bytes(*limit))]
    RepositoryTooLarge { limit: u64 },
    #[error("repository has more than {limit} files (the file-count limit)")]
    TooManyFiles { limit: usize },
    #[error("{path} is {size} bytes, over the single-file size limit of {}", format_bytes(*limit))]
    FileTooLarge { path: String, size: u64, limit: u64 },
    #[error("reference {reference:?} was not found in the repository")]
    ReferenceNotFound { reference: String },
    #[error("the repository tree is invalid: {0}")]
    InvalidTree(String),
    #[error("cannot run git ({binary}): {source}")]
    GitUnavailable {
        binary: String,
        #[source]
        source: std::io::Error,
    },
    #[error("git {operation} failed ({status}): {stderr}")]
    Git {
        operation: &'static str,
        status: String,
        stderr: String,
    },
    #[error("{context}: {source}")]
    Io {
        context: &'static str,
        #[source]
        source: std::io::Error,
    },
}
