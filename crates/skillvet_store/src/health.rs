//! Checking and rebuilding the derived structures, written once: each backend says which
//! structures it keeps and supplies the SQL that compares one with its source and rebuilds it
//! ([`DerivedOps`]); the order of the steps, the savepoints and the audit event live here.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};
use skillvet_core::health::{
    Drift, MAX_LISTED_DRIFTS, RebuildError, RebuildReport, RebuildStatus, RebuiltStructure,
    StructureCheck,
};
use skillvet_core::moderation::{AuditAction, Moderator};
use skillvet_core::store::StoreResult;

use crate::tx::{AuditEntry, TxOps, db_error};

/// A derived structure and where it comes from.
pub struct Derived {
    pub name: &'static str,
    pub description: &'static str,
    pub source: &'static str,
    /// What a drift's key names.
    pub key: &'static str,
}

/// What one comparison found (the structure's name is added by [`check_one`]).
pub struct Compared {
    pub expected: i64,
    pub actual: i64,
    pub drift_count: u64,
    /// `(key, expected, actual)`, by key; at most [`MAX_LISTED_DRIFTS`].
    pub drifts: Vec<(String, Value, Value)>,
}

#[async_trait]
pub trait DerivedOps: Send {
    /// The structures this backend keeps, in the order they are rebuilt (a structure derived
    /// from another comes after it).
    fn derived(&self) -> &'static [Derived];
    /// Runs one statement without results (savepoints, locks).
    async fn execute(&mut self, sql: &'static str) -> Result<(), sqlx::Error>;
    /// Keeps every source row as it is until commit (a rebuild compares, then writes).
    async fn lock_sources(&mut self) -> Result<(), sqlx::Error>;
    async fn compare(&mut self, structure: &Derived) -> Result<Compared, sqlx::Error>;
    /// Rebuilds the structure from its source; returns the entries it changed (`before` is
    /// the comparison just made, for backends whose rebuild cannot count them).
    async fn rebuild(
        &mut self,
        structure: &Derived,
        before: &StructureCheck,
    ) -> Result<u64, sqlx::Error>;
}

/// Compares one structure inside a savepoint: a failing comparison is reported as the
/// structure's error and leaves the transaction usable for the others.
async fn check_one<T: DerivedOps + ?Sized>(
    ops: &mut T,
    structure: &Derived,
) -> StoreResult<StructureCheck> {
    ops.execute("SAVEPOINT derived_check")
        .await
        .map_err(db_error)?;
    let compared = ops.compare(structure).await;
    if compared.is_err() {
        ops.execute("ROLLBACK TO SAVEPOINT derived_check")
            .await
            .map_err(db_error)?;
    }
    ops.execute("RELEASE SAVEPOINT derived_check")
        .await
        .map_err(db_error)?;
    let mut check = StructureCheck {
        name: structure.name.to_owned(),
        description: structure.description.to_owned(),
        source: structure.source.to_owned(),
        key: structure.key.to_owned(),
        expected: 0,
        actual: 0,
        drift_count: 0,
        drifts: vec![],
        error: None,
    };
    match compared {
        Ok(c) => {
            check.expected = c.expected;
            check.actual = c.actual;
            check.drift_count = c.drift_count;
            check.drifts = c
                .drifts
                .into_iter()
                .take(MAX_LISTED_DRIFTS)
                .map(|(key, expected, actual)| Drift {
                    structure: structure.name.to_owned(),
                    key,
                    expected,
                    actual,
                })
                .collect();
        }
        Err(e) => check.error = Some(e.to_string()),
    }
    Ok(check)
}

pub async fn check_all<T: DerivedOps + ?Sized>(ops: &mut T) -> StoreResult<Vec<StructureCheck>> {
    let mut checks = Vec::new();
    for structure in ops.derived() {
        checks.push(check_one(ops, structure).await?);
    }
    Ok(checks)
}

/// Rebuilds one drifting structure inside a savepoint and checks it again there: a rebuild
/// that fails, or that leaves the structure still differing, is undone alone.
async fn rebuild_one<T: DerivedOps + ?Sized>(
    ops: &mut T,
    structure: &Derived,
    before: &StructureCheck,
) -> StoreResult<Result<u64, String>> {
    ops.execute("SAVEPOINT derived_rebuild")
        .await
        .map_err(db_error)?;
    let outcome = match ops.rebuild(structure, before).await {
        Err(e) => Err(e.to_string()),
        Ok(changed) => {
            let after = check_one(ops, structure).await?;
            match (&after.error, after.drift_count) {
                (Some(error), _) => Err(format!("checking it after the rebuild: {error}")),
                (None, 0) => Ok(changed),
                (None, n) => Err(format!(
                    "{n} entries still differ from {} after the rebuild",
                    structure.source
                )),
            }
        }
    };
    if outcome.is_err() {
        ops.execute("ROLLBACK TO SAVEPOINT derived_rebuild")
            .await
            .map_err(db_error)?;
    }
    ops.execute("RELEASE SAVEPOINT derived_rebuild")
        .await
        .map_err(db_error)?;
    Ok(outcome)
}

/// Checks, rebuilds what differs and records the `index.rebuild` audit event, in the caller's
/// write transaction (committed by the caller).
pub async fn rebuild_all<T: DerivedOps + TxOps + ?Sized>(
    ops: &mut T,
    by: &Moderator,
    now: DateTime<Utc>,
) -> StoreResult<RebuildReport> {
    ops.lock_sources().await.map_err(db_error)?;
    let before = check_all(ops).await?;
    let mut structures = Vec::with_capacity(before.len());
    let mut errors = Vec::new();
    for (structure, check) in ops.derived().iter().zip(&before) {
        let drifts_before = match check.error {
            Some(_) => check.drift_count.max(1),
            None => check.drift_count,
        };
        let (status, changed) = if drifts_before == 0 {
            (RebuildStatus::Consistent, 0)
        } else {
            match rebuild_one(ops, structure, check).await? {
                Ok(changed) => (RebuildStatus::Rebuilt, changed),
                Err(message) => {
                    errors.push(RebuildError {
                        structure: structure.name.to_owned(),
                        message,
                    });
                    (RebuildStatus::Failed, 0)
                }
            }
        };
        structures.push(RebuiltStructure {
            name: structure.name.to_owned(),
            status,
            drifts_before,
            changed,
        });
    }
    let report = RebuildReport::new(structures, errors);
    let drifts: Map<String, Value> = report
        .structures
        .iter()
        .map(|s| (s.name.clone(), json!(s.drifts_before)))
        .collect();
    ops.audit(
        by,
        &AuditEntry {
            action: AuditAction::IndexRebuild,
            target_kind: "index",
            target: "derived".into(),
            package: None,
            before: json!({ "drifts": drifts }),
            after: json!({
                "rebuilt": report.rebuilt,
                "changed": report.changed,
                "errors": report.errors,
            }),
        },
        now,
    )
    .await?;
    Ok(report)
}

/// `HealthStore` for `$store`: checks in a transaction opened by `$check_in` (rolled back),
/// rebuilds in a write transaction.
macro_rules! health_store {
    ($store:ident, $tx:ident, check_in = $check_in:ident) => {
        #[::async_trait::async_trait]
        impl ::skillvet_core::health::HealthStore for $store {
            async fn check_derived(
                &self,
            ) -> ::skillvet_core::store::StoreResult<Vec<::skillvet_core::health::StructureCheck>>
            {
                let mut tx = $tx(self.$check_in().await?);
                let checks = $crate::health::check_all(&mut tx).await?;
                tx.0.rollback().await.map_err($crate::tx::db_error)?;
                Ok(checks)
            }

            async fn rebuild_derived(
                &self,
                by: &::skillvet_core::moderation::Moderator,
                now: ::chrono::DateTime<::chrono::Utc>,
            ) -> ::skillvet_core::store::StoreResult<::skillvet_core::health::RebuildReport> {
                let mut tx = $tx(self.begin().await?);
                let report = $crate::health::rebuild_all(&mut tx, by, now).await?;
                tx.0.commit().await.map_err($crate::tx::db_error)?;
                Ok(report)
            }
        }
    };
}

pub(crate) use health_store;
