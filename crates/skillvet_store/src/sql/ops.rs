//! The SQL steps of a write transaction ([`crate::tx::TxOps`]), written once (see
//! [`super`]). Also parameters: the row-lock suffix (`FOR UPDATE OF s` on PostgreSQL;
//! SQLite's write transaction already holds its single write lock), and the transaction
//! type's inherent `jobs_enqueued`, which tells workers of new jobs.

/// Implements `TxOps` for `$tx` (a newtype around a `sqlx::Transaction`).
macro_rules! tx_ops {
    ($tx:ident, time = $time:path, json = $json:path, lock_row = $lock_row:literal) => {
        const _: () = {
            use ::async_trait::async_trait;
            use ::chrono::{DateTime, Utc};
            use ::sha2::{Digest, Sha256};
            use ::skillvet_core::model::{
                Id, NewSubmission, Publication, RepoRef, Skill, SkillVersion, Submission,
            };
            use ::skillvet_core::store::StoreResult;

            use $crate::rows::{self, Cells, skill_select, submission_select};
            use $crate::tx::{AuditEntry, NewEvent, NewJob, Published, StateUpdate, TxOps, db_error};

        impl $tx {
            async fn submission_where(
                &mut self,
                sql: &'static str,
                a: Id,
                b: Option<&str>,
            ) -> StoreResult<Option<Submission>> {
                let mut query = sqlx::query(sql).bind(a);
                if let Some(b) = b {
                    query = query.bind(b.to_owned());
                }
                let row = query.fetch_optional(&mut *self.0).await.map_err(db_error)?;
                row.as_ref().map(rows::submission).transpose()
            }
        }

        #[async_trait]
        impl TxOps for $tx {
            async fn upsert_repository(
                &mut self,
                repo: &RepoRef,
                now: DateTime<Utc>,
            ) -> StoreResult<(Id, RepoRef)> {
                sqlx::query(
                    "INSERT INTO repositories (owner, name, url, created_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (owner, name) DO NOTHING",
                )
                .bind(&repo.owner)
                .bind(&repo.name)
                .bind(&repo.url)
                .bind($time(now))
                .execute(&mut *self.0)
                .await
                .map_err(db_error)?;
                let row = sqlx::query("SELECT id, owner, name AS repo_name, url FROM repositories WHERE owner = $1 AND name = $2")
                    .bind(&repo.owner)
                    .bind(&repo.name)
                    .fetch_one(&mut *self.0)
                    .await
                    .map_err(db_error)?;
                Ok((
                    row.big("id")?,
                    RepoRef {
                        owner: row.text("owner")?,
                        name: row.text("repo_name")?,
                        url: row.text("url")?,
                    },
                ))
            }

            async fn insert_submission(
                &mut self,
                repository_id: Id,
                new: &NewSubmission,
                now: DateTime<Utc>,
            ) -> StoreResult<Option<Submission>> {
                let id: Option<Id> = sqlx::query_scalar(
                    "INSERT INTO submissions (repository_id, skill_name, skill_path, requested_ref, state, \
                         priority, submitter, submitter_kind, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, 'RECEIVED', $5, $6, $7, $8, $8) \
                     ON CONFLICT (repository_id, skill_path) WHERE state IN ('RECEIVED', 'TIER1_SCANNING', \
                         'TIER1_FAILED', 'TIER2_SCANNING', 'AUTO_APPROVED', 'NEEDS_REVIEW', 'ON_HOLD', \
                         'RESCAN_REQUIRED') DO NOTHING \
                     RETURNING id",
                )
                .bind(repository_id)
                .bind(&new.skill_name)
                .bind(&new.skill_path)
                .bind(&new.requested_ref)
                .bind(new.priority)
                .bind(&new.submitter.id)
                .bind(new.submitter.kind.as_str())
                .bind($time(now))
                .fetch_optional(&mut *self.0)
                .await
                .map_err(db_error)?;
                match id {
                    Some(id) => self.lock_submission(id).await,
                    None => Ok(None),
                }
            }

            async fn active_submission(
                &mut self,
                repository_id: Id,
                skill_path: &str,
            ) -> StoreResult<Option<Submission>> {
                self.submission_where(
                    concat!(
                        submission_select!(),
                        "WHERE s.repository_id = $1 AND s.skill_path = $2 AND s.state IN ('RECEIVED', \
                         'TIER1_SCANNING', 'TIER1_FAILED', 'TIER2_SCANNING', 'AUTO_APPROVED', 'NEEDS_REVIEW', \
                         'ON_HOLD', 'RESCAN_REQUIRED')"
                    ),
                    repository_id,
                    Some(skill_path),
                )
                .await
            }

            async fn latest_submission(
                &mut self,
                repository_id: Id,
                skill_path: &str,
            ) -> StoreResult<Option<Submission>> {
                self.submission_where(
                    concat!(
                        submission_select!(),
                        "WHERE s.repository_id = $1 AND s.skill_path = $2 ORDER BY s.id DESC LIMIT 1"
                    ),
                    repository_id,
                    Some(skill_path),
                )
                .await
            }

            async fn published_skill(
                &mut self,
                repository_id: Id,
                skill_path: &str,
            ) -> StoreResult<Option<Published>> {
                let row = sqlx::query(
                    "SELECT k.*, v.commit_sha AS version_commit FROM skills k \
                     JOIN skill_versions v ON v.skill_id = k.id AND v.version = k.current_version \
                     WHERE k.repository_id = $1 AND k.skill_path = $2",
                )
                .bind(repository_id)
                .bind(skill_path)
                .fetch_optional(&mut *self.0)
                .await
                .map_err(db_error)?;
                row.map(|row| {
                    Ok(Published {
                        skill: rows::skill_summary(&row)?,
                        commit_sha: row.text("version_commit")?,
                    })
                })
                .transpose()
            }

            async fn lock_submission(&mut self, id: Id) -> StoreResult<Option<Submission>> {
                self.submission_where(
                    concat!(submission_select!(), "WHERE s.id = $1", $lock_row),
                    id,
                    None,
                )
                .await
            }

            async fn update_state(&mut self, update: &StateUpdate<'_>) -> StoreResult<Option<Submission>> {
                let done = sqlx::query(
                    "UPDATE submissions SET state = $1, state_reason = $2, \
                         commit_sha = COALESCE($3, commit_sha), run = run + $4, updated_at = $5 \
                     WHERE id = $6 AND state = $7",
                )
                .bind(update.to.as_str())
                .bind(update.reason)
                .bind(update.commit_sha)
                .bind(i32::from(update.new_run))
                .bind($time(update.now))
                .bind(update.id)
                .bind(update.from.as_str())
                .execute(&mut *self.0)
                .await
                .map_err(db_error)?;
                if done.rows_affected() == 0 {
                    return Ok(None);
                }
                self.lock_submission(update.id).await
            }

            async fn insert_event(&mut self, event: &NewEvent<'_>) -> StoreResult<()> {
                sqlx::query(
                    "INSERT INTO submission_events (submission_id, from_state, to_state, trigger_name, actor, \
                         actor_kind, reason, metadata, at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(event.submission_id)
                .bind(event.from.map(|s| s.as_str()))
                .bind(event.to.as_str())
                .bind(event.trigger)
                .bind(&event.actor.id)
                .bind(event.actor.kind.as_str())
                .bind(event.reason)
                .bind($json(event.metadata))
                .bind($time(event.at))
                .execute(&mut *self.0)
                .await
                .map_err(db_error)?;
                Ok(())
            }

            async fn enqueue(&mut self, job: &NewJob<'_>, now: DateTime<Utc>) -> StoreResult<Option<Id>> {
                let id: Option<Id> = sqlx::query_scalar(
                    "INSERT INTO jobs (kind, payload, state, priority, attempts, max_attempts, run_at, \
                         dedup_key, created_at, updated_at) \
                     VALUES ($1, $2, 'queued', $3, 0, $4, $5, $6, $7, $7) \
                     ON CONFLICT (dedup_key) WHERE state IN ('queued', 'running') DO NOTHING \
                     RETURNING id",
                )
                .bind(job.kind)
                .bind($json(&job.payload))
                .bind(job.priority)
                .bind(job.max_attempts)
                .bind($time(job.run_at))
                .bind(&job.dedup_key)
                .bind($time(now))
                .fetch_optional(&mut *self.0)
                .await
                .map_err(db_error)?;
                if id.is_some() {
                    self.jobs_enqueued().await?;
                }
                Ok(id)
            }

            async fn upsert_skill(
                &mut self,
                slug: &str,
                p: &Publication,
                now: DateTime<Utc>,
            ) -> StoreResult<Id> {
                sqlx::query_scalar(
                    "INSERT INTO skills (slug, repository_id, skill_path, name, display_name, description, author, \
                         category, labels, status, cert_tier, cert_method, cert_score, trust_components, certified_at, \
                         current_version, latest_submission_id, created_at, updated_at) \
                     SELECT $1, s.repository_id, s.skill_path, $2, $3, $4, $5, $6, $7, 'ACTIVE', $8, $9, $10, $11, $12, \
                         '', s.id, $12, $12 FROM submissions s WHERE s.id = $13 \
                     ON CONFLICT (repository_id, skill_path) DO UPDATE SET slug = excluded.slug, name = excluded.name, \
                         display_name = excluded.display_name, description = excluded.description, \
                         author = excluded.author, category = excluded.category, labels = excluded.labels, \
                         cert_tier = excluded.cert_tier, cert_method = excluded.cert_method, \
                         cert_score = excluded.cert_score, trust_components = excluded.trust_components, \
                         certified_at = excluded.certified_at, latest_submission_id = excluded.latest_submission_id, \
                         updated_at = excluded.updated_at \
                     RETURNING id",
                )
                .bind(slug)
                .bind(&p.name)
                .bind(&p.display_name)
                .bind(&p.description)
                .bind(&p.author)
                .bind(&p.category)
                .bind($json(&p.labels))
                .bind(p.cert_tier.as_str())
                .bind(&p.cert_method)
                .bind(p.cert_score)
                .bind($json(&p.trust_components))
                .bind($time(now))
                .bind(p.submission_id)
                .fetch_one(&mut *self.0)
                .await
                .map_err(db_error)
            }

            async fn version_by_hash(
                &mut self,
                skill_id: Id,
                tree_hash: &str,
            ) -> StoreResult<Option<SkillVersion>> {
                let row =
                    sqlx::query("SELECT * FROM skill_versions WHERE skill_id = $1 AND tree_hash = $2")
                        .bind(skill_id)
                        .bind(tree_hash)
                        .fetch_optional(&mut *self.0)
                        .await
                        .map_err(db_error)?;
                row.as_ref().map(rows::skill_version).transpose()
            }

            async fn insert_version(
                &mut self,
                skill_id: Id,
                p: &Publication,
                now: DateTime<Utc>,
            ) -> StoreResult<SkillVersion> {
                let row = sqlx::query(
                    "INSERT INTO skill_versions (skill_id, version, commit_sha, tree_hash, manifest, submission_id, \
                         yanked, created_at) \
                     SELECT $1, CAST(COALESCE(MAX(CAST(version AS INTEGER)), 0) + 1 AS TEXT), $2, $3, $4, $5, FALSE, $6 \
                         FROM skill_versions WHERE skill_id = $1 \
                     RETURNING *",
                )
                .bind(skill_id)
                .bind(&p.commit_sha)
                .bind(&p.tree_hash)
                .bind($json(&p.manifest))
                .bind(p.submission_id)
                .bind($time(now))
                .fetch_one(&mut *self.0)
                .await
                .map_err(db_error)?;
                let version = rows::skill_version(&row)?;
                for file in &p.files {
                    let sha256 = hex::encode(Sha256::digest(&file.content));
                    sqlx::query("INSERT INTO blobs (sha256, size, content) VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING")
                        .bind(&sha256)
                        .bind(file.content.len() as i64)
                        .bind(&file.content)
                        .execute(&mut *self.0)
                        .await
                        .map_err(db_error)?;
                    sqlx::query(
                        "INSERT INTO skill_version_files (version_id, path, kind, size, sha256) VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(version.id)
                    .bind(&file.path)
                    .bind(&file.kind)
                    .bind(file.content.len() as i64)
                    .bind(&sha256)
                    .execute(&mut *self.0)
                    .await
                    .map_err(db_error)?;
                }
                Ok(version)
            }

            async fn set_current_version(
                &mut self,
                skill_id: Id,
                version: &SkillVersion,
                now: DateTime<Utc>,
            ) -> StoreResult<Skill> {
                sqlx::query("UPDATE skills SET current_version = $1, updated_at = $2 WHERE id = $3")
                    .bind(&version.version)
                    .bind($time(now))
                    .bind(skill_id)
                    .execute(&mut *self.0)
                    .await
                    .map_err(db_error)?;
                let row = sqlx::query(concat!(skill_select!(), "WHERE k.id = $1"))
                    .bind(skill_id)
                    .fetch_one(&mut *self.0)
                    .await
                    .map_err(db_error)?;
                rows::skill(&row)
            }

            async fn audit(
                &mut self,
                by: &::skillvet_core::moderation::Moderator,
                entry: &AuditEntry,
                now: DateTime<Utc>,
            ) -> StoreResult<()> {
                sqlx::query(
                    "INSERT INTO audit_events (actor, actor_kind, actor_role, action, target_kind, \
                         target, package, reason, before_state, after_state, at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                )
                .bind(&by.actor.id)
                .bind(by.actor.kind.as_str())
                .bind(&by.role)
                .bind(entry.action.as_str())
                .bind(entry.target_kind)
                .bind(&entry.target)
                .bind(&entry.package)
                .bind(Some(by.reason.trim()).filter(|r| !r.is_empty()))
                .bind($json(&entry.before))
                .bind($json(&entry.after))
                .bind($time(now))
                .execute(&mut *self.0)
                .await
                .map_err(db_error)?;
                Ok(())
            }
        }
        };
    };
}

pub(crate) use tx_ops;
