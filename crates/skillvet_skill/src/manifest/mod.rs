//! SKILL.md parsing and validation against the agentskills.io specification.
//!
//! A SKILL.md is YAML frontmatter between two `---` lines at the very start of the file,
//! followed by markdown instructions. [`parse_skill_md`] never fails and never panics: it
//! returns whatever it could parse together with every error and warning found, each with a
//! stable `code`, a message naming the field and the problem, and a 1-based line in the file.
//!
//! Limits (hostile input): files over [`MAX_SKILL_MD_BYTES`] are rejected unread, frontmatter
//! over [`MAX_FRONTMATTER_BYTES`] unparsed; the YAML parser runs under a budget that rejects
//! alias bombs, deep nesting and huge node counts (see [`yaml`] constants); duplicate keys
//! are errors because two YAML parsers could disagree on which value wins.

mod fields;
mod split;
mod yaml;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use yaml::{MAX_YAML_ALIASES, MAX_YAML_DEPTH, MAX_YAML_NODES};

/// Largest SKILL.md accepted (bytes); larger files are rejected without parsing.
pub const MAX_SKILL_MD_BYTES: usize = 256 * 1024;
/// Largest frontmatter block accepted (bytes between the delimiters).
pub const MAX_FRONTMATTER_BYTES: usize = 64 * 1024;
/// `name`: 1–64 characters.
pub const MAX_NAME_CHARS: usize = 64;
/// `description`: 1–1024 characters.
pub const MAX_DESCRIPTION_CHARS: usize = 1024;
/// `compatibility`: 1–500 characters.
pub const MAX_COMPATIBILITY_CHARS: usize = 500;

/// The frontmatter fields defined by the agentskills.io specification.
pub const SPEC_FIELDS: [&str; 6] = [
    "name",
    "description",
    "license",
    "compatibility",
    "metadata",
    "allowed-tools",
];

/// One problem found in a SKILL.md.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidationIssue {
    /// Stable snake_case identifier, e.g. `name_invalid_characters`.
    pub code: String,
    /// What is wrong, naming the field.
    pub message: String,
    /// Frontmatter field concerned (`metadata.version` for a metadata entry), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// 1-based line in SKILL.md.
    pub line: usize,
    /// 1-based column (characters), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
}

/// The typed frontmatter. Fields that were present but invalid keep their value (and the
/// issue is reported); fields absent or of the wrong YAML type are `None`/empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub name: Option<String>,
    pub description: Option<String>,
    pub license: Option<String>,
    pub compatibility: Option<String>,
    pub metadata: BTreeMap<String, String>,
    /// Tool names from `allowed-tools` (space-separated string or YAML list).
    pub allowed_tools: Vec<String>,
    /// Fields outside the specification (e.g. Claude Code's `argument-hint`, `hooks`), kept
    /// as JSON so later stages can inspect them.
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// The markdown after the frontmatter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Body {
    pub text: String,
    /// 1-based line in SKILL.md where the body starts.
    pub line: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParsedSkillMd {
    /// `None` when no frontmatter mapping could be read at all.
    pub manifest: Option<Manifest>,
    /// `None` when the frontmatter block could not be delimited.
    pub body: Option<Body>,
    pub errors: Vec<ValidationIssue>,
    pub warnings: Vec<ValidationIssue>,
}

impl ParsedSkillMd {
    /// True when the file conforms to the specification (warnings allowed).
    pub fn is_valid(&self) -> bool {
        self.errors.is_empty() && self.manifest.is_some()
    }

    /// `name` when the manifest is valid.
    pub fn valid_name(&self) -> Option<&str> {
        if self.is_valid() {
            self.manifest.as_ref()?.name.as_deref()
        } else {
            None
        }
    }
}

fn issue(code: &str, message: String, line: usize, column: Option<usize>) -> ValidationIssue {
    ValidationIssue {
        code: code.to_owned(),
        message,
        field: None,
        line,
        column,
    }
}

/// Parses and validates a SKILL.md. `folder_name` is the name of the folder holding it, when
/// known (the spec requires `name` to equal it).
pub fn parse_skill_md(bytes: &[u8], folder_name: Option<&str>) -> ParsedSkillMd {
    let mut out = ParsedSkillMd::default();
    if bytes.len() > MAX_SKILL_MD_BYTES {
        out.errors.push(issue(
            "file_too_large",
            format!(
                "SKILL.md is {} bytes; the maximum is {MAX_SKILL_MD_BYTES} bytes ({} KiB)",
                bytes.len(),
                MAX_SKILL_MD_BYTES / 1024
            ),
            1,
            None,
        ));
        return out;
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let (line, column) = split::position_of(bytes, e.valid_up_to());
            out.errors.push(issue(
                "not_utf8",
                format!(
                    "SKILL.md is not valid UTF-8: invalid byte sequence at byte offset {}",
                    e.valid_up_to()
                ),
                line,
                Some(column),
            ));
            return out;
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);

    let parts = match split::split(text, MAX_FRONTMATTER_BYTES) {
        Ok(parts) => parts,
        Err(split::SplitError::Missing) => {
            out.errors.push(issue(
                "frontmatter_missing",
                "SKILL.md must start with YAML frontmatter: the first line must be `---`"
                    .to_owned(),
                1,
                None,
            ));
            return out;
        }
        Err(split::SplitError::Unterminated) => {
            out.errors.push(issue(
                "frontmatter_unterminated",
                "the frontmatter opened by `---` on line 1 is never closed by a `---` line"
                    .to_owned(),
                1,
                None,
            ));
            return out;
        }
        Err(split::SplitError::TooLarge) => {
            out.errors.push(issue(
                "frontmatter_too_large",
                format!(
                    "the frontmatter is larger than {MAX_FRONTMATTER_BYTES} bytes ({} KiB)",
                    MAX_FRONTMATTER_BYTES / 1024
                ),
                1,
                None,
            ));
            return out;
        }
    };
    out.body = Some(Body {
        text: parts.body.to_owned(),
        line: parts.body_line,
    });

    let line_offset = parts.yaml_first_line - 1;
    let root = match yaml::parse(&parts.yaml) {
        Ok(root) => root,
        Err(failure) => {
            let (line, column) = match failure.location {
                Some((line, column)) => (line + line_offset, Some(column)),
                None => (1, None),
            };
            out.errors
                .push(issue(failure.code, failure.message, line, column));
            return out;
        }
    };
    let mut checker = fields::Checker::new(&parts.yaml, line_offset, folder_name);
    out.manifest = checker.check(&root);
    out.errors = checker.errors;
    out.warnings = checker.warnings;
    if out.manifest.is_some() && parts.body.trim().is_empty() {
        out.warnings.push(issue(
            "body_empty",
            "SKILL.md has no instructions after the frontmatter".to_owned(),
            parts.body_line - 1,
            None,
        ));
    }
    out
}

/// Why a skill name breaks the specification's naming rules, if it does: a list of
/// (code, message) pairs, empty for a valid name.
pub fn name_problems(name: &str) -> Vec<(&'static str, String)> {
    fields::name_problems(name)
}

/// True when `name` follows the specification's naming rules.
pub fn is_valid_skill_name(name: &str) -> bool {
    fields::name_problems(name).is_empty()
}
