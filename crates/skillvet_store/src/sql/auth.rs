//! `AuthStore` written once for both backends (see [`super`]).

macro_rules! auth_store {
    ($store:ident, time = $time:path, json = $json:path) => {
        const _: () = {
            use ::async_trait::async_trait;
            use ::chrono::{DateTime, Utc};
            use ::skillvet_core::model::{ApiToken, Id, Role, User};
            use ::skillvet_core::store::{AuthStore, StoreResult};

            use $crate::rows;
            use $crate::tx::db_error;

        #[async_trait]
        impl AuthStore for $store {
            async fn ensure_user(&self, login: &str, role: Role, now: DateTime<Utc>) -> StoreResult<User> {
                let mut tx = self.begin().await?;
                sqlx::query("INSERT INTO users (login, role, created_at) VALUES ($1, $2, $3) ON CONFLICT (login) DO NOTHING")
                    .bind(login)
                    .bind(role.as_str())
                    .bind($time(now))
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
                let row = sqlx::query(
                    concat!("SELECT ", $crate::rows::user_columns!(), " FROM users u WHERE u.login = $1"),
                )
                .bind(login)
                .fetch_one(&mut *tx)
                .await
                .map_err(db_error)?;
                tx.commit().await.map_err(db_error)?;
                rows::user(&row)
            }

            async fn create_token(
                &self,
                user_id: Id,
                name: &str,
                token_sha256: &str,
                scopes: &[String],
                expires_at: Option<DateTime<Utc>>,
                now: DateTime<Utc>,
            ) -> StoreResult<ApiToken> {
                let mut tx = self.begin().await?;
                let row = sqlx::query(
                    "INSERT INTO api_tokens (user_id, name, token_hash, scopes, created_at, expires_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING *",
                )
                .bind(user_id)
                .bind(name)
                .bind(token_sha256)
                .bind($json(scopes))
                .bind($time(now))
                .bind(expires_at.map($time))
                .fetch_one(&mut *tx)
                .await
                .map_err(db_error)?;
                tx.commit().await.map_err(db_error)?;
                rows::api_token(&row)
            }

            async fn authenticate(
                &self,
                token_sha256: &str,
                now: DateTime<Utc>,
            ) -> StoreResult<Option<(User, ApiToken)>> {
                let row = sqlx::query(
                    concat!("SELECT t.*, ", $crate::rows::user_columns!(), " FROM api_tokens t \
                     JOIN users u ON u.id = t.user_id \
                     WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $2)"),
                )
                .bind(token_sha256)
                .bind($time(now))
                .fetch_optional(self.read_pool())
                .await
                .map_err(db_error)?;
                row.map(|row| Ok((rows::user(&row)?, rows::api_token(&row)?)))
                    .transpose()
            }

            async fn revoke_token(&self, token_id: Id, now: DateTime<Utc>) -> StoreResult<bool> {
                let mut tx = self.begin().await?;
                let done = sqlx::query(
                    "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
                )
                .bind($time(now))
                .bind(token_id)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
                tx.commit().await.map_err(db_error)?;
                Ok(done.rows_affected() == 1)
            }
        }
        };
    };
}

pub(crate) use auth_store;
