//! `SubmissionStore`, `SkillStore` and `Store` written once for both backends (see [`super`]).

macro_rules! stores {
    (
        $store:ident, $tx:ident, $db:ty, name = $name:literal,
        time = $time:path, json = $json:path
    ) => {
        const _: () = {
            use std::collections::HashMap;

            use ::async_trait::async_trait;
            use ::chrono::{DateTime, Utc};
            use ::skillvet_core::SubmissionState;
            use ::skillvet_core::model::{
                Id, NewScanResult, NewSubmission, Page, PageRequest, Publication, Published,
                ScanResult, Skill, SkillVersion, Submission, SubmissionDetail, SubmissionFilter,
                SubmitOutcome, Transition, VersionFile,
            };
            use ::skillvet_core::search::{CategoryCount, SearchPage, SearchQuery};
            use ::skillvet_core::store::{
                PathState, SkillStore, Store, StoreResult, SubmissionStore,
            };
            use ::sqlx::QueryBuilder;

            use $crate::rows::{self, Cells, skill_select, submission_select};
            use $crate::tx::{self, db_error};

        fn push_ids(query: &mut QueryBuilder<$db>, ids: &[Id]) {
            query.push("(");
            let mut list = query.separated(", ");
            for id in ids {
                list.push_bind(*id);
            }
            query.push(")");
        }

        #[async_trait]
        impl SubmissionStore for $store {
            async fn submit(&self, new: &NewSubmission, now: DateTime<Utc>) -> StoreResult<SubmitOutcome> {
                // Fast path: a pending duplicate is answered by one indexed read, no write lock. A
                // race that ends it right after is harmless: the answer was true when it was read.
                let pending = sqlx::query(rows::pending_duplicate_select!())
                    .bind(&new.repo.owner)
                    .bind(&new.repo.name)
                    .bind(&new.repo.url)
                    .bind(&new.skill_path)
                    .fetch_optional(self.read_pool())
                    .await
                    .map_err(db_error)?;
                if let Some(row) = pending {
                    return Ok(SubmitOutcome::Duplicate {
                        submission: rows::submission(&row)?,
                    });
                }
                let mut tx = $tx(self.begin().await?);
                let outcome = tx::submit(&mut tx, new, now).await?;
                tx.0.commit().await.map_err(db_error)?;
                self.jobs_committed();
                Ok(outcome)
            }

            async fn submit_bulk(
                &self,
                batch: &[NewSubmission],
                now: DateTime<Utc>,
            ) -> StoreResult<Vec<SubmitOutcome>> {
                let mut tx = $tx(self.begin().await?);
                let mut outcomes = Vec::with_capacity(batch.len());
                for new in batch {
                    outcomes.push(tx::submit(&mut tx, new, now).await?);
                }
                tx.0.commit().await.map_err(db_error)?;
                self.jobs_committed();
                Ok(outcomes)
            }

            async fn submission(&self, id: Id) -> StoreResult<Option<Submission>> {
                let row = sqlx::query(concat!(submission_select!(), "WHERE s.id = $1"))
                    .bind(id)
                    .fetch_optional(self.read_pool())
                    .await
                    .map_err(db_error)?;
                row.as_ref().map(rows::submission).transpose()
            }

            async fn submission_details(&self, ids: &[Id]) -> StoreResult<Vec<SubmissionDetail>> {
                if ids.is_empty() {
                    return Ok(vec![]);
                }
                let mut conn = self.read_pool().acquire().await.map_err(db_error)?;
                let mut query =
                    QueryBuilder::<$db>::new(concat!(submission_select!(), "WHERE s.id IN "));
                push_ids(&mut query, ids);
                let submissions = query
                    .build()
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(db_error)?;
                let mut query =
                    QueryBuilder::<$db>::new("SELECT * FROM scan_results WHERE submission_id IN ");
                push_ids(&mut query, ids);
                let scans = query
                    .build()
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(db_error)?;
                let mut query =
                    QueryBuilder::<$db>::new("SELECT * FROM submission_events WHERE submission_id IN ");
                push_ids(&mut query, ids);
                let events = query
                    .build()
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(db_error)?;
                Ok(tx::details_in_order(
                    ids,
                    submissions
                        .iter()
                        .map(rows::submission)
                        .collect::<StoreResult<_>>()?,
                    scans
                        .iter()
                        .map(rows::scan_result)
                        .collect::<StoreResult<_>>()?,
                    events.iter().map(rows::event).collect::<StoreResult<_>>()?,
                ))
            }

            async fn list_submissions(
                &self,
                filter: &SubmissionFilter,
                page: PageRequest,
            ) -> StoreResult<Page<Submission>> {
                let mut query = QueryBuilder::<$db>::new(concat!(submission_select!(), "WHERE 1 = 1"));
                if let Some(state) = filter.state {
                    query.push(" AND s.state = ").push_bind(state.as_str());
                }
                if let Some((owner, name)) = &filter.repository {
                    query.push(" AND r.owner = ").push_bind(owner.clone());
                    query.push(" AND r.name = ").push_bind(name.clone());
                }
                if let Some(skill) = &filter.skill_name {
                    query.push(" AND s.skill_name = ").push_bind(skill.clone());
                }
                if let Some(before) = page.before {
                    query.push(" AND s.id < ").push_bind(before);
                }
                query
                    .push(" ORDER BY s.id DESC LIMIT ")
                    .push_bind(i64::from(page.limit) + 1);
                let found = query
                    .build()
                    .fetch_all(self.read_pool())
                    .await
                    .map_err(db_error)?;
                let items = found
                    .iter()
                    .map(rows::submission)
                    .collect::<StoreResult<_>>()?;
                Ok(tx::into_page(items, page.limit))
            }

            async fn submission_stats(&self) -> StoreResult<Vec<(SubmissionState, i64)>> {
                let found = sqlx::query("SELECT state, COUNT(*) AS n FROM submissions GROUP BY state")
                    .fetch_all(self.read_pool())
                    .await
                    .map_err(db_error)?;
                let mut counts = HashMap::new();
                for row in &found {
                    counts.insert(row.parsed("state")?, row.big("n")?);
                }
                Ok(tx::full_stats(counts))
            }

            async fn transition(
                &self,
                id: Id,
                change: &Transition,
                now: DateTime<Utc>,
            ) -> StoreResult<Submission> {
                let mut tx = $tx(self.begin().await?);
                let submission = tx::transition(&mut tx, id, change, now).await?;
                tx.0.commit().await.map_err(db_error)?;
                Ok(submission)
            }

            async fn record_scan_result(
                &self,
                result: &NewScanResult,
                now: DateTime<Utc>,
            ) -> StoreResult<ScanResult> {
                let mut tx = self.begin().await?;
                sqlx::query(
                    "INSERT INTO scan_results (submission_id, run, tier, scanner, scanner_version, verdict, \
                         score, findings, dependency_risk, script_scan_summary, commit_sha, duration_ms, at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
                     ON CONFLICT (submission_id, run, tier, scanner) DO NOTHING",
                )
                .bind(result.submission_id)
                .bind(result.run)
                .bind(result.tier)
                .bind(&result.scanner)
                .bind(&result.scanner_version)
                .bind(result.verdict.as_str())
                .bind(result.score)
                .bind($json(&result.findings))
                .bind($json(&result.dependency_risk))
                .bind($json(&result.script_scan_summary))
                .bind(&result.commit_sha)
                .bind(result.duration_ms)
                .bind($time(now))
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
                let row = sqlx::query(
                    "SELECT * FROM scan_results WHERE submission_id = $1 AND run = $2 AND tier = $3 AND scanner = $4",
                )
                .bind(result.submission_id)
                .bind(result.run)
                .bind(result.tier)
                .bind(&result.scanner)
                .fetch_one(&mut *tx)
                .await
                .map_err(db_error)?;
                tx.commit().await.map_err(db_error)?;
                rows::scan_result(&row)
            }

            async fn path_states(
                &self,
                owner: &str,
                name: &str,
                paths: Option<&[String]>,
            ) -> StoreResult<Vec<PathState>> {
                let mut conn = self.read_pool().acquire().await.map_err(db_error)?;
                let latest_rows = sqlx::query(
                    "SELECT s.skill_path, s.id, s.state FROM submissions s \
                     WHERE s.id IN (SELECT MAX(x.id) FROM submissions x JOIN repositories r ON r.id = x.repository_id \
                                    WHERE r.owner = $1 AND r.name = $2 GROUP BY x.skill_path)",
                )
                .bind(owner)
                .bind(name)
                .fetch_all(&mut *conn)
                .await
                .map_err(db_error)?;
                let skill_rows = sqlx::query(
                    "SELECT k.skill_path, k.slug, k.status FROM skills k JOIN repositories r ON r.id = k.repository_id \
                     WHERE r.owner = $1 AND r.name = $2",
                )
                .bind(owner)
                .bind(name)
                .fetch_all(&mut *conn)
                .await
                .map_err(db_error)?;
                let mut latest = HashMap::new();
                for row in &latest_rows {
                    latest.insert(
                        row.text("skill_path")?,
                        (row.big("id")?, row.parsed("state")?),
                    );
                }
                let mut skills = HashMap::new();
                for row in &skill_rows {
                    skills.insert(
                        row.text("skill_path")?,
                        (row.text("slug")?, row.parsed("status")?),
                    );
                }
                Ok(tx::path_states(paths, &latest, &skills))
            }
        }

        #[async_trait]
        impl SkillStore for $store {
            async fn skill_by_slug(&self, slug: &str) -> StoreResult<Option<Skill>> {
                let row = sqlx::query(concat!(skill_select!(), "WHERE k.slug = $1"))
                    .bind(slug)
                    .fetch_optional(self.read_pool())
                    .await
                    .map_err(db_error)?;
                row.as_ref().map(rows::skill).transpose()
            }

            async fn repository_skills(&self, owner: &str, name: &str) -> StoreResult<Vec<Skill>> {
                let found = sqlx::query(concat!(
                    skill_select!(),
                    "WHERE r.owner = $1 AND r.name = $2 ORDER BY k.name"
                ))
                .bind(owner)
                .bind(name)
                .fetch_all(self.read_pool())
                .await
                .map_err(db_error)?;
                found.iter().map(rows::skill).collect()
            }

            async fn skill_versions(&self, skill_id: Id) -> StoreResult<Vec<SkillVersion>> {
                let found =
                    sqlx::query("SELECT * FROM skill_versions WHERE skill_id = $1 ORDER BY id DESC")
                        .bind(skill_id)
                        .fetch_all(self.read_pool())
                        .await
                        .map_err(db_error)?;
                found.iter().map(rows::skill_version).collect()
            }

            async fn publish(
                &self,
                publication: &Publication,
                now: DateTime<Utc>,
            ) -> StoreResult<Published> {
                let mut tx = $tx(self.begin().await?);
                let published = tx::publish(&mut tx, publication, now).await?;
                tx.0.commit().await.map_err(db_error)?;
                if !publication.jobs.is_empty() {
                    self.jobs_committed();
                }
                Ok(published)
            }

            async fn version_files(&self, version_id: Id) -> StoreResult<Vec<VersionFile>> {
                let found =
                    sqlx::query("SELECT * FROM skill_version_files WHERE version_id = $1 ORDER BY path")
                        .bind(version_id)
                        .fetch_all(self.read_pool())
                        .await
                        .map_err(db_error)?;
                found
                    .iter()
                    .map(|row| {
                        Ok(VersionFile {
                            path: row.text("path")?,
                            kind: row.text("kind")?,
                            size: row.big("size")?,
                            sha256: row.text("sha256")?,
                        })
                    })
                    .collect()
            }

            async fn blob(&self, sha256: &str) -> StoreResult<Option<Vec<u8>>> {
                sqlx::query_scalar("SELECT content FROM blobs WHERE sha256 = $1")
                    .bind(sha256)
                    .fetch_optional(self.read_pool())
                    .await
                    .map_err(db_error)
            }

            async fn search(&self, query: &SearchQuery) -> StoreResult<SearchPage> {
                super::search::search(self, query).await
            }

            async fn categories(&self, limit: u32) -> StoreResult<Vec<CategoryCount>> {
                super::search::categories(self, limit).await
            }
        }

        impl Store for $store {
            fn backend(&self) -> &'static str {
                $name
            }
        }
        };
    };
}

pub(crate) use stores;
