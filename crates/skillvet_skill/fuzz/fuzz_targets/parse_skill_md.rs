//! Any bytes, with or without a folder name: the parser must return (never panic, never
//! hang), report positions inside the file, and produce serialisable output.
#![no_main]

use libfuzzer_sys::fuzz_target;
use skillvet_skill::parse_skill_md;

fuzz_target!(|data: &[u8]| {
    let folder = data.first().map(|b| if b % 2 == 0 { Some("fuzz-skill") } else { None }).unwrap_or(None);
    let parsed = parse_skill_md(data, folder);
    let lines = data.iter().filter(|b| **b == b'\n' || **b == b'\r').count() + 1;
    for issue in parsed.errors.iter().chain(&parsed.warnings) {
        assert!(issue.line >= 1 && issue.line <= lines, "{issue:?}");
    }
    if parsed.manifest.is_none() {
        assert!(!parsed.errors.is_empty());
    }
    let _ = serde_json::to_string(&parsed);
});
