//! Repository URLs as users may give them: `https://` only, no credentials, no query or
//! fragment, a DNS name or public IP as host. `file://` and absolute local paths only when
//! the operator enabled them ([`FetchPolicy::allow_local`]).
//!
//! Owner and name: the last path segment is the name (trailing `.git` and `/` removed); the
//! segments before it form the owner. On `github.com` exactly two segments are required
//! (`OWNER/REPO`), and they are lower-cased in the canonical URL because GitHub treats them
//! case-insensitively. Other hosts may have deeper paths (GitLab groups and subgroups:
//! `https://gitlab.com/group/sub/project` has owner `group/sub` and name `project`); up to
//! [`MAX_PATH_SEGMENTS`] segments.

use std::net::IpAddr;
use std::path::{Component, Path, PathBuf};

use crate::policy::FetchPolicy;
use crate::ssrf;

/// Longest URL accepted, in bytes.
pub const MAX_URL_LEN: usize = 2048;
/// Deepest repository path accepted (owner segments + name).
pub const MAX_PATH_SEGMENTS: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    #[error("the repository URL is empty")]
    Empty,
    #[error("the repository URL is longer than {MAX_URL_LEN} characters")]
    TooLong,
    #[error("the repository URL contains whitespace or control characters")]
    InvalidCharacters,
    #[error("{0:?} is not a URL; give an https:// repository URL")]
    NotAUrl(String),
    #[error("plain http:// is not accepted; use https://")]
    InsecureScheme,
    #[error("the {0}:// scheme is not accepted; only https:// repository URLs are")]
    UnsupportedScheme(String),
    #[error("repository URLs must not contain credentials (user name or password)")]
    Credentials,
    #[error("repository URLs must not contain a query string or fragment")]
    QueryOrFragment,
    #[error("the URL has no host")]
    MissingHost,
    #[error("host {0:?} is not a valid public DNS name")]
    InvalidHost(String),
    #[error("host {0} is a private, loopback, link-local or otherwise non-public address")]
    ForbiddenAddress(IpAddr),
    #[error("the URL path must name a repository as OWNER/REPO, got {0:?}")]
    InvalidPath(String),
    #[error("path segment {0:?} is not allowed in a repository URL")]
    InvalidSegment(String),
    #[error("local repositories (file:// or a path) are not accepted here")]
    LocalNotAllowed,
    #[error("local repository path {0:?} must be absolute and normalised (no `..`)")]
    InvalidLocalPath(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Location {
    Https {
        host: String,
        port: Option<u16>,
        path: String,
    },
    Local(PathBuf),
}

/// A validated repository URL with its identity (`canonical`) and `owner`/`name`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoUrl {
    location: Location,
    owner: String,
    name: String,
    canonical: String,
}

impl RepoUrl {
    pub fn parse(input: &str, policy: &FetchPolicy) -> Result<RepoUrl, UrlError> {
        let input = input.trim();
        if input.is_empty() {
            return Err(UrlError::Empty);
        }
        if input.len() > MAX_URL_LEN {
            return Err(UrlError::TooLong);
        }
        if input.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(UrlError::InvalidCharacters);
        }
        if input.starts_with('/') {
            return Self::local(Path::new(input), policy);
        }
        let url = url::Url::parse(input).map_err(|_| UrlError::NotAUrl(input.to_owned()))?;
        match url.scheme() {
            "https" => {}
            "http" => return Err(UrlError::InsecureScheme),
            "file" => {
                if !policy.allow_local {
                    return Err(UrlError::LocalNotAllowed);
                }
                if url
                    .host_str()
                    .is_some_and(|h| !h.is_empty() && h != "localhost")
                {
                    return Err(UrlError::InvalidLocalPath(input.to_owned()));
                }
                let path = url
                    .to_file_path()
                    .map_err(|_| UrlError::InvalidLocalPath(input.to_owned()))?;
                return Self::local(&path, policy);
            }
            other => return Err(UrlError::UnsupportedScheme(other.to_owned())),
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(UrlError::Credentials);
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(UrlError::QueryOrFragment);
        }
        let host = match url.host().ok_or(UrlError::MissingHost)? {
            url::Host::Domain(domain) => validate_domain(domain)?,
            url::Host::Ipv4(ip) => check_ip(IpAddr::V4(ip), policy)?,
            url::Host::Ipv6(ip) => check_ip(IpAddr::V6(ip), policy)?,
        };
        let segments = path_segments(url.path())?;
        let github = host == "github.com";
        if github && segments.len() != 2 {
            return Err(UrlError::InvalidPath(url.path().to_owned()));
        }
        let segments: Vec<String> = if github {
            segments.iter().map(|s| s.to_ascii_lowercase()).collect()
        } else {
            segments
        };
        let (name, owner_parts) = segments.split_last().expect("at least two segments");
        let port = url.port();
        let authority = match (port, url.host()) {
            (Some(port), Some(url::Host::Ipv6(_))) => format!("[{host}]:{port}"),
            (None, Some(url::Host::Ipv6(_))) => format!("[{host}]"),
            (Some(port), _) => format!("{host}:{port}"),
            (None, _) => host.clone(),
        };
        let path = segments.join("/");
        Ok(RepoUrl {
            canonical: format!("https://{authority}/{path}"),
            owner: owner_parts.join("/"),
            name: name.clone(),
            location: Location::Https { host, port, path },
        })
    }

    fn local(path: &Path, policy: &FetchPolicy) -> Result<RepoUrl, UrlError> {
        if !policy.allow_local {
            return Err(UrlError::LocalNotAllowed);
        }
        let display = path.display().to_string();
        let normal = path.is_absolute()
            && path
                .components()
                .all(|c| matches!(c, Component::RootDir | Component::Normal(_)));
        let text = path.to_str();
        if !normal || text.is_none() {
            return Err(UrlError::InvalidLocalPath(display));
        }
        let trimmed = PathBuf::from(text.unwrap_or_default().trim_end_matches('/'));
        let mut names = trimmed
            .iter()
            .rev()
            .filter_map(|c| c.to_str())
            .filter(|c| *c != "/");
        let name = names
            .next()
            .map(|n| n.strip_suffix(".git").unwrap_or(n).to_owned())
            .filter(|n| !n.is_empty())
            .ok_or_else(|| UrlError::InvalidLocalPath(display.clone()))?;
        let owner = names.next().unwrap_or("local").to_owned();
        Ok(RepoUrl {
            canonical: format!("file://{}", trimmed.display()),
            owner,
            name,
            location: Location::Local(trimmed),
        })
    }

    /// The identity of the repository: scheme, lower-case host, port if not default, path
    /// without trailing `.git` or `/`.
    pub fn canonical(&self) -> &str {
        &self.canonical
    }

    pub fn owner(&self) -> &str {
        &self.owner
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Host name or IP literal (without brackets) of an https URL.
    pub fn host(&self) -> Option<&str> {
        match &self.location {
            Location::Https { host, .. } => Some(host),
            Location::Local(_) => None,
        }
    }

    /// TCP port git will connect to (443 unless given).
    pub fn port(&self) -> Option<u16> {
        match &self.location {
            Location::Https { port, .. } => Some(port.unwrap_or(443)),
            Location::Local(_) => None,
        }
    }

    pub fn is_local(&self) -> bool {
        matches!(self.location, Location::Local(_))
    }

    /// The URL handed to git.
    pub(crate) fn fetch_url(&self) -> String {
        match &self.location {
            Location::Https { .. } => self.canonical.clone(),
            Location::Local(path) => format!("file://{}", path.display()),
        }
    }
}

impl std::fmt::Display for RepoUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.canonical)
    }
}

fn check_ip(ip: IpAddr, policy: &FetchPolicy) -> Result<String, UrlError> {
    if ssrf::is_public(ip) || policy.allowed_addresses.contains(&ip) {
        Ok(ip.to_string())
    } else {
        Err(UrlError::ForbiddenAddress(ip))
    }
}

/// A public DNS name: dot-separated labels of `[a-z0-9-]` (the URL parser already lower-cased
/// and punycoded it), at least two labels, no label starting or ending with `-`.
fn validate_domain(domain: &str) -> Result<String, UrlError> {
    let host = domain.strip_suffix('.').unwrap_or(domain);
    let invalid = || UrlError::InvalidHost(domain.to_owned());
    if host.len() > 253 || !host.contains('.') {
        return Err(invalid());
    }
    for label in host.split('.') {
        let ok = !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !ok {
            return Err(invalid());
        }
    }
    // A name that is all digits and dots would be read as an IPv4 address by other parsers.
    if host.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return Err(invalid());
    }
    Ok(host.to_owned())
}

/// Path segments with empty ones dropped and `.git` removed from the last; each segment
/// limited to characters repository hosts allow in names.
fn path_segments(path: &str) -> Result<Vec<String>, UrlError> {
    let mut segments: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    if let Some(last) = segments.last_mut()
        && let Some(stripped) = last.strip_suffix(".git")
    {
        *last = stripped.to_owned();
    }
    if segments.len() < 2 || segments.len() > MAX_PATH_SEGMENTS {
        return Err(UrlError::InvalidPath(path.to_owned()));
    }
    for segment in &segments {
        let ok = !segment.is_empty()
            && segment != "-"
            && !segment.starts_with(['-', '.'])
            && segment
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
        if !ok {
            return Err(UrlError::InvalidSegment(segment.clone()));
        }
    }
    Ok(segments)
}
