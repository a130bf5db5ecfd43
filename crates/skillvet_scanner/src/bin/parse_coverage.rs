//! How much of each script tier 2's hand-written front-ends understand:
//! `cargo run --release -p skillvet_scanner --bin parse-coverage [-- DIR… --explain]`.
//!
//! Walks the folders (default: `../shared/corpus` and the repository's `corpus/tuning`),
//! parses every `.py`, `.js`/`.mjs`/`.cjs`, `.ts`, `.sh`/`.bash` file with the front-end
//! tier 2 uses, and prints per language how many parsed completely, partially (some
//! stretches skipped, less than half of the significant lines) or failed (half or more
//! skipped). `--explain` lists each incomplete file with the line and construct that
//! stopped the parser. Files under a `holdout` folder are only counted: their names and
//! contents are never printed (the holdout split is scored, never read).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// `println!` into the report string.
macro_rules! outln {
    ($out:expr, $($arg:tt)*) => {{
        use std::fmt::Write as _;
        let _ = writeln!($out, $($arg)*);
    }};
}

use clap::Parser;
use serde::Serialize;
use skillvet_scanner::tier2::coverage::{self, Status};
use skillvet_scanner::tier2::{ir, js, python, shell};

#[derive(Parser)]
#[command(about = "Parse coverage of tier 2's front-ends on a tree of scripts")]
struct Args {
    /// Folders to walk (default: ../shared/corpus and corpus/tuning).
    dirs: Vec<PathBuf>,
    /// List each incomplete file with what stopped the parser (never for holdout files).
    #[arg(long)]
    explain: bool,
    /// Print one JSON document instead of the table.
    #[arg(long)]
    json: bool,
    /// Parse every file this many times more and report throughput.
    #[arg(long, default_value_t = 0)]
    repeat: u32,
}

#[derive(Default, Serialize, Clone)]
struct Tally {
    files: usize,
    complete: usize,
    partial: usize,
    failed: usize,
    bytes: usize,
    significant_lines: u64,
    unparsed_lines: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    mb_per_s: Option<f64>,
}

/// What stopped the parser most often, by reason with its variable part kept (`unexpected
/// name `x`` stays distinct from `unexpected `?``), over the files that may be read.
#[derive(Serialize)]
struct Report {
    languages: BTreeMap<&'static str, Tally>,
    total: Tally,
    reasons: BTreeMap<&'static str, Vec<(String, usize)>>,
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = rd.flatten().collect();
    entries.sort_by_key(|e| e.path());
    for e in entries {
        let Ok(t) = e.file_type() else { continue };
        if t.is_symlink() {
            continue;
        }
        if t.is_dir() {
            walk(&e.path(), out);
        } else if t.is_file() {
            out.push(e.path());
        }
    }
}

/// The language group of a file, by extension.
fn group(p: &Path) -> Option<&'static str> {
    let ext = p.extension()?.to_str()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "py" => "python",
        "js" | "mjs" | "cjs" => "javascript",
        "ts" => "typescript",
        "sh" | "bash" => "shell",
        _ => return None,
    })
}

fn parse(lang: &str, text: &str) -> ir::Module {
    match lang {
        "python" => python::parse(text),
        "shell" => shell::parse(text),
        _ => js::parse(text),
    }
}

fn is_holdout(p: &Path) -> bool {
    p.components().any(|c| c.as_os_str() == "holdout")
}

fn main() -> ExitCode {
    let args = Args::parse();
    let dirs = if args.dirs.is_empty() {
        vec![
            repo_root().join("../shared/corpus"),
            repo_root().join("corpus/tuning"),
        ]
    } else {
        args.dirs.clone()
    };
    let mut files = Vec::new();
    for d in &dirs {
        if !d.is_dir() {
            eprintln!("parse-coverage: {} is not a folder", d.display());
            return ExitCode::from(2);
        }
        walk(d, &mut files);
    }
    let mut langs: BTreeMap<&'static str, Tally> = BTreeMap::new();
    let mut reasons: BTreeMap<&'static str, BTreeMap<String, usize>> = BTreeMap::new();
    let mut explained = Vec::new();
    let mut secs: BTreeMap<&'static str, f64> = BTreeMap::new();
    for path in &files {
        let Some(lang) = group(path) else { continue };
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        if bytes.len() > skillvet_scanner::tier2::MAX_SCRIPT_BYTES {
            continue;
        }
        let text = String::from_utf8_lossy(&bytes);
        let module = parse(lang, &text);
        let cov = coverage::measure(&text, &module);
        if args.repeat > 0 {
            let t = Instant::now();
            for _ in 0..args.repeat {
                std::hint::black_box(parse(lang, &text));
            }
            *secs.entry(lang).or_default() += t.elapsed().as_secs_f64();
        }
        let t = langs.entry(lang).or_default();
        t.files += 1;
        t.bytes += bytes.len();
        t.significant_lines += u64::from(cov.significant);
        t.unparsed_lines += u64::from(cov.unparsed);
        match cov.status {
            Status::Complete => t.complete += 1,
            Status::Partial => t.partial += 1,
            Status::Failed => t.failed += 1,
        }
        if cov.status == Status::Complete || is_holdout(path) {
            continue;
        }
        let r = reasons.entry(lang).or_default();
        for u in &module.unparsed {
            *r.entry(u.reason.clone()).or_default() += 1;
        }
        if args.explain {
            let mut s = format!(
                "{} [{}] {}/{} significant lines unparsed",
                path.display(),
                cov.status.as_str(),
                cov.unparsed,
                cov.significant
            );
            let lines: Vec<&str> = text.lines().collect();
            for u in module.unparsed.iter().take(8) {
                let src = lines
                    .get(u.line.saturating_sub(1) as usize)
                    .map(|l| l.trim())
                    .unwrap_or("");
                let src: String = src.chars().take(100).collect();
                let end = if u.end_line == ir::TO_END {
                    "-end".to_string()
                } else if u.end_line > u.line {
                    format!("-{}", u.end_line)
                } else {
                    String::new()
                };
                s.push_str(&format!("\n    {}{end}: {}  | {src}", u.line, u.reason));
            }
            if module.unparsed.len() > 8 {
                s.push_str(&format!("\n    … {} more", module.unparsed.len() - 8));
            }
            explained.push(s);
        }
    }
    for (lang, s) in &secs {
        if let Some(t) = langs.get_mut(lang) {
            t.mb_per_s = Some(t.bytes as f64 * f64::from(args.repeat) / 1e6 / s.max(1e-9));
        }
    }
    let mut total = Tally::default();
    for t in langs.values() {
        total.files += t.files;
        total.complete += t.complete;
        total.partial += t.partial;
        total.failed += t.failed;
        total.bytes += t.bytes;
        total.significant_lines += t.significant_lines;
        total.unparsed_lines += t.unparsed_lines;
    }
    let report = Report {
        languages: langs,
        total,
        reasons: reasons
            .into_iter()
            .map(|(l, r)| {
                let mut v: Vec<(String, usize)> = r.into_iter().collect();
                v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                v.truncate(12);
                (l, v)
            })
            .collect(),
    };
    let mut out = String::new();
    if args.json {
        outln!(
            out,
            "{}",
            serde_json::to_string_pretty(&report).expect("serialisable")
        );
        return emit(&out);
    }
    outln!(
        out,
        "{:<11} {:>5} {:>8} {:>7} {:>6} {:>9} {:>9}{}",
        "language",
        "files",
        "complete",
        "partial",
        "failed",
        "sig-lines",
        "unparsed",
        if args.repeat > 0 { "     MB/s" } else { "" }
    );
    let row = |out: &mut String, name: &str, t: &Tally| {
        outln!(
            out,
            "{:<11} {:>5} {:>8} {:>7} {:>6} {:>9} {:>9}{}",
            name,
            t.files,
            t.complete,
            t.partial,
            t.failed,
            t.significant_lines,
            t.unparsed_lines,
            t.mb_per_s.map(|m| format!(" {m:>8.1}")).unwrap_or_default()
        );
    };
    for (l, t) in &report.languages {
        row(&mut out, l, t);
    }
    row(&mut out, "total", &report.total);
    for (l, r) in &report.reasons {
        outln!(
            out,
            "\n{l}: what stopped the parser (files that may be read)"
        );
        for (why, n) in r {
            outln!(out, "  {n:>4}  {why}");
        }
    }
    for e in explained {
        outln!(out, "\n{e}");
    }
    emit(&out)
}

/// Writes the report; a closed pipe (`| head`) is not an error.
fn emit(out: &str) -> ExitCode {
    use std::io::Write;
    match std::io::stdout().lock().write_all(out.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            eprintln!("parse-coverage: {e}");
            ExitCode::FAILURE
        }
        _ => ExitCode::SUCCESS,
    }
}
