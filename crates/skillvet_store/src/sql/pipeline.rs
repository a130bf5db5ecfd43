//! `PipelineStore` written once for both backends (see [`super`]).

macro_rules! pipeline_store {
    ($store:ident, $tx:ident, time = $time:path, json = $json:path) => {
        const _: () = {
            use ::async_trait::async_trait;
            use ::chrono::{DateTime, Utc};
            use ::skillvet_core::SubmissionState;
            use ::skillvet_core::model::{Id, Submission, Transition};
            use ::skillvet_core::pipeline::{
                BlockEntry, BlockKind, NewBlock, PipelineStore, RescanRequest,
            };
            use ::skillvet_core::store::{StoreError, StoreResult};

            use $crate::pipeline;
            use $crate::tx::{self, TxOps, db_error};

        #[async_trait]
        impl PipelineStore for $store {
            async fn add_block(&self, block: &NewBlock, now: DateTime<Utc>) -> StoreResult<BlockEntry> {
                let value = pipeline::block_value(block)?;
                sqlx::query(
                    "INSERT INTO blocklist (kind, value, reason, actor, actor_kind, created_at, expires_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (kind, value) DO NOTHING",
                )
                .bind(block.kind.as_str())
                .bind(&value)
                .bind(block.reason.trim())
                .bind(&block.actor.id)
                .bind(block.actor.kind.as_str())
                .bind($time(now))
                .bind(block.expires_at.map($time))
                .execute(self.write_pool())
                .await
                .map_err(db_error)?;
                let row = sqlx::query("SELECT * FROM blocklist WHERE kind = $1 AND value = $2")
                    .bind(block.kind.as_str())
                    .bind(&value)
                    .fetch_one(self.write_pool())
                    .await
                    .map_err(db_error)?;
                pipeline::block(&row)
            }

            async fn remove_block(&self, kind: BlockKind, value: &str) -> StoreResult<bool> {
                let done = sqlx::query("DELETE FROM blocklist WHERE kind = $1 AND value = $2")
                    .bind(kind.as_str())
                    .bind(value.trim().to_ascii_lowercase())
                    .execute(self.write_pool())
                    .await
                    .map_err(db_error)?;
                Ok(done.rows_affected() == 1)
            }

            async fn blocks(&self) -> StoreResult<Vec<BlockEntry>> {
                let rows = sqlx::query("SELECT * FROM blocklist ORDER BY id")
                    .fetch_all(self.read_pool())
                    .await
                    .map_err(db_error)?;
                rows.iter().map(pipeline::block).collect()
            }

            async fn find_block(
                &self,
                owner: &str,
                name: &str,
                skill: Option<&str>,
                content_hash: Option<&str>,
                now: DateTime<Utc>,
            ) -> StoreResult<Option<BlockEntry>> {
                let (owner, name) = (owner.to_ascii_lowercase(), name.to_ascii_lowercase());
                let row = sqlx::query(
                    "SELECT * FROM blocklist WHERE ((kind = 'repository' AND value = $1) \
                         OR (kind = 'owner' AND value = $2) OR (kind = 'skill' AND value = $3) \
                         OR (kind = 'content' AND value = $4)) \
                         AND (expires_at IS NULL OR expires_at > $5) \
                     ORDER BY CASE kind WHEN 'repository' THEN 0 WHEN 'owner' THEN 1 \
                         WHEN 'skill' THEN 2 ELSE 3 END LIMIT 1",
                )
                .bind(format!("{owner}/{name}"))
                .bind(owner.clone())
                .bind(skill.map(|s| format!("{owner}/{name}/{}", s.to_ascii_lowercase())))
                .bind(content_hash.map(str::to_ascii_lowercase))
                .bind($time(now))
                .fetch_optional(self.read_pool())
                .await
                .map_err(db_error)?;
                row.as_ref().map(pipeline::block).transpose()
            }

            async fn block_submission(
                &self,
                id: Id,
                change: &Transition,
                now: DateTime<Utc>,
            ) -> StoreResult<Submission> {
                if change.to != SubmissionState::Blocked {
                    return Err(StoreError::Conflict(format!(
                        "block_submission moves to BLOCKED, not {}",
                        change.to
                    )));
                }
                let mut tx = $tx(self.begin().await?);
                let submission = tx::transition(&mut tx, id, change, now).await?;
                let skill: Option<Id> = sqlx::query_scalar(
                    "UPDATE skills SET status = 'BLOCKED', status_reason = $1, updated_at = $2 \
                     WHERE status <> 'BLOCKED' AND (repository_id, skill_path) = \
                         (SELECT repository_id, skill_path FROM submissions WHERE id = $3) \
                     RETURNING id",
                )
                .bind(change.reason.as_deref())
                .bind($time(now))
                .bind(id)
                .fetch_optional(&mut *tx.0)
                .await
                .map_err(db_error)?;
                if let Some(skill_id) = skill {
                    sqlx::query(
                        "INSERT INTO skill_events (skill_id, from_status, to_status, reason, actor, \
                             actor_kind, metadata, at) \
                         VALUES ($1, 'ACTIVE', 'BLOCKED', $2, $3, $4, $5, $6)",
                    )
                    .bind(skill_id)
                    .bind(change.reason.as_deref())
                    .bind(&change.actor.id)
                    .bind(change.actor.kind.as_str())
                    .bind($json(&serde_json::json!({ "submission_id": id })))
                    .bind($time(now))
                    .execute(&mut *tx.0)
                    .await
                    .map_err(db_error)?;
                }
                tx.0.commit().await.map_err(db_error)?;
                Ok(submission)
            }

            async fn request_rescan(
                &self,
                id: Id,
                request: &RescanRequest,
                now: DateTime<Utc>,
            ) -> StoreResult<Submission> {
                let mut tx = $tx(self.begin().await?);
                let submission = tx::transition(&mut tx, id, &request.change, now).await?;
                let mut job = tx::verify_job(id, request.priority, now);
                job.run_at = request.run_at;
                tx.enqueue(&job, now).await?;
                tx.0.commit().await.map_err(db_error)?;
                self.jobs_committed();
                Ok(submission)
            }

            async fn published_submissions(&self, after: Option<Id>, limit: u32) -> StoreResult<Vec<Id>> {
                sqlx::query_scalar(
                    "SELECT id FROM submissions WHERE state = 'PUBLISHED' AND id > $1 ORDER BY id LIMIT $2",
                )
                .bind(after.unwrap_or(0))
                .bind(i64::from(limit.min(1000)))
                .fetch_all(self.read_pool())
                .await
                .map_err(db_error)
            }

            async fn setting(&self, key: &str) -> StoreResult<Option<String>> {
                sqlx::query_scalar("SELECT value FROM registry_settings WHERE key = $1")
                    .bind(key)
                    .fetch_optional(self.read_pool())
                    .await
                    .map_err(db_error)
            }

            async fn set_setting(&self, key: &str, value: &str, now: DateTime<Utc>) -> StoreResult<()> {
                sqlx::query(
                    "INSERT INTO registry_settings (key, value, updated_at) VALUES ($1, $2, $3) \
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                )
                .bind(key)
                .bind(value)
                .bind($time(now))
                .execute(self.write_pool())
                .await
                .map_err(db_error)?;
                Ok(())
            }
        }
        };
    };
}

pub(crate) use pipeline_store;
