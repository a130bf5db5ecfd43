//! Serving published skills to install clients, over a real server on loopback with skills
//! published by the real pipeline, on SQLite and PostgreSQL.

mod support;

use std::io::Read;

use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use skillvet_client::api::ApiError;
use skillvet_client::install::{InstallArgs, InstallError, install};
use skillvet_core::model::{Actor, NewScanResult, Role, Transition, Verdict};
use skillvet_core::moderation::Moderator;
use skillvet_core::{Clock, SubmissionState, SystemClock};
use skillvet_test_db::{TestDb, backend_tests};
use support::{SCRIPT, SKILL_MD, Server, repo_with_skill};

const SKILL: &str = "/api/v1/skills/acme/toolbox/md-tables";

async fn json_of(response: reqwest::Response) -> Value {
    response.json().await.unwrap()
}

fn header<'a>(response: &'a reqwest::Response, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .unwrap_or_else(|| panic!("no {name} header"))
        .to_str()
        .unwrap()
}

fn untar(bytes: &[u8]) -> Vec<(String, u32, String)> {
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(bytes));
    let mut out = Vec::new();
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        let mode = entry.header().mode().unwrap();
        let path = entry.path().unwrap().display().to_string();
        let mut body = String::new();
        entry.read_to_string(&mut body).unwrap();
        out.push((path, mode, body));
    }
    out
}

async fn detail_version_and_download(db: TestDb) {
    let server = Server::start(db).await;
    let repo = repo_with_skill("acme", "toolbox");
    server
        .publish(&repo, "acme", "toolbox", "skills/md-tables")
        .await;

    let response = server.get(SKILL).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "cache-control"), "public, max-age=60");
    let etag = header(&response, "etag").to_owned();
    assert!(etag.starts_with('"') && !etag.starts_with("W/"), "{etag}");
    let detail = json_of(response).await;
    assert_eq!(detail["slug"], "acme/toolbox/md-tables");
    assert_eq!(
        detail["description"],
        "Formats Markdown tables in the current file."
    );
    assert_eq!(detail["cert_tier"], "VERIFIED");
    assert!(detail["trust_score"].as_i64().unwrap() > 0);
    assert_eq!(detail["current_version"], "1");
    assert_eq!(detail["versions"][0]["version"], "1");
    assert_eq!(detail["latest_scan"]["verdict"], "PASS");
    assert_eq!(detail["latest_scan"]["scans"].as_array().unwrap().len(), 2);

    // Revalidation: same ETag → 304 without a body; a stale one → 200.
    let again = server
        .http
        .get(format!("{}{SKILL}", server.base))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(header(&again, "etag"), etag);
    assert!(again.bytes().await.unwrap().is_empty());
    let stale = server
        .http
        .get(format!("{}{SKILL}", server.base))
        .header("if-none-match", "\"0000\"")
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), StatusCode::OK);

    let version = json_of(server.get(&format!("{SKILL}/versions/1")).await).await;
    assert_eq!(version["verdict"]["verdict"], "PASS");
    assert_eq!(version["installable"], true);
    let paths: Vec<&str> = version["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["SKILL.md", "references/style.md", "scripts/fmt.sh"]);

    let download = server.get(&format!("{SKILL}/versions/1/download")).await;
    assert_eq!(download.status(), StatusCode::OK);
    assert_eq!(header(&download, "content-type"), "application/gzip");
    assert_eq!(header(&download, "x-skillvet-verdict"), "PASS");
    let sha = header(&download, "x-skillvet-sha256").to_owned();
    assert!(header(&download, "digest").starts_with("sha-256="));
    assert!(header(&download, "content-disposition").contains("md-tables-1.tar.gz"));
    let bytes = download.bytes().await.unwrap();
    assert_eq!(hex::encode(Sha256::digest(&bytes)), sha);
    assert_eq!(version["tarball_sha256"], sha);
    assert_eq!(
        untar(&bytes),
        vec![
            ("md-tables/SKILL.md".into(), 0o644, SKILL_MD.into()),
            (
                "md-tables/references/style.md".into(),
                0o644,
                "Columns are separated by pipes.\n".into()
            ),
            ("md-tables/scripts/fmt.sh".into(), 0o755, SCRIPT.into()),
        ]
    );
    let twice = server.get(&format!("{SKILL}/versions/1/download")).await;
    assert_eq!(twice.bytes().await.unwrap(), bytes, "deterministic");

    for (path, code) in [
        ("/api/v1/skills/acme/toolbox/nope", "not_found"),
        (&format!("{SKILL}/versions/9") as &str, "not_found"),
        (&format!("{SKILL}/versions/9/download") as &str, "not_found"),
    ] {
        let response = server.get(path).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        assert_eq!(json_of(response).await["error"]["code"], code, "{path}");
    }
}

async fn well_known_layout_with_name_collisions(db: TestDb) {
    let server = Server::start(db).await;
    let acme = repo_with_skill("acme", "toolbox");
    acme.write(
        "skills/csv/SKILL.md",
        "---\nname: csv\ndescription: Reads CSV files.\n---\n\nRead them.\n",
    );
    acme.commit("csv");
    server
        .publish(&acme, "acme", "toolbox", "skills/md-tables")
        .await;
    server.publish(&acme, "acme", "toolbox", "skills/csv").await;

    let response = server.get("/.well-known/skills/index.json").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "content-type"), "application/json");
    assert!(response.headers().contains_key("etag"));
    let index = json_of(response).await;
    let names: Vec<&str> = index["skills"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["csv", "md-tables"]);
    assert_eq!(
        index["skills"][1]["files"],
        json!(["SKILL.md", "references/style.md", "scripts/fmt.sh"])
    );
    assert_eq!(index["skills"][0]["description"], "Reads CSV files.");

    let file = server.get("/.well-known/skills/md-tables/SKILL.md").await;
    assert_eq!(file.status(), StatusCode::OK);
    assert_eq!(
        header(&file, "content-type"),
        "text/markdown; charset=utf-8"
    );
    assert_eq!(header(&file, "x-content-type-options"), "nosniff");
    assert_eq!(file.text().await.unwrap(), SKILL_MD);
    let script = server
        .get("/.well-known/skills/md-tables/scripts/fmt.sh")
        .await;
    assert_eq!(header(&script, "content-type"), "text/plain; charset=utf-8");
    assert_eq!(script.text().await.unwrap(), SCRIPT);
    for hostile in [
        // (`%2e%2e/` would be resolved by the HTTP client itself, before sending.)
        "/.well-known/skills/md-tables/scripts%2F..%2F..%2F..%2Fetc%2Fpasswd",
        "/.well-known/skills/md-tables/..%2F..%2FCargo.toml",
        "/.well-known/skills/md-tables/%2Fetc%2Fpasswd",
        "/.well-known/skills/md-tables/scripts/../SKILL.md%00",
        "/.well-known/skills/nope/SKILL.md",
    ] {
        let response = server.get(hostile).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{hostile}");
        assert_eq!(json_of(response).await["error"]["code"], "not_found");
    }

    // Another repository publishes a skill with the same name: the name leaves the global
    // index, and each stays installable from its repository's index.
    let other = repo_with_skill("other", "kit");
    server
        .publish(&other, "other", "kit", "skills/md-tables")
        .await;
    let index = json_of(server.get("/.well-known/skills/index.json").await).await;
    assert_eq!(index["skills"].as_array().unwrap().len(), 1);
    assert_eq!(index["skills"][0]["name"], "csv");
    let gone = server.get("/.well-known/skills/md-tables/SKILL.md").await;
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
    for (owner, repo, count) in [
        ("acme", "toolbox", 2),
        ("other", "kit", 1),
        ("OTHER", "Kit", 1),
    ] {
        let index = json_of(
            server
                .get(&format!("/{owner}/{repo}/.well-known/skills/index.json"))
                .await,
        )
        .await;
        assert_eq!(
            index["skills"].as_array().unwrap().len(),
            count,
            "{owner}/{repo}"
        );
        let file = server
            .get(&format!(
                "/{owner}/{repo}/.well-known/skills/md-tables/SKILL.md"
            ))
            .await;
        assert_eq!(file.status(), StatusCode::OK);
        assert_eq!(file.text().await.unwrap(), SKILL_MD);
    }
    let missing = server
        .get("/nobody/here/.well-known/skills/index.json")
        .await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

async fn administrators_yank_versions_over_http(db: TestDb) {
    let server = Server::start(db).await;
    let repo = repo_with_skill("acme", "toolbox");
    server
        .publish(&repo, "acme", "toolbox", "skills/md-tables")
        .await;
    let issue = |role| {
        skillvet_server::auth::issue_token(
            server.store.as_ref(),
            SystemClock.now(),
            if role == Role::Admin {
                "root"
            } else {
                "mallory"
            },
            role,
            "test",
            None,
        )
    };
    let admin = issue(Role::Admin).await.unwrap().0;
    let user = issue(Role::User).await.unwrap().0;
    let url = format!(
        "{}/api/v1/admin/skills/acme/toolbox/md-tables/versions/1/yank",
        server.base
    );
    let post = |token: &str, body: serde_json::Value| {
        server.http.post(&url).bearer_auth(token).json(&body).send()
    };
    let refused = post(&user, json!({ "reason": "mine" })).await.unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let empty = post(&admin, json!({ "reason": " " })).await.unwrap();
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(json_of(empty).await["error"]["code"], "invalid_request");
    let missing = server
        .http
        .post(url.replace("versions/1", "versions/9"))
        .bearer_auth(&admin)
        .json(&json!({ "reason": "x" }))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let done = post(&admin, json!({ "reason": "leaked a token" }))
        .await
        .unwrap();
    assert_eq!(done.status(), StatusCode::OK);
    assert_eq!(json_of(done).await["version"]["yanked"], true);
    let download = server
        .get("/api/v1/skills/acme/toolbox/md-tables/versions/1/download")
        .await;
    assert_eq!(download.status(), StatusCode::GONE);
}

async fn yanked_and_blocked_versions_are_refused(db: TestDb) {
    let server = Server::start(db).await;
    let repo = repo_with_skill("acme", "toolbox");
    let id = server
        .publish(&repo, "acme", "toolbox", "skills/md-tables")
        .await;
    let skill = server
        .store
        .skill_by_slug("acme/toolbox/md-tables")
        .await
        .unwrap()
        .unwrap();
    let now = SystemClock.now();
    let by = |reason: &str| Moderator {
        actor: Actor::user("admin"),
        role: "admin".into(),
        reason: reason.into(),
    };
    let yanked = server
        .store
        .set_version_yanked(skill.id, "1", true, &by("leaked a token"), now)
        .await
        .unwrap();
    assert!(yanked.yanked);
    let again = server
        .store
        .set_version_yanked(skill.id, "1", true, &by("other"), now)
        .await;
    assert!(again.is_err(), "yanking twice is refused: {again:?}");

    let refused = server.get(&format!("{SKILL}/versions/1/download")).await;
    assert_eq!(refused.status(), StatusCode::GONE);
    assert_eq!(header(&refused, "content-type"), "application/json");
    let body = json_of(refused).await;
    assert_eq!(body["error"]["code"], "version_yanked");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("leaked a token")
    );
    let version = json_of(server.get(&format!("{SKILL}/versions/1")).await).await;
    assert_eq!(version["yanked"], true);
    assert_eq!(version["installable"], false);
    let index = json_of(server.get("/.well-known/skills/index.json").await).await;
    assert_eq!(index["skills"], json!([]));
    let file = server
        .get("/acme/toolbox/.well-known/skills/md-tables/SKILL.md")
        .await;
    assert_eq!(file.status(), StatusCode::NOT_FOUND);

    // A new version is served again; then blocking the skill stops everything.
    repo.write(
        "skills/md-tables/references/style.md",
        "Pipes and dashes.\n",
    );
    repo.commit("v2");
    let resubmitted = server
        .publish(&repo, "acme", "toolbox", "skills/md-tables")
        .await;
    assert_ne!(resubmitted, id);
    let index = json_of(server.get("/.well-known/skills/index.json").await).await;
    assert_eq!(index["skills"][0]["skillvet"]["version"], "2");
    let change = Transition {
        from: SubmissionState::Published,
        to: SubmissionState::Blocked,
        trigger: "admin_block".into(),
        actor: Actor::user("admin"),
        reason: Some("confirmed malware".into()),
        metadata: json!({}),
        commit_sha: None,
    };
    server
        .store
        .block_submission(resubmitted, &change, SystemClock.now())
        .await
        .unwrap();
    let refused = server.get(&format!("{SKILL}/versions/2/download")).await;
    assert_eq!(refused.status(), StatusCode::GONE);
    assert_eq!(json_of(refused).await["error"]["code"], "skill_blocked");
    let index = json_of(server.get("/.well-known/skills/index.json").await).await;
    assert_eq!(index["skills"], json!([]));
    let badge = server.get("/badges/acme/toolbox/md-tables.svg").await;
    assert_eq!(header(&badge, "x-skillvet-badge"), "blocked");
}

async fn badges_show_tier_and_unknown_skills(db: TestDb) {
    let server = Server::start(db).await;
    let repo = repo_with_skill("acme", "toolbox");
    server
        .publish(&repo, "acme", "toolbox", "skills/md-tables")
        .await;
    let badge = server.get("/badges/acme/toolbox/md-tables.svg").await;
    assert_eq!(badge.status(), StatusCode::OK);
    assert_eq!(
        header(&badge, "content-type"),
        "image/svg+xml; charset=utf-8"
    );
    assert_eq!(header(&badge, "cache-control"), "public, max-age=300");
    assert_eq!(header(&badge, "x-skillvet-badge"), "published");
    let svg = badge.text().await.unwrap();
    assert!(
        svg.starts_with("<svg") && svg.contains("verified "),
        "{svg}"
    );

    let unknown = server
        .get("/badges/acme/toolbox/%3Cscript%3Ealert(1)%3C%2Fscript%3E.svg")
        .await;
    assert_eq!(unknown.status(), StatusCode::OK);
    assert_eq!(header(&unknown, "x-skillvet-badge"), "unknown");
    assert_eq!(header(&unknown, "cache-control"), "public, max-age=60");
    let svg = unknown.text().await.unwrap();
    assert!(
        svg.contains("not verified") && !svg.contains("<script"),
        "{svg}"
    );
    let not_svg = server.get("/badges/acme/toolbox/md-tables.png").await;
    assert_eq!(not_svg.status(), StatusCode::NOT_FOUND);
}

fn install_args(server: &Server, dir: &std::path::Path, force: bool) -> InstallArgs {
    InstallArgs {
        package: "acme/toolbox/md-tables".into(),
        server: server.base.clone(),
        dir: dir.to_owned(),
        version: None,
        force,
    }
}

async fn install_verb_downloads_checks_and_unpacks(db: TestDb) {
    let server = Server::start(db).await;
    let repo = repo_with_skill("acme", "toolbox");
    let id = server
        .publish(&repo, "acme", "toolbox", "skills/md-tables")
        .await;
    let dir = tempfile::tempdir().unwrap();
    let skills = dir.path().join(".claude/skills");
    let installed = install(&server.http, &install_args(&server, &skills, false))
        .await
        .unwrap();
    assert_eq!(installed.version, "1");
    assert_eq!(installed.verdict, "PASS");
    assert_eq!(installed.files, 3);
    let lock = skillvet_client::lock::read(&skills).unwrap();
    let entry = &lock.skills["md-tables"];
    assert_eq!(entry.package, "acme/toolbox/md-tables");
    assert_eq!(entry.sha256, installed.sha256);
    assert_eq!(entry.files.len(), 3);
    let root = skills.join("md-tables");
    assert_eq!(installed.path, root);
    assert_eq!(
        std::fs::read_to_string(root.join("SKILL.md")).unwrap(),
        SKILL_MD
    );
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(root.join("scripts/fmt.sh"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o755);

    // An external scanner reports concerns: install refuses unless forced.
    let sha = repo.git(&["rev-parse", "HEAD"]);
    server
        .store
        .record_scan_result(
            &NewScanResult {
                submission_id: id,
                tier: 3,
                scanner: "semgrep".into(),
                scanner_version: "1".into(),
                verdict: Verdict::Concerns,
                score: 60,
                findings: json!([{ "rule": "shell-eval" }]),
                dependency_risk: json!({}),
                script_scan_summary: json!({}),
                commit_sha: sha,
                duration_ms: 5,
                run: 1,
            },
            SystemClock.now(),
        )
        .await
        .unwrap();
    let err = install(&server.http, &install_args(&server, &skills, false))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, InstallError::NotPassing { verdict, .. } if verdict == "CONCERNS"),
        "{err}"
    );
    let forced = install(&server.http, &install_args(&server, &skills, true))
        .await
        .unwrap();
    assert_eq!(forced.verdict, "CONCERNS");

    let mut missing = install_args(&server, &skills, false);
    missing.package = "acme/toolbox/nope".into();
    let err = install(&server.http, &missing).await.unwrap_err();
    assert!(
        matches!(&err, InstallError::Api(ApiError::Refused { status: 404, code, message, .. })
            if code == "not_found" && message.contains("acme/toolbox/nope")),
        "{err}"
    );
}

async fn category_facet_in_the_api_and_the_search_page(db: TestDb) {
    let server = Server::start(db).await;
    let acme = repo_with_skill("acme", "toolbox");
    for (name, category) in [("csv", "Data"), ("xlsx", "data"), ("pdf", "documents")] {
        acme.write(
            &format!("skills/{name}/SKILL.md"),
            format!(
                "---\nname: {name}\ndescription: Reads {name} files.\nmetadata:\n  category: {category}\n---\n\nRead them.\n"
            ),
        );
    }
    acme.commit("three categorised skills");
    for path in [
        "skills/md-tables",
        "skills/csv",
        "skills/xlsx",
        "skills/pdf",
    ] {
        server.publish(&acme, "acme", "toolbox", path).await;
    }

    let response = server.get("/api/v1/categories").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "cache-control"), "public, max-age=60");
    let etag = header(&response, "etag").to_owned();
    // Case-insensitive, like the filter; most used first; no entry for the uncategorised one.
    assert_eq!(
        json_of(response).await,
        json!({ "categories": [
            { "name": "data", "count": 2 },
            { "name": "documents", "count": 1 },
        ] })
    );
    let again = server
        .http
        .get(format!("{}/api/v1/categories", server.base))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    let one = json_of(server.get("/api/v1/categories?limit=1").await).await;
    assert_eq!(one["categories"].as_array().unwrap().len(), 1);
    for bad in ["limit=0", "limit=101", "limit=x", "sort=name"] {
        let response = server.get(&format!("/api/v1/categories?{bad}")).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(json_of(response).await["error"]["code"], "invalid_query");
    }

    // The search page offers them in a labelled dropdown that keeps the current choice.
    let page = server.get("/skills?category=DATA").await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(
        html.contains(r#"<label for="category">Category</label>"#),
        "{html}"
    );
    assert!(
        html.contains(r#"<select id="category" name="category">"#),
        "{html}"
    );
    assert!(
        html.contains(r#"<option value="data" selected>data (2)</option>"#),
        "{html}"
    );
    assert!(
        html.contains(r#"<option value="documents">documents (1)</option>"#),
        "{html}"
    );
    assert!(html.contains("<strong>2</strong> skills"), "{html}");
    let html = server
        .get("/skills?category=Nothing")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(r#"<option value="nothing" selected>nothing</option>"#),
        "{html}"
    );
    assert!(html.contains("<strong>0</strong> skills"), "{html}");
}

backend_tests!(
    detail_version_and_download,
    well_known_layout_with_name_collisions,
    yanked_and_blocked_versions_are_refused,
    administrators_yank_versions_over_http,
    badges_show_tier_and_unknown_skills,
    install_verb_downloads_checks_and_unpacks,
    category_facet_in_the_api_and_the_search_page,
);
