//! What the bundle holds rather than what its text says: binaries and archives (by magic
//! bytes, whatever the file is called), oversized files, symlinks and submodules, the
//! manifest itself (missing, invalid, hooks, confusable name), and unreviewable long lines.

use std::borrow::Cow;

use skillvet_skill::{FileKind, ParsedSkillMd, SKILL_MD, SkillBundle, bundle::symlink_escapes};

use super::rules::{Rule, known};
use super::{Doc, Role, SkillContext, unicode};
use crate::model::{Finding, MAX_EVIDENCE_CHARS, Severity, Tier, sanitize_evidence};
use crate::registry::RuleId;

/// Files over this are reported (low); over [`HUGE_FILE_BYTES`] medium.
pub const LARGE_FILE_BYTES: usize = 1_000_000;
pub const HUGE_FILE_BYTES: usize = 5_000_000;
pub const LARGE_SKILL_MD_BYTES: usize = 100_000;
/// Script lines longer than this are reported as minified or packed.
pub const LONG_LINE_CHARS: usize = 5_000;

/// The file as text, or `None` when it is binary (NUL bytes, or more than 1% invalid
/// UTF-8). UTF-16 with a byte-order mark is decoded, so it cannot hide a script.
pub fn as_text(content: &[u8]) -> Option<Cow<'_, str>> {
    if let Some(rest) = content.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(rest, u16::from_le_bytes).map(Cow::Owned);
    }
    if let Some(rest) = content.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(rest, u16::from_be_bytes).map(Cow::Owned);
    }
    if content[..content.len().min(8192)].contains(&0) {
        return None;
    }
    match std::str::from_utf8(content) {
        Ok(s) => Some(Cow::Borrowed(s)),
        Err(_) => {
            let s = String::from_utf8_lossy(content);
            let bad = s
                .chars()
                .filter(|c| *c == char::REPLACEMENT_CHARACTER)
                .count();
            (bad * 100 <= s.len().max(1)).then_some(s)
        }
    }
}

fn utf16(bytes: &[u8], conv: fn([u8; 2]) -> u16) -> Option<String> {
    let units = bytes.chunks_exact(2).map(|c| conv([c[0], c[1]]));
    char::decode_utf16(units)
        .collect::<Result<String, _>>()
        .ok()
}

/// The first `max` bytes of `text`, cut at a character boundary.
pub fn clip(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// A finding about a file as a whole (or one line of it), at the rule's defaults.
pub(crate) fn file_finding(
    rule: &Rule,
    path: &str,
    line: u32,
    evidence: &str,
    explanation: String,
) -> Finding {
    Finding {
        rule_id: rule.id.code().to_owned(),
        category: rule.category,
        severity: rule.severity,
        confidence: rule.confidence,
        tier: Tier::Static,
        file: path.to_owned(),
        line,
        column: 0,
        evidence: sanitize_evidence(evidence, MAX_EVIDENCE_CHARS),
        explanation,
        remediation: rule.remediation.to_owned(),
        context: None,
        flow: Vec::new(),
    }
}

/// Executables, archives and bytecode, recognised by their magic bytes: never read as text.
pub(crate) fn is_binary(path: &str, content: &[u8]) -> bool {
    native_executable(content).is_some()
        || archive(content).is_some()
        || bytecode(content, &ext(path)).is_some()
}

fn ext(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}

fn native_executable(c: &[u8]) -> Option<&'static str> {
    match c {
        [0x7f, b'E', b'L', b'F', ..] => Some("ELF"),
        [0xcf, 0xfa, 0xed, 0xfe, ..]
        | [0xce, 0xfa, 0xed, 0xfe, ..]
        | [0xfe, 0xed, 0xfa, 0xcf, ..]
        | [0xfe, 0xed, 0xfa, 0xce, ..] => Some("Mach-O"),
        // Java class files share the fat Mach-O magic; their major version is small.
        [0xca, 0xfe, 0xba, 0xbe, _, _, _, n, ..] if *n < 30 => Some("Mach-O universal"),
        [b'M', b'Z', ..] if c.len() > 0x40 => {
            let pe = u32::from_le_bytes([c[0x3c], c[0x3d], c[0x3e], c[0x3f]]) as usize;
            (c.get(pe..pe + 4) == Some(b"PE\0\0")).then_some("Windows PE")
        }
        _ => None,
    }
}

fn archive(c: &[u8]) -> Option<&'static str> {
    match c {
        [b'P', b'K', 3, 4, ..] | [b'P', b'K', 5, 6, ..] => Some("zip"),
        [0x1f, 0x8b, ..] => Some("gzip"),
        [b'B', b'Z', b'h', ..] => Some("bzip2"),
        [0xfd, b'7', b'z', b'X', b'Z', 0, ..] => Some("xz"),
        [0x28, 0xb5, 0x2f, 0xfd, ..] => Some("zstd"),
        [b'7', b'z', 0xbc, 0xaf, 0x27, 0x1c, ..] => Some("7z"),
        [b'R', b'a', b'r', b'!', ..] => Some("rar"),
        _ if c.len() > 262 && &c[257..262] == b"ustar" => Some("tar"),
        _ => None,
    }
}

fn bytecode(c: &[u8], ext: &str) -> Option<&'static str> {
    match c {
        [0, b'a', b's', b'm', ..] => Some("WebAssembly"),
        [0xca, 0xfe, 0xba, 0xbe, ..] => Some("Java class"),
        [_, _, b'\r', b'\n', ..] if matches!(ext, "pyc" | "pyo") => Some("Python bytecode"),
        _ if matches!(ext, "pyc" | "pyo" | "class") => Some("compiled bytecode"),
        _ => None,
    }
}

/// Images, fonts, documents and media: binary, but not code.
fn known_media(c: &[u8], ext: &str) -> bool {
    c.starts_with(b"\x89PNG")
        || c.starts_with(b"\xff\xd8\xff")
        || c.starts_with(b"GIF8")
        || c.starts_with(b"%PDF")
        || c.starts_with(b"wOFF")
        || c.starts_with(b"wOF2")
        || c.starts_with(b"OTTO")
        || c.starts_with(b"\0\x01\0\0")
        || c.starts_with(b"RIFF")
        || c.starts_with(b"ID3")
        || c.starts_with(b"OggS")
        || c.starts_with(b"fLaC")
        || c.starts_with(b"\0\0\x01\0")
        || c.starts_with(b"BM")
        || (c.len() > 12 && &c[4..8] == b"ftyp")
        || matches!(
            ext,
            "png"
                | "jpg"
                | "jpeg"
                | "gif"
                | "webp"
                | "ico"
                | "bmp"
                | "pdf"
                | "woff"
                | "woff2"
                | "ttf"
                | "otf"
                | "eot"
                | "mp3"
                | "mp4"
                | "wav"
                | "ogg"
                | "webm"
                | "mov"
                | "avif"
                | "heic"
                | "tiff"
                | "tif"
                | "psd"
                | "docx"
                | "xlsx"
                | "pptx"
        )
}

/// Per-file checks on the bundle's entries and on its manifest.
pub(crate) fn scan_structure(
    bundle: &SkillBundle,
    parsed: &ParsedSkillMd,
    _ctx: &SkillContext,
    out: &mut Vec<Finding>,
) {
    for f in &bundle.files {
        match &f.kind {
            FileKind::Symlink { target } => {
                let escapes = symlink_escapes(&f.path, target);
                let rule = known(if escapes {
                    RuleId::T1StructSymlinkEscape
                } else {
                    RuleId::T1StructSymlink
                });
                out.push(file_finding(
                    rule,
                    &f.path,
                    0,
                    &format!("{} -> {target}", f.path),
                    rule.description.to_owned(),
                ));
            }
            FileKind::Submodule => {
                let rule = known(RuleId::T1StructSubmodule);
                let commit = String::from_utf8_lossy(&f.content);
                out.push(file_finding(
                    rule,
                    &f.path,
                    0,
                    &format!("submodule at commit {commit}"),
                    rule.description.to_owned(),
                ));
            }
            FileKind::Regular | FileKind::Executable => {
                file_content(f.path.as_str(), &f.content, out)
            }
        }
    }
    manifest(bundle, parsed, out);
}

fn file_content(path: &str, c: &[u8], out: &mut Vec<Finding>) {
    let size = c.len();
    if path == SKILL_MD && size > LARGE_SKILL_MD_BYTES {
        let rule = known(RuleId::T1SizeSkillMd);
        out.push(file_finding(
            rule,
            path,
            0,
            &format!("{size} bytes"),
            format!("{} This one is {size} bytes.", rule.description),
        ));
    } else if size > LARGE_FILE_BYTES {
        let rule = known(RuleId::T1SizeFile);
        let mut f = file_finding(
            rule,
            path,
            0,
            &format!("{size} bytes"),
            format!("{} This one is {size} bytes.", rule.description),
        );
        if size > HUGE_FILE_BYTES {
            f.severity = Severity::Medium;
        }
        out.push(f);
    }
    let e = ext(path);
    let (rule, what, severity) = if let Some(what) = native_executable(c) {
        (RuleId::T1BinExecutable, what, None)
    } else if let Some(what) = archive(c) {
        let package = matches!(
            e.as_str(),
            "jar" | "whl" | "apk" | "egg" | "nupkg" | "vsix" | "crx" | "xpi" | "war"
        );
        (
            RuleId::T1BinArchive,
            what,
            package.then_some(Severity::High),
        )
    } else if let Some(what) = bytecode(c, &e) {
        (RuleId::T1BinBytecode, what, None)
    } else if as_text(c).is_none() && !known_media(c, &e) {
        (RuleId::T1BinOpaque, "binary", None)
    } else {
        return;
    };
    let rule = known(rule);
    let mut f = file_finding(
        rule,
        path,
        0,
        &format!("{what} file, {size} bytes"),
        format!("{} Detected: {what}.", rule.description),
    );
    if let Some(s) = severity {
        f.severity = s;
    }
    out.push(f);
}

fn manifest(bundle: &SkillBundle, parsed: &ParsedSkillMd, out: &mut Vec<Finding>) {
    let rule = known(RuleId::T1ManInvalid);
    match bundle.file(SKILL_MD).map(|f| &f.kind) {
        None => {
            out.push(file_finding(
                rule,
                SKILL_MD,
                0,
                "SKILL.md not found",
                format!("{} The skill has no SKILL.md.", rule.description),
            ));
            return;
        }
        Some(FileKind::Regular | FileKind::Executable) => {}
        Some(_) => {
            out.push(file_finding(
                rule,
                SKILL_MD,
                0,
                "SKILL.md is not a regular file",
                format!("{} SKILL.md is a symlink or submodule.", rule.description),
            ));
            return;
        }
    }
    if !parsed.errors.is_empty() {
        let messages: Vec<String> = parsed
            .errors
            .iter()
            .map(|e| format!("line {}: {}", e.line, e.message))
            .collect();
        out.push(file_finding(
            rule,
            SKILL_MD,
            parsed.errors[0].line as u32,
            &messages.join("; "),
            format!("{} {}", rule.description, messages.join("; ")),
        ));
    }
    let Some(m) = &parsed.manifest else { return };
    if let Some(hooks) = m.extra.get("hooks") {
        let rule = known(RuleId::T1ManHooks);
        let shown = hooks.to_string();
        out.push(file_finding(
            rule,
            SKILL_MD,
            frontmatter_line(bundle, "hooks"),
            &shown,
            format!(
                "{} Hooks: {}",
                rule.description,
                sanitize_evidence(&shown, 300)
            ),
        ));
    }
    if let Some(name) = &m.name
        && let Some(why) = unicode::check_name(name)
    {
        let rule = known(RuleId::T1ConfSkillName);
        out.push(file_finding(
            rule,
            SKILL_MD,
            frontmatter_line(bundle, "name"),
            &format!("name: {name}"),
            format!("{} {why}", rule.description),
        ));
    }
}

/// 1-based line of a top-level frontmatter key in SKILL.md (0 when not found).
fn frontmatter_line(bundle: &SkillBundle, key: &str) -> u32 {
    let Some(text) = bundle
        .manifest_bytes()
        .and_then(|b| std::str::from_utf8(b).ok())
    else {
        return 0;
    };
    text.lines()
        .take(200)
        .position(|l| {
            l.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        })
        .map_or(0, |i| i as u32 + 1)
}

/// Script lines too long to review (minified or packed code).
pub(crate) fn scan_long_lines(doc: &Doc, out: &mut Vec<Finding>) {
    if doc.role != Role::Script || doc.text.len() < LONG_LINE_CHARS {
        return;
    }
    for idx in 0..doc.line_starts.len() {
        let line = doc.line_text(idx);
        if line.len() > LONG_LINE_CHARS && line.chars().count() > LONG_LINE_CHARS {
            let rule = known(RuleId::T1ObfLongLine);
            let n = line.chars().count();
            out.push(file_finding(
                rule,
                doc.path,
                idx as u32 + 1,
                line,
                format!("{} This line has {n} characters.", rule.description),
            ));
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_kinds_are_told_apart() {
        assert_eq!(native_executable(b"\x7fELF\x02\x01"), Some("ELF"));
        assert_eq!(archive(b"PK\x03\x04rest"), Some("zip"));
        assert_eq!(bytecode(b"\0asm\x01\0\0\0", "wasm"), Some("WebAssembly"));
        // A Java class (major version 52) is bytecode, not a fat Mach-O.
        assert_eq!(native_executable(b"\xca\xfe\xba\xbe\0\0\0\x34"), None);
        assert!(known_media(b"\x89PNG\r\n", "png"));
    }

    #[test]
    fn text_detection() {
        assert!(as_text(b"plain text\n").is_some());
        assert!(as_text(b"a\0b").is_none());
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("curl x".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(as_text(&utf16).as_deref(), Some("curl x"));
        assert_eq!(clip("héllo", 2), "h");
    }
}
