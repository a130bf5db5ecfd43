//! `.skillvet-lock.json` in a skills folder: what `skillvet install` put there (package,
//! version, server, tarball sha256, every file's sha256), so `skillvet audit` can tell later
//! whether a skill was changed on disk or withdrawn by the registry.
//!
//! The file is shared by every install into the folder, so each update holds an exclusive
//! OS lock on a sibling `.skillvet-lock.json.lock` for the whole unpack-and-record step and
//! replaces the file atomically (write, fsync, rename). A lock file that cannot be read is an
//! error, never silently reset: it is the only record of what was installed.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub const LOCK_FILE: &str = ".skillvet-lock.json";
const FORMAT_VERSION: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is not a skillvet lock file: {message}")]
    Corrupt { path: PathBuf, message: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockEntry {
    /// `owner/repo/skill`
    pub package: String,
    pub version: String,
    /// The server it came from (base URL).
    pub server: String,
    /// sha256 of the downloaded tarball.
    pub sha256: String,
    /// The verdict served with the download.
    pub verdict: String,
    /// Path inside the skill folder → sha256 of its content.
    pub files: BTreeMap<String, String>,
    /// Seconds since the Unix epoch.
    pub installed_at: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LockFile {
    pub lockfile_version: u32,
    /// Skill folder name → what was installed there.
    pub skills: BTreeMap<String, LockEntry>,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> LockError + '_ {
    move |source| LockError::Io {
        path: path.to_owned(),
        source,
    }
}

pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// The `files` of a version record (`[{path, sha256, …}]`) as path → sha256; `None` when a
/// path or digest is not plausible (a hostile server must not steer later audits).
pub fn files_of(version: &Value) -> Option<BTreeMap<String, String>> {
    let mut files = BTreeMap::new();
    for file in version["files"].as_array()? {
        let path = file["path"].as_str()?;
        let sha = file["sha256"].as_str()?;
        let plain = !path.is_empty()
            && !path.starts_with('/')
            && path
                .split('/')
                .all(|p| !p.is_empty() && p != "." && p != "..");
        if !plain || sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        files.insert(path.to_owned(), sha.to_ascii_lowercase());
    }
    Some(files)
}

/// Reads `dir/.skillvet-lock.json`; a folder without one has an empty lock.
pub fn read(dir: &Path) -> Result<LockFile, LockError> {
    let path = dir.join(LOCK_FILE);
    let text = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(LockFile {
                lockfile_version: FORMAT_VERSION,
                skills: BTreeMap::new(),
            });
        }
        Err(e) => return Err(io(&path)(e)),
    };
    let corrupt = |message: String| LockError::Corrupt {
        path: path.clone(),
        message,
    };
    let lock: LockFile = serde_json::from_str(&text).map_err(|e| corrupt(e.to_string()))?;
    if lock.lockfile_version != FORMAT_VERSION {
        return Err(corrupt(format!(
            "lockfile_version {} is not supported (this skillvet writes {FORMAT_VERSION})",
            lock.lockfile_version
        )));
    }
    Ok(lock)
}

/// An exclusive hold on a skills folder's lock file, for one read-modify-write.
pub struct Guard {
    dir: PathBuf,
    _file: fs::File,
}

impl Guard {
    /// Blocks until no other skillvet process is updating `dir`.
    pub fn acquire(dir: &Path) -> Result<Self, LockError> {
        fs::create_dir_all(dir).map_err(io(dir))?;
        let path = dir.join(format!("{LOCK_FILE}.lock"));
        let file = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(io(&path))?;
        file.lock().map_err(io(&path))?;
        Ok(Self {
            dir: dir.to_owned(),
            _file: file,
        })
    }

    /// Records `entry` for the skill folder `name`, replacing what was recorded before.
    pub fn record(&self, name: &str, entry: LockEntry) -> Result<(), LockError> {
        let mut lock = read(&self.dir)?;
        lock.skills.insert(name.to_owned(), entry);
        self.write(&lock)
    }

    fn write(&self, lock: &LockFile) -> Result<(), LockError> {
        let path = self.dir.join(LOCK_FILE);
        let mut temp = tempfile::Builder::new()
            .prefix(".skillvet-lock-")
            .tempfile_in(&self.dir)
            .map_err(io(&self.dir))?;
        let mut text = serde_json::to_string_pretty(lock).expect("the lock file serialises");
        text.push('\n');
        temp.write_all(text.as_bytes()).map_err(io(temp.path()))?;
        temp.as_file().sync_all().map_err(io(temp.path()))?;
        temp.persist(&path).map_err(|e| io(&path)(e.error))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(version: &str) -> LockEntry {
        LockEntry {
            package: "acme/toolbox/pdf".into(),
            version: version.into(),
            server: "http://127.0.0.1:8080".into(),
            sha256: "ab".repeat(32),
            verdict: "PASS".into(),
            files: BTreeMap::from([("SKILL.md".into(), "cd".repeat(32))]),
            installed_at: 1,
        }
    }

    #[test]
    fn records_survive_concurrent_installs() {
        let dir = tempfile::tempdir().unwrap();
        std::thread::scope(|s| {
            for i in 0..16 {
                let dir = dir.path();
                s.spawn(move || {
                    let guard = Guard::acquire(dir).unwrap();
                    guard.record(&format!("skill-{i}"), entry("1")).unwrap();
                });
            }
        });
        let lock = read(dir.path()).unwrap();
        assert_eq!(lock.skills.len(), 16, "no update may overwrite another");
        let guard = Guard::acquire(dir.path()).unwrap();
        guard.record("skill-3", entry("2")).unwrap();
        assert_eq!(read(dir.path()).unwrap().skills["skill-3"].version, "2");
    }

    #[test]
    fn a_damaged_lock_file_is_an_error_not_a_reset() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(LOCK_FILE), "{not json").unwrap();
        let guard = Guard::acquire(dir.path()).unwrap();
        assert!(matches!(
            guard.record("pdf", entry("1")),
            Err(LockError::Corrupt { .. })
        ));
        assert_eq!(
            fs::read_to_string(dir.path().join(LOCK_FILE)).unwrap(),
            "{not json"
        );
        fs::write(
            dir.path().join(LOCK_FILE),
            r#"{"lockfile_version": 9, "skills": {}}"#,
        )
        .unwrap();
        assert!(matches!(read(dir.path()), Err(LockError::Corrupt { .. })));
    }

    #[test]
    fn file_lists_from_a_server_are_checked() {
        let sha = "0a".repeat(32);
        let good = serde_json::json!({"files": [{"path": "scripts/a.sh", "sha256": sha}]});
        assert_eq!(files_of(&good).unwrap()["scripts/a.sh"], sha);
        for bad in ["../x", "/etc/passwd", "a//b", ""] {
            let v = serde_json::json!({"files": [{"path": bad, "sha256": sha}]});
            assert!(files_of(&v).is_none(), "{bad}");
        }
        let short = serde_json::json!({"files": [{"path": "a", "sha256": "00"}]});
        assert!(files_of(&short).is_none());
    }
}
