//! GitHub sign-in: authorization code with PKCE (S256). The `state` is random, bound to the
//! browser by a short-lived cookie (so nobody can finish a sign-in they did not start in
//! this browser), and stored hashed server-side until its one use.

use axum::extract::State;
use axum::extract::rejection::QueryRejection;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use skillvet_core::accounts::OAuthState;
use skillvet_core::store::StoreError;

use super::github::GithubSettings;
use super::session;
use crate::auth::{Caller, token_sha256};
use crate::client_ip::ClientIp;
use crate::cookies::{self, SameSite};
use crate::error::ApiError;
use crate::limits::Action;
use crate::state::AppState;
use crate::web::{WebError, WebResult};

/// Binds a sign-in to the browser that started it; scoped to the sign-in paths.
pub const FLOW_COOKIE: &str = "skillvet_oauth";
const FLOW_PATH: &str = "/auth/github";
const FLOW_MINUTES: i64 = 10;
/// Where a sign-in lands when it names no (acceptable) page.
pub const DEFAULT_RETURN: &str = "/account";
const MAX_RETURN_LEN: usize = 512;

/// `next` if it is a path on this site, else the account page: never an open redirect
/// (`//evil.example`, `/\evil.example`, `https://…` and control characters are refused).
pub fn safe_return_path(next: Option<&str>) -> String {
    let Some(next) = next else {
        return DEFAULT_RETURN.into();
    };
    let ok = next.len() <= MAX_RETURN_LEN
        && next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.starts_with(FLOW_PATH)
        && next.bytes().all(|b| b.is_ascii_graphic());
    if ok {
        next.into()
    } else {
        DEFAULT_RETURN.into()
    }
}

fn github(state: &AppState) -> Result<&GithubSettings, WebError> {
    state.config().accounts.github.as_ref().ok_or_else(|| {
        WebError(ApiError::not_found(
            "Sign-in with GitHub is not configured on this registry.",
        ))
    })
}

fn redirect_uri(state: &AppState) -> String {
    let base = &state.config().accounts.public_url;
    base.join("auth/github/callback")
        .map(String::from)
        .unwrap_or_else(|_| format!("{base}auth/github/callback"))
}

fn refused(status: StatusCode, code: &'static str, message: impl Into<String>) -> WebError {
    WebError(ApiError::new(status, code, message))
}

#[derive(Deserialize)]
pub struct StartParams {
    next: Option<String>,
}

/// `GET /auth/github?next=/path`: to GitHub with a fresh state and PKCE challenge.
pub async fn start(
    State(state): State<AppState>,
    ip: ClientIp,
    params: Result<axum::extract::Query<StartParams>, QueryRejection>,
) -> WebResult<Response> {
    let github = github(&state)?;
    crate::limits::check(&state, &Caller::Anonymous, ip, Action::SignIn).await?;
    let next = params.ok().and_then(|p| p.0.next);
    let flow = cookies::random_hex(32)?;
    let mut verifier = [0u8; 32];
    getrandom::fill(&mut verifier).map_err(ApiError::internal_message)?;
    let verifier = URL_SAFE_NO_PAD.encode(verifier);
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    let now = state.registry().clock().now();
    state
        .registry()
        .store()
        .begin_oauth(
            &OAuthState {
                state_sha256: token_sha256(&flow),
                code_verifier: verifier,
                return_to: safe_return_path(next.as_deref()),
                expires_at: now + chrono::Duration::minutes(FLOW_MINUTES),
            },
            now,
        )
        .await?;
    let target = github.authorize_redirect(&redirect_uri(&state), &flow, &challenge);
    let cookie = cookies::set(
        FLOW_COOKIE,
        &flow,
        FLOW_PATH,
        Some(FLOW_MINUTES * 60),
        SameSite::Lax,
        state.config().accounts.secure_cookies(),
    );
    let mut response = Redirect::to(target.as_str()).into_response();
    response.headers_mut().append(header::SET_COOKIE, cookie);
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

#[derive(Deserialize)]
pub struct CallbackParams {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

/// `GET /auth/github/callback?code=&state=`: checks the state, trades the code, signs in.
pub async fn callback(
    State(state): State<AppState>,
    ip: ClientIp,
    headers: HeaderMap,
    params: Result<axum::extract::Query<CallbackParams>, QueryRejection>,
) -> WebResult<Response> {
    let github = github(&state)?;
    let params = params
        .map_err(|_| {
            refused(
                StatusCode::BAD_REQUEST,
                "invalid_query",
                "This sign-in link is malformed. Start again.",
            )
        })?
        .0;
    let sent = params.state.as_deref().unwrap_or_default();
    let expected = cookies::get(&headers, FLOW_COOKIE).unwrap_or_default();
    if sent.is_empty() || !cookies::same(sent.as_bytes(), expected.as_bytes()) {
        return Err(refused(
            StatusCode::BAD_REQUEST,
            "oauth_state",
            "This sign-in was not started in this browser (or its cookie expired). Start again.",
        ));
    }
    let now = state.registry().clock().now();
    let flow = state
        .registry()
        .store()
        .take_oauth(&token_sha256(sent), now)
        .await?
        .ok_or_else(|| {
            refused(
                StatusCode::BAD_REQUEST,
                "oauth_state",
                "This sign-in link was already used or has expired. Start again.",
            )
        })?;
    if let Some(error) = params.error {
        let detail = params.error_description.unwrap_or(error);
        return Err(refused(
            StatusCode::FORBIDDEN,
            "oauth_denied",
            format!("GitHub did not sign you in: {detail}"),
        ));
    }
    let code = params.code.filter(|c| !c.is_empty()).ok_or_else(|| {
        refused(
            StatusCode::BAD_REQUEST,
            "oauth_code",
            "GitHub sent no authorization code. Start again.",
        )
    })?;
    let github_error = |e: super::github::GithubError| {
        tracing::warn!(error = %e, "GitHub sign-in failed");
        refused(StatusCode::BAD_GATEWAY, "github", e.to_string())
    };
    let access_token = github
        .exchange(&code, &flow.code_verifier, &redirect_uri(&state))
        .await
        .map_err(github_error)?;
    let profile = github.profile(&access_token).await.map_err(github_error)?;
    let user = match state
        .registry()
        .store()
        .upsert_github_user(&profile, now)
        .await
    {
        Ok(user) => user,
        Err(StoreError::Conflict(message)) => {
            return Err(refused(
                StatusCode::CONFLICT,
                "login_taken",
                format!("{message}; an operator must rename that account before you can sign in."),
            ));
        }
        Err(e) => return Err(e.into()),
    };
    let session_cookie = session::start(&state, &user, Some(ip.0), &headers).await?;
    let (_, csrf_cookie) = crate::web::csrf::fresh(state.config().accounts.secure_cookies())?;
    tracing::info!(login = %user.login, github_id = profile.id, "signed in");
    let mut response = Redirect::to(&flow.return_to).into_response();
    let cookies_out = response.headers_mut();
    cookies_out.append(header::SET_COOKIE, session_cookie);
    cookies_out.append(header::SET_COOKIE, csrf_cookie);
    cookies_out.append(
        header::SET_COOKIE,
        cookies::clear(
            FLOW_COOKIE,
            FLOW_PATH,
            state.config().accounts.secure_cookies(),
        ),
    );
    cookies_out.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_same_origin_paths_are_followed() {
        for good in ["/account", "/skills/a/b/c?x=1#top", "/submit"] {
            assert_eq!(safe_return_path(Some(good)), good);
        }
        for bad in [
            "//evil.example/",
            "/\\evil.example",
            "https://evil.example/",
            "evil.example",
            "",
            "/a b",
            "/a\r\nSet-Cookie: x=1",
            "/auth/github?next=/",
            "javascript:alert(1)",
        ] {
            assert_eq!(safe_return_path(Some(bad)), DEFAULT_RETURN, "{bad:?}");
        }
        assert_eq!(safe_return_path(None), DEFAULT_RETURN);
        assert_eq!(
            safe_return_path(Some(&format!("/{}", "a".repeat(600)))),
            DEFAULT_RETURN
        );
    }
}
