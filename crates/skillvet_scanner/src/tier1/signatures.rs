//! Known malware and test signatures, on every file of a skill whatever its type.
//!
//! - **EICAR**: the anti-virus test string, found raw, in UTF-16, hex or base64 (any
//!   alignment, line-wrapped or not), or split over quoted pieces (`"…$EIC" + "AR…"`,
//!   escaped backslashes, line continuations). Literal fragments of every encoding feed one
//!   Aho-Corasick prefilter over the raw bytes; only around a hit is the text normalised
//!   (quotes, concatenation operators, escapes and whitespace dropped) and compared.
//!   Encoded blobs that the `encoded` module decodes (`\x` escapes, base85) are checked too.
//! - **Known-bad hashes**: the sha256 of every file up to [`HASH_MAX_BYTES`] is looked up in
//!   the table compiled from `signatures.txt` (its update path: `docs/signatures.md`).
//!
//! The EICAR string is stored reversed, so neither this source nor the binary is itself an
//! EICAR file that anti-virus tools would quarantine; evidence never quotes it either.

use std::collections::HashMap;
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use base64::Engine;
use sha2::{Digest, Sha256};

use super::files::file_finding;
use super::rules::known;
use crate::model::Finding;
use crate::registry::RuleId;

/// The signature table, `sha256  name  source` per line; hashed into the rule set.
pub const TABLE: &str = include_str!("signatures.txt");

/// Files larger than this are not hashed: known-bad samples worth listing are small scripts
/// and droppers, and hashing every large asset would cost more than the whole scan.
pub const HASH_MAX_BYTES: usize = 4 * 1024 * 1024;

const EICAR_REVERSED: &str =
    r"*H+H$!ELIF-TSET-SURIVITNA-DRADNATS-RACIE$}7)CC7)^P(45XZP\4[PA@%P!O5X";

/// Bytes of context normalised on each side of a prefilter hit: a match is that close to
/// one of its fragments.
const WINDOW: usize = 400;
/// Bytes normalised past a hit, so that one window covers the hits that follow it and the
/// work stays linear in the file's size however many fragments it repeats.
const AHEAD: usize = 16 * WINDOW;

/// One entry of the signature table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    pub sha256: [u8; 32],
    pub name: String,
    pub source: String,
}

/// Parses the table format (see `signatures.txt`); errors name the line.
pub fn parse_table(text: &str) -> Result<Vec<Signature>, String> {
    let mut out: Vec<Signature> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (hash, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let rest = rest.trim_start();
        let (name, source) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        let source = source.trim();
        let n = i + 1;
        if hash.len() != 64
            || !hash
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            return Err(format!(
                "line {n}: the sha256 must be 64 lowercase hex digits"
            ));
        }
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._-/".contains(&b))
        {
            return Err(format!(
                "line {n}: the name must be one word of letters, digits, . _ - /"
            ));
        }
        if source.is_empty() {
            return Err(format!("line {n}: the source is missing"));
        }
        let mut sha256 = [0u8; 32];
        hex::decode_to_slice(hash, &mut sha256).map_err(|e| format!("line {n}: {e}"))?;
        if out.iter().any(|s| s.sha256 == sha256) {
            return Err(format!("line {n}: the hash is listed twice"));
        }
        out.push(Signature {
            sha256,
            name: name.to_owned(),
            source: source.to_owned(),
        });
    }
    Ok(out)
}

static KNOWN: LazyLock<HashMap<[u8; 32], Signature>> = LazyLock::new(|| {
    parse_table(TABLE)
        .expect("signatures.txt parses (tested)")
        .into_iter()
        .map(|s| (s.sha256, s))
        .collect()
});

/// How many signatures the table holds.
pub fn table_len() -> usize {
    KNOWN.len()
}

/// The entry for a file's content, if it is a known-bad file.
pub fn known_bad(content: &[u8]) -> Option<&'static Signature> {
    if content.len() > HASH_MAX_BYTES {
        return None;
    }
    let digest: [u8; 32] = Sha256::digest(content).into();
    KNOWN.get(&digest)
}

pub(crate) fn eicar() -> Vec<u8> {
    EICAR_REVERSED.bytes().rev().collect()
}

/// Bytes that quoting, concatenation, escaping and line wrapping insert between the pieces
/// of a string. None of them occurs in the normalised EICAR forms below, so dropping them
/// from both sides cannot create a match.
fn dropped(b: u8) -> bool {
    b.is_ascii_whitespace() || b"\"'`\\+.&|,\0".contains(&b)
}

/// `bytes` without [`dropped`] bytes and with `%%` (printf, batch) read as `%`, plus each
/// kept byte's offset in `bytes`.
fn normalise(bytes: &[u8]) -> (Vec<u8>, Vec<usize>) {
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = Vec::with_capacity(bytes.len());
    for (i, &b) in bytes.iter().enumerate() {
        if dropped(b) || (b == b'%' && out.last() == Some(&b'%')) {
            continue;
        }
        out.push(b);
        at.push(i);
    }
    (out, at)
}

/// How the test string was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Form {
    Raw,
    Hex,
    Base64,
}

impl Form {
    fn describe(self) -> &'static str {
        match self {
            Form::Raw => "as text",
            Form::Hex => "hex-encoded",
            Form::Base64 => "base64-encoded",
        }
    }
}

struct Eicar {
    prefilter: AhoCorasick,
    /// Normalised forms, searched in a normalised window.
    needles: AhoCorasick,
    /// How each needle is written.
    forms: Vec<Form>,
}

/// Fragments of `s` of `len` bytes every `step`, so any one split leaves one whole.
fn fragments(s: &[u8], len: usize, step: usize) -> Vec<Vec<u8>> {
    let mut v: Vec<Vec<u8>> = (0..s.len().saturating_sub(len))
        .step_by(step)
        .map(|i| s[i..i + len].to_vec())
        .collect();
    v.push(s[s.len() - len..].to_vec());
    v
}

/// The part of the base64 of `data` that is the same wherever `data` sits in a longer
/// input at an offset ≡ `shift` (mod 3).
fn base64_core(data: &[u8], shift: usize, url_safe: bool) -> Vec<u8> {
    let mut padded = vec![0u8; shift];
    padded.extend_from_slice(data);
    padded.extend_from_slice(&[0, 0]);
    let enc = if url_safe {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&padded)
    } else {
        base64::engine::general_purpose::STANDARD_NO_PAD.encode(&padded)
    };
    let first = (8 * shift).div_ceil(6);
    let end = 8 * (shift + data.len()) / 6;
    enc.as_bytes()[first..end].to_vec()
}

static EICAR: LazyLock<Eicar> = LazyLock::new(|| {
    let raw = eicar();
    let mut needles = vec![(normalise(&raw).0, Form::Raw)];
    let mut prefilter: Vec<Vec<u8>> = [
        "X5O!P%@AP",
        "PZX54(P^)7CC)7}",
        "EICAR-STANDARD",
        "ANTIVIRUS-TEST",
        "TEST-FILE!",
    ]
    .iter()
    .map(|f| f.as_bytes().to_vec())
    .collect();
    // UTF-16 without a byte-order mark: the same fragments with NULs between.
    let utf16: Vec<Vec<u8>> = prefilter
        .iter()
        .map(|f| f.iter().flat_map(|&b| [b, 0]).collect())
        .collect();
    prefilter.extend(utf16);
    for upper in [false, true] {
        let h = if upper {
            hex::encode_upper(&raw)
        } else {
            hex::encode(&raw)
        };
        prefilter.extend(fragments(h.as_bytes(), 12, 24));
        needles.push((h.into_bytes(), Form::Hex));
    }
    for shift in 0..3 {
        for url_safe in [false, true] {
            let core = base64_core(&raw, shift, url_safe);
            prefilter.extend(fragments(&core, 12, 20));
            needles.push((normalise(&core).0, Form::Base64));
        }
    }
    prefilter.sort();
    prefilter.dedup();
    needles.sort();
    needles.dedup();
    Eicar {
        prefilter: AhoCorasick::new(&prefilter).expect("eicar prefilter"),
        needles: AhoCorasick::new(needles.iter().map(|n| &n.0)).expect("eicar needles"),
        forms: needles.iter().map(|n| n.1).collect(),
    }
});

/// Byte offset where the EICAR string (in any [`Form`]) starts in `content`, and its form.
pub fn find_eicar(content: &[u8]) -> Option<(usize, Form)> {
    let e = &*EICAR;
    let mut covered_to = 0;
    for hit in e.prefilter.find_iter(content) {
        // A window already holds this hit with its context on both sides.
        if hit.end() + WINDOW <= covered_to {
            continue;
        }
        let start = hit.start().saturating_sub(WINDOW);
        let end = (hit.end() + AHEAD).min(content.len());
        let (norm, at) = normalise(&content[start..end]);
        if let Some(m) = e.needles.find(&norm) {
            return Some((start + at[m.start()], e.forms[m.pattern().as_usize()]));
        }
        covered_to = end;
    }
    None
}

/// 1-based line of a byte offset in text, 0 for binary content.
fn line_of(content: &[u8], offset: usize) -> u32 {
    if content[..content.len().min(8192)].contains(&0) {
        return 0;
    }
    content[..offset].iter().filter(|b| **b == b'\n').count() as u32 + 1
}

/// Both checks on one file of the bundle.
pub(crate) fn scan_file(path: &str, content: &[u8], out: &mut Vec<Finding>) {
    if let Some((offset, form)) = find_eicar(content) {
        out.push(eicar_finding(
            path,
            line_of(content, offset),
            form.describe(),
        ));
    }
    if let Some(sig) = known_bad(content) {
        let rule = known(RuleId::T1MalKnownHash);
        out.push(file_finding(
            rule,
            path,
            0,
            &format!("sha256 {} is {}", hex::encode(sig.sha256), sig.name),
            format!(
                "{} This file is `{}` (source: {}).",
                rule.description, sig.name, sig.source
            ),
        ));
    }
}

/// The finding for the test string at `line`; `how` says how it was written.
pub(crate) fn eicar_finding(path: &str, line: u32, how: &str) -> Finding {
    let rule = known(RuleId::T1MalEicar);
    file_finding(
        rule,
        path,
        line,
        &format!("EICAR anti-virus test signature, {how}"),
        format!("{} Found {how}.", rule.description),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(data: &[u8]) -> String {
        base64::engine::general_purpose::STANDARD.encode(data)
    }

    #[test]
    fn the_table_parses_and_holds_the_eicar_file() {
        let table = parse_table(TABLE).unwrap();
        assert_eq!(table.len(), table_len());
        let e = known_bad(&eicar()).expect("eicar.com is a sanity entry");
        assert_eq!(e.name, "EICAR-Test-File");
        let mut lf = eicar();
        lf.push(b'\n');
        assert!(known_bad(&lf).is_some());
        assert!(known_bad(b"hello\n").is_none());
    }

    #[test]
    fn malformed_tables_are_refused() {
        let h = "a".repeat(64);
        assert!(parse_table(&format!("{h}  name  src\n")).is_ok());
        assert!(
            parse_table("abc  name  src")
                .unwrap_err()
                .contains("line 1")
        );
        assert!(parse_table(&format!("{}  n  s", "A".repeat(64))).is_err());
        assert!(
            parse_table(&format!("{h}  name"))
                .unwrap_err()
                .contains("source")
        );
        assert!(
            parse_table(&format!("{h}  a  s\n{h}  b  s"))
                .unwrap_err()
                .contains("twice")
        );
    }

    #[test]
    fn the_test_string_is_found_however_it_is_written() {
        let e = eicar();
        let s = String::from_utf8(e.clone()).unwrap();
        let (head, tail) = s.split_at(30);
        let cases: Vec<(String, Form)> = vec![
            (s.clone(), Form::Raw),
            (format!("#!/bin/sh\necho '{s}' > /tmp/t\n"), Form::Raw),
            // Python: escaped backslash, implicit concatenation over two lines.
            (
                format!(
                    "X = (\"{}\"\n     \"{}\")\n",
                    head.replace('\\', "\\\\"),
                    tail
                ),
                Form::Raw,
            ),
            (format!("const x = '{head}' +\n  '{tail}';\n"), Form::Raw),
            (format!("$x = \"{head}\" . \"{tail}\";"), Form::Raw),
            (format!("printf '{}'", s.replace('%', "%%")), Form::Raw),
            (b64(&e), Form::Base64),
            (
                format!("data: {}\n", b64(&[b"ab".as_slice(), &e].concat())),
                Form::Base64,
            ),
            (
                format!("{}==", &b64(&[b"z".as_slice(), &e, b"tail"].concat())),
                Form::Base64,
            ),
            (hex::encode(&e), Form::Hex),
        ];
        for (text, form) in &cases {
            assert_eq!(
                find_eicar(text.as_bytes()).map(|f| f.1),
                Some(*form),
                "{text}"
            );
        }
        // MIME-style line wrapping of a longer base64 body.
        let body = b64(&[vec![7u8; 100], e.clone(), vec![9u8; 50]].concat());
        let wrapped: String = body
            .as_bytes()
            .chunks(76)
            .map(|c| format!("{}\n", std::str::from_utf8(c).unwrap()))
            .collect();
        assert_eq!(
            find_eicar(wrapped.as_bytes()).map(|f| f.1),
            Some(Form::Base64)
        );
        // In a binary file, and as UTF-16.
        let mut bin = vec![0u8, 1, 2, 255];
        bin.extend_from_slice(&e);
        assert_eq!(find_eicar(&bin), Some((4, Form::Raw)));
        let utf16: Vec<u8> = s.encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert!(find_eicar(&utf16).is_some());
    }

    #[test]
    fn mentions_and_near_misses_are_not_the_test_string() {
        let s = String::from_utf8(eicar()).unwrap();
        for text in [
            "Test your scanner with the EICAR-STANDARD-ANTIVIRUS-TEST-FILE string.".to_owned(),
            s.replace("EICAR", "EIKAR"),
            s[..60].to_owned(),
            s.to_lowercase(),
        ] {
            assert_eq!(find_eicar(text.as_bytes()), None, "{text}");
        }
    }

    #[test]
    fn many_fragments_cost_little() {
        let text = "EICAR-STANDARD ".repeat(100_000);
        assert_eq!(find_eicar(text.as_bytes()), None);
    }

    #[test]
    fn lines_are_reported() {
        let s = String::from_utf8(eicar()).unwrap();
        let text = format!("a\nb\nx = '{s}'\n");
        let mut out = Vec::new();
        scan_file("scripts/t.py", text.as_bytes(), &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(
            (out[0].rule_id.as_str(), out[0].line),
            (RuleId::T1MalEicar.code(), 3)
        );
        assert!(!out[0].evidence.contains("EICAR-STANDARD"));
        let mut out = Vec::new();
        scan_file("eicar.com", &eicar(), &mut out);
        let ids: Vec<&str> = out.iter().map(|f| f.rule_id.as_str()).collect();
        assert_eq!(
            ids,
            [RuleId::T1MalEicar.code(), RuleId::T1MalKnownHash.code()]
        );
    }
}
