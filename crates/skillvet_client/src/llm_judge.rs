//! [`OpenAiJudge`]: the scanner's [`LlmJudge`] over an OpenAI-compatible
//! `chat/completions` endpoint (OpenAI, Azure-style gateways, vLLM, llama.cpp, Ollama…).
//!
//! It lives here, not in the scanner, because this crate owns the workspace's one HTTP
//! stack (reqwest on rustls/ring): the scanner keeps only the pure parts (request, strict
//! reply parsing, mapping to findings) and no network dependency, and this crate depends on
//! the scanner (never the reverse, so there is no cycle). The scanner is synchronous, so
//! [`OpenAiJudge::judge`] runs each call on a fresh single-threaded tokio runtime in a
//! scoped thread of its own: it blocks its caller, works whether or not the caller is
//! itself inside a runtime, and leaves no runtime behind to be dropped in the wrong place.
//!
//! Security:
//! * https only; plain http only to a loopback address (local models, tests) or with the
//!   explicit `allow_http` opt-in. No credentials in the URL; no redirects followed.
//! * the API key comes from `SKILLVET_LLM_JUDGE_API_KEY`, is sent only as
//!   `Authorization: Bearer`, marked sensitive, and never printed (not in `Debug`, errors,
//!   [`LlmJudge::describe`] or reports);
//! * one deadline covers connecting, sending and reading; the body is read with a byte cap;
//! * only the request built by the scanner from the skill's own files is sent — nothing
//!   from the environment or other files.

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use serde_json::{Value, json};
use skillvet_scanner::cli::JudgeArgs;
use skillvet_scanner::model::sanitize_evidence;
use skillvet_scanner::tier2::judge::{JudgeError, JudgeReply, JudgeRequest, LlmJudge, parse_reply};
use url::{Host, Url};

/// Environment variable holding the judge's API key (never a flag: shell history).
pub const API_KEY_ENV: &str = "SKILLVET_LLM_JUDGE_API_KEY";

pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// Most bytes of an HTTP response body read. The model's answer inside it is capped again,
/// more tightly, by the scanner's parser.
pub const MAX_RESPONSE_BYTES: usize = 256 * 1024;

/// Bytes of an error response quoted in the error.
const ERROR_BODY_CHARS: usize = 200;

/// How to reach the judge.
#[derive(Clone)]
pub struct OpenAiJudgeConfig {
    /// Base URL or full `…/chat/completions` URL (see [`resolve_endpoint`]).
    pub url: String,
    pub model: String,
    pub api_key: Option<String>,
    /// Deadline for one call, connection included.
    pub timeout: Duration,
    /// Allow plain http to a non-loopback host.
    pub allow_http: bool,
    pub max_response_bytes: usize,
}

impl OpenAiJudgeConfig {
    pub fn new(url: impl Into<String>, model: impl Into<String>) -> Self {
        OpenAiJudgeConfig {
            url: url.into(),
            model: model.into(),
            api_key: None,
            timeout: DEFAULT_TIMEOUT,
            allow_http: false,
            max_response_bytes: MAX_RESPONSE_BYTES,
        }
    }
}

impl std::fmt::Debug for OpenAiJudgeConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenAiJudgeConfig")
            .field("url", &self.url)
            .field("model", &self.model)
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("timeout", &self.timeout)
            .field("allow_http", &self.allow_http)
            .field("max_response_bytes", &self.max_response_bytes)
            .finish()
    }
}

pub struct OpenAiJudge {
    endpoint: Url,
    model: String,
    authorization: Option<HeaderValue>,
    timeout: Duration,
    max_response_bytes: usize,
}

impl std::fmt::Debug for OpenAiJudge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenAiJudge")
            .field("endpoint", &self.describe())
            .field(
                "api_key",
                &self.authorization.as_ref().map(|_| "<redacted>"),
            )
            .field("timeout", &self.timeout)
            .finish()
    }
}

fn config_error(why: impl Into<String>) -> JudgeError {
    JudgeError::Config(why.into())
}

/// The `chat/completions` URL for `raw`: a URL whose path ends in `/chat/completions` is
/// used as given; one ending in `/v1` gets `/chat/completions`; any other is a base URL
/// and gets `/v1/chat/completions`. Rejects credentials in the URL, schemes other than
/// https, and http to a non-loopback host unless `allow_http`.
pub fn resolve_endpoint(raw: &str, allow_http: bool) -> Result<Url, JudgeError> {
    let mut url = Url::parse(raw.trim()).map_err(|e| config_error(format!("judge URL: {e}")))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(config_error(format!(
            "the judge URL must not hold credentials; put the key in {API_KEY_ENV}"
        )));
    }
    match url.scheme() {
        "https" => {}
        "http" if allow_http || is_loopback(&url) => {}
        "http" => {
            return Err(config_error(
                "the judge URL must be https (plain http only to a loopback address, or \
                 with --llm-judge-allow-http)",
            ));
        }
        other => {
            return Err(config_error(format!(
                "unsupported judge URL scheme {other:?}"
            )));
        }
    }
    url.set_fragment(None);
    let path = url.path().trim_end_matches('/').to_owned();
    let path = if path.ends_with("/chat/completions") {
        path
    } else if path.ends_with("/v1") {
        format!("{path}/chat/completions")
    } else {
        format!("{path}/v1/chat/completions")
    };
    url.set_path(&path);
    Ok(url)
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

impl OpenAiJudge {
    pub fn new(config: OpenAiJudgeConfig) -> Result<Self, JudgeError> {
        let endpoint = resolve_endpoint(&config.url, config.allow_http)?;
        let model = config.model.trim().to_owned();
        if model.is_empty() || model.len() > 200 || model.chars().any(char::is_control) {
            return Err(config_error("the judge model name is empty or invalid"));
        }
        if config.timeout.is_zero() {
            return Err(config_error("the judge timeout must be positive"));
        }
        let authorization = match config.api_key.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(key) => {
                let mut v = HeaderValue::from_str(&format!("Bearer {key}")).map_err(|_| {
                    config_error(format!(
                        "{API_KEY_ENV} holds characters not allowed in HTTP"
                    ))
                })?;
                v.set_sensitive(true);
                Some(v)
            }
        };
        Ok(OpenAiJudge {
            endpoint,
            model,
            authorization,
            timeout: config.timeout,
            max_response_bytes: config.max_response_bytes.max(1024),
        })
    }

    /// The URL requests go to.
    pub fn endpoint(&self) -> &Url {
        &self.endpoint
    }

    /// The JSON body for `request`: the scanner's two messages, deterministic sampling,
    /// JSON mode.
    pub fn request_body(&self, request: &JudgeRequest) -> Value {
        json!({
            "model": self.model,
            "temperature": 0,
            "stream": false,
            "response_format": { "type": "json_object" },
            "messages": [
                { "role": "system", "content": request.system },
                { "role": "user", "content": request.user },
            ],
        })
    }

    fn call(&self, body: Vec<u8>) -> Result<String, JudgeError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| JudgeError::Transport(format!("cannot start a runtime: {e}")))?;
        runtime.block_on(async {
            tokio::time::timeout(self.timeout, self.exchange(body))
                .await
                .map_err(|_| JudgeError::Timeout(self.timeout))?
        })
    }

    async fn exchange(&self, body: Vec<u8>) -> Result<String, JudgeError> {
        let client = crate::http_client_builder()
            .connect_timeout(self.timeout.min(Duration::from_secs(10)))
            .timeout(self.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| JudgeError::Transport(error_text(&e)))?;
        let mut builder = client
            .post(self.endpoint.clone())
            .header(CONTENT_TYPE, "application/json")
            .body(body);
        if let Some(auth) = &self.authorization {
            builder = builder.header(AUTHORIZATION, auth.clone());
        }
        let mut response = builder.send().await.map_err(|e| self.send_error(e))?;
        let status = response.status();
        if !status.is_success() {
            let text = read_capped(&mut response, 4096)
                .await
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default();
            return Err(JudgeError::Http {
                status: status.as_u16(),
                body: sanitize_evidence(&text, ERROR_BODY_CHARS),
            });
        }
        if response
            .content_length()
            .is_some_and(|n| n > self.max_response_bytes as u64)
        {
            return Err(JudgeError::TooLarge(self.max_response_bytes));
        }
        let bytes = read_capped(&mut response, self.max_response_bytes)
            .await
            .map_err(|e| match e {
                ReadError::TooLarge => JudgeError::TooLarge(self.max_response_bytes),
                ReadError::Http(e) => self.send_error(e),
            })?;
        message_content(&bytes)
    }

    fn send_error(&self, e: reqwest::Error) -> JudgeError {
        if e.is_timeout() {
            JudgeError::Timeout(self.timeout)
        } else if e.is_connect() {
            JudgeError::Unavailable(error_text(&e))
        } else {
            JudgeError::Transport(error_text(&e))
        }
    }
}

impl LlmJudge for OpenAiJudge {
    fn describe(&self) -> String {
        // Scheme, host, port and path only: a query string may carry a gateway's key.
        format!(
            "model {} at {}://{}:{}{}",
            self.model,
            self.endpoint.scheme(),
            self.endpoint.host_str().unwrap_or("?"),
            self.endpoint.port_or_known_default().unwrap_or(0),
            self.endpoint.path()
        )
    }

    fn judge(&self, request: &JudgeRequest) -> Result<JudgeReply, JudgeError> {
        let body = serde_json::to_vec(&self.request_body(request)).expect("JSON serialises");
        let content = std::thread::scope(|s| {
            std::thread::Builder::new()
                .name("llm-judge".into())
                .spawn_scoped(s, || self.call(body))
                .map_err(|e| JudgeError::Transport(format!("cannot start a thread: {e}")))?
                .join()
                .map_err(|_| JudgeError::Transport("the judge's thread panicked".into()))?
        })?;
        parse_reply(&content)
    }
}

enum ReadError {
    TooLarge,
    Http(reqwest::Error),
}

/// The body, failing as soon as it passes `cap` bytes (never buffering more).
async fn read_capped(response: &mut reqwest::Response, cap: usize) -> Result<Vec<u8>, ReadError> {
    let mut out = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(ReadError::Http)? {
        if out.len() + chunk.len() > cap {
            return Err(ReadError::TooLarge);
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

/// `choices[0].message.content` of a chat-completions response.
fn message_content(body: &[u8]) -> Result<String, JudgeError> {
    let v: Value = serde_json::from_slice(body)
        .map_err(|_| JudgeError::Malformed("the endpoint's response is not JSON".into()))?;
    let choice = &v["choices"][0];
    if choice["finish_reason"] == "length" {
        return Err(JudgeError::Malformed(
            "the answer was cut off (finish_reason: length)".into(),
        ));
    }
    choice["message"]["content"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| {
            JudgeError::Malformed("not a chat-completions response (no message content)".into())
        })
}

/// A reqwest error and its causes, without the URL (which may carry a query string).
fn error_text(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    if let Some(url) = e.url() {
        text = text.replace(url.as_str(), "<judge URL>");
    }
    text
}

/// The judge configured by `skillvet scan`'s flags (and their environment variables),
/// with the key from [`API_KEY_ENV`]; `None` when no URL is given, so no call is made.
pub fn from_args(args: &JudgeArgs) -> Result<Option<Arc<dyn LlmJudge>>, JudgeError> {
    let Some(url) = args.url.as_deref().filter(|u| !u.trim().is_empty()) else {
        return Ok(None);
    };
    let api_key = match std::env::var(API_KEY_ENV) {
        Ok(k) => Some(k),
        Err(std::env::VarError::NotPresent) => None,
        Err(std::env::VarError::NotUnicode(_)) => {
            return Err(config_error(format!("{API_KEY_ENV} is not valid UTF-8")));
        }
    };
    let config = OpenAiJudgeConfig {
        api_key,
        timeout: Duration::from_secs(args.timeout_secs),
        allow_http: args.allow_http,
        ..OpenAiJudgeConfig::new(url, args.model.clone().unwrap_or_default())
    };
    Ok(Some(Arc::new(OpenAiJudge::new(config)?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_resolve_and_plain_http_needs_loopback_or_opt_in() {
        let ok = |raw: &str| resolve_endpoint(raw, false).unwrap().to_string();
        assert_eq!(
            ok("https://api.example.com"),
            "https://api.example.com/v1/chat/completions"
        );
        assert_eq!(
            ok("https://api.example.com/v1/"),
            "https://api.example.com/v1/chat/completions"
        );
        assert_eq!(
            ok("https://gw.example.com/openai/deployments/x/chat/completions?api-version=1"),
            "https://gw.example.com/openai/deployments/x/chat/completions?api-version=1"
        );
        assert_eq!(
            ok("http://127.0.0.1:8080"),
            "http://127.0.0.1:8080/v1/chat/completions"
        );
        assert_eq!(
            ok("http://[::1]:8080/v1"),
            "http://[::1]:8080/v1/chat/completions"
        );
        assert_eq!(
            ok("http://localhost:11434"),
            "http://localhost:11434/v1/chat/completions"
        );
        for bad in [
            "http://10.0.0.5:8080",
            "http://judge.example.com",
            "http://127.0.0.1.example.com",
            "ftp://127.0.0.1",
            "https://user:secret@api.example.com",
            "not a url",
        ] {
            assert!(
                matches!(resolve_endpoint(bad, false), Err(JudgeError::Config(_))),
                "{bad}"
            );
        }
        assert!(resolve_endpoint("http://10.0.0.5:8080", true).is_ok());
        assert!(resolve_endpoint("https://user:secret@api.example.com", true).is_err());
    }

    #[test]
    fn configuration_is_checked_and_the_key_never_printed() {
        let mut c = OpenAiJudgeConfig::new("https://api.example.com", "");
        assert!(OpenAiJudge::new(c.clone()).is_err(), "a model is required");
        c.model = "m".into();
        c.api_key = Some("sk-very-secret".into());
        assert!(!format!("{c:?}").contains("sk-very-secret"));
        let j = OpenAiJudge::new(c.clone()).unwrap();
        assert!(!format!("{j:?}").contains("sk-very-secret"));
        assert!(!j.describe().contains("sk-very-secret"));
        assert_eq!(
            j.describe(),
            "model m at https://api.example.com:443/v1/chat/completions"
        );
        c.api_key = Some("bad\nkey".into());
        assert!(OpenAiJudge::new(c.clone()).is_err());
        c.api_key = None;
        c.timeout = Duration::ZERO;
        assert!(OpenAiJudge::new(c).is_err());
    }

    #[test]
    fn unconfigured_means_no_judge() {
        assert!(from_args(&JudgeArgs::default()).unwrap().is_none());
        let blank = JudgeArgs {
            url: Some("  ".into()),
            ..JudgeArgs::default()
        };
        assert!(from_args(&blank).unwrap().is_none());
    }

    #[test]
    fn only_the_message_content_is_taken() {
        let body = br#"{"choices":[{"message":{"role":"assistant","content":"{}"},"finish_reason":"stop"}]}"#;
        assert_eq!(message_content(body).unwrap(), "{}");
        assert!(message_content(b"<html>").is_err());
        assert!(message_content(br#"{"choices":[]}"#).is_err());
        assert!(
            message_content(
                br#"{"choices":[{"message":{"content":"{"},"finish_reason":"length"}]}"#
            )
            .is_err()
        );
    }
}
