//! Talking to a skillvet server's `/api/v1`: one base URL, an optional API token, JSON in
//! and out, and the server's `{"error":{"code","message"}}` turned into [`ApiError::Refused`].

use serde_json::Value;

/// Largest JSON answer read from the server; a listing page is a few kB.
const MAX_JSON_BYTES: u64 = 8 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("invalid server URL {0:?}: expected http(s)://host[:port]")]
    InvalidServer(String),
    #[error("request to {url} failed: {source}")]
    Http {
        url: String,
        #[source]
        source: reqwest::Error,
    },
    #[error("{url}: the server answered {status} ({code}): {message}")]
    Refused {
        url: String,
        status: u16,
        code: String,
        message: String,
    },
    #[error("unexpected answer from {url}: {message}")]
    Protocol { url: String, message: String },
}

/// A skillvet server: its base URL (no trailing slash) and the caller's token, if any.
#[derive(Debug, Clone)]
pub struct Server {
    http: reqwest::Client,
    base: String,
    token: Option<String>,
}

impl Server {
    /// `base` must be an `http(s)://host[:port][/prefix]` URL without query or fragment.
    pub fn new(http: reqwest::Client, base: &str, token: Option<String>) -> Result<Self, ApiError> {
        let trimmed = base.trim().trim_end_matches('/');
        let url = reqwest::Url::parse(trimmed).map_err(|_| ApiError::InvalidServer(base.into()))?;
        if !matches!(url.scheme(), "http" | "https")
            || url.host().is_none()
            || url.query().is_some()
            || url.fragment().is_some()
            || !url.username().is_empty()
        {
            return Err(ApiError::InvalidServer(base.into()));
        }
        Ok(Self {
            http,
            base: trimmed.to_owned(),
            token: token.filter(|t| !t.trim().is_empty()),
        })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn authorize(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.token {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
    }

    /// GETs `path` (below the base); a non-2xx answer is [`ApiError::Refused`].
    pub async fn get(&self, path: &str) -> Result<reqwest::Response, ApiError> {
        let url = self.url(path);
        let request = self.authorize(self.http.get(&url));
        checked(&url, request.send().await).await
    }

    pub async fn get_json(&self, path: &str) -> Result<Value, ApiError> {
        let url = self.url(path);
        let response = self.get(path).await?;
        read_json(&url, response).await
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Result<Value, ApiError> {
        let url = self.url(path);
        let request = self.authorize(self.http.post(&url).json(body));
        let response = checked(&url, request.send().await).await?;
        read_json(&url, response).await
    }

    /// DELETEs `path`; a non-2xx answer is [`ApiError::Refused`].
    pub async fn delete(&self, path: &str) -> Result<(), ApiError> {
        let url = self.url(path);
        let request = self.authorize(self.http.delete(&url));
        checked(&url, request.send().await).await.map(|_| ())
    }
}

async fn checked(
    url: &str,
    sent: Result<reqwest::Response, reqwest::Error>,
) -> Result<reqwest::Response, ApiError> {
    let response = sent.map_err(|source| ApiError::Http {
        url: url.into(),
        source,
    })?;
    if response.status().is_success() {
        return Ok(response);
    }
    let status = response.status().as_u16();
    let body: Value = read_json(url, response).await.unwrap_or(Value::Null);
    let text = |key: &str, default: &str| {
        body["error"][key]
            .as_str()
            .unwrap_or(default)
            .chars()
            .take(500)
            .collect::<String>()
    };
    Err(ApiError::Refused {
        url: url.into(),
        status,
        code: text("code", "unknown"),
        message: text("message", "no error message"),
    })
}

/// Reads a body of at most `limit` bytes.
pub async fn read_limited(
    mut response: reqwest::Response,
    url: &str,
    limit: u64,
) -> Result<Option<Vec<u8>>, ApiError> {
    if response.content_length().is_some_and(|n| n > limit) {
        return Ok(None);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|source| ApiError::Http {
        url: url.into(),
        source,
    })? {
        if body.len() as u64 + chunk.len() as u64 > limit {
            return Ok(None);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Some(body))
}

async fn read_json(url: &str, response: reqwest::Response) -> Result<Value, ApiError> {
    let body = read_limited(response, url, MAX_JSON_BYTES)
        .await?
        .ok_or_else(|| ApiError::Protocol {
            url: url.into(),
            message: format!("answer larger than {MAX_JSON_BYTES} bytes"),
        })?;
    serde_json::from_slice(&body).map_err(|e| ApiError::Protocol {
        url: url.into(),
        message: format!("not JSON: {e}"),
    })
}

/// `owner/repo/skill`, each part a plain name (no `..`, no separators, no encoding tricks).
pub fn parse_package(package: &str) -> Option<[String; 3]> {
    let parts: Vec<&str> = package.trim().split('/').collect();
    let plain = |p: &&str| {
        !p.is_empty()
            && *p != "."
            && *p != ".."
            && p.len() <= 100
            && p.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    };
    match parts.as_slice() {
        [o, r, s] if [o, r, s].iter().all(|p| plain(p)) => {
            Some([o.to_string(), r.to_string(), s.to_string()])
        }
        _ => None,
    }
}

/// Text from the server made safe for a terminal: control characters (ANSI escapes, bidi
/// overrides, carriage returns that redraw a line) become `?`, and it is cut to `max` chars.
pub fn printable(text: &str, max: usize) -> String {
    let mut out: String = text
        .chars()
        .map(|c| {
            let bidi = matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
            if c.is_control() || bidi { '?' } else { c }
        })
        .take(max)
        .collect();
    if text.chars().count() > max {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_urls_are_plain_http_bases() {
        let http = crate::http_client();
        let ok = Server::new(http.clone(), " https://reg.example/ ", None).unwrap();
        assert_eq!(
            ok.url("/api/v1/skills"),
            "https://reg.example/api/v1/skills"
        );
        for bad in [
            "ftp://reg.example",
            "reg.example",
            "https://reg.example/?q=1",
            "https://user@reg.example",
            "file:///etc/passwd",
        ] {
            assert!(
                matches!(
                    Server::new(http.clone(), bad, None),
                    Err(ApiError::InvalidServer(_))
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn server_text_cannot_drive_the_terminal() {
        assert_eq!(
            printable("ok\x1b[2Jwiped\r\u{202e}x", 100),
            "ok?[2Jwiped??x"
        );
        assert_eq!(printable("abcdef", 3), "abc…");
    }

    #[test]
    fn packages_are_three_plain_names() {
        assert!(parse_package("acme/toolbox/md-tables").is_some());
        for bad in ["acme/toolbox", "a/b/c/d", "acme/../x", "acme/t b/x", "/a/b"] {
            assert!(parse_package(bad).is_none(), "{bad}");
        }
    }
}
