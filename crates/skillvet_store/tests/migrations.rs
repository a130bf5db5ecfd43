//! Upgrading a database that already holds users and tokens, on both backends: tokens made
//! before scopes existed keep what they could do (0006), roles survive the users rebuild
//! (0007) and `reviewer` becomes a valid role.

use skillvet_test_db::{Backend, TestDb, backend_tests};
use sqlx::migrate::Migrator;
use sqlx::{Connection, PgConnection, SqliteConnection};

fn up_to(all: &Migrator, version: i64) -> Migrator {
    Migrator::with_migrations(
        all.migrations
            .iter()
            .filter(|m| m.version <= version)
            .cloned()
            .collect(),
    )
}

async fn tokens_made_before_scopes_keep_their_powers(db: TestDb) {
    let (at, empty, agent) = match db.backend() {
        Backend::Sqlite => ("1", "'[]'", "'[\"scan-agent\"]'"),
        Backend::Postgres => ("now()", "'[]'::jsonb", "'[\"scan-agent\"]'::jsonb"),
    };
    let before = [
        format!("INSERT INTO users (login, role, created_at) VALUES ('root', 'admin', {at})"),
        format!("INSERT INTO users (login, role, created_at) VALUES ('bob', 'user', {at})"),
        format!(
            "INSERT INTO api_tokens (user_id, name, token_hash, scopes, created_at) \
             SELECT id, 'old', 'h-' || login, {empty}, {at} FROM users"
        ),
        format!(
            "INSERT INTO api_tokens (user_id, name, token_hash, scopes, created_at) \
             SELECT id, 'agent', 'agent', {agent}, {at} FROM users WHERE login = 'bob'"
        ),
    ];
    // Up to 0005, the rows of an older deployment, then every migration.
    macro_rules! upgrade {
        ($conn:expr, $all:expr) => {{
            let mut conn = $conn;
            let all = $all;
            up_to(&all, 5).run(&mut conn).await.unwrap();
            for sql in &before {
                sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
                    .execute(&mut conn)
                    .await
                    .unwrap();
            }
            all.run(&mut conn).await.unwrap();
            conn.close().await.unwrap();
        }};
    }
    match db.backend() {
        Backend::Sqlite => upgrade!(
            SqliteConnection::connect(&format!("{}?mode=rwc", db.url()))
                .await
                .unwrap(),
            skillvet_store::migrations::sqlite()
        ),
        Backend::Postgres => upgrade!(
            PgConnection::connect(db.url()).await.unwrap(),
            skillvet_store::migrations::postgres()
        ),
    }

    let store = db.store().await;
    let now = chrono::Utc::now();
    let scopes = |hash: &'static str| {
        let store = store.clone();
        async move { store.authenticate(hash, now).await.unwrap().unwrap() }
    };
    let (root, token) = scopes("h-root").await;
    assert_eq!(root.role, skillvet_core::model::Role::Admin);
    assert_eq!(token.scopes, ["submit", "publish", "admin"]);
    assert_eq!(scopes("h-bob").await.1.scopes, ["submit", "publish"]);
    assert_eq!(
        scopes("agent").await.1.scopes,
        ["scan-agent"],
        "explicit scopes untouched"
    );
    store
        .set_role(root.id, skillvet_core::model::Role::Reviewer)
        .await
        .unwrap();
}

backend_tests!(tokens_made_before_scopes_keep_their_powers);
