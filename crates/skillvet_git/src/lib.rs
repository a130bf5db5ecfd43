//! Fetching a repository at a pinned commit, for verification, without ever checking it out.
//!
//! # Why the git CLI
//! The `git` binary is driven as a subprocess instead of linking a library: `git2` would add
//! C libgit2 and OpenSSL to the build (a second TLS stack next to rustls), and `gix` spawns
//! the git binary for local fetches anyway and has had symlink-escape bugs on checkout. The
//! CLI is the reference implementation of the protocol, `transfer.fsckObjects` validates
//! every object it receives, and running it as a child in its own process group makes hard
//! time limits simple: the whole group is killed.
//!
//! # Never a checkout
//! Nothing is written as a working tree, so repository content cannot place symlinks, hooks
//! or `.git` files anywhere: objects are fetched into a bare repository in a temporary
//! directory and read back with `git ls-tree -r -l -z` and `git cat-file --batch`. Symlinks
//! and submodules (gitlinks) are listed as such and never followed or fetched.
//!
//! # Hardening of every invocation
//! Clean environment (`env_clear`: no inherited `GIT_*`, proxies or credentials) plus
//! `GIT_CONFIG_NOSYSTEM=1`, `GIT_CONFIG_GLOBAL=/dev/null`, `GIT_TERMINAL_PROMPT=0`, empty
//! `GIT_ASKPASS`/`SSH_ASKPASS`, `GIT_LFS_SKIP_SMUDGE=1`; `-c` options allowing only the https
//! protocol (and file for operator-enabled local repositories), `core.hooksPath=/dev/null`,
//! no submodule recursion, `core.symlinks=false`, fsck of transferred objects, no redirects,
//! no credential helper; `--no-tags`, `--depth=1`, and `--` before the URL and reference.
//!
//! # SSRF
//! Users may give only `https://` URLs with a public DNS name or public IP literal. Before
//! fetching, the host is resolved and every address must be public (unless listed in the
//! operator's [`FetchPolicy::allowed_addresses`]); git is then pinned to the checked address
//! with `http.curloptResolve`, so DNS rebinding between check and connect has no effect.
//!
//! # Limits
//! [`FetchPolicy`] holds the time limit (the process group is killed when it expires), the
//! total size (watched on disk during the fetch and checked again on the listing), the file
//! count and the single-file size; each breach is its own [`FetchError`] variant.

mod command;
mod error;
mod fetch;
mod policy;
mod reference;
mod snapshot;
pub mod ssrf;
mod url;

pub use error::FetchError;
pub use fetch::fetch;
pub use policy::FetchPolicy;
pub use reference::Reference;
pub use snapshot::Snapshot;
pub use url::{MAX_PATH_SEGMENTS, MAX_URL_LEN, RepoUrl, UrlError};
