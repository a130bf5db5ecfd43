//! `ServingStore` written once for both backends (see [`super`]).

macro_rules! serving_store {
    ($store:ident, $db:ty, time = $time:path, json = $json:path) => {
        const _: () = {
            use ::async_trait::async_trait;
            use ::chrono::{DateTime, Utc};
            use ::skillvet_core::model::{Actor, Id, SkillVersion};
            use ::skillvet_core::serving::{ServedFilter, ServedSkill, ServingStore};
            use ::skillvet_core::store::{StoreError, StoreResult};
            use ::sqlx::AssertSqlSafe;

            use $crate::rows;
            use $crate::serving as sql;
            use $crate::tx::db_error;

            async fn fetch(
                conn: &mut <$db as ::sqlx::Database>::Connection,
                query: String,
                filter: &ServedFilter,
            ) -> StoreResult<Vec<<$db as ::sqlx::Database>::Row>> {
                let mut q = sqlx::query::<$db>(AssertSqlSafe(query));
                for (_, value) in filter.conditions() {
                    q = q.bind(value.to_owned());
                }
                q.fetch_all(conn).await.map_err(db_error)
            }

            #[async_trait]
            impl ServingStore for $store {
                async fn served_skills(
                    &self,
                    filter: &ServedFilter,
                ) -> StoreResult<Vec<ServedSkill>> {
                    // One read transaction: the three reads see the same snapshot.
                    let mut tx = self.begin_read().await?;
                    let skills = fetch(&mut tx, sql::skills_sql(filter), filter).await?;
                    let versions = fetch(&mut tx, sql::versions_sql(filter), filter).await?;
                    let files = fetch(&mut tx, sql::files_sql(filter), filter).await?;
                    tx.rollback().await.map_err(db_error)?;
                    sql::assemble(&skills, &versions, &files)
                }

                async fn yank_version(
                    &self,
                    skill_id: Id,
                    version: &str,
                    reason: &str,
                    actor: &Actor,
                    now: DateTime<Utc>,
                ) -> StoreResult<SkillVersion> {
                    let mut tx = self.begin().await?;
                    let yanked = sqlx::query(sql::YANK_SQL)
                        .bind(reason)
                        .bind(skill_id)
                        .bind(version)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(db_error)?;
                    let Some(row) = yanked else {
                        let existing = sqlx::query(sql::VERSION_SQL)
                            .bind(skill_id)
                            .bind(version)
                            .fetch_optional(&mut *tx)
                            .await
                            .map_err(db_error)?;
                        return match existing {
                            Some(row) => rows::skill_version(&row),
                            None => Err(StoreError::NotFound(format!(
                                "version {version} of skill {skill_id}"
                            ))),
                        };
                    };
                    sqlx::query(sql::YANK_EVENT_SQL)
                        .bind(skill_id)
                        .bind(reason)
                        .bind(&actor.id)
                        .bind(actor.kind.as_str())
                        .bind($json(&serde_json::json!({ "yanked_version": version })))
                        .bind($time(now))
                        .execute(&mut *tx)
                        .await
                        .map_err(db_error)?;
                    let version = rows::skill_version(&row)?;
                    tx.commit().await.map_err(db_error)?;
                    Ok(version)
                }
            }
        };
    };
}

pub(crate) use serving_store;
