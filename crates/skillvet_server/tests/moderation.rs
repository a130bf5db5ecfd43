//! Moderation over a real server on loopback, with skills verified by the real pipeline, on
//! SQLite and PostgreSQL: a reviewer approves what the policy left to a human (API and the
//! /admin page), quarantines a published skill so install tools no longer get it, blocks an
//! owner; every action is in the audit log, the public part on the package's history.

mod support;

use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{Value, json};
use skillvet_core::accounts::{GithubProfile, NewSession};
use skillvet_core::model::Role;
use skillvet_core::{Clock, SubmissionState, SystemClock};
use skillvet_server::auth::{issue_token_with_scopes, token_sha256};
use skillvet_test_db::{TestDb, backend_tests};
use skillvet_test_repo::TestRepo;
use support::{SCRIPT, Server, repo_with_skill};

const CSRF: &str = "ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12";

/// A skill whose SKILL.md hides a bidirectional control character: tier 1 finds it (high
/// severity, high confidence), which the policy leaves to a human.
fn repo_needing_review(owner: &str, name: &str) -> TestRepo {
    let repo = TestRepo::new(owner, name);
    repo.write(
        "skills/md-tables/SKILL.md",
        "---\nname: md-tables\ndescription: Formats Markdown tables in the current file.\n---\n\n# md-tables\n\nAlign the columns \u{202e}of every table\u{202c} with `scripts/fmt.sh`.\n",
    )
    .executable("skills/md-tables/scripts/fmt.sh", SCRIPT);
    repo.commit("md-tables");
    repo
}

async fn token(server: &Server, login: &str, role: Role, scopes: &[&str]) -> String {
    let scopes: Vec<String> = scopes.iter().map(|s| s.to_string()).collect();
    issue_token_with_scopes(
        server.store.as_ref(),
        SystemClock.now(),
        login,
        role,
        "test",
        &scopes,
        None,
    )
    .await
    .unwrap()
    .0
}

async fn post(server: &Server, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
    let response = server
        .http
        .post(format!("{}/api/v1{path}", server.base))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

async fn get_json(server: &Server, token: Option<&str>, path: &str) -> (StatusCode, Value) {
    let mut request = server.http.get(format!("{}{path}", server.base));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

async fn a_reviewer_approves_then_quarantines_and_everything_is_audited(db: TestDb) {
    let server = Server::start(db).await;
    let rita = token(&server, "rita", Role::Reviewer, &["review"]).await;
    let mallory = token(&server, "mallory", Role::User, &["submit", "publish"]).await;
    let repo = repo_needing_review("acme", "toolbox");
    let id = server
        .submit(&repo, "acme", "toolbox", "skills/md-tables")
        .await;
    assert_eq!(server.verify(id).await, SubmissionState::NeedsReview);

    let approve = format!("/admin/submissions/{id}/approve");
    let (status, body) = post(&server, &mallory, &approve, json!({ "reason": "mine" })).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("forbidden"))
    );
    let (status, body) = post(&server, &rita, &approve, json!({ "reason": " " })).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_request"))
    );
    let (status, _) = post(
        &server,
        &rita,
        &approve,
        json!({ "reason": "x", "tier": "CERTIFIED" }),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "certifying is an administrator's call"
    );
    let (status, _) = post(
        &server,
        &rita,
        &approve,
        json!({ "reason": "x", "state": "PUBLISHED" }),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown fields are refused"
    );
    let (status, body) = post(
        &server,
        &rita,
        &approve,
        json!({ "reason": "the bidi mark is in prose only; harmless", "tier": "VERIFIED" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["submission"]["state"], "AUTO_APPROVED");
    let (status, body) = post(&server, &rita, &approve, json!({ "reason": "again" })).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("invalid_state"))
    );

    // The approval enqueued the publishing run; a worker runs the same pipeline.
    assert_eq!(server.verify(id).await, SubmissionState::Published);
    let (_, skill) = get_json(&server, None, "/api/v1/skills/acme/toolbox/md-tables").await;
    assert_eq!(skill["cert_tier"], "VERIFIED");
    assert_eq!(skill["cert_method"], "reviewed:rita");
    let (_, index) = get_json(&server, None, "/.well-known/skills/index.json").await;
    assert_eq!(index["skills"].as_array().unwrap().len(), 1);

    let status_path = "/admin/skills/acme/toolbox/md-tables/status";
    let (status, _) = post(
        &server,
        &rita,
        status_path,
        json!({ "status": "GONE", "reason": "x" }),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, body) = post(
        &server,
        &rita,
        status_path,
        json!({ "status": "QUARANTINED", "reason": "reported: impersonates a vendor" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["skill"]["status"], "QUARANTINED");
    let (status, body) = post(
        &server,
        &rita,
        status_path,
        json!({ "status": "QUARANTINED", "reason": "twice" }),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("conflict"))
    );

    // Install tools no longer get it; its page says why.
    let (_, index) = get_json(&server, None, "/.well-known/skills/index.json").await;
    assert_eq!(index["skills"], json!([]));
    let (status, body) = get_json(
        &server,
        None,
        "/api/v1/skills/acme/toolbox/md-tables/versions/1/download",
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::GONE, Some("skill_quarantined"))
    );
    let page = server
        .get("/skills/acme/toolbox/md-tables")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Quarantined."), "{page}");
    assert!(page.contains("reported: impersonates a vendor"));
    assert!(page.contains("Moderation history"));
    assert!(
        !page.contains("Change status"),
        "no moderation forms for anonymous readers"
    );
    let trust = server.get("/trust").await.text().await.unwrap();
    assert!(
        trust.contains("Recent moderation") && trust.contains("reported: impersonates a vendor"),
        "{trust}"
    );

    // The public history of the package, and the full log for reviewers only.
    let (_, history) = get_json(
        &server,
        None,
        "/api/v1/packages/acme/toolbox/md-tables/history",
    )
    .await;
    let actions: Vec<&str> = history["moderation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["skill.status", "submission.approve"]);
    assert_eq!(history["moderation"][1]["actor"]["id"], "rita");
    assert_eq!(history["moderation"][1]["actor_role"], "reviewer");
    assert_eq!(
        history["moderation"][1]["reason"],
        "the bidi mark is in prose only; harmless"
    );
    let (status, _) = get_json(&server, Some(&mallory), "/api/v1/admin/audit").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = get_json(&server, None, "/api/v1/admin/audit").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, log) = get_json(
        &server,
        Some(&rita),
        "/api/v1/admin/audit?action=skill.status",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(log["items"].as_array().unwrap().len(), 1);
    assert_eq!(log["items"][0]["after"]["status"], "QUARANTINED");
    let (status, body) = get_json(
        &server,
        Some(&rita),
        "/api/v1/admin/audit?action=skill.delete",
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_query"))
    );

    // Released: served again.
    let (status, _) = post(
        &server,
        &rita,
        status_path,
        json!({ "status": "ACTIVE", "reason": "report was wrong" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, index) = get_json(&server, None, "/.well-known/skills/index.json").await;
    assert_eq!(index["skills"].as_array().unwrap().len(), 1);

    // Yank and unyank one version.
    let version = "/admin/skills/acme/toolbox/md-tables/versions/1";
    let (status, _) = post(
        &server,
        &rita,
        &format!("{version}/yank"),
        json!({ "reason": "leaked a token" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = post(
        &server,
        &rita,
        &format!("{version}/yank"),
        json!({ "reason": "again" }),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("conflict"))
    );
    let (status, body) = post(
        &server,
        &rita,
        &format!("{version}/unyank"),
        json!({ "reason": "rotated" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["version"]["yanked"], false);
    let (_, log) = get_json(
        &server,
        Some(&rita),
        "/api/v1/admin/audit?package=acme/toolbox/md-tables&limit=2",
    )
    .await;
    let actions: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["version.unyank", "version.yank"]);
    assert!(log["next_cursor"].is_i64());
}

async fn blocking_an_owner_takes_its_skills_down_and_refuses_new_ones(db: TestDb) {
    let server = Server::start(db).await;
    let rita = token(&server, "rita", Role::Reviewer, &["submit", "review"]).await;
    let without_scope = token(&server, "rita", Role::Reviewer, &["submit"]).await;
    let repo = repo_with_skill("evilcorp", "tools");
    server
        .publish(&repo, "evilcorp", "tools", "skills/md-tables")
        .await;

    let block = |kind: &str, value: &str| json!({ "kind": kind, "value": value, "reason": "malware campaign" });
    let (status, body) = post(
        &server,
        &without_scope,
        "/admin/blocks",
        block("owner", "evilcorp"),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("`review`"),
        "{body}"
    );
    for (kind, value) in [
        ("owner", "evil corp"),
        ("repository", "evilcorp"),
        ("skill", "evilcorp/tools"),
        ("content", "abc"),
        ("user", "x"),
    ] {
        let (status, body) = post(&server, &rita, "/admin/blocks", block(kind, value)).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{kind} {value}: {body}"
        );
    }
    let mut never = block("owner", "evilcorp");
    never["expires_in_days"] = json!(0);
    let (status, _) = post(&server, &rita, "/admin/blocks", never).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, body) = post(&server, &rita, "/admin/blocks", block("owner", "EvilCorp")).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["skills_blocked"], json!(["evilcorp/tools/md-tables"]));
    let (status, _) = post(&server, &rita, "/admin/blocks", block("owner", "evilcorp")).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (_, skill) = get_json(&server, None, "/api/v1/skills/evilcorp/tools/md-tables").await;
    assert_eq!(skill["status"], "BLOCKED");
    let (_, index) = get_json(&server, None, "/.well-known/skills/index.json").await;
    assert_eq!(index["skills"], json!([]));

    // A new version from that owner is refused by the pipeline.
    repo.write("skills/md-tables/references/style.md", "Pipes.\n");
    repo.commit("v2");
    let again = server
        .submit(&repo, "evilcorp", "tools", "skills/md-tables")
        .await;
    assert_eq!(server.verify(again).await, SubmissionState::Blocked);

    let (_, blocks) = get_json(&server, Some(&rita), "/api/v1/admin/blocks").await;
    assert_eq!(blocks["blocks"][0]["value"], "evilcorp");
    let (status, _) = post(
        &server,
        &rita,
        "/admin/blocks/remove",
        json!({ "kind": "owner", "value": "evilcorp", "reason": "" }),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = post(
        &server,
        &rita,
        "/admin/blocks/remove",
        json!({ "kind": "owner", "value": "evilcorp", "reason": "appeal accepted" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = post(
        &server,
        &rita,
        "/admin/blocks/remove",
        json!({ "kind": "owner", "value": "evilcorp", "reason": "twice" }),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, log) = get_json(
        &server,
        Some(&rita),
        "/api/v1/admin/audit?target_kind=block",
    )
    .await;
    let actions: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["block.remove", "block.add"]);
    assert_eq!(
        log["items"][1]["after"]["skills_blocked"],
        json!(["evilcorp/tools/md-tables"])
    );
    // The package's public history shows its skill was blocked, not the blocklist entry.
    let (_, history) = get_json(
        &server,
        None,
        "/api/v1/packages/evilcorp/tools/md-tables/history",
    )
    .await;
    assert_eq!(history["moderation"].as_array().unwrap().len(), 1);
    assert_eq!(history["moderation"][0]["after"]["status"], "BLOCKED");
}

/// A browser session of a GitHub user with `role`: the Cookie header (with the CSRF cookie).
async fn session_cookie(server: &Server, github_id: i64, login: &str, role: Role) -> String {
    let now = SystemClock.now();
    let user = server
        .store
        .upsert_github_user(
            &GithubProfile {
                id: github_id,
                login: login.into(),
                avatar_url: None,
                orgs: vec![],
            },
            now,
        )
        .await
        .unwrap();
    if role != Role::User {
        server.store.set_role(user.id, role).await.unwrap();
    }
    let session = format!("{github_id:064x}");
    server
        .store
        .create_session(
            &NewSession {
                user_id: user.id,
                session_sha256: &token_sha256(&session),
                expires_at: now + Duration::days(1),
                ip: None,
            },
            now,
        )
        .await
        .unwrap();
    format!("skillvet_csrf={CSRF}; skillvet_session={session}")
}

async fn post_form(
    server: &Server,
    cookie: &str,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    server
        .http
        .post(format!("{}{path}", server.base))
        .header("cookie", cookie)
        .header("origin", &server.base)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap()
}

/// Reports and appeals through the pages: a reader reports from the skill page, the submitter
/// appeals from the submission page, a reviewer sends the appeal to a rescan from /admin.
async fn reports_and_appeals_through_the_pages(db: TestDb) {
    let server = Server::start(db).await;
    let bob = session_cookie(&server, 5, "bob", Role::User).await;
    let alice = session_cookie(&server, 6, "alice", Role::User).await;
    let rita = session_cookie(&server, 7, "rita", Role::Reviewer).await;
    let repo = repo_with_skill("acme", "toolbox");
    server
        .publish(&repo, "acme", "toolbox", "skills/md-tables")
        .await;

    let get = |cookie: &str, path: &str| {
        let request = server.http.get(format!("{}{path}", server.base));
        let request = if cookie.is_empty() {
            request
        } else {
            request.header("cookie", cookie)
        };
        async move { request.send().await.unwrap().text().await.unwrap() }
    };
    assert!(
        !get("", "/skills/acme/toolbox/md-tables")
            .await
            .contains("Report this skill")
    );
    assert!(
        get(&bob, "/skills/acme/toolbox/md-tables")
            .await
            .contains("Report this skill")
    );
    let path = "/skills/acme/toolbox/md-tables/report";
    let bad = post_form(
        &server,
        &bob,
        path,
        &[("csrf", CSRF), ("category", "stolen"), ("message", "x")],
    )
    .await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let filed = post_form(
        &server,
        &bob,
        path,
        &[
            ("csrf", CSRF),
            ("category", "broken"),
            ("message", "fmt.sh exits 1"),
        ],
    )
    .await;
    assert_eq!(filed.status(), StatusCode::CREATED);
    assert!(filed.text().await.unwrap().contains("is in the reviewers"));

    let rejected = server
        .submit(&repo, "acme", "toolbox", "skills/missing")
        .await;
    assert_eq!(server.verify(rejected).await, SubmissionState::Rejected);
    let page = format!("/submit/{rejected}");
    assert!(
        !get(&bob, &page).await.contains("Appeal"),
        "only the submitter may appeal"
    );
    assert!(
        get(&alice, &page)
            .await
            .contains("Why the rejection is wrong")
    );
    let forged = post_form(
        &server,
        &alice,
        &format!("{page}/appeal"),
        &[("csrf", &"0".repeat(64)), ("message", "x")],
    )
    .await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let filed = post_form(
        &server,
        &alice,
        &format!("{page}/appeal"),
        &[("csrf", CSRF), ("message", "pushed the folder since")],
    )
    .await;
    assert_eq!(filed.status(), StatusCode::CREATED);

    let queue = get(&rita, "/admin").await;
    assert!(
        queue.contains("fmt.sh exits 1") && queue.contains("pushed the folder since"),
        "{queue}"
    );
    let appeal = server
        .store
        .requests(
            &skillvet_core::moderation::RequestFilter {
                kind: Some(skillvet_core::moderation::RequestKind::Appeal),
                ..Default::default()
            },
            skillvet_core::model::PageRequest::first(5),
        )
        .await
        .unwrap()
        .items[0]
        .id;
    let done = post_form(
        &server,
        &rita,
        &format!("/admin/requests/{appeal}/resolve"),
        &[("csrf", CSRF), ("then", "rescan"), ("reason", "try again")],
    )
    .await;
    assert_eq!(
        (done.status(), done.url().path()),
        (StatusCode::OK, "/admin")
    );
    let sub = server.store.submission(rejected).await.unwrap().unwrap();
    assert_eq!(sub.state, SubmissionState::RescanRequired);
    let user_try = post_form(
        &server,
        &bob,
        &format!("/admin/requests/{appeal}/resolve"),
        &[("csrf", CSRF), ("decision", "dismiss"), ("reason", "x")],
    )
    .await;
    assert_eq!(user_try.status(), StatusCode::FORBIDDEN);
}

/// A reviewer signed in with a browser session approves from the /admin page.
async fn the_admin_page_approves_with_a_csrf_checked_form(db: TestDb) {
    let server = Server::start(db).await;
    let cookie = session_cookie(&server, 77, "rita", Role::Reviewer).await;
    let repo = repo_needing_review("acme", "toolbox");
    let id = server
        .submit(&repo, "acme", "toolbox", "skills/md-tables")
        .await;
    assert_eq!(server.verify(id).await, SubmissionState::NeedsReview);

    let page = server
        .http
        .get(format!("{}/admin", server.base))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(page.headers()["cache-control"], "no-store");
    let page = page.text().await.unwrap();
    assert!(
        page.contains(&format!("/admin/submissions/{id}/decide")),
        "{page}"
    );
    assert_eq!(
        server.get("/admin").await.status(),
        StatusCode::UNAUTHORIZED
    );

    let send = |fields: Vec<(&'static str, String)>| {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        server
            .http
            .post(format!("{}/admin/submissions/{id}/decide", server.base))
            .header("cookie", &cookie)
            .header("origin", &server.base)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
    };
    let forged = send(vec![
        ("csrf", "0".repeat(64)),
        ("decision", "approve".into()),
        ("reason", "x".into()),
    ])
    .await
    .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let unknown = send(vec![
        ("csrf", CSRF.into()),
        ("decision", "approve".into()),
        ("reason", "x".into()),
        ("state", "PUBLISHED".into()),
    ])
    .await
    .unwrap();
    assert_eq!(unknown.status(), StatusCode::BAD_REQUEST);
    let done = send(vec![
        ("csrf", CSRF.into()),
        ("decision", "approve".into()),
        ("reason", "looked at it: fine".into()),
        ("tier", "SCANNED".into()),
    ])
    .await
    .unwrap();
    // Redirected back to the queue (the client follows it).
    assert_eq!(
        (done.status(), done.url().path()),
        (StatusCode::OK, "/admin")
    );
    assert_eq!(
        server.store.submission(id).await.unwrap().unwrap().state,
        SubmissionState::AutoApproved
    );
    assert_eq!(server.verify(id).await, SubmissionState::Published);

    // The reviewer sees the moderation forms on the skill page and the action in the log.
    let page = server
        .http
        .get(format!("{}/skills/acme/toolbox/md-tables", server.base))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Change status"), "{page}");
    assert!(page.contains("looked at it: fine"));
    let log = server
        .http
        .get(format!(
            "{}/admin/audit?action=submission.approve",
            server.base
        ))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        log.contains("submission.approve") && log.contains("rita (reviewer)"),
        "{log}"
    );
}

/// A user reports a skill, its author appeals a rejection; a reviewer triages both.
async fn reports_and_appeals_reach_the_reviewers(db: TestDb) {
    let server = Server::start(db).await;
    let rita = token(&server, "rita", Role::Reviewer, &["review"]).await;
    let bob = token(&server, "bob", Role::User, &["submit"]).await;
    let alice = token(&server, "alice", Role::User, &["submit"]).await;
    let repo = repo_with_skill("acme", "toolbox");
    server
        .publish(&repo, "acme", "toolbox", "skills/md-tables")
        .await;

    let reports = "/packages/acme/toolbox/md-tables/reports";
    let (status, body) = post(
        &server,
        &bob,
        reports,
        json!({ "category": "stolen", "message": "x" }),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, _) = post(
        &server,
        &bob,
        reports,
        json!({ "category": "broken", "message": "  " }),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = post(
        &server,
        &bob,
        "/packages/acme/toolbox/nothing/reports",
        json!({ "category": "broken", "message": "x" }),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = post(
        &server,
        &bob,
        reports,
        json!({ "category": "impersonation", "message": "copies acme's official skill" }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let report_id = body["request"]["id"].as_i64().unwrap();
    for n in 1..10 {
        let (status, _) = post(
            &server,
            &bob,
            reports,
            json!({ "category": "other", "message": format!("more {n}") }),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let (status, body) = post(
        &server,
        &bob,
        reports,
        json!({ "category": "other", "message": "eleventh" }),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (
            StatusCode::TOO_MANY_REQUESTS,
            Some("too_many_open_requests")
        )
    );

    // The submitter appeals a rejection, nobody else can.
    let rejected = server
        .submit(&repo, "acme", "toolbox", "skills/missing")
        .await;
    assert_eq!(server.verify(rejected).await, SubmissionState::Rejected);
    let appeal = format!("/submissions/{rejected}/appeal");
    let (status, _) = post(&server, &bob, &appeal, json!({ "message": "please" })).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "bob did not submit it");
    let (status, body) = post(
        &server,
        &alice,
        &appeal,
        json!({ "message": "the folder exists on main" }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let appeal_id = body["request"]["id"].as_i64().unwrap();
    let (status, _) = post(&server, &alice, &appeal, json!({ "message": "again" })).await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "one open appeal per submission"
    );
    let published = server
        .store
        .list_submissions(
            &Default::default(),
            skillvet_core::model::PageRequest::first(50),
        )
        .await
        .unwrap();
    let published = published
        .items
        .iter()
        .find(|s| s.state == SubmissionState::Published)
        .unwrap()
        .id;
    let (status, body) = post(
        &server,
        &alice,
        &format!("/submissions/{published}/appeal"),
        json!({ "message": "x" }),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("invalid_state"))
    );

    // The triage queue.
    let (status, _) = get_json(&server, Some(&bob), "/api/v1/admin/requests").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, queue) = get_json(
        &server,
        Some(&rita),
        "/api/v1/admin/requests?status=open&kind=appeal",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(queue["items"].as_array().unwrap().len(), 1);
    let (status, _) = get_json(&server, Some(&rita), "/api/v1/admin/requests?status=closed").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let resolve = |id: i64| format!("/admin/requests/{id}/resolve");
    let (status, _) = post(
        &server,
        &rita,
        &resolve(appeal_id),
        json!({ "decision": "accept", "reason": "x" }),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "an accepted appeal needs its next step"
    );
    let (status, _) = post(
        &server,
        &rita,
        &resolve(report_id),
        json!({ "decision": "accept", "reason": "x", "then": "rescan" }),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a report has no next step"
    );
    let (status, body) = post(
        &server,
        &rita,
        &resolve(appeal_id),
        json!({ "decision": "accept", "reason": "worth a look", "then": "review" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["request"]["status"], "accepted");
    assert_eq!(
        server
            .store
            .submission(rejected)
            .await
            .unwrap()
            .unwrap()
            .state,
        SubmissionState::NeedsReview
    );
    let (status, body) = post(
        &server,
        &rita,
        &resolve(appeal_id),
        json!({ "decision": "dismiss", "reason": "twice" }),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("conflict"))
    );
    let (status, _) = post(
        &server,
        &rita,
        &resolve(report_id),
        json!({ "decision": "dismiss", "reason": "it is the official one" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    // Authors follow their own requests; the package history shows the resolutions.
    let (_, mine) = get_json(&server, Some(&alice), "/api/v1/me/requests").await;
    assert_eq!(mine["items"][0]["status"], "accepted");
    assert_eq!(mine["items"][0]["resolution"], "worth a look");
    let (_, history) = get_json(
        &server,
        None,
        "/api/v1/packages/acme/toolbox/md-tables/history",
    )
    .await;
    assert_eq!(history["moderation"][0]["action"], "report.resolve");
    let (_, history) = get_json(
        &server,
        None,
        "/api/v1/packages/acme/toolbox/missing/history",
    )
    .await;
    assert_eq!(history["moderation"][0]["action"], "appeal.resolve");
}

/// Reviewers have published skills verified again with the current rules.
async fn reviewers_rescan_a_skill_or_a_repository(db: TestDb) {
    let server = Server::start(db).await;
    let rita = token(&server, "rita", Role::Reviewer, &["review"]).await;
    let mallory = token(&server, "mallory", Role::User, &["submit"]).await;
    let repo = repo_with_skill("acme", "toolbox");
    let id = server
        .publish(&repo, "acme", "toolbox", "skills/md-tables")
        .await;

    let skill = "/admin/skills/acme/toolbox/md-tables/rescan";
    let (status, _) = post(&server, &mallory, skill, json!({ "reason": "x" })).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = post(
        &server,
        &rita,
        skill,
        json!({ "reason": "new rules for MCP servers" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["submission"]["id"], id);
    assert_eq!(body["submission"]["state"], "RESCAN_REQUIRED");
    let (status, body) = post(&server, &rita, skill, json!({ "reason": "twice" })).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("invalid_state"))
    );
    // Still served while it is verified again.
    let (_, index) = get_json(&server, None, "/.well-known/skills/index.json").await;
    assert_eq!(index["skills"].as_array().unwrap().len(), 1);
    assert_eq!(server.verify(id).await, SubmissionState::Published);

    let whole = "/admin/repositories/acme/toolbox/rescan";
    let (status, body) = post(&server, &rita, whole, json!({ "reason": "rules 2026.12" })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["rescanned"],
        json!([{ "skill": "acme/toolbox/md-tables", "submission": id }])
    );
    let (status, body) = post(&server, &rita, whole, json!({ "reason": "again" })).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["rescanned"], json!([]));
    assert_eq!(body["skipped"][0]["state"], "RESCAN_REQUIRED");
    let (status, _) = post(
        &server,
        &rita,
        "/admin/repositories/nobody/here/rescan",
        json!({ "reason": "x" }),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, log) = get_json(
        &server,
        Some(&rita),
        "/api/v1/admin/audit?action=submission.rescan",
    )
    .await;
    assert_eq!(log["items"].as_array().unwrap().len(), 2);
}

backend_tests!(
    reports_and_appeals_through_the_pages,
    reviewers_rescan_a_skill_or_a_repository,
    reports_and_appeals_reach_the_reviewers,
    a_reviewer_approves_then_quarantines_and_everything_is_audited,
    blocking_an_owner_takes_its_skills_down_and_refuses_new_ones,
    the_admin_page_approves_with_a_csrf_checked_form,
);
