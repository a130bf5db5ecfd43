//! Both migration folders, embedded in the binary. They must hold the same versions with the
//! same names (checked by the test below), so one schema version means one thing everywhere.

use sqlx::SqlSafeStr;
use sqlx::migrate::{Migration, MigrationType, Migrator};

/// (version, description, SQLite SQL, PostgreSQL SQL).
type Entry = (i64, &'static str, &'static str, &'static str);

const MIGRATIONS: &[Entry] = &[
    (
        1,
        "foundation",
        include_str!("../migrations/sqlite/0001_foundation.sql"),
        include_str!("../migrations/postgres/0001_foundation.sql"),
    ),
    (
        2,
        "pipeline",
        include_str!("../migrations/sqlite/0002_pipeline.sql"),
        include_str!("../migrations/postgres/0002_pipeline.sql"),
    ),
    (
        3,
        "search",
        include_str!("../migrations/sqlite/0003_search.sql"),
        include_str!("../migrations/postgres/0003_search.sql"),
    ),
    (
        4,
        "queue_maintenance",
        include_str!("../migrations/sqlite/0004_queue_maintenance.sql"),
        include_str!("../migrations/postgres/0004_queue_maintenance.sql"),
    ),
    (
        5,
        "search_at_scale",
        include_str!("../migrations/sqlite/0005_search_at_scale.sql"),
        include_str!("../migrations/postgres/0005_search_at_scale.sql"),
    ),
    (
        6,
        "accounts",
        include_str!("../migrations/sqlite/0006_accounts.sql"),
        include_str!("../migrations/postgres/0006_accounts.sql"),
    ),
    (
        7,
        "roles",
        include_str!("../migrations/sqlite/0007_roles.sql"),
        include_str!("../migrations/postgres/0007_roles.sql"),
    ),
    (
        8,
        "moderation",
        include_str!("../migrations/sqlite/0008_moderation.sql"),
        include_str!("../migrations/postgres/0008_moderation.sql"),
    ),
];

/// A migration that must run outside a transaction says so on its first line (SQLite table
/// rebuilds: `PRAGMA foreign_keys` is ignored inside one). It opens its own.
const NO_TRANSACTION: &str = "-- no-transaction";

fn migrator(pick: fn(&Entry) -> &'static str) -> Migrator {
    Migrator::with_migrations(
        MIGRATIONS
            .iter()
            .map(|m| {
                Migration::new(
                    m.0,
                    m.1.into(),
                    MigrationType::Simple,
                    pick(m).into_sql_str(),
                    pick(m).starts_with(NO_TRANSACTION),
                )
            })
            .collect(),
    )
}

pub fn sqlite() -> Migrator {
    migrator(|m| m.2)
}

pub fn postgres() -> Migrator {
    migrator(|m| m.3)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    fn listing(folder: &str) -> Vec<String> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("migrations")
            .join(folder);
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn both_folders_hold_the_same_versions_and_all_are_embedded() {
        let sqlite = listing("sqlite");
        let postgres = listing("postgres");
        assert_eq!(sqlite, postgres, "migration folders differ");
        let embedded: Vec<String> = super::MIGRATIONS
            .iter()
            .map(|m| format!("{:04}_{}.sql", m.0, m.1))
            .collect();
        assert_eq!(
            sqlite, embedded,
            "a migration file is not embedded (or misnamed)"
        );
    }

    /// The users rebuild of 0007 on a database holding users, tokens and sessions.
    #[tokio::test]
    async fn sqlite_users_rebuild_keeps_rows_and_foreign_keys() {
        use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
        let dir = std::env::temp_dir().join(format!("skillvet-migrations-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("rebuild.db");
        let _ = std::fs::remove_file(&path);
        let options = SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true)
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .unwrap();
        let all = super::sqlite();
        let up_to_6 = sqlx::migrate::Migrator::with_migrations(
            all.migrations
                .iter()
                .filter(|m| m.version <= 6)
                .cloned()
                .collect(),
        );
        up_to_6.run(&pool).await.unwrap();
        for sql in [
            "INSERT INTO users (id, login, role, created_at, github_id) VALUES (7, 'alice', 'admin', 1, 42)",
            "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES (7, 't', 'h', 1)",
            "INSERT INTO sessions (user_id, session_hash, created_at, last_seen_at, expires_at) VALUES (7, 's', 1, 1, 2)",
        ] {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(&pool)
                .await
                .unwrap();
        }
        all.run(&pool).await.unwrap();
        let (login, role, github_id): (String, String, i64) =
            sqlx::query_as("SELECT login, role, github_id FROM users WHERE id = 7")
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!(
            (login.as_str(), role.as_str(), github_id),
            ("alice", "admin", 42)
        );
        let tokens: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM api_tokens t JOIN users u ON u.id = t.user_id",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(tokens, 1);
        sqlx::query("UPDATE users SET role = 'reviewer' WHERE id = 7")
            .execute(&pool)
            .await
            .unwrap();
        // The CHECK and the foreign keys hold after the rebuild.
        let bad_role = sqlx::query("UPDATE users SET role = 'owner' WHERE id = 7")
            .execute(&pool)
            .await;
        assert!(bad_role.is_err());
        let orphan = sqlx::query(
            "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES (999, 't', 'h2', 1)",
        )
        .execute(&pool)
        .await;
        assert!(orphan.is_err(), "foreign keys are on again");
        let violations: Vec<(String,)> =
            sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_check")
                .fetch_all(&pool)
                .await
                .unwrap();
        assert!(violations.is_empty());
        pool.close().await;
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn active_state_list_in_the_schema_matches_the_domain() {
        let quoted: Vec<String> = skillvet_core::SubmissionState::ACTIVE
            .iter()
            .map(|s| format!("'{}'", s.as_str()))
            .collect();
        // The index is defined by the first migration that mentions it.
        for m in super::MIGRATIONS
            .iter()
            .filter(|m| m.2.contains("submissions_one_active"))
        {
            for sql in [m.2, m.3] {
                let flat = sql.split_whitespace().collect::<Vec<_>>().join(" ");
                assert!(
                    flat.contains(&format!("WHERE state IN ({})", quoted.join(", "))),
                    "{}",
                    m.1
                );
            }
        }
    }
}
