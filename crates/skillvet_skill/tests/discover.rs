//! Discovery over a real tree (a local folder through `LocalTree`): every SKILL.md, plus the
//! folders a Claude Code marketplace.json declares.

use std::os::unix::fs::symlink;
use std::path::Path;

use skillvet_skill::marketplace::normalise;
use skillvet_skill::{Limits, LocalTree, bundle_from_tree, discover};

fn write(root: &Path, rel: &str, content: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, content).expect("write");
}

fn skill(name: &str) -> String {
    format!("---\nname: {name}\ndescription: The {name} skill.\n---\n# {name}\n")
}

fn tree(root: &Path) -> LocalTree {
    LocalTree::open(root, &Limits::default()).expect("open tree")
}

#[test]
fn finds_every_skill_md_sorted_with_validation() {
    let repo = tempfile::tempdir().expect("tempdir");
    write(repo.path(), "skills/zeta/SKILL.md", &skill("zeta"));
    write(repo.path(), "skills/alpha/SKILL.md", &skill("alpha"));
    write(repo.path(), "skills/alpha/scripts/x.py", "print(1)");
    write(repo.path(), "skills/wrong/SKILL.md", &skill("other-name"));
    write(repo.path(), "skills/lower/skill.md", &skill("lower"));
    write(repo.path(), "SKILL.md", &skill("repo-skill"));
    symlink("../zeta/SKILL.md", repo.path().join("skills/linked")).expect("symlink dir");
    std::fs::create_dir_all(repo.path().join("skills/sym")).expect("mkdir");
    symlink("../zeta/SKILL.md", repo.path().join("skills/sym/SKILL.md")).expect("symlink");

    let found = discover(&tree(repo.path()), Some("repo-skill"));
    let summary: Vec<_> = found
        .skills
        .iter()
        .map(|s| {
            (
                s.path.as_str(),
                s.name.as_deref(),
                s.errors.iter().map(|e| e.code.as_str()).collect::<Vec<_>>(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("", Some("repo-skill"), vec![]),
            ("skills/alpha", Some("alpha"), vec![]),
            ("skills/sym", None, vec!["skill_md_symlink"]),
            (
                "skills/wrong",
                Some("other-name"),
                vec!["name_folder_mismatch"]
            ),
            ("skills/zeta", Some("zeta"), vec![]),
        ]
    );
    assert_eq!(
        found.skills[1].description.as_deref(),
        Some("The alpha skill.")
    );
    assert!(found.marketplace.is_none());
    assert!(found.skills.iter().all(|s| !s.in_marketplace));
    let json = serde_json::to_value(&found).expect("serializable");
    assert_eq!(json["skills"][3]["errors"][0]["line"], 2);
}

#[test]
fn marketplace_with_explicit_skill_lists() {
    // The layout of a public marketplace: one plugin at the root listing skill folders.
    let repo = tempfile::tempdir().expect("tempdir");
    for name in ["xlsx", "docx", "pdf", "loose"] {
        write(
            repo.path(),
            &format!("skills/{name}/SKILL.md"),
            &skill(name),
        );
    }
    write(
        repo.path(),
        ".claude-plugin/marketplace.json",
        r#"{
          "name": "example-marketplace",
          "owner": {"name": "Example"},
          "plugins": [
            {"name": "document-skills", "source": "./", "strict": false,
             "skills": ["./skills/xlsx", "./skills/docx", "./skills/missing"]},
            {"name": "pdf-only", "source": "./", "skills": "./skills/pdf"},
            {"name": "also-docx", "source": "./", "skills": ["skills/./docx/"]},
            {"name": "remote", "source": {"source": "github", "repo": "someone/else"}},
            {"name": "escape", "source": "./", "skills": ["../../etc"]},
            {"name": "broken", "source": 7}
          ]
        }"#,
    );
    let found = discover(&tree(repo.path()), None);
    let summary: Vec<_> = found
        .skills
        .iter()
        .map(|s| {
            (
                s.path.as_str(),
                s.in_marketplace,
                s.plugins.clone(),
                s.errors.len(),
            )
        })
        .collect();
    let docx = vec!["also-docx".to_owned(), "document-skills".to_owned()];
    assert_eq!(
        summary,
        [
            ("skills/docx", true, docx, 0),
            ("skills/loose", false, vec![], 0),
            (
                "skills/missing",
                true,
                vec!["document-skills".to_owned()],
                1
            ),
            ("skills/pdf", true, vec!["pdf-only".to_owned()], 0),
            ("skills/xlsx", true, vec!["document-skills".to_owned()], 0),
        ]
    );
    let missing = &found.skills[2];
    assert_eq!(missing.errors[0].code, "skill_md_missing");
    assert_eq!(
        missing.errors[0].message,
        "the marketplace declares skill folder \"skills/missing\" but it has no SKILL.md"
    );
    let market = found.marketplace.expect("marketplace");
    assert_eq!(market.name.as_deref(), Some("example-marketplace"));
    assert_eq!(market.external_plugins, ["remote"]);
    let codes: Vec<_> = market
        .issues
        .iter()
        .map(|i| (i.code.as_str(), i.message.as_str()))
        .collect();
    assert_eq!(
        codes,
        [
            (
                "marketplace_path_outside_repository",
                "plugin `escape` lists skill path \"../../etc\", which leaves the repository"
            ),
            (
                "marketplace_plugin_source",
                "plugin `broken` has no usable `source` (a path string or a source object)"
            ),
        ]
    );
}

#[test]
fn marketplace_plugin_dirs_plugin_root_and_plugin_json() {
    let repo = tempfile::tempdir().expect("tempdir");
    write(
        repo.path(),
        "plugins/fmt/skills/fmt-rust/SKILL.md",
        &skill("fmt-rust"),
    );
    write(
        repo.path(),
        "plugins/fmt/skills/fmt-go/SKILL.md",
        &skill("fmt-go"),
    );
    write(
        repo.path(),
        "plugins/lint/extra/lint-py/SKILL.md",
        &skill("lint-py"),
    );
    write(
        repo.path(),
        "plugins/lint/.claude-plugin/plugin.json",
        r#"{"name": "lint", "skills": ["./extra"]}"#,
    );
    write(repo.path(), "unlisted/solo/SKILL.md", &skill("solo"));
    write(
        repo.path(),
        ".claude-plugin/marketplace.json",
        r#"{"name": "m", "metadata": {"pluginRoot": "./plugins"},
            "plugins": [{"name": "fmt", "source": "fmt"}, {"name": "lint", "source": "./plugins/lint"}]}"#,
    );
    let found = discover(&tree(repo.path()), None);
    let summary: Vec<_> = found
        .skills
        .iter()
        .map(|s| (s.path.as_str(), s.in_marketplace, s.plugins.join(",")))
        .collect();
    assert_eq!(
        summary,
        [
            ("plugins/fmt/skills/fmt-go", true, "fmt".to_owned()),
            ("plugins/fmt/skills/fmt-rust", true, "fmt".to_owned()),
            ("plugins/lint/extra/lint-py", true, "lint".to_owned()),
            ("unlisted/solo", false, String::new()),
        ]
    );
    assert!(found.marketplace.expect("m").issues.is_empty());
}

#[test]
fn invalid_marketplace_json_is_reported_and_skills_still_found() {
    let repo = tempfile::tempdir().expect("tempdir");
    write(repo.path(), "a/SKILL.md", &skill("a"));
    write(repo.path(), ".claude-plugin/marketplace.json", "{ not json");
    let found = discover(&tree(repo.path()), None);
    assert_eq!(found.skills.len(), 1);
    let market = found.marketplace.expect("marketplace present");
    assert_eq!(market.issues.len(), 1);
    assert_eq!(market.issues[0].code, "marketplace_invalid_json");
    assert!(
        market.issues[0]
            .message
            .starts_with(".claude-plugin/marketplace.json is not valid JSON: ")
    );
}

#[test]
fn discovery_over_the_benign_corpus() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus/benign/trailofbits-skills");
    let limits = Limits {
        max_files: 10_000,
        max_file_bytes: 10_000_000,
        max_total_bytes: 200_000_000,
    };
    let tree = LocalTree::open(&root, &limits).expect("open corpus");
    let found = discover(&tree, None);
    assert_eq!(found.skills.len(), 80);
    assert!(
        found.skills.iter().all(|s| s.errors.is_empty()),
        "corpus skills are valid"
    );
    assert!(
        found.skills.windows(2).all(|w| w[0].path < w[1].path),
        "sorted"
    );
    let first = &found.skills[0];
    let bundle = bundle_from_tree(&tree, &first.path, &Limits::default()).expect("bundle");
    assert_eq!(bundle.root, first.path);
    assert!(bundle.manifest_bytes().is_some());
    assert_eq!(bundle.parse_manifest().errors, []);
}

#[test]
fn path_normalisation() {
    assert_eq!(normalise("", "./skills/x/").as_deref(), Some("skills/x"));
    assert_eq!(normalise("plugins", "a/../b").as_deref(), Some("plugins/b"));
    assert_eq!(normalise("plugins", "..").as_deref(), Some(""));
    assert_eq!(normalise("", ".."), None);
    assert_eq!(normalise("", "/etc"), None);
    assert_eq!(normalise("", "a\\b"), None);
}
