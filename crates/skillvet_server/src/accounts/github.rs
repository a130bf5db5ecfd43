//! The GitHub side of sign-in: the authorization URL (with PKCE), the code exchange and the
//! profile. Base URLs are configuration, so tests point them at a fake GitHub on loopback.

use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;
use skillvet_core::accounts::GithubProfile;
use url::Url;

/// Organisation listing is capped: it is informational (ownership is checked per repository).
const MAX_ORG_PAGES: usize = 5;

#[derive(Clone)]
pub struct GithubSettings {
    pub client_id: String,
    client_secret: Arc<str>,
    /// `https://github.com/login/oauth/authorize`
    pub authorize_url: Url,
    /// `https://github.com/login/oauth/access_token`
    pub token_url: Url,
    /// `https://api.github.com`
    pub api_url: Url,
    http: reqwest::Client,
}

impl std::fmt::Debug for GithubSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the client secret.
        f.debug_struct("GithubSettings")
            .field("client_id", &self.client_id)
            .field("authorize_url", &self.authorize_url.as_str())
            .field("token_url", &self.token_url.as_str())
            .field("api_url", &self.api_url.as_str())
            .finish_non_exhaustive()
    }
}

pub const DEFAULT_AUTHORIZE_URL: &str = "https://github.com/login/oauth/authorize";
pub const DEFAULT_TOKEN_URL: &str = "https://github.com/login/oauth/access_token";
pub const DEFAULT_API_URL: &str = "https://api.github.com";

#[derive(Debug, thiserror::Error)]
pub enum GithubError {
    #[error("GitHub refused the sign-in: {0}")]
    Refused(String),
    #[error("GitHub could not be reached: {0}")]
    Unreachable(String),
    #[error("GitHub answered something unexpected: {0}")]
    Unexpected(String),
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

#[derive(Deserialize)]
struct UserAnswer {
    id: i64,
    login: String,
    avatar_url: Option<String>,
}

#[derive(Deserialize)]
struct OrgAnswer {
    login: String,
}

impl GithubSettings {
    pub fn new(
        client_id: String,
        client_secret: String,
        authorize_url: Url,
        token_url: Url,
        mut api_url: Url,
    ) -> Self {
        // `join` replaces the last segment of a base without a trailing slash (GitHub
        // Enterprise's `/api/v3`).
        if !api_url.path().ends_with('/') {
            let path = format!("{}/", api_url.path());
            api_url.set_path(&path);
        }
        let http = skillvet_client::http_client_builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(20))
            // GitHub answers these endpoints directly; a redirect would be a misconfiguration.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("skillvet/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("the TLS configuration is static and valid");
        Self {
            client_id,
            client_secret: Arc::from(client_secret),
            authorize_url,
            token_url,
            api_url,
            http,
        }
    }

    /// Where the browser goes to approve the sign-in.
    pub fn authorize_redirect(&self, redirect_uri: &str, state: &str, challenge: &str) -> Url {
        let mut url = self.authorize_url.clone();
        url.query_pairs_mut()
            .append_pair("client_id", &self.client_id)
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("scope", "read:org")
            .append_pair("state", state)
            .append_pair("code_challenge", challenge)
            .append_pair("code_challenge_method", "S256")
            .append_pair("allow_signup", "true");
        url
    }

    /// Trades the authorization code (and the PKCE verifier) for an access token.
    pub async fn exchange(
        &self,
        code: &str,
        verifier: &str,
        redirect_uri: &str,
    ) -> Result<String, GithubError> {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("client_id", &self.client_id)
            .append_pair("client_secret", &self.client_secret)
            .append_pair("code", code)
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("code_verifier", verifier)
            .finish();
        let response = self
            .http
            .post(self.token_url.clone())
            .header(reqwest::header::ACCEPT, "application/json")
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .body(body)
            .send()
            .await
            .map_err(|e| GithubError::Unreachable(e.without_url().to_string()))?;
        let status = response.status();
        // GitHub reports a bad code with 200 and an `error` field.
        let answer: TokenAnswer = response
            .json()
            .await
            .map_err(|e| GithubError::Unexpected(format!("token answer ({status}): {e}")))?;
        match (answer.access_token, answer.error) {
            (Some(token), None) if status.is_success() && !token.is_empty() => Ok(token),
            (_, Some(error)) => Err(GithubError::Refused(
                answer.error_description.unwrap_or(error),
            )),
            _ => Err(GithubError::Unexpected(format!(
                "token answer ({status}) without a token"
            ))),
        }
    }

    async fn get<T: serde::de::DeserializeOwned>(
        &self,
        access_token: &str,
        path: &str,
    ) -> Result<T, GithubError> {
        let url = self
            .api_url
            .join(path)
            .map_err(|e| GithubError::Unexpected(e.to_string()))?;
        let response = self
            .http
            .get(url)
            .bearer_auth(access_token)
            .header(reqwest::header::ACCEPT, "application/vnd.github+json")
            .header("X-GitHub-Api-Version", "2022-11-28")
            .send()
            .await
            .map_err(|e| GithubError::Unreachable(e.without_url().to_string()))?;
        let status = response.status();
        if !status.is_success() {
            return Err(GithubError::Unexpected(format!("GET {path}: {status}")));
        }
        response
            .json()
            .await
            .map_err(|e| GithubError::Unexpected(format!("GET {path}: {e}")))
    }

    /// The signed-in user and the organisations they belong to.
    pub async fn profile(&self, access_token: &str) -> Result<GithubProfile, GithubError> {
        let user: UserAnswer = self.get(access_token, "user").await?;
        if user.login.is_empty() || user.id <= 0 {
            return Err(GithubError::Unexpected("a user without id or login".into()));
        }
        let mut orgs = Vec::new();
        for page in 1..=MAX_ORG_PAGES {
            let found: Vec<OrgAnswer> = self
                .get(access_token, &format!("user/orgs?per_page=100&page={page}"))
                .await?;
            let last = found.len() < 100;
            orgs.extend(found.into_iter().map(|o| o.login));
            if last {
                break;
            }
        }
        Ok(GithubProfile {
            id: user.id,
            login: user.login,
            avatar_url: user.avatar_url,
            orgs,
        })
    }
}
