//! The authorization table: every route of the router (read from the router itself, so a
//! new route without a rule fails here), called as each kind of caller, allowed or denied as
//! its rule says. On both backends.
//!
//! Denied means 401/403 and nothing else; allowed means anything but 401/403 (a 404 for a
//! made-up id, a 422 for a minimal body: the caller got past authorization).

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::sync::Arc;

use chrono::Duration;
use reqwest::Method;
use serde_json::{Value, json};
use skillvet_core::accounts::{GithubProfile, NewSession};
use skillvet_core::model::Role;
use skillvet_core::{Clock, SystemClock};
use skillvet_registry::{Registry, RegistryConfig};
use skillvet_server::auth::{issue_token_with_scopes, token_sha256};
use skillvet_server::rate_limit::MemoryLimiter;
use skillvet_server::{AgentSettings, AppState, ServerConfig};
use skillvet_test_db::{TestDb, backend_tests};

const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef-authz";
const CSRF: &str = "c5f0c5f0c5f0c5f0c5f0c5f0c5f0c5f0c5f0c5f0c5f0c5f0c5f0c5f0c5f0c5f0";

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    Public,
    /// Any session or token.
    SignedIn,
    /// A browser session only (making tokens, account forms).
    Session,
    /// A session, or a token with the `submit` scope (anonymous submit is off by default).
    Submit,
    /// A reviewer's or administrator's session, or their token with `review` (or `admin`).
    Reviewer,
    /// An administrator's session, or an administrator's token with the `admin` scope.
    Admin,
    /// A token with the `scan-agent` scope.
    Agent,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Who {
    Anonymous,
    UserSession,
    UserToken,
    ReviewerSession,
    ReviewerToken,
    AdminSession,
    AdminToken,
    AgentToken,
}

const EVERYONE: [Who; 8] = [
    Who::Anonymous,
    Who::UserSession,
    Who::UserToken,
    Who::ReviewerSession,
    Who::ReviewerToken,
    Who::AdminSession,
    Who::AdminToken,
    Who::AgentToken,
];

fn allowed(rule: Rule, who: Who) -> bool {
    use Who::*;
    match rule {
        Rule::Public => true,
        Rule::SignedIn => who != Anonymous,
        Rule::Session => matches!(who, UserSession | ReviewerSession | AdminSession),
        Rule::Submit => !matches!(who, Anonymous | AgentToken),
        Rule::Reviewer => matches!(
            who,
            ReviewerSession | ReviewerToken | AdminSession | AdminToken
        ),
        Rule::Admin => matches!(who, AdminSession | AdminToken),
        Rule::Agent => who == AgentToken,
    }
}

/// Every route with its rule. Adding a route to the router without a line here fails the
/// test, and so does a line for a route the router does not have.
fn rules() -> BTreeMap<(&'static str, &'static str), Rule> {
    use Rule::*;
    BTreeMap::from([
        // Web pages and assets.
        (("GET", "/"), Public),
        (("GET", "/skills"), Public),
        (("GET", "/skills/{owner}/{repo}/{skill}"), Public),
        (("GET", "/submit"), Public),
        (("POST", "/submit"), Public),
        (("POST", "/submit/selected"), Submit),
        (("GET", "/submit/batch"), Public),
        (("GET", "/submit/{id}"), Public),
        (("GET", "/queue"), Public),
        (("GET", "/queue/counts"), Public),
        (("GET", "/trust"), Public),
        (("GET", "/admin"), Reviewer),
        (("GET", "/admin/audit"), Reviewer),
        (("POST", "/admin/submissions/{id}/decide"), Reviewer),
        (
            ("POST", "/admin/skills/{owner}/{repo}/{skill}/moderate"),
            Reviewer,
        ),
        (("POST", "/admin/blocks"), Reviewer),
        (("POST", "/admin/blocks/remove"), Reviewer),
        (("POST", "/admin/requests/{id}/resolve"), Reviewer),
        (("POST", "/skills/{owner}/{repo}/{skill}/report"), SignedIn),
        (("POST", "/submit/{id}/appeal"), SignedIn),
        (("GET", "/static/htmx-2.0.4.min.js"), Public),
        (("GET", "/static/app.css"), Public),
        (("GET", "/healthz"), Public),
        // Accounts.
        (("GET", "/auth/github"), Public),
        (("GET", "/auth/github/callback"), Public),
        (("POST", "/auth/signout"), Public),
        (("POST", "/auth/signout-everywhere"), Session),
        (("GET", "/account"), Public),
        (("POST", "/account/tokens"), Session),
        (("POST", "/account/tokens/{id}/revoke"), Session),
        (("GET", "/api/v1/me"), SignedIn),
        (("GET", "/api/v1/me/tokens"), SignedIn),
        (("POST", "/api/v1/me/tokens"), Session),
        (("DELETE", "/api/v1/me/tokens/{id}"), SignedIn),
        // Submissions and the catalogue.
        (("POST", "/api/v1/submissions"), Submit),
        (("GET", "/api/v1/submissions"), Public),
        (("POST", "/api/v1/submissions/bulk"), Submit),
        (("POST", "/api/v1/submissions/discover"), Public),
        (("GET", "/api/v1/submissions/stats"), Public),
        (("GET", "/api/v1/submissions/{id}"), Public),
        (("GET", "/api/v1/skills"), Public),
        (("GET", "/api/v1/categories"), Public),
        (("GET", "/api/v1/skills/{owner}/{repo}/{skill}"), Public),
        (
            (
                "GET",
                "/api/v1/skills/{owner}/{repo}/{skill}/versions/{version}",
            ),
            Public,
        ),
        (
            (
                "GET",
                "/api/v1/skills/{owner}/{repo}/{skill}/versions/{version}/download",
            ),
            Public,
        ),
        (
            ("GET", "/api/v1/packages/{owner}/{repo}/{skill}/history"),
            Public,
        ),
        (
            ("GET", "/api/v1/packages/{owner}/{repo}/{skill}/latest"),
            Public,
        ),
        (
            ("GET", "/api/v1/repositories/{owner}/{repo}/skills"),
            Public,
        ),
        // Serving to install tools.
        (("GET", "/.well-known/skills/index.json"), Public),
        (("GET", "/.well-known/skills/{name}/{*path}"), Public),
        (
            ("GET", "/{owner}/{repo}/.well-known/skills/index.json"),
            Public,
        ),
        (
            ("GET", "/{owner}/{repo}/.well-known/skills/{name}/{*path}"),
            Public,
        ),
        (("GET", "/badges/{owner}/{repo}/{badge}"), Public),
        // Administration.
        (("GET", "/api/v1/admin/queue"), Admin),
        (("POST", "/api/v1/admin/queue/pause"), Admin),
        (("POST", "/api/v1/admin/queue/resume"), Admin),
        (("GET", "/api/v1/admin/jobs"), Admin),
        (("GET", "/api/v1/admin/jobs/{id}"), Admin),
        (("POST", "/api/v1/admin/jobs/{id}/requeue"), Admin),
        (("POST", "/api/v1/admin/jobs/{id}/priority"), Admin),
        // Or a service's internal key (tested in health_routes.rs; none is sent here).
        (("GET", "/api/v1/admin/health"), Admin),
        (("POST", "/api/v1/admin/rebuild-index"), Admin),
        // Moderation.
        (("POST", "/api/v1/admin/submissions/{id}/approve"), Reviewer),
        (("POST", "/api/v1/admin/submissions/{id}/reject"), Reviewer),
        (("POST", "/api/v1/admin/submissions/{id}/hold"), Reviewer),
        (("POST", "/api/v1/admin/submissions/{id}/release"), Reviewer),
        (("POST", "/api/v1/admin/submissions/{id}/unblock"), Admin),
        (
            ("POST", "/api/v1/admin/skills/{owner}/{repo}/{skill}/status"),
            Reviewer,
        ),
        (
            ("POST", "/api/v1/admin/skills/{owner}/{repo}/{skill}/tier"),
            Reviewer,
        ),
        (
            ("POST", "/api/v1/admin/skills/{owner}/{repo}/{skill}/rescan"),
            Reviewer,
        ),
        (
            ("POST", "/api/v1/admin/repositories/{owner}/{repo}/rescan"),
            Reviewer,
        ),
        (
            (
                "POST",
                "/api/v1/admin/skills/{owner}/{repo}/{skill}/versions/{version}/yank",
            ),
            Reviewer,
        ),
        (
            (
                "POST",
                "/api/v1/admin/skills/{owner}/{repo}/{skill}/versions/{version}/unyank",
            ),
            Reviewer,
        ),
        (("GET", "/api/v1/admin/blocks"), Reviewer),
        (("POST", "/api/v1/admin/blocks"), Reviewer),
        (("POST", "/api/v1/admin/blocks/remove"), Reviewer),
        (("GET", "/api/v1/admin/audit"), Reviewer),
        (("GET", "/api/v1/admin/requests"), Reviewer),
        (("POST", "/api/v1/admin/requests/{id}/resolve"), Reviewer),
        (
            ("POST", "/api/v1/packages/{owner}/{repo}/{skill}/reports"),
            SignedIn,
        ),
        (("POST", "/api/v1/submissions/{id}/appeal"), SignedIn),
        (("GET", "/api/v1/me/requests"), SignedIn),
        // External scan agents.
        (("POST", "/api/v1/agents/claim"), Agent),
        (("POST", "/api/v1/agents/results"), Agent),
    ])
}

/// `(method, path)` of every route, from the router's own description of itself (axum has
/// no listing API; its `Debug` names each route's path and which methods it has).
fn routes_of(router: &axum::Router) -> BTreeSet<(String, String)> {
    let text = format!("{router:?}");
    // Only the main path router: the fallback router numbers its routes separately.
    let main = text.split("fallback_router:").next().unwrap();
    let paths = regex::Regex::new(r#"RouteId\((\d+)\): "([^"]*)""#).unwrap();
    let methods =
        regex::Regex::new(r"RouteId\((\d+)\): MethodRouter\(MethodRouter \{ (.*?), fallback:")
            .unwrap();
    let path_of: BTreeMap<&str, &str> = paths
        .captures_iter(main)
        .map(|c| (c.get(1).unwrap().as_str(), c.get(2).unwrap().as_str()))
        .collect();
    let mut found = BTreeSet::new();
    for c in methods.captures_iter(main) {
        let path = path_of[c.get(1).unwrap().as_str()];
        // The API's 404 fallback, mounted by `nest`.
        if path.contains("__private__") {
            continue;
        }
        for field in c.get(2).unwrap().as_str().split(", ") {
            let (method, endpoint) = field.split_once(": ").unwrap();
            if endpoint != "None" && method != "head" {
                found.insert((method.to_ascii_uppercase(), path.to_owned()));
            }
        }
    }
    assert!(
        found.len() > 40,
        "the router's Debug output changed: {text}"
    );
    found
}

fn concrete(path: &str) -> String {
    path.replace("{owner}", "acme")
        .replace("{repo}", "skills")
        .replace("{skill}", "pdf")
        .replace("{id}", "999999")
        .replace("{version}", "1")
        .replace("{name}", "pdf")
        .replace("{*path}", "SKILL.md")
        .replace("{badge}", "tier.svg")
}

/// A body that gets past parsing, so the answer is about authorization.
fn json_body(path: &str) -> Value {
    let repo = "https://github.com/acme/skills";
    match path {
        "/api/v1/submissions" => json!({ "repo_url": repo, "skill_path": "skills/a" }),
        "/api/v1/submissions/bulk" => json!({ "repo_url": repo, "skill_paths": ["skills/b"] }),
        "/api/v1/submissions/discover" => json!({ "repo_url": "/not/allowed" }),
        "/api/v1/me/tokens" => json!({ "name": "authz", "scopes": ["submit"] }),
        p if p.ends_with("/priority") => json!({ "priority": 1 }),
        p if p.ends_with("/yank") => json!({ "reason": "authorization test" }),
        _ => json!({}),
    }
}

fn form_body(path: &str) -> Vec<(&'static str, &'static str)> {
    let mut fields = vec![("csrf", CSRF)];
    match path {
        "/submit" => fields.push(("repo_url", "/not/allowed")),
        "/submit/selected" => fields.extend([
            ("repo_url", "https://github.com/acme/skills"),
            ("skill_path", "skills/c"),
        ]),
        "/account/tokens" => fields.extend([("name", "authz"), ("scope", "submit")]),
        _ => {}
    }
    fields
}

struct Callers {
    /// Cookie header and/or bearer token per caller.
    auth: BTreeMap<Who, (String, Option<String>)>,
}

async fn callers(state: &AppState) -> Callers {
    let store = state.registry().store();
    let now = SystemClock.now();
    let mut auth = BTreeMap::new();
    auth.insert(Who::Anonymous, (format!("skillvet_csrf={CSRF}"), None));
    for (who, id, role) in [
        (Who::UserSession, 1, Role::User),
        (Who::ReviewerSession, 2, Role::Reviewer),
        (Who::AdminSession, 3, Role::Admin),
    ] {
        let user = store
            .upsert_github_user(
                &GithubProfile {
                    id,
                    login: format!("{who:?}").to_lowercase(),
                    avatar_url: None,
                    orgs: vec![],
                },
                now,
            )
            .await
            .unwrap();
        store.set_role(user.id, role).await.unwrap();
        let session = format!("{id:064x}");
        store
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
        auth.insert(
            who,
            (
                format!("skillvet_csrf={CSRF}; skillvet_session={session}"),
                None,
            ),
        );
    }
    for (who, login, role, scopes) in [
        (
            Who::UserToken,
            "tess",
            Role::User,
            vec!["submit", "publish"],
        ),
        (
            Who::AdminToken,
            "root",
            Role::Admin,
            vec!["submit", "publish", "admin"],
        ),
        (
            Who::ReviewerToken,
            "rita",
            Role::Reviewer,
            vec!["submit", "review"],
        ),
        (Who::AgentToken, "agent-1", Role::User, vec!["scan-agent"]),
    ] {
        let scopes: Vec<String> = scopes.into_iter().map(String::from).collect();
        let (token, _) =
            issue_token_with_scopes(store.as_ref(), now, login, role, "authz", &scopes, None)
                .await
                .unwrap();
        auth.insert(who, (format!("skillvet_csrf={CSRF}"), Some(token)));
    }
    Callers { auth }
}

async fn every_route_allows_and_denies_as_its_rule_says(db: TestDb) {
    let store = db.store().await;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let registry = Registry::new(store, clock, RegistryConfig::default());
    let config = ServerConfig {
        agents: AgentSettings {
            webhook_secret: Some(Arc::from(SECRET)),
            ..AgentSettings::default()
        },
        ..ServerConfig::default()
    };
    let state = AppState::new(registry, Arc::new(MemoryLimiter::default()), config);

    let found = routes_of(&skillvet_server::router(state.clone()));
    let rules = rules();
    let ruled: BTreeSet<(String, String)> = rules
        .keys()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    let unruled: Vec<_> = found.difference(&ruled).collect();
    assert!(
        unruled.is_empty(),
        "routes without an authorization rule: {unruled:?}"
    );
    let stale: Vec<_> = ruled.difference(&found).collect();
    assert!(
        stale.is_empty(),
        "rules for routes the router does not have: {stale:?}"
    );

    let callers = callers(&state).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = skillvet_server::router(state).into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let http = skillvet_client::http_client_builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();

    // Signing out ends the sessions the other calls need: those go last, everywhere first.
    let mut order: Vec<_> = rules.iter().collect();
    order.sort_by_key(|((_, path), _)| match *path {
        "/auth/signout-everywhere" => 1,
        "/auth/signout" => 2,
        _ => 0,
    });
    let mut wrong = Vec::new();
    let mut calls = 0;
    for ((method, path), rule) in order {
        for who in EVERYONE {
            let (cookie, token) = &callers.auth[&who];
            let url = format!("{base}{}", concrete(path));
            let method = Method::from_bytes(method.as_bytes()).unwrap();
            let mut request = http
                .request(method.clone(), &url)
                .header("cookie", cookie)
                .header("origin", &base)
                .header("x-csrf-token", CSRF);
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            if method != Method::GET {
                if path.starts_with("/api/") {
                    let body = json_body(path).to_string();
                    if *path == "/api/v1/agents/results" {
                        let at = SystemClock.now().timestamp();
                        request = request
                            .header("X-Skillvet-Timestamp", at.to_string())
                            .header(
                                "X-Skillvet-Signature",
                                skillvet_pipeline::external::sign(SECRET, at, body.as_bytes()),
                            );
                    }
                    request = request
                        .header("content-type", "application/json")
                        .body(body);
                } else {
                    let body = url::form_urlencoded::Serializer::new(String::new())
                        .extend_pairs(form_body(path))
                        .finish();
                    request = request
                        .header("content-type", "application/x-www-form-urlencoded")
                        .body(body);
                }
            }
            let status = request.send().await.unwrap().status().as_u16();
            calls += 1;
            let denied = matches!(status, 401 | 403);
            if denied == allowed(*rule, who) {
                wrong.push(format!(
                    "{method} {path} as {who:?}: {status} (rule {rule:?})"
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {calls} calls:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert_eq!(calls, rules.len() * EVERYONE.len());
}

backend_tests!(every_route_allows_and_denies_as_its_rule_says);
