//! The page shell and small shared pieces.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use maud::{DOCTYPE, Markup, html};
use skillvet_core::SubmissionState;
use skillvet_core::model::CertTier;

/// Which main navigation entry is current.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    Skills,
    Submit,
    Queue,
    Trust,
    Account,
    None,
}

/// htmx without the features that need inline style or `eval` (blocked by our CSP anyway).
const HTMX_CONFIG: &str = r#"{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false,"historyCacheSize":0}"#;

pub fn page(title: &str, nav: Nav, body: Markup) -> Markup {
    let item = |href: &str, label: &str, me: Nav| {
        html! {
            li { a href=(href) aria-current=[(nav == me).then_some("page")] { (label) } }
        }
    };
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="htmx-config" content=(HTMX_CONFIG);
                title { (title) " · skillvet" }
                link rel="stylesheet" href="/static/app.css";
                script src="/static/htmx-2.0.4.min.js" defer {}
            }
            body {
                a.skip href="#main" { "Skip to content" }
                header.site {
                    a.brand href="/" { "skillvet" }
                    nav aria-label="Main" {
                        ul {
                            (item("/skills", "Skills", Nav::Skills))
                            (item("/submit", "Submit", Nav::Submit))
                            (item("/queue", "Queue", Nav::Queue))
                            (item("/trust", "Trust", Nav::Trust))
                            (item("/account", "Account", Nav::Account))
                        }
                    }
                }
                main #main { (body) }
                footer.site {
                    p { "skillvet verifies agent skills before you install them. Every report and state change is kept." }
                }
            }
        }
    }
}

pub fn html_response(status: StatusCode, markup: Markup) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        markup.into_string(),
    )
        .into_response()
}

pub fn error_page(status: StatusCode, title: &str, message: &str) -> Response {
    let body = html! {
        section.error aria-labelledby="error-title" {
            h1 #error-title { (title) }
            p { (message) }
            p.muted { "HTTP " (status.as_u16()) }
            p { a href="/skills" { "Search skills" } " · " a href="/" { "Home" } }
        }
    };
    html_response(status, page(title, Nav::None, body))
}

pub fn tier_badge(tier: CertTier) -> Markup {
    let class = match tier {
        CertTier::Certified => "tier tier-certified",
        CertTier::Verified => "tier tier-verified",
        CertTier::Scanned => "tier tier-scanned",
    };
    html! { span class=(class) { (tier.as_str().to_lowercase()) } }
}

pub fn state_badge(state: SubmissionState) -> Markup {
    let class = match state {
        SubmissionState::Published | SubmissionState::AutoApproved => "state state-good",
        SubmissionState::Rejected
        | SubmissionState::Blocked
        | SubmissionState::Tier1Failed
        | SubmissionState::Errored => "state state-bad",
        _ => "state state-pending",
    };
    html! { span class=(class) { (state.as_str()) } }
}

pub fn time(at: DateTime<Utc>) -> Markup {
    html! { time datetime=(at.to_rfc3339()) { (at.format("%Y-%m-%d %H:%M UTC")) } }
}
