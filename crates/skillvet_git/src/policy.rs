//! What the operator allows a fetch to do.

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use skillvet_skill::Limits;

/// Operator settings for fetching. The defaults are the safe ones: https only, public
/// addresses only, 50 MB / 5,000 files / 10 MB per file, 60 s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchPolicy {
    /// Accept `file://` URLs and absolute paths (operator configuration and tests only).
    pub allow_local: bool,
    /// Addresses exempt from the SSRF check (e.g. an internal git mirror), matched exactly.
    pub allowed_addresses: Vec<IpAddr>,
    /// File count, single-file and total size limits, applied to the fetched tree (and the
    /// total also to the repository's size on disk while fetching).
    pub limits: Limits,
    /// Wall-clock limit for the whole fetch (resolution, git, blob reads).
    pub timeout: Duration,
    /// The git executable (`git`, looked up in `PATH`, by default).
    pub git_binary: PathBuf,
    /// Where temporary bare repositories are created (the system temp dir when `None`);
    /// each is removed before `fetch` returns.
    pub work_dir: Option<PathBuf>,
}

impl Default for FetchPolicy {
    fn default() -> Self {
        FetchPolicy {
            allow_local: false,
            allowed_addresses: Vec::new(),
            limits: Limits::default(),
            timeout: Duration::from_secs(60),
            git_binary: PathBuf::from("git"),
            work_dir: None,
        }
    }
}
