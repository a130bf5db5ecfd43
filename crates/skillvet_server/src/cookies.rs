//! Cookies and secrets shared by sessions, sign-in and CSRF: reading a cookie, writing one
//! with the attributes we always want, random secrets and comparing them in constant time.

use axum::http::{HeaderMap, HeaderValue, header};

use crate::error::ApiError;

/// The value of the first cookie called `name`.
pub fn get<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value)
}

#[derive(Debug, Clone, Copy)]
pub enum SameSite {
    Strict,
    /// Sent on top-level navigations from other sites (the way back from GitHub).
    Lax,
}

/// `Set-Cookie` for an HttpOnly cookie; `max_age` in seconds, `None` for the browser session.
pub fn set(
    name: &str,
    value: &str,
    path: &str,
    max_age: Option<i64>,
    same_site: SameSite,
    secure: bool,
) -> HeaderValue {
    let mut cookie = format!("{name}={value}; Path={path}; HttpOnly; SameSite={same_site:?}");
    if let Some(age) = max_age {
        cookie.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        cookie.push_str("; Secure");
    }
    HeaderValue::from_str(&cookie).expect("cookie names and values are ASCII tokens")
}

/// `Set-Cookie` that removes the cookie.
pub fn clear(name: &str, path: &str, secure: bool) -> HeaderValue {
    set(name, "", path, Some(0), SameSite::Lax, secure)
}

/// `bytes` random bytes, hex-encoded.
pub fn random_hex(bytes: usize) -> Result<String, ApiError> {
    let mut secret = vec![0u8; bytes];
    getrandom::fill(&mut secret).map_err(ApiError::internal_message)?;
    Ok(hex::encode(secret))
}

/// Constant-time equality, for secrets a caller may probe byte by byte.
pub fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
