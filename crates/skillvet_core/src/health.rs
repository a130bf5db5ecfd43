//! Health of the derived structures: what the stores keep beside the source tables so that
//! search and facets stay fast (full-text indexes, word and category counters). Each is
//! written by a trigger in the transaction of its source row, so it can never lag behind;
//! any difference found here is a bug or a hand-made change, never a timing effect.
//!
//! A store checks each structure against its source ([`HealthStore::check_derived`]) and
//! rebuilds what differs ([`HealthStore::rebuild_derived`]); [`HealthReport`] turns the
//! checks into what an operator reads: the drifts and what to do about them.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::moderation::Moderator;
use crate::store::StoreResult;

/// Drifts listed per structure; more are counted, not listed.
pub const MAX_LISTED_DRIFTS: usize = 100;

/// What `expected`/`actual` say of a document in a full-text index.
pub const INDEXED: &str = "indexed";
/// The source row has no document in the index.
pub const MISSING: &str = "missing";
/// The index holds a document for a row the source does not have.
pub const ABSENT: &str = "absent";
/// The document is indexed with other text than its source row's.
pub const STALE: &str = "stale";

/// One entry of a derived structure that differs from what its source says it must be.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Drift {
    pub structure: String,
    /// The entry: a source row's id for an index, the word or category for a counter; `*`
    /// when the difference cannot be pinned to an entry.
    pub key: String,
    pub expected: Value,
    pub actual: Value,
}

/// One derived structure compared with its source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StructureCheck {
    /// The table (or column) holding it, e.g. `skill_search`, `skills.search`.
    pub name: String,
    /// What it holds, e.g. `full-text index of skills`.
    pub description: String,
    /// The tables it is derived from.
    pub source: String,
    /// What a key of its drifts names (`skill id`, `lexeme`, …).
    pub key: String,
    /// Entries the source says it must hold, and entries it holds.
    pub expected: i64,
    pub actual: i64,
    /// Every differing entry, whether listed in `drifts` or not.
    pub drift_count: u64,
    /// The first [`MAX_LISTED_DRIFTS`] differing entries, by key.
    pub drifts: Vec<Drift>,
    /// The check itself failed (the structure is damaged or missing).
    pub error: Option<String>,
}

impl StructureCheck {
    pub fn drift_detected(&self) -> bool {
        self.drift_count > 0 || self.error.is_some()
    }
}

/// A structure that is computed again on every read instead of being stored, so it cannot
/// drift (listed so that operators looking for it know where it went).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ComputedOnRead {
    pub name: &'static str,
    pub note: &'static str,
}

pub const COMPUTED_ON_READ: &[ComputedOnRead] = &[
    ComputedOnRead {
        name: "well-known indexes",
        note: "/.well-known/skills/index.json and each repository's are built from the \
               skills tables on every request",
    },
    ComputedOnRead {
        name: "ETags",
        note: "the SHA-256 of each response body, computed when it is sent",
    },
    ComputedOnRead {
        name: "Redis",
        note: "with --redis-url, Redis holds rate-limit times only (expiring by themselves); \
               nothing in it is derived from the database",
    },
];

/// What `GET /api/v1/admin/health` and `skillvet admin health` report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HealthReport {
    pub backend: String,
    pub checked_at: DateTime<Utc>,
    pub drift_detected: bool,
    pub structures: Vec<StructureCheck>,
    /// Every listed drift of every structure.
    pub drifts: Vec<Drift>,
    pub recommendations: Vec<String>,
    pub computed_on_read: &'static [ComputedOnRead],
}

impl HealthReport {
    pub fn new(backend: &str, structures: Vec<StructureCheck>, now: DateTime<Utc>) -> Self {
        let drifts = structures
            .iter()
            .flat_map(|s| s.drifts.iter().cloned())
            .collect();
        Self {
            backend: backend.to_owned(),
            checked_at: now,
            drift_detected: structures.iter().any(StructureCheck::drift_detected),
            recommendations: recommendations(&structures),
            structures,
            drifts,
            computed_on_read: COMPUTED_ON_READ,
        }
    }
}

fn recommendations(structures: &[StructureCheck]) -> Vec<String> {
    let mut out = Vec::new();
    for s in structures {
        if let Some(error) = &s.error {
            out.push(format!(
                "{} could not be checked ({error}). Run `skillvet admin rebuild-index` (or POST \
                 /api/v1/admin/rebuild-index) to rebuild it from {}; if the rebuild fails too, \
                 its error names the damaged part.",
                s.name, s.source
            ));
        } else if s.drift_count > 0 {
            let verb = if s.drift_count == 1 {
                "differs"
            } else {
                "differ"
            };
            out.push(format!(
                "{}: {} of its entries {verb} from {} (expected {} entries, found {}). Run \
                 `skillvet admin rebuild-index` (or POST /api/v1/admin/rebuild-index) to \
                 rebuild it from {} in one transaction; search results and counts are wrong \
                 until then.",
                s.name, s.drift_count, s.source, s.expected, s.actual, s.source
            ));
        }
    }
    if !out.is_empty() {
        out.push(
            "These structures are written by triggers in the transaction of their source row, \
             so drift means something bypassed them: SQL typed by hand, a partial restore, or a \
             bug. Look for manual changes around the affected keys, and report a bug with this \
             output if there were none."
                .to_owned(),
        );
    }
    out
}

/// What became of one structure in a rebuild.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RebuildStatus {
    /// It differed from its source and was rebuilt from it.
    Rebuilt,
    /// It matched its source: nothing written.
    Consistent,
    /// Its rebuild failed and was rolled back (the others still apply).
    Failed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RebuiltStructure {
    pub name: String,
    pub status: RebuildStatus,
    /// Drifts found before the rebuild (entries differing, or 1 for a check that failed).
    pub drifts_before: u64,
    /// Entries repaired.
    pub changed: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RebuildError {
    pub structure: String,
    pub message: String,
}

/// What `POST /api/v1/admin/rebuild-index` and `skillvet admin rebuild-index` report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RebuildReport {
    /// Structures rebuilt because they differed from their source.
    pub rebuilt: Vec<String>,
    pub errors: Vec<RebuildError>,
    /// Entries repaired in all: 0 when every structure already matched its source.
    pub changed: u64,
    pub structures: Vec<RebuiltStructure>,
}

impl RebuildReport {
    pub fn new(structures: Vec<RebuiltStructure>, errors: Vec<RebuildError>) -> Self {
        Self {
            rebuilt: structures
                .iter()
                .filter(|s| s.status == RebuildStatus::Rebuilt)
                .map(|s| s.name.clone())
                .collect(),
            changed: structures.iter().map(|s| s.changed).sum(),
            errors,
            structures,
        }
    }
}

#[async_trait]
pub trait HealthStore: Send + Sync {
    /// Every derived structure compared with its source, in one consistent snapshot.
    async fn check_derived(&self) -> StoreResult<Vec<StructureCheck>>;

    /// In one transaction: checks every derived structure, rebuilds from its source each one
    /// that differs (a failing rebuild is rolled back alone and reported in `errors`), checks
    /// again, and appends the `index.rebuild` audit event. A second run finds nothing to do.
    async fn rebuild_derived(
        &self,
        by: &Moderator,
        now: DateTime<Utc>,
    ) -> StoreResult<RebuildReport>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(name: &str, drifts: u64, error: Option<&str>) -> StructureCheck {
        StructureCheck {
            name: name.into(),
            description: "d".into(),
            source: "skills".into(),
            key: "skill id".into(),
            expected: 5,
            actual: 5 - drifts as i64,
            drift_count: drifts,
            drifts: (0..drifts)
                .map(|i| Drift {
                    structure: name.into(),
                    key: i.to_string(),
                    expected: json!(INDEXED),
                    actual: json!(MISSING),
                })
                .collect(),
            error: error.map(Into::into),
        }
    }

    #[test]
    fn a_clean_report_has_no_drift_and_nothing_to_do() {
        let report = HealthReport::new("sqlite", vec![check("a", 0, None)], Utc::now());
        assert!(!report.drift_detected);
        assert!(report.drifts.is_empty());
        assert!(report.recommendations.is_empty());
    }

    #[test]
    fn drifts_and_failed_checks_are_flagged_with_what_to_run() {
        let report = HealthReport::new(
            "sqlite",
            vec![check("a", 2, None), check("b", 0, Some("no such table"))],
            Utc::now(),
        );
        assert!(report.drift_detected);
        assert_eq!(report.drifts.len(), 2);
        assert_eq!(report.recommendations.len(), 3);
        assert!(report.recommendations[0].starts_with("a: 2 of its entries"));
        assert!(report.recommendations[1].contains("no such table"));
        assert!(
            report
                .recommendations
                .iter()
                .take(2)
                .all(|r| r.contains("rebuild-index"))
        );
    }

    #[test]
    fn a_rebuild_counts_what_it_repaired() {
        let structure = |name: &str, status, changed| RebuiltStructure {
            name: name.into(),
            status,
            drifts_before: changed,
            changed,
        };
        let report = RebuildReport::new(
            vec![
                structure("a", RebuildStatus::Rebuilt, 2),
                structure("b", RebuildStatus::Consistent, 0),
                structure("c", RebuildStatus::Failed, 0),
            ],
            vec![RebuildError {
                structure: "c".into(),
                message: "broken".into(),
            }],
        );
        assert_eq!(report.rebuilt, vec!["a".to_string()]);
        assert_eq!(report.changed, 2);
        assert_eq!(report.errors.len(), 1);
    }
}
