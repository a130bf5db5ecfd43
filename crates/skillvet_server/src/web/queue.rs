//! `/queue` (live counts per state) and `/trust` (what was verified, blocked, rejected).

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use skillvet_core::SubmissionState;
use skillvet_core::model::{CertTier, PageRequest, Submission, SubmissionFilter};

use super::WebResult;
use super::layout::{Nav, html_response, page, state_badge, tier_badge, time};
use crate::state::AppState;

async fn counts_table(state: &AppState) -> WebResult<Markup> {
    let counts = state.registry().store().submission_stats().await?;
    let total: i64 = counts.iter().map(|(_, n)| n).sum();
    let by_state: BTreeMap<&str, i64> = counts.iter().map(|(s, n)| (s.as_str(), *n)).collect();
    Ok(html! {
        section #counts aria-live="polite" hx-get="/queue/counts" hx-trigger="every 3s" hx-swap="outerHTML" {
            p.count role="status" { strong { (total) } " submissions in total" }
            table {
                caption { "Submissions per state" }
                thead { tr { th scope="col" { "State" } th scope="col" { "Count" } } }
                tbody {
                    @for (name, n) in &by_state {
                        tr { th scope="row" { (name) } td { (n) } }
                    }
                }
            }
        }
    })
}

/// The counts fragment, polled by the queue page.
pub async fn counts(State(state): State<AppState>) -> WebResult<Response> {
    Ok(html_response(StatusCode::OK, counts_table(&state).await?))
}

async fn recent(
    state: &AppState,
    filter: SubmissionFilter,
    limit: u32,
) -> WebResult<Vec<Submission>> {
    Ok(state
        .registry()
        .list_submissions(&filter, PageRequest::first(limit))
        .await?
        .items)
}

fn submission_list(items: &[Submission], empty: &str) -> Markup {
    html! {
        @if items.is_empty() { p.muted { (empty) } }
        ul.subs {
            @for s in items {
                li {
                    a href={ "/submit/" (s.id) } { (s.repository.owner) "/" (s.repository.name) "/" (s.skill_name) }
                    " " (state_badge(s.state)) " · " (time(s.updated_at))
                    @if let Some(r) = &s.state_reason { br; span.reason { (r) } }
                }
            }
        }
    }
}

pub async fn queue(State(state): State<AppState>) -> WebResult<Response> {
    let counts = counts_table(&state).await?;
    let latest = recent(&state, SubmissionFilter::default(), 25).await?;
    let body = html! {
        h1 { "Verification queue" }
        p { "Counts update every few seconds." }
        (counts)
        h2 { "Latest submissions" }
        (submission_list(&latest, "No submissions yet."))
    };
    Ok(html_response(
        StatusCode::OK,
        page("Queue", Nav::Queue, body),
    ))
}

pub async fn trust(State(state): State<AppState>) -> WebResult<Response> {
    let filter = |s: SubmissionState| SubmissionFilter {
        state: Some(s),
        ..Default::default()
    };
    let verified = recent(&state, filter(SubmissionState::Published), 20).await?;
    let blocked = recent(&state, filter(SubmissionState::Blocked), 20).await?;
    let rejected = recent(&state, filter(SubmissionState::Rejected), 20).await?;
    let public = skillvet_core::moderation::AuditFilter {
        public_only: true,
        ..Default::default()
    };
    let moderation = state
        .registry()
        .store()
        .audit_events(&public, PageRequest::first(20))
        .await?;
    let body = html! {
        h1 { "Trust and safety" }
        p { "What skillvet recently published, blocked and rejected, with the reasons. Every decision links to its full report." }
        section aria-labelledby="tiers-h" {
            h2 #tiers-h { "Trust tiers" }
            dl.facts {
                dt { (tier_badge(CertTier::Scanned)) }
                dd { "Passed the automated checks with concerns, or a trust score below 80; or approved by a reviewer at this tier." }
                dt { (tier_badge(CertTier::Verified)) }
                dd { "Every scan PASS and a trust score of at least 80; or signed off by a reviewer who read it." }
                dt { (tier_badge(CertTier::Certified)) }
                dd { "As verified, from a publisher this registry's operator trusts; or certified by an administrator." }
            }
            p.muted { "A skill a reviewer or administrator placed shows " code { "reviewed:<login>" } " as its method; the moderation history below says who and why." }
        }
        section aria-labelledby="moderation-h" {
            h2 #moderation-h { "Recent moderation" }
            (super::admin::audit_table(&moderation.items))
        }
        section aria-labelledby="verified-h" { h2 #verified-h { "Recently verified" } (submission_list(&verified, "Nothing verified yet.")) }
        section aria-labelledby="blocked-h" { h2 #blocked-h { "Blocked" } (submission_list(&blocked, "Nothing blocked.")) }
        section aria-labelledby="rejected-h" { h2 #rejected-h { "Rejected" } (submission_list(&rejected, "Nothing rejected.")) }
    };
    Ok(html_response(
        StatusCode::OK,
        page("Trust", Nav::Trust, body),
    ))
}
