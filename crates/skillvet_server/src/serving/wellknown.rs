//! The well-known skills layout read by the `skills` CLI (`npx skills add <url>`):
//! `/.well-known/skills/index.json` lists `{"skills":[{"name","description","files"}]}` and
//! each file is at `/.well-known/skills/{name}/{path}`; the same under `/{owner}/{repo}/` for
//! one repository.
//!
//! Only installable skills are listed: PUBLISHED and ACTIVE (not blocked), at their current
//! version unless it is yanked (then the newest version that is not).
//!
//! **Name collisions.** Install clients put a skill in a folder named after it, so a name in
//! the global index must mean one skill. A name published by more than one repository is
//! left out of the global index altogether (no first-come winner: that would reward name
//! squatting); each of those skills stays installable from its repository's own index,
//! `/{owner}/{repo}/.well-known/skills/`, where names are unique. Skills whose name the CLI
//! would reject (it drops the whole index for one bad entry) are never listed.
//!
//! Files are looked up by exact path in the version's stored file list and read from the
//! blob store: no filesystem is involved, so no path can escape. Contents are served with
//! inert content types (never HTML or SVG), `nosniff` and a sandboxing CSP.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use serde_json::{Value, json};
use skillvet_core::serving::{ServedFilter, ServedSkill};

use super::http_cache;
use crate::error::{ApiError, ApiResult};
use crate::extract::Path;
use crate::state::AppState;

/// What the `skills` CLI accepts as a name (`^[a-z0-9-]+$`, 1–64, no leading, trailing or
/// double hyphen).
pub fn valid_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-')
        && !name.contains("--")
}

fn listable(served: &ServedSkill) -> bool {
    valid_name(&served.skill.name)
        && !served.skill.description.trim().is_empty()
        && served.files.iter().any(|f| f.path == "SKILL.md")
}

/// Served skills with a name no other served skill has.
fn unique_names(all: Vec<ServedSkill>) -> Vec<ServedSkill> {
    let mut count: HashMap<String, usize> = HashMap::new();
    for s in &all {
        *count.entry(s.skill.name.clone()).or_default() += 1;
    }
    all.into_iter()
        .filter(|s| count[&s.skill.name] == 1)
        .collect()
}

fn index(served: &[ServedSkill]) -> Value {
    let mut skills: Vec<&ServedSkill> = served.iter().filter(|s| listable(s)).collect();
    skills.sort_by(|a, b| a.skill.name.cmp(&b.skill.name));
    let entries: Vec<Value> = skills
        .iter()
        .map(|s| {
            json!({
                "name": s.skill.name,
                "description": s.skill.description,
                "files": s.files.iter().map(|f| f.path.as_str()).collect::<Vec<_>>(),
                "skillvet": {
                    "slug": s.skill.slug,
                    "version": s.version.version,
                    "cert_tier": s.skill.cert_tier,
                    "trust_score": s.skill.cert_score,
                },
            })
        })
        .collect();
    json!({ "skills": entries })
}

fn repository_filter(owner: &str, repo: &str) -> (String, String) {
    (owner.to_ascii_lowercase(), repo.to_ascii_lowercase())
}

pub async fn global_index(
    State(state): State<AppState>,
    request: HeaderMap,
) -> ApiResult<Response> {
    let all = state
        .registry()
        .store()
        .served_skills(&ServedFilter::default())
        .await?;
    Ok(http_cache::json(&request, &index(&unique_names(all))))
}

pub async fn repository_index(
    State(state): State<AppState>,
    Path((owner, repo)): Path<(String, String)>,
    request: HeaderMap,
) -> ApiResult<Response> {
    let filter = ServedFilter {
        repository: Some(repository_filter(&owner, &repo)),
        name: None,
    };
    let served = state.registry().store().served_skills(&filter).await?;
    if served.is_empty() {
        return Err(ApiError::not_found(format!(
            "repository {}/{} has no installable skills",
            filter.repository.as_ref().map_or("", |r| r.0.as_str()),
            filter.repository.as_ref().map_or("", |r| r.1.as_str())
        )));
    }
    Ok(http_cache::json(&request, &index(&served)))
}

pub async fn global_file(
    State(state): State<AppState>,
    Path((name, path)): Path<(String, String)>,
    request: HeaderMap,
) -> ApiResult<Response> {
    let filter = ServedFilter {
        repository: None,
        name: Some(name.clone()),
    };
    let served = state.registry().store().served_skills(&filter).await?;
    let mut unique = unique_names(served);
    match unique.pop() {
        Some(skill) if listable(&skill) => file(&state, &skill, &path, &request).await,
        _ => Err(ApiError::not_found(format!(
            "no skill {name:?} in the global index (names published by several repositories \
             are served only under /{{owner}}/{{repo}}/.well-known/skills/)"
        ))),
    }
}

pub async fn repository_file(
    State(state): State<AppState>,
    Path((owner, repo, name, path)): Path<(String, String, String, String)>,
    request: HeaderMap,
) -> ApiResult<Response> {
    let filter = ServedFilter {
        repository: Some(repository_filter(&owner, &repo)),
        name: Some(name.clone()),
    };
    let mut served = state.registry().store().served_skills(&filter).await?;
    match served.pop() {
        Some(skill) if listable(&skill) => file(&state, &skill, &path, &request).await,
        _ => Err(ApiError::not_found(format!(
            "no installable skill {name:?} in {owner}/{repo}"
        ))),
    }
}

async fn file(
    state: &AppState,
    served: &ServedSkill,
    path: &str,
    request: &HeaderMap,
) -> ApiResult<Response> {
    let missing = || {
        ApiError::not_found(format!(
            "{} version {} has no file {path:?}",
            served.skill.slug, served.version.version
        ))
    };
    let entry = served
        .files
        .iter()
        .find(|f| f.path == path)
        .ok_or_else(missing)?;
    let content = state
        .registry()
        .store()
        .blob(&entry.sha256)
        .await?
        .ok_or_else(|| ApiError::internal_message(format!("blob {} is missing", entry.sha256)))?;
    let mut extra = HeaderMap::new();
    extra.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    if let Ok(slug) = HeaderValue::from_str(&served.skill.slug) {
        extra.insert("x-skillvet-skill", slug);
    }
    if let Ok(version) = HeaderValue::from_str(&served.version.version) {
        extra.insert("x-skillvet-version", version);
    }
    let content_type = content_type(path, &content);
    Ok(http_cache::cached(
        request,
        content_type,
        http_cache::SHORT,
        extra,
        content,
    ))
}

/// An inert content type: text stays text (Markdown, JSON, plain), everything else is bytes.
pub fn content_type(path: &str, content: &[u8]) -> &'static str {
    let extension = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let text = std::str::from_utf8(content).is_ok();
    match extension.as_str() {
        "md" | "markdown" if text => "text/markdown; charset=utf-8",
        "json" if text => "application/json",
        _ if text => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_cli_accepts() {
        for ok in ["pdf", "md-tables", "a1"] {
            assert!(valid_name(ok), "{ok}");
        }
        for bad in ["", "-x", "x-", "a--b", "Pdf", "a/b", "a.b", &"x".repeat(65)] {
            assert!(!valid_name(bad), "{bad}");
        }
    }

    #[test]
    fn active_content_is_never_served_as_such() {
        assert_eq!(
            content_type("SKILL.md", b"# x"),
            "text/markdown; charset=utf-8"
        );
        assert_eq!(
            content_type("x.html", b"<script>"),
            "text/plain; charset=utf-8"
        );
        assert_eq!(
            content_type("logo.svg", b"<svg/>"),
            "text/plain; charset=utf-8"
        );
        assert_eq!(
            content_type("a.png", &[0x89, 0xff, 0xfe]),
            "application/octet-stream"
        );
    }
}
