//! `skillvet info owner/repo/skill`: what the registry knows of a skill before you install
//! it — trust tier and score, versions, and the security report of a version with every
//! finding (rule, severity, file:line, explanation).

use serde_json::{Value, json};

use crate::api::{ApiError, Server, parse_package, printable};

#[derive(Debug, Clone, clap::Args)]
pub struct InfoArgs {
    /// The skill, as `owner/repo/skill`.
    pub package: String,
    /// Version to report on (default: the current version).
    #[arg(long)]
    pub version: Option<String>,
    /// Print the collected JSON (skill, version, findings) instead of text.
    #[arg(long)]
    pub json: bool,
    /// Base URL of the skillvet server.
    #[arg(long, env = "SKILLVET_SERVER", default_value = "http://127.0.0.1:8080")]
    pub server: String,
}

#[derive(Debug, thiserror::Error)]
pub enum InfoError {
    #[error("invalid package {0:?}: expected owner/repo/skill")]
    InvalidPackage(String),
    #[error(transparent)]
    Api(#[from] ApiError),
}

/// The skill, the chosen version and the findings of that version's latest verification run.
pub async fn info(http: &reqwest::Client, args: &InfoArgs) -> Result<Value, InfoError> {
    let [owner, repo, name] = parse_package(&args.package)
        .ok_or_else(|| InfoError::InvalidPackage(args.package.clone()))?;
    let server = Server::new(http.clone(), &args.server, None)?;
    let skill_path = format!("/api/v1/skills/{owner}/{repo}/{name}");
    let skill = server.get_json(&skill_path).await?;
    let version_name = match &args.version {
        Some(v) => v.clone(),
        None => skill["current_version"].as_str().unwrap_or("").to_owned(),
    };
    let version = server
        .get_json(&format!("{skill_path}/versions/{version_name}"))
        .await?;
    // The findings live on the verification submission; only its latest run over this
    // version's commit counts (the same scans the verdict is made of).
    let mut findings = Vec::new();
    if let (Some(id), Some(run)) = (
        version["submission_id"].as_i64(),
        version["verdict"]["run"].as_i64(),
    ) {
        let detail = server
            .get_json(&format!("/api/v1/submissions/{id}"))
            .await?;
        let commit = version["commit_sha"].as_str();
        for result in detail["scan_results"].as_array().into_iter().flatten() {
            if result["run"].as_i64() != Some(run) || result["commit_sha"].as_str() != commit {
                continue;
            }
            for f in result["findings"].as_array().into_iter().flatten() {
                let mut f = f.clone();
                f["scanner"] = result["scanner"].clone();
                f["tier"] = result["tier"].clone();
                findings.push(f);
            }
        }
    }
    findings.sort_by_key(|f| std::cmp::Reverse(severity_rank(&f["severity"])));
    Ok(json!({
        "skill": skill,
        "version": version,
        "findings": findings,
        "install": {
            "skillvet": format!("skillvet install {owner}/{repo}/{name} --server {}", server.base()),
            "skills_cli": format!("npx skills add {}/{owner}/{repo}", server.base()),
        },
        "page": format!("{}/skills/{owner}/{repo}/{name}", server.base()),
    }))
}

fn severity_rank(severity: &Value) -> u8 {
    match severity.as_str().map(str::to_ascii_lowercase).as_deref() {
        Some("critical") => 4,
        Some("high") => 3,
        Some("medium") => 2,
        Some("low") => 1,
        _ => 0,
    }
}

fn text<'a>(value: &'a Value, key: &str) -> &'a str {
    value[key].as_str().unwrap_or("")
}

/// The collected JSON as text for a terminal; every server string is made printable.
pub fn render(info: &Value) -> String {
    let (skill, version) = (&info["skill"], &info["version"]);
    let p = |s: &str| printable(s, 300);
    let mut out = format!(
        "{} — {}\n",
        p(text(skill, "slug")),
        p(text(skill, "description"))
    );
    out.push_str(&format!(
        "  {} {}/100, status {}, {} installs\n",
        p(text(skill, "cert_tier")),
        skill["trust_score"].as_i64().unwrap_or(0),
        p(text(skill, "status")),
        skill["install_count"].as_i64().unwrap_or(0),
    ));
    if let Some(reason) = skill["status_reason"].as_str() {
        out.push_str(&format!("  reason: {}\n", p(reason)));
    }
    out.push_str(&format!(
        "  repository {} ({})\n",
        p(text(skill, "repository_url")),
        p(text(skill, "skill_path"))
    ));
    let versions: Vec<String> = skill["versions"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|v| {
            let name = p(text(v, "version"));
            if v["yanked"] == true {
                format!("{name} (yanked)")
            } else {
                name
            }
        })
        .collect();
    out.push_str(&format!("  versions: {}\n", versions.join(", ")));
    let commit: String = text(version, "commit_sha").chars().take(12).collect();
    out.push_str(&format!(
        "version {} at commit {}{}\n",
        p(text(version, "version")),
        p(&commit),
        if version["installable"] == true {
            ", installable"
        } else {
            ", NOT installable"
        }
    ));
    if version["yanked"] == true {
        out.push_str(&format!(
            "  yanked: {}\n",
            p(version["yanked_reason"]
                .as_str()
                .unwrap_or("no reason given"))
        ));
    }
    let verdict = &version["verdict"];
    out.push_str(&format!(
        "  verdict {} (verification run {})\n",
        p(verdict["verdict"].as_str().unwrap_or("UNKNOWN")),
        verdict["run"].as_i64().unwrap_or(0)
    ));
    for scan in verdict["scans"].as_array().into_iter().flatten() {
        out.push_str(&format!(
            "    tier {} {:<20} {:<8} {:>3}/100  {} finding(s)\n",
            scan["tier"].as_i64().unwrap_or(0),
            p(text(scan, "scanner")),
            p(text(scan, "verdict")),
            scan["score"].as_i64().unwrap_or(0),
            scan["findings"].as_i64().unwrap_or(0),
        ));
    }
    let findings = info["findings"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    if !findings.is_empty() {
        out.push_str("findings:\n");
    }
    for f in findings {
        out.push_str(&format!(
            "  {:<8} {} {}:{}  {}\n",
            p(text(f, "severity")).to_ascii_lowercase(),
            p(text(f, "rule_id")),
            p(text(f, "file")),
            f["line"].as_u64().unwrap_or(0),
            p(text(f, "message")),
        ));
    }
    out.push_str(&format!(
        "install: {}\n     or: {}\npage: {}\n",
        p(text(&info["install"], "skillvet")),
        p(text(&info["install"], "skills_cli")),
        p(text(info, "page")),
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_are_listed_worst_first_and_made_printable() {
        let mut findings = vec![
            json!({"severity": "LOW", "rule_id": "SV-T1-SUDO", "file": "SKILL.md", "line": 3,
                   "message": "sudo"}),
            json!({"severity": "HIGH", "rule_id": "SV-T2-NET", "file": "scripts/a.py",
                   "line": 9, "message": "opens a socket\u{1b}[2J"}),
        ];
        findings.sort_by_key(|f| std::cmp::Reverse(severity_rank(&f["severity"])));
        let info = json!({
            "skill": {"slug": "acme/t/x", "description": "d", "cert_tier": "SCANNED",
                      "trust_score": 70, "status": "ACTIVE", "versions": [
                          {"version": "1", "yanked": true}, {"version": "2"}]},
            "version": {"version": "2", "commit_sha": "0123456789abcdef", "installable": true,
                        "verdict": {"verdict": "CONCERNS", "run": 2, "scans": []}},
            "findings": findings,
            "install": {"skillvet": "skillvet install acme/t/x", "skills_cli": "npx skills add s/acme/t"},
            "page": "s/skills/acme/t/x",
        });
        let text = render(&info);
        assert!(text.contains("versions: 1 (yanked), 2"), "{text}");
        assert!(
            text.contains("version 2 at commit 0123456789ab, installable"),
            "{text}"
        );
        let high = text
            .find("high     SV-T2-NET scripts/a.py:9  opens a socket?[2J")
            .unwrap();
        let low = text.find("low      SV-T1-SUDO SKILL.md:3  sudo").unwrap();
        assert!(high < low, "{text}");
    }
}
