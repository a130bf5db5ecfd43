//! The derived structures on PostgreSQL: the weighted `skills.search` document (migration
//! 0003, kept by a BEFORE trigger) and the per-word and per-category counts of listed skills
//! (migration 0005, kept by statement triggers). GIN and trigram indexes are PostgreSQL's
//! own and not checked here.
//!
//! Counters are compared with what `skills.search` and `skills.category` hold now, so the
//! document is rebuilt first; its UPDATE moves the counters along through their trigger.
//! A counter row at 0 is the same as no row (the triggers leave such rows behind).

use async_trait::async_trait;
use serde_json::{Value, json};
use skillvet_core::health::{INDEXED, MAX_LISTED_DRIFTS, MISSING, STALE, StructureCheck};
use sqlx::types::Json;
use sqlx::{AssertSqlSafe, SqlSafeStr};

use super::PgStore;
use super::ops::PgTx;
use crate::health::{Compared, Derived, DerivedOps};

const SEARCH: &str = "skills.search";
const WORDS: &str = "skill_word_counts";
const CATEGORIES: &str = "skill_category_counts";

const DERIVED: &[Derived] = &[
    Derived {
        name: SEARCH,
        description: "weighted full-text document (tsvector) of each skill: name, category \
                      and labels, description, repository",
        source: "skills, repositories",
        key: "skill id",
    },
    Derived {
        name: WORDS,
        description: "number of listed (ACTIVE) skills holding each search word",
        source: "skills.search of ACTIVE skills",
        key: "lexeme",
    },
    Derived {
        name: CATEGORIES,
        description: "number of listed (ACTIVE) skills in each category (lower case)",
        source: "skills.category of ACTIVE skills",
        key: "category",
    },
];

/// The document a skill's row says it must have (the trigger's own function).
const DOCUMENT: &str =
    "skill_search_document(name, display_name, description, category, labels, repository_id)";

/// `WITH expected AS (key, n), actual AS (key, n), diff AS (key, expected, actual)` for a
/// counter table; `None` for a structure that is not one.
fn counter_diff(structure: &str) -> Option<String> {
    let (expected, table, column) = match structure {
        WORDS => (
            "SELECT w AS key, count(*) AS n FROM skills, unnest(tsvector_to_array(search)) AS w \
             WHERE status = 'ACTIVE' GROUP BY w",
            WORDS,
            "lexeme",
        ),
        CATEGORIES => (
            "SELECT lower(category) AS key, count(*) AS n FROM skills \
             WHERE status = 'ACTIVE' AND category IS NOT NULL GROUP BY lower(category)",
            CATEGORIES,
            "category",
        ),
        _ => return None,
    };
    Some(format!(
        "WITH expected AS ({expected}), \
         actual AS (SELECT {column} AS key, skills AS n FROM {table} WHERE skills <> 0), \
         diff AS (SELECT coalesce(e.key, a.key) AS key, coalesce(e.n, 0) AS expected, \
                         coalesce(a.n, 0) AS actual \
                  FROM expected e FULL JOIN actual a ON a.key = e.key \
                  WHERE coalesce(e.n, 0) <> coalesce(a.n, 0))"
    ))
}

fn sql(text: String) -> sqlx::SqlStr {
    AssertSqlSafe(text).into_sql_str()
}

#[async_trait]
impl DerivedOps for PgTx {
    fn derived(&self) -> &'static [Derived] {
        DERIVED
    }

    async fn execute(&mut self, sql: &'static str) -> Result<(), sqlx::Error> {
        sqlx::query(sql).execute(&mut *self.0).await.map(drop)
    }

    /// Writers of skills and repositories wait until commit (readers do not); the counters
    /// are only written by the triggers on skills.
    async fn lock_sources(&mut self) -> Result<(), sqlx::Error> {
        self.execute("LOCK TABLE skills, repositories IN SHARE ROW EXCLUSIVE MODE")
            .await
    }

    async fn compare(&mut self, structure: &Derived) -> Result<Compared, sqlx::Error> {
        if let Some(diff) = counter_diff(structure.name) {
            let (expected, actual, drift_count, listed): (
                i64,
                i64,
                i64,
                Json<Vec<(String, i64, i64)>>,
            ) = sqlx::query_as(sql(format!(
                "{diff} SELECT (SELECT count(*) FROM expected), (SELECT count(*) FROM actual), \
                         (SELECT count(*) FROM diff), \
                         (SELECT coalesce(json_agg(json_build_array(key, expected, actual) \
                                                   ORDER BY key COLLATE \"C\"), '[]') \
                          FROM (SELECT * FROM diff ORDER BY key COLLATE \"C\" \
                                LIMIT {MAX_LISTED_DRIFTS}) AS listed)"
            )))
            .fetch_one(&mut *self.0)
            .await?;
            return Ok(Compared {
                expected,
                actual,
                drift_count: drift_count as u64,
                drifts: listed
                    .0
                    .into_iter()
                    .map(|(key, e, a)| (key, json!(e), json!(a)))
                    .collect(),
            });
        }
        let expected: i64 = sqlx::query_scalar("SELECT count(*) FROM skills")
            .fetch_one(&mut *self.0)
            .await?;
        let stale: Vec<(i64, bool, i64)> = sqlx::query_as(sql(format!(
            "SELECT id, search IS NULL, count(*) OVER () FROM skills \
             WHERE search IS DISTINCT FROM {DOCUMENT} ORDER BY id LIMIT {MAX_LISTED_DRIFTS}"
        )))
        .fetch_all(&mut *self.0)
        .await?;
        let drift_count = stale.first().map_or(0, |(_, _, n)| *n);
        Ok(Compared {
            expected,
            actual: expected - drift_count,
            drift_count: drift_count as u64,
            drifts: stale
                .into_iter()
                .map(|(id, missing, _)| {
                    let actual: Value = json!(if missing { MISSING } else { STALE });
                    (id.to_string(), json!(INDEXED), actual)
                })
                .collect(),
        })
    }

    async fn rebuild(
        &mut self,
        structure: &Derived,
        _before: &StructureCheck,
    ) -> Result<u64, sqlx::Error> {
        let Some(diff) = counter_diff(structure.name) else {
            let done = sqlx::query(sql(format!(
                "UPDATE skills SET search = {DOCUMENT} WHERE search IS DISTINCT FROM {DOCUMENT}"
            )))
            .execute(&mut *self.0)
            .await?;
            return Ok(done.rows_affected());
        };
        let (table, column) = match structure.name {
            WORDS => (WORDS, "lexeme"),
            _ => (CATEGORIES, "category"),
        };
        // In key order, as the triggers lock counters (no deadlock with a waiting writer).
        let changed: i64 = sqlx::query_scalar(sql(format!(
            "{diff}, \
             upserted AS (INSERT INTO {table} AS c ({column}, skills) \
                          SELECT key, expected FROM diff WHERE expected <> 0 ORDER BY key \
                          ON CONFLICT ({column}) DO UPDATE SET skills = excluded.skills \
                          RETURNING 1), \
             deleted AS (DELETE FROM {table} \
                         WHERE {column} IN (SELECT key FROM diff WHERE expected = 0) RETURNING 1) \
             SELECT (SELECT count(*) FROM upserted) + (SELECT count(*) FROM deleted)"
        )))
        .fetch_one(&mut *self.0)
        .await?;
        Ok(changed as u64)
    }
}

// A REPEATABLE READ, READ ONLY snapshot: writers are not blocked.
crate::health::health_store!(PgStore, PgTx, check_in = begin_read);
