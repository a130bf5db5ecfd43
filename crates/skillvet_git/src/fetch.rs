//! `fetch`: one commit of a repository into memory, never checked out.
//!
//! Steps: validate the reference; for https, resolve the host and refuse non-public
//! addresses, then pin git to the checked address (`http.curloptResolve`); `git init --bare`
//! in a fresh temporary directory; `git fetch --depth=1 --no-tags -- URL REF` while the
//! directory size is watched; `git rev-parse` for the commit id; `git ls-tree -r -l -z` for
//! the listing (limits checked on it); `git cat-file --batch` for the blobs. The temporary
//! directory is removed before returning.

use std::collections::HashMap;
use std::net::IpAddr;

use skillvet_skill::{FileKind, TreeEntry};
use tokio::time::Instant;

use crate::command::{self, Git, Watch};
use crate::error::FetchError;
use crate::policy::FetchPolicy;
use crate::reference::Reference;
use crate::snapshot::Snapshot;
use crate::ssrf;
use crate::url::RepoUrl;

/// Fetches `reference` (default branch when `None`, a branch/tag name, or a 40-hex commit id)
/// of `url` under `policy`.
pub async fn fetch(
    url: &RepoUrl,
    reference: Option<&str>,
    policy: &FetchPolicy,
) -> Result<Snapshot, FetchError> {
    let deadline = Instant::now() + policy.timeout;
    let reference = Reference::parse(reference)?;
    if url.is_local() && !policy.allow_local {
        return Err(FetchError::LocalNotAllowed);
    }
    let pinned = match (url.host(), url.port()) {
        (Some(host), Some(port)) => Some((
            host.to_owned(),
            port,
            resolve_checked(host, port, policy, deadline).await?,
        )),
        _ => None,
    };

    let mut builder = tempfile::Builder::new();
    builder.prefix("skillvet-fetch-");
    let temp = match &policy.work_dir {
        Some(dir) => builder.tempdir_in(dir),
        None => builder.tempdir(),
    }
    .map_err(|source| FetchError::Io {
        context: "creating a temporary directory",
        source,
    })?;
    let home = temp.path().join("home");
    let git_dir = temp.path().join("repo.git");
    std::fs::create_dir(&home).map_err(|source| FetchError::Io {
        context: "creating a temporary directory",
        source,
    })?;
    let git_dir_text = git_dir
        .to_str()
        .ok_or_else(|| FetchError::Io {
            context: "temporary directory path",
            source: std::io::Error::other("not UTF-8"),
        })?
        .to_owned();

    let mut git = Git::new(
        &policy.git_binary,
        &home,
        url.is_local(),
        deadline,
        policy.timeout,
    );
    // An IP literal needs no pin (there is no lookup to rebind).
    if let Some((host, port, ip)) = pinned
        .as_ref()
        .filter(|(host, _, _)| host.parse::<IpAddr>().is_err())
    {
        let address = match ip {
            IpAddr::V4(v4) => v4.to_string(),
            IpAddr::V6(v6) => format!("[{v6}]"),
        };
        git.config(format!("http.curloptResolve={host}:{port}:{address}"));
    }
    let limits = policy.limits;
    let no_overflow = || FetchError::InvalidTree("unexpected output size".to_owned());

    git.run(
        "init",
        &["init", "--bare", "--quiet", "--template=", &git_dir_text],
        None,
        4096,
        Watch::None,
        no_overflow,
    )
    .await?;
    let in_repo = |args: &[&str]| -> Vec<String> {
        let mut all = vec![format!("--git-dir={git_dir_text}")];
        all.extend(args.iter().map(|s| (*s).to_owned()));
        all
    };

    let fetch_url = url.fetch_url();
    let args = in_repo(&[
        "fetch",
        "--quiet",
        "--no-tags",
        "--no-recurse-submodules",
        "--no-auto-gc",
        "--depth=1",
        "--",
        &fetch_url,
        reference.refspec(),
    ]);
    let result = git
        .run(
            "fetch",
            &as_strs(&args),
            None,
            1024 * 1024,
            Watch::DirSize(&git_dir, limits.max_total_bytes),
            no_overflow,
        )
        .await;
    match result {
        Ok(_) => {}
        Err(FetchError::Git { stderr, .. }) if is_missing_ref(&stderr) => {
            return Err(FetchError::ReferenceNotFound {
                reference: reference.to_string(),
            });
        }
        Err(e) => return Err(e),
    }
    // The watcher samples; this final look catches growth between the last sample and exit.
    if command::dir_size(&git_dir) > limits.max_total_bytes {
        return Err(FetchError::RepositoryTooLarge {
            limit: limits.max_total_bytes,
        });
    }

    let args = in_repo(&[
        "rev-parse",
        "--verify",
        "--end-of-options",
        "FETCH_HEAD^{commit}",
    ]);
    let out = git
        .run(
            "rev-parse",
            &as_strs(&args),
            None,
            4096,
            Watch::None,
            no_overflow,
        )
        .await?;
    let sha = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    if sha.len() != 40 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(FetchError::InvalidTree(format!(
            "unexpected commit id {sha:?}"
        )));
    }
    if let Reference::Commit(wanted) = &reference
        && *wanted != sha
    {
        return Err(FetchError::InvalidTree(format!(
            "asked for commit {wanted}, received {sha}"
        )));
    }

    // A path is at most 4096 bytes; more output than that per allowed file means too many.
    let listing_cap = limits
        .max_files
        .saturating_add(1)
        .saturating_mul(4096 + 128);
    let too_many = || FetchError::TooManyFiles {
        limit: limits.max_files,
    };
    let args = in_repo(&["ls-tree", "-r", "-l", "-z", "--full-tree", &sha]);
    let out = git
        .run(
            "ls-tree",
            &as_strs(&args),
            None,
            listing_cap,
            Watch::None,
            too_many,
        )
        .await?;
    let listing = parse_listing(&out.stdout)?;
    check_listing(&listing, policy)?;

    let mut wanted: Vec<&str> = listing
        .iter()
        .filter(|l| l.kind != RawKind::Gitlink)
        .map(|l| l.oid.as_str())
        .collect();
    wanted.sort_unstable();
    wanted.dedup();
    let expected: u64 = listing
        .iter()
        .filter(|l| l.kind != RawKind::Gitlink)
        .map(|l| l.size)
        .sum();
    let cap = usize::try_from(expected)
        .unwrap_or(usize::MAX)
        .saturating_add(wanted.len().saturating_mul(128));
    let input = wanted
        .iter()
        .flat_map(|oid| [oid.as_bytes(), b"\n"])
        .flatten()
        .copied()
        .collect();
    let args = in_repo(&["cat-file", "--batch"]);
    let too_large = || FetchError::RepositoryTooLarge {
        limit: limits.max_total_bytes,
    };
    let out = git
        .run(
            "cat-file",
            &as_strs(&args),
            Some(input),
            cap,
            Watch::None,
            too_large,
        )
        .await?;
    let blobs = parse_batch(&out.stdout)?;
    drop(temp);

    let mut rows: Vec<(TreeEntry, String)> = Vec::with_capacity(listing.len());
    for item in listing {
        let kind = match item.kind {
            RawKind::Regular => FileKind::Regular,
            RawKind::Executable => FileKind::Executable,
            RawKind::Gitlink => FileKind::Submodule,
            RawKind::Symlink => {
                let target = blobs.get(&item.oid).ok_or_else(|| {
                    FetchError::InvalidTree(format!("missing link target of {}", item.path))
                })?;
                FileKind::Symlink {
                    target: String::from_utf8_lossy(target).into_owned(),
                }
            }
        };
        rows.push((
            TreeEntry {
                path: item.path,
                kind,
                size: item.size,
            },
            item.oid,
        ));
    }
    rows.sort_by(|a, b| a.0.path.cmp(&b.0.path));
    let (entries, object_ids) = rows.into_iter().unzip();
    Ok(Snapshot {
        url: url.clone(),
        commit_sha: sha,
        entries,
        object_ids,
        blobs,
        limits,
    })
}

fn as_strs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

fn is_missing_ref(stderr: &str) -> bool {
    [
        "couldn't find remote ref",
        "not our ref",
        "no such remote ref",
        "unadvertised object",
    ]
    .iter()
    .any(|needle| stderr.contains(needle))
}

async fn resolve_checked(
    host: &str,
    port: u16,
    policy: &FetchPolicy,
    deadline: Instant,
) -> Result<IpAddr, FetchError> {
    let resolve = ssrf::resolve_public(host, port, &policy.allowed_addresses);
    tokio::time::timeout_at(deadline, resolve)
        .await
        .unwrap_or(Err(FetchError::Timeout {
            limit: policy.timeout,
        }))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RawKind {
    Regular,
    Executable,
    Symlink,
    Gitlink,
}

struct ListedEntry {
    path: String,
    kind: RawKind,
    oid: String,
    size: u64,
}

/// Parses `ls-tree -r -l -z`: `<mode> SP <type> SP <oid> SP+ <size> TAB <path> NUL`.
fn parse_listing(out: &[u8]) -> Result<Vec<ListedEntry>, FetchError> {
    let mut entries = Vec::new();
    for record in out.split(|b| *b == 0).filter(|r| !r.is_empty()) {
        let bad = || FetchError::InvalidTree("unreadable tree listing".to_owned());
        let tab = record.iter().position(|b| *b == b'\t').ok_or_else(bad)?;
        let meta = std::str::from_utf8(&record[..tab]).map_err(|_| bad())?;
        let path = std::str::from_utf8(&record[tab + 1..]).map_err(|_| {
            FetchError::InvalidTree(format!(
                "a path is not valid UTF-8: {:?}",
                String::from_utf8_lossy(&record[tab + 1..])
            ))
        })?;
        let fields: Vec<&str> = meta.split_whitespace().collect();
        let [mode, _type, oid, size] = fields[..] else {
            return Err(bad());
        };
        let kind = match mode {
            "100644" | "100664" => RawKind::Regular,
            "100755" => RawKind::Executable,
            "120000" => RawKind::Symlink,
            "160000" => RawKind::Gitlink,
            other => {
                return Err(FetchError::InvalidTree(format!(
                    "{path} has unsupported mode {other}"
                )));
            }
        };
        let size = match (kind, size) {
            (RawKind::Gitlink, _) => 0,
            (_, size) => size.parse().map_err(|_| bad())?,
        };
        validate_path(path)?;
        if !oid.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad());
        }
        entries.push(ListedEntry {
            path: path.to_owned(),
            kind,
            oid: oid.to_owned(),
            size,
        });
    }
    Ok(entries)
}

/// Defence in depth (fsck already rejects these): relative, no `.`/`..`/empty parts, no
/// `.git` component in any case.
fn validate_path(path: &str) -> Result<(), FetchError> {
    let bad = path.starts_with('/')
        || path
            .split('/')
            .any(|p| p.is_empty() || p == "." || p == ".." || p.eq_ignore_ascii_case(".git"))
        || path.contains('\0');
    if bad {
        return Err(FetchError::InvalidTree(format!("forbidden path {path:?}")));
    }
    Ok(())
}

fn check_listing(listing: &[ListedEntry], policy: &FetchPolicy) -> Result<(), FetchError> {
    let limits = &policy.limits;
    if listing.len() > limits.max_files {
        return Err(FetchError::TooManyFiles {
            limit: limits.max_files,
        });
    }
    let mut total: u64 = 0;
    for entry in listing {
        if entry.size > limits.max_file_bytes {
            return Err(FetchError::FileTooLarge {
                path: entry.path.clone(),
                size: entry.size,
                limit: limits.max_file_bytes,
            });
        }
        total = total.saturating_add(entry.size);
    }
    if total > limits.max_total_bytes {
        return Err(FetchError::RepositoryTooLarge {
            limit: limits.max_total_bytes,
        });
    }
    Ok(())
}

/// Parses `cat-file --batch` output: `<oid> SP <type> SP <size> LF <content> LF` per object.
fn parse_batch(out: &[u8]) -> Result<HashMap<String, Vec<u8>>, FetchError> {
    let bad = |what: &str| FetchError::InvalidTree(format!("unreadable object data ({what})"));
    let mut blobs = HashMap::new();
    let mut rest = out;
    while !rest.is_empty() {
        let newline = rest
            .iter()
            .position(|b| *b == b'\n')
            .ok_or_else(|| bad("header"))?;
        let header = std::str::from_utf8(&rest[..newline]).map_err(|_| bad("header"))?;
        let fields: Vec<&str> = header.split(' ').collect();
        let [oid, kind, size] = fields[..] else {
            return Err(bad(header));
        };
        if kind != "blob" {
            return Err(bad(header));
        }
        let size: usize = size.parse().map_err(|_| bad("size"))?;
        let start = newline + 1;
        let end = start
            .checked_add(size)
            .filter(|e| *e < rest.len())
            .ok_or_else(|| bad("truncated"))?;
        blobs.insert(oid.to_owned(), rest[start..end].to_vec());
        rest = &rest[end + 1..];
    }
    Ok(blobs)
}
