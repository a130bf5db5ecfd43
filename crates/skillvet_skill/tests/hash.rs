//! The content hash: stable across folders and order, sensitive to every byte, path and mode.

use proptest::prelude::*;
use skillvet_skill::{FileKind, SkillBundle, SkillFile, content_hash};

fn file(path: &str, kind: FileKind, content: &[u8]) -> SkillFile {
    SkillFile {
        path: path.to_owned(),
        kind,
        content: content.to_vec(),
    }
}

fn sample() -> SkillBundle {
    SkillBundle {
        root: "skills/pdf".to_owned(),
        files: vec![
            file("SKILL.md", FileKind::Regular, b"---\nname: pdf\n---\n"),
            file("scripts/run.sh", FileKind::Executable, b"#!/bin/sh\n"),
            file(
                "link",
                FileKind::Symlink {
                    target: "SKILL.md".to_owned(),
                },
                b"",
            ),
            file(
                "vendor/lib",
                FileKind::Submodule,
                b"0123456789abcdef0123456789abcdef01234567",
            ),
        ],
    }
}

#[test]
fn known_vectors() {
    // Pinned (computed independently from the documented encoding) so an accidental change
    // of the encoding is caught: stored hashes of published versions would stop matching.
    assert_eq!(
        content_hash(&SkillBundle::default()),
        "7c67c4cb6178ca7c6474489a8d4efac20c2dbe75b75b5a71eeb78e043ac30b86"
    );
    let bundle = SkillBundle {
        root: "any".to_owned(),
        files: vec![
            file("run.sh", FileKind::Executable, b"#!/bin/sh\n"),
            file("SKILL.md", FileKind::Regular, b"hi\n"),
            file(
                "l",
                FileKind::Symlink {
                    target: "SKILL.md".to_owned(),
                },
                b"",
            ),
        ],
    };
    assert_eq!(
        content_hash(&bundle),
        "42dd1fd458b19513fd658331ba7a4e2796b19c4503d782c862bde42871d1d1e5"
    );
}

#[test]
fn order_and_root_do_not_matter() {
    let a = sample();
    let mut b = sample();
    b.files.reverse();
    b.root = "elsewhere/pdf".to_owned();
    assert_eq!(content_hash(&a), content_hash(&b));
    assert_eq!(content_hash(&a).len(), 64);
}

#[test]
fn every_change_alters_the_hash() {
    let base = content_hash(&sample());
    type Mutation = Box<dyn Fn(&mut SkillBundle)>;
    let mutations: Vec<Mutation> = vec![
        Box::new(|b| b.files[0].content.push(b' ')),
        Box::new(|b| b.files[0].path = "skill.md".to_owned()),
        Box::new(|b| b.files[1].kind = FileKind::Regular),
        Box::new(|b| {
            b.files[2].kind = FileKind::Symlink {
                target: "../SKILL.md".to_owned(),
            }
        }),
        Box::new(|b| b.files[3].content[0] = b'f'),
        Box::new(|b| b.files[3].kind = FileKind::Regular),
        Box::new(|b| {
            b.files.pop();
        }),
        Box::new(|b| b.files.push(file("extra", FileKind::Regular, b""))),
    ];
    for (i, mutate) in mutations.iter().enumerate() {
        let mut changed = sample();
        mutate(&mut changed);
        assert_ne!(content_hash(&changed), base, "mutation {i} kept the hash");
    }
}

#[test]
fn boundaries_between_path_and_content_are_unambiguous() {
    let a = SkillBundle {
        root: String::new(),
        files: vec![file("ab", FileKind::Regular, b"c")],
    };
    let b = SkillBundle {
        root: String::new(),
        files: vec![file("a", FileKind::Regular, b"bc")],
    };
    assert_ne!(content_hash(&a), content_hash(&b));
}

proptest! {
    #[test]
    fn distinct_single_files_hash_differently(
        p1 in "[a-z/]{1,8}", c1 in proptest::collection::vec(any::<u8>(), 0..16),
        p2 in "[a-z/]{1,8}", c2 in proptest::collection::vec(any::<u8>(), 0..16),
    ) {
        let a = SkillBundle { root: String::new(), files: vec![file(&p1, FileKind::Regular, &c1)] };
        let b = SkillBundle { root: String::new(), files: vec![file(&p2, FileKind::Regular, &c2)] };
        prop_assert_eq!(content_hash(&a) == content_hash(&b), (p1, c1) == (p2, c2));
    }
}
