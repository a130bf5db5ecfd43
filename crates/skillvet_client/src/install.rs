//! `skillvet install owner/repo/skill`: download a verified skill's tarball from a skillvet
//! server, check its sha256 and verdict, and unpack it safely into the agent's skills folder.
//!
//! The archive is hostile until proven otherwise: only regular files are written, every path
//! must be relative, without `..`, under one top folder named after the skill; sizes and file
//! counts are capped; files are created fresh (never through an existing link) in a staging
//! folder that replaces the installed copy only once everything is written.

use std::fs;
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::api::{ApiError, Server, parse_package, read_limited};
use crate::lock::{self, LockEntry, LockError};

/// Largest download accepted.
pub const MAX_ARCHIVE_BYTES: u64 = 20 * 1024 * 1024;
/// Largest unpacked size, over all files.
pub const MAX_UNPACKED_BYTES: u64 = 50 * 1024 * 1024;
pub const MAX_FILES: usize = 1000;

#[derive(Debug, clap::Args)]
pub struct InstallArgs {
    /// The skill to install, as `owner/repo/skill`.
    pub package: String,
    /// Base URL of the skillvet server.
    #[arg(long, env = "SKILLVET_SERVER", default_value = "http://127.0.0.1:8080")]
    pub server: String,
    /// Folder that holds the agent's skills; the skill goes to `DIR/{skill}`.
    #[arg(long, default_value = ".claude/skills")]
    pub dir: PathBuf,
    /// Version to install (default: the current version).
    #[arg(long)]
    pub version: Option<String>,
    /// Install even if the verdict is not PASS (CONCERNS, or unknown).
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum InstallError {
    #[error("invalid package {0:?}: expected owner/repo/skill")]
    InvalidPackage(String),
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error(
        "{package} version {version} has verdict {verdict}; refusing to install it (use --force to install anyway)"
    )]
    NotPassing {
        package: String,
        version: String,
        verdict: String,
    },
    #[error("sha256 mismatch: expected {expected}, downloaded {actual}")]
    DigestMismatch { expected: String, actual: String },
    #[error("unsafe archive: {0}")]
    UnsafeArchive(String),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("installed, but the lock file could not be updated: {0}")]
    Lock(#[from] LockError),
}

/// What was installed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Installed {
    pub package: String,
    pub version: String,
    pub verdict: String,
    pub sha256: String,
    pub path: PathBuf,
    pub files: usize,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> InstallError + '_ {
    move |source| InstallError::Io {
        path: path.to_owned(),
        source,
    }
}

fn protocol(url: &str, message: &str) -> InstallError {
    InstallError::Api(ApiError::Protocol {
        url: url.into(),
        message: message.into(),
    })
}

pub async fn install(
    http: &reqwest::Client,
    args: &InstallArgs,
) -> Result<Installed, InstallError> {
    let [owner, repo, name] = parse_package(&args.package)
        .ok_or_else(|| InstallError::InvalidPackage(args.package.clone()))?;
    let server = Server::new(http.clone(), &args.server, None)?;
    let package = format!("{owner}/{repo}/{name}");
    let skill_path = format!("/api/v1/skills/{package}");
    let version = match &args.version {
        Some(v) => v.clone(),
        None => server.get_json(&skill_path).await?["current_version"]
            .as_str()
            .ok_or_else(|| protocol(&server.url(&skill_path), "no current_version"))?
            .to_owned(),
    };
    let version_path = format!("{skill_path}/versions/{version}");
    let detail = server.get_json(&version_path).await?;
    let verdict = detail["verdict"]["verdict"]
        .as_str()
        .unwrap_or("UNKNOWN")
        .to_owned();
    let refuse = |verdict: &str| InstallError::NotPassing {
        package: package.clone(),
        version: version.clone(),
        verdict: verdict.into(),
    };
    if verdict != "PASS" && !args.force {
        return Err(refuse(&verdict));
    }

    let download_path = format!("{version_path}/download");
    let download_url = server.url(&download_path);
    let response = server.get(&download_path).await?;
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let announced = header("x-skillvet-sha256")
        .ok_or_else(|| protocol(&download_url, "no X-Skillvet-Sha256 header"))?;
    let served_verdict = header("x-skillvet-verdict").unwrap_or_else(|| "UNKNOWN".into());
    if served_verdict != "PASS" && !args.force {
        return Err(refuse(&served_verdict));
    }
    let archive = read_limited(response, &download_url, MAX_ARCHIVE_BYTES)
        .await?
        .ok_or_else(|| {
            InstallError::UnsafeArchive(format!(
                "the archive is larger than {MAX_ARCHIVE_BYTES} bytes"
            ))
        })?;
    let actual = hex::encode(Sha256::digest(&archive));
    for expected in [Some(announced.as_str()), detail["tarball_sha256"].as_str()]
        .into_iter()
        .flatten()
    {
        if !expected.eq_ignore_ascii_case(&actual) {
            return Err(InstallError::DigestMismatch {
                expected: expected.into(),
                actual,
            });
        }
    }
    let files = lock::files_of(&detail)
        .ok_or_else(|| protocol(&server.url(&version_path), "no valid file list"))?;

    let dir = args.dir.clone();
    let skill = name.clone();
    let entry = LockEntry {
        package: package.clone(),
        version: version.clone(),
        server: server.base().to_owned(),
        sha256: actual.clone(),
        verdict: served_verdict.clone(),
        files,
        installed_at: lock::unix_now(),
    };
    // The folder's lock is held from unpack to record, so concurrent installs into one
    // folder leave the lock file describing what is really on disk.
    let (path, count) = tokio::task::spawn_blocking(move || {
        let guard = lock::Guard::acquire(&dir)?;
        let (path, count) = unpack(&archive, &skill, &dir)?;
        guard.record(&skill, entry)?;
        Ok::<_, InstallError>((path, count))
    })
    .await
    .map_err(|e| InstallError::UnsafeArchive(format!("unpacking stopped: {e}")))??;
    Ok(Installed {
        package,
        version,
        verdict: served_verdict,
        sha256: actual,
        path,
        files: count,
    })
}

/// The path of an entry below the top folder `name/`, checked to stay inside it.
fn entry_path(raw: &Path, name: &str) -> Result<PathBuf, InstallError> {
    let shown = raw.display().to_string();
    let mut components = raw.components();
    match components.next() {
        Some(Component::Normal(top)) if top == name => {}
        _ => {
            return Err(InstallError::UnsafeArchive(format!(
                "{shown:?} is not inside the folder {name}/"
            )));
        }
    }
    let mut inner = PathBuf::new();
    for component in components {
        match component {
            Component::Normal(part) => inner.push(part),
            _ => {
                return Err(InstallError::UnsafeArchive(format!(
                    "{shown:?} is absolute or leaves its folder"
                )));
            }
        }
    }
    Ok(inner)
}

/// Unpacks into a staging folder inside `dir`, then swaps it in as `dir/name`.
pub fn unpack(archive: &[u8], name: &str, dir: &Path) -> Result<(PathBuf, usize), InstallError> {
    fs::create_dir_all(dir).map_err(io(dir))?;
    let staging = tempfile::Builder::new()
        .prefix(".skillvet-install-")
        .tempdir_in(dir)
        .map_err(io(dir))?;
    let root = staging.path().join(name);
    fs::create_dir(&root).map_err(io(&root))?;
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(archive));
    let (mut files, mut total) = (0usize, 0u64);
    let mut has_skill_md = false;
    let entries = tar
        .entries()
        .map_err(|e| InstallError::UnsafeArchive(e.to_string()))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| InstallError::UnsafeArchive(e.to_string()))?;
        let raw = entry
            .path()
            .map_err(|e| InstallError::UnsafeArchive(e.to_string()))?
            .into_owned();
        let inner = entry_path(&raw, name)?;
        match entry.header().entry_type() {
            tar::EntryType::Regular => {}
            tar::EntryType::Directory => continue,
            other => {
                return Err(InstallError::UnsafeArchive(format!(
                    "{} is a {other:?} entry; only regular files are installed",
                    raw.display()
                )));
            }
        }
        if inner.as_os_str().is_empty() {
            return Err(InstallError::UnsafeArchive(
                "an entry has no file name".into(),
            ));
        }
        files += 1;
        if files > MAX_FILES {
            return Err(InstallError::UnsafeArchive(format!(
                "more than {MAX_FILES} files"
            )));
        }
        let executable = entry.header().mode().is_ok_and(|m| m & 0o111 != 0);
        let target = root.join(&inner);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(io(parent))?;
        }
        let mut out = open_new(&target, executable)?;
        let mut buffer = [0u8; 64 * 1024];
        loop {
            let n = entry
                .read(&mut buffer)
                .map_err(|e| InstallError::UnsafeArchive(e.to_string()))?;
            if n == 0 {
                break;
            }
            total += n as u64;
            if total > MAX_UNPACKED_BYTES {
                return Err(InstallError::UnsafeArchive(format!(
                    "more than {MAX_UNPACKED_BYTES} bytes unpacked"
                )));
            }
            out.write_all(&buffer[..n]).map_err(io(&target))?;
        }
        has_skill_md |= inner == Path::new("SKILL.md");
    }
    if !has_skill_md {
        return Err(InstallError::UnsafeArchive(
            "the archive has no SKILL.md".into(),
        ));
    }
    let destination = dir.join(name);
    // The previous copy moves aside first, so a failure never leaves a half-written skill.
    let previous = staging.path().join(".previous");
    let replaced = match fs::symlink_metadata(&destination) {
        Ok(_) => {
            fs::rename(&destination, &previous).map_err(io(&destination))?;
            true
        }
        Err(_) => false,
    };
    if let Err(e) = fs::rename(&root, &destination) {
        if replaced {
            let _ = fs::rename(&previous, &destination);
        }
        return Err(io(&destination)(e));
    }
    Ok((destination, files))
}

fn open_new(path: &Path, executable: bool) -> Result<fs::File, InstallError> {
    let mut options = fs::OpenOptions::new();
    // create_new never follows or reuses an existing file or link.
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(if executable { 0o755 } else { 0o644 });
    }
    let _ = executable;
    options.open(path).map_err(io(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn archive(entries: &[(&str, tar::EntryType, &[u8])]) -> Vec<u8> {
        let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        let mut tar = tar::Builder::new(gz);
        for (path, kind, body) in entries {
            let mut header = tar::Header::new_gnu();
            header.set_entry_type(*kind);
            header.set_size(body.len() as u64);
            header.set_mode(0o644);
            // Written raw so that hostile names reach the reader unchanged.
            let name = header.as_old_mut().name.as_mut();
            name[..path.len()].copy_from_slice(path.as_bytes());
            if *kind == tar::EntryType::Symlink {
                header.set_link_name("/etc/passwd").unwrap();
            }
            header.set_cksum();
            tar.append(&header, *body).unwrap();
        }
        tar.into_inner().unwrap().finish().unwrap()
    }

    #[test]
    fn hostile_archives_are_refused_and_write_nothing() {
        let r = tar::EntryType::Regular;
        for (case, entries) in [
            (
                "dot-dot",
                vec![("pdf/SKILL.md", r, &b"x"[..]), ("pdf/../../evil", r, b"x")],
            ),
            ("absolute", vec![("/tmp/evil", r, &b"x"[..])]),
            ("other top folder", vec![("other/SKILL.md", r, &b"x"[..])]),
            (
                "symlink",
                vec![
                    ("pdf/SKILL.md", r, &b"x"[..]),
                    ("pdf/link", tar::EntryType::Symlink, b""),
                ],
            ),
            ("no SKILL.md", vec![("pdf/readme.txt", r, &b"x"[..])]),
        ] {
            // The skills folder sits in a fresh parent, so an escape would land there.
            let parent = tempfile::tempdir().unwrap();
            let dir = parent.path().join("skills");
            let err = unpack(&archive(&entries), "pdf", &dir).unwrap_err();
            assert!(
                matches!(err, InstallError::UnsafeArchive(_)),
                "{case}: {err}"
            );
            assert!(!dir.join("pdf").exists(), "{case}");
            assert!(!parent.path().join("evil").exists(), "{case}");
        }
    }

    #[test]
    fn a_good_archive_replaces_the_installed_copy() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("pdf")).unwrap();
        fs::write(dir.path().join("pdf/old.txt"), "old").unwrap();
        let good = archive(&[
            ("pdf/SKILL.md", tar::EntryType::Regular, b"# pdf"),
            ("pdf/scripts/a.sh", tar::EntryType::Regular, b"echo"),
        ]);
        let (path, files) = unpack(&good, "pdf", dir.path()).unwrap();
        assert_eq!(files, 2);
        assert_eq!(fs::read_to_string(path.join("SKILL.md")).unwrap(), "# pdf");
        assert!(!path.join("old.txt").exists());
        let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "staging folders are removed");
    }
}
