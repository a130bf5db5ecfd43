//! `/submit`: paste a repository URL, see its skills, submit the chosen ones in bulk, follow
//! their verification live.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use skillvet_core::model::{Id, SubmissionDetail};
use skillvet_core::store::PathStatus;
use skillvet_registry::{BulkRequest, DiscoverOutcome};

use super::form::Form;
use super::layout::{Nav, html_response, page, state_badge, time};
use super::skill::{security_report, verification_history};
use super::{WebError, WebResult, csrf};
use crate::auth::Caller;
use crate::client_ip::ClientIp;
use crate::error::ApiError;
use crate::limits::{self, Action};
use crate::state::AppState;

/// Most submissions one progress page follows.
const MAX_BATCH: usize = 200;

fn with_cookie(mut response: Response, cookie: Option<axum::http::HeaderValue>) -> Response {
    if let Some(cookie) = cookie {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
}

fn repo_form(token: &str, repo_url: &str, git_ref: &str, error: Option<&str>) -> Markup {
    html! {
        form.stack method="post" action="/submit" {
            input type="hidden" name=(csrf::FIELD) value=(token);
            div.field {
                label for="repo_url" { "Repository URL" }
                input #repo_url type="url" name="repo_url" required value=(repo_url)
                    placeholder="https://github.com/owner/repo" aria-describedby="repo_url-help"
                    aria-invalid=[error.map(|_| "true")];
                p #repo_url-help.muted { "A public https git repository. Every folder with a SKILL.md is found." }
            }
            div.field {
                label for="ref" { "Branch, tag or commit (optional)" }
                input #ref name="ref" value=(git_ref) placeholder="default branch";
            }
            @if let Some(error) = error { p.alert role="alert" { (error) } }
            button type="submit" { "Find skills" }
        }
    }
}

pub async fn form(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
) -> WebResult<Response> {
    let (token, cookie) = csrf::token(&headers, state.config().accounts.secure_cookies())?;
    let must_sign_in = matches!(caller, Caller::Anonymous) && !state.config().anonymous_submit;
    let body = html! {
        h1 { "Submit skills for verification" }
        p { "skillvet fetches the repository at a pinned commit, scans every skill you choose and publishes those that pass. Reports are public and kept forever." }
        @if must_sign_in {
            p.alert role="status" { "Submitting needs an account: "
                @if state.config().accounts.github.is_some() { a href="/auth/github?next=/submit" { "sign in with GitHub" } " first." }
                @else { "send an API token from the command line (" code { "skillvet submit --token …" } ")." }
                " You can look at a repository's skills without one." }
        }
        (repo_form(&token, "", "", None))
    };
    Ok(with_cookie(
        html_response(StatusCode::OK, page("Submit", Nav::Submit, body)),
        cookie,
    ))
}

pub async fn discover(
    State(state): State<AppState>,
    caller: Caller,
    ip: ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> WebResult<Response> {
    let form = Form::parse(&body);
    csrf::verify(&headers, form.get(csrf::FIELD))?;
    let (token, cookie) = csrf::token(&headers, state.config().accounts.secure_cookies())?;
    let repo_url = form.get("repo_url").unwrap_or_default().trim().to_owned();
    let git_ref = form.get("ref").unwrap_or_default().trim().to_owned();
    let rate = limits::check(&state, &caller, ip, Action::Discover).await?;
    let found = state
        .registry()
        .discover(&repo_url, Some(git_ref.as_str()).filter(|r| !r.is_empty()))
        .await;
    let body = match found {
        Ok(outcome) => html! {
            h1 { "Skills in " (outcome.repository.owner) "/" (outcome.repository.name) }
            (discovered(&token, &repo_url, &git_ref, &outcome))
        },
        Err(err) => {
            let err = ApiError::from(err);
            if err.status.is_server_error() {
                return Err(WebError(err));
            }
            html! {
                h1 { "Submit skills for verification" }
                (repo_form(&token, &repo_url, &git_ref, Some(&err.message)))
            }
        }
    };
    let mut response = html_response(StatusCode::OK, page("Submit", Nav::Submit, body));
    response.headers_mut().extend(rate);
    Ok(with_cookie(response, cookie))
}

fn status_label(status: PathStatus) -> &'static str {
    match status {
        PathStatus::New => "new",
        PathStatus::Pending => "being verified",
        PathStatus::Verified => "already verified",
        PathStatus::Rejected => "rejected before",
        PathStatus::Blocked => "blocked",
        PathStatus::TakenDown => "taken down (quarantined or withdrawn)",
    }
}

fn discovered(token: &str, repo_url: &str, git_ref: &str, outcome: &DiscoverOutcome) -> Markup {
    let selectable = |e: &skillvet_registry::DiscoveredEntry| {
        e.valid && !matches!(e.status, PathStatus::Blocked)
    };
    html! {
        p { "Read at commit " code { (outcome.commit_sha.get(..12).unwrap_or(&outcome.commit_sha)) } ". "
            (outcome.skills.len()) " skill folders found. Already verified and pending skills are not selected." }
        @if outcome.skills.is_empty() {
            p.alert role="alert" { "No SKILL.md was found in this repository." }
        } @else {
            form method="post" action="/submit/selected" {
                input type="hidden" name=(csrf::FIELD) value=(token);
                input type="hidden" name="repo_url" value=(repo_url);
                input type="hidden" name="ref" value=(git_ref);
                fieldset {
                    legend { "Choose the skills to verify" }
                    table.discovered {
                        thead { tr { th scope="col" { "Submit" } th scope="col" { "Skill" } th scope="col" { "Status" } th scope="col" { "Problems" } } }
                        tbody {
                            @for (i, e) in outcome.skills.iter().enumerate() {
                                @let id = format!("skill-{i}");
                                @let preselect = selectable(e) && matches!(e.status, PathStatus::New | PathStatus::Rejected);
                                tr {
                                    td { input id=(id) type="checkbox" name="skill_path" value=(e.path) checked[preselect] disabled[!selectable(e)]; }
                                    td {
                                        label for=(id) { strong { (e.name.as_deref().unwrap_or(if e.path.is_empty() { "(repository root)" } else { &e.path })) } }
                                        br; code.muted { @if e.path.is_empty() { "/" } @else { (e.path) } }
                                        @if let Some(d) = &e.description { br; span.muted { (d) } }
                                    }
                                    td {
                                        span class={ "status status-" (status_label(e.status).replace(' ', "-")) } { (status_label(e.status)) }
                                        @if let Some(slug) = &e.skill { br; a href={ "/skills/" (slug) } { "view" } }
                                        @if let Some(id) = e.submission_id { br; a href={ "/submit/" (id) } { "submission #" (id) } }
                                    }
                                    td {
                                        @if e.errors.is_empty() && e.warnings.is_empty() { "none" }
                                        ul.issues {
                                            @for issue in &e.errors { li.error { "error: " (issue.message) } }
                                            @for issue in &e.warnings { li.warning { "warning: " (issue.message) } }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                button type="submit" { "Submit selected skills" }
            }
        }
    }
}

pub async fn submit_selected(
    State(state): State<AppState>,
    caller: Caller,
    ip: ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> WebResult<Response> {
    let form = Form::parse(&body);
    csrf::verify(&headers, form.get(csrf::FIELD))?;
    let paths = form.all("skill_path");
    if paths.is_empty() {
        return Err(WebError(ApiError::bad_request(
            "nothing_selected",
            "No skill was selected. Go back and tick at least one skill.",
        )));
    }
    limits::check(&state, &caller, ip, Action::Submit).await?;
    let request = BulkRequest {
        repo_url: form.get("repo_url").unwrap_or_default().to_owned(),
        skill_paths: paths,
        git_ref: form
            .get("ref")
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_owned),
    };
    let outcome = state
        .registry()
        .submit_bulk(&request, caller.actor())
        .await?;
    let ids: Vec<String> = outcome
        .items
        .iter()
        .filter_map(|i| i.submission.as_ref().map(|s| s.id.to_string()))
        .collect();
    if ids.is_empty() {
        let body = html! {
            h1 { "Nothing to verify" }
            ul { @for item in &outcome.items { li { code { (item.skill_path) } ": " (item.status.replace('_', " ")) @if let Some(e) = &item.error { " — " (e) } } } }
            p { a href="/submit" { "Submit another repository" } }
        };
        return Ok(html_response(
            StatusCode::OK,
            page("Submitted", Nav::Submit, body),
        ));
    }
    Ok(Redirect::to(&format!("/submit/batch?ids={}", ids.join(","))).into_response())
}

#[derive(serde::Deserialize)]
pub struct BatchParams {
    ids: String,
}

pub async fn batch(
    State(state): State<AppState>,
    params: Result<axum::extract::Query<BatchParams>, axum::extract::rejection::QueryRejection>,
) -> WebResult<Response> {
    let invalid = || {
        WebError(ApiError::bad_request(
            "invalid_query",
            "ids must be a comma-separated list of submission ids",
        ))
    };
    let params = params.map_err(|_| invalid())?.0;
    let ids: Vec<Id> = params
        .ids
        .split(',')
        .map(|s| s.trim().parse::<Id>())
        .collect::<Result<_, _>>()
        .map_err(|_| invalid())?;
    if ids.is_empty() || ids.len() > MAX_BATCH {
        return Err(invalid());
    }
    let details = state.registry().store().submission_details(&ids).await?;
    if details.is_empty() {
        return Err(WebError(ApiError::not_found(
            "none of these submissions exist",
        )));
    }
    let done = details
        .iter()
        .filter(|d| d.submission.state.is_terminal())
        .count();
    let live = done < details.len();
    let url = format!("/submit/batch?ids={}", params.ids);
    let body = html! {
        h1 { "Verification progress" }
        section #progress aria-live="polite"
            hx-get=[live.then_some(url.as_str())] hx-trigger=[live.then_some("every 2s")]
            hx-select="#progress" hx-target="this" hx-swap="outerHTML" {
            p.count role="status" { strong { (done) } " of " (details.len()) " finished" @if live { " · updating live" } }
            progress max=(details.len()) value=(done) aria-label="Finished submissions" { (done) "/" (details.len()) }
            table {
                thead { tr { th scope="col" { "Skill" } th scope="col" { "State" } th scope="col" { "Updated" } th scope="col" { "Report" } } }
                tbody {
                    @for d in &details {
                        tr {
                            td { (d.submission.repository.owner) "/" (d.submission.repository.name) "/" strong { (d.submission.skill_name) } }
                            td { (state_badge(d.submission.state)) @if let Some(r) = &d.submission.state_reason { br; span.muted { (r) } } }
                            td { (time(d.submission.updated_at)) }
                            td { a href={ "/submit/" (d.submission.id) } { "#" (d.submission.id) } }
                        }
                    }
                }
            }
        }
    };
    Ok(html_response(
        StatusCode::OK,
        page("Progress", Nav::Submit, body),
    ))
}

pub async fn show(
    State(state): State<AppState>,
    caller: crate::auth::Caller,
    headers: axum::http::HeaderMap,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> WebResult<Response> {
    let id: Id = id
        .parse()
        .map_err(|_| WebError(ApiError::not_found("no such submission")))?;
    let detail: SubmissionDetail = state.registry().submission_detail(id).await?;
    let s = &detail.submission;
    let live = !s.state.is_terminal();
    let url = format!("/submit/{id}");
    // Its submitter may appeal a rejection (the server checks again on post).
    let appeal = match caller.user() {
        Some(user)
            if s.state == skillvet_core::SubmissionState::Rejected
                && s.submitter.id == user.login =>
        {
            let secure = state.config().accounts.secure_cookies();
            Some(super::csrf::token(&headers, secure)?)
        }
        _ => None,
    };
    let body = html! {
        h1 { "Submission #" (s.id) }
        p.lead { (s.repository.owner) "/" (s.repository.name) " · " code { @if s.skill_path.is_empty() { "/" } @else { (s.skill_path) } } }
        section #live aria-live="polite"
            hx-get=[live.then_some(url.as_str())] hx-trigger=[live.then_some("every 2s")]
            hx-select="#live" hx-target="this" hx-swap="outerHTML" {
            p { "State: " (state_badge(s.state)) @if let Some(r) = &s.state_reason { " — " (r) } @if live { " · updating live" } }
            @if s.state == skillvet_core::SubmissionState::Published {
                p { a href={ "/skills/" (s.repository.owner) "/" (s.repository.name) "/" (s.skill_name) } { "View the published skill" } }
            }
            h2 { "Security report" }
            (security_report(&detail))
            h2 { "State history" }
            (verification_history(std::slice::from_ref(&detail)))
        }
        @if let Some((token, _)) = &appeal {
            section aria-labelledby="appeal-h" {
                h2 #appeal-h { "Appeal" }
                p { "If the rejection is wrong, say why: a reviewer reads it and may look at the skill or have it verified again." }
                form.stack method="post" action={ "/submit/" (id) "/appeal" } {
                    input type="hidden" name=(super::csrf::FIELD) value=(token);
                    label for="appeal-message" { "Why the rejection is wrong" }
                    textarea #appeal-message name="message" required maxlength=(crate::api::moderation::MAX_MESSAGE_CHARS) {}
                    button type="submit" { "Appeal" }
                }
            }
        }
    };
    let mut response = html_response(
        StatusCode::OK,
        page(&format!("Submission #{id}"), Nav::Submit, body),
    );
    if let Some((_, cookie)) = appeal {
        super::admin::private_headers(&mut response, cookie);
    }
    Ok(response)
}
