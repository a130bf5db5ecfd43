//! CSRF protection for the web forms: a random token in a `SameSite=Strict; HttpOnly` cookie
//! that every POST must repeat in its body (double submit), plus an `Origin` check when the
//! browser sends one. A cross-site page can neither read the cookie nor forge the Origin.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};

use crate::cookies::{self, SameSite};
use crate::error::ApiError;

pub const COOKIE: &str = "skillvet_csrf";
pub const FIELD: &str = "csrf";

/// Header that API calls authenticated by a session cookie repeat the token in.
pub const HEADER: &str = "x-csrf-token";

fn cookie_token(headers: &HeaderMap) -> Option<String> {
    cookies::get(headers, COOKIE)
        .filter(|value| value.len() == 64)
        .map(str::to_owned)
}

/// The token for a form, and the `Set-Cookie` to send when the browser has none yet
/// (`secure`: the site is served over https).
pub fn token(headers: &HeaderMap, secure: bool) -> Result<(String, Option<HeaderValue>), ApiError> {
    if let Some(existing) = cookie_token(headers) {
        return Ok((existing, None));
    }
    let (token, cookie) = fresh(secure)?;
    Ok((token, Some(cookie)))
}

/// A new token and its cookie (also sent at sign-in, so a token planted before sign-in is
/// not carried into the session).
pub fn fresh(secure: bool) -> Result<(String, HeaderValue), ApiError> {
    let token = cookies::random_hex(32)?;
    let cookie = cookies::set(COOKIE, &token, "/", None, SameSite::Strict, secure);
    Ok((token, cookie))
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
        Some(token) if cookies::same(token.as_bytes(), expected.as_bytes()) => Ok(()),
        _ => Err(forbidden(
            "the form is out of date; reload the form and try again",
        )),
    }
}
