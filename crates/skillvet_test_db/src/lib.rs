//! Every test gets its own database so tests run in parallel: a SQLite file in a temporary
//! folder, or a fresh schema in the PostgreSQL named by `SKILLVET_TEST_POSTGRES_URL`
//! (default `postgres://root@127.0.0.1:5432/test`). A PostgreSQL that cannot be reached fails
//! the test: backend tests never skip.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use skillvet_core::store::Store;
use sqlx::{Connection, PgConnection, SqlSafeStr};

pub const DEFAULT_POSTGRES_URL: &str = "postgres://root@127.0.0.1:5432/test";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestDb {
    backend: Backend,
    url: String,
    _dir: Option<tempfile::TempDir>,
    schema: Option<(String, String)>,
}

pub fn postgres_base_url() -> String {
    std::env::var("SKILLVET_TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_POSTGRES_URL.into())
}

fn unique_name(prefix: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!(
        "{prefix}_{}_{}_{nanos:x}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

impl TestDb {
    pub async fn new(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => Self::sqlite().await,
            Backend::Postgres => Self::postgres().await,
        }
    }

    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("creating a temporary folder");
        let url = format!("sqlite:{}", dir.path().join("skillvet.db").display());
        Self {
            backend: Backend::Sqlite,
            url,
            _dir: Some(dir),
            schema: None,
        }
    }

    pub async fn postgres() -> Self {
        let base = postgres_base_url();
        let schema = unique_name("t");
        let mut conn = PgConnection::connect(&base).await.unwrap_or_else(|e| {
            panic!("PostgreSQL test database {base} unreachable ({e}); start it (see .ci/run)")
        });
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")).into_sql_str())
            .execute(&mut conn)
            .await
            .expect("creating a test schema");
        conn.close().await.ok();
        let separator = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{separator}options[search_path]={schema}");
        Self {
            backend: Backend::Postgres,
            url,
            _dir: None,
            schema: Some((base, schema)),
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// URL of this test's database (what `--database-url` would be given).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Opens the store on this database (running migrations the first time).
    pub async fn store(&self) -> Arc<dyn Store> {
        skillvet_store::connect(&self.url)
            .await
            .expect("opening the test store")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((base, schema)) = self.schema.take() else {
            return;
        };
        // Drop may run inside or outside a runtime: use a thread with its own.
        let cleanup = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            runtime.block_on(async {
                let mut conn = PgConnection::connect(&base).await.ok()?;
                let sql = format!("DROP SCHEMA IF EXISTS {schema} CASCADE");
                sqlx::query(sqlx::AssertSqlSafe(sql).into_sql_str())
                    .execute(&mut conn)
                    .await
                    .ok()?;
                conn.close().await.ok()
            })
        });
        let _ = cleanup.join();
    }
}

/// Generates a `sqlite` and a `postgres` test for each named `async fn(TestDb)`.
#[macro_export]
macro_rules! backend_tests {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::TestDb::sqlite().await).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name($crate::TestDb::postgres().await).await
            }
        }
    )+};
}
