//! Skill folder paths as submitters give them. Strict on purpose: a path is an identity
//! (dedup key), so `a/./b`, `a//b` and `a/../b` are refused rather than silently rewritten.

use crate::RegistryError;

pub const MAX_PATH_BYTES: usize = 1024;
pub const MAX_SEGMENT_BYTES: usize = 255;
pub const MAX_DEPTH: usize = 32;

/// Returns the canonical folder path (`""` for the repository root). A leading `./` and
/// trailing `/` are accepted and dropped; `SKILL.md` at the end is accepted and dropped.
pub fn skill_path(input: &str) -> Result<String, RegistryError> {
    let invalid = |message: String| RegistryError::Invalid {
        field: "skill_path".into(),
        message,
    };
    if input.len() > MAX_PATH_BYTES {
        return Err(invalid(format!("longer than {MAX_PATH_BYTES} bytes")));
    }
    if let Some(c) = input.chars().find(|c| c.is_control() || *c == '\\') {
        return Err(invalid(format!("contains the character {c:?}")));
    }
    if input.starts_with('/') {
        return Err(invalid(format!(
            "{input:?} is absolute; give a folder relative to the repository root"
        )));
    }
    let mut path = input
        .strip_prefix("./")
        .unwrap_or(input)
        .trim_end_matches('/');
    if path == "." {
        path = "";
    }
    if let Some(folder) = path.strip_suffix("SKILL.md") {
        path = folder.trim_end_matches('/');
    }
    if path.is_empty() {
        return Ok(String::new());
    }
    let segments: Vec<&str> = path.split('/').collect();
    if segments.len() > MAX_DEPTH {
        return Err(invalid(format!("deeper than {MAX_DEPTH} folders")));
    }
    for segment in &segments {
        match *segment {
            "" => return Err(invalid(format!("{input:?} has an empty segment (`//`)"))),
            "." | ".." => return Err(invalid(format!("{input:?} contains `{segment}`"))),
            s if s.len() > MAX_SEGMENT_BYTES => {
                return Err(invalid(format!(
                    "a folder name is longer than {MAX_SEGMENT_BYTES} bytes"
                )));
            }
            _ => {}
        }
    }
    Ok(path.to_owned())
}

/// The skill's folder name, which its `name` must equal (the repository name at the root).
pub fn skill_name<'a>(path: &'a str, repo_name: &'a str) -> &'a str {
    path.rsplit('/')
        .next()
        .filter(|s| !s.is_empty())
        .unwrap_or(repo_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_forms() {
        for (input, want) in [
            ("skills/pdf", "skills/pdf"),
            ("./skills/pdf/", "skills/pdf"),
            ("skills/pdf/SKILL.md", "skills/pdf"),
            ("SKILL.md", ""),
            ("", ""),
            (".", ""),
            ("./", ""),
            ("a b/ünïcode", "a b/ünïcode"),
        ] {
            assert_eq!(skill_path(input).unwrap(), want, "{input:?}");
        }
    }

    #[test]
    fn refusals_name_the_problem() {
        for (input, needle) in [
            ("/etc/passwd", "absolute"),
            ("skills/../secret", "`..`"),
            ("skills/./pdf", "`.`"),
            ("skills//pdf", "empty segment"),
            ("skills\\pdf", "'\\\\'"),
            ("skills/\npdf", "'\\n'"),
            (&"a/".repeat(40), "deeper than"),
            (&"x".repeat(300), "longer than 255"),
            (&"x".repeat(1100), "longer than 1024"),
        ] {
            let err = skill_path(input).unwrap_err().to_string();
            assert!(err.starts_with("skill_path: "), "{err}");
            assert!(err.contains(needle), "{input:?}: {err}");
        }
    }

    #[test]
    fn names_come_from_the_folder() {
        assert_eq!(skill_name("skills/pdf", "repo"), "pdf");
        assert_eq!(skill_name("", "repo"), "repo");
    }
}
