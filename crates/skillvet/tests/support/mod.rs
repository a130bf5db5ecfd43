//! The real `skillvet` binary as a child process: a server on loopback and one-shot verbs.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use skillvet_test_db::TestDb;

/// A child process killed (if still running) when dropped.
pub struct Proc {
    child: Child,
    name: &'static str,
}

impl Proc {
    pub fn start(name: &'static str, args: &[&str]) -> Self {
        let child = Command::new(env!("CARGO_BIN_EXE_skillvet"))
            .args(args)
            .env("SKILLVET_LOG", "info")
            .env_remove("SKILLVET_DATABASE_URL")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("starting skillvet");
        Self { child, name }
    }

    /// Reads stdout until a line starting with `prefix`; returns that line.
    pub fn wait_line(&mut self, prefix: &str) -> String {
        let stdout = self.child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let line = loop {
            match lines.next() {
                Some(Ok(line)) if line.starts_with(prefix) => break line,
                Some(Ok(_)) => continue,
                other => panic!("{} ended before printing {prefix:?}: {other:?}", self.name),
            }
        };
        // Keep draining so the child never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines.by_ref() {});
        line
    }

    /// Sends SIGTERM and waits for a clean exit.
    pub fn terminate(mut self) {
        let pid = self.child.id() as i32;
        // SAFETY: signalling our own child process by its pid.
        assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "{} exited with {status}", self.name);
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{} did not stop on SIGTERM",
                self.name
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn skillvet(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_skillvet"))
        .args(args)
        .env_remove("SKILLVET_DATABASE_URL")
        .output()
        .expect("running skillvet");
    assert!(
        out.status.success(),
        "skillvet {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// Starts `serve` with `extra` flags; returns the process and the API base URL.
pub fn serve(db: &TestDb, extra: &[&str]) -> (Proc, String) {
    let mut args = vec![
        "serve",
        "--database-url",
        db.url(),
        "--listen",
        "127.0.0.1:0",
        "--allow-local-repos",
        "--allow-anonymous-submit",
    ];
    args.extend_from_slice(extra);
    let mut server = Proc::start("serve", &args);
    let line = server.wait_line("listening on ");
    let base = line.trim_start_matches("listening on ").to_owned();
    (server, base)
}

/// Runs `skillvet args…` to completion: exit code, stdout, stderr.
pub fn run(args: &[&str]) -> (i32, String, String) {
    run_with(args, |_| {})
}

/// [`run`] with the command adjusted first (environment, working directory).
pub fn run_with(args: &[&str], adjust: impl FnOnce(&mut Command)) -> (i32, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_skillvet"));
    command
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("SKILLVET_DATABASE_URL")
        .env_remove("SKILLVET_SERVER")
        .env_remove("SKILLVET_TOKEN");
    adjust(&mut command);
    let out = command.output().expect("running skillvet");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `skillvet admin create-token --login LOGIN EXTRA…` on the test database; the token.
pub fn create_token(db: &TestDb, login: &str, extra: &[&str]) -> String {
    let mut args = vec![
        "admin",
        "create-token",
        "--database-url",
        db.url(),
        "--login",
        login,
    ];
    args.extend_from_slice(extra);
    skillvet(&args)
}
