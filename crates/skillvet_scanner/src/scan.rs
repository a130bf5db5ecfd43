//! The scanner's entry points: [`scan`] a folder (one skill, or a repository holding many),
//! [`scan_bundle`] one in-memory skill. Each runs tier 1, tier 2 and, when asked, the
//! external tools, maps their findings into [`Finding`]s, and grades them.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use skillvet_skill::{SkillBundle, find_skill_dirs, load_dir};

use crate::catalog;
use crate::external::{self, ExternalConfig, ToolOutcome};
use crate::model::{
    Confidence, Finding, MAX_EVIDENCE_CHARS, REPORT_SCHEMA_VERSION, Report, ScanError, SkillInfo,
    SkillReport, Tier, TierRun, TierStatus, Verdict, sanitize_evidence,
};
use crate::score;
use crate::tier1;
use crate::tier2::judge::{self, LlmJudge};
use crate::tier2::{self, T2Finding};

/// What to run and within which limits.
#[derive(Debug, Clone)]
pub struct Options {
    pub tier2: bool,
    /// External tools to run; `None` runs none (the default: they are slow and optional).
    pub external: Option<ExternalConfig>,
    pub tier1_limits: tier1::Limits,
    /// Size and file-count limits for loading a skill folder from disk.
    pub load_limits: skillvet_skill::Limits,
    /// The optional LLM judge of tier 2; `None` (the default) never contacts a model.
    pub judge: Option<Arc<dyn LlmJudge>>,
    /// Bytes of skill content sent to the judge (see [`judge::build_request`]).
    pub judge_prompt_bytes: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            tier2: true,
            external: None,
            tier1_limits: tier1::Limits::default(),
            load_limits: skillvet_skill::Limits::default(),
            judge: None,
            judge_prompt_bytes: judge::DEFAULT_PROMPT_BYTES,
        }
    }
}

/// The path could not be scanned at all.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Load(#[from] skillvet_skill::LoadError),
    #[error("no SKILL.md found under {0}")]
    NoSkills(String),
}

pub fn scanner_version() -> String {
    format!("skillvet-scanner {}", env!("CARGO_PKG_VERSION"))
}

/// Scans a skill folder, or every folder holding a SKILL.md under `path`. Symlinks are
/// never followed. A folder that cannot be loaded (limits, I/O) is listed in
/// [`Report::errors`] and makes the verdict FAIL.
pub fn scan(path: &Path, opts: &Options) -> Result<Report, Error> {
    let started = Instant::now();
    let dirs = find_skill_dirs(path)?;
    if dirs.is_empty() {
        return Err(Error::NoSkills(path.display().to_string()));
    }
    let mut skills = Vec::with_capacity(dirs.len());
    let mut errors = Vec::new();
    for dir in &dirs {
        let rel = dir
            .strip_prefix(path)
            .ok()
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        match load_dir(dir, &opts.load_limits) {
            Ok(mut bundle) => {
                if !rel.is_empty() {
                    bundle.root = rel.clone();
                }
                let mut r = scan_bundle(&bundle, opts);
                r.skill.path = rel;
                skills.push(r);
            }
            Err(e) => errors.push(ScanError {
                path: if rel.is_empty() { ".".into() } else { rel },
                message: e.to_string(),
            }),
        }
    }
    let mut verdict = skills
        .iter()
        .map(|s| s.verdict)
        .max()
        .unwrap_or(Verdict::Pass);
    if !errors.is_empty() {
        verdict = Verdict::Fail;
    }
    Ok(Report {
        schema_version: REPORT_SCHEMA_VERSION,
        scanner_version: scanner_version(),
        ruleset: catalog::ruleset(),
        target: path.display().to_string(),
        score: skills.iter().map(|s| s.score).min().unwrap_or(100),
        skills,
        errors,
        verdict,
        duration_us: started.elapsed().as_micros() as u64,
    })
}

fn micros(since: Instant) -> u64 {
    since.elapsed().as_micros() as u64
}

/// Scans one skill held in memory. Pure apart from the external tools (which run on a
/// temporary copy) and the LLM judge (a network call, only when one is configured).
pub fn scan_bundle(bundle: &SkillBundle, opts: &Options) -> SkillReport {
    let started = Instant::now();
    let parsed = bundle.parse_manifest();
    let mut findings = tier1::scan_bundle(bundle, &parsed, &opts.tier1_limits);
    let mut tiers = vec![TierRun {
        tier: Tier::Static,
        name: "tier1".into(),
        status: TierStatus::Ran,
        detail: None,
        findings: findings.len(),
        duration_us: micros(started),
    }];

    let t2_start = Instant::now();
    if opts.tier2 {
        let r = tier2::analyze_bundle(bundle);
        let n = r.findings.len();
        findings.extend(r.findings.iter().map(from_tier2));
        tiers.push(TierRun {
            tier: Tier::Behavioural,
            name: "tier2".into(),
            status: if r.truncated {
                TierStatus::Incomplete
            } else {
                TierStatus::Ran
            },
            detail: Some(format!("{} script(s) analysed", r.scripts.len())),
            findings: n,
            duration_us: micros(t2_start),
        });
    } else {
        tiers.push(TierRun {
            tier: Tier::Behavioural,
            name: "tier2".into(),
            status: TierStatus::Skipped,
            detail: None,
            findings: 0,
            duration_us: 0,
        });
    }
    if let Some(j) = &opts.judge {
        if opts.tier2 {
            let (run, judged) = judge::run(j.as_ref(), bundle, opts.judge_prompt_bytes);
            tiers.push(run);
            findings.extend(judged);
        } else {
            tiers.push(TierRun {
                tier: Tier::Behavioural,
                name: judge::RUN_NAME.into(),
                status: TierStatus::Skipped,
                detail: Some("tier 2 is off".into()),
                findings: 0,
                duration_us: 0,
            });
        }
    }

    if let Some(cfg) = &opts.external {
        match external::run_on_bundle(bundle, cfg) {
            Ok(outcomes) => {
                for o in &outcomes {
                    tiers.push(tool_run(o));
                    findings.extend(o.findings().iter().map(from_external));
                }
            }
            Err(e) => tiers.push(TierRun {
                tier: Tier::External,
                name: "external".into(),
                status: TierStatus::Failed,
                detail: Some(format!("preparing a scan folder: {e}")),
                findings: 0,
                duration_us: 0,
            }),
        }
    }

    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    score::add_chain(&mut findings);
    let (score, verdict) = score::grade(&findings);
    SkillReport {
        schema_version: REPORT_SCHEMA_VERSION,
        scanner_version: scanner_version(),
        ruleset: catalog::ruleset(),
        skill: SkillInfo {
            name: parsed.manifest.as_ref().and_then(|m| m.name.clone()),
            root: bundle.root.clone(),
            path: String::new(),
            files: bundle.files.len(),
            bytes: bundle.total_bytes(),
        },
        tiers,
        findings,
        score,
        verdict,
        duration_us: micros(started),
    }
}

/// A tier-2 finding in the unified model.
pub fn from_tier2(f: &T2Finding) -> Finding {
    let doc = f.rule.doc();
    Finding {
        rule_id: f.rule.code().to_owned(),
        category: doc.category,
        severity: f.severity,
        confidence: f.confidence,
        tier: Tier::Behavioural,
        file: f.file.clone(),
        line: f.line,
        column: f.column,
        evidence: sanitize_evidence(&f.evidence, MAX_EVIDENCE_CHARS),
        explanation: f.message.clone(),
        remediation: doc.remediation.to_owned(),
        context: None,
        flow: f.flow.clone(),
    }
}

/// An external tool's finding in the unified model.
pub fn from_external(f: &external::ExternalFinding) -> Finding {
    Finding {
        rule_id: f.rule_id.clone(),
        category: catalog::external_category(f.tool),
        severity: f.severity,
        confidence: Confidence::Medium,
        tier: Tier::External,
        file: f.file.clone(),
        line: f.line,
        column: f.column,
        evidence: sanitize_evidence(&f.evidence, MAX_EVIDENCE_CHARS),
        explanation: format!("{}: {}", f.tool, f.message),
        remediation: catalog::external_remediation(f.tool).to_owned(),
        context: None,
        flow: Vec::new(),
    }
}

fn tool_run(o: &ToolOutcome) -> TierRun {
    let (status, detail, duration_us) = match o {
        ToolOutcome::Ran {
            warnings, elapsed, ..
        } => (
            TierStatus::Ran,
            (!warnings.is_empty())
                .then(|| format!("{} warning(s): {}", warnings.len(), warnings.join("; "))),
            elapsed.as_micros() as u64,
        ),
        ToolOutcome::NotAvailable { reason, .. } => {
            (TierStatus::Unavailable, Some(reason.clone()), 0)
        }
        ToolOutcome::Failed { reason, .. } => (TierStatus::Failed, Some(reason.clone()), 0),
    };
    TierRun {
        tier: Tier::External,
        name: o.tool().binary().to_owned(),
        status,
        detail,
        findings: o.findings().len(),
        duration_us,
    }
}
