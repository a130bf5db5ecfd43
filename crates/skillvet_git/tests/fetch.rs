//! Fetching real local fixture repositories built in each test with the git CLI.

use std::net::IpAddr;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use skillvet_git::{FetchError, FetchPolicy, RepoUrl, fetch};
use skillvet_skill::{FileKind, Limits, TreeSource};

/// A repository built for one test, removed with its temp dir.
struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Fixture {
        let fixture = Fixture {
            dir: tempfile::Builder::new()
                .prefix("fixture-")
                .tempdir()
                .expect("tempdir"),
        };
        fixture.git(&["init", "--quiet", "--initial-branch=main"]);
        fixture
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn git(&self, args: &[&str]) -> String {
        let out = Command::new("git")
            .args([
                "-c",
                "user.name=Fixture",
                "-c",
                "user.email=fixture@example.com",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(["-c", "protocol.file.allow=always"])
            .args(args)
            .current_dir(self.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .output()
            .expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    fn write(&self, rel: &str, content: &[u8]) {
        let path = self.path().join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, content).expect("write");
    }

    fn commit(&self, message: &str) -> String {
        self.git(&["add", "--all"]);
        self.git(&["commit", "--quiet", "--allow-empty", "-m", message]);
        self.git(&["rev-parse", "HEAD"])
    }

    fn url(&self) -> RepoUrl {
        RepoUrl::parse(self.path().to_str().expect("utf-8"), &local_policy()).expect("local url")
    }
}

fn local_policy() -> FetchPolicy {
    FetchPolicy {
        allow_local: true,
        ..FetchPolicy::default()
    }
}

fn skill_md(name: &str) -> Vec<u8> {
    format!("---\nname: {name}\ndescription: The {name} skill.\n---\n# {name}\n").into_bytes()
}

/// Fresh pseudo-random bytes (incompressible, so pack size tracks content size).
fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect()
}

#[tokio::test]
async fn fetches_default_branch_and_pins_commit() {
    let repo = Fixture::new();
    repo.write("skills/pdf/SKILL.md", &skill_md("pdf"));
    repo.write("skills/pdf/scripts/run.sh", b"#!/bin/sh\necho pdf\n");
    std::fs::set_permissions(
        repo.path().join("skills/pdf/scripts/run.sh"),
        std::fs::Permissions::from_mode(0o755),
    )
    .expect("chmod");
    repo.write("README.md", b"readme");
    let head = repo.commit("first");

    let snapshot = fetch(&repo.url(), None, &local_policy())
        .await
        .expect("fetch");
    assert_eq!(snapshot.commit_sha(), head);
    let listing: Vec<(&str, &FileKind, u64)> = snapshot
        .entries()
        .iter()
        .map(|e| (e.path.as_str(), &e.kind, e.size))
        .collect();
    assert_eq!(
        listing,
        [
            ("README.md", &FileKind::Regular, 6),
            (
                "skills/pdf/SKILL.md",
                &FileKind::Regular,
                skill_md("pdf").len() as u64
            ),
            ("skills/pdf/scripts/run.sh", &FileKind::Executable, 19),
        ]
    );
    assert_eq!(snapshot.read("README.md").expect("read"), b"readme");
    let bundle = snapshot.bundle("skills/pdf").expect("bundle");
    assert_eq!(bundle.root, "skills/pdf");
    assert_eq!(bundle.files.len(), 2);
    assert_eq!(
        bundle.file("scripts/run.sh").map(|f| &f.kind),
        Some(&FileKind::Executable)
    );
    assert!(bundle.parse_manifest().is_valid());

    let discovery = snapshot.discover();
    assert_eq!(discovery.skills.len(), 1);
    assert_eq!(discovery.skills[0].path, "skills/pdf");
    assert_eq!(discovery.skills[0].name.as_deref(), Some("pdf"));
}

#[tokio::test]
async fn fetches_branch_tag_and_commit() {
    let repo = Fixture::new();
    repo.write("SKILL.md", &skill_md("one"));
    let first = repo.commit("first");
    repo.git(&["tag", "-a", "v1", "-m", "release 1"]);
    repo.git(&["tag", "light", first.as_str()]);
    repo.git(&["checkout", "--quiet", "-b", "feature"]);
    repo.write("feature.txt", b"feature");
    let feature = repo.commit("feature work");
    repo.git(&["checkout", "--quiet", "main"]);
    repo.write("SKILL.md", &skill_md("two"));
    let second = repo.commit("second");

    let policy = local_policy();
    let url = repo.url();
    assert_eq!(
        fetch(&url, None, &policy).await.expect("HEAD").commit_sha(),
        second
    );
    assert_eq!(
        fetch(&url, Some("main"), &policy)
            .await
            .expect("main")
            .commit_sha(),
        second
    );
    let feature_snapshot = fetch(&url, Some("feature"), &policy).await.expect("branch");
    assert_eq!(feature_snapshot.commit_sha(), feature);
    assert!(feature_snapshot.entry("feature.txt").is_some());
    assert_eq!(
        fetch(&url, Some("v1"), &policy)
            .await
            .expect("annotated tag")
            .commit_sha(),
        first
    );
    assert_eq!(
        fetch(&url, Some("refs/tags/light"), &policy)
            .await
            .expect("tag")
            .commit_sha(),
        first
    );
    let old = fetch(&url, Some(&first), &policy).await.expect("commit");
    assert_eq!(old.commit_sha(), first);
    assert_eq!(old.read("SKILL.md").expect("read"), skill_md("one"));
    let upper = first.to_ascii_uppercase();
    assert_eq!(
        fetch(&url, Some(&upper), &policy)
            .await
            .expect("upper-case sha")
            .commit_sha(),
        first
    );
}

#[tokio::test]
async fn missing_and_hostile_references() {
    let repo = Fixture::new();
    repo.write("a", b"a");
    repo.commit("c");
    let policy = local_policy();
    let url = repo.url();
    let err = fetch(&url, Some("no-such-branch"), &policy)
        .await
        .expect_err("missing");
    assert!(
        matches!(err, FetchError::ReferenceNotFound { .. }),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "reference \"no-such-branch\" was not found in the repository"
    );
    let err = fetch(
        &url,
        Some("0123456789abcdef0123456789abcdef01234567"),
        &policy,
    )
    .await
    .expect_err("missing sha");
    assert!(
        matches!(err, FetchError::ReferenceNotFound { .. }),
        "{err:?}"
    );
    for hostile in [
        "--upload-pack=touch /tmp/x",
        "-q",
        "main:refs/heads/x",
        "+main",
        "a..b",
        "a b",
        "main^",
        "x/.hidden",
        "ref.lock",
    ] {
        let err = fetch(&url, Some(hostile), &policy)
            .await
            .expect_err(hostile);
        assert!(
            matches!(err, FetchError::InvalidReference { .. }),
            "{hostile}: {err:?}"
        );
    }
}

#[tokio::test]
async fn symlinks_and_submodules_are_listed_not_followed() {
    let other = Fixture::new();
    other.write("secret.txt", b"from the submodule");
    let other_head = other.commit("other");

    let repo = Fixture::new();
    repo.write("skills/evil/SKILL.md", &skill_md("evil"));
    std::os::unix::fs::symlink(
        "../../../../etc/passwd",
        repo.path().join("skills/evil/passwd"),
    )
    .expect("symlink");
    std::os::unix::fs::symlink("SKILL.md", repo.path().join("skills/evil/inside"))
        .expect("symlink");
    repo.write(
        ".gitmodules",
        format!(
            "[submodule \"vendor\"]\n\tpath = skills/evil/vendor\n\turl = {}\n",
            other.path().display()
        )
        .as_bytes(),
    );
    repo.git(&["add", "--all"]);
    repo.git(&[
        "update-index",
        "--add",
        "--cacheinfo",
        &format!("160000,{other_head},skills/evil/vendor"),
    ]);
    repo.git(&["commit", "--quiet", "-m", "with links"]);

    let snapshot = fetch(&repo.url(), None, &local_policy())
        .await
        .expect("fetch");
    let vendor = snapshot
        .entry("skills/evil/vendor")
        .expect("gitlink listed");
    assert_eq!(vendor.kind, FileKind::Submodule);
    assert_eq!(
        snapshot.read("skills/evil/vendor").expect("read"),
        other_head.as_bytes()
    );
    assert!(
        snapshot
            .entries()
            .iter()
            .all(|e| !e.path.contains("secret")),
        "submodule content never fetched"
    );

    let bundle = snapshot.bundle("skills/evil").expect("bundle");
    let passwd = bundle.file("passwd").expect("symlink listed");
    assert_eq!(
        passwd.kind,
        FileKind::Symlink {
            target: "../../../../etc/passwd".to_owned()
        }
    );
    assert!(passwd.content.is_empty());
    assert_eq!(bundle.escaping_symlinks(), ["passwd"]);
    assert_eq!(
        bundle.file("vendor").map(|f| f.content.as_slice()),
        Some(other_head.as_bytes())
    );
}

#[tokio::test]
async fn hooks_in_the_repository_never_run() {
    let marker_dir = tempfile::tempdir().expect("tempdir");
    let marker = marker_dir.path().join("hook-ran");
    let hook = format!("#!/bin/sh\ntouch '{}'\n", marker.display());
    let repo = Fixture::new();
    repo.write("SKILL.md", &skill_md("hooked"));
    // Hook scripts committed as content, in the places git or tools look for hooks.
    for name in [
        "hooks/post-checkout",
        ".githooks/reference-transaction",
        ".husky/post-merge",
        "post-checkout",
    ] {
        repo.write(name, hook.as_bytes());
        std::fs::set_permissions(
            repo.path().join(name),
            std::fs::Permissions::from_mode(0o755),
        )
        .expect("chmod");
    }
    repo.commit("hooks");
    // Live hooks in the source repository itself, which a fetch from it must not trigger.
    for name in [
        "post-checkout",
        "reference-transaction",
        "post-commit",
        "post-merge",
        "post-update",
        "pre-receive",
    ] {
        let path = repo.path().join(".git/hooks").join(name);
        std::fs::write(&path, &hook).expect("hook");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    // Prove the hooks are armed: the fixture's own git runs them.
    repo.commit("arming check");
    assert!(marker.exists(), "fixture hooks should be live");
    std::fs::remove_file(&marker).expect("reset marker");

    let snapshot = fetch(&repo.url(), None, &local_policy())
        .await
        .expect("fetch");
    let bundle = snapshot.bundle("").expect("bundle");
    assert_eq!(
        bundle.file("hooks/post-checkout").map(|f| &f.kind),
        Some(&FileKind::Executable)
    );
    assert!(!marker.exists(), "a hook ran during the fetch");
}

#[tokio::test]
async fn size_and_count_limits_are_distinct_errors() {
    let repo = Fixture::new();
    repo.write("SKILL.md", &skill_md("big"));
    repo.write("big.bin", &noise(2_000_000, 7));
    for i in 0..20 {
        repo.write(&format!("many/{i}.txt"), format!("file {i}").as_bytes());
    }
    repo.commit("big");
    let url = repo.url();

    let single = FetchPolicy {
        limits: Limits {
            max_file_bytes: 1_000_000,
            ..Limits::default()
        },
        ..local_policy()
    };
    let err = fetch(&url, None, &single).await.expect_err("single file");
    assert!(
        matches!(
            err,
            FetchError::FileTooLarge {
                size: 2_000_000,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "big.bin is 2000000 bytes, over the single-file size limit of 1 MB"
    );

    let total = FetchPolicy {
        limits: Limits {
            max_total_bytes: 1_500_000,
            ..Limits::default()
        },
        ..local_policy()
    };
    let err = fetch(&url, None, &total).await.expect_err("total");
    assert!(
        matches!(err, FetchError::RepositoryTooLarge { limit: 1_500_000 }),
        "{err:?}"
    );
    assert_eq!(err.to_string(), "repository exceeds the 1500 kB size limit");

    let count = FetchPolicy {
        limits: Limits {
            max_files: 10,
            ..Limits::default()
        },
        ..local_policy()
    };
    let err = fetch(&url, None, &count).await.expect_err("count");
    assert!(
        matches!(err, FetchError::TooManyFiles { limit: 10 }),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "repository has more than 10 files (the file-count limit)"
    );

    // Within the limits the same repository fetches fine.
    let snapshot = fetch(&url, None, &local_policy())
        .await
        .expect("default limits");
    assert_eq!(snapshot.entries().len(), 22);
    assert_eq!(
        snapshot.total_bytes(),
        2_000_000
            + skill_md("big").len() as u64
            + (0..20)
                .map(|i: u64| format!("file {i}").len() as u64)
                .sum::<u64>()
    );
}

#[tokio::test]
async fn oversized_repository_is_rejected() {
    // 30 MB of incompressible blobs against a 4 MB limit: stopped by the on-disk watcher
    // during the fetch or, at the latest, by the listing check; the error is the same.
    let repo = Fixture::new();
    for i in 0..10 {
        repo.write(&format!("blob{i}.bin"), &noise(3_000_000, i + 1));
    }
    repo.commit("large");
    let policy = FetchPolicy {
        limits: Limits {
            max_total_bytes: 4_000_000,
            ..Limits::default()
        },
        ..local_policy()
    };
    let err = fetch(&repo.url(), None, &policy)
        .await
        .expect_err("too large");
    assert!(
        matches!(err, FetchError::RepositoryTooLarge { limit: 4_000_000 }),
        "{err:?}"
    );
}

#[tokio::test]
async fn on_disk_size_is_checked_even_when_the_listing_fits() {
    // 3,000,000 bytes of content; the pack (zlib framing, index, metadata) takes a little
    // more on disk. A limit between the two can only be caught by the on-disk check.
    let repo = Fixture::new();
    repo.write("blob.bin", &noise(3_000_000, 3));
    repo.commit("one blob");
    let limit = 3_000_500;
    let policy = FetchPolicy {
        limits: Limits {
            max_total_bytes: limit,
            ..Limits::default()
        },
        ..local_policy()
    };
    let err = fetch(&repo.url(), None, &policy)
        .await
        .expect_err("disk size");
    assert!(
        matches!(err, FetchError::RepositoryTooLarge { limit: 3_000_500 }),
        "{err:?}"
    );
    let roomy = FetchPolicy {
        limits: Limits {
            max_total_bytes: 3_100_000,
            ..Limits::default()
        },
        ..local_policy()
    };
    assert_eq!(
        fetch(&repo.url(), None, &roomy)
            .await
            .expect("fits")
            .total_bytes(),
        3_000_000
    );
}

#[tokio::test]
async fn local_repositories_need_the_operator_switch() {
    let repo = Fixture::new();
    repo.commit("empty");
    let path = repo.path().to_str().expect("utf-8").to_owned();
    let strict = FetchPolicy::default();
    for input in [path.clone(), format!("file://{path}")] {
        let err = RepoUrl::parse(&input, &strict).expect_err("local refused");
        assert_eq!(
            err.to_string(),
            "local repositories (file:// or a path) are not accepted here"
        );
    }
    // A URL parsed under a permissive policy is still refused by a strict fetch.
    let err = fetch(&repo.url(), None, &strict)
        .await
        .expect_err("strict fetch");
    assert!(matches!(err, FetchError::LocalNotAllowed), "{err:?}");
}

#[tokio::test]
async fn file_url_form_works_when_allowed() {
    let repo = Fixture::new();
    repo.write("x", b"x");
    let head = repo.commit("x");
    let url = RepoUrl::parse(
        &format!("file://{}/", repo.path().display()),
        &local_policy(),
    )
    .expect("file url");
    assert_eq!(url.canonical(), format!("file://{}", repo.path().display()));
    assert_eq!(
        fetch(&url, None, &local_policy())
            .await
            .expect("fetch")
            .commit_sha(),
        head
    );
}

#[tokio::test]
async fn private_hosts_are_refused_before_any_connection() {
    let policy = FetchPolicy::default();
    let err = RepoUrl::parse("https://127.0.0.1/x/y", &policy).expect_err("loopback literal");
    assert_eq!(
        err.to_string(),
        "host 127.0.0.1 is a private, loopback, link-local or otherwise non-public address"
    );
    // `localhost` is not a public DNS name (names resolving to loopback are refused by
    // `ssrf::resolve_public`, tested in that module).
    let err = RepoUrl::parse("https://localhost/x/y", &policy).expect_err("localhost");
    assert_eq!(
        err.to_string(),
        "host \"localhost\" is not a valid public DNS name"
    );
}

#[tokio::test]
async fn allowed_address_that_never_answers_times_out() {
    // A listener that accepts connections and never says a word: git's TLS handshake hangs.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let accept = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let loopback: IpAddr = "127.0.0.1".parse().expect("ip");
    let policy = FetchPolicy {
        allowed_addresses: vec![loopback],
        timeout: Duration::from_secs(2),
        ..FetchPolicy::default()
    };
    let url =
        RepoUrl::parse(&format!("https://127.0.0.1:{port}/owner/repo"), &policy).expect("allowed");
    let started = Instant::now();
    let err = fetch(&url, None, &policy).await.expect_err("must time out");
    let elapsed = started.elapsed();
    assert!(matches!(err, FetchError::Timeout { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "fetching the repository took longer than the 2 s time limit"
    );
    assert!(
        elapsed >= Duration::from_secs(2) && elapsed < Duration::from_secs(10),
        "{elapsed:?}"
    );
    accept.abort();
}

#[tokio::test]
async fn temporary_repository_is_removed() {
    let repo = Fixture::new();
    repo.write("x", b"x");
    repo.commit("x");
    let work = tempfile::tempdir().expect("work dir");
    let policy = FetchPolicy {
        work_dir: Some(work.path().to_owned()),
        ..local_policy()
    };
    let listing = || std::fs::read_dir(work.path()).expect("work dir").count();
    let snapshot = fetch(&repo.url(), None, &policy).await.expect("fetch");
    assert_eq!(
        listing(),
        0,
        "no temporary repository left behind after success"
    );
    fetch(&repo.url(), Some("missing"), &policy)
        .await
        .expect_err("missing ref");
    assert_eq!(
        listing(),
        0,
        "no temporary repository left behind after failure"
    );
    assert_eq!(snapshot.read("x").expect("in memory"), b"x");
}
