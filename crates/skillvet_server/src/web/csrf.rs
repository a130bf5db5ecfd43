//! CSRF protection for the web forms: a random token in a `SameSite=Strict; HttpOnly` cookie
//! that every POST must repeat in its body (double submit), plus an `Origin` check when the
//! browser sends one. A cross-site page can neither read the cookie nor forge the Origin.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};

use crate::error::ApiError;

pub const COOKIE: &str = "skillvet_csrf";
pub const FIELD: &str = "csrf";

fn cookie_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| *name == COOKIE && value.len() == 64)
        .map(|(_, value)| value.to_owned())
}

/// The token for a form, and the `Set-Cookie` to send when the browser has none yet.
pub fn token(headers: &HeaderMap) -> Result<(String, Option<HeaderValue>), ApiError> {
    if let Some(existing) = cookie_token(headers) {
        return Ok((existing, None));
    }
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(ApiError::internal_message)?;
    let token = hex::encode(secret);
    let cookie = format!("{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict");
    let value = HeaderValue::from_str(&cookie).map_err(ApiError::internal_message)?;
    Ok((token, Some(value)))
}

fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub fn verify(headers: &HeaderMap, submitted: Option<&str>) -> Result<(), ApiError> {
    let forbidden = |m: &str| ApiError::new(StatusCode::FORBIDDEN, "csrf", m);
    if let Some(origin) = headers.get(header::ORIGIN) {
        let host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or_default();
        let origin = origin.to_str().unwrap_or_default();
        let host_of_origin = origin
            .strip_prefix("https://")
            .or_else(|| origin.strip_prefix("http://"))
            .unwrap_or_default();
        if host.is_empty() || host_of_origin != host {
            return Err(forbidden("this form was sent from another site"));
        }
    }
    let expected = cookie_token(headers).ok_or_else(|| {
        forbidden("your session cookie is missing; reload the form and try again")
    })?;
    match submitted {
        Some(token) if same(token.as_bytes(), expected.as_bytes()) => Ok(()),
        _ => Err(forbidden(
            "the form is out of date; reload the form and try again",
        )),
    }
}
