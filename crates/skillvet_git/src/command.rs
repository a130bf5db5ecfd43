//! Running git as a hardened subprocess: clean environment, safety configuration on the
//! command line, its own process group killed on timeout, size limit or cancellation.

use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::process::Command;
use tokio::time::Instant;

use crate::error::FetchError;

/// Most stderr kept from git (remote messages are attacker-controlled).
const STDERR_CAP: usize = 64 * 1024;
/// How much of it is shown in an error message.
const STDERR_SHOWN: usize = 2_000;
/// How often the repository size is checked while fetching.
const WATCH_INTERVAL: Duration = Duration::from_millis(100);

/// Configuration applied to every invocation (`-c key=value`): no protocol but https (and
/// file when the operator enabled local repositories), no hooks, no submodules, no symlinks,
/// no redirects, no credential prompts or helpers, every received object checked.
const HARDENING: &[&str] = &[
    "protocol.allow=never",
    "protocol.https.allow=always",
    "core.hooksPath=/dev/null",
    "core.symlinks=false",
    "core.fsmonitor=false",
    "core.askPass=",
    "credential.helper=",
    "fetch.recurseSubmodules=false",
    "submodule.recurse=false",
    "transfer.fsckObjects=true",
    "fetch.fsckObjects=true",
    "http.followRedirects=false",
    "gc.auto=0",
    "maintenance.auto=false",
    "init.defaultBranch=main",
    "advice.detachedHead=false",
];

pub(crate) struct Output {
    pub stdout: Vec<u8>,
    pub status: ExitStatus,
    pub stderr: String,
}

/// What to watch while a command runs.
pub(crate) enum Watch<'a> {
    None,
    /// Kill the command when this directory grows past the byte limit.
    DirSize(&'a Path, u64),
}

pub(crate) struct Git {
    binary: PathBuf,
    home: PathBuf,
    config: Vec<String>,
    deadline: Instant,
    timeout: Duration,
}

impl Git {
    pub fn new(
        binary: &Path,
        home: &Path,
        allow_file: bool,
        deadline: Instant,
        timeout: Duration,
    ) -> Git {
        let mut config: Vec<String> = HARDENING.iter().map(|s| (*s).to_owned()).collect();
        if allow_file {
            config.push("protocol.file.allow=always".to_owned());
        }
        Git {
            binary: binary.to_owned(),
            home: home.to_owned(),
            config,
            deadline,
            timeout,
        }
    }

    /// Adds a `-c key=value` for every later invocation.
    pub fn config(&mut self, entry: String) {
        self.config.push(entry);
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(&self.binary);
        // Nothing inherited: no GIT_* variables, proxies or credentials from our process.
        cmd.env_clear()
            .env("PATH", "/usr/local/bin:/usr/bin:/bin")
            .env("HOME", &self.home)
            .env("XDG_CONFIG_HOME", &self.home)
            .env("LANG", "C")
            .env("LC_ALL", "C")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_TERMINAL_PROMPT", "0")
            .env("GIT_ASKPASS", "")
            .env("SSH_ASKPASS", "")
            .env("GIT_LFS_SKIP_SMUDGE", "1")
            .env("GIT_PROTOCOL_FROM_USER", "0")
            .env("GIT_NO_REPLACE_OBJECTS", "1")
            .env(
                "GIT_ALLOW_PROTOCOL",
                if self
                    .config
                    .iter()
                    .any(|c| c == "protocol.file.allow=always")
                {
                    "https:file"
                } else {
                    "https"
                },
            );
        for entry in &self.config {
            cmd.arg("-c").arg(entry);
        }
        cmd.args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .kill_on_drop(true);
        cmd
    }

    /// Runs git with `args`, feeding `input` on stdin, keeping at most `stdout_cap` bytes of
    /// output (more is an error from `on_overflow`), under the fetch deadline and `watch`.
    pub async fn run(
        &self,
        operation: &'static str,
        args: &[&str],
        input: Option<Vec<u8>>,
        stdout_cap: usize,
        watch: Watch<'_>,
        on_overflow: impl FnOnce() -> FetchError,
    ) -> Result<Output, FetchError> {
        let mut cmd = self.command(args);
        if input.is_some() {
            cmd.stdin(Stdio::piped());
        }
        let mut child = cmd.spawn().map_err(|source| FetchError::GitUnavailable {
            binary: self.binary.display().to_string(),
            source,
        })?;
        let mut group = GroupKill::new(child.id());
        let stdin = child.stdin.take();
        let stdout = child.stdout.take();
        let stderr = child.stderr.take();

        let work = async {
            let write = async {
                if let (Some(mut pipe), Some(data)) = (stdin, input) {
                    // A failed write shows up as git's own error or a short read below.
                    let _ = pipe.write_all(&data).await;
                }
            };
            let (_, out, err) = tokio::join!(
                write,
                read_capped(stdout, stdout_cap),
                read_capped(stderr, STDERR_CAP)
            );
            let io = |source| FetchError::Io {
                context: "reading git output",
                source,
            };
            let (stdout, overflow) = out.map_err(io)?;
            let (stderr, _) = err.map_err(io)?;
            if overflow {
                return Err(on_overflow());
            }
            let status = child.wait().await.map_err(|source| FetchError::Io {
                context: "waiting for git",
                source,
            })?;
            Ok(Output {
                stdout,
                status,
                stderr: sanitise(&stderr),
            })
        };

        let result = tokio::select! {
            result = work => result,
            () = tokio::time::sleep_until(self.deadline) => Err(FetchError::Timeout { limit: self.timeout }),
            limit = watch_size(&watch) => Err(FetchError::RepositoryTooLarge { limit }),
        };
        match &result {
            // The leader was reaped: its id may be reused, so never signal that group again.
            Ok(_) => group.disarm(),
            Err(_) => group.kill(),
        }
        result.and_then(|out| {
            if out.status.success() {
                Ok(out)
            } else {
                Err(FetchError::Git {
                    operation,
                    status: out.status.to_string(),
                    stderr: out.stderr,
                })
            }
        })
    }
}

/// Kills a process group unless disarmed; the leader must not have been reaped yet when it
/// fires (so its id cannot have been reused), which holds for timeouts, limit breaches and a
/// dropped (cancelled) fetch.
struct GroupKill(Option<i32>);

impl GroupKill {
    fn new(pid: Option<u32>) -> Self {
        GroupKill(pid.and_then(|p| i32::try_from(p).ok()).filter(|p| *p > 0))
    }

    fn disarm(&mut self) {
        self.0 = None;
    }

    fn kill(&mut self) {
        if let Some(pgid) = self.0.take() {
            // SAFETY: kill(2) with a negative id signals that process group; no memory is
            // touched. The group is ours (process_group(0) made the child its leader).
            unsafe {
                libc::kill(-pgid, libc::SIGKILL);
            }
        }
    }
}

impl Drop for GroupKill {
    fn drop(&mut self) {
        self.kill();
    }
}

async fn read_capped(
    pipe: Option<impl AsyncRead + Unpin>,
    cap: usize,
) -> std::io::Result<(Vec<u8>, bool)> {
    let Some(pipe) = pipe else {
        return Ok((Vec::new(), false));
    };
    let mut out = Vec::new();
    pipe.take(cap as u64 + 1).read_to_end(&mut out).await?;
    let overflow = out.len() > cap;
    out.truncate(cap);
    Ok((out, overflow))
}

/// Resolves (with the limit) when the watched directory grows past it; never otherwise.
async fn watch_size(watch: &Watch<'_>) -> u64 {
    let Watch::DirSize(dir, limit) = watch else {
        return std::future::pending().await;
    };
    loop {
        tokio::time::sleep(WATCH_INTERVAL).await;
        if dir_size(dir) > *limit {
            return *limit;
        }
    }
}

/// Bytes used by regular files under `dir` (symlinks not followed; unreadable parts skipped,
/// since git may be renaming files while we look).
pub(crate) fn dir_size(dir: &Path) -> u64 {
    let mut total = 0u64;
    let mut stack = vec![dir.to_owned()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let Ok(meta) = entry.path().symlink_metadata() else {
                continue;
            };
            if meta.is_dir() {
                stack.push(entry.path());
            } else if meta.is_file() {
                total = total.saturating_add(meta.len());
            }
        }
    }
    total
}

/// Git's stderr made safe to show: control characters replaced, only the tail kept.
fn sanitise(stderr: &[u8]) -> String {
    let text: String = String::from_utf8_lossy(stderr)
        .chars()
        .map(|c| if c.is_control() && c != '\n' { '?' } else { c })
        .collect();
    let text = text.trim();
    let count = text.chars().count();
    if count > STDERR_SHOWN {
        let tail: String = text.chars().skip(count - STDERR_SHOWN).collect();
        format!("…{tail}")
    } else {
        text.to_owned()
    }
}
