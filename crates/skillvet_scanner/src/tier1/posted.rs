//! Credential files read and posted in one script of a language tier 2 has no data-flow
//! front-end for (Go, Ruby, PHP, Perl, Java, C#, Kotlin, Swift, Lua). Without a parser the
//! flow is taken from the file: two or more credential stores read, an HTTP POST or PUT,
//! and a literal host that SKILL.md never names.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use regex::Regex;
use skillvet_skill::{FileKind, SkillBundle};

use super::rules::known;
use super::{Doc, Role, SkillContext, files, make_finding, parse_ipv4};
use crate::registry::RuleId;
use crate::{Confidence, Finding};

const EXTENSIONS: &[&str] = &[
    ".go", ".rb", ".php", ".pl", ".pm", ".java", ".cs", ".kt", ".kts", ".swift", ".lua", ".groovy",
];

/// Credential stores named in code: `".aws/credentials"`, `".kube", "config"`…
static CRED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r#"(?i)\.aws[/\\"', ]+credentials|\.ssh[/\\"', ]+id_(rsa|ed25519|ecdsa|dsa)|\.kube[/\\"', ]+config"#,
        r#"|\.gem[/\\"', ]+credentials|\.bundle[/\\"', ]+config|config[/\\]master\.key|\.npmrc|\.pypirc"#,
        r#"|\.docker[/\\"', ]+config\.json|\.git-credentials|\.netrc|application_default_credentials\.json"#,
        r#"|azureProfile\.json|\.config[/\\"', ]+gh[/\\"', ]+hosts\.yml|login\.keychain|wallet\.dat"#,
        r"|\bENV\.to_h\b|\bos\.Environ\(\)|\bSystem\.getenv\(\)|\bgetenv\(\)",
    ))
    .expect("credential store regex")
});

/// An HTTP request that carries a body out.
static POST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r#"(?i)Net::HTTP\.(post|put)|Net::HTTP::(Post|Put)|\bhttp\.Post(Form)?\(|NewRequest(WithContext)?\([^)]*"(POST|PUT)""#,
        r#"|\.(PostAsync|PutAsync|UploadString|UploadData)\(|CURLOPT_POSTFIELDS|\.POST\(|method\(\s*"POST""#,
        r"|\b(RestClient|Faraday|HTTParty|HTTP)\.(post|put)\b|->post\(|\bLWP::UserAgent\b|\bhttp\.request\(",
    ))
    .expect("post regex")
});

static HOST: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\bhttps?://([a-z0-9.\-]+)").expect("host regex"));

pub(crate) fn scan(
    bundle: &SkillBundle,
    skill_md: &str,
    ctx: &SkillContext,
    out: &mut Vec<Finding>,
) {
    let named = skill_md.to_ascii_lowercase();
    for f in &bundle.files {
        let lower_path = f.path.to_ascii_lowercase();
        if !matches!(f.kind, FileKind::Regular | FileKind::Executable)
            || !EXTENSIONS.iter().any(|e| lower_path.ends_with(e))
        {
            continue;
        }
        let Some(text) = files::as_text(&f.content) else {
            continue;
        };
        let stores: BTreeSet<String> = CRED
            .find_iter(&text)
            .map(|m| m.as_str().to_ascii_lowercase())
            .collect();
        let Some(post) = POST.find(&text) else {
            continue;
        };
        if stores.len() < 2 {
            continue;
        }
        let hosts: Vec<String> = HOST
            .captures_iter(&text)
            .map(|c| c[1].to_ascii_lowercase())
            .filter(|h| !h.ends_with("example.com") && h != "localhost" && !h.starts_with("127."))
            .collect();
        let Some(host) = hosts.iter().find(|h| !names(&named, h)) else {
            continue;
        };
        let raw_ip = parse_ipv4(host).is_some();
        let rule = known(RuleId::T1ExfCredentialsPosted);
        let doc = Doc::new(&f.path, &text, Role::Script, ctx, None);
        let mut finding = make_finding(
            rule,
            &doc,
            ctx,
            post.start(),
            post.as_str(),
            format!(
                "{} The script reads {} credential stores ({}) and posts to {host}{}, which SKILL.md never names.",
                rule.description,
                stores.len(),
                stores
                    .iter()
                    .take(4)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", "),
                if raw_ip { " (a raw IP address)" } else { "" },
            ),
        );
        if raw_ip {
            finding.confidence = finding.confidence.max(Confidence::High);
        }
        out.push(finding);
    }
}

/// SKILL.md names the host or its second-level name.
fn names(skill_md: &str, host: &str) -> bool {
    let host = host.trim_start_matches("www.");
    if skill_md.contains(host) {
        return true;
    }
    let parts: Vec<&str> = host.split('.').collect();
    parts.len() >= 2 && {
        let sld = parts[parts.len() - 2];
        sld.len() >= 4 && skill_md.contains(sld)
    }
}
