//! Reading published skills for serving: which skill a path names, which version, whether it
//! may be installed and what its scans said.

use axum::http::StatusCode;
use serde::Serialize;
use skillvet_core::model::{Skill, SkillStatus, SkillVersion, Verdict};
use skillvet_core::store::Store;

use crate::error::{ApiError, ApiResult};

/// `owner/repo/skill`; owner and repository are case-insensitive like the rest of the API.
pub fn slug(owner: &str, repo: &str, skill: &str) -> String {
    format!(
        "{}/{}/{skill}",
        owner.to_ascii_lowercase(),
        repo.to_ascii_lowercase()
    )
}

pub async fn skill(store: &dyn Store, owner: &str, repo: &str, name: &str) -> ApiResult<Skill> {
    let slug = slug(owner, repo, name);
    store
        .skill_by_slug(&slug)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no published skill {slug}")))
}

pub async fn version(store: &dyn Store, skill: &Skill, version: &str) -> ApiResult<SkillVersion> {
    store
        .skill_versions(skill.id)
        .await?
        .into_iter()
        .find(|v| v.version == version)
        .ok_or_else(|| ApiError::not_found(format!("{} has no version {version:?}", skill.slug)))
}

/// One scanner's result, as install clients see it.
#[derive(Debug, Clone, Serialize)]
pub struct ScanSummary {
    pub tier: i32,
    pub scanner: String,
    pub scanner_version: String,
    pub verdict: Verdict,
    pub score: i32,
    pub findings: usize,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// The verdict of a version: the worst verdict of the latest verification run over its commit.
#[derive(Debug, Clone, Serialize)]
pub struct VersionVerdict {
    pub verdict: Verdict,
    pub run: i32,
    pub commit_sha: String,
    pub scans: Vec<ScanSummary>,
}

pub async fn verdict(
    store: &dyn Store,
    version: &SkillVersion,
) -> ApiResult<Option<VersionVerdict>> {
    let Some(detail) = store
        .submission_details(&[version.submission_id])
        .await?
        .pop()
    else {
        return Ok(None);
    };
    let of_commit: Vec<_> = detail
        .scan_results
        .iter()
        .filter(|r| r.commit_sha == version.commit_sha)
        .collect();
    let Some(run) = of_commit.iter().map(|r| r.run).max() else {
        return Ok(None);
    };
    let mut scans: Vec<ScanSummary> = of_commit
        .iter()
        .filter(|r| r.run == run)
        .map(|r| ScanSummary {
            tier: r.tier,
            scanner: r.scanner.clone(),
            scanner_version: r.scanner_version.clone(),
            verdict: r.verdict,
            score: r.score,
            findings: r.findings.as_array().map_or(0, Vec::len),
            at: r.at,
        })
        .collect();
    scans.sort_by(|a, b| (a.tier, &a.scanner).cmp(&(b.tier, &b.scanner)));
    let worst = scans
        .iter()
        .map(|s| s.verdict)
        .max()
        .unwrap_or(Verdict::Pass);
    Ok(Some(VersionVerdict {
        verdict: worst,
        run,
        commit_sha: version.commit_sha.clone(),
        scans,
    }))
}

/// Refuses to hand out a version that must not be installed, saying why.
pub fn ensure_installable(
    skill: &Skill,
    version: &SkillVersion,
    verdict: Option<&VersionVerdict>,
) -> ApiResult<()> {
    if skill.status != SkillStatus::Active {
        let (code, what) = match skill.status {
            SkillStatus::Quarantined => ("skill_quarantined", "quarantined by a reviewer"),
            SkillStatus::Withdrawn => ("skill_withdrawn", "withdrawn"),
            _ => ("skill_blocked", "blocked"),
        };
        return Err(ApiError::new(
            StatusCode::GONE,
            code,
            format!(
                "{} is {what} and is not served: {}",
                skill.slug,
                skill
                    .status_reason
                    .as_deref()
                    .unwrap_or("no reason recorded")
            ),
        ));
    }
    if version.yanked {
        return Err(ApiError::new(
            StatusCode::GONE,
            "version_yanked",
            format!(
                "version {} of {} was yanked: {}; the current version is {}",
                version.version,
                skill.slug,
                version
                    .yanked_reason
                    .as_deref()
                    .unwrap_or("no reason recorded"),
                skill.current_version
            ),
        ));
    }
    if verdict.is_some_and(|v| v.verdict == Verdict::Fail) {
        return Err(ApiError::new(
            StatusCode::GONE,
            "verification_failed",
            format!(
                "version {} of {} failed its latest scan and is not served",
                version.version, skill.slug
            ),
        ));
    }
    Ok(())
}
