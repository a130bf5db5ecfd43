//! A small fake GitHub on loopback: the OAuth authorize page (approves at once), the token
//! endpoint (checks client secret, redirect URI, one-time codes and PKCE S256) and the two API
//! calls sign-in makes (`/user`, `/user/orgs`). A real HTTP server, so skillvet's own client
//! code runs unchanged against it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::json;
use sha2::{Digest, Sha256};
use skillvet_server::accounts::github::GithubSettings;

pub const CLIENT_ID: &str = "Iv1.fakeclient";
pub const CLIENT_SECRET: &str = "fake-client-secret-0123456789abcdef";

#[derive(Debug, Clone)]
pub struct FakeUser {
    pub id: i64,
    pub login: String,
    pub orgs: Vec<String>,
}

struct Grant {
    challenge: String,
    redirect_uri: String,
    user: FakeUser,
}

#[derive(Default)]
struct Inner {
    user: Option<FakeUser>,
    codes: HashMap<String, Grant>,
    tokens: HashMap<String, FakeUser>,
    counter: u64,
    /// Token requests refused (bad code, secret, redirect URI or verifier).
    pub refused: u32,
}

#[derive(Clone)]
pub struct FakeGithub {
    pub base: String,
    inner: Arc<Mutex<Inner>>,
}

impl FakeGithub {
    pub async fn start(user: FakeUser) -> Self {
        let inner = Arc::new(Mutex::new(Inner {
            user: Some(user),
            ..Inner::default()
        }));
        let app = Router::new()
            .route("/login/oauth/authorize", get(authorize))
            .route("/login/oauth/access_token", post(access_token))
            .route("/api/user", get(api_user))
            .route("/api/user/orgs", get(api_orgs))
            .with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self {
            base: format!("http://{addr}"),
            inner,
        }
    }

    /// Who approves the next sign-in.
    pub fn set_user(&self, user: FakeUser) {
        self.inner.lock().unwrap().user = Some(user);
    }

    pub fn refused(&self) -> u32 {
        self.inner.lock().unwrap().refused
    }

    pub fn settings(&self) -> GithubSettings {
        GithubSettings::new(
            CLIENT_ID.into(),
            CLIENT_SECRET.into(),
            format!("{}/login/oauth/authorize", self.base)
                .parse()
                .unwrap(),
            format!("{}/login/oauth/access_token", self.base)
                .parse()
                .unwrap(),
            format!("{}/api", self.base).parse().unwrap(),
        )
    }
}

type Shared = State<Arc<Mutex<Inner>>>;

async fn authorize(State(inner): Shared, Query(q): Query<HashMap<String, String>>) -> Response {
    if q.get("client_id").map(String::as_str) != Some(CLIENT_ID)
        || q.get("code_challenge_method").map(String::as_str) != Some("S256")
        || q.get("scope").map(String::as_str) != Some("read:org")
    {
        return (StatusCode::BAD_REQUEST, "bad authorize request").into_response();
    }
    let (Some(redirect_uri), Some(state), Some(challenge)) = (
        q.get("redirect_uri"),
        q.get("state"),
        q.get("code_challenge"),
    ) else {
        return (StatusCode::BAD_REQUEST, "missing parameters").into_response();
    };
    let mut inner = inner.lock().unwrap();
    inner.counter += 1;
    let code = format!("code{}", inner.counter);
    let user = inner.user.clone().expect("a user to sign in");
    inner.codes.insert(
        code.clone(),
        Grant {
            challenge: challenge.clone(),
            redirect_uri: redirect_uri.clone(),
            user,
        },
    );
    let mut target = url::Url::parse(redirect_uri).unwrap();
    target
        .query_pairs_mut()
        .append_pair("code", &code)
        .append_pair("state", state);
    Redirect::to(target.as_str()).into_response()
}

async fn access_token(State(inner): Shared, headers: HeaderMap, body: String) -> Response {
    assert_eq!(
        headers.get(header::ACCEPT).unwrap(),
        "application/json",
        "GitHub answers form-encoded without it"
    );
    let form: HashMap<String, String> = url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    let field = |k: &str| form.get(k).cloned().unwrap_or_default();
    let mut inner = inner.lock().unwrap();
    // Codes work once, whatever the outcome.
    let grant = inner.codes.remove(&field("code"));
    let verified = grant.as_ref().is_some_and(|g| {
        field("client_id") == CLIENT_ID
            && field("client_secret") == CLIENT_SECRET
            && field("redirect_uri") == g.redirect_uri
            && URL_SAFE_NO_PAD.encode(Sha256::digest(field("code_verifier").as_bytes()))
                == g.challenge
    });
    match grant {
        Some(grant) if verified => {
            inner.counter += 1;
            let token = format!("gho_fake{}", inner.counter);
            inner.tokens.insert(token.clone(), grant.user);
            axum::Json(
                json!({ "access_token": token, "token_type": "bearer", "scope": "read:org" }),
            )
            .into_response()
        }
        _ => {
            inner.refused += 1;
            axum::Json(json!({
                "error": "bad_verification_code",
                "error_description": "The code passed is incorrect or expired."
            }))
            .into_response()
        }
    }
}

fn bearer_user(inner: &Mutex<Inner>, headers: &HeaderMap) -> Option<FakeUser> {
    let token = headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")?;
    inner.lock().unwrap().tokens.get(token).cloned()
}

async fn api_user(State(inner): Shared, headers: HeaderMap) -> Response {
    match bearer_user(&inner, &headers) {
        Some(u) => axum::Json(json!({
            "id": u.id,
            "login": u.login,
            "avatar_url": format!("https://avatars.example/u/{}", u.id),
            "type": "User"
        }))
        .into_response(),
        None => (StatusCode::UNAUTHORIZED, "Bad credentials").into_response(),
    }
}

async fn api_orgs(State(inner): Shared, headers: HeaderMap) -> Response {
    match bearer_user(&inner, &headers) {
        Some(u) => axum::Json(
            u.orgs
                .iter()
                .map(|o| json!({ "login": o, "id": 1 }))
                .collect::<Vec<_>>(),
        )
        .into_response(),
        None => (StatusCode::UNAUTHORIZED, "Bad credentials").into_response(),
    }
}
