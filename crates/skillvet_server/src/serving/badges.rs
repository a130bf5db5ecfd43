//! `GET /badges/{owner}/{repo}/{skill}.svg`: a shields-style SVG with the tier and score.
//!
//! A skill that is not published (unknown, or never passed verification) gets **200 with a
//! grey "not verified" badge**, not a 404: a README that embeds the badge must show that
//! state, not a broken image. Such badges are cached briefly so a newly verified skill shows
//! up soon. Blocked skills get a red "blocked" badge.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::Response;
use skillvet_core::model::{CertTier, Skill, SkillStatus};

use super::http_cache;
use crate::error::{ApiError, ApiResult};
use crate::extract::Path;
use crate::state::AppState;

const LABEL: &str = "skillvet";
const GREY: &str = "#9f9f9f";

pub async fn badge(
    State(state): State<AppState>,
    Path((owner, repo, file)): Path<(String, String, String)>,
    request: HeaderMap,
) -> ApiResult<Response> {
    let name = file
        .strip_suffix(".svg")
        .ok_or_else(|| ApiError::not_found("badges are at /badges/{owner}/{repo}/{skill}.svg"))?;
    let slug = super::catalog::slug(&owner, &repo, name);
    let skill = state.registry().store().skill_by_slug(&slug).await?;
    let (message, color, status) = describe(skill.as_ref());
    let mut extra = HeaderMap::new();
    extra.insert("x-skillvet-badge", HeaderValue::from_static(status));
    let svg = render(LABEL, &message, color);
    let cache = if skill.is_some() {
        http_cache::BADGE
    } else {
        http_cache::SHORT
    };
    Ok(http_cache::cached(
        &request,
        "image/svg+xml; charset=utf-8",
        cache,
        extra,
        svg.into_bytes(),
    ))
}

/// Message, colour and a machine-readable status for the `x-skillvet-badge` header.
fn describe(skill: Option<&Skill>) -> (String, &'static str, &'static str) {
    match skill {
        None => ("not verified".into(), GREY, "unknown"),
        Some(s) if s.status == SkillStatus::Blocked => ("blocked".into(), "#e05d44", "blocked"),
        Some(s) if s.status == SkillStatus::Quarantined => {
            ("quarantined".into(), "#fe7d37", "quarantined")
        }
        Some(s) if s.status == SkillStatus::Withdrawn => ("withdrawn".into(), GREY, "withdrawn"),
        Some(s) => {
            let color = match s.cert_tier {
                CertTier::Certified => "#44cc11",
                CertTier::Verified => "#97ca00",
                CertTier::Scanned => "#dfb317",
            };
            (
                format!(
                    "{} {}/100",
                    s.cert_tier.as_str().to_ascii_lowercase(),
                    s.cert_score
                ),
                color,
                "published",
            )
        }
    }
}

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Approximate width of Verdana 11px text, as shields.io badges assume.
fn width(text: &str) -> usize {
    text.chars().count() * 7 + 10
}

pub fn render(label: &str, message: &str, color: &str) -> String {
    let (lw, mw) = (width(label), width(message));
    let total = lw + mw;
    let (label, message) = (escape(label), escape(message));
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="20" role="img" aria-label="{label}: {message}"><title>{label}: {message}</title><linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient><clipPath id="r"><rect width="{total}" height="20" rx="3" fill="#fff"/></clipPath><g clip-path="url(#r)"><rect width="{lw}" height="20" fill="#555"/><rect x="{lw}" width="{mw}" height="20" fill="{color}"/><rect width="{total}" height="20" fill="url(#s)"/></g><g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11"><text x="{lx}" y="14">{label}</text><text x="{mx}" y="14">{message}</text></g></svg>"##,
        lx = lw / 2,
        mx = lw + mw / 2,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        let svg = render("a<b", "x\"&'y>", GREY);
        assert!(svg.contains("a&lt;b"));
        assert!(svg.contains("x&quot;&amp;&apos;y&gt;"));
        assert!(!svg.contains("a<b"));
    }
}
