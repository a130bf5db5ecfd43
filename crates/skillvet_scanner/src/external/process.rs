//! Running an external tool: own process group, minimal environment, time limit, output
//! limit. On timeout or oversized output the whole group is killed.

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

#[derive(Debug)]
pub struct Output {
    pub status: Option<i32>,
    pub stdout: Vec<u8>,
    /// Last part of stderr, for error messages.
    pub stderr_tail: String,
}

/// Environment variables passed through to tools; everything else is dropped so tokens in
/// our own environment never reach third-party code.
const PASS_ENV: &[&str] = &["HOME", "LANG", "LC_ALL", "TMPDIR", "USER"];

pub fn run(
    bin: &Path,
    args: &[&str],
    cwd: &Path,
    extra_env: &[(&str, String)],
    timeout: Duration,
    max_output: usize,
) -> Result<Output, String> {
    let mut cmd = Command::new(bin);
    cmd.args(args)
        .current_dir(cwd)
        .env_clear()
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    for k in PASS_ENV {
        if let Some(v) = std::env::var_os(k) {
            cmd.env(k, v);
        }
    }
    // Tools that shell out to helpers (njsscan → semgrep) find them beside themselves.
    let mut path = std::env::var_os("PATH").unwrap_or_default();
    if let Some(dir) = bin.parent() {
        let mut dirs = vec![dir.to_path_buf()];
        dirs.extend(std::env::split_paths(&path));
        path = std::env::join_paths(dirs).unwrap_or(path);
    }
    cmd.env("PATH", path);
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("could not start {}: {e}", bin.display()))?;
    let pid = child.id() as i32;
    let mut stdout = child.stdout.take().ok_or("no stdout pipe")?;
    let mut stderr = child.stderr.take().ok_or("no stderr pipe")?;
    let overflow = Arc::new(AtomicBool::new(false));
    let flag = overflow.clone();
    let out_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let mut chunk = [0u8; 64 * 1024];
        loop {
            match stdout.read(&mut chunk) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if buf.len() + n > max_output {
                        flag.store(true, Ordering::SeqCst);
                        break;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                }
            }
        }
        buf
    });
    let err_reader = std::thread::spawn(move || {
        let mut tail: Vec<u8> = Vec::new();
        let mut chunk = [0u8; 16 * 1024];
        while let Ok(n) = stderr.read(&mut chunk) {
            if n == 0 {
                break;
            }
            tail.extend_from_slice(&chunk[..n]);
            if tail.len() > 64 * 1024 {
                tail.drain(..tail.len() - 8 * 1024);
            }
        }
        tail
    });
    let deadline = Instant::now() + timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break Some(s),
            Ok(None) => {}
            Err(e) => {
                kill_group(pid);
                return Err(format!("waiting for {}: {e}", bin.display()));
            }
        }
        if overflow.load(Ordering::SeqCst) {
            kill_group(pid);
            let _ = child.wait();
            break None;
        }
        if Instant::now() >= deadline {
            kill_group(pid);
            let _ = child.wait();
            return Err(format!(
                "{} did not finish within {:?}",
                bin.display(),
                timeout
            ));
        }
        std::thread::sleep(Duration::from_millis(15));
    };
    // Helpers left behind by the tool go with it.
    kill_group(pid);
    let stdout = out_reader.join().map_err(|_| "stdout reader panicked")?;
    let tail = err_reader.join().unwrap_or_default();
    if overflow.load(Ordering::SeqCst) {
        return Err(format!(
            "{} produced more than {max_output} bytes of output",
            bin.display()
        ));
    }
    let tail = String::from_utf8_lossy(&tail);
    let tail: String = tail
        .chars()
        .rev()
        .take(2000)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    Ok(Output {
        status: status.and_then(|s| s.code()),
        stdout,
        stderr_tail: tail,
    })
}

fn kill_group(pid: i32) {
    // SAFETY: kill(2) with a negative pid signals the process group we created for the
    // child (`process_group(0)` makes its pid the group id); no memory is involved.
    unsafe {
        libc::kill(-pid, libc::SIGKILL);
    }
}
