//! `/account`: who you are, your sessions and tokens; the sign-out and token forms. Every
//! form carries the CSRF token and every post checks it first.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use skillvet_core::accounts::{SCOPES, grantable_scopes};
use skillvet_core::model::{Id, User};

use super::tokens::{self, DEFAULT_EXPIRY_DAYS, NewToken};
use super::{oauth, session};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::Path;
use crate::state::AppState;
use crate::web::csrf;
use crate::web::form::Form;
use crate::web::layout::{Nav, html_response, page, time};
use crate::web::{WebError, WebResult};

fn private(mut response: Response, cookie: Option<HeaderValue>) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Some(cookie) = cookie {
        headers.append(header::SET_COOKIE, cookie);
    }
    response
}

fn signed_out(state: &AppState) -> Markup {
    html! {
        h1 { "Sign in" }
        @if state.config().accounts.github.is_some() {
            p { "Sign in to submit skills under your name and to make API tokens for the command line." }
            p { a.button href={ "/auth/github?next=" (oauth::DEFAULT_RETURN) } { "Sign in with GitHub" } }
            p.muted { "skillvet reads your GitHub id, login, avatar and organisation memberships. It never gets write access to your repositories." }
        } @else {
            p { "Sign-in is not configured on this registry. Operators make tokens with " code { "skillvet admin create-token" } "." }
        }
    }
}

fn token_form(token: &str, user: &User) -> Markup {
    html! {
        form.stack method="post" action="/account/tokens" {
            input type="hidden" name=(csrf::FIELD) value=(token);
            div.field {
                label for="token-name" { "Name" }
                input #token-name name="name" required maxlength=(tokens::MAX_NAME_CHARS) placeholder="laptop";
            }
            fieldset {
                legend { "Scopes" }
                @for scope in SCOPES.iter().filter(|s| grantable_scopes(user.role).contains(s)) {
                    @let id = format!("scope-{scope}");
                    div { input id=(id) type="checkbox" name="scope" value=(scope) checked[*scope == "submit"]; " " label for=(id) { code { (scope) } } }
                }
            }
            div.field {
                label for="token-expiry" { "Expires after (days)" }
                input #token-expiry name="expires_in_days" type="number" min="1" max=(tokens::MAX_EXPIRY_DAYS) value=(DEFAULT_EXPIRY_DAYS);
            }
            button type="submit" { "Make a token" }
        }
    }
}

/// `GET /account`.
pub async fn account(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
) -> WebResult<Response> {
    let (token, cookie) = csrf::token(&headers, state.config().accounts.secure_cookies())?;
    let Caller::Session { user, session } = &caller else {
        return Ok(private(
            html_response(
                StatusCode::OK,
                page("Sign in", Nav::Account, signed_out(&state)),
            ),
            cookie,
        ));
    };
    let store = state.registry().store();
    let now = state.registry().clock().now();
    let settings = &state.config().accounts;
    let sessions = store
        .user_sessions(user.id, now - settings.session_idle, now)
        .await?;
    let tokens = store.user_tokens(user.id).await?;
    let body = html! {
        h1 { "Your account" }
        p.lead { "Signed in as " strong { (user.login) } " (" (user.role.as_str()) ")"
            @if let Some(id) = user.github_id { " · GitHub id " code { (id) } } }
        @if matches!(user.role, skillvet_core::model::Role::Reviewer | skillvet_core::model::Role::Admin) {
            p { "You moderate this registry: " a href="/admin" { "the review queue, blocklist and audit log" } "." }
        }
        @if !user.github_orgs.is_empty() {
            p { "Organisations: " @for (i, org) in user.github_orgs.iter().enumerate() { @if i > 0 { ", " } code { (org) } } }
        }
        h2 { "API tokens" }
        p { "Use a token with the command line or curl: " code { "Authorization: Bearer svt_…" } ". It is shown once when made; only its hash is kept." }
        @if tokens.is_empty() { p.muted { "You have no tokens yet." } } @else {
            table {
                thead { tr { th scope="col" { "Name" } th scope="col" { "Scopes" } th scope="col" { "Status" } th scope="col" { "Expires" } th scope="col" { "Last used" } th scope="col" { "" } } }
                tbody {
                    @for t in &tokens {
                        @let status = tokens::status(t, now);
                        tr {
                            td { (t.name) }
                            td { @for s in &t.scopes { code { (s) } " " } }
                            td { (status) }
                            td { @if let Some(at) = t.expires_at { (time(at)) } @else { "never" } }
                            td { @if let Some(at) = t.last_used_at { (time(at)) @if let Some(ip) = &t.last_used_ip { " from " (ip) } } @else { "never" } }
                            td { @if status == "active" {
                                form method="post" action={ "/account/tokens/" (t.id) "/revoke" } {
                                    input type="hidden" name=(csrf::FIELD) value=(token);
                                    button type="submit" { "Revoke" }
                                }
                            } }
                        }
                    }
                }
            }
        }
        h3 { "Make a token" }
        (token_form(&token, user))
        h2 { "Sessions" }
        p { (sessions.len()) " signed-in browser" @if sessions.len() != 1 { "s" } ". A session ends after "
            (settings.session_idle.num_hours()) " hours unused, and "
            (settings.session_lifetime.num_days()) " days after sign-in in any case." }
        table {
            thead { tr { th scope="col" { "Signed in" } th scope="col" { "Last seen" } th scope="col" { "From" } th scope="col" { "" } } }
            tbody {
                @for s in &sessions {
                    tr { td { (time(s.created_at)) } td { (time(s.last_seen_at)) } td { (s.ip.as_deref().unwrap_or("?")) }
                         td { @if s.id == session.id { "this browser" } } }
                }
            }
        }
        form method="post" action="/auth/signout" {
            input type="hidden" name=(csrf::FIELD) value=(token);
            button type="submit" { "Sign out" }
        }
        form method="post" action="/auth/signout-everywhere" {
            input type="hidden" name=(csrf::FIELD) value=(token);
            button type="submit" { "Sign out everywhere" }
        }
    };
    Ok(private(
        html_response(StatusCode::OK, page("Your account", Nav::Account, body)),
        cookie,
    ))
}

fn sign_in_first() -> WebError {
    WebError(ApiError::unauthorized(
        "You are not signed in (or your session ended). Sign in again from the Account page.",
    ))
}

/// `POST /account/tokens`: makes the token and shows it, once.
pub async fn create_token(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: Bytes,
) -> WebResult<Response> {
    let form = Form::parse(&body);
    csrf::verify(&headers, form.get(csrf::FIELD))?;
    let Caller::Session { user, .. } = &caller else {
        return Err(sign_in_first());
    };
    if let Some(field) = form
        .keys()
        .find(|k| ![csrf::FIELD, "name", "scope", "expires_in_days"].contains(k))
    {
        return Err(WebError(ApiError::bad_request(
            "unknown_field",
            format!("This form has no field {field:?}."),
        )));
    }
    let days = match form.get("expires_in_days").map(str::trim) {
        None | Some("") => None,
        Some(days) => Some(days.parse::<u32>().map_err(|_| {
            WebError(ApiError::bad_request(
                "invalid_request",
                "The expiry must be a whole number of days.",
            ))
        })?),
    };
    let new = NewToken {
        name: form.get("name").unwrap_or_default().to_owned(),
        scopes: form.all("scope"),
        expires_in_days: days,
    };
    let (secret, stored) = tokens::issue(&state, user, &new).await?;
    let body = html! {
        h1 { "Your new token" }
        p.alert role="status" { "Copy it now: it is shown only this once. skillvet keeps only its hash." }
        p { code #new-token { (secret) } }
        p { "Name " strong { (stored.name) } ", scopes " @for s in &stored.scopes { code { (s) } " " }
            @if let Some(at) = stored.expires_at { ", expires " (time(at)) } "." }
        pre { code { "export SKILLVET_TOKEN=" (secret) "\ncurl -H \"Authorization: Bearer $SKILLVET_TOKEN\" " (state.config().accounts.public_url.as_str().trim_end_matches('/')) "/api/v1/me" } }
        p { a href="/account" { "Back to your account" } }
    };
    Ok(private(
        html_response(
            StatusCode::CREATED,
            page("Your new token", Nav::Account, body),
        ),
        None,
    ))
}

/// `POST /account/tokens/{id}/revoke`.
pub async fn revoke_token(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<Id>,
    body: Bytes,
) -> WebResult<Response> {
    let form = Form::parse(&body);
    csrf::verify(&headers, form.get(csrf::FIELD))?;
    let Caller::Session { user, .. } = &caller else {
        return Err(sign_in_first());
    };
    let now = state.registry().clock().now();
    if !state
        .registry()
        .store()
        .revoke_user_token(user.id, id, now)
        .await?
    {
        return Err(WebError(ApiError::not_found(format!(
            "You have no active token {id}."
        ))));
    }
    Ok(Redirect::to("/account").into_response())
}

/// `POST /auth/signout`: ends this browser's session.
pub async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> WebResult<Response> {
    let form = Form::parse(&body);
    csrf::verify(&headers, form.get(csrf::FIELD))?;
    let cookie = session::end(&state, &headers).await?;
    Ok(private(Redirect::to("/").into_response(), Some(cookie)))
}

/// `POST /auth/signout-everywhere`: ends every session of the user.
pub async fn sign_out_everywhere(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: Bytes,
) -> WebResult<Response> {
    let form = Form::parse(&body);
    csrf::verify(&headers, form.get(csrf::FIELD))?;
    let Caller::Session { user, .. } = &caller else {
        return Err(sign_in_first());
    };
    let now = state.registry().clock().now();
    let ended = state
        .registry()
        .store()
        .revoke_user_sessions(user.id, now)
        .await?;
    tracing::info!(login = %user.login, ended, "signed out everywhere");
    Ok(private(
        Redirect::to("/").into_response(),
        Some(session::clear(&state)),
    ))
}
