//! `GET /api/v1/skills/{owner}/{repo}/{skill}[/versions/{version}[/download]]`.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use serde_json::{Value, json};
use skillvet_core::model::{Skill, SkillVersion, VersionFile};

use super::catalog::{self, VersionVerdict};
use super::http_cache;
use super::tarball;
use crate::error::ApiResult;
use crate::extract::Path;
use crate::state::AppState;

fn base(skill: &Skill) -> String {
    format!("/api/v1/skills/{}", skill.slug)
}

fn version_json(skill: &Skill, version: &SkillVersion) -> Value {
    json!({
        "version": version.version,
        "commit_sha": version.commit_sha,
        "tree_hash": version.tree_hash,
        "yanked": version.yanked,
        "yanked_reason": version.yanked_reason,
        // The verification that published it: its scan results and history are public.
        "submission_id": version.submission_id,
        "created_at": version.created_at,
        "url": format!("{}/versions/{}", base(skill), version.version),
        "download_url": format!("{}/versions/{}/download", base(skill), version.version),
    })
}

fn skill_json(skill: &Skill) -> Value {
    json!({
        "slug": skill.slug,
        "owner": skill.repository.owner,
        "repo": skill.repository.name,
        "name": skill.name,
        "display_name": skill.display_name,
        "description": skill.description,
        "author": skill.author,
        "repository_url": skill.repository.url,
        "skill_path": skill.skill_path,
        "category": skill.category,
        "labels": skill.labels,
        "status": skill.status,
        "status_reason": skill.status_reason,
        "cert_tier": skill.cert_tier,
        "cert_method": skill.cert_method,
        "trust_score": skill.cert_score,
        "trust_components": skill.trust_components,
        "certified_at": skill.certified_at,
        "current_version": skill.current_version,
        "install_count": skill.install_count,
        "created_at": skill.created_at,
        "updated_at": skill.updated_at,
        "badge_url": format!("/badges/{}.svg", skill.slug),
    })
}

pub async fn detail(
    State(state): State<AppState>,
    Path((owner, repo, name)): Path<(String, String, String)>,
    request: HeaderMap,
) -> ApiResult<Response> {
    let store = state.registry().store().as_ref();
    let skill = catalog::skill(store, &owner, &repo, &name).await?;
    let versions = store.skill_versions(skill.id).await?;
    let current = versions.iter().find(|v| v.version == skill.current_version);
    let latest_scan = match current {
        Some(v) => catalog::verdict(store, v).await?,
        None => None,
    };
    let mut body = skill_json(&skill);
    body["versions"] = versions.iter().map(|v| version_json(&skill, v)).collect();
    body["latest_scan"] = json!(latest_scan);
    Ok(http_cache::json(&request, &body))
}

pub async fn version(
    State(state): State<AppState>,
    Path((owner, repo, name, version)): Path<(String, String, String, String)>,
    request: HeaderMap,
) -> ApiResult<Response> {
    let store = state.registry().store().as_ref();
    let skill = catalog::skill(store, &owner, &repo, &name).await?;
    let version = catalog::version(store, &skill, &version).await?;
    let verdict = catalog::verdict(store, &version).await?;
    let files: Vec<VersionFile> = store.version_files(version.id).await?;
    let installable = catalog::ensure_installable(&skill, &version, verdict.as_ref()).is_ok();
    let mut body = version_json(&skill, &version);
    body["skill"] = json!(skill.slug);
    body["status"] = json!(skill.status);
    body["cert_tier"] = json!(skill.cert_tier);
    body["trust_score"] = json!(skill.cert_score);
    body["manifest"] = version.manifest.clone();
    body["files"] = json!(files);
    body["verdict"] = json!(verdict);
    body["installable"] = json!(installable);
    if installable {
        let archive = tarball::of_version(store, &skill.name, version.id).await?;
        body["tarball_sha256"] = json!(hex::encode(sha2::Sha256::digest(&archive)));
    }
    Ok(http_cache::json(&request, &body))
}

use sha2::Digest as _;

/// The version as a deterministic `.tar.gz`, with its sha256 and verdict in the headers.
pub async fn download(
    State(state): State<AppState>,
    Path((owner, repo, name, version)): Path<(String, String, String, String)>,
    request: HeaderMap,
) -> ApiResult<Response> {
    let store = state.registry().store().as_ref();
    let skill = catalog::skill(store, &owner, &repo, &name).await?;
    let version = catalog::version(store, &skill, &version).await?;
    let verdict = catalog::verdict(store, &version).await?;
    catalog::ensure_installable(&skill, &version, verdict.as_ref())?;
    let archive = tarball::of_version(store, &skill.name, version.id).await?;
    let headers = download_headers(&skill, &version, verdict.as_ref(), &archive);
    Ok(http_cache::cached(
        &request,
        "application/gzip",
        http_cache::SHORT,
        headers,
        archive,
    ))
}

fn download_headers(
    skill: &Skill,
    version: &SkillVersion,
    verdict: Option<&VersionVerdict>,
    archive: &[u8],
) -> HeaderMap {
    use base64::Engine as _;
    let digest = sha2::Sha256::digest(archive);
    let mut headers = HeaderMap::new();
    let mut set = |name: &'static str, value: String| {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    };
    set("x-skillvet-sha256", hex::encode(digest));
    // RFC 3230 instance digest, as `Digest: sha-256=<base64>`.
    set(
        "digest",
        format!(
            "sha-256={}",
            base64::engine::general_purpose::STANDARD.encode(digest)
        ),
    );
    set(
        "x-skillvet-verdict",
        verdict.map_or("UNKNOWN".into(), |v| v.verdict.to_string()),
    );
    set("x-skillvet-cert-tier", skill.cert_tier.to_string());
    set("x-skillvet-trust-score", skill.cert_score.to_string());
    set("x-skillvet-version", version.version.clone());
    set("x-skillvet-commit", version.commit_sha.clone());
    set(
        header::CONTENT_DISPOSITION.as_str(),
        format!(
            "attachment; filename=\"{}-{}.tar.gz\"",
            sanitize(&skill.name),
            sanitize(&version.version)
        ),
    );
    headers
}

/// Keeps a file name to `[A-Za-z0-9._-]`.
fn sanitize(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect()
}
