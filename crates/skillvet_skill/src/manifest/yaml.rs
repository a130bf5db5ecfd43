//! A minimal YAML node tree with source positions, built through `serde-saphyr`.
//!
//! serde-saphyr has no generic value type; we deserialize into our own [`Node`] so that every
//! frontmatter field can be type-checked by hand with a precise message ("`license` must be a
//! string, found a list") instead of one opaque serde error that hides every other problem.

use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::budget::BudgetBreach;
use serde_saphyr::{Budget, Error as YamlError, Location, Spanned};

/// Deepest collection nesting accepted in frontmatter (real skills use 2–6).
pub const MAX_YAML_DEPTH: usize = 32;
/// Most alias references (`*a`) accepted; anchors have no real use in a manifest.
pub const MAX_YAML_ALIASES: usize = 32;
/// Most YAML nodes (scalars + collections) accepted in one frontmatter block.
pub const MAX_YAML_NODES: usize = 20_000;

#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Seq(Vec<Spanned<Node>>),
    Map(Vec<(Spanned<Node>, Spanned<Node>)>),
}

impl Node {
    /// Human name of the node's type, used in "found …" messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Node::Null => "an empty value (null)",
            Node::Bool(_) => "a boolean",
            Node::Int(_) => "an integer",
            Node::Float(_) => "a number",
            Node::Str(_) => "a string",
            Node::Seq(_) => "a list",
            Node::Map(_) => "a mapping",
        }
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        Node::deserialize(d)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Int(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Node, E> {
        Ok(Node::Int(v.into()))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Node, E> {
        Ok(Node::Int(v))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Node, E> {
        // Beyond i128 only as a float; the exact digits stay recoverable from the source span.
        Ok(i128::try_from(v).map_or(Node::Float(v as f64), Node::Int))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Node, E> {
        Ok(Node::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Node, E> {
        Ok(Node::Str(v))
    }
    fn visit_bytes<E>(self, v: &[u8]) -> Result<Node, E> {
        Ok(Node::Str(String::from_utf8_lossy(v).into_owned()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Node::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry()? {
            entries.push(entry);
        }
        Ok(Node::Map(entries))
    }
}

/// Why the YAML text could not become a [`Node`] tree.
pub struct YamlFailure {
    /// `yaml_too_complex` for safety-limit breaches (bombs, deep nesting), `yaml_duplicate_key`,
    /// `yaml_multiple_documents`, otherwise `yaml_syntax`.
    pub code: &'static str,
    pub message: String,
    /// 1-based line/column inside the YAML text, when the parser knows it.
    pub location: Option<(usize, usize)>,
}

/// Parses one YAML document (LF line endings) under the frontmatter safety budget.
pub fn parse(text: &str) -> Result<Spanned<Node>, YamlFailure> {
    let mut options = serde_saphyr::options! {
        // YAML 1.2 booleans only: `yes`/`no`/`on` stay strings, as agents' parsers read them.
        strict_booleans: true,
        with_snippet: false,
        budget: safety_budget(),
    };
    options.alias_limits.max_total_replayed_events = 10_000;
    options.alias_limits.max_replay_stack_depth = 8;
    serde_saphyr::from_str_with_options::<Spanned<Node>>(text, options).map_err(describe)
}

fn safety_budget() -> Option<Budget> {
    serde_saphyr::budget! {
        max_depth: MAX_YAML_DEPTH,
        max_aliases: MAX_YAML_ALIASES,
        max_anchors: MAX_YAML_ALIASES,
        max_nodes: MAX_YAML_NODES,
        max_events: 4 * MAX_YAML_NODES,
        max_documents: 1,
        max_merge_keys: 16,
        flow_nesting_limit: MAX_YAML_DEPTH,
        max_recorded_anchor_events: 10_000,
        max_recorded_anchor_bytes: 1024 * 1024,
    }
}

fn describe(err: YamlError) -> YamlFailure {
    let location = err
        .location()
        .filter(|l| l.line() > 0)
        .map(|l| (l.line() as usize, l.column() as usize));
    let (code, message) = match innermost(&err) {
        YamlError::Budget {
            breach: BudgetBreach::Documents { .. },
            ..
        }
        | YamlError::MultipleDocuments { .. } => (
            "yaml_multiple_documents",
            "frontmatter holds more than one YAML document (a `...` document end marker inside it)"
                .to_owned(),
        ),
        YamlError::Budget { breach, .. } => ("yaml_too_complex", budget_message(breach)),
        YamlError::AliasReplayLimitExceeded { .. }
        | YamlError::AliasExpansionLimitExceeded { .. }
        | YamlError::AliasReplayStackDepthExceeded { .. }
        | YamlError::AliasReplayCounterOverflow { .. } => (
            "yaml_too_complex",
            "frontmatter YAML expands aliases beyond the safety limit (possible YAML bomb)"
                .to_owned(),
        ),
        // The scanner's flow-collection cap (`[[[[…`) arrives as a plain parser message.
        inner if inner.to_string().contains("recursion limit exceeded") => (
            "yaml_too_complex",
            format!("frontmatter YAML nests collections deeper than {MAX_YAML_DEPTH} levels"),
        ),
        YamlError::DuplicateMappingKey { .. } => (
            "yaml_duplicate_key",
            format!("frontmatter YAML {}", plain_message(&err)),
        ),
        _ => (
            "yaml_syntax",
            format!("invalid YAML in frontmatter: {}", plain_message(&err)),
        ),
    };
    YamlFailure {
        code,
        message,
        location,
    }
}

/// Alias-related failures wrap the real cause; unwrap it.
fn innermost(err: &YamlError) -> &YamlError {
    match err {
        YamlError::AliasError { error, .. } => innermost(error),
        other => other,
    }
}

fn budget_message(breach: &BudgetBreach) -> String {
    let what = match breach {
        BudgetBreach::Depth { .. } => {
            format!("nests collections deeper than {MAX_YAML_DEPTH} levels")
        }
        BudgetBreach::Aliases { .. } | BudgetBreach::AliasAnchorRatio { .. } => {
            format!("uses more than {MAX_YAML_ALIASES} alias references (possible YAML bomb)")
        }
        BudgetBreach::Anchors { .. } => format!("defines more than {MAX_YAML_ALIASES} anchors"),
        BudgetBreach::Nodes { .. } | BudgetBreach::Events { .. } => {
            format!("has more than {MAX_YAML_NODES} values")
        }
        BudgetBreach::RecordedAnchorEvents { .. } | BudgetBreach::RecordedAnchorBytes { .. } => {
            "anchors record too much content (possible YAML bomb)".to_owned()
        }
        BudgetBreach::MergeKeys { .. } => "uses too many `<<` merge keys".to_owned(),

        other => format!("exceeds a parser safety limit ({other:?})"),
    };
    format!("frontmatter YAML {what}")
}

/// The parser's message without its " at line L, column C" suffix: our callers report the
/// position separately, translated to SKILL.md line numbers.
fn plain_message(err: &YamlError) -> String {
    let rendered = err.to_string();
    match err.location() {
        Some(l) => {
            let suffix = format!(" at line {}, column {}", l.line(), l.column());
            rendered
                .strip_suffix(&suffix)
                .unwrap_or(&rendered)
                .to_owned()
        }
        None => rendered,
    }
}

/// The exact source text of a node (for scalars: what the author typed), when known.
pub fn source_text<'a>(text: &'a str, at: &Location) -> Option<&'a str> {
    let span = at.span();
    let start = usize::try_from(span.byte_offset()?).ok()?;
    let len = usize::try_from(span.byte_len()?).ok()?;
    text.get(start..start.checked_add(len)?)
}
