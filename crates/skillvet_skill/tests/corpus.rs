//! Every real skill in the shared benign corpus must parse without a single error.

use std::path::{Path, PathBuf};

use skillvet_skill::parse_skill_md;

fn corpus_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/benign/trailofbits-skills")
}

fn skill_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("corpus folder readable") {
        let entry = entry.expect("directory entry");
        let path = entry.path();
        if entry.file_type().expect("file type").is_dir() {
            skill_files(&path, out);
        } else if path.file_name().is_some_and(|n| n == "SKILL.md") {
            out.push(path);
        }
    }
}

#[test]
fn all_corpus_skills_parse_without_errors() {
    let mut files = Vec::new();
    skill_files(&corpus_root(), &mut files);
    files.sort();
    assert_eq!(files.len(), 80, "the corpus holds 80 skills");
    let mut unknown_fields = std::collections::BTreeSet::new();
    for path in &files {
        let bytes = std::fs::read(path).expect("SKILL.md readable");
        let folder = path
            .parent()
            .and_then(|p| p.file_name())
            .and_then(|n| n.to_str());
        let parsed = parse_skill_md(&bytes, folder);
        assert!(
            parsed.errors.is_empty(),
            "{}: {:#?}",
            path.display(),
            parsed.errors
        );
        let manifest = parsed.manifest.as_ref().expect("manifest");
        assert_eq!(manifest.name.as_deref(), folder, "{}", path.display());
        assert!(
            manifest
                .description
                .as_deref()
                .is_some_and(|d| !d.is_empty())
        );
        assert!(
            parsed
                .body
                .as_ref()
                .is_some_and(|b| b.line > 3 && !b.text.trim().is_empty())
        );
        for warning in &parsed.warnings {
            assert_eq!(
                warning.code,
                "unknown_field",
                "{}: {warning:?}",
                path.display()
            );
            unknown_fields.insert(warning.field.clone().expect("field named"));
        }
    }
    // The corpus uses Claude Code extensions beyond the spec; they are warnings, not errors.
    let expected: std::collections::BTreeSet<String> = [
        "argument-hint",
        "disable-model-invocation",
        "effort",
        "type",
    ]
    .map(String::from)
    .into();
    assert_eq!(unknown_fields, expected);
}

#[test]
fn corpus_allowed_tools_in_both_forms() {
    let root = corpus_root();
    let mut files = Vec::new();
    skill_files(&root, &mut files);
    let mut string_form = 0;
    let mut list_form = 0;
    for path in &files {
        let text = std::fs::read_to_string(path).expect("utf-8");
        let parsed = parse_skill_md(text.as_bytes(), None);
        let tools = &parsed.manifest.expect("manifest").allowed_tools;
        if text.contains("allowed-tools:\n  - ") {
            list_form += 1;
            assert!(!tools.is_empty());
        } else if text.contains("allowed-tools: ") {
            string_form += 1;
            assert!(
                !tools.is_empty() && tools.iter().all(|t| !t.contains(' ')),
                "{tools:?}"
            );
        }
    }
    assert_eq!((string_form, list_form), (31, 3));
}
