//! Tier 2 — behavioural analysis of a skill's scripts.
//!
//! Python, shell and JavaScript/TypeScript files are parsed by hand-written front-ends
//! (`python`, `shell`, `js`) into one small IR (`ir`), which an abstract interpreter
//! (`engine`) runs with taint: sources (environment, credential files, home listings,
//! clipboard, cloud metadata, downloads) are followed through variables, string building,
//! encodings, functions, sibling modules and script-to-script invocations to sinks
//! (network, process execution, eval, file writes). `rules` turns what reaches a sink into
//! findings; `declared` compares the capabilities used with what SKILL.md declares.
//! `judge` adds an optional language model's opinion when one is configured.

pub mod catalog;
pub mod declared;
pub mod engine;
pub mod ir;
pub mod js;
pub mod judge;
pub mod python;
pub mod rules;
pub mod shell;
pub mod token;

use skillvet_skill::{FileKind, SkillBundle};

pub use declared::Declared;
pub use rules::{RULES, RuleInfo, T2Finding};

/// Files larger than this are left to tier 1 (which flags oversized files).
pub const MAX_SCRIPT_BYTES: usize = 512 * 1024;

/// Language of a bundled file, from its extension or shebang.
pub fn script_lang(path: &str, content: &[u8]) -> Option<ir::Lang> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("py" | "pyw") => return Some(ir::Lang::Python),
        Some("sh" | "bash" | "zsh" | "ksh" | "command") => return Some(ir::Lang::Shell),
        Some("js" | "mjs" | "cjs" | "jsx" | "ts" | "mts" | "cts" | "tsx") => {
            return Some(ir::Lang::JavaScript);
        }
        Some(_) if !name.starts_with('.') => return None,
        _ => {}
    }
    let first = content.split(|b| *b == b'\n').next().unwrap_or(&[]);
    let first = String::from_utf8_lossy(first);
    if !first.starts_with("#!") {
        return None;
    }
    if first.contains("python") {
        Some(ir::Lang::Python)
    } else if first.contains("node") || first.contains("deno") || first.contains("bun") {
        Some(ir::Lang::JavaScript)
    } else if first.contains("sh") {
        Some(ir::Lang::Shell)
    } else {
        None
    }
}

/// Result of analysing one bundle.
#[derive(Debug, Default)]
pub struct Tier2Report {
    pub findings: Vec<T2Finding>,
    /// Scripts parsed, by path.
    pub scripts: Vec<String>,
    /// The step budget ran out: the analysis is incomplete.
    pub truncated: bool,
}

/// Runs tier 2 over a bundle. Pure and deterministic; no I/O.
pub fn analyze_bundle(bundle: &SkillBundle) -> Tier2Report {
    let declared = bundle
        .manifest_bytes()
        .map(|b| Declared::from_skill_md(b, bundle.folder_name()))
        .unwrap_or_default();
    analyze_with(bundle, &declared)
}

pub fn analyze_with(bundle: &SkillBundle, declared: &Declared) -> Tier2Report {
    let mut units = Vec::new();
    let mut texts: Vec<String> = Vec::new();
    for f in &bundle.files {
        if !matches!(f.kind, FileKind::Regular | FileKind::Executable)
            || f.content.len() > MAX_SCRIPT_BYTES
        {
            continue;
        }
        let Some(lang) = script_lang(&f.path, &f.content) else {
            continue;
        };
        let text = String::from_utf8_lossy(&f.content).into_owned();
        let module = match lang {
            ir::Lang::Python => python::parse(&text),
            ir::Lang::Shell => shell::parse(&text),
            ir::Lang::JavaScript => js::parse(&text),
        };
        units.push(engine::Unit {
            path: f.path.clone(),
            lang,
            module,
        });
        texts.push(text);
    }
    if units.is_empty() {
        return Tier2Report::default();
    }
    let analysis = engine::analyze(&units);
    let text_refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let ctx = rules::Ctx {
        units: &units,
        texts: &text_refs,
        declared,
    };
    Tier2Report {
        findings: rules::findings(&analysis, &ctx),
        scripts: units.iter().map(|u| u.path.clone()).collect(),
        truncated: analysis.truncated,
    }
}
