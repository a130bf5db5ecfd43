//! `AccountStore` written once for both backends (see [`super`]).

macro_rules! account_store {
    ($store:ident, time = $time:path, json = $json:path) => {
        const _: () = {
            use ::async_trait::async_trait;
            use ::chrono::{DateTime, Duration, Utc};
            use ::skillvet_core::accounts::{
                AccountStore, GithubProfile, NewSession, OAuthState, Session,
            };
            use ::skillvet_core::model::{ApiToken, Id, Role, User};
            use ::skillvet_core::store::{StoreError, StoreResult};

            use $crate::rows::{self, Cells, user_columns};
            use $crate::tx::db_error;

            /// Last-seen and last-used times move at most this often (one write a minute,
            /// not one per request).
            const TOUCH_EVERY: Duration = Duration::minutes(1);

            #[async_trait]
            impl AccountStore for $store {
                async fn begin_oauth(&self, state: &OAuthState, now: DateTime<Utc>) -> StoreResult<()> {
                    let mut tx = self.begin().await?;
                    sqlx::query("DELETE FROM oauth_states WHERE expires_at <= $1")
                        .bind($time(now))
                        .execute(&mut *tx)
                        .await
                        .map_err(db_error)?;
                    sqlx::query(
                        "INSERT INTO oauth_states (state_hash, code_verifier, return_to, created_at, expires_at) \
                         VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(&state.state_sha256)
                    .bind(&state.code_verifier)
                    .bind(&state.return_to)
                    .bind($time(now))
                    .bind($time(state.expires_at))
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
                    tx.commit().await.map_err(db_error)
                }

                async fn take_oauth(
                    &self,
                    state_sha256: &str,
                    now: DateTime<Utc>,
                ) -> StoreResult<Option<OAuthState>> {
                    let row = sqlx::query("DELETE FROM oauth_states WHERE state_hash = $1 RETURNING *")
                        .bind(state_sha256)
                        .fetch_optional(self.write_pool())
                        .await
                        .map_err(db_error)?;
                    let Some(row) = row else { return Ok(None) };
                    let found = OAuthState {
                        state_sha256: row.text("state_hash")?,
                        code_verifier: row.text("code_verifier")?,
                        return_to: row.text("return_to")?,
                        expires_at: row.time("expires_at")?,
                    };
                    Ok((found.expires_at > now).then_some(found))
                }

                async fn upsert_github_user(
                    &self,
                    profile: &GithubProfile,
                    now: DateTime<Utc>,
                ) -> StoreResult<User> {
                    let login = profile.login.to_ascii_lowercase();
                    let mut tx = self.begin().await?;
                    let holder = sqlx::query("SELECT id, github_id FROM users WHERE login = $1")
                        .bind(&login)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(db_error)?;
                    if let Some(holder) = holder {
                        match holder.opt_big("github_id")? {
                            None => {
                                return Err(StoreError::Conflict(format!(
                                    "the login {login} belongs to a local account of this registry"
                                )));
                            }
                            // GitHub logins are unique at any moment: the holder was renamed
                            // on GitHub since its last sign-in. Park it until it signs in again.
                            Some(other) if other != profile.id => {
                                sqlx::query("UPDATE users SET login = login || '~' || github_id WHERE id = $1")
                                    .bind(holder.big("id")?)
                                    .execute(&mut *tx)
                                    .await
                                    .map_err(db_error)?;
                            }
                            Some(_) => {}
                        }
                    }
                    let orgs: Vec<String> =
                        profile.orgs.iter().map(|o| o.to_ascii_lowercase()).collect();
                    let updated = sqlx::query(
                        "UPDATE users SET login = $1, avatar_url = $2, github_orgs = $3, orgs_refreshed_at = $4 \
                         WHERE github_id = $5 RETURNING id",
                    )
                    .bind(&login)
                    .bind(&profile.avatar_url)
                    .bind($json(&orgs))
                    .bind($time(now))
                    .bind(profile.id)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(db_error)?;
                    let id: Id = match updated {
                        Some(row) => row.big("id")?,
                        None => sqlx::query(
                            "INSERT INTO users (login, role, created_at, github_id, avatar_url, github_orgs, orgs_refreshed_at) \
                             VALUES ($1, $2, $3, $4, $5, $6, $3) RETURNING id",
                        )
                        .bind(&login)
                        .bind(Role::User.as_str())
                        .bind($time(now))
                        .bind(profile.id)
                        .bind(&profile.avatar_url)
                        .bind($json(&orgs))
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(db_error)?
                        .big("id")?,
                    };
                    let row = sqlx::query(concat!("SELECT ", user_columns!(), " FROM users u WHERE u.id = $1"))
                        .bind(id)
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(db_error)?;
                    tx.commit().await.map_err(db_error)?;
                    rows::user(&row)
                }

                async fn user_by_login(&self, login: &str) -> StoreResult<Option<User>> {
                    sqlx::query(concat!("SELECT ", user_columns!(), " FROM users u WHERE u.login = $1"))
                        .bind(login)
                        .fetch_optional(self.read_pool())
                        .await
                        .map_err(db_error)?
                        .map(|row| rows::user(&row))
                        .transpose()
                }

                async fn set_role(&self, user_id: Id, role: Role) -> StoreResult<()> {
                    let done = sqlx::query("UPDATE users SET role = $1 WHERE id = $2")
                        .bind(role.as_str())
                        .bind(user_id)
                        .execute(self.write_pool())
                        .await
                        .map_err(db_error)?;
                    if done.rows_affected() == 0 {
                        return Err(StoreError::NotFound(format!("user {user_id}")));
                    }
                    Ok(())
                }

                async fn create_session(
                    &self,
                    new: &NewSession<'_>,
                    now: DateTime<Utc>,
                ) -> StoreResult<Session> {
                    let row = sqlx::query(
                        "INSERT INTO sessions (user_id, session_hash, created_at, last_seen_at, expires_at, ip) \
                         VALUES ($1, $2, $3, $3, $4, $5) RETURNING *",
                    )
                    .bind(new.user_id)
                    .bind(new.session_sha256)
                    .bind($time(now))
                    .bind($time(new.expires_at))
                    .bind(new.ip)
                    .fetch_one(self.write_pool())
                    .await
                    .map_err(db_error)?;
                    rows::session(&row)
                }

                async fn session_user(
                    &self,
                    session_sha256: &str,
                    idle_since: DateTime<Utc>,
                    now: DateTime<Utc>,
                ) -> StoreResult<Option<(User, Session)>> {
                    let row = sqlx::query(concat!(
                        "SELECT s.*, ", user_columns!(), " FROM sessions s JOIN users u ON u.id = s.user_id \
                         WHERE s.session_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 \
                         AND s.last_seen_at > $3"
                    ))
                    .bind(session_sha256)
                    .bind($time(now))
                    .bind($time(idle_since))
                    .fetch_optional(self.read_pool())
                    .await
                    .map_err(db_error)?;
                    let Some(row) = row else { return Ok(None) };
                    let (user, mut session) = (rows::user(&row)?, rows::session(&row)?);
                    if session.last_seen_at + TOUCH_EVERY <= now {
                        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id = $2 AND revoked_at IS NULL")
                            .bind($time(now))
                            .bind(session.id)
                            .execute(self.write_pool())
                            .await
                            .map_err(db_error)?;
                        session.last_seen_at = now;
                    }
                    Ok(Some((user, session)))
                }

                async fn user_sessions(
                    &self,
                    user_id: Id,
                    idle_since: DateTime<Utc>,
                    now: DateTime<Utc>,
                ) -> StoreResult<Vec<Session>> {
                    let found = sqlx::query(
                        "SELECT * FROM sessions WHERE user_id = $1 AND revoked_at IS NULL \
                         AND expires_at > $2 AND last_seen_at > $3 ORDER BY id DESC",
                    )
                    .bind(user_id)
                    .bind($time(now))
                    .bind($time(idle_since))
                    .fetch_all(self.read_pool())
                    .await
                    .map_err(db_error)?;
                    found.iter().map(rows::session).collect()
                }

                async fn revoke_session(&self, session_sha256: &str, now: DateTime<Utc>) -> StoreResult<bool> {
                    let done = sqlx::query(
                        "UPDATE sessions SET revoked_at = $1 WHERE session_hash = $2 AND revoked_at IS NULL",
                    )
                    .bind($time(now))
                    .bind(session_sha256)
                    .execute(self.write_pool())
                    .await
                    .map_err(db_error)?;
                    Ok(done.rows_affected() == 1)
                }

                async fn revoke_user_sessions(&self, user_id: Id, now: DateTime<Utc>) -> StoreResult<u64> {
                    let done = sqlx::query(
                        "UPDATE sessions SET revoked_at = $1 \
                         WHERE user_id = $2 AND revoked_at IS NULL AND expires_at > $1",
                    )
                    .bind($time(now))
                    .bind(user_id)
                    .execute(self.write_pool())
                    .await
                    .map_err(db_error)?;
                    Ok(done.rows_affected())
                }

                async fn user_tokens(&self, user_id: Id) -> StoreResult<Vec<ApiToken>> {
                    let found = sqlx::query("SELECT * FROM api_tokens WHERE user_id = $1 ORDER BY id DESC")
                        .bind(user_id)
                        .fetch_all(self.read_pool())
                        .await
                        .map_err(db_error)?;
                    found.iter().map(rows::api_token).collect()
                }

                async fn revoke_user_token(
                    &self,
                    user_id: Id,
                    token_id: Id,
                    now: DateTime<Utc>,
                ) -> StoreResult<bool> {
                    let done = sqlx::query(
                        "UPDATE api_tokens SET revoked_at = $1 \
                         WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
                    )
                    .bind($time(now))
                    .bind(token_id)
                    .bind(user_id)
                    .execute(self.write_pool())
                    .await
                    .map_err(db_error)?;
                    Ok(done.rows_affected() == 1)
                }

                async fn touch_token(&self, token: &ApiToken, ip: &str, now: DateTime<Utc>) -> StoreResult<()> {
                    let fresh = token.last_used_at.is_some_and(|at| at + TOUCH_EVERY > now)
                        && token.last_used_ip.as_deref() == Some(ip);
                    if fresh {
                        return Ok(());
                    }
                    sqlx::query("UPDATE api_tokens SET last_used_at = $1, last_used_ip = $2 WHERE id = $3")
                        .bind($time(now))
                        .bind(ip)
                        .bind(token.id)
                        .execute(self.write_pool())
                        .await
                        .map_err(db_error)?;
                    Ok(())
                }
            }
        };
    };
}

pub(crate) use account_store;
