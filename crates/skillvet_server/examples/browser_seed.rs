//! Publishes a few skills, with scan reports, into a database through the real store, for the
//! browser tests (`tests/browser/run.sh`) and for trying the web UI by hand:
//! `cargo run -p skillvet_server --example browser_seed -- sqlite:/tmp/skillvet.db`.

use chrono::Utc;
use serde_json::json;
use skillvet_core::SubmissionState as S;
use skillvet_core::model::{
    Actor, CertTier, NewScanResult, NewSubmission, Publication, PublishedFile, RepoRef,
    SubmitOutcome, Transition, Verdict,
};

const README: &str = "---\nname: pdf-tools\ndescription: Extract text and tables from PDF files\n---\n\
# PDF tools\n\nUse `scripts/extract.py` to pull **tables** out of PDFs.\n\n\
<script>document.title='pwned'</script>\n\n[docs](https://example.com/docs) [bad](javascript:alert(1))\n";

struct Seed {
    name: &'static str,
    description: &'static str,
    category: &'static str,
    tier: CertTier,
    finding: Option<(&'static str, &'static str, u32, &'static str)>,
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let url = std::env::args()
        .nth(1)
        .expect("usage: browser_seed DATABASE_URL");
    let store = skillvet_store::connect(&url)
        .await
        .expect("opening the store");
    let seeds = [
        Seed {
            name: "pdf-tools",
            description: "Extract text and tables from PDF files",
            category: "documents",
            tier: CertTier::Verified,
            finding: Some((
                "medium",
                "scripts/extract.py",
                12,
                "Reads files outside the skill folder",
            )),
        },
        Seed {
            name: "spreadsheet-helper",
            description: "Analyse spreadsheets and build charts",
            category: "data",
            tier: CertTier::Certified,
            finding: None,
        },
        Seed {
            name: "release-notes",
            description: "Write release notes from git history",
            category: "writing",
            tier: CertTier::Scanned,
            finding: Some(("low", "SKILL.md", 3, "Asks the agent to run git commands")),
        },
    ];
    let repo = RepoRef {
        owner: "demo-org".into(),
        name: "agent-skills".into(),
        url: "https://github.com/demo-org/agent-skills".into(),
    };
    for seed in seeds {
        let now = Utc::now();
        let new = NewSubmission {
            repo: repo.clone(),
            skill_path: format!("skills/{}", seed.name),
            skill_name: seed.name.into(),
            requested_ref: None,
            priority: 0,
            submitter: Actor::user("seed"),
        };
        let id = match store.submit(&new, now).await.expect("submitting") {
            SubmitOutcome::Created { submission } => submission.id,
            other => {
                eprintln!("{}: {} (already seeded)", seed.name, other.status());
                continue;
            }
        };
        let sha = "0123456789abcdef0123456789abcdef01234567".to_string();
        for (from, to, why) in [
            (S::Received, S::Tier1Scanning, "fetched"),
            (S::Tier1Scanning, S::Tier2Scanning, "tier 1 passed"),
            (S::Tier2Scanning, S::AutoApproved, "no blocking finding"),
        ] {
            let change = Transition {
                from,
                to,
                trigger: "seed".into(),
                actor: Actor::system("seed-worker"),
                reason: Some(why.into()),
                metadata: json!({}),
                commit_sha: (to == S::Tier1Scanning).then(|| sha.clone()),
            };
            store
                .transition(id, &change, Utc::now())
                .await
                .expect("moving");
        }
        let findings = seed.finding.map_or_else(
            || json!([]),
            |(severity, file, line, message)| {
                json!([{ "rule_id": "fs-outside", "category": "filesystem", "severity": severity,
                     "confidence": "medium", "file": file, "line": line, "message": message,
                     "evidence": "open('/etc/hosts')" }])
            },
        );
        store
            .record_scan_result(
                &NewScanResult {
                    submission_id: id,
                    tier: 1,
                    scanner: "static-rules".into(),
                    scanner_version: "1.0.0".into(),
                    verdict: if seed.finding.is_some() {
                        Verdict::Concerns
                    } else {
                        Verdict::Pass
                    },
                    score: if seed.finding.is_some() { 82 } else { 97 },
                    findings,
                    dependency_risk: json!({}),
                    script_scan_summary: json!({}),
                    commit_sha: sha.clone(),
                    duration_ms: 120,
                    run: 1,
                },
                Utc::now(),
            )
            .await
            .expect("recording a scan");
        let readme = if seed.name == "pdf-tools" {
            README.to_string()
        } else {
            format!(
                "---\nname: {}\ndescription: {}\n---\n# {}\n",
                seed.name, seed.description, seed.name
            )
        };
        store
            .publish(
                &Publication {
                    submission_id: id,
                    from: S::AutoApproved,
                    actor: Actor::system("seed-worker"),
                    reason: Some("verified".into()),
                    name: seed.name.into(),
                    display_name: seed.name.into(),
                    description: seed.description.into(),
                    author: Some("Demo Org".into()),
                    category: Some(seed.category.into()),
                    labels: vec![seed.category.into()],
                    cert_tier: seed.tier,
                    cert_method: "automated".into(),
                    cert_score: if seed.finding.is_some() { 82 } else { 97 },
                    trust_components: json!({ "tier1_static": 95, "tier2_behaviour": 90, "provenance": "pinned commit" }),
                    commit_sha: sha.clone(),
                    tree_hash: format!("{:x<64}", seed.name),
                    manifest: json!({ "name": seed.name }),
                    files: vec![PublishedFile {
                        path: "SKILL.md".into(),
                        kind: "regular".into(),
                        content: readme.into_bytes(),
                    }],
                    jobs: vec![],
                },
                Utc::now(),
            )
            .await
            .expect("publishing");
        println!("published demo-org/agent-skills/{}", seed.name);
    }
}
