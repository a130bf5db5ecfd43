//! The server-rendered web UI: maud templates (checked and HTML-escaped at compile time, no
//! template files to ship), htmx served by us for the live parts, no inline script or style so
//! that a strict Content-Security-Policy holds on every page.

mod admin;
pub(crate) mod csrf;
pub(crate) mod form;
pub(crate) mod layout;
mod markdown;
mod queue;
mod search;
mod skill;
mod submit;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::error::ApiError;
use crate::state::AppState;

pub use layout::error_page;

/// Every response gets these; pages and API alike.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
    style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; \
    frame-ancestors 'none'; base-uri 'none'";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(search::index))
        .route("/skills", get(search::index))
        .route("/skills/{owner}/{repo}/{skill}", get(skill::show))
        .route("/submit", get(submit::form).post(submit::discover))
        .route("/submit/selected", post(submit::submit_selected))
        .route("/submit/batch", get(submit::batch))
        .route("/submit/{id}", get(submit::show))
        .route("/queue", get(queue::queue))
        .route("/queue/counts", get(queue::counts))
        .route("/trust", get(queue::trust))
        .route("/admin", get(admin::index))
        .route("/admin/audit", get(admin::audit))
        .route("/admin/submissions/{id}/decide", post(admin::decide))
        .route(
            "/admin/skills/{owner}/{repo}/{skill}/moderate",
            post(admin::moderate_skill),
        )
        .route("/admin/requests/{id}/resolve", post(admin::resolve_request))
        .route("/skills/{owner}/{repo}/{skill}/report", post(admin::report))
        .route("/submit/{id}/appeal", post(admin::appeal))
        .route("/admin/blocks", post(admin::add_block))
        .route("/admin/blocks/remove", post(admin::remove_block))
        .merge(crate::accounts::web_routes())
        .route("/static/htmx-2.0.4.min.js", get(htmx))
        .route("/static/app.css", get(css))
}

pub async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    // Routes that set their own (stricter) policy, like served skill files, keep it.
    headers
        .entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    response
}

/// HTML 404 for every path that is not a page, an asset or the API.
pub async fn not_found() -> Response {
    error_page(
        StatusCode::NOT_FOUND,
        "Page not found",
        "There is no page at this address.",
    )
}

/// An error shown as a page. Server-side details are logged, never shown.
pub struct WebError(pub ApiError);

impl<E: Into<ApiError>> From<E> for WebError {
    fn from(err: E) -> Self {
        Self(err.into())
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let err = self.0;
        let title = match err.status {
            StatusCode::NOT_FOUND => "Not found",
            StatusCode::TOO_MANY_REQUESTS => "Too many requests",
            StatusCode::FORBIDDEN => "Forbidden",
            s if s.is_server_error() => "Something went wrong",
            _ => "That did not work",
        };
        let message = if err.status.is_server_error() {
            "The registry could not answer this request. It has been logged; retry shortly."
                .to_owned()
        } else {
            err.message.clone()
        };
        let mut response = error_page(err.status, title, &message);
        for (name, value) in err.headers.iter() {
            response.headers_mut().insert(name.clone(), value.clone());
        }
        response
    }
}

pub type WebResult<T> = Result<T, WebError>;

async fn htmx() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            // The file name carries the version.
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        include_str!("../../assets/htmx-2.0.4.min.js"),
    )
        .into_response()
}

async fn css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        include_str!("../../assets/app.css"),
    )
        .into_response()
}
