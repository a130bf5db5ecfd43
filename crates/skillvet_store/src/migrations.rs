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
];

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
                    false,
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
