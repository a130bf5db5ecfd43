//! False positives on real benign skills (`../shared/corpus/benign`, 80 skills): tier 2
//! must not report anything critical or high on them.

use std::path::{Path, PathBuf};

use skillvet_scanner::Severity;
use skillvet_scanner::tier2;
use skillvet_skill::{FileKind, SkillBundle, SkillFile};

fn corpus() -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus/benign/trailofbits-skills");
    assert!(
        p.is_dir(),
        "corpus missing at {} (see ../shared/README.md)",
        p.display()
    );
    p
}

#[test]
fn no_critical_or_high_findings_on_benign_skills() {
    let dirs = skillvet_skill::local::find_skill_dirs(&corpus()).expect("listing corpus");
    assert_eq!(dirs.len(), 80, "the corpus holds 80 skills");
    let mut scripts = 0;
    let mut bad = Vec::new();
    for d in &dirs {
        let bundle = skillvet_skill::local::load_dir(d, &Default::default()).expect("load");
        let r = tier2::analyze_bundle(&bundle);
        assert!(!r.truncated, "{}: budget exhausted", d.display());
        scripts += r.scripts.len();
        for f in r.findings.iter().filter(|f| f.severity >= Severity::High) {
            bad.push(format!(
                "{}: {} {}:{} {}",
                d.display(),
                f.rule,
                f.file,
                f.line,
                f.message
            ));
        }
    }
    assert!(
        scripts >= 70,
        "expected the corpus skills' scripts to be analysed, got {scripts}"
    );
    assert!(bad.is_empty(), "false positives:\n{}", bad.join("\n"));
}

/// Every script in the corpus, including plugin-level tooling outside skill folders,
/// analysed as one bundle per plugin: a wider false-positive net (92 .py, 46 .sh, 13 .js).
#[test]
fn no_critical_or_high_findings_on_any_corpus_script() {
    let plugins = corpus().join("plugins");
    let mut total = 0;
    let mut bad = Vec::new();
    for entry in std::fs::read_dir(&plugins).expect("plugins") {
        let root = entry.expect("entry").path();
        let mut bundle = SkillBundle::default();
        collect(&root, &root, &mut bundle.files);
        let r = tier2::analyze_with(&bundle, &Default::default());
        total += r.scripts.len();
        for f in r.findings.iter().filter(|f| {
            f.severity >= Severity::High && !f.rule.code().starts_with("SV-T2-UNDECLARED")
        }) {
            bad.push(format!(
                "{}: {} {}:{} {}",
                root.display(),
                f.rule,
                f.file,
                f.line,
                f.message
            ));
        }
    }
    assert!(
        total >= 140,
        "expected ~150 corpus scripts, analysed {total}"
    );
    assert!(bad.is_empty(), "false positives:\n{}", bad.join("\n"));
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<SkillFile>) {
    for e in std::fs::read_dir(dir).expect("read_dir") {
        let e = e.expect("entry");
        let ft = e.file_type().expect("file type");
        let p = e.path();
        if ft.is_dir() {
            collect(root, &p, out);
        } else if ft.is_file() {
            let rel = p
                .strip_prefix(root)
                .expect("prefix")
                .to_string_lossy()
                .replace('\\', "/");
            if tier2::script_lang(&rel, &std::fs::read(&p).unwrap_or_default()).is_some() {
                out.push(SkillFile {
                    path: rel,
                    kind: FileKind::Regular,
                    content: std::fs::read(&p).expect("read"),
                });
            }
        }
    }
}
