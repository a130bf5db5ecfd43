//! `/skills/{owner}/{repo}/{skill}`: everything a person needs to decide whether to install.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use maud::{Markup, PreEscaped, html};
use serde_json::Value;
use skillvet_core::model::{PageRequest, ScanResult, SkillStatus, SubmissionDetail};

use super::layout::{Nav, html_response, page, state_badge, tier_badge, time};
use super::{WebError, WebResult, markdown};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::AppState;

/// Largest SKILL.md rendered inline; larger ones are linked, not rendered.
const MAX_RENDERED: usize = 256 * 1024;
const SEVERITIES: &[&str] = &["critical", "high", "medium", "low", "info"];

/// `http(s)://host` as the browser addressed us, for copyable install commands.
pub fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        })
        .unwrap_or("localhost");
    let local = host.starts_with("127.") || host.starts_with("localhost") || host.starts_with('[');
    format!("{}://{host}", if local { "http" } else { "https" })
}

pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    axum::extract::Path((owner, repo, name)): axum::extract::Path<(String, String, String)>,
) -> WebResult<Response> {
    let store = state.registry().store();
    let slug = format!(
        "{}/{}/{name}",
        owner.to_ascii_lowercase(),
        repo.to_ascii_lowercase()
    );
    let skill = store
        .skill_by_slug(&slug)
        .await?
        .ok_or_else(|| WebError(ApiError::not_found(format!("no published skill {slug}"))))?;
    let versions = store.skill_versions(skill.id).await?;
    let history = state
        .registry()
        .package_history(&owner, &repo, &name, PageRequest::first(50))
        .await?;
    let current = versions
        .iter()
        .find(|v| v.version == skill.current_version)
        .or(versions.first());
    let mut readme = None;
    if let Some(version) = current {
        let files = store.version_files(version.id).await?;
        if let Some(file) = files.iter().find(|f| f.path == "SKILL.md")
            && let Some(bytes) = store.blob(&file.sha256).await?
        {
            readme = Some(if bytes.len() <= MAX_RENDERED {
                markdown::render(&String::from_utf8_lossy(&bytes))
            } else {
                String::new()
            });
        }
    }
    let report = current.and_then(|v| {
        history
            .items
            .iter()
            .find(|d| d.submission.id == v.submission_id)
    });
    let base = base_url(&headers);
    let taken_down = skill.status != SkillStatus::Active;
    let moderation = crate::api::packages::moderation_of(&state, &history.slug).await?;
    // Signed-in readers get the report form, reviewers the moderation forms too (the page
    // is then private to them).
    let reviewer = caller.require_reviewer().is_ok();
    let forms = match caller.user() {
        Some(_) => {
            let secure = state.config().accounts.secure_cookies();
            Some(super::csrf::token(&headers, secure)?)
        }
        None => None,
    };
    let body = html! {
        nav.crumbs aria-label="Breadcrumb" {
            a href="/skills" { "Skills" } " / "
            a href={ "/skills?repo=" (skill.repository.owner) "/" (skill.repository.name) } {
                (skill.repository.owner) "/" (skill.repository.name)
            }
            " / " span aria-current="page" { (skill.name) }
        }
        h1 { (skill.display_name) }
        p.lead { (skill.description) }
        @if taken_down {
            div.alert role="alert" {
                strong { (match skill.status {
                    SkillStatus::Quarantined => "Quarantined. ",
                    SkillStatus::Withdrawn => "Withdrawn. ",
                    _ => "Blocked. ",
                }) }
                "This skill is not served"
                @if let Some(reason) = &skill.status_reason { ": " (reason) }
            }
        }
        div.grid {
            section aria-labelledby="trust-h" {
                h2 #trust-h { "Trust" }
                p { (tier_badge(skill.cert_tier)) " " strong { "score " (skill.cert_score) "/100" } " · " (skill.cert_method) " · certified " (time(skill.certified_at)) }
                (components(&skill.trust_components))
            }
            @if !taken_down {
                section aria-labelledby="install-h" {
                    h2 #install-h { "Install" }
                    p { label for="cmd-skills" { "With the skills CLI" } }
                    input #cmd-skills.cmd readonly value={ "npx skills add " (base) "/" (skill.repository.owner) "/" (skill.repository.name) " --skill " (skill.name) };
                    p { label for="cmd-skillvet" { "With skillvet (checks the verdict first)" } }
                    input #cmd-skillvet.cmd readonly value={ "skillvet install " (skill.slug) };
                }
            }
        }
        section aria-labelledby="about-h" {
            h2 #about-h { "About" }
            dl.facts {
                dt { "Repository" } dd { a href=(skill.repository.url) rel="nofollow noopener" { (skill.repository.url) } }
                dt { "Path" } dd { code { (skill.skill_path) } }
                @if let Some(author) = &skill.author { dt { "Author" } dd { (author) } }
                @if let Some(category) = &skill.category { dt { "Category" } dd { (category) } }
                @if !skill.labels.is_empty() { dt { "Tags" } dd { (skill.labels.join(", ")) } }
                dt { "Installs" } dd { (skill.install_count) }
            }
        }
        section aria-labelledby="versions-h" {
            h2 #versions-h { "Versions" }
            table {
                thead { tr { th scope="col" { "Version" } th scope="col" { "Commit" } th scope="col" { "Published" } th scope="col" { "Status" } } }
                tbody {
                    @for v in &versions {
                        tr {
                            td { (v.version) @if v.version == skill.current_version { " (current)" } }
                            td { code { (v.commit_sha.get(..12).unwrap_or(&v.commit_sha)) } }
                            td { (time(v.created_at)) }
                            td { @if v.yanked { "yanked" @if let Some(r) = &v.yanked_reason { ": " (r) } } @else { "served" } }
                        }
                    }
                }
            }
        }
        section aria-labelledby="report-h" {
            h2 #report-h { "Latest security report" }
            @match report {
                Some(detail) => (security_report(detail)),
                None => p { "No report is recorded for the current version." },
            }
        }
        section aria-labelledby="history-h" {
            h2 #history-h { "Verification history" }
            (verification_history(&history.items))
        }
        section aria-labelledby="moderation-h" {
            h2 #moderation-h { "Moderation history" }
            p.muted { "What reviewers and administrators did to this skill, and why." }
            (super::admin::audit_table(&moderation))
        }
        @if let Some((token, _)) = &forms {
            @if reviewer { (super::admin::skill_forms(&skill, token)) }
            (super::admin::report_form(&skill, token))
        }
        section aria-labelledby="readme-h" {
            h2 #readme-h { "SKILL.md" }
            @match &readme {
                Some(html) if !html.is_empty() => article.markdown { (PreEscaped(html)) },
                Some(_) => p { "SKILL.md is too large to show here." },
                None => p { "No SKILL.md stored for this version." },
            }
        }
    };
    let mut response = html_response(StatusCode::OK, page(&skill.display_name, Nav::Skills, body));
    if let Some((_, cookie)) = forms {
        super::admin::private_headers(&mut response, cookie);
    }
    Ok(response)
}

fn components(value: &Value) -> Markup {
    let Some(map) = value.as_object().filter(|m| !m.is_empty()) else {
        return html! {};
    };
    html! {
        table.components {
            caption { "Score components" }
            tbody {
                @for (key, v) in map {
                    tr { th scope="row" { (key.replace('_', " ")) } td { (plain(v)) } }
                }
            }
        }
    }
}

fn plain(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn findings_of(result: &ScanResult) -> Vec<&Value> {
    result
        .findings
        .as_array()
        .map(|a| a.iter().collect())
        .unwrap_or_default()
}

/// The scan results of one submission: verdict per scanner, findings by severity.
pub fn security_report(detail: &SubmissionDetail) -> Markup {
    let run = detail.scan_results.iter().map(|r| r.run).max().unwrap_or(1);
    let results: Vec<&ScanResult> = detail
        .scan_results
        .iter()
        .filter(|r| r.run == run)
        .collect();
    let findings: Vec<(&ScanResult, &Value)> = results
        .iter()
        .flat_map(|r| findings_of(r).into_iter().map(move |f| (*r, f)))
        .collect();
    html! {
        p { "Submission " a href={ "/submit/" (detail.submission.id) } { "#" (detail.submission.id) } " · " (state_badge(detail.submission.state))
            @if let Some(sha) = &detail.submission.commit_sha { " · commit " code { (sha.get(..12).unwrap_or(sha)) } } }
        @if results.is_empty() {
            p { "No scan has finished yet." }
        } @else {
            table {
                caption { "Scanners" }
                thead { tr { th scope="col" { "Tier" } th scope="col" { "Scanner" } th scope="col" { "Verdict" } th scope="col" { "Score" } th scope="col" { "Findings" } } }
                tbody {
                    @for r in &results {
                        tr { td { (r.tier) } td { (r.scanner) " " (r.scanner_version) } td { (r.verdict.as_str()) } td { (r.score) } td { (findings_of(r).len()) } }
                    }
                }
            }
            @if findings.is_empty() {
                p.good { "No findings." }
            }
            @for severity in SEVERITIES {
                @let group: Vec<_> = findings.iter().filter(|(_, f)| f["severity"].as_str() == Some(severity)).collect();
                @if !group.is_empty() {
                    h3 class={ "sev sev-" (severity) } { (severity) " (" (group.len()) ")" }
                    ul.findings {
                        @for (result, f) in group {
                            li {
                                code { (f["file"].as_str().unwrap_or("?")) ":" (f["line"].as_u64().unwrap_or(0)) }
                                " " strong { (f["message"].as_str().unwrap_or("")) }
                                " " span.muted { (f["rule_id"].as_str().unwrap_or("")) " · " (f["confidence"].as_str().unwrap_or("")) " confidence · tier " (result.tier) " " (result.scanner) }
                                @if let Some(e) = f["evidence"].as_str().filter(|e| !e.is_empty()) { pre { code { (e) } } }
                            }
                        }
                    }
                }
            }
        }
    }
}

pub fn verification_history(items: &[SubmissionDetail]) -> Markup {
    html! {
        @if items.is_empty() { p { "Nothing recorded." } }
        ol.history {
            @for d in items {
                li {
                    a href={ "/submit/" (d.submission.id) } { "#" (d.submission.id) } " "
                    (state_badge(d.submission.state)) " · submitted " (time(d.submission.created_at))
                    @if let Some(reason) = &d.submission.state_reason { " · " (reason) }
                    details {
                        summary { (d.events.len()) " state changes" }
                        ol {
                            @for e in &d.events {
                                li { (time(e.at)) " " @if let Some(from) = e.from_state { (from.as_str()) " → " } (e.to_state.as_str()) " (" (e.trigger) ", " (e.actor.id) ")" @if let Some(r) = &e.reason { ": " (r) } }
                            }
                        }
                    }
                }
            }
        }
    }
}
