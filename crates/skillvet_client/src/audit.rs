//! `skillvet audit`: are the skills in an agent's skills folder still what was verified?
//!
//! For each folder installed by `skillvet install` (recorded in `.skillvet-lock.json`) it
//! checks the files on disk against the recorded digests, then asks the server that served
//! it whether the skill was blocked, the version yanked or its verdict changed by a rescan,
//! and whether a newer version exists. Folders skillvet did not install are scanned locally
//! with the scanner's tiers 1 and 2. Symlinks are never followed: a linked skill folder or
//! file is itself a finding.

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256};

use skillvet_scanner::model::{Severity, Verdict};
use skillvet_scanner::scan;

use crate::api::{ApiError, Server, printable};
use crate::lock::{self, LockEntry, LockError};

/// Files read per skill folder when checking digests; more is itself suspicious.
const MAX_FILES: usize = 5_000;
const MAX_BYTES: u64 = 100 * 1024 * 1024;

#[derive(Debug, Clone, clap::Args)]
pub struct AuditArgs {
    /// Folder that holds the agent's skills.
    #[arg(long, default_value = ".claude/skills")]
    pub dir: PathBuf,
    /// Ask this server instead of the one each skill was installed from.
    #[arg(long)]
    pub server: Option<String>,
    /// Check files on disk only; do not contact any server.
    #[arg(long)]
    pub offline: bool,
    /// Print the findings as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Issue {
    pub severity: Severity,
    /// `blocked`, `yanked`, `verdict`, `removed`, `modified`, `outdated`, `unmanaged`,
    /// `missing`, `symlink` or `unreachable`.
    pub code: &'static str,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditedSkill {
    /// The folder name under the skills folder.
    pub name: String,
    pub package: Option<String>,
    pub version: Option<String>,
    pub issues: Vec<Issue>,
}

impl AuditedSkill {
    pub fn worst(&self) -> Option<Severity> {
        self.issues.iter().map(|i| i.severity).max()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error(transparent)]
    Lock(#[from] LockError),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Api(#[from] ApiError),
}

fn issue(severity: Severity, code: &'static str, message: impl Into<String>) -> Issue {
    Issue {
        severity,
        code,
        message: message.into(),
    }
}

/// Audits every skill folder under `args.dir`, in name order.
pub async fn audit(
    http: &reqwest::Client,
    args: &AuditArgs,
) -> Result<Vec<AuditedSkill>, AuditError> {
    let locked = lock::read(&args.dir)?;
    let on_disk = skill_folders(&args.dir)?;
    let mut names: Vec<&String> = locked.skills.keys().chain(on_disk.keys()).collect();
    names.sort();
    names.dedup();
    let mut out = Vec::new();
    for name in names {
        let path = args.dir.join(name);
        let mut skill = AuditedSkill {
            name: name.clone(),
            package: None,
            version: None,
            issues: Vec::new(),
        };
        let is_link = on_disk.get(name).copied().unwrap_or(false);
        match locked.skills.get(name) {
            Some(entry) => {
                skill.package = Some(entry.package.clone());
                skill.version = Some(entry.version.clone());
                if !on_disk.contains_key(name) {
                    skill.issues.push(issue(
                        Severity::Low,
                        "missing",
                        "installed by skillvet but the folder is gone",
                    ));
                } else if is_link {
                    skill.issues.push(link_issue());
                } else {
                    skill.issues.extend(local_changes(&path, entry)?);
                }
                if !args.offline {
                    let server = args.server.as_deref().unwrap_or(&entry.server);
                    skill
                        .issues
                        .extend(registry_issues(http, server, entry).await);
                }
            }
            None if is_link => skill.issues.push(link_issue()),
            None => {
                // A CLI run: blocking this task for a local scan (tiers 1 and 2) is fine.
                let scanned = skillvet_scanner::scan::scan(&path, &scan::Options::default());
                skill.issues.push(match scanned {
                    Ok(report) => {
                        let (verdict, score) = (report.verdict, report.score);
                        let severity = match verdict {
                            Verdict::Pass => Severity::Info,
                            Verdict::Concerns => Severity::Medium,
                            Verdict::Fail => Severity::High,
                        };
                        issue(
                            severity,
                            "unmanaged",
                            format!(
                                "not installed by skillvet; local scan: {verdict} (score {score})"
                            ),
                        )
                    }
                    Err(e) => issue(
                        Severity::High,
                        "unmanaged",
                        format!("not installed by skillvet and could not be scanned: {e}"),
                    ),
                });
            }
        }
        out.push(skill);
    }
    Ok(out)
}

fn link_issue() -> Issue {
    issue(
        Severity::High,
        "symlink",
        "the skill folder is a symbolic link: its content is not what was verified",
    )
}

/// Folders (and links to anything) directly under `dir`, except skillvet's own dot files.
fn skill_folders(dir: &Path) -> Result<BTreeMap<String, bool>, AuditError> {
    let io = |source| AuditError::Io {
        path: dir.to_owned(),
        source,
    };
    let mut found = BTreeMap::new();
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(found),
        Err(e) => return Err(io(e)),
    };
    for entry in entries {
        let entry = entry.map_err(io)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let kind = entry.file_type().map_err(io)?;
        if name.starts_with(".skillvet") || !(kind.is_dir() || kind.is_symlink()) {
            continue;
        }
        found.insert(name, kind.is_symlink());
    }
    Ok(found)
}

/// Files changed, added or removed since install, by sha256.
fn local_changes(root: &Path, entry: &LockEntry) -> Result<Vec<Issue>, AuditError> {
    let mut on_disk = BTreeMap::new();
    let mut links = Vec::new();
    walk(root, "", &mut on_disk, &mut links)?;
    let mut changed = Vec::new();
    for (path, sha) in &entry.files {
        match on_disk.get(path) {
            None => changed.push(format!("{path} removed")),
            Some(actual) if actual != sha => changed.push(format!("{path} changed")),
            Some(_) => {}
        }
    }
    for path in on_disk.keys().filter(|p| !entry.files.contains_key(*p)) {
        changed.push(format!("{path} added"));
    }
    for path in links {
        changed.push(format!("{path} is a symbolic link"));
    }
    if changed.is_empty() {
        return Ok(Vec::new());
    }
    changed.sort();
    let shown: Vec<String> = changed.iter().take(10).map(|c| printable(c, 200)).collect();
    let more = changed.len().saturating_sub(shown.len());
    Ok(vec![issue(
        Severity::High,
        "modified",
        format!(
            "differs from the verified version: {}{}",
            shown.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        ),
    )])
}

fn walk(
    dir: &Path,
    prefix: &str,
    files: &mut BTreeMap<String, String>,
    links: &mut Vec<String>,
) -> Result<(), AuditError> {
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| AuditError::Io { path, source }
    };
    for entry in fs::read_dir(dir).map_err(io(dir))? {
        let entry = entry.map_err(io(dir))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let rel = format!("{prefix}{name}");
        let kind = entry.file_type().map_err(io(&entry.path()))?;
        if kind.is_symlink() {
            links.push(rel);
        } else if kind.is_dir() {
            walk(&entry.path(), &format!("{rel}/"), files, links)?;
        } else if kind.is_file() {
            if files.len() >= MAX_FILES {
                return Err(AuditError::Io {
                    path: dir.to_owned(),
                    source: std::io::Error::other(format!("more than {MAX_FILES} files")),
                });
            }
            files.insert(rel, sha256_file(&entry.path())?);
        }
    }
    Ok(())
}

fn sha256_file(path: &Path) -> Result<String, AuditError> {
    let io = |source| AuditError::Io {
        path: path.to_owned(),
        source,
    };
    let file = fs::File::open(path).map_err(io)?;
    let mut hasher = Sha256::new();
    let mut reader = file.take(MAX_BYTES);
    let mut buffer = [0u8; 64 * 1024];
    loop {
        let n = reader.read(&mut buffer).map_err(io)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
    }
    Ok(hex::encode(hasher.finalize()))
}

/// What the registry says now of the installed package and version.
async fn registry_issues(http: &reqwest::Client, base: &str, entry: &LockEntry) -> Vec<Issue> {
    match registry_issues_or_error(http, base, entry).await {
        Ok(issues) => issues,
        Err(ApiError::Refused { status: 404, .. }) => vec![issue(
            Severity::High,
            "removed",
            format!("{} is no longer served by {base}", entry.package),
        )],
        Err(e) => vec![issue(
            Severity::Medium,
            "unreachable",
            format!(
                "could not check with the registry: {}",
                printable(&e.to_string(), 300)
            ),
        )],
    }
}

async fn registry_issues_or_error(
    http: &reqwest::Client,
    base: &str,
    entry: &LockEntry,
) -> Result<Vec<Issue>, ApiError> {
    let server = Server::new(http.clone(), base, None)?;
    let skill_path = format!("/api/v1/skills/{}", entry.package);
    let skill = server.get_json(&skill_path).await?;
    let mut issues = Vec::new();
    if skill["status"] == "BLOCKED" {
        issues.push(issue(
            Severity::Critical,
            "blocked",
            format!(
                "the registry blocked {}: {}",
                entry.package,
                printable(
                    skill["status_reason"].as_str().unwrap_or("no reason given"),
                    300
                )
            ),
        ));
    }
    // Taken down by a reviewer or its owner: no longer served, the reason says why.
    for (status, what) in [("QUARANTINED", "quarantined"), ("WITHDRAWN", "withdrawn")] {
        if skill["status"] == status {
            issues.push(issue(
                Severity::High,
                what,
                format!(
                    "the registry {what} {}: {}",
                    entry.package,
                    printable(
                        skill["status_reason"].as_str().unwrap_or("no reason given"),
                        300
                    )
                ),
            ));
        }
    }
    let version = server
        .get_json(&format!("{skill_path}/versions/{}", entry.version))
        .await?;
    if version["yanked"] == true {
        issues.push(issue(
            Severity::High,
            "yanked",
            format!(
                "version {} was yanked: {}",
                entry.version,
                printable(
                    version["yanked_reason"]
                        .as_str()
                        .unwrap_or("no reason given"),
                    300
                )
            ),
        ));
    }
    let verdict = version["verdict"]["verdict"].as_str().unwrap_or("UNKNOWN");
    if verdict != "PASS" {
        issues.push(issue(
            Severity::High,
            "verdict",
            format!(
                "version {} is now {} (installed as {})",
                entry.version,
                printable(verdict, 20),
                printable(&entry.verdict, 20)
            ),
        ));
    }
    let current = skill["current_version"].as_str().unwrap_or("");
    if !current.is_empty() && current != entry.version {
        issues.push(issue(
            Severity::Low,
            "outdated",
            format!(
                "version {} is available (installed {})",
                printable(current, 40),
                entry.version
            ),
        ));
    }
    Ok(issues)
}

/// One line per skill, then a summary; findings indented below their skill.
pub fn render(skills: &[AuditedSkill]) -> String {
    let mut out = String::new();
    for skill in skills {
        let what = match (&skill.package, &skill.version) {
            (Some(p), Some(v)) => format!("{p}@{v}"),
            _ => "(not installed by skillvet)".into(),
        };
        let state = match skill.worst() {
            None => "ok".to_owned(),
            Some(s) => s.as_str().to_owned(),
        };
        out.push_str(&format!(
            "{:<32} {:<48} {state}\n",
            printable(&skill.name, 64),
            what
        ));
        for i in &skill.issues {
            out.push_str(&format!("    {}: {}\n", i.code, i.message));
        }
    }
    let failing = skills.iter().filter(|s| failing(s)).count();
    out.push_str(&format!(
        "{} skill(s) audited, {failing} need attention\n",
        skills.len()
    ));
    out
}

/// A finding of high severity or worse makes `skillvet audit` exit 1.
pub fn failing(skill: &AuditedSkill) -> bool {
    skill.worst().is_some_and(|s| s >= Severity::High)
}
