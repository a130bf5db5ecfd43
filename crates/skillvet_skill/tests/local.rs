//! Loading skills from disk: symlinks recorded not followed, `.git` skipped, limits enforced.

use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::Path;

use skillvet_skill::{
    FileKind, Limits, LoadError, LocalTree, TreeSource, content_hash, find_skill_dirs, load_dir,
};

fn write(root: &Path, rel: &str, content: &[u8]) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, content).expect("write");
}

fn skill_dir() -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix("skill")
        .tempdir()
        .expect("tempdir");
    write(
        dir.path(),
        "SKILL.md",
        b"---\nname: x\ndescription: d\n---\nbody\n",
    );
    write(dir.path(), "scripts/run.sh", b"#!/bin/sh\necho hi\n");
    std::fs::set_permissions(
        dir.path().join("scripts/run.sh"),
        std::fs::Permissions::from_mode(0o755),
    )
    .expect("chmod");
    write(dir.path(), "references/notes.md", b"notes");
    write(dir.path(), ".git/config", b"[core]\n");
    write(dir.path(), "sub/.git", b"gitdir: elsewhere\n");
    symlink("/etc/passwd", dir.path().join("references/passwd")).expect("symlink");
    dir
}

#[test]
fn load_dir_records_kinds_and_skips_git() {
    let dir = skill_dir();
    let bundle = load_dir(dir.path(), &Limits::default()).expect("load");
    let listing: Vec<(&str, &FileKind)> = bundle
        .files
        .iter()
        .map(|f| (f.path.as_str(), &f.kind))
        .collect();
    assert_eq!(
        listing,
        [
            ("SKILL.md", &FileKind::Regular),
            ("references/notes.md", &FileKind::Regular),
            (
                "references/passwd",
                &FileKind::Symlink {
                    target: "/etc/passwd".to_owned()
                }
            ),
            ("scripts/run.sh", &FileKind::Executable),
        ]
    );
    let link = bundle.file("references/passwd").expect("symlink entry");
    assert!(link.content.is_empty(), "symlink must not be followed");
    assert_eq!(
        bundle.manifest_bytes(),
        Some(&b"---\nname: x\ndescription: d\n---\nbody\n"[..])
    );
    let folder = dir
        .path()
        .file_name()
        .and_then(|n| n.to_str())
        .expect("name");
    assert_eq!(bundle.root, folder);
    // `name: x` does not match the temp folder's name: reported, not ignored.
    let parsed = bundle.parse_manifest();
    assert_eq!(parsed.errors.len(), 1);
    assert_eq!(parsed.errors[0].code, "name_folder_mismatch");
}

#[test]
fn symlinked_directories_are_not_entered() {
    let dir = skill_dir();
    let outside = tempfile::tempdir().expect("tempdir");
    write(outside.path(), "secret.txt", b"secret");
    write(
        outside.path(),
        "nested/SKILL.md",
        b"---\nname: nested\ndescription: d\n---\n",
    );
    symlink(outside.path(), dir.path().join("escape")).expect("symlink");
    let bundle = load_dir(dir.path(), &Limits::default()).expect("load");
    assert!(bundle.files.iter().all(|f| !f.path.starts_with("escape/")));
    assert!(matches!(
        bundle.file("escape").map(|f| &f.kind),
        Some(FileKind::Symlink { .. })
    ));
    assert_eq!(
        find_skill_dirs(dir.path()).expect("find"),
        [dir.path().to_owned()]
    );
}

#[test]
fn limits_are_enforced_with_clear_errors() {
    let dir = skill_dir();
    let few = Limits {
        max_files: 3,
        ..Limits::default()
    };
    let err = load_dir(dir.path(), &few).expect_err("too many files");
    assert!(
        matches!(err, LoadError::TooManyFiles { limit: 3, .. }),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "more than 3 files: the file-count limit was reached at scripts/run.sh"
    );

    let small = Limits {
        max_file_bytes: 10,
        ..Limits::default()
    };
    let err = load_dir(dir.path(), &small).expect_err("file too large");
    assert_eq!(
        err.to_string(),
        "SKILL.md is 36 bytes, over the single-file size limit of 10 bytes"
    );

    let total = Limits {
        max_total_bytes: 50,
        ..Limits::default()
    };
    let err = load_dir(dir.path(), &total).expect_err("total too large");
    assert_eq!(
        err.to_string(),
        "the files exceed the total size limit of 50 bytes (reached at references/passwd)"
    );

    write(dir.path(), "big.bin", &vec![0u8; 11_000_000]);
    let err = load_dir(dir.path(), &Limits::default()).expect_err("default single-file limit");
    assert_eq!(
        err.to_string(),
        "big.bin is 11000000 bytes, over the single-file size limit of 10 MB"
    );
}

#[test]
fn special_files_are_refused_unopened() {
    let dir = skill_dir();
    let fifo = dir.path().join("pipe");
    let c_path = std::ffi::CString::new(fifo.to_str().expect("utf-8")).expect("cstring");
    // SAFETY: mkfifo with a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o644) }, 0);
    let err = load_dir(dir.path(), &Limits::default()).expect_err("fifo refused");
    assert!(
        matches!(err, LoadError::SpecialFile { kind: "FIFO", .. }),
        "{err:?}"
    );
}

#[test]
fn tree_reads_only_listed_paths() {
    let dir = skill_dir();
    let tree = LocalTree::open(dir.path(), &Limits::default()).expect("open");
    assert_eq!(tree.read("references/notes.md").expect("read"), b"notes");
    assert_eq!(
        tree.read("references/passwd").expect("link"),
        b"/etc/passwd"
    );
    for hostile in ["../etc/passwd", "/etc/passwd", ".git/config", "missing"] {
        assert!(
            matches!(tree.read(hostile), Err(LoadError::NotInTree { .. })),
            "{hostile}"
        );
    }
}

#[test]
fn file_swapped_for_symlink_after_listing_is_not_followed() {
    let dir = skill_dir();
    let tree = LocalTree::open(dir.path(), &Limits::default()).expect("open");
    let notes = dir.path().join("references/notes.md");
    std::fs::remove_file(&notes).expect("rm");
    symlink("/etc/hostname", &notes).expect("symlink");
    let err = tree.read("references/notes.md").expect_err("O_NOFOLLOW");
    assert!(matches!(err, LoadError::Io { .. }), "{err:?}");
}

#[test]
fn find_skill_dirs_lists_every_skill_sorted() {
    let repo = tempfile::tempdir().expect("tempdir");
    for rel in [
        "skills/b/SKILL.md",
        "skills/a/SKILL.md",
        "SKILL.md",
        "deep/x/y/z/SKILL.md",
        ".git/SKILL.md",
    ] {
        write(repo.path(), rel, b"---\nname: a\ndescription: d\n---\n");
    }
    write(
        repo.path(),
        "skills/c/skill.md",
        b"lowercase name is not a skill",
    );
    let found = find_skill_dirs(repo.path()).expect("find");
    let rel: Vec<_> = found
        .iter()
        .map(|p| {
            p.strip_prefix(repo.path())
                .expect("under repo")
                .to_str()
                .expect("utf-8")
                .to_owned()
        })
        .collect();
    assert_eq!(rel, ["", "deep/x/y/z", "skills/a", "skills/b"]);
}

#[test]
fn load_dir_rejects_a_file_path() {
    let dir = skill_dir();
    let err = load_dir(&dir.path().join("SKILL.md"), &Limits::default()).expect_err("not a dir");
    assert!(matches!(err, LoadError::NotADirectory { .. }));
}

#[test]
fn same_content_in_two_folders_hashes_equal() {
    let a = skill_dir();
    let b = skill_dir();
    let bundle_a = load_dir(a.path(), &Limits::default()).expect("a");
    let bundle_b = load_dir(b.path(), &Limits::default()).expect("b");
    assert_ne!(bundle_a.root, bundle_b.root);
    assert_eq!(content_hash(&bundle_a), content_hash(&bundle_b));
    std::fs::set_permissions(
        b.path().join("scripts/run.sh"),
        std::fs::Permissions::from_mode(0o644),
    )
    .expect("chmod");
    let bundle_b = load_dir(b.path(), &Limits::default()).expect("b");
    assert_ne!(
        content_hash(&bundle_a),
        content_hash(&bundle_b),
        "mode change must alter the hash"
    );
}
