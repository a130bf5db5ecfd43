//! Turning rows into domain records, written once for both backends over [`Cells`]: each
//! backend only says how it reads a column of each basic type.

use std::fmt::Display;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde_json::Value;
use skillvet_core::accounts::Session;
use skillvet_core::model::{
    Actor, ApiToken, RepoRef, ScanResult, Skill, SkillSummary, SkillVersion, StateEvent,
    Submission, User,
};
use skillvet_core::store::StoreResult;

use crate::tx::corrupt;

pub trait Cells {
    fn text(&self, column: &str) -> StoreResult<String>;
    fn opt_text(&self, column: &str) -> StoreResult<Option<String>>;
    fn int(&self, column: &str) -> StoreResult<i32>;
    fn big(&self, column: &str) -> StoreResult<i64>;
    fn opt_big(&self, column: &str) -> StoreResult<Option<i64>>;
    fn float(&self, column: &str) -> StoreResult<f64>;
    fn flag(&self, column: &str) -> StoreResult<bool>;
    fn time(&self, column: &str) -> StoreResult<DateTime<Utc>>;
    fn opt_time(&self, column: &str) -> StoreResult<Option<DateTime<Utc>>>;
    fn json(&self, column: &str) -> StoreResult<Value>;

    fn parsed<T: FromStr>(&self, column: &str) -> StoreResult<T>
    where
        T::Err: Display,
    {
        let text = self.text(column)?;
        text.parse().map_err(|e| corrupt(format!("{column}: {e}")))
    }
}

/// Columns read by [`submission`]; `s` is submissions, `r` its repository.
macro_rules! submission_select {
    () => {
        "SELECT s.id, r.owner, r.name AS repo_name, r.url, s.skill_name, s.skill_path, \
         s.requested_ref, s.commit_sha, s.state, s.state_reason, s.priority, s.submitter, \
         s.submitter_kind, s.run, s.created_at, s.updated_at \
         FROM submissions s JOIN repositories r ON r.id = s.repository_id "
    };
}
pub(crate) use submission_select;

/// The pending submission of a skill folder, found through the unique index on active
/// submissions without a write transaction; `$1..$4` are owner, name, url, skill_path.
macro_rules! pending_duplicate_select {
    () => {
        concat!(
            submission_select!(),
            "WHERE r.owner = $1 AND r.name = $2 AND r.url = $3 AND s.skill_path = $4 \
             AND s.state IN ('RECEIVED', 'TIER1_SCANNING', 'TIER1_FAILED', 'TIER2_SCANNING', \
             'AUTO_APPROVED', 'NEEDS_REVIEW', 'ON_HOLD', 'RESCAN_REQUIRED')"
        )
    };
}
pub(crate) use pending_duplicate_select;

/// Columns read by [`skill`]; `k` is skills, `r` its repository.
macro_rules! skill_select {
    () => {
        "SELECT k.*, r.owner, r.name AS repo_name, r.url \
         FROM skills k JOIN repositories r ON r.id = k.repository_id "
    };
}
pub(crate) use skill_select;

fn repo(row: &impl Cells) -> StoreResult<RepoRef> {
    Ok(RepoRef {
        owner: row.text("owner")?,
        name: row.text("repo_name")?,
        url: row.text("url")?,
    })
}

pub fn submission(row: &impl Cells) -> StoreResult<Submission> {
    Ok(Submission {
        id: row.big("id")?,
        repository: repo(row)?,
        skill_name: row.text("skill_name")?,
        skill_path: row.text("skill_path")?,
        requested_ref: row.opt_text("requested_ref")?,
        commit_sha: row.opt_text("commit_sha")?,
        state: row.parsed("state")?,
        state_reason: row.opt_text("state_reason")?,
        priority: row.int("priority")?,
        submitter: Actor {
            kind: row.parsed("submitter_kind")?,
            id: row.text("submitter")?,
        },
        run: row.int("run")?,
        created_at: row.time("created_at")?,
        updated_at: row.time("updated_at")?,
    })
}

pub fn event(row: &impl Cells) -> StoreResult<StateEvent> {
    let from = row.opt_text("from_state")?;
    Ok(StateEvent {
        id: row.big("id")?,
        submission_id: row.big("submission_id")?,
        from_state: from.map(|s| s.parse()).transpose().map_err(corrupt)?,
        to_state: row.parsed("to_state")?,
        trigger: row.text("trigger_name")?,
        actor: Actor {
            kind: row.parsed("actor_kind")?,
            id: row.text("actor")?,
        },
        reason: row.opt_text("reason")?,
        metadata: row.json("metadata")?,
        at: row.time("at")?,
    })
}

pub fn scan_result(row: &impl Cells) -> StoreResult<ScanResult> {
    Ok(ScanResult {
        id: row.big("id")?,
        submission_id: row.big("submission_id")?,
        tier: row.int("tier")?,
        scanner: row.text("scanner")?,
        scanner_version: row.text("scanner_version")?,
        verdict: row.parsed("verdict")?,
        score: row.int("score")?,
        findings: row.json("findings")?,
        dependency_risk: row.json("dependency_risk")?,
        script_scan_summary: row.json("script_scan_summary")?,
        commit_sha: row.text("commit_sha")?,
        duration_ms: row.big("duration_ms")?,
        run: row.int("run")?,
        at: row.time("at")?,
    })
}

pub fn skill(row: &impl Cells) -> StoreResult<Skill> {
    let labels = row.json("labels")?;
    Ok(Skill {
        id: row.big("id")?,
        slug: row.text("slug")?,
        name: row.text("name")?,
        display_name: row.text("display_name")?,
        description: row.text("description")?,
        author: row.opt_text("author")?,
        repository: repo(row)?,
        skill_path: row.text("skill_path")?,
        category: row.opt_text("category")?,
        labels: serde_json::from_value(labels).map_err(|e| corrupt(format!("labels: {e}")))?,
        status: row.parsed("status")?,
        status_reason: row.opt_text("status_reason")?,
        cert_tier: row.parsed("cert_tier")?,
        cert_method: row.text("cert_method")?,
        cert_score: row.int("cert_score")?,
        trust_components: row.json("trust_components")?,
        certified_at: row.time("certified_at")?,
        current_version: row.text("current_version")?,
        trending_score: row.float("trending_score")?,
        install_count: row.big("install_count")?,
        created_at: row.time("created_at")?,
        updated_at: row.time("updated_at")?,
    })
}

pub fn skill_summary(row: &impl Cells) -> StoreResult<SkillSummary> {
    Ok(SkillSummary {
        id: row.big("id")?,
        slug: row.text("slug")?,
        name: row.text("name")?,
        description: row.text("description")?,
        cert_tier: row.parsed("cert_tier")?,
        cert_score: row.int("cert_score")?,
        current_version: row.text("current_version")?,
        status: row.parsed("status")?,
    })
}

pub fn skill_version(row: &impl Cells) -> StoreResult<SkillVersion> {
    Ok(SkillVersion {
        id: row.big("id")?,
        skill_id: row.big("skill_id")?,
        version: row.text("version")?,
        commit_sha: row.text("commit_sha")?,
        tree_hash: row.text("tree_hash")?,
        manifest: row.json("manifest")?,
        submission_id: row.big("submission_id")?,
        yanked: row.flag("yanked")?,
        yanked_reason: row.opt_text("yanked_reason")?,
        created_at: row.time("created_at")?,
    })
}

/// Columns read by [`user`], from `users u`.
macro_rules! user_columns {
    () => {
        "u.id AS user_id, u.login, u.role, u.created_at AS user_created_at, u.github_id, \
         u.avatar_url, u.github_orgs"
    };
}
pub(crate) use user_columns;

pub fn user(row: &impl Cells) -> StoreResult<User> {
    let orgs = row.json("github_orgs")?;
    Ok(User {
        id: row.big("user_id")?,
        login: row.text("login")?,
        role: row.parsed("role")?,
        created_at: row.time("user_created_at")?,
        github_id: row.opt_big("github_id")?,
        avatar_url: row.opt_text("avatar_url")?,
        github_orgs: serde_json::from_value(orgs)
            .map_err(|e| corrupt(format!("github_orgs: {e}")))?,
    })
}

pub fn session(row: &impl Cells) -> StoreResult<Session> {
    Ok(Session {
        id: row.big("id")?,
        user_id: row.big("user_id")?,
        created_at: row.time("created_at")?,
        last_seen_at: row.time("last_seen_at")?,
        expires_at: row.time("expires_at")?,
        revoked_at: row.opt_time("revoked_at")?,
        ip: row.opt_text("ip")?,
    })
}

pub fn api_token(row: &impl Cells) -> StoreResult<ApiToken> {
    let scopes = row.json("scopes")?;
    Ok(ApiToken {
        id: row.big("id")?,
        user_id: row.big("user_id")?,
        name: row.text("name")?,
        scopes: serde_json::from_value(scopes).map_err(|e| corrupt(format!("scopes: {e}")))?,
        created_at: row.time("created_at")?,
        expires_at: row.opt_time("expires_at")?,
        revoked_at: row.opt_time("revoked_at")?,
        last_used_at: row.opt_time("last_used_at")?,
        last_used_ip: row.opt_text("last_used_ip")?,
    })
}

/// `(category, count)` rows of the category facet, as both backends select them.
pub fn category_counts(found: Vec<(String, i64)>) -> Vec<skillvet_core::search::CategoryCount> {
    found
        .into_iter()
        .map(|(name, count)| skillvet_core::search::CategoryCount {
            name,
            count: count.max(0) as u64,
        })
        .collect()
}

pub fn audit_event(row: &impl Cells) -> StoreResult<skillvet_core::moderation::AuditEvent> {
    Ok(skillvet_core::moderation::AuditEvent {
        id: row.big("id")?,
        actor: Actor {
            kind: row.parsed("actor_kind")?,
            id: row.text("actor")?,
        },
        actor_role: row.text("actor_role")?,
        action: row.parsed("action")?,
        target_kind: row.text("target_kind")?,
        target: row.text("target")?,
        package: row.opt_text("package")?,
        reason: row.opt_text("reason")?,
        before: row.json("before_state")?,
        after: row.json("after_state")?,
        at: row.time("at")?,
    })
}

pub fn moderation_request(
    row: &impl Cells,
) -> StoreResult<skillvet_core::moderation::ModerationRequest> {
    Ok(skillvet_core::moderation::ModerationRequest {
        id: row.big("id")?,
        kind: row.parsed("kind")?,
        package: row.text("package")?,
        submission_id: row.opt_big("submission_id")?,
        category: row.text("category")?,
        message: row.text("message")?,
        author: Actor {
            kind: row.parsed("author_kind")?,
            id: row.text("author")?,
        },
        status: row.parsed("status")?,
        created_at: row.time("created_at")?,
        resolved_at: row.opt_time("resolved_at")?,
        resolved_by: row.opt_text("resolved_by")?,
        resolution: row.opt_text("resolution")?,
    })
}
