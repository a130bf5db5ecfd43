//! Repository URL policy: what users may submit, and what identity it gets.

use skillvet_git::{FetchPolicy, RepoUrl, UrlError};

fn parse(input: &str) -> Result<RepoUrl, UrlError> {
    RepoUrl::parse(input, &FetchPolicy::default())
}

#[test]
fn accepted_urls_and_their_identity() {
    let cases = [
        (
            "https://github.com/Owner/Repo",
            "https://github.com/owner/repo",
            "owner",
            "repo",
        ),
        (
            "https://github.com/owner/repo.git",
            "https://github.com/owner/repo",
            "owner",
            "repo",
        ),
        (
            "  https://github.com/owner/repo/  ",
            "https://github.com/owner/repo",
            "owner",
            "repo",
        ),
        (
            "https://GITHUB.COM/owner/repo.git/",
            "https://github.com/owner/repo",
            "owner",
            "repo",
        ),
        (
            "https://github.com//owner//repo",
            "https://github.com/owner/repo",
            "owner",
            "repo",
        ),
        (
            "https://gitlab.com/Group/Sub/Project",
            "https://gitlab.com/Group/Sub/Project",
            "Group/Sub",
            "Project",
        ),
        (
            "https://git.example.org:8443/a/b.git",
            "https://git.example.org:8443/a/b",
            "a",
            "b",
        ),
        (
            "https://git.example.org:443/a/b",
            "https://git.example.org/a/b",
            "a",
            "b",
        ),
        (
            "https://codeberg.org/user/my_repo.v2",
            "https://codeberg.org/user/my_repo.v2",
            "user",
            "my_repo.v2",
        ),
        ("https://8.8.8.8/a/b", "https://8.8.8.8/a/b", "a", "b"),
        (
            "https://[2606:4700:4700::1111]:444/a/b",
            "https://[2606:4700:4700::1111]:444/a/b",
            "a",
            "b",
        ),
        (
            "https://example.com./a/b",
            "https://example.com/a/b",
            "a",
            "b",
        ),
    ];
    for (input, canonical, owner, name) in cases {
        let url = parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(
            (url.canonical(), url.owner(), url.name()),
            (canonical, owner, name),
            "{input}"
        );
        assert!(!url.is_local());
    }
    assert_eq!(
        parse("https://git.example.org:8443/a/b")
            .expect("port")
            .port(),
        Some(8443)
    );
    assert_eq!(
        parse("https://github.com/a/b").expect("default").port(),
        Some(443)
    );
}

#[test]
fn rejected_urls_with_precise_errors() {
    use UrlError::*;
    let cases: Vec<(&str, UrlError)> = vec![
        ("", Empty),
        ("   ", Empty),
        ("http://github.com/a/b", InsecureScheme),
        ("ssh://git@github.com/a/b", UnsupportedScheme("ssh".into())),
        ("git://github.com/a/b", UnsupportedScheme("git".into())),
        ("ftp://example.com/a/b", UnsupportedScheme("ftp".into())),
        ("ext::sh -c touch% /tmp/pwned", InvalidCharacters),
        ("ext::sh", UnsupportedScheme("ext".into())),
        (
            "git@github.com:owner/repo.git",
            NotAUrl("git@github.com:owner/repo.git".into()),
        ),
        (
            "github.com/owner/repo",
            NotAUrl("github.com/owner/repo".into()),
        ),
        ("--upload-pack=touch /tmp/x", InvalidCharacters),
        ("--upload-pack=evil", NotAUrl("--upload-pack=evil".into())),
        ("https://user:pass@github.com/a/b", Credentials),
        ("https://token@github.com/a/b", Credentials),
        ("https://github.com/a/b?x=1", QueryOrFragment),
        ("https://github.com/a/b?", QueryOrFragment),
        ("https://github.com/a/b#frag", QueryOrFragment),
        ("https://github.com/a\n/b", InvalidCharacters),
        ("https://github.com/a/\u{0}b", InvalidCharacters),
        (
            "https://127.0.0.1/x/y",
            ForbiddenAddress("127.0.0.1".parse().expect("ip")),
        ),
        (
            "https://10.0.0.5/x/y",
            ForbiddenAddress("10.0.0.5".parse().expect("ip")),
        ),
        (
            "https://169.254.169.254/x/y",
            ForbiddenAddress("169.254.169.254".parse().expect("ip")),
        ),
        (
            "https://100.64.1.1/x/y",
            ForbiddenAddress("100.64.1.1".parse().expect("ip")),
        ),
        (
            "https://0x7f000001/x/y",
            ForbiddenAddress("127.0.0.1".parse().expect("ip")),
        ),
        (
            "https://2130706433/x/y",
            ForbiddenAddress("127.0.0.1".parse().expect("ip")),
        ),
        (
            "https://[::1]/x/y",
            ForbiddenAddress("::1".parse().expect("ip")),
        ),
        (
            "https://[::ffff:127.0.0.1]/x/y",
            ForbiddenAddress("::ffff:127.0.0.1".parse().expect("ip")),
        ),
        (
            "https://[fd00::1]/x/y",
            ForbiddenAddress("fd00::1".parse().expect("ip")),
        ),
        ("https://localhost/x/y", InvalidHost("localhost".into())),
        ("https://intranet/x/y", InvalidHost("intranet".into())),
        (
            "https://bad_host.example.com/x/y",
            InvalidHost("bad_host.example.com".into()),
        ),
        (
            "https://-lead.example.com/x/y",
            InvalidHost("-lead.example.com".into()),
        ),
        ("https://github.com/owner", InvalidPath("/owner".into())),
        ("https://github.com/", InvalidPath("/".into())),
        (
            "https://github.com/o/r/tree/main",
            InvalidPath("/o/r/tree/main".into()),
        ),
        (
            "https://gitlab.com/a/b/c/d/e/f/g/h/i",
            InvalidPath("/a/b/c/d/e/f/g/h/i".into()),
        ),
        (
            "https://gitlab.com/group/project/-/tree",
            InvalidSegment("-".into()),
        ),
        ("https://example.com/a/-rf", InvalidSegment("-rf".into())),
        (
            "https://example.com/a/.hidden",
            InvalidSegment(".hidden".into()),
        ),
        (
            "https://example.com/a/b%20c",
            InvalidSegment("b%20c".into()),
        ),
        ("https://example.com/a/b/../../c", InvalidPath("/c".into())),
        ("file:///srv/repos/a", LocalNotAllowed),
        ("/srv/repos/a", LocalNotAllowed),
    ];
    for (input, expected) in cases {
        assert_eq!(parse(input).expect_err(input), expected, "{input}");
    }
    let long = format!("https://github.com/a/{}", "b".repeat(3000));
    assert_eq!(parse(&long).expect_err("long"), TooLong);
}

#[test]
fn error_messages_are_clear() {
    let cases = [
        (
            "http://github.com/a/b",
            "plain http:// is not accepted; use https://",
        ),
        (
            "ssh://git@github.com/a/b",
            "the ssh:// scheme is not accepted; only https:// repository URLs are",
        ),
        (
            "https://u:p@github.com/a/b",
            "repository URLs must not contain credentials (user name or password)",
        ),
        (
            "https://github.com/a",
            "the URL path must name a repository as OWNER/REPO, got \"/a\"",
        ),
        (
            "https://169.254.169.254/a/b",
            "host 169.254.169.254 is a private, loopback, link-local or otherwise non-public address",
        ),
    ];
    for (input, message) in cases {
        assert_eq!(parse(input).expect_err(input).to_string(), message);
    }
}

#[test]
fn operator_allow_list_and_local_paths() {
    let policy = FetchPolicy {
        allow_local: true,
        allowed_addresses: vec!["10.1.2.3".parse().expect("ip")],
        ..FetchPolicy::default()
    };
    let mirror = RepoUrl::parse("https://10.1.2.3/team/skills", &policy).expect("allowed mirror");
    assert_eq!(mirror.host(), Some("10.1.2.3"));
    assert!(RepoUrl::parse("https://10.1.2.4/team/skills", &policy).is_err());

    let local = RepoUrl::parse("/srv/repos/acme/skills.git/", &policy).expect("path");
    assert!(local.is_local());
    assert_eq!(
        (local.owner(), local.name(), local.canonical()),
        ("acme", "skills", "file:///srv/repos/acme/skills.git")
    );
    let file = RepoUrl::parse("file:///srv/repos/acme/skills.git", &policy).expect("file url");
    assert_eq!(file.canonical(), local.canonical());
    for bad in ["/srv/../etc", "file://remote-host/srv/x", "file:///", "/"] {
        assert!(
            matches!(
                RepoUrl::parse(bad, &policy),
                Err(UrlError::InvalidLocalPath(_))
            ),
            "{bad}"
        );
    }
}
