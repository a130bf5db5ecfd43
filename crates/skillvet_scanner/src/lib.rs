//! skillvet's scanner: tiered security analysis of AI-agent skills, with no server
//! dependency. Used by the pipeline and by `skillvet scan PATH`.
//!
//! * [`tier1`] — static rules over SKILL.md and every bundled file.
//! * [`tier2`] — behavioural analysis (data flow) of the bundled scripts.
//! * [`external`] — Semgrep, njsscan, gitleaks, trufflehog when installed.
//! * [`model`] — the one finding/report model every tier writes into; [`score`] grades it;
//!   [`registry`] names every built-in rule ([`RuleId`]); [`catalog`] documents and hashes
//!   every rule; [`scan`](mod@scan) runs it all;
//!   [`output`] writes text, JSON and SARIF; [`cli`] is `skillvet scan` / `skillvet rules`.

pub mod catalog;
pub mod cli;
pub mod external;
pub mod model;
pub mod output;
pub mod registry;
pub mod scan;
pub mod score;
pub mod tier1;
pub mod tier2;

pub use model::{Category, Confidence, Finding, Report, Severity, SkillReport, Tier, Verdict};
pub use registry::RuleId;
pub use scan::{Options, scan, scan_bundle};
