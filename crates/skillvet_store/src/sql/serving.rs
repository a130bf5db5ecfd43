//! `ServingStore` written once for both backends (see [`super`]).

macro_rules! serving_store {
    ($store:ident, $db:ty) => {
        const _: () = {
            use ::async_trait::async_trait;
            use ::skillvet_core::serving::{ServedFilter, ServedSkill, ServingStore};
            use ::skillvet_core::store::StoreResult;
            use ::sqlx::AssertSqlSafe;

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
            }
        };
    };
}

pub(crate) use serving_store;
