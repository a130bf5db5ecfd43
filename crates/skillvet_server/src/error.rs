//! The one place where errors become HTTP responses: `{"error": {"code", "message"}}` with
//! the status that says whose fault it was.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use skillvet_core::store::StoreError;
use skillvet_registry::RegistryError;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// Extra headers (`Retry-After`, `RateLimit-*`).
    pub headers: Box<HeaderMap>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            headers: Box::default(),
        }
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    pub fn internal_message(err: impl std::fmt::Display) -> Self {
        Self::internal(err)
    }

    fn internal(err: impl std::fmt::Display) -> Self {
        // The detail goes to the log, not to the client.
        tracing::error!(error = %err, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "internal error; it has been logged",
        )
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound(what) => Self::not_found(format!("{what} not found")),
            StoreError::Conflict(message) => Self::new(StatusCode::CONFLICT, "conflict", message),
            StoreError::StaleState { .. } | StoreError::IllegalTransition(_) => {
                Self::new(StatusCode::CONFLICT, "invalid_state", err.to_string())
            }
            StoreError::Unavailable(detail) => {
                tracing::warn!(%detail, "database unavailable");
                let mut e = Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "the database is unavailable; retry shortly",
                );
                e.headers.insert(header::RETRY_AFTER, HeaderValue::from(5));
                e
            }
            StoreError::Corrupt(_) | StoreError::Database(_) => Self::internal(err),
        }
    }
}

impl From<RegistryError> for ApiError {
    fn from(err: RegistryError) -> Self {
        match err {
            RegistryError::Invalid { field, message } => Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_request",
                format!("{field}: {message}"),
            ),
            RegistryError::TooManyItems { limit, got } => Self::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_many_items",
                format!("{got} items given; at most {limit} per request"),
            ),
            RegistryError::NotFound(what) => Self::not_found(what),
            RegistryError::Fetch(message) => Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "repository_unavailable",
                message,
            ),
            RegistryError::Store(err) => err.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({ "error": { "code": self.code, "message": self.message } });
        (self.status, *self.headers, axum::Json(body)).into_response()
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
