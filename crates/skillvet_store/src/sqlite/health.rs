//! The derived structures on SQLite: two FTS5 indexes with external content (migration
//! 0003), kept by triggers on `skills` and `repositories`. SQLite keeps no counters (FTS5
//! counts matches from its own index).
//!
//! An FTS5 index holds one `_docsize` row per indexed document, so missing and extra
//! documents are found by id; FTS5's own `integrity-check` (with rank 1: against the content
//! table too) then finds documents indexed with other text than their row's. That check is
//! a write statement in SQLite's eyes, so health runs on the writer connection, in a
//! transaction that is rolled back.

use async_trait::async_trait;
use serde_json::{Value, json};
use skillvet_core::health::{ABSENT, INDEXED, MAX_LISTED_DRIFTS, MISSING, STALE, StructureCheck};
use sqlx::{AssertSqlSafe, SqlSafeStr};

use super::SqliteStore;
use super::ops::SqliteTx;
use crate::health::{Compared, Derived, DerivedOps};

const DERIVED: &[Derived] = &[
    Derived {
        name: "skill_search",
        description: "full-text index (FTS5) of skills: name, description, category and \
                      labels, repository",
        source: "skills",
        key: "skill id",
    },
    Derived {
        name: "repository_search",
        description: "trigram index (FTS5) of repository paths and URLs",
        source: "repositories",
        key: "repository id",
    },
];

/// SQLITE_CORRUPT, and SQLITE_CORRUPT_VTAB: what FTS5's integrity check answers when the
/// index and its content differ.
fn is_corrupt(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if matches!(db.code().as_deref(), Some("11" | "267")))
}

/// `(id, total)` of the first listed ids of a query over ids with `count(*) OVER ()`.
async fn ids(tx: &mut SqliteTx, sql: String) -> Result<(Vec<i64>, u64), sqlx::Error> {
    let found: Vec<(i64, i64)> = sqlx::query_as(AssertSqlSafe(sql).into_sql_str())
        .fetch_all(&mut *tx.0)
        .await?;
    let total = found.first().map_or(0, |(_, n)| *n as u64);
    Ok((found.into_iter().map(|(id, _)| id).collect(), total))
}

#[async_trait]
impl DerivedOps for SqliteTx {
    fn derived(&self) -> &'static [Derived] {
        DERIVED
    }

    async fn execute(&mut self, sql: &'static str) -> Result<(), sqlx::Error> {
        sqlx::query(sql).execute(&mut *self.0).await.map(drop)
    }

    /// `BEGIN IMMEDIATE` already holds SQLite's one write lock.
    async fn lock_sources(&mut self) -> Result<(), sqlx::Error> {
        Ok(())
    }

    async fn compare(&mut self, structure: &Derived) -> Result<Compared, sqlx::Error> {
        let (index, source) = (structure.name, structure.source);
        let count = |sql: String| sqlx::query_scalar(AssertSqlSafe(sql).into_sql_str());
        let expected: i64 = count(format!("SELECT count(*) FROM {source}"))
            .fetch_one(&mut *self.0)
            .await?;
        let actual: i64 = count(format!("SELECT count(*) FROM {index}_docsize"))
            .fetch_one(&mut *self.0)
            .await?;
        let (missing, missing_count) = ids(
            &mut *self,
            format!(
                "SELECT s.id, count(*) OVER () FROM {source} s \
                 WHERE NOT EXISTS (SELECT 1 FROM {index}_docsize d WHERE d.id = s.id) \
                 ORDER BY s.id LIMIT {MAX_LISTED_DRIFTS}"
            ),
        )
        .await?;
        let (extra, extra_count) = ids(
            &mut *self,
            format!(
                "SELECT d.id, count(*) OVER () FROM {index}_docsize d \
                 WHERE NOT EXISTS (SELECT 1 FROM {source} s WHERE s.id = d.id) \
                 ORDER BY d.id LIMIT {MAX_LISTED_DRIFTS}"
            ),
        )
        .await?;
        let mut drifts: Vec<(i64, Value, Value)> = missing
            .into_iter()
            .map(|id| (id, json!(INDEXED), json!(MISSING)))
            .chain(
                extra
                    .into_iter()
                    .map(|id| (id, json!(ABSENT), json!(INDEXED))),
            )
            .collect();
        drifts.sort_by_key(|(id, _, _)| *id);
        let mut drifts: Vec<(String, Value, Value)> = drifts
            .into_iter()
            .map(|(id, e, a)| (id.to_string(), e, a))
            .collect();
        let mut drift_count = missing_count + extra_count;
        // The right documents are there: are they indexed with their rows' text?
        if drift_count == 0 {
            let check =
                format!("INSERT INTO {index} ({index}, rank) VALUES ('integrity-check', 1)");
            match sqlx::query(AssertSqlSafe(check).into_sql_str())
                .execute(&mut *self.0)
                .await
            {
                Ok(_) => {}
                Err(e) if is_corrupt(&e) => {
                    drift_count = 1;
                    drifts.push(("*".into(), json!(INDEXED), json!(STALE)));
                }
                Err(e) => return Err(e),
            }
        }
        Ok(Compared {
            expected,
            actual,
            drift_count,
            drifts,
        })
    }

    /// FTS5's `rebuild` reads every row of the content table again. It cannot count what
    /// differed, so the drifts just found are what it changed.
    async fn rebuild(
        &mut self,
        structure: &Derived,
        before: &StructureCheck,
    ) -> Result<u64, sqlx::Error> {
        let index = structure.name;
        let sql = format!("INSERT INTO {index} ({index}) VALUES ('rebuild')");
        sqlx::query(AssertSqlSafe(sql).into_sql_str())
            .execute(&mut *self.0)
            .await?;
        Ok(before.drift_count.max(1))
    }
}

// On the writer: FTS5's integrity check is a write statement (nothing is written).
crate::health::health_store!(SqliteStore, SqliteTx, check_in = begin);
