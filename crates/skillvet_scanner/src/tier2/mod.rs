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
pub mod coverage;
pub mod declared;
pub mod engine;
pub mod fold;
pub mod ir;
pub mod js;
pub mod judge;
pub mod python;
pub mod rules;
pub mod shell;
pub mod token;
pub mod vuln;

use crate::registry::RuleId;
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
    if let Some(md) = bundle.manifest_bytes() {
        let text = String::from_utf8_lossy(md);
        for (lang, virtual_text) in skill_md_blocks(&text) {
            let module = match lang {
                ir::Lang::Python => python::parse(&virtual_text),
                ir::Lang::Shell => shell::parse(&virtual_text),
                ir::Lang::JavaScript => js::parse(&virtual_text),
            };
            units.push(engine::Unit {
                path: skillvet_skill::SKILL_MD.to_owned(),
                lang,
                module,
            });
            texts.push(virtual_text);
        }
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
    let mut findings = rules::findings(&analysis, &ctx);
    // SKILL.md's blocks are steps, not the skill's code: what they declare about network
    // or secrets is the prose's business (tier 1); their data flows are kept.
    findings.retain(|f| {
        f.file != skillvet_skill::SKILL_MD
            || !(matches!(
                f.rule,
                RuleId::T2UndeclaredNetwork
                    | RuleId::T2DeclaredNetwork
                    | RuleId::T2UndeclaredCredentialAccess
                    | RuleId::T2WriteOutsideSkill
            ) || f.rule == RuleId::T2RemoteCodeExec
                && f.flow
                    .iter()
                    .chain(std::iter::once(&f.evidence))
                    .any(|s| mentions_vendor_installer(s)))
    });
    Tier2Report {
        findings,
        scripts: {
            let mut v: Vec<String> = units.iter().map(|u| u.path.clone()).collect();
            v.dedup();
            v
        },
        truncated: analysis.truncated,
    }
}

fn mentions_vendor_installer(text: &str) -> bool {
    text.match_indices("https://")
        .any(|(i, _)| crate::tier1::is_vendor_installer(&text[i..]))
}

/// Shell blocks without a language tag count when they start like a command.
fn looks_like_shell(first: &str) -> bool {
    let t = first.trim_start().trim_start_matches("$ ");
    let word = t.split([' ', '\t']).next().unwrap_or("");
    crate::tier1::intent::lexicon::STEP_VERBS.contains(&word) && word != "at"
}

/// The code blocks of SKILL.md that are the skill's own steps, one text per language with
/// every other line blanked so line numbers stay those of SKILL.md. Blocks presented as
/// bad or attack examples are left out.
pub fn skill_md_blocks(text: &str) -> Vec<(ir::Lang, String)> {
    use crate::tier1::markdown::Layout;
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .filter(|&i| i < text.len())
        .collect();
    let lines: Vec<&str> = text.lines().collect();
    let body_line = if lines.first().is_some_and(|l| l.trim_end() == "---") {
        lines
            .iter()
            .skip(1)
            .position(|l| l.trim_end() == "---")
            .map_or(1, |p| p + 3)
    } else {
        1
    };
    let layout = Layout::new(text, &line_starts, body_line);
    let mut per_lang: Vec<(ir::Lang, Vec<bool>)> = Vec::new();
    for f in layout.fences() {
        if f.marked_bad && !f.step {
            continue;
        }
        let info = lines
            .get(f.open)
            .map(|l| {
                l.trim()
                    .trim_start_matches(['`', '~'])
                    .trim()
                    .to_ascii_lowercase()
            })
            .unwrap_or_default();
        let tag = info.split([' ', '{', ',']).next().unwrap_or("");
        let lang = match tag {
            "bash" | "sh" | "shell" | "zsh" | "console" | "shell-session" | "terminal" => {
                ir::Lang::Shell
            }
            "python" | "py" | "python3" => ir::Lang::Python,
            "js" | "javascript" | "node" | "ts" | "typescript" | "mjs" => ir::Lang::JavaScript,
            "" if f.step
                && lines
                    .iter()
                    .skip(f.open + 1)
                    .take(f.close.saturating_sub(f.open + 1))
                    .find(|l| !l.trim().is_empty())
                    .is_some_and(|l| looks_like_shell(l)) =>
            {
                ir::Lang::Shell
            }
            _ => continue,
        };
        let keep = match per_lang.iter_mut().find(|(l, _)| *l == lang) {
            Some((_, k)) => k,
            None => {
                per_lang.push((lang, vec![false; lines.len()]));
                &mut per_lang.last_mut().expect("just pushed").1
            }
        };
        for k in keep.iter_mut().take(f.close).skip(f.open + 1) {
            *k = true;
        }
    }
    per_lang
        .into_iter()
        .map(|(lang, keep)| {
            let mut out = String::with_capacity(text.len());
            for (i, l) in lines.iter().enumerate() {
                if keep[i] {
                    // `$ cmd` prompts in console blocks are the command.
                    let l = if lang == ir::Lang::Shell {
                        l.trim_start().strip_prefix("$ ").unwrap_or(l)
                    } else {
                        l
                    };
                    out.push_str(l);
                }
                out.push('\n');
            }
            (lang, out)
        })
        .collect()
}
