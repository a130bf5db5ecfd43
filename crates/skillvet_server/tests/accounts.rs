//! Sign-in with (fake) GitHub, sessions and the tokens a signed-in user makes, over a real
//! server on loopback, on both backends.

mod support;

use std::sync::Arc;

use chrono::{Duration, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use skillvet_core::ManualClock;
use skillvet_server::ServerConfig;
use skillvet_server::auth::token_sha256;
use skillvet_test_db::{TestDb, backend_tests};
use support::Server;
use support::browser::{Browser, location, set_cookies};
use support::fake_github::{FakeGithub, FakeUser};

struct World {
    server: Server,
    github: FakeGithub,
    clock: Arc<ManualClock>,
}

fn alice() -> FakeUser {
    FakeUser {
        id: 4242,
        login: "Alice".into(),
        orgs: vec!["acme".into(), "Widgets".into()],
    }
}

async fn world(db: TestDb) -> World {
    let github = FakeGithub::start(alice()).await;
    let mut config = ServerConfig::default();
    config.accounts.github = Some(github.settings());
    config.accounts.session_idle = Duration::hours(12);
    config.accounts.session_lifetime = Duration::days(2);
    let clock = Arc::new(ManualClock::new(Utc::now()));
    let server = Server::start_with(db, config, clock.clone()).await;
    World {
        server,
        github,
        clock,
    }
}

async fn body(response: reqwest::Response) -> Value {
    response.json().await.unwrap()
}

async fn me(browser: &mut Browser) -> (StatusCode, Value) {
    let response = browser.json(Method::GET, "/api/v1/me", None, &[]).await;
    (response.status(), body(response).await)
}

async fn sign_in_with_github_creates_a_session(db: TestDb) {
    let w = world(db).await;
    let mut browser = Browser::new(&w.server.base);
    let page = browser.get("/account").await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Sign in with GitHub"));

    // Our redirect to GitHub: state, PKCE S256, our callback, and the flow cookie.
    let start = browser.get("/auth/github?next=/skills?q=pdf").await;
    assert_eq!(start.status(), StatusCode::SEE_OTHER);
    let to_github = url::Url::parse(&location(&start)).unwrap();
    assert!(to_github.as_str().starts_with(&w.github.base));
    let query: std::collections::HashMap<_, _> = to_github.query_pairs().into_owned().collect();
    assert_eq!(query["code_challenge_method"], "S256");
    assert_eq!(query["code_challenge"].len(), 43);
    assert_eq!(
        query["redirect_uri"],
        format!("{}/auth/github/callback", w.server.base)
    );
    let flow = set_cookies(&start)
        .into_iter()
        .find(|c| c.name == "skillvet_oauth")
        .unwrap();
    assert_eq!(flow.value, query["state"]);
    assert!(flow.has("httponly") && flow.has("samesite=lax") && flow.has("path=/auth/github"));
    assert!(!flow.has("secure"), "plain http in tests");

    let approve = browser.get(&location(&start)).await;
    let callback_url = location(&approve);
    let csrf_before = browser.cookie("skillvet_csrf").map(str::to_owned);
    let landed = browser.get(&callback_url).await;
    assert_eq!(landed.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&landed), "/skills?q=pdf");
    let cookies = set_cookies(&landed);
    let session = cookies
        .iter()
        .find(|c| c.name == "skillvet_session")
        .unwrap();
    assert_eq!(session.value.len(), 64);
    assert!(session.has("httponly") && session.has("samesite=lax") && session.has("path=/"));
    assert!(session.has(&format!("max-age={}", 2 * 86_400)));
    assert!(
        cookies
            .iter()
            .any(|c| c.name == "skillvet_oauth" && c.value.is_empty())
    );
    assert_ne!(
        browser.cookie("skillvet_csrf").map(str::to_owned),
        csrf_before
    );
    assert!(
        browser.cookie("skillvet_csrf").is_some(),
        "CSRF token rotated at sign-in"
    );

    let (status, me_body) = me(&mut browser).await;
    assert_eq!(status, 200, "{me_body}");
    assert_eq!(me_body["via"], "session");
    assert_eq!(me_body["user"]["login"], "alice");
    assert_eq!(me_body["user"]["github_id"], 4242);
    assert_eq!(me_body["user"]["role"], "user");
    assert_eq!(me_body["user"]["orgs"], json!(["acme", "widgets"]));
    assert_eq!(
        me_body["user"]["avatar_url"],
        "https://avatars.example/u/4242"
    );
    let page = browser.get("/account").await;
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Signed in as") && html.contains("alice"),
        "{html}"
    );

    // Only the hash of the session id is stored.
    let store = &w.server.store;
    let now = Utc::now();
    let raw = browser.cookie("skillvet_session").unwrap().to_owned();
    let idle = now - Duration::days(1);
    assert!(store.session_user(&raw, idle, now).await.unwrap().is_none());
    assert!(
        store
            .session_user(&token_sha256(&raw), idle, now)
            .await
            .unwrap()
            .is_some()
    );

    // The callback works once: a replay (same state, code and flow cookie) is refused.
    let mut replayer = Browser::new(&w.server.base);
    replayer
        .cookies
        .insert("skillvet_oauth".into(), flow.value.clone());
    let replay = replayer.get(&callback_url).await;
    assert_eq!(replay.status(), StatusCode::BAD_REQUEST);
    assert!(replay.text().await.unwrap().contains("already used"));
    assert_eq!(w.github.refused(), 0, "the code was never sent twice");

    // Rename on GitHub: same account, new login; a new session id at every sign-in.
    w.github.set_user(FakeUser {
        login: "alice-renamed".into(),
        orgs: vec![],
        ..alice()
    });
    let again = browser.sign_in("/account").await;
    assert_eq!(location(&again), "/account");
    let rotated = browser.cookie("skillvet_session").unwrap().to_owned();
    assert_ne!(rotated, raw);
    let (_, me_body) = me(&mut browser).await;
    assert_eq!(me_body["user"]["login"], "alice-renamed");
    assert_eq!(me_body["user"]["github_id"], 4242);
    assert_eq!(me_body["user"]["orgs"], json!([]));
    let mut old = Browser::new(&w.server.base);
    old.cookies.insert("skillvet_session".into(), raw);
    let (status, _) = me(&mut old).await;
    assert_eq!(status, 401, "the session id held before sign-in is revoked");
}

async fn sign_in_refuses_foreign_state_denials_and_open_redirects(db: TestDb) {
    let w = world(db).await;
    // A sign-in started elsewhere (the attacker's browser) cannot be finished in the victim's.
    let mut attacker = Browser::new(&w.server.base);
    let start = attacker.get("/auth/github").await;
    let approve = attacker.get(&location(&start)).await;
    let mut victim = Browser::new(&w.server.base);
    let refused = victim.get(&location(&approve)).await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("not started in this browser")
    );
    assert!(victim.cookie("skillvet_session").is_none());
    // A state that does not match the browser's cookie is refused too.
    let tampered = location(&approve).replace("state=", "state=00");
    let response = attacker.get(&tampered).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);

    // The user said no on GitHub.
    let mut browser = Browser::new(&w.server.base);
    let start = browser.get("/auth/github").await;
    let state = url::Url::parse(&location(&start))
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned();
    let denied = browser
        .get(&format!(
            "/auth/github/callback?error=access_denied&error_description=nope&state={state}"
        ))
        .await;
    assert_eq!(denied.status(), StatusCode::FORBIDDEN);
    assert!(browser.cookie("skillvet_session").is_none());

    // An expired sign-in (10 minutes) is refused.
    let start = browser.get("/auth/github").await;
    let approve = browser.get(&location(&start)).await;
    w.clock.advance(Duration::minutes(11));
    let late = browser.get(&location(&approve)).await;
    assert_eq!(late.status(), StatusCode::BAD_REQUEST);
    assert!(late.text().await.unwrap().contains("expired"));

    // `next` outside this site lands on the account page instead.
    for next in [
        "//evil.example/x",
        "https://evil.example/",
        "/\\evil.example",
    ] {
        let encoded: String = url::form_urlencoded::byte_serialize(next.as_bytes()).collect();
        let landed = browser.sign_in(&encoded).await;
        assert_eq!(landed.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&landed), "/account", "{next}");
    }
}

async fn sessions_end_idle_at_sign_out_and_everywhere(db: TestDb) {
    let w = world(db).await;
    let mut laptop = Browser::new(&w.server.base);
    let mut phone = Browser::new(&w.server.base);
    let mut tablet = Browser::new(&w.server.base);
    for b in [&mut laptop, &mut phone, &mut tablet] {
        b.sign_in("/account").await;
        assert_eq!(me(b).await.0, 200);
    }

    // Sign-out is a CSRF-checked form post.
    let forged = laptop.post_form("/auth/signout", &[]).await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert_eq!(me(&mut laptop).await.0, 200);
    let csrf = laptop.cookie("skillvet_csrf").unwrap().to_owned();
    let out = laptop.post_form("/auth/signout", &[("csrf", &csrf)]).await;
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    assert!(
        laptop.cookie("skillvet_session").is_none(),
        "cookie cleared"
    );
    assert_eq!(me(&mut laptop).await.0, 401);
    assert_eq!(me(&mut phone).await.0, 200, "other sessions live on");

    // Sign-out everywhere ends the tablet's session too.
    let csrf = phone.cookie("skillvet_csrf").unwrap().to_owned();
    let out = phone
        .post_form("/auth/signout-everywhere", &[("csrf", &csrf)])
        .await;
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    assert_eq!(me(&mut phone).await.0, 401);
    assert_eq!(me(&mut tablet).await.0, 401);
    // A browser whose session ended browses anonymously.
    assert_eq!(tablet.get("/account").await.status(), 200);

    // Idle expiry (12 h here) and absolute expiry (2 days) however active.
    tablet.sign_in("/account").await;
    w.clock.advance(Duration::hours(13));
    assert_eq!(me(&mut tablet).await.0, 401, "idle");
    tablet.sign_in("/account").await;
    for _ in 0..4 {
        w.clock.advance(Duration::hours(11));
        assert_eq!(me(&mut tablet).await.0, 200, "active");
    }
    w.clock.advance(Duration::hours(5));
    assert_eq!(me(&mut tablet).await.0, 401, "past the absolute expiry");
}

async fn signed_in_users_make_list_and_revoke_tokens(db: TestDb) {
    let w = world(db).await;
    let mut browser = Browser::new(&w.server.base);
    browser.sign_in("/account").await;
    let csrf = browser.cookie("skillvet_csrf").unwrap().to_owned();
    let with_csrf = [("x-csrf-token", csrf.as_str())];
    let new = json!({ "name": "laptop", "scopes": ["submit"], "expires_in_days": 30 });

    // An API write riding on the cookie needs the CSRF header.
    let response = browser
        .json(Method::POST, "/api/v1/me/tokens", Some(new.clone()), &[])
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(body(response).await["error"]["code"], "csrf");

    let response = browser
        .json(
            Method::POST,
            "/api/v1/me/tokens",
            Some(new.clone()),
            &with_csrf,
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let made = body(response).await;
    let secret = made["token"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("svt_") && secret.len() == 68, "{secret}");
    assert_eq!(made["scopes"], json!(["submit"]));
    assert_eq!(made["status"], "active");

    // Refused: unknown fields (mass assignment), scopes beyond the role, bad values.
    for (bad, status) in [
        (
            json!({ "name": "x", "scopes": ["submit"], "user_id": 1 }),
            422,
        ),
        (
            json!({ "name": "x", "scopes": ["submit"], "last_used_at": "2020-01-01T00:00:00Z" }),
            422,
        ),
        (json!({ "name": "x", "scopes": ["admin"] }), 403),
        (json!({ "name": "x", "scopes": ["scan-agent"] }), 403),
        (json!({ "name": "x", "scopes": ["root"] }), 422),
        (json!({ "name": "x", "scopes": [] }), 422),
        (json!({ "name": " ", "scopes": ["submit"] }), 422),
        (
            json!({ "name": "x", "scopes": ["submit"], "expires_in_days": 0 }),
            422,
        ),
        (
            json!({ "name": "x", "scopes": ["submit"], "expires_in_days": 1000 }),
            422,
        ),
    ] {
        let response = browser
            .json(
                Method::POST,
                "/api/v1/me/tokens",
                Some(bad.clone()),
                &with_csrf,
            )
            .await;
        assert_eq!(response.status().as_u16(), status, "{bad}");
        let error = body(response).await;
        assert!(error["error"]["message"].as_str().is_some(), "{error}");
    }

    // The token works, records its use, and cannot make tokens.
    let http = skillvet_client::http_client();
    let api = |path: &str| format!("{}/api/v1{path}", w.server.base);
    let response = http
        .get(api("/me"))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    let me_body = body(response).await;
    assert_eq!(
        (me_body["via"].clone(), me_body["scopes"].clone()),
        (json!("token"), json!(["submit"]))
    );
    let response = http
        .post(api("/me/tokens"))
        .bearer_auth(&secret)
        .json(&new)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(body(response).await["error"]["code"], "session_required");
    let listed = body(
        browser
            .json(Method::GET, "/api/v1/me/tokens", None, &[])
            .await,
    )
    .await;
    let tokens = listed["tokens"].as_array().unwrap();
    assert_eq!(tokens.len(), 1);
    assert_eq!(tokens[0]["last_used_ip"], "127.0.0.1");
    assert!(tokens[0]["last_used_at"].is_string());
    assert!(
        !listed.to_string().contains(&secret),
        "the secret is shown once"
    );
    assert!(!listed.to_string().contains(&token_sha256(&secret)));

    // A publish-only token cannot submit.
    let publish_only = body(
        browser
            .json(
                Method::POST,
                "/api/v1/me/tokens",
                Some(json!({ "name": "p", "scopes": ["publish"] })),
                &with_csrf,
            )
            .await,
    )
    .await;
    let response = http
        .post(api("/submissions"))
        .bearer_auth(publish_only["token"].as_str().unwrap())
        .json(&json!({ "repo_url": "https://github.com/acme/skills", "skill_path": "a" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(
        body(response).await["error"]["message"]
            .as_str()
            .unwrap()
            .contains("submit")
    );

    // Another user cannot revoke (or see) alice's token: 404, as for a missing id.
    w.github.set_user(FakeUser {
        id: 777,
        login: "mallory".into(),
        orgs: vec![],
    });
    let mut mallory = Browser::new(&w.server.base);
    mallory.sign_in("/account").await;
    let mallory_csrf = mallory.cookie("skillvet_csrf").unwrap().to_owned();
    let id = made["id"].as_i64().unwrap();
    let response = mallory
        .json(
            Method::DELETE,
            &format!("/api/v1/me/tokens/{id}"),
            None,
            &[("x-csrf-token", &mallory_csrf)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let theirs = body(
        mallory
            .json(Method::GET, "/api/v1/me/tokens", None, &[])
            .await,
    )
    .await;
    assert_eq!(theirs["tokens"], json!([]));
    assert_eq!(
        http.get(api("/me"))
            .bearer_auth(&secret)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    // Its owner revokes it; it stops working at once.
    let response = browser
        .json(
            Method::DELETE,
            &format!("/api/v1/me/tokens/{id}"),
            None,
            &with_csrf,
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let response = http
        .get(api("/me"))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(body(response).await["error"]["code"], "unauthorized");
}

async fn the_account_page_makes_and_revokes_tokens(db: TestDb) {
    let w = world(db).await;
    let mut browser = Browser::new(&w.server.base);
    browser.sign_in("/account").await;
    let page = browser.get("/account").await;
    assert_eq!(page.headers()["cache-control"], "no-store");
    let html = page.text().await.unwrap();
    assert!(html.contains("action=\"/account/tokens\""));
    assert!(
        !html.contains("value=\"admin\""),
        "a user cannot pick the admin scope"
    );
    let csrf = browser.cookie("skillvet_csrf").unwrap().to_owned();

    let forged = browser
        .post_form("/account/tokens", &[("name", "ci"), ("scope", "submit")])
        .await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let extra = browser
        .post_form(
            "/account/tokens",
            &[
                ("csrf", &csrf),
                ("name", "ci"),
                ("scope", "submit"),
                ("user_id", "1"),
            ],
        )
        .await;
    assert_eq!(
        extra.status(),
        StatusCode::BAD_REQUEST,
        "unknown fields are refused"
    );
    let made = browser
        .post_form(
            "/account/tokens",
            &[
                ("csrf", &csrf),
                ("name", "ci"),
                ("scope", "submit"),
                ("scope", "publish"),
                ("expires_in_days", "7"),
            ],
        )
        .await;
    assert_eq!(made.status(), StatusCode::CREATED);
    let html = made.text().await.unwrap();
    let secret: String = html
        .split("svt_")
        .nth(1)
        .unwrap()
        .chars()
        .take(64)
        .collect();
    let secret = format!("svt_{secret}");
    let http = skillvet_client::http_client();
    let me_url = format!("{}/api/v1/me", w.server.base);
    let response = http.get(&me_url).bearer_auth(&secret).send().await.unwrap();
    assert_eq!(body(response).await["scopes"], json!(["submit", "publish"]));
    let html = browser.get("/account").await.text().await.unwrap();
    assert!(
        html.contains("ci") && !html.contains(&secret),
        "listed, secret not shown again"
    );

    let listed = body(
        browser
            .json(Method::GET, "/api/v1/me/tokens", None, &[])
            .await,
    )
    .await;
    let id = listed["tokens"][0]["id"].as_i64().unwrap();
    let forged = browser
        .post_form(&format!("/account/tokens/{id}/revoke"), &[])
        .await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let revoked = browser
        .post_form(&format!("/account/tokens/{id}/revoke"), &[("csrf", &csrf)])
        .await;
    assert_eq!(revoked.status(), StatusCode::SEE_OTHER);
    let response = http.get(&me_url).bearer_auth(&secret).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);

    // Signed out, the forms answer "sign in", never act.
    let mut stranger = Browser::new(&w.server.base);
    stranger.get("/account").await;
    let csrf = stranger.cookie("skillvet_csrf").unwrap().to_owned();
    let response = stranger
        .post_form(
            "/account/tokens",
            &[("csrf", &csrf), ("name", "x"), ("scope", "submit")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

async fn sign_in_is_off_without_github_settings(db: TestDb) {
    let server = Server::start(db).await;
    let mut browser = Browser::new(&server.base);
    let response = browser.get("/auth/github").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let html = browser.get("/account").await.text().await.unwrap();
    assert!(html.contains("not configured"), "{html}");
    let (status, error) = me(&mut browser).await;
    assert_eq!(status, 401);
    assert_eq!(error["error"]["code"], "unauthorized");
}

async fn sign_ins_are_rate_limited_per_ip(db: TestDb) {
    let github = FakeGithub::start(alice()).await;
    let mut config = ServerConfig::default();
    config.accounts.github = Some(github.settings());
    config.rate_limits.sign_in = skillvet_server::rate_limit::Quota::per_hour(3);
    let server = Server::start_with(db, config, Arc::new(skillvet_core::SystemClock)).await;
    let mut browser = Browser::new(&server.base);
    for _ in 0..3 {
        assert_eq!(
            browser.get("/auth/github").await.status(),
            StatusCode::SEE_OTHER
        );
    }
    let limited = browser.get("/auth/github").await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.headers().contains_key("retry-after"));
}

async fn a_user_holds_at_most_a_hundred_live_tokens(db: TestDb) {
    let w = world(db).await;
    let mut browser = Browser::new(&w.server.base);
    browser.sign_in("/account").await;
    let csrf = browser.cookie("skillvet_csrf").unwrap().to_owned();
    let make = |n: usize| json!({ "name": format!("t{n}"), "scopes": ["submit"] });
    let mut first = None;
    for n in 0..100 {
        let response = browser
            .json(
                Method::POST,
                "/api/v1/me/tokens",
                Some(make(n)),
                &[("x-csrf-token", &csrf)],
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED, "token {n}");
        first.get_or_insert(body(response).await["id"].as_i64().unwrap());
    }
    let response = browser
        .json(
            Method::POST,
            "/api/v1/me/tokens",
            Some(make(100)),
            &[("x-csrf-token", &csrf)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert_eq!(body(response).await["error"]["code"], "too_many_tokens");
    // Revoking one makes room.
    let id = first.unwrap();
    let response = browser
        .json(
            Method::DELETE,
            &format!("/api/v1/me/tokens/{id}"),
            None,
            &[("x-csrf-token", &csrf)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let response = browser
        .json(
            Method::POST,
            "/api/v1/me/tokens",
            Some(make(101)),
            &[("x-csrf-token", &csrf)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
}

async fn cookies_are_secure_behind_an_https_public_url(db: TestDb) {
    let github = FakeGithub::start(alice()).await;
    let mut config = ServerConfig::default();
    config.accounts.github = Some(github.settings());
    config.accounts.public_url = "https://registry.example/".parse().unwrap();
    let server = Server::start_with(db, config, Arc::new(skillvet_core::SystemClock)).await;
    let mut browser = Browser::new(&server.base);
    let start = browser.get("/auth/github").await;
    let to_github = url::Url::parse(&location(&start)).unwrap();
    let redirect = to_github
        .query_pairs()
        .find(|(k, _)| k == "redirect_uri")
        .unwrap()
        .1
        .into_owned();
    assert_eq!(redirect, "https://registry.example/auth/github/callback");
    let form = browser.get("/submit").await;
    for c in set_cookies(&start).iter().chain(set_cookies(&form).iter()) {
        assert!(c.has("secure") && c.has("httponly"), "{c:?}");
    }
}

backend_tests!(
    cookies_are_secure_behind_an_https_public_url,
    a_user_holds_at_most_a_hundred_live_tokens,
    sign_ins_are_rate_limited_per_ip,
    sign_in_with_github_creates_a_session,
    sign_in_refuses_foreign_state_denials_and_open_redirects,
    sessions_end_idle_at_sign_out_and_everywhere,
    signed_in_users_make_list_and_revoke_tokens,
    the_account_page_makes_and_revokes_tokens,
    sign_in_is_off_without_github_settings,
);
