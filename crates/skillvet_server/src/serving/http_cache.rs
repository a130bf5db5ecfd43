//! Strong ETags over response bytes and `If-None-Match` revalidation.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// JSON and indexes: short, because yanking and blocking must reach clients soon.
pub const SHORT: &str = "public, max-age=60";
/// Badges are embedded in READMEs and fetched by image proxies.
pub const BADGE: &str = "public, max-age=300";
/// Refusals and unknown skills: never cached by shared caches for long.
pub const NO_STORE: &str = "no-store";

/// A strong ETag: the first 128 bits of the body's SHA-256.
pub fn etag(body: &[u8]) -> String {
    format!("\"{}\"", &hex::encode(Sha256::digest(body))[..32])
}

/// Whether `If-None-Match` names `etag` (weak comparison, as RFC 9110 asks for this header).
pub fn not_modified(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|tag| tag.trim())
        .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag)
}

/// A 200 with `body`, its ETag and `Cache-Control`, or a bodiless 304 when the client already
/// has it. `extra` headers go on both.
pub fn cached(
    request: &HeaderMap,
    content_type: &'static str,
    cache_control: &'static str,
    extra: HeaderMap,
    body: Vec<u8>,
) -> Response {
    let tag = etag(&body);
    let mut headers = extra;
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control),
    );
    headers.insert(
        header::ETAG,
        HeaderValue::from_str(&tag).expect("hex is a valid header value"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if not_modified(request, &tag) {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    (StatusCode::OK, headers, Body::from(body)).into_response()
}

pub fn json(request: &HeaderMap, value: &serde_json::Value) -> Response {
    let body = serde_json::to_vec(value).expect("JSON values serialise");
    cached(request, "application/json", SHORT, HeaderMap::new(), body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_none_match_lists_and_weak_forms_match() {
        let tag = etag(b"x");
        let mut h = HeaderMap::new();
        assert!(!not_modified(&h, &tag));
        h.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_str(&format!("\"nope\", W/{tag}")).unwrap(),
        );
        assert!(not_modified(&h, &tag));
        h.insert(header::IF_NONE_MATCH, HeaderValue::from_static("\"other\""));
        assert!(!not_modified(&h, &tag));
        h.insert(header::IF_NONE_MATCH, HeaderValue::from_static("*"));
        assert!(not_modified(&h, &tag));
    }
}
