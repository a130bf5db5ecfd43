//! A browser for tests: reqwest without redirects or a cookie store, so that every redirect
//! and cookie attribute is visible to the test. Cookies are kept by name (paths ignored).

use std::collections::BTreeMap;

use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};

pub struct Browser {
    pub base: String,
    http: reqwest::Client,
    pub cookies: BTreeMap<String, String>,
}

/// One `Set-Cookie`, split into its name, value and attributes (lower-cased).
#[derive(Debug, Clone)]
pub struct SetCookie {
    pub name: String,
    pub value: String,
    pub attributes: Vec<String>,
}

impl SetCookie {
    pub fn has(&self, attribute: &str) -> bool {
        let attribute = attribute.to_ascii_lowercase();
        self.attributes.contains(&attribute)
    }
}

pub fn set_cookies(response: &reqwest::Response) -> Vec<SetCookie> {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| {
            let text = v.to_str().unwrap();
            let mut parts = text.split(';').map(str::trim);
            let (name, value) = parts.next().unwrap().split_once('=').unwrap();
            SetCookie {
                name: name.into(),
                value: value.into(),
                attributes: parts.map(|a| a.to_ascii_lowercase()).collect(),
            }
        })
        .collect()
}

pub fn location(response: &reqwest::Response) -> String {
    response.headers()[LOCATION].to_str().unwrap().to_owned()
}

impl Browser {
    pub fn new(base: &str) -> Self {
        Self {
            base: base.into(),
            http: skillvet_client::http_client_builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookies: BTreeMap::new(),
        }
    }

    fn url(&self, path_or_url: &str) -> String {
        if path_or_url.starts_with("http") {
            path_or_url.into()
        } else {
            format!("{}{path_or_url}", self.base)
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// Keeps the cookies a response sets (an empty value or `Max-Age=0` removes one).
    pub fn remember(&mut self, response: &reqwest::Response) {
        for c in set_cookies(response) {
            if c.value.is_empty() || c.has("max-age=0") {
                self.cookies.remove(&c.name);
            } else {
                self.cookies.insert(c.name, c.value);
            }
        }
    }

    pub async fn get(&mut self, path_or_url: &str) -> reqwest::Response {
        let response = self
            .http
            .get(self.url(path_or_url))
            .header(COOKIE, self.cookie_header())
            .send()
            .await
            .unwrap();
        self.remember(&response);
        response
    }

    /// A form post, as the browser sends it from one of our pages (same Origin).
    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let response = self
            .http
            .post(self.url(path))
            .header(COOKIE, self.cookie_header())
            .header("content-type", "application/x-www-form-urlencoded")
            .header("origin", &self.base)
            .body(body)
            .send()
            .await
            .unwrap();
        self.remember(&response);
        response
    }

    /// A JSON request riding on the browser's cookies, with extra headers.
    pub async fn json(
        &mut self,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
        headers: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut request = self
            .http
            .request(method, self.url(path))
            .header(COOKIE, self.cookie_header());
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        self.remember(&response);
        response
    }

    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies.get(name).map(String::as_str)
    }

    /// "Sign in with GitHub" end to end: our redirect, the fake's approval, our callback.
    /// Returns the callback's response (a redirect to `next`).
    pub async fn sign_in(&mut self, next: &str) -> reqwest::Response {
        let start = self.get(&format!("/auth/github?next={next}")).await;
        assert_eq!(start.status(), StatusCode::SEE_OTHER, "start");
        let approve = self.get(&location(&start)).await;
        assert_eq!(
            approve.status(),
            StatusCode::SEE_OTHER,
            "fake GitHub approval"
        );
        let callback = location(&approve);
        assert!(callback.starts_with(&self.base), "{callback}");
        self.get(&callback).await
    }
}
