//! External scanners: Semgrep, njsscan, gitleaks and trufflehog, run on a folder holding
//! the skill when they are installed, their JSON parsed into [`ExternalFinding`]s.
//!
//! Every run has a time limit and an output-size limit, executes in its own process group
//! (killed whole on timeout, so Semgrep's worker processes die too), gets a minimal
//! environment, and never contacts the network on our behalf: Semgrep runs only our
//! bundled rule file with metrics off, trufflehog runs with `--no-verification`.
//! A tool that is not installed is reported as [`ToolOutcome::NotAvailable`], never as
//! "no findings".

pub mod gitleaks;
pub mod njsscan;
pub mod process;
pub mod semgrep;
pub mod trufflehog;

use std::path::{Path, PathBuf};
use std::time::Duration;

use skillvet_skill::{FileKind, SkillBundle};

use crate::model::Severity;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tool {
    Semgrep,
    Njsscan,
    Gitleaks,
    Trufflehog,
}

impl Tool {
    pub const ALL: [Tool; 4] = [
        Tool::Semgrep,
        Tool::Njsscan,
        Tool::Gitleaks,
        Tool::Trufflehog,
    ];

    pub fn binary(self) -> &'static str {
        match self {
            Tool::Semgrep => "semgrep",
            Tool::Njsscan => "njsscan",
            Tool::Gitleaks => "gitleaks",
            Tool::Trufflehog => "trufflehog",
        }
    }

    /// Prefix of the rule ids of this tool's findings (`SV-EXT-SEMGREP-…`).
    pub fn rule_prefix(self) -> &'static str {
        match self {
            Tool::Semgrep => "SV-EXT-SEMGREP",
            Tool::Njsscan => "SV-EXT-NJSSCAN",
            Tool::Gitleaks => "SV-EXT-GITLEAKS",
            Tool::Trufflehog => "SV-EXT-TRUFFLEHOG",
        }
    }
}

impl std::fmt::Display for Tool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.binary())
    }
}

#[derive(Debug, Clone)]
pub struct ExternalConfig {
    /// Explicit binary per tool; otherwise searched on `PATH`.
    pub binaries: Vec<(Tool, PathBuf)>,
    pub timeout: Duration,
    /// Most bytes read from a tool's report before it is stopped.
    pub max_output_bytes: usize,
    /// Tools to run.
    pub tools: Vec<Tool>,
}

impl Default for ExternalConfig {
    fn default() -> Self {
        ExternalConfig {
            binaries: Vec::new(),
            timeout: Duration::from_secs(120),
            max_output_bytes: 16 * 1024 * 1024,
            tools: Tool::ALL.to_vec(),
        }
    }
}

impl ExternalConfig {
    /// Finds a tool: configured path first, then `PATH`.
    pub fn locate(&self, tool: Tool) -> Result<PathBuf, String> {
        if let Some((_, p)) = self.binaries.iter().find(|(t, _)| *t == tool) {
            return if is_executable(p) {
                Ok(p.clone())
            } else {
                Err(format!(
                    "configured binary {} is not an executable file",
                    p.display()
                ))
            };
        }
        let path = std::env::var_os("PATH").unwrap_or_default();
        for dir in std::env::split_paths(&path) {
            let candidate = dir.join(tool.binary());
            if is_executable(&candidate) {
                return Ok(candidate);
            }
        }
        Err(format!(
            "`{}` was not found on PATH and no path is configured",
            tool.binary()
        ))
    }
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// One finding reported by an external tool, already mapped to skillvet's severities.
#[derive(Debug, Clone, PartialEq)]
pub struct ExternalFinding {
    pub tool: Tool,
    /// `SV-EXT-<TOOL>-<tool's rule id>`.
    pub rule_id: String,
    pub severity: Severity,
    pub message: String,
    /// Path relative to the scanned folder.
    pub file: String,
    pub line: u32,
    pub column: u32,
    /// Matched text, with secrets redacted.
    pub evidence: String,
}

#[derive(Debug, Clone)]
pub enum ToolOutcome {
    Ran {
        tool: Tool,
        findings: Vec<ExternalFinding>,
        /// Problems the tool reported about individual files (parse errors…).
        warnings: Vec<String>,
        elapsed: Duration,
    },
    NotAvailable {
        tool: Tool,
        reason: String,
    },
    Failed {
        tool: Tool,
        reason: String,
    },
}

impl ToolOutcome {
    pub fn tool(&self) -> Tool {
        match self {
            ToolOutcome::Ran { tool, .. }
            | ToolOutcome::NotAvailable { tool, .. }
            | ToolOutcome::Failed { tool, .. } => *tool,
        }
    }
    pub fn findings(&self) -> &[ExternalFinding] {
        match self {
            ToolOutcome::Ran { findings, .. } => findings,
            _ => &[],
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    #[error("{tool} output is not valid JSON: {source}")]
    Json {
        tool: Tool,
        #[source]
        source: serde_json::Error,
    },
    #[error("{tool} output has an unexpected shape: {detail}")]
    Shape { tool: Tool, detail: String },
}

/// Runs one tool on a folder. Prefer [`run_on_bundle`]/[`run_on_dir`], which scan a
/// prepared copy.
pub fn run_tool(tool: Tool, dir: &Path, cfg: &ExternalConfig) -> ToolOutcome {
    let bin = match cfg.locate(tool) {
        Ok(b) => b,
        Err(reason) => return ToolOutcome::NotAvailable { tool, reason },
    };
    let started = std::time::Instant::now();
    let result = match tool {
        Tool::Semgrep => semgrep::run(&bin, dir, cfg),
        Tool::Njsscan => njsscan::run(&bin, dir, cfg),
        Tool::Gitleaks => gitleaks::run(&bin, dir, cfg),
        Tool::Trufflehog => trufflehog::run(&bin, dir, cfg),
    };
    match result {
        Ok((findings, warnings)) => ToolOutcome::Ran {
            tool,
            findings,
            warnings,
            elapsed: started.elapsed(),
        },
        Err(reason) => ToolOutcome::Failed { tool, reason },
    }
}

/// Runs the configured tools on a folder.
pub fn run_all(dir: &Path, cfg: &ExternalConfig) -> Vec<ToolOutcome> {
    cfg.tools.iter().map(|t| run_tool(*t, dir, cfg)).collect()
}

/// Writes a bundle's regular files into a fresh temporary folder and runs the tools there.
/// Symlinks and submodules are not materialised. An empty `.semgrepignore` is written so
/// Semgrep does not apply its default exclusions (`tests/`, `vendor/`…) that a malicious
/// skill could hide behind; a `.semgrepignore` shipped by the skill is replaced for the
/// same reason.
pub fn run_on_bundle(
    bundle: &SkillBundle,
    cfg: &ExternalConfig,
) -> std::io::Result<Vec<ToolOutcome>> {
    let tmp = tempfile::Builder::new().prefix("skillvet-ext-").tempdir()?;
    materialise(bundle, tmp.path())?;
    Ok(run_all(tmp.path(), cfg))
}

/// Loads a skill folder (no symlink following, default limits) and scans a copy of it.
pub fn run_on_dir(dir: &Path, cfg: &ExternalConfig) -> Result<Vec<ToolOutcome>, String> {
    let bundle = skillvet_skill::local::load_dir(dir, &Default::default())
        .map_err(|e| format!("loading {}: {e}", dir.display()))?;
    run_on_bundle(&bundle, cfg).map_err(|e| format!("preparing a scan folder: {e}"))
}

fn materialise(bundle: &SkillBundle, root: &Path) -> std::io::Result<()> {
    for f in &bundle.files {
        if !matches!(f.kind, FileKind::Regular | FileKind::Executable) {
            continue;
        }
        // Bundle paths are relative, `/`-separated and free of `..` by construction; check
        // again rather than trust it with a write.
        if f.path.starts_with('/') || f.path.split('/').any(|c| c == ".." || c.is_empty()) {
            continue;
        }
        if f.path == ".semgrepignore" {
            continue;
        }
        let dest = root.join(&f.path);
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&dest, &f.content)?;
    }
    std::fs::write(root.join(".semgrepignore"), "# skillvet: scan every file\n")
}

/// Strips the scanned folder's prefix from a path a tool reported.
pub(crate) fn relative(dir: &Path, reported: &str) -> String {
    let p = Path::new(reported);
    // Tools may report the canonical folder (/tmp → /private/tmp…).
    let canon = dir.canonicalize().ok();
    let rel = p
        .strip_prefix(dir)
        .ok()
        .or_else(|| canon.as_deref().and_then(|c| p.strip_prefix(c).ok()))
        .unwrap_or(p);
    rel.to_string_lossy()
        .replace('\\', "/")
        .trim_start_matches("./")
        .to_string()
}

/// Reads line `line` (1-based) of a scanned file, for evidence when a tool omits it.
pub(crate) fn line_of(dir: &Path, file: &str, line: u32) -> String {
    let Ok(text) = std::fs::read_to_string(dir.join(file)) else {
        return String::new();
    };
    crate::tier2::rules::line_text(&text, line)
}

/// Masks the middle of a secret so reports never carry it whole.
pub fn redact(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    if chars.len() <= 8 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..4].iter().collect();
    format!("{head}…[redacted {} chars]", chars.len() - 4)
}
