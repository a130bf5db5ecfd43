//! One test per validation rule, asserting the exact code, message, line and column.

use skillvet_skill::manifest::{
    MAX_FRONTMATTER_BYTES, MAX_SKILL_MD_BYTES, ParsedSkillMd, ValidationIssue, is_valid_skill_name,
    parse_skill_md,
};

fn parse(text: &str) -> ParsedSkillMd {
    parse_skill_md(text.as_bytes(), None)
}

/// (code, message, line, column) of each issue, for compact exact assertions.
fn brief(issues: &[ValidationIssue]) -> Vec<(&str, &str, usize, Option<usize>)> {
    issues
        .iter()
        .map(|i| (i.code.as_str(), i.message.as_str(), i.line, i.column))
        .collect()
}

const VALID: &str = "---\nname: pdf-tools\ndescription: Extract text from PDFs. Use when the user gives a PDF.\nlicense: Apache-2.0\ncompatibility: Requires python3 and poppler-utils\nmetadata:\n  author: example-org\n  version: \"1.0\"\nallowed-tools: Bash(python3:*) Read\n---\n\n# PDF tools\n\nRun `scripts/extract.py`.\n";

#[test]
fn valid_manifest_parses_every_field() {
    let parsed = parse_skill_md(VALID.as_bytes(), Some("pdf-tools"));
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
    assert!(parsed.is_valid());
    assert_eq!(parsed.valid_name(), Some("pdf-tools"));
    let m = parsed.manifest.expect("manifest");
    assert_eq!(m.name.as_deref(), Some("pdf-tools"));
    assert_eq!(
        m.description.as_deref(),
        Some("Extract text from PDFs. Use when the user gives a PDF.")
    );
    assert_eq!(m.license.as_deref(), Some("Apache-2.0"));
    assert_eq!(
        m.compatibility.as_deref(),
        Some("Requires python3 and poppler-utils")
    );
    assert_eq!(
        m.metadata.get("author").map(String::as_str),
        Some("example-org")
    );
    assert_eq!(m.metadata.get("version").map(String::as_str), Some("1.0"));
    assert_eq!(m.allowed_tools, ["Bash(python3:*)", "Read"]);
    assert!(m.extra.is_empty());
    let body = parsed.body.expect("body");
    assert_eq!(body.line, 11);
    assert_eq!(body.text, "\n# PDF tools\n\nRun `scripts/extract.py`.\n");
}

#[test]
fn result_serializes_to_json_and_back() {
    let parsed = parse("---\nname: Bad\ndescription: d\nx: 1\n---\nbody\n");
    let json = serde_json::to_value(&parsed).expect("serialize");
    assert_eq!(json["errors"][0]["code"], "name_invalid_characters");
    assert_eq!(json["errors"][0]["field"], "name");
    assert_eq!(json["errors"][0]["line"], 2);
    assert_eq!(json["manifest"]["extra"]["x"], 1);
    let back: ParsedSkillMd = serde_json::from_value(json).expect("deserialize");
    assert_eq!(back, parsed);
}

#[test]
fn bom_and_crlf_are_handled_with_correct_lines() {
    let text = "\u{feff}---\r\nname: crlf-skill\r\ndescription: Works with CRLF.\r\nlicense: [MIT]\r\n---\r\nBody line\r\n";
    let parsed = parse(text);
    assert_eq!(
        brief(&parsed.errors),
        [(
            "license_type",
            "`license` must be a string, found a list",
            4,
            Some(10)
        )]
    );
    let m = parsed.manifest.expect("manifest");
    assert_eq!(m.name.as_deref(), Some("crlf-skill"));
    assert_eq!(m.description.as_deref(), Some("Works with CRLF."));
    let body = parsed.body.expect("body");
    assert_eq!((body.line, body.text.as_str()), (6, "Body line\r\n"));
}

#[test]
fn lone_cr_line_endings_count_as_lines() {
    let parsed = parse("---\rname: x\rdescription: 5\r---\rbody");
    assert_eq!(
        brief(&parsed.errors),
        [(
            "description_type",
            "`description` must be a string, found an integer; put it in quotes: \"5\"",
            3,
            Some(14)
        )]
    );
}

#[test]
fn missing_frontmatter() {
    for text in [
        "",
        "# Title\n---\nname: x\n---\n",
        " ---\nname: x\n---\n",
        "----\n",
    ] {
        let parsed = parse(text);
        assert_eq!(
            brief(&parsed.errors),
            [(
                "frontmatter_missing",
                "SKILL.md must start with YAML frontmatter: the first line must be `---`",
                1,
                None
            )],
            "{text:?}"
        );
        assert!(parsed.manifest.is_none() && parsed.body.is_none());
    }
}

#[test]
fn unterminated_frontmatter() {
    let parsed = parse("---\nname: x\ndescription: y\n");
    assert_eq!(
        brief(&parsed.errors),
        [(
            "frontmatter_unterminated",
            "the frontmatter opened by `---` on line 1 is never closed by a `---` line",
            1,
            None
        )]
    );
}

#[test]
fn delimiters_may_carry_trailing_spaces_and_body_may_be_absent() {
    let parsed = parse("--- \nname: a\ndescription: b\n---\t");
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    assert_eq!(
        brief(&parsed.warnings),
        [(
            "body_empty",
            "SKILL.md has no instructions after the frontmatter",
            4,
            None
        )]
    );
}

#[test]
fn oversized_file_rejected_without_parsing() {
    let mut text = String::from("---\nname: a\ndescription: b\n---\n");
    text.push_str(&"x".repeat(MAX_SKILL_MD_BYTES));
    let parsed = parse(&text);
    assert_eq!(
        brief(&parsed.errors),
        [(
            "file_too_large",
            "SKILL.md is 262175 bytes; the maximum is 262144 bytes (256 KiB)",
            1,
            None
        )]
    );
    assert!(parsed.body.is_none());
}

#[test]
fn oversized_frontmatter_rejected() {
    let text = format!(
        "---\nname: a\ndescription: {}\n---\n",
        "y".repeat(MAX_FRONTMATTER_BYTES)
    );
    let parsed = parse(&text);
    assert_eq!(
        brief(&parsed.errors),
        [(
            "frontmatter_too_large",
            "the frontmatter is larger than 65536 bytes (64 KiB)",
            1,
            None
        )]
    );
}

#[test]
fn non_utf8_rejected_with_position() {
    let mut bytes = b"---\nname: a\ndescription: caf".to_vec();
    bytes.push(0xff);
    bytes.extend_from_slice(b"\n---\n");
    let parsed = parse_skill_md(&bytes, None);
    assert_eq!(
        brief(&parsed.errors),
        [(
            "not_utf8",
            "SKILL.md is not valid UTF-8: invalid byte sequence at byte offset 28",
            3,
            Some(17)
        )]
    );
}

#[test]
fn missing_required_fields() {
    let parsed = parse("---\nlicense: MIT\n---\nbody\n");
    assert_eq!(
        brief(&parsed.errors),
        [
            ("name_missing", "required field `name` is missing", 1, None),
            (
                "description_missing",
                "required field `description` is missing",
                1,
                None
            ),
        ]
    );
    assert_eq!(
        parsed
            .manifest
            .expect("partial manifest")
            .license
            .as_deref(),
        Some("MIT")
    );
}

#[test]
fn empty_frontmatter_reports_missing_fields() {
    let parsed = parse("---\n---\nbody\n");
    let codes: Vec<_> = parsed.errors.iter().map(|e| e.code.as_str()).collect();
    assert_eq!(codes, ["name_missing", "description_missing"]);
}

#[test]
fn frontmatter_must_be_a_mapping() {
    let parsed = parse("---\n- a\n- b\n---\nbody\n");
    assert_eq!(
        brief(&parsed.errors),
        [(
            "frontmatter_not_mapping",
            "the frontmatter must be a YAML mapping of fields, found a list",
            2,
            Some(1)
        )]
    );
    assert!(parsed.manifest.is_none());
}

#[test]
fn yaml_syntax_error_reports_file_line() {
    let parsed = parse("---\nname: a\ndescription: \"unterminated\n---\nbody\n");
    assert_eq!(parsed.errors.len(), 1);
    let e = &parsed.errors[0];
    assert_eq!(e.code, "yaml_syntax");
    assert!(
        e.message.starts_with("invalid YAML in frontmatter: "),
        "{}",
        e.message
    );
    assert_eq!((e.line, e.column), (3, Some(14)));
}

#[test]
fn unquoted_colon_in_description_is_a_yaml_error() {
    // A classic authoring mistake: `key: value: more` is not valid YAML.
    let parsed = parse("---\nname: a\ndescription: Use when: the user asks\n---\nbody\n");
    assert_eq!(parsed.errors.len(), 1, "{:?}", parsed.errors);
    assert_eq!(parsed.errors[0].code, "yaml_syntax");
    assert_eq!(parsed.errors[0].line, 3);
}

#[test]
fn duplicate_keys_are_rejected() {
    let parsed = parse("---\nname: good-name\ndescription: d\nname: evil-name\n---\nbody\n");
    assert_eq!(
        brief(&parsed.errors),
        [(
            "yaml_duplicate_key",
            "frontmatter YAML duplicate mapping key: name, set DuplicateKeyPolicy in Options if acceptable",
            4,
            Some(1)
        )]
    );
    assert!(parsed.manifest.is_none());
}

#[test]
fn billion_laughs_is_rejected() {
    let mut yaml = String::from(
        "---\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for (i, name) in ["b", "c", "d", "e", "f", "g", "h", "i"].iter().enumerate() {
        let prev = ["a", "b", "c", "d", "e", "f", "g", "h"][i];
        let refs = vec![format!("*{prev}"); 9].join(",");
        yaml.push_str(&format!("{name}: &{name} [{refs}]\n"));
    }
    yaml.push_str("name: x\ndescription: y\n---\nbody\n");
    let parsed = parse(&yaml);
    assert_eq!(parsed.errors.len(), 1, "{:?}", parsed.errors);
    assert_eq!(
        parsed.errors[0].code, "yaml_too_complex",
        "{:?}",
        parsed.errors
    );
    assert_eq!(
        parsed.errors[0].message,
        "frontmatter YAML anchors record too much content (possible YAML bomb)"
    );
    assert!(parsed.manifest.is_none());
}

#[test]
fn too_many_aliases_are_rejected() {
    let refs = vec!["*a"; 40].join(", ");
    let parsed = parse(&format!(
        "---\nname: x\ndescription: y\na: &a z\nb: [{refs}]\n---\nbody\n"
    ));
    assert_eq!(
        brief(&parsed.errors),
        [(
            "yaml_too_complex",
            "frontmatter YAML uses more than 32 alias references (possible YAML bomb)",
            5,
            Some(133)
        )]
    );
}

#[test]
fn deep_nesting_is_rejected() {
    let text = format!(
        "---\nname: x\ndescription: y\nx: {}1{}\n---\n",
        "[".repeat(100),
        "]".repeat(100)
    );
    let parsed = parse(&text);
    assert_eq!(parsed.errors.len(), 1, "{:?}", parsed.errors);
    assert_eq!(
        parsed.errors[0].code, "yaml_too_complex",
        "{:?}",
        parsed.errors
    );
    assert_eq!(
        parsed.errors[0].message,
        "frontmatter YAML nests collections deeper than 32 levels"
    );
    assert_eq!(parsed.errors[0].line, 4);

    let mut block = String::from("---\nname: x\ndescription: y\nx:\n");
    for depth in 1..40 {
        block.push_str(&format!("{}k:\n", "  ".repeat(depth)));
    }
    let parsed = parse(&format!("{block}---\n"));
    assert_eq!(parsed.errors.len(), 1, "{:?}", parsed.errors);
    assert_eq!(
        (
            parsed.errors[0].code.as_str(),
            parsed.errors[0].message.as_str()
        ),
        (
            "yaml_too_complex",
            "frontmatter YAML nests collections deeper than 32 levels"
        )
    );
}

#[test]
fn second_document_in_frontmatter_is_rejected() {
    let parsed = parse("---\nname: x\n...\ndescription: y\n---\nbody\n");
    assert_eq!(parsed.errors.len(), 1, "{:?}", parsed.errors);
    assert_eq!(parsed.errors[0].code, "yaml_multiple_documents");
}

#[test]
fn name_rules() {
    let cases: &[(&str, &[(&str, &str)])] = &[
        (
            "",
            &[("name_empty", "`name` is empty; it must be 1–64 characters")],
        ),
        (
            "PDF-tools",
            &[(
                "name_invalid_characters",
                "`name` contains 'P' at character 1; only lowercase letters a-z, digits 0-9 and hyphens are allowed",
            )],
        ),
        (
            "pdf_tools",
            &[(
                "name_invalid_characters",
                "`name` contains '_' at character 4; only lowercase letters a-z, digits 0-9 and hyphens are allowed",
            )],
        ),
        (
            "caf\u{e9}",
            &[(
                "name_invalid_characters",
                "`name` contains 'é' at character 4; only lowercase letters a-z, digits 0-9 and hyphens are allowed",
            )],
        ),
        (
            "-pdf",
            &[("name_leading_hyphen", "`name` must not start with a hyphen")],
        ),
        (
            "pdf-",
            &[("name_trailing_hyphen", "`name` must not end with a hyphen")],
        ),
        (
            "pdf--tools",
            &[(
                "name_consecutive_hyphens",
                "`name` must not contain consecutive hyphens (\"--\")",
            )],
        ),
    ];
    for (name, expected) in cases {
        let text = format!("---\nname: \"{name}\"\ndescription: d\n---\nbody\n");
        let parsed = parse(&text);
        let got: Vec<_> = parsed
            .errors
            .iter()
            .map(|e| (e.code.as_str(), e.message.as_str()))
            .collect();
        assert_eq!(&got, expected, "name {name:?}");
        assert!(
            parsed
                .errors
                .iter()
                .all(|e| e.line == 2 && e.column == Some(7))
        );
        assert_eq!(
            parsed.manifest.expect("manifest").name.as_deref(),
            Some(*name)
        );
    }
}

#[test]
fn name_length_limit() {
    let ok = "a".repeat(64);
    assert!(is_valid_skill_name(&ok));
    let long = "a".repeat(65);
    let parsed = parse(&format!("---\nname: {long}\ndescription: d\n---\nb\n"));
    assert_eq!(
        brief(&parsed.errors),
        [(
            "name_too_long",
            "`name` is 65 characters long; the maximum is 64",
            2,
            Some(7)
        )]
    );
}

#[test]
fn name_must_match_folder() {
    let parsed = parse_skill_md(
        b"---\nname: pdf-tools\ndescription: d\n---\nb\n",
        Some("pdf"),
    );
    assert_eq!(
        brief(&parsed.errors),
        [(
            "name_folder_mismatch",
            "`name` is \"pdf-tools\" but the skill folder is named \"pdf\"; they must be equal",
            2,
            Some(7)
        )]
    );
    assert!(parse_skill_md(b"---\nname: pdf\ndescription: d\n---\nb\n", Some("pdf")).is_valid());
}

#[test]
fn name_must_be_a_string() {
    let parsed = parse("---\nname: 123\ndescription: d\n---\nb\n");
    assert_eq!(
        brief(&parsed.errors),
        [(
            "name_type",
            "`name` must be a string, found an integer; put it in quotes: \"123\"",
            2,
            Some(7)
        )]
    );
    assert_eq!(parsed.manifest.expect("manifest").name, None);
    let parsed = parse("---\nname:\ndescription: d\n---\nb\n");
    assert_eq!(parsed.errors[0].code, "name_type");
    assert_eq!(
        parsed.errors[0].message,
        "`name` must be a string, found an empty value (null)"
    );
}

#[test]
fn description_rules() {
    let parsed = parse("---\nname: a\ndescription: \"   \"\n---\nb\n");
    assert_eq!(
        brief(&parsed.errors),
        [(
            "description_empty",
            "`description` is blank; say what the skill does and when to use it",
            3,
            Some(14)
        )]
    );
    let parsed = parse(&format!(
        "---\nname: a\ndescription: {}\n---\nb\n",
        "é".repeat(1025)
    ));
    assert_eq!(
        brief(&parsed.errors),
        [(
            "description_too_long",
            "`description` is 1025 characters long; the maximum is 1024",
            3,
            Some(14)
        )]
    );
    let exactly = parse(&format!(
        "---\nname: a\ndescription: {}\n---\nb\n",
        "é".repeat(1024)
    ));
    assert!(exactly.is_valid(), "{:?}", exactly.errors);
    let parsed = parse("---\nname: a\ndescription: [x]\n---\nb\n");
    assert_eq!(
        brief(&parsed.errors),
        [(
            "description_type",
            "`description` must be a string, found a list",
            3,
            Some(14)
        )]
    );
}

#[test]
fn multiline_description_block_scalar() {
    let parsed = parse("---\nname: a\ndescription: >-\n  Folded text\n  over lines.\n---\nb\n");
    assert!(parsed.is_valid(), "{:?}", parsed.errors);
    assert_eq!(
        parsed.manifest.expect("manifest").description.as_deref(),
        Some("Folded text over lines.")
    );
}

#[test]
fn license_rules() {
    let parsed = parse("---\nname: a\ndescription: d\nlicense: 3\n---\nb\n");
    assert_eq!(
        brief(&parsed.errors),
        [(
            "license_type",
            "`license` must be a string, found an integer; put it in quotes: \"3\"",
            4,
            Some(10)
        )]
    );
    let parsed = parse("---\nname: a\ndescription: d\nlicense: \"\"\n---\nb\n");
    assert!(parsed.errors.is_empty());
    assert_eq!(
        brief(&parsed.warnings),
        [(
            "license_empty",
            "`license` is blank; name a license or remove the field",
            4,
            Some(10)
        )]
    );
    let parsed = parse("---\nname: a\ndescription: d\nlicense:\n---\nb\n");
    assert!(parsed.errors.is_empty());
    assert_eq!(
        brief(&parsed.warnings),
        [(
            "field_empty",
            "`license` has no value; give it one or remove the field",
            4,
            Some(8)
        )]
    );
}

#[test]
fn compatibility_rules() {
    let parsed = parse(&format!(
        "---\nname: a\ndescription: d\ncompatibility: {}\n---\nb\n",
        "c".repeat(501)
    ));
    assert_eq!(
        brief(&parsed.errors),
        [(
            "compatibility_too_long",
            "`compatibility` is 501 characters long; the maximum is 500",
            4,
            Some(16)
        )]
    );
    let parsed = parse("---\nname: a\ndescription: d\ncompatibility: ''\n---\nb\n");
    assert_eq!(
        brief(&parsed.errors),
        [(
            "compatibility_empty",
            "`compatibility` is blank; give 1–500 characters or remove the field",
            4,
            Some(16)
        )]
    );
    let parsed = parse("---\nname: a\ndescription: d\ncompatibility: {a: b}\n---\nb\n");
    assert_eq!(parsed.errors[0].code, "compatibility_type");
    assert_eq!(
        parsed.errors[0].message,
        "`compatibility` must be a string, found a mapping"
    );
}

#[test]
fn metadata_rules() {
    let text = "---\nname: a\ndescription: d\nmetadata:\n  author: me\n  version: 1.10\n  beta: true\n  tags: [x, y]\n  ? [k]\n  : v\n---\nb\n";
    let parsed = parse(text);
    assert_eq!(
        brief(&parsed.errors),
        [
            (
                "metadata_value_type",
                "`metadata.tags` must be a string, found a list",
                8,
                Some(9)
            ),
            (
                "metadata_key_type",
                "`metadata` keys must be strings, found a list",
                9,
                Some(5)
            ),
        ]
    );
    assert_eq!(
        brief(&parsed.warnings),
        [
            (
                "metadata_value_not_string",
                "`metadata.version` is a number, not a string; quote it (read as \"1.10\")",
                6,
                Some(12)
            ),
            (
                "metadata_value_not_string",
                "`metadata.beta` is a boolean, not a string; quote it (read as \"true\")",
                7,
                Some(9)
            ),
        ]
    );
    let m = parsed.manifest.expect("manifest");
    assert_eq!(m.metadata.len(), 3);
    assert_eq!(m.metadata["version"], "1.10");
    assert_eq!(m.metadata["beta"], "true");
    assert_eq!(parsed.errors[0].field.as_deref(), Some("metadata.tags"));

    let parsed = parse("---\nname: a\ndescription: d\nmetadata: just text\n---\nb\n");
    assert_eq!(
        brief(&parsed.errors),
        [(
            "metadata_type",
            "`metadata` must be a mapping of string keys to string values, found a string",
            4,
            Some(11)
        )]
    );
}

#[test]
fn allowed_tools_string_and_list_forms() {
    let parsed =
        parse("---\nname: a\ndescription: d\nallowed-tools: Read  Grep\tBash(git:*)\n---\nb\n");
    assert_eq!(
        parsed.manifest.expect("m").allowed_tools,
        ["Read", "Grep", "Bash(git:*)"]
    );
    let parsed = parse(
        "---\nname: a\ndescription: d\nallowed-tools:\n  - Read\n  - Bash(git status:*)\n---\nb\n",
    );
    assert!(parsed.is_valid());
    assert_eq!(
        parsed.manifest.expect("m").allowed_tools,
        ["Read", "Bash(git status:*)"]
    );
}

#[test]
fn allowed_tools_rules() {
    let parsed = parse("---\nname: a\ndescription: d\nallowed-tools: 7\n---\nb\n");
    assert_eq!(
        brief(&parsed.errors),
        [(
            "allowed_tools_type",
            "`allowed-tools` must be a space-separated string or a list of strings, found an integer",
            4,
            Some(16)
        )]
    );
    let parsed = parse(
        "---\nname: a\ndescription: d\nallowed-tools:\n  - Read\n  - {x: 1}\n  - ''\n---\nb\n",
    );
    assert_eq!(
        brief(&parsed.errors),
        [
            (
                "allowed_tools_item_type",
                "`allowed-tools` item 2 must be a string, found a mapping",
                6,
                Some(5)
            ),
            (
                "allowed_tools_item_empty",
                "`allowed-tools` item 3 is blank",
                7,
                Some(5)
            ),
        ]
    );
    assert_eq!(parsed.manifest.expect("m").allowed_tools, ["Read"]);
}

#[test]
fn unknown_fields_warn_and_are_kept() {
    let parsed = parse(
        "---\nname: a\ndescription: d\nallowed_tools: Read\nhooks:\n  pre: [rm, -rf]\n---\nb\n",
    );
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    assert_eq!(
        brief(&parsed.warnings),
        [
            (
                "unknown_field",
                "unknown frontmatter field `allowed_tools` (the agentskills.io specification defines `name`, `description`, `license`, `compatibility`, `metadata`, `allowed-tools`); did you mean `allowed-tools`?",
                4,
                Some(1)
            ),
            (
                "unknown_field",
                "unknown frontmatter field `hooks` (the agentskills.io specification defines `name`, `description`, `license`, `compatibility`, `metadata`, `allowed-tools`)",
                5,
                Some(1)
            ),
        ]
    );
    let m = parsed.manifest.expect("m");
    assert_eq!(m.extra["hooks"], serde_json::json!({"pre": ["rm", "-rf"]}));
    assert_eq!(m.extra["allowed_tools"], "Read");
    assert!(m.allowed_tools.is_empty());
}

#[test]
fn non_string_field_names_are_errors() {
    let parsed = parse("---\nname: a\ndescription: d\n1: x\n---\nb\n");
    assert_eq!(
        brief(&parsed.errors),
        [(
            "field_name_type",
            "frontmatter field names must be strings, found an integer",
            4,
            Some(1)
        )]
    );
}

#[test]
fn yaml_1_1_booleans_stay_strings() {
    let parsed = parse("---\nname: a\ndescription: yes\nlicense: off\n---\nb\n");
    assert!(parsed.is_valid(), "{:?}", parsed.errors);
    let m = parsed.manifest.expect("m");
    assert_eq!(m.description.as_deref(), Some("yes"));
    assert_eq!(m.license.as_deref(), Some("off"));
}

#[test]
fn errors_do_not_hide_other_errors() {
    let parsed = parse("---\nname: Bad--Name-\ndescription: ''\ncompatibility: 5\n---\nb\n");
    let codes: Vec<_> = parsed.errors.iter().map(|e| e.code.as_str()).collect();
    assert_eq!(
        codes,
        [
            "name_invalid_characters",
            "name_trailing_hyphen",
            "name_consecutive_hyphens",
            "description_empty",
            "compatibility_type"
        ]
    );
}
