//! Field-by-field validation of the frontmatter mapping.

use serde_saphyr::{Location, Spanned};

use super::yaml::{Node, source_text};
use super::{
    MAX_COMPATIBILITY_CHARS, MAX_DESCRIPTION_CHARS, MAX_NAME_CHARS, Manifest, SPEC_FIELDS,
    ValidationIssue,
};

pub struct Checker<'a> {
    yaml: &'a str,
    line_offset: usize,
    folder_name: Option<&'a str>,
    pub errors: Vec<ValidationIssue>,
    pub warnings: Vec<ValidationIssue>,
}

/// How serious a finding is.
#[derive(Clone, Copy)]
enum Level {
    Error,
    Warning,
}

impl<'a> Checker<'a> {
    pub fn new(yaml: &'a str, line_offset: usize, folder_name: Option<&'a str>) -> Self {
        Checker {
            yaml,
            line_offset,
            folder_name,
            errors: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// Line and column in SKILL.md of a YAML location (the opening `---` when unknown).
    fn position(&self, at: &Location) -> (usize, Option<usize>) {
        if at.line() == 0 {
            (self.line_offset.max(1), None)
        } else {
            (
                at.line() as usize + self.line_offset,
                Some(at.column() as usize),
            )
        }
    }

    fn report(&mut self, level: Level, code: &str, field: &str, message: String, at: &Location) {
        let (line, column) = self.position(at);
        let issue = ValidationIssue {
            code: code.to_owned(),
            message,
            field: (!field.is_empty()).then(|| field.to_owned()),
            line,
            column,
        };
        match level {
            Level::Error => self.errors.push(issue),
            Level::Warning => self.warnings.push(issue),
        }
    }

    fn error(&mut self, code: &str, field: &str, message: String, at: &Location) {
        self.report(Level::Error, code, field, message, at);
    }

    fn warning(&mut self, code: &str, field: &str, message: String, at: &Location) {
        self.report(Level::Warning, code, field, message, at);
    }

    /// Validates the root node; `None` when it is not a mapping at all.
    pub fn check(&mut self, root: &Spanned<Node>) -> Option<Manifest> {
        let empty = Vec::new();
        let entries = match &root.value {
            Node::Map(entries) => entries,
            // An empty frontmatter block: report the missing required fields below.
            Node::Null => &empty,
            other => {
                self.error(
                    "frontmatter_not_mapping",
                    "",
                    format!(
                        "the frontmatter must be a YAML mapping of fields, found {}",
                        other.type_name()
                    ),
                    &root.referenced,
                );
                return None;
            }
        };
        let mut manifest = Manifest::default();
        let mut seen_name = false;
        let mut seen_description = false;
        for (key, value) in entries {
            let Node::Str(field) = &key.value else {
                self.error(
                    "field_name_type",
                    "",
                    format!(
                        "frontmatter field names must be strings, found {}",
                        key.value.type_name()
                    ),
                    &key.referenced,
                );
                continue;
            };
            match field.as_str() {
                "name" => {
                    seen_name = true;
                    manifest.name = self.required_string("name", value);
                    if let Some(name) = manifest.name.clone() {
                        self.check_name(&name, &value.referenced);
                    }
                }
                "description" => {
                    seen_description = true;
                    manifest.description = self.required_string("description", value);
                    if let Some(description) = manifest.description.clone() {
                        self.check_description(&description, &value.referenced);
                    }
                }
                "license" => {
                    manifest.license = self.optional_string("license", value);
                    if manifest
                        .license
                        .as_deref()
                        .is_some_and(|l| l.trim().is_empty())
                    {
                        self.warning(
                            "license_empty",
                            "license",
                            "`license` is blank; name a license or remove the field".to_owned(),
                            &value.referenced,
                        );
                    }
                }
                "compatibility" => {
                    manifest.compatibility = self.optional_string("compatibility", value);
                    if let Some(c) = manifest.compatibility.clone() {
                        self.check_compatibility(&c, &value.referenced);
                    }
                }
                "metadata" => manifest.metadata = self.metadata(value),
                "allowed-tools" => manifest.allowed_tools = self.allowed_tools(value),
                other => {
                    let mut message = format!(
                        "unknown frontmatter field `{other}` (the agentskills.io specification defines {})",
                        SPEC_FIELDS.map(|f| format!("`{f}`")).join(", ")
                    );
                    if let Some(known) = near_spec_field(other) {
                        message.push_str(&format!("; did you mean `{known}`?"));
                    }
                    self.warning("unknown_field", other, message, &key.referenced);
                    manifest
                        .extra
                        .insert(other.to_owned(), self.to_json(&value.value));
                }
            }
        }
        if !seen_name {
            self.error(
                "name_missing",
                "name",
                "required field `name` is missing".to_owned(),
                &Location::UNKNOWN,
            );
        }
        if !seen_description {
            self.error(
                "description_missing",
                "description",
                "required field `description` is missing".to_owned(),
                &Location::UNKNOWN,
            );
        }
        Some(manifest)
    }

    fn required_string(&mut self, field: &str, value: &Spanned<Node>) -> Option<String> {
        match &value.value {
            Node::Str(s) => Some(s.clone()),
            other => {
                let mut message =
                    format!("`{field}` must be a string, found {}", other.type_name());
                if let Node::Bool(_) | Node::Int(_) | Node::Float(_) = other
                    && let Some(typed) = source_text(self.yaml, &value.referenced)
                {
                    message.push_str(&format!("; put it in quotes: \"{}\"", typed.trim()));
                }
                self.error(
                    &format!("{}_type", snake(field)),
                    field,
                    message,
                    &value.referenced,
                );
                None
            }
        }
    }

    fn optional_string(&mut self, field: &str, value: &Spanned<Node>) -> Option<String> {
        match &value.value {
            Node::Null => {
                self.warning(
                    "field_empty",
                    field,
                    format!("`{field}` has no value; give it one or remove the field"),
                    &value.referenced,
                );
                None
            }
            _ => self.required_string(field, value),
        }
    }

    fn check_name(&mut self, name: &str, at: &Location) {
        for (code, message) in name_problems(name) {
            self.error(code, "name", message, at);
        }
        if let Some(folder) = self.folder_name
            && name != folder
        {
            self.error(
                "name_folder_mismatch",
                "name",
                format!("`name` is {name:?} but the skill folder is named {folder:?}; they must be equal"),
                at,
            );
        }
    }

    fn check_description(&mut self, description: &str, at: &Location) {
        let chars = description.chars().count();
        if description.trim().is_empty() {
            self.error(
                "description_empty",
                "description",
                "`description` is blank; say what the skill does and when to use it".to_owned(),
                at,
            );
        } else if chars > MAX_DESCRIPTION_CHARS {
            self.error(
                "description_too_long",
                "description",
                format!("`description` is {chars} characters long; the maximum is {MAX_DESCRIPTION_CHARS}"),
                at,
            );
        }
    }

    fn check_compatibility(&mut self, compatibility: &str, at: &Location) {
        let chars = compatibility.chars().count();
        if compatibility.trim().is_empty() {
            self.error(
                "compatibility_empty",
                "compatibility",
                format!("`compatibility` is blank; give 1–{MAX_COMPATIBILITY_CHARS} characters or remove the field"),
                at,
            );
        } else if chars > MAX_COMPATIBILITY_CHARS {
            self.error(
                "compatibility_too_long",
                "compatibility",
                format!("`compatibility` is {chars} characters long; the maximum is {MAX_COMPATIBILITY_CHARS}"),
                at,
            );
        }
    }

    fn metadata(&mut self, value: &Spanned<Node>) -> std::collections::BTreeMap<String, String> {
        let mut out = std::collections::BTreeMap::new();
        let entries = match &value.value {
            Node::Map(entries) => entries,
            Node::Null => {
                self.optional_string("metadata", value);
                return out;
            }
            other => {
                self.error(
                    "metadata_type",
                    "metadata",
                    format!(
                        "`metadata` must be a mapping of string keys to string values, found {}",
                        other.type_name()
                    ),
                    &value.referenced,
                );
                return out;
            }
        };
        for (key, item) in entries {
            let Node::Str(key_text) = &key.value else {
                self.error(
                    "metadata_key_type",
                    "metadata",
                    format!(
                        "`metadata` keys must be strings, found {}",
                        key.value.type_name()
                    ),
                    &key.referenced,
                );
                continue;
            };
            let field = format!("metadata.{key_text}");
            match &item.value {
                Node::Str(s) => {
                    out.insert(key_text.clone(), s.clone());
                }
                Node::Bool(_) | Node::Int(_) | Node::Float(_) => {
                    // Common in the wild (`version: 1.0`); kept as the text the author typed.
                    let typed = source_text(self.yaml, &item.referenced)
                        .map(str::trim)
                        .map(str::to_owned)
                        .unwrap_or_else(|| scalar_fallback(&item.value));
                    self.warning(
                        "metadata_value_not_string",
                        &field,
                        format!(
                            "`{field}` is {}, not a string; quote it (read as {typed:?})",
                            item.value.type_name()
                        ),
                        &item.referenced,
                    );
                    out.insert(key_text.clone(), typed);
                }
                other => self.error(
                    "metadata_value_type",
                    &field,
                    format!("`{field}` must be a string, found {}", other.type_name()),
                    &item.referenced,
                ),
            }
        }
        out
    }

    fn allowed_tools(&mut self, value: &Spanned<Node>) -> Vec<String> {
        match &value.value {
            Node::Str(s) => s.split_whitespace().map(str::to_owned).collect(),
            Node::Null => {
                self.optional_string("allowed-tools", value);
                Vec::new()
            }
            Node::Seq(items) => {
                let mut tools = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    match &item.value {
                        Node::Str(s) if !s.trim().is_empty() => tools.push(s.trim().to_owned()),
                        Node::Str(_) => self.error(
                            "allowed_tools_item_empty",
                            "allowed-tools",
                            format!("`allowed-tools` item {} is blank", i + 1),
                            &item.referenced,
                        ),
                        other => self.error(
                            "allowed_tools_item_type",
                            "allowed-tools",
                            format!(
                                "`allowed-tools` item {} must be a string, found {}",
                                i + 1,
                                other.type_name()
                            ),
                            &item.referenced,
                        ),
                    }
                }
                tools
            }
            other => {
                self.error(
                    "allowed_tools_type",
                    "allowed-tools",
                    format!(
                        "`allowed-tools` must be a space-separated string or a list of strings, found {}",
                        other.type_name()
                    ),
                    &value.referenced,
                );
                Vec::new()
            }
        }
    }

    fn to_json(&self, node: &Node) -> serde_json::Value {
        use serde_json::Value;
        match node {
            Node::Null => Value::Null,
            Node::Bool(b) => Value::Bool(*b),
            Node::Int(i) => i64::try_from(*i)
                .map(Value::from)
                .or_else(|_| u64::try_from(*i).map(Value::from))
                .unwrap_or_else(|_| Value::String(i.to_string())),
            Node::Float(f) => serde_json::Number::from_f64(*f)
                .map_or_else(|| Value::String(f.to_string()), Value::Number),
            Node::Str(s) => Value::String(s.clone()),
            Node::Seq(items) => {
                Value::Array(items.iter().map(|i| self.to_json(&i.value)).collect())
            }
            Node::Map(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| {
                        let key = match &k.value {
                            Node::Str(s) => s.clone(),
                            other => source_text(self.yaml, &k.referenced)
                                .map(str::to_owned)
                                .unwrap_or_else(|| scalar_fallback(other)),
                        };
                        (key, self.to_json(&v.value))
                    })
                    .collect(),
            ),
        }
    }
}

fn scalar_fallback(node: &Node) -> String {
    match node {
        Node::Bool(b) => b.to_string(),
        Node::Int(i) => i.to_string(),
        Node::Float(f) => f.to_string(),
        Node::Str(s) => s.clone(),
        other => other.type_name().to_owned(),
    }
}

fn snake(field: &str) -> String {
    field.replace('-', "_")
}

/// A spec field the unknown `field` was probably meant to be (case or `_`/`-` slips).
fn near_spec_field(field: &str) -> Option<&'static str> {
    let folded = field.to_ascii_lowercase().replace('_', "-");
    SPEC_FIELDS
        .into_iter()
        .find(|known| *known == folded || known.replace('-', "") == folded)
}

pub fn name_problems(name: &str) -> Vec<(&'static str, String)> {
    let mut problems = Vec::new();
    let chars = name.chars().count();
    if name.is_empty() {
        problems.push((
            "name_empty",
            format!("`name` is empty; it must be 1–{MAX_NAME_CHARS} characters"),
        ));
        return problems;
    }
    if chars > MAX_NAME_CHARS {
        problems.push((
            "name_too_long",
            format!("`name` is {chars} characters long; the maximum is {MAX_NAME_CHARS}"),
        ));
    }
    if let Some((i, c)) = name
        .chars()
        .enumerate()
        .find(|(_, c)| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        problems.push((
            "name_invalid_characters",
            format!(
                "`name` contains {c:?} at character {}; only lowercase letters a-z, digits 0-9 and hyphens are allowed",
                i + 1
            ),
        ));
    }
    if name.starts_with('-') {
        problems.push((
            "name_leading_hyphen",
            "`name` must not start with a hyphen".to_owned(),
        ));
    }
    if name.ends_with('-') {
        problems.push((
            "name_trailing_hyphen",
            "`name` must not end with a hyphen".to_owned(),
        ));
    }
    if name.contains("--") {
        problems.push((
            "name_consecutive_hyphens",
            "`name` must not contain consecutive hyphens (\"--\")".to_owned(),
        ));
    }
    problems
}
