//! Commands split over several files of the bundle that SKILL.md tells the agent to join
//! and run: no single file holds anything to find, so the pieces are joined here the way
//! the instruction says and the result is scanned like a script.

use std::sync::LazyLock;

use regex::Regex;
use skillvet_skill::{FileKind, SkillBundle};

use super::rules::known;
use super::{Doc, Limits, Role, SkillContext, files, make_finding, scan_patterns};
use crate::registry::RuleId;
use crate::{Confidence, Finding, Severity};

/// A sentence that joins pieces and runs the result.
static ASSEMBLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?-u:\b)(join|joined|concatenate|concatenated|combine|combined|assemble|assembled|glue|merge|put\s+together|append)(?-u:\b)(?:[^.]|\.[a-zA-Z0-9]){0,300}?(?-u:\b)(run|execute|paste|eval|source|type|enter)(?-u:\b)",
    )
    .expect("assembly regex")
});

/// Pieces are short; a join of whole documents is not a hidden command.
const MAX_PIECE: usize = 4096;

pub(crate) fn scan(
    bundle: &SkillBundle,
    ctx: &SkillContext,
    limits: &Limits,
    out: &mut Vec<Finding>,
) {
    let Some(skill_md) = bundle.files.iter().find(|f| f.path == super::SKILL_MD) else {
        return;
    };
    let Some(text) = files::as_text(&skill_md.content) else {
        return;
    };
    let pieces: Vec<(&str, String)> = bundle
        .files
        .iter()
        .filter(|f| f.path != super::SKILL_MD && matches!(f.kind, FileKind::Regular))
        .filter(|f| f.content.len() <= MAX_PIECE)
        .filter_map(|f| files::as_text(&f.content).map(|t| (f.path.as_str(), t.into_owned())))
        .collect();
    if pieces.len() < 2 {
        return;
    }
    // Laid out only for a finding: most SKILL.md files have none.
    let mut doc = None;
    for m in ASSEMBLE.find_iter(&text) {
        // The pieces in the order the sentence names them.
        let sentence = m.as_str();
        let mut named: Vec<(usize, &str, &str)> = pieces
            .iter()
            .filter_map(|(p, t)| {
                let name = p.rsplit('/').next().unwrap_or(p);
                sentence
                    .find(*p)
                    .or_else(|| sentence.find(name))
                    .map(|at| (at, *p, t.trim_end_matches(['\n', '\r'])))
            })
            .collect();
        if named.len() < 2 {
            continue;
        }
        named.sort();
        for sep in ["", " ", "\n"] {
            let joined: String = named
                .iter()
                .map(|(_, _, t)| *t)
                .collect::<Vec<_>>()
                .join(sep);
            let sub = Doc::new("assembled", &joined, Role::Script, ctx, None);
            let mut found = Vec::new();
            scan_patterns(&sub, ctx, limits, &mut found);
            let Some(worst) = found
                .iter()
                .filter(|f| f.severity >= Severity::High)
                .max_by_key(|f| (f.severity, f.confidence))
            else {
                continue;
            };
            let rule = known(RuleId::T1ObfSplitStrings);
            let paths: Vec<&str> = named.iter().map(|(_, p, _)| *p).collect();
            let doc = doc
                .get_or_insert_with(|| Doc::new(super::SKILL_MD, &text, Role::SkillMd, ctx, None));
            let mut f = make_finding(
                rule,
                doc,
                ctx,
                m.start(),
                sentence,
                format!(
                    "SKILL.md has the agent join {} and run the result; joined, they read \"{}\" ({}).",
                    paths.join(" + "),
                    super::sanitize_evidence(&joined, 160),
                    RuleId::from_code(&worst.rule_id).map_or("", |r| r.doc().title),
                ),
            );
            f.severity = worst.severity;
            f.confidence = Confidence::High;
            out.push(f);
            break;
        }
    }
}
