//! `skillvet login` / `logout`: API tokens kept per server in the user's config folder
//! (`$SKILLVET_CONFIG_DIR`, else `$XDG_CONFIG_HOME/skillvet`, else `~/.config/skillvet`), in
//! `credentials.json` readable by the user only (0600, folder 0700). A file others can read
//! is ignored, as ssh does with keys.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

const FILE: &str = "credentials.json";

#[derive(Debug, Default, Serialize, Deserialize)]
struct Credentials {
    /// Token per server base URL (no trailing slash).
    servers: BTreeMap<String, String>,
}

pub fn config_dir() -> Option<PathBuf> {
    let env = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    env("SKILLVET_CONFIG_DIR")
        .map(PathBuf::from)
        .or_else(|| env("XDG_CONFIG_HOME").map(|d| PathBuf::from(d).join("skillvet")))
        .or_else(|| env("HOME").map(|d| PathBuf::from(d).join(".config/skillvet")))
}

fn key(server: &str) -> String {
    server.trim().trim_end_matches('/').to_owned()
}

fn read() -> io::Result<Credentials> {
    let Some(path) = config_dir().map(|d| d.join(FILE)) else {
        return Ok(Credentials::default());
    };
    let meta = match fs::metadata(&path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Credentials::default()),
        Err(e) => return Err(e),
    };
    if meta.permissions().mode() & 0o077 != 0 {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!(
                "{} is readable by other users; ignoring it (chmod 600 it, or log in again)",
                path.display()
            ),
        ));
    }
    let text = fs::read_to_string(&path)?;
    serde_json::from_str(&text).map_err(|e| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{}: {e}", path.display()),
        )
    })
}

fn write(credentials: &Credentials) -> io::Result<PathBuf> {
    let dir = config_dir().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::NotFound,
            "no config folder: set SKILLVET_CONFIG_DIR or HOME",
        )
    })?;
    fs::create_dir_all(&dir)?;
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o700))?;
    let path = dir.join(FILE);
    // Written beside and renamed: a crash never leaves half a file, and the mode is set
    // before the secret is in it.
    let partial = dir.join(format!(".{FILE}.{}", std::process::id()));
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&partial)?;
    file.write_all(&serde_json::to_vec_pretty(credentials).expect("JSON serialises"))?;
    file.sync_all()?;
    fs::rename(&partial, &path)?;
    Ok(path)
}

/// The stored token for `server`, if any. Problems with the file are printed, not fatal:
/// the verb then runs without a token.
pub fn load(server: &str) -> Option<String> {
    match read() {
        Ok(mut c) => c.servers.remove(&key(server)),
        Err(e) => {
            eprintln!("skillvet: {e}");
            None
        }
    }
}

/// Stores `token` for `server`; returns the file written.
pub fn save(server: &str, token: &str) -> io::Result<PathBuf> {
    let mut credentials = read().unwrap_or_default();
    credentials.servers.insert(key(server), token.to_owned());
    write(&credentials)
}

/// Forgets the token for `server`; returns it if there was one.
pub fn forget(server: &str) -> io::Result<Option<String>> {
    let mut credentials = read().unwrap_or_default();
    let removed = credentials.servers.remove(&key(server));
    if removed.is_some() {
        write(&credentials)?;
    }
    Ok(removed)
}
