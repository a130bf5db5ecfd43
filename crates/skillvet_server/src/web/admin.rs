//! `/admin`: the reviewers' area. The review queue (approve or reject NEEDS_REVIEW
//! submissions, release held ones), the blocklist and the audit log; moderation forms on skill
//! pages post here too. Forms go through the same functions as the API
//! (`crate::api::moderation`), so both write the same audit events; every post checks the
//! CSRF token first, then the caller's role.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde_json::json;
use skillvet_core::SubmissionState;
use skillvet_core::model::{CertTier, Id, PageRequest, SkillStatus, SubmissionFilter};
use skillvet_core::moderation::{
    AuditAction, AuditEvent, ReportCategory, RequestFilter, RequestKind, RequestStatus,
};
use skillvet_core::pipeline::BlockKind;

use super::csrf;
use super::form::Form;
use super::layout::{Nav, html_response, page, state_badge, time};
use super::{WebError, WebResult};
use crate::api::moderation::{self as m, AuditParams};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{Path, Query};
use crate::state::AppState;

/// Rows of each queue shown on the page.
const QUEUE_ROWS: u32 = 50;

fn private(mut response: Response, cookie: Option<HeaderValue>) -> Response {
    private_headers(&mut response, cookie);
    response
}

/// A page with forms for one person: never cached, with the CSRF cookie when it is new.
pub fn private_headers(response: &mut Response, cookie: Option<HeaderValue>) {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Some(cookie) = cookie {
        headers.append(header::SET_COOKIE, cookie);
    }
}

fn reviewer(caller: &Caller) -> WebResult<()> {
    caller.require_reviewer().map(|_| ()).map_err(|e| {
        WebError(ApiError {
            message: if e.status == StatusCode::UNAUTHORIZED {
                "Sign in on the Account page with a reviewer's account.".into()
            } else {
                "This area is for reviewers and administrators.".into()
            },
            ..e
        })
    })
}

fn bad(message: impl Into<String>) -> WebError {
    WebError(ApiError::bad_request("invalid_request", message))
}

/// A posted form: CSRF checked, then the caller's role, then only the expected fields.
fn checked_form(
    headers: &HeaderMap,
    caller: &Caller,
    body: &Bytes,
    fields: &[&str],
) -> WebResult<Form> {
    let form = Form::parse(body);
    csrf::verify(headers, form.get(csrf::FIELD))?;
    reviewer(caller)?;
    if let Some(field) = form
        .keys()
        .find(|k| *k != csrf::FIELD && !fields.contains(k))
    {
        return Err(WebError(ApiError::bad_request(
            "unknown_field",
            format!("This form has no field {field:?}."),
        )));
    }
    Ok(form)
}

fn reason_field(form: &Form) -> &str {
    form.get("reason").unwrap_or_default()
}

fn reason_input(id: &str) -> Markup {
    html! {
        label for=(id) { "Reason (kept in the audit log)" }
        input id=(id) name="reason" required maxlength=(m::MAX_REASON_CHARS);
    }
}

fn tier_select(id: &str) -> Markup {
    html! {
        label for=(id) { "Tier" }
        select id=(id) name="tier" {
            @for tier in CertTier::ALL { option value=(tier.as_str()) { (tier.as_str()) } }
        }
    }
}

/// `GET /admin`.
pub async fn index(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
) -> WebResult<Response> {
    reviewer(&caller)?;
    let (token, cookie) = csrf::token(&headers, state.config().accounts.secure_cookies())?;
    let store = state.registry().store();
    let list = |s: SubmissionState| SubmissionFilter {
        state: Some(s),
        ..SubmissionFilter::default()
    };
    let review = store
        .list_submissions(
            &list(SubmissionState::NeedsReview),
            PageRequest::first(QUEUE_ROWS),
        )
        .await?;
    let held = store
        .list_submissions(
            &list(SubmissionState::OnHold),
            PageRequest::first(QUEUE_ROWS),
        )
        .await?;
    let blocks = store.blocks().await?;
    let open = RequestFilter {
        status: Some(RequestStatus::Open),
        ..RequestFilter::default()
    };
    let requests = store
        .requests(&open, PageRequest::first(QUEUE_ROWS))
        .await?;
    let recent = store
        .audit_events(&Default::default(), PageRequest::first(10))
        .await?;
    let body = html! {
        h1 { "Moderation" }
        p.lead { "Every action here needs a reason and is recorded in the " a href="/admin/audit" { "audit log" } "." }
        section aria-labelledby="review-h" {
            h2 #review-h { "Needs review (" (review.items.len()) @if review.next.is_some() { "+" } ")" }
            @if review.items.is_empty() { p.muted { "Nothing waits for a reviewer." } }
            @for sub in &review.items {
                article.review {
                    h3 { a href={ "/submit/" (sub.id) } { "#" (sub.id) } " " (sub.repository.owner) "/" (sub.repository.name) "/" (sub.skill_name) " " (state_badge(sub.state)) }
                    @if let Some(reason) = &sub.state_reason { p { "Why: " (reason) } }
                    form.stack method="post" action={ "/admin/submissions/" (sub.id) "/decide" } {
                        input type="hidden" name=(csrf::FIELD) value=(token);
                        (reason_input(&format!("reason-{}", sub.id)))
                        (tier_select(&format!("tier-{}", sub.id)))
                        button type="submit" name="decision" value="approve" { "Approve and publish" }
                        " "
                        button type="submit" name="decision" value="reject" { "Reject" }
                    }
                }
            }
        }
        section aria-labelledby="requests-h" {
            h2 #requests-h { "Reports and appeals (" (requests.items.len()) @if requests.next.is_some() { "+" } ")" }
            @if requests.items.is_empty() { p.muted { "No open reports or appeals." } }
            @for r in &requests.items {
                article.review {
                    h3 {
                        (r.kind.as_str()) " #" (r.id) " · " a href={ "/skills/" (r.package) } { (r.package) }
                        @if let Some(sub) = r.submission_id { " · " a href={ "/submit/" (sub) } { "submission #" (sub) } }
                    }
                    p { strong { (r.category) } " from " (r.author.id) ", " (time(r.created_at)) ": " (r.message) }
                    form.stack method="post" action={ "/admin/requests/" (r.id) "/resolve" } {
                        input type="hidden" name=(csrf::FIELD) value=(token);
                        (reason_input(&format!("resolve-{}", r.id)))
                        @if r.kind == RequestKind::Appeal {
                            button type="submit" name="then" value="review" { "Accept: review it" }
                            " "
                            button type="submit" name="then" value="rescan" { "Accept: verify again" }
                        } @else {
                            button type="submit" name="decision" value="accept" { "Accept" }
                        }
                        " "
                        button type="submit" name="decision" value="dismiss" { "Dismiss" }
                    }
                }
            }
        }
        section aria-labelledby="held-h" {
            h2 #held-h { "On hold (" (held.items.len()) ")" }
            @if held.items.is_empty() { p.muted { "Nothing is on hold." } }
            @for sub in &held.items {
                article.review {
                    h3 { a href={ "/submit/" (sub.id) } { "#" (sub.id) } " " (sub.repository.owner) "/" (sub.repository.name) "/" (sub.skill_name) }
                    form.stack method="post" action={ "/admin/submissions/" (sub.id) "/decide" } {
                        input type="hidden" name=(csrf::FIELD) value=(token);
                        (reason_input(&format!("reason-{}", sub.id)))
                        button type="submit" name="decision" value="release" { "Release (verify again)" }
                    }
                }
            }
        }
        section aria-labelledby="blocks-h" {
            h2 #blocks-h { "Blocklist" }
            p { "A blocked owner, repository or content hash is refused at every later submission; its published skills are blocked at once." }
            @if blocks.is_empty() { p.muted { "The blocklist is empty." } } @else {
                table {
                    thead { tr { th scope="col" { "Kind" } th scope="col" { "Value" } th scope="col" { "Reason" } th scope="col" { "By" } th scope="col" { "Since" } th scope="col" { "Until" } th scope="col" { "" } } }
                    tbody {
                        @for b in &blocks {
                            tr {
                                td { (b.kind.as_str()) } td { code { (b.value) } } td { (b.reason) } td { (b.actor.id) } td { (time(b.created_at)) }
                                td { @match b.expires_at { Some(at) => (time(at)), None => "for good" } }
                                td {
                                    form method="post" action="/admin/blocks/remove" {
                                        input type="hidden" name=(csrf::FIELD) value=(token);
                                        input type="hidden" name="kind" value=(b.kind.as_str());
                                        input type="hidden" name="value" value=(b.value);
                                        label for={ "unblock-" (b.id) } { "Reason" }
                                        input id={ "unblock-" (b.id) } name="reason" required maxlength=(m::MAX_REASON_CHARS);
                                        button type="submit" { "Remove" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            h3 { "Block" }
            form.stack method="post" action="/admin/blocks" {
                input type="hidden" name=(csrf::FIELD) value=(token);
                label for="block-kind" { "Kind" }
                select #block-kind name="kind" {
                    @for kind in BlockKind::ALL { option value=(kind.as_str()) { (kind.as_str()) } }
                }
                label for="block-value" { "Owner, owner/repository, owner/repository/skill, or content hash" }
                input #block-value name="value" required maxlength="200";
                label for="block-days" { "Lapses after (days; empty: for good)" }
                input #block-days name="expires_in_days" type="number" min="1" max=(m::MAX_BLOCK_DAYS);
                (reason_input("block-reason"))
                button type="submit" { "Block" }
            }
        }
        section aria-labelledby="recent-h" {
            h2 #recent-h { "Recent actions" }
            (audit_table(&recent.items))
            p { a href="/admin/audit" { "The whole audit log" } }
        }
    };
    Ok(private(
        html_response(StatusCode::OK, page("Moderation", Nav::None, body)),
        cookie,
    ))
}

/// The audit table, shared with the skill page's public moderation history.
pub fn audit_table(events: &[AuditEvent]) -> Markup {
    html! {
        @if events.is_empty() { p.muted { "No moderation actions recorded." } } @else {
            table.audit {
                thead { tr { th scope="col" { "When" } th scope="col" { "Who" } th scope="col" { "Action" } th scope="col" { "On" } th scope="col" { "Reason" } th scope="col" { "Change" } } }
                tbody {
                    @for e in events {
                        tr {
                            td { (time(e.at)) }
                            td { (e.actor.id) " (" (e.actor_role) ")" }
                            td { code { (e.action.as_str()) } }
                            td { (e.target_kind) " " code { (e.target) } }
                            td { (e.reason.as_deref().unwrap_or("")) }
                            td { code { (e.before) } " → " code { (e.after) } }
                        }
                    }
                }
            }
        }
    }
}

/// `GET /admin/audit?action=&actor=&package=&cursor=`.
pub async fn audit(
    State(state): State<AppState>,
    caller: Caller,
    Query(params): Query<AuditParams>,
) -> WebResult<Response> {
    reviewer(&caller)?;
    let (filter, page_request) = params.filter()?;
    let found = state
        .registry()
        .store()
        .audit_events(&filter, page_request)
        .await?;
    let value = |v: &Option<String>| v.clone().unwrap_or_default();
    let next = found.next.map(|cursor| {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (key, v) in [
            ("action", &params.action),
            ("actor", &params.actor),
            ("package", &params.package),
        ] {
            if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                query.append_pair(key, v);
            }
        }
        query.append_pair("cursor", &cursor.to_string());
        format!("/admin/audit?{}", query.finish())
    });
    let body = html! {
        nav.crumbs aria-label="Breadcrumb" { a href="/admin" { "Moderation" } " / " span aria-current="page" { "Audit log" } }
        h1 { "Audit log" }
        p.lead { "Every moderator action, newest first. Nothing here is ever changed or deleted." }
        form.search method="get" action="/admin/audit" {
            label for="f-action" { "Action" }
            select #f-action name="action" {
                option value="" { "any" }
                @for a in AuditAction::ALL {
                    option value=(a.as_str()) selected[filter.action == Some(*a)] { (a.as_str()) }
                }
            }
            label for="f-actor" { "By (login)" }
            input #f-actor name="actor" value=(value(&params.actor));
            label for="f-package" { "Package (owner/repo/skill)" }
            input #f-package name="package" value=(value(&params.package));
            button type="submit" { "Filter" }
        }
        (audit_table(&found.items))
        @if let Some(next) = next { p { a href=(next) rel="next" { "Older actions" } } }
    };
    Ok(private(
        html_response(StatusCode::OK, page("Audit log", Nav::None, body)),
        None,
    ))
}

/// `POST /admin/submissions/{id}/decide`: approve, reject or release from the queue.
pub async fn decide(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<Id>,
    body: Bytes,
) -> WebResult<Response> {
    let form = checked_form(&headers, &caller, &body, &["decision", "reason", "tier"])?;
    let by = m::moderator(&caller, reason_field(&form))?;
    match form.get("decision") {
        Some("approve") => {
            let tier = match form.get("tier").filter(|t| !t.is_empty()) {
                Some(t) => Some(t.parse::<CertTier>().map_err(bad)?),
                None => None,
            };
            let tier = m::approval_tier(&caller, tier)?;
            m::decide(&state, id, &m::APPROVE, json!({ "tier": tier }), &by).await?;
        }
        Some("reject") => {
            m::decide(&state, id, &m::REJECT, json!({}), &by).await?;
        }
        Some("release") => {
            m::decide(&state, id, &m::RELEASE, json!({}), &by).await?;
        }
        _ => return Err(bad("Choose approve, reject or release.")),
    }
    Ok(Redirect::to("/admin").into_response())
}

/// `POST /admin/skills/{owner}/{repo}/{skill}/moderate`: the skill page's status and tier forms.
pub async fn moderate_skill(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Path((owner, repo, name)): Path<(String, String, String)>,
    body: Bytes,
) -> WebResult<Response> {
    let form = checked_form(&headers, &caller, &body, &["status", "tier", "reason"])?;
    let reason = reason_field(&form);
    let skill = m::find_skill(&state, &owner, &repo, &name).await?;
    match (form.get("status"), form.get("tier")) {
        (Some(status), None) => {
            let to = status.parse::<SkillStatus>().map_err(bad)?;
            m::set_status(&state, &caller, &skill, to, reason).await?;
        }
        (None, Some(tier)) => {
            let by = m::moderator(&caller, reason)?;
            let tier = m::approval_tier(&caller, Some(tier.parse::<CertTier>().map_err(bad)?))?;
            let registry = state.registry();
            registry
                .store()
                .set_skill_tier(skill.id, tier, &by, registry.clock().now())
                .await?;
        }
        _ => return Err(bad("Give either a status or a tier.")),
    }
    Ok(Redirect::to(&format!("/skills/{}", skill.slug)).into_response())
}

/// `POST /admin/requests/{id}/resolve`: an appeal's accept buttons send `then`, the others
/// `decision`.
pub async fn resolve_request(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<Id>,
    body: Bytes,
) -> WebResult<Response> {
    let form = checked_form(&headers, &caller, &body, &["decision", "then", "reason"])?;
    let then = form.get("then").map(str::to_owned);
    let decision = match (form.get("decision"), &then) {
        (Some(d), None) => d.to_owned(),
        (None, Some(_)) => "accept".to_owned(),
        _ => return Err(bad("Choose one button.")),
    };
    let req = m::ResolveRequest {
        decision,
        reason: reason_field(&form).to_owned(),
        then,
    };
    m::resolve(&state, &caller, id, &req).await?;
    Ok(Redirect::to("/admin").into_response())
}

/// `POST /skills/{owner}/{repo}/{skill}/report`: any signed-in reader.
pub async fn report(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Path((owner, repo, name)): Path<(String, String, String)>,
    body: Bytes,
) -> WebResult<Response> {
    let form = Form::parse(&body);
    csrf::verify(&headers, form.get(csrf::FIELD))?;
    if caller.user().is_none() {
        return Err(WebError(ApiError::unauthorized(
            "Sign in on the Account page to report a skill.",
        )));
    }
    let skill = m::find_skill(&state, &owner, &repo, &name).await?;
    let category = form
        .get("category")
        .unwrap_or_default()
        .parse::<ReportCategory>()
        .map_err(bad)?;
    let message = form.get("message").unwrap_or_default();
    let filed = m::file_report(&state, &caller, &skill, category, message).await?;
    let body = html! {
        h1 { "Thank you" }
        p.lead { "Report #" (filed.id) " about " a href={ "/skills/" (skill.slug) } { (skill.slug) } " is in the reviewers' queue." }
        p { "Reviewers answer it with a reason; what they do to the skill is shown on its page." }
    };
    Ok(html_response(
        StatusCode::CREATED,
        page("Report filed", Nav::Skills, body),
    ))
}

/// `POST /submit/{id}/appeal`: the submitter of a rejected submission.
pub async fn appeal(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<Id>,
    body: Bytes,
) -> WebResult<Response> {
    let form = Form::parse(&body);
    csrf::verify(&headers, form.get(csrf::FIELD))?;
    if caller.user().is_none() {
        return Err(WebError(ApiError::unauthorized(
            "Sign in on the Account page to appeal.",
        )));
    }
    let message = form.get("message").unwrap_or_default();
    let filed = m::file_appeal(&state, &caller, id, message).await?;
    let body = html! {
        h1 { "Appeal filed" }
        p.lead { "Appeal #" (filed.id) " of " a href={ "/submit/" (id) } { "submission #" (id) } " is in the reviewers' queue." }
    };
    Ok(html_response(
        StatusCode::CREATED,
        page("Appeal filed", Nav::Submit, body),
    ))
}

/// The report form on a skill page, for signed-in readers.
pub fn report_form(skill: &skillvet_core::model::Skill, token: &str) -> Markup {
    html! {
        section aria-labelledby="report-form-h" {
            h2 #report-form-h { "Report this skill" }
            form.stack method="post" action={ "/skills/" (skill.slug) "/report" } {
                input type="hidden" name=(csrf::FIELD) value=(token);
                label for="report-category" { "What is wrong" }
                select #report-category name="category" {
                    @for c in ReportCategory::ALL { option value=(c.as_str()) { (c.as_str()) } }
                }
                label for="report-message" { "Details (reviewers read them; they are not public)" }
                textarea #report-message name="message" required maxlength=(m::MAX_MESSAGE_CHARS) {}
                button type="submit" { "Report" }
            }
        }
    }
}

/// `POST /admin/blocks`.
pub async fn add_block(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: Bytes,
) -> WebResult<Response> {
    let form = checked_form(
        &headers,
        &caller,
        &body,
        &["kind", "value", "reason", "expires_in_days"],
    )?;
    let (kind, value, by) = block_fields(&caller, &form)?;
    let value = m::check_block_value(kind, &value)?;
    let days = match form.get("expires_in_days").map(str::trim) {
        None | Some("") => None,
        Some(days) => Some(
            days.parse::<u32>()
                .map_err(|_| bad("The expiry must be a whole number of days."))?,
        ),
    };
    let registry = state.registry();
    let now = registry.clock().now();
    let expires_at = m::block_expiry(days, now)?;
    registry
        .store()
        .block(kind, &value, expires_at, &by, now)
        .await?;
    Ok(Redirect::to("/admin").into_response())
}

/// `POST /admin/blocks/remove`.
pub async fn remove_block(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: Bytes,
) -> WebResult<Response> {
    let form = checked_form(&headers, &caller, &body, &["kind", "value", "reason"])?;
    let (kind, value, by) = block_fields(&caller, &form)?;
    let registry = state.registry();
    registry
        .store()
        .unblock(kind, &value, &by, registry.clock().now())
        .await?;
    Ok(Redirect::to("/admin").into_response())
}

fn block_fields(
    caller: &Caller,
    form: &Form,
) -> WebResult<(BlockKind, String, skillvet_core::moderation::Moderator)> {
    let kind = form
        .get("kind")
        .unwrap_or_default()
        .parse::<BlockKind>()
        .map_err(bad)?;
    let by = m::moderator(caller, reason_field(form))?;
    Ok((kind, form.get("value").unwrap_or_default().to_owned(), by))
}

/// The moderation forms on a skill page, for reviewers.
pub fn skill_forms(skill: &skillvet_core::model::Skill, token: &str) -> Markup {
    html! {
        section aria-labelledby="moderate-h" {
            h2 #moderate-h { "Moderate" }
            form.stack method="post" action={ "/admin/skills/" (skill.slug) "/moderate" } {
                input type="hidden" name=(csrf::FIELD) value=(token);
                label for="mod-status" { "Status" }
                select #mod-status name="status" {
                    @for s in SkillStatus::ALL.iter().filter(|s| **s != skill.status) {
                        option value=(s.as_str()) { (s.as_str()) }
                    }
                }
                (reason_input("mod-status-reason"))
                button type="submit" { "Change status" }
            }
            form.stack method="post" action={ "/admin/skills/" (skill.slug) "/moderate" } {
                input type="hidden" name=(csrf::FIELD) value=(token);
                (tier_select("mod-tier"))
                (reason_input("mod-tier-reason"))
                button type="submit" { "Set tier" }
            }
        }
    }
}
