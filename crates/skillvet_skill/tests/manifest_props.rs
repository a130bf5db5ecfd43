//! Property tests: no input makes the parser panic, loop or report impossible positions, and
//! every well-formed manifest round-trips.

use std::time::{Duration, Instant};

use proptest::prelude::*;
use skillvet_skill::manifest::{ParsedSkillMd, parse_skill_md};

/// Generous ceiling for one parse of at most a few KiB; a pathological case (exponential
/// alias expansion, quadratic scanning) blows far past it.
const PARSE_CEILING: Duration = Duration::from_secs(2);

fn line_count(bytes: &[u8]) -> usize {
    // Lines as the parser counts them: LF, CRLF and lone CR all end a line.
    let text = String::from_utf8_lossy(bytes)
        .replace("\r\n", "\n")
        .replace('\r', "\n");
    text.split('\n').count()
}

fn check_invariants(bytes: &[u8], parsed: &ParsedSkillMd) {
    let lines = line_count(bytes);
    for issue in parsed.errors.iter().chain(&parsed.warnings) {
        assert!(
            !issue.code.is_empty() && !issue.message.is_empty(),
            "{issue:?}"
        );
        assert!(
            issue.line >= 1 && issue.line <= lines,
            "line {} of {lines}: {issue:?}",
            issue.line
        );
        assert!(issue.column.is_none_or(|c| c >= 1), "{issue:?}");
    }
    if parsed.manifest.is_none() {
        assert!(
            !parsed.errors.is_empty(),
            "no manifest must come with an error"
        );
    }
    if let Some(body) = &parsed.body {
        assert!(
            body.line >= 2 && body.line <= lines + 1,
            "body line {} of {lines}",
            body.line
        );
    }
    // Whatever was parsed can be handed out as JSON.
    serde_json::to_string(parsed).expect("serializable");
}

fn timed_parse(bytes: &[u8]) -> ParsedSkillMd {
    let start = Instant::now();
    let parsed = parse_skill_md(bytes, Some("some-skill"));
    assert!(
        start.elapsed() < PARSE_CEILING,
        "parse took {:?}",
        start.elapsed()
    );
    parsed
}

/// YAML fragments chosen to hit the parser's corners: quoting, block scalars, anchors,
/// aliases, merges, tags, flow collections, odd line endings, non-ASCII.
fn yaml_value() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9 -]{0,20}",
        Just("\"quoted: value\"".to_owned()),
        Just("'single ''quote'''".to_owned()),
        Just("|\n  block\n  scalar".to_owned()),
        Just(">-\n  folded\n  text".to_owned()),
        Just("&anc value".to_owned()),
        Just("*anc".to_owned()),
        Just("<<: *anc".to_owned()),
        Just("!!binary aGVsbG8=".to_owned()),
        Just("!custom tag".to_owned()),
        Just("[a, [b, {c: d}], *anc]".to_owned()),
        Just("{k: v, k2: [1, 2.5, true, null]}".to_owned()),
        Just("\n  - item\n  - {x: y}".to_owned()),
        Just("\n  nested:\n    deeper: value".to_owned()),
        Just("0x1F".to_owned()),
        Just(".inf".to_owned()),
        Just("~".to_owned()),
        Just("\"unterminated".to_owned()),
        Just("value: with: colons".to_owned()),
        Just("é ünïcödé \u{202e} \u{200b}".to_owned()),
        Just("\t tab".to_owned()),
        Just("...".to_owned()),
        Just("? complex\n: key".to_owned()),
        any::<String>(),
    ]
}

fn yaml_key() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("name".to_owned()),
        Just("description".to_owned()),
        Just("license".to_owned()),
        Just("compatibility".to_owned()),
        Just("metadata".to_owned()),
        Just("allowed-tools".to_owned()),
        Just("allowed_tools".to_owned()),
        "[a-zA-Z_-]{1,12}",
        Just("- list".to_owned()),
        Just("\"quoted key\"".to_owned()),
    ]
}

fn line_ending() -> impl Strategy<Value = &'static str> {
    prop_oneof![Just("\n"), Just("\r\n"), Just("\r")]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, .. ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let parsed = timed_parse(&bytes);
        check_invariants(&bytes, &parsed);
    }

    #[test]
    fn arbitrary_text_inside_delimiters_never_panics(
        inner in any::<String>(),
        body in ".{0,200}",
        bom in any::<bool>(),
        eol in line_ending(),
    ) {
        let text = format!("{}---{eol}{inner}{eol}---{eol}{body}", if bom { "\u{feff}" } else { "" });
        let parsed = timed_parse(text.as_bytes());
        check_invariants(text.as_bytes(), &parsed);
    }

    #[test]
    fn near_valid_frontmatter_never_panics(
        fields in proptest::collection::vec((yaml_key(), yaml_value()), 0..12),
        indent in proptest::collection::vec(0usize..3, 12),
        eol in line_ending(),
    ) {
        let mut text = format!("---{eol}");
        for (i, (key, value)) in fields.iter().enumerate() {
            let value = value.replace('\n', eol);
            text.push_str(&format!("{}{key}: {value}{eol}", " ".repeat(indent[i])));
        }
        text.push_str(&format!("---{eol}# Body{eol}"));
        let parsed = timed_parse(text.as_bytes());
        check_invariants(text.as_bytes(), &parsed);
    }

    #[test]
    fn well_formed_manifests_round_trip(
        name in "[a-z0-9]{1,10}(-[a-z0-9]{1,10}){0,4}",
        description in "[A-Za-z0-9 .,!?()]{0,200}[A-Za-z.]",
        license in proptest::option::of("[A-Za-z0-9.-]{1,20}"),
        tools in proptest::collection::vec("[A-Z][a-zA-Z]{0,10}", 0..6),
        metadata in proptest::collection::btree_map("[a-z]{1,8}", "[a-zA-Z0-9 ]{0,16}", 0..4),
        as_list in any::<bool>(),
    ) {
        let mut text = format!("---\nname: \"{name}\"\ndescription: \"{description}\"\n");
        if let Some(license) = &license {
            text.push_str(&format!("license: \"{license}\"\n"));
        }
        if !metadata.is_empty() {
            text.push_str("metadata:\n");
            for (k, v) in &metadata {
                text.push_str(&format!("  {k}: \"{v}\"\n"));
            }
        }
        if !tools.is_empty() {
            if as_list {
                text.push_str("allowed-tools:\n");
                for t in &tools {
                    text.push_str(&format!("  - {t}\n"));
                }
            } else {
                text.push_str(&format!("allowed-tools: {}\n", tools.join(" ")));
            }
        }
        text.push_str("---\n# Instructions\n");
        let parsed = parse_skill_md(text.as_bytes(), Some(&name));
        prop_assert!(parsed.is_valid(), "{:?}\n{text}", parsed.errors);
        prop_assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
        let m = parsed.manifest.expect("manifest");
        prop_assert_eq!(m.name.as_deref(), Some(name.as_str()));
        prop_assert_eq!(m.description.as_deref(), Some(description.as_str()));
        prop_assert_eq!(m.license, license);
        prop_assert_eq!(m.allowed_tools, tools);
        prop_assert_eq!(m.metadata, metadata);
    }
}
