//! Hidden Unicode: tag characters (decoded), bidi controls, zero-width and other invisible
//! characters, variation selectors, private use, terminal escapes; homoglyphs in words and
//! skill names; hidden directives in markdown comments, link titles and alt text.

use std::sync::LazyLock;

use regex::Regex;
use unicode_security::MixedScript;

use super::markdown::Layout;
use super::rules::known;
use super::{Doc, Limits, Origin, Role, SkillContext, make_finding, scan_text};
use crate::model::{Confidence, Finding, Severity};
use crate::registry::RuleId;

fn is_tag(c: char) -> bool {
    ('\u{E0000}'..='\u{E007F}').contains(&c)
}

fn is_bidi(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn is_zero_width(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}'
    )
}

fn is_supplementary_vs(c: char) -> bool {
    ('\u{E0100}'..='\u{E01EF}').contains(&c)
}

fn is_vs(c: char) -> bool {
    ('\u{FE00}'..='\u{FE0F}').contains(&c)
}

fn is_other_invisible(c: char) -> bool {
    matches!(c, '\u{2061}'..='\u{2064}' | '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' | '\u{180E}' | '\u{FFF9}'..='\u{FFFB}' | '\u{17B4}' | '\u{17B5}' | '\u{2028}' | '\u{2029}')
}

fn is_private_use(c: char) -> bool {
    matches!(c, '\u{E000}'..='\u{F8FF}' | '\u{F0000}'..='\u{FFFFD}' | '\u{100000}'..='\u{10FFFD}')
}

/// Control characters that have no business in a text file (ESC, backspace…).
fn is_bad_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{0C}')
}

/// The ASCII letter or digit a non-ASCII character imitates, per the Unicode confusables
/// skeleton (Cyrillic `а` → `a`, Greek `ο` → `o`…).
pub fn ascii_lookalike(c: char) -> Option<char> {
    if c.is_ascii() || !c.is_alphanumeric() {
        return None;
    }
    let mut buf = [0u8; 4];
    let mut sk = unicode_security::skeleton(c.encode_utf8(&mut buf));
    let first = sk.next()?;
    (sk.next().is_none() && first.is_ascii_alphanumeric()).then_some(first)
}

struct Hit {
    offset: usize,
    text: String,
}

/// Scans one document for invisible and deceptive characters.
pub(crate) fn scan(doc: &Doc, ctx: &SkillContext, limits: &Limits, out: &mut Vec<Finding>) {
    let text = doc.text;
    if text.is_ascii()
        && !text
            .bytes()
            .any(|b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0C) || b == 0x7F)
    {
        return;
    }
    let mut tags: Vec<(usize, String, usize)> = Vec::new(); // offset, decoded, count
    let mut bidi: Vec<Hit> = Vec::new();
    let mut zw: Vec<(usize, usize)> = Vec::new(); // offset, run length
    let mut vs: Vec<(usize, usize)> = Vec::new();
    let mut invisible: Vec<Hit> = Vec::new();
    let mut private: Vec<usize> = Vec::new();
    let mut controls: Vec<usize> = Vec::new();
    let mut mixed_lines: Vec<usize> = Vec::new();

    // Walks the text by byte: plain ASCII (all but a few control bytes) is none of the
    // characters looked for, and most files are nearly all ASCII.
    let bytes = text.as_bytes();
    let char_at = |at: usize| text[at..].chars().next();
    let mut off = 0;
    while off < bytes.len() {
        let b = bytes[off];
        if b.is_ascii() {
            if is_bad_control(char::from(b)) {
                controls.push(off);
            }
            off += 1;
            continue;
        }
        let c = char_at(off).expect("a char starts here");
        let prev = text[..off].chars().next_back();
        if is_tag(c) {
            let mut decoded = String::new();
            let (mut n, mut last, mut end) = (0, c, off);
            while let Some(t) = char_at(end).filter(|&t| is_tag(t)) {
                let t32 = t as u32 - 0xE0000;
                if (0x20..0x7F).contains(&t32) {
                    decoded.push(char::from_u32(t32).unwrap_or('?'));
                }
                (n, last, end) = (n + 1, t, end + t.len_utf8());
            }
            // Emoji subdivision flags (🏴 + a few tag letters + CANCEL TAG) are legitimate.
            let flag = prev == Some('\u{1F3F4}') && n <= 8 && last == '\u{E007F}';
            if !flag {
                tags.push((off, decoded, n));
            }
            off = end;
            continue;
        }
        if is_bidi(c) {
            bidi.push(Hit {
                offset: off,
                text: format!("U+{:04X}", c as u32),
            });
        } else if is_zero_width(c) {
            let (n, end) = run(text, off, is_zero_width);
            let next = char_at(end);
            // Joiners between non-ASCII characters (emoji sequences, Indic and Arabic
            // scripts) and a byte-order mark at the very start are normal.
            let joiner_ok = n == 1
                && matches!(c, '\u{200C}' | '\u{200D}')
                && prev.is_some_and(|p| !p.is_ascii())
                && next.is_some_and(|x| !x.is_ascii());
            let bom = c == '\u{FEFF}' && off == 0 && n == 1;
            if !joiner_ok && !bom {
                zw.push((off, n));
            }
            off = end;
            continue;
        } else if is_supplementary_vs(c) || is_vs(c) {
            let (n, end) = run(text, off, |c| is_supplementary_vs(c) || is_vs(c));
            let next = char_at(end);
            let standard_after_symbol = n == 1
                && is_vs(c)
                && (prev.is_some_and(|p| !p.is_ascii()) || next == Some('\u{20E3}'));
            // One supplementary selector after a CJK ideograph is an ideographic variant.
            let ideographic = n == 1
                && is_supplementary_vs(c)
                && prev.is_some_and(|p| {
                    ('\u{3400}'..='\u{9FFF}').contains(&p)
                        || ('\u{20000}'..='\u{3FFFF}').contains(&p)
                });
            if !standard_after_symbol && !ideographic {
                vs.push((off, n));
            }
            off = end;
            continue;
        } else if is_other_invisible(c) {
            invisible.push(Hit {
                offset: off,
                text: format!("U+{:04X}", c as u32),
            });
        } else if is_private_use(c) {
            private.push(off);
        } else if is_bad_control(c) {
            controls.push(off);
        } else if let Some(_a) = ascii_lookalike(c) {
            // A look-alike letter next to ASCII letters in the same word.
            let line = doc.line_index(off);
            if mixed_lines.last() != Some(&line) && word_is_mixed(text, off) {
                mixed_lines.push(line);
            }
        }
        off += c.len_utf8();
    }

    let cap = limits.max_findings_per_rule;
    for (off, decoded, n) in tags.iter().take(cap) {
        let rule = known(RuleId::T1UniTagSmuggling);
        // The evidence is what was smuggled, so reviewers see it at once.
        let shown = if decoded.is_empty() {
            format!("{n} tag characters")
        } else {
            decoded.clone()
        };
        out.push(make_finding(
            rule,
            doc,
            ctx,
            *off,
            &shown,
            format!(
                "{} {n} tag characters decode to: \"{}\".",
                rule.description,
                crate::model::sanitize_evidence(decoded, 300)
            ),
        ));
        // What was smuggled is scanned like any other text.
        if !decoded.trim().is_empty() && doc.origin.is_none() {
            let (line, column) = doc.position(*off);
            let sub = Doc::new(
                doc.path,
                decoded,
                doc.role,
                ctx,
                Some(Origin {
                    line,
                    column,
                    note: "text smuggled in Unicode tag characters".to_owned(),
                }),
            );
            scan_text(&sub, ctx, limits, limits.max_decode_depth, out);
        }
    }
    for h in bidi.iter().take(cap) {
        let rule = known(RuleId::T1UniBidi);
        out.push(make_finding(
            rule,
            doc,
            ctx,
            h.offset,
            &super::evidence_line(doc, h.offset, h.offset),
            format!("{} Character {}.", rule.description, h.text),
        ));
    }
    for &(off, n) in zw.iter().take(cap) {
        let rule = known(RuleId::T1UniZeroWidth);
        let mut f = make_finding(
            rule,
            doc,
            ctx,
            off,
            &super::evidence_line(doc, off, off),
            format!(
                "{} {n} consecutive zero-width character(s).",
                rule.description
            ),
        );
        if n >= 8 {
            f.severity = Severity::High;
            f.confidence = Confidence::High;
        }
        out.push(f);
    }
    for &(off, n) in vs.iter().take(cap) {
        let rule = known(RuleId::T1UniVariationSelector);
        let mut f = make_finding(
            rule,
            doc,
            ctx,
            off,
            &super::evidence_line(doc, off, off),
            format!("{} {n} selector(s) in a row.", rule.description),
        );
        if n >= 4 {
            f.confidence = Confidence::High;
        }
        out.push(f);
    }
    for h in invisible.iter().take(cap) {
        let rule = known(RuleId::T1UniInvisible);
        out.push(make_finding(
            rule,
            doc,
            ctx,
            h.offset,
            &super::evidence_line(doc, h.offset, h.offset),
            format!("{} Character {}.", rule.description, h.text),
        ));
    }
    if let Some(&off) = private.first() {
        let rule = known(RuleId::T1UniPrivateUse);
        out.push(make_finding(
            rule,
            doc,
            ctx,
            off,
            &super::evidence_line(doc, off, off),
            format!(
                "{} {} private-use character(s) in this file.",
                rule.description,
                private.len()
            ),
        ));
    }
    // Scripts may legitimately contain a raw ESC in a string; text files should not.
    if let Some(&off) = controls.first() {
        let rule = known(RuleId::T1UniAnsiEscape);
        let mut f = make_finding(
            rule,
            doc,
            ctx,
            off,
            &super::evidence_line(doc, off, off),
            format!(
                "{} {} control character(s) in this file.",
                rule.description,
                controls.len()
            ),
        );
        if doc.role.is_code() {
            f.severity = Severity::Low;
            f.confidence = Confidence::Low;
        }
        out.push(f);
    }
    for &line in mixed_lines.iter().take(cap) {
        let start = doc.line_starts[line];
        let l = doc.line_text(line);
        let rule = known(RuleId::T1ConfMixedScript);
        let plain = dehomoglyph(l);
        out.push(make_finding(
            rule,
            doc,
            ctx,
            start,
            l,
            format!(
                "{} With the look-alikes replaced the line reads: \"{}\".",
                rule.description,
                crate::model::sanitize_evidence(&plain, 160)
            ),
        ));
    }
}

/// How many characters from `at` on satisfy `f`, and the byte offset after them.
fn run(text: &str, at: usize, f: impl Fn(char) -> bool) -> (usize, usize) {
    text[at..]
        .chars()
        .take_while(|&c| f(c))
        .fold((0, at), |(n, end), c| (n + 1, end + c.len_utf8()))
}

/// The word around `off` mixes ASCII letters with a look-alike from another script.
fn word_is_mixed(text: &str, off: usize) -> bool {
    let start = text[..off]
        .char_indices()
        .rev()
        .find(|(_, c)| !c.is_alphanumeric())
        .map_or(0, |(i, c)| i + c.len_utf8());
    let end = text[off..]
        .char_indices()
        .find(|(_, c)| !c.is_alphanumeric())
        .map_or(text.len(), |(i, _)| off + i);
    let word = &text[start..end];
    word.chars().any(|c| c.is_ascii_alphabetic()) && !word.is_single_script()
}

/// Whether [`dehomoglyph`] changes `s`: most non-ASCII text (dashes, arrows, box drawing)
/// has neither look-alikes nor invisible characters, and is not copied.
pub fn has_homoglyphs(s: &str) -> bool {
    !s.is_ascii()
        && s.chars().any(|c| {
            !c.is_ascii()
                && (is_zero_width(c)
                    || is_other_invisible(c)
                    || is_tag(c)
                    || is_bidi(c)
                    || ascii_lookalike(c).is_some())
        })
}

/// `s` with look-alike letters replaced by the ASCII they imitate and invisible
/// characters removed.
pub fn dehomoglyph(s: &str) -> String {
    s.chars()
        .filter(|&c| !(is_zero_width(c) || is_other_invisible(c) || is_tag(c) || is_bidi(c)))
        .map(|c| ascii_lookalike(c).unwrap_or(c))
        .collect()
}

/// A finding when the skill's name imitates another through look-alikes or mixed scripts.
pub(crate) fn check_name(name: &str) -> Option<String> {
    if name.is_ascii() {
        return None;
    }
    let skeleton: String = unicode_security::skeleton(name).collect();
    let plain = dehomoglyph(name);
    if plain.is_ascii() && plain != name {
        return Some(format!(
            "The name \"{}\" uses look-alike characters and reads as \"{plain}\" (confusable skeleton \"{}\").",
            crate::model::sanitize_evidence(name, 80),
            crate::model::sanitize_evidence(&skeleton, 80)
        ));
    }
    if !name.is_single_script() {
        return Some(format!(
            "The name \"{}\" mixes writing systems.",
            crate::model::sanitize_evidence(name, 80)
        ));
    }
    None
}

static DIRECTIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(ignore|disregard|you\s+(must|should|will|are\s+now)|assistant|claude|chatgpt|codex|the\s+agent|ai\s+agent|llm|system\s+prompt|instructions?|execute|run\s+(this|the|`|\w+\.(sh|py|js))|curl|wget|send|upload|post\s+(it|them|the)|exfiltrat\w*|password|credentials?|\.ssh|api[_ -]?keys?|tokens?|secrets?|do\s+not\s+(tell|mention|reveal|show|inform)|silently|secretly|without\s+(asking|telling))(?-u:\b)").expect("directive regex")
});

static STRONG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(ignore\s+(all\s+|any\s+)?(previous|prior|above)|disregard|system\s+prompt|exfiltrat\w*|do\s+not\s+(tell|mention|reveal|inform)|silently|secretly|\.ssh|curl|wget|(ai\s+agent|assistant|claude)\s*[:,])").expect("strong regex")
});

static LINK_META: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"!\[(?P<alt>[^\]\n]{12,})\]\(|\]\([^)\s]+\s+["'](?P<title>[^"'\n]{12,})["']\)|^\s*\[[^\]\n]*\]:\s*(#|<>|\S+)\s+["'(](?P<ref>[^"')\n]{12,})["')]"#).expect("link regex")
});

/// An HTML element styled or marked so a rendered page does not show it. No backreferences
/// in `regex`: the element ends at the first closing tag of the usual containers.
static HIDDEN_ELEMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?is)<(?:div|span|p|section|details|font|small|aside)\b[^>]{0,300}?(?:display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0|opacity\s*:\s*0(?:\.0*)?\s*[;"']|\shidden(?:\s|>|=)|aria-hidden\s*=\s*["']?true)[^>]{0,300}>(?P<inner>.{0,4000}?)</(?:div|span|p|section|details|font|small|aside)>"#).expect("hidden element regex")
});

/// Frontmatter fields agents load but installers and registries rarely show.
const SHOWN_FIELDS: &[&str] = &["name", "description", "license", "allowed-tools"];

/// Instructions in SKILL.md's frontmatter outside the fields people read (`metadata`,
/// made-up keys): the agent loads them, nobody reviews them.
fn scan_metadata(doc: &Doc, ctx: &SkillContext, out: &mut Vec<Finding>) {
    let Some(body) = doc.text.strip_prefix("---\n") else {
        return;
    };
    let Some(end) = body.find("\n---") else {
        return;
    };
    let front = &body[..end];
    // Top-level fields with their (possibly nested, folded) values.
    let mut fields: Vec<(&str, usize, usize)> = Vec::new();
    let mut at = 4;
    for line in front.split_inclusive('\n') {
        let key = line
            .split_once(':')
            .map(|(k, _)| k)
            .filter(|k| !k.starts_with([' ', '\t', '-', '#']) && !k.contains(' '));
        match key {
            Some(k) => fields.push((k, at, at + line.len())),
            None => {
                if let Some(last) = fields.last_mut() {
                    last.2 = at + line.len();
                }
            }
        }
        at += line.len();
    }
    for (key, start, end) in fields {
        if SHOWN_FIELDS.contains(&key.to_ascii_lowercase().as_str()) {
            continue;
        }
        let text = &doc.text[start..end];
        let (n, strong) = directive_score(text);
        if n < 3 || !strong {
            continue;
        }
        let rule = known(RuleId::T1InjHiddenMarkdown);
        let mut f = make_finding(
            rule,
            doc,
            ctx,
            start,
            text,
            format!(
                "{} Here the frontmatter field `{key}` holds instructions for the agent; installers and listings show the name and description, not this.",
                rule.description
            ),
        );
        f.confidence = Confidence::High;
        out.push(f);
    }
}

/// `at` lies inside an HTML element styled not to render.
pub(crate) fn in_hidden_element(text: &str, at: usize) -> bool {
    text.contains('<')
        && HIDDEN_ELEMENT
            .find_iter(text)
            .any(|m| m.start() <= at && at < m.end())
}

/// Text inside hidden HTML elements that talks to the agent.
fn scan_hidden_elements(doc: &Doc, layout: &Layout, ctx: &SkillContext, out: &mut Vec<Finding>) {
    if !doc.text.contains('<') {
        return;
    }
    for caps in HIDDEN_ELEMENT.captures_iter(doc.text) {
        let (Some(all), Some(inner)) = (caps.get(0), caps.name("inner")) else {
            continue;
        };
        let idx = doc.line_index(all.start());
        if matches!(
            layout.region(doc.text, idx, doc.line_starts[idx], all.start()),
            super::markdown::Region::Fence { .. } | super::markdown::Region::InlineCode
        ) {
            continue;
        }
        let text = inner.as_str();
        let (n, strong) = directive_score(text);
        if n < 2 && !strong {
            continue;
        }
        let rule = known(RuleId::T1InjHiddenMarkdown);
        let why = format!(
            "{} Here an HTML element styled not to render holds {} characters the agent reads and a reader of the page never sees.",
            rule.description,
            text.chars().count()
        );
        out.push(hidden_directive(
            rule,
            doc,
            ctx,
            inner.start(),
            text,
            why,
            n,
            strong,
        ));
    }
}

/// A finding for directive text readers do not see: high confidence when it has several
/// directive words and a strong one; lowered in reference docs and, unless strong, in
/// security-teaching skills.
#[allow(clippy::too_many_arguments)]
fn hidden_directive(
    rule: &super::rules::Rule,
    doc: &Doc,
    ctx: &SkillContext,
    at: usize,
    text: &str,
    why: String,
    n: usize,
    strong: bool,
) -> Finding {
    let mut f = make_finding(rule, doc, ctx, at, text, why);
    f.confidence = if n >= 2 && strong {
        Confidence::High
    } else {
        Confidence::Medium
    };
    if doc.role == Role::Doc || (ctx.teaching && !strong) {
        f.severity = f.severity.lowered(1);
        f.confidence = f.confidence.lowered(1);
        f.context = Some("in reference documentation or a security-teaching skill".to_owned());
    }
    f
}

/// Distinct directive words in `s`, and whether one of them is a strong signal.
fn directive_score(s: &str) -> (usize, bool) {
    let mut words: Vec<String> = DIRECTIVE
        .find_iter(s)
        .map(|m| m.as_str().to_lowercase())
        .collect();
    words.sort();
    words.dedup();
    (words.len(), STRONG.is_match(s))
}

/// HTML comments, link titles, alt text and comment links that talk to the agent.
pub(crate) fn scan_hidden_markdown(
    doc: &Doc,
    layout: &Layout,
    ctx: &SkillContext,
    out: &mut Vec<Finding>,
) {
    for r in layout.comments() {
        let inner = &doc.text[r.clone()];
        let (n, strong) = directive_score(inner);
        if n >= 2 || strong {
            let rule = known(RuleId::T1InjHtmlComment);
            let why = format!(
                "{} The comment is {} characters long and is never shown to a reader of the rendered page.",
                rule.description,
                inner.chars().count()
            );
            out.push(hidden_directive(
                rule, doc, ctx, r.start, inner, why, n, strong,
            ));
        }
    }
    scan_hidden_elements(doc, layout, ctx, out);
    if doc.role == Role::SkillMd {
        scan_metadata(doc, ctx, out);
    }
    if !doc.text.contains("](") && !doc.text.contains("]:") {
        return;
    }
    for caps in LINK_META.captures_iter(doc.text) {
        let Some(m) = caps.name("alt").or(caps.name("title")).or(caps.name("ref")) else {
            continue;
        };
        let idx = doc.line_index(m.start());
        if !matches!(
            layout.region(doc.text, idx, doc.line_starts[idx], m.start()),
            super::markdown::Region::Prose | super::markdown::Region::Table
        ) {
            continue;
        }
        let (n, strong) = directive_score(m.as_str());
        if n >= 2 || strong {
            let rule = known(RuleId::T1InjHiddenMarkdown);
            let mut f = make_finding(
                rule,
                doc,
                ctx,
                m.start(),
                m.as_str(),
                rule.description.to_owned(),
            );
            if n >= 2 && strong {
                f.confidence = Confidence::High;
            }
            if doc.role == Role::Doc {
                f.severity = f.severity.lowered(1);
            }
            out.push(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookalikes_map_to_ascii() {
        assert_eq!(ascii_lookalike('\u{0430}'), Some('a'));
        assert_eq!(ascii_lookalike('\u{03BF}'), Some('o'));
        assert_eq!(ascii_lookalike('a'), None);
        assert_eq!(dehomoglyph("\u{0441}u\u{200B}rl"), "curl");
        for t in ["curl", "a — b → c", "\u{0441}url", "cu\u{200B}rl", "日本語"] {
            assert_eq!(has_homoglyphs(t), dehomoglyph(t) != t, "{t}");
        }
    }

    #[test]
    fn names_with_lookalikes_are_flagged() {
        assert!(check_name("p\u{0430}ypal").unwrap().contains("\"paypal\""));
        assert!(check_name("paypal").is_none());
        assert!(check_name("日本語").is_none());
    }
}
