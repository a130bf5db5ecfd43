//! Upgrading a database that already holds users and tokens, on both backends: tokens made
//! before scopes existed keep what they could do (0006), roles survive the users rebuild
//! (0007) and `reviewer` becomes a valid role; published skills survive the skills rebuild
//! (0008, SQLite) with their search index, versions and events, and can be quarantined.

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

async fn published_skills_survive_the_moderation_migration(db: TestDb) {
    let at = match db.backend() {
        Backend::Sqlite => "1",
        Backend::Postgres => "now()",
    };
    let before = [
        format!(
            "INSERT INTO repositories (owner, name, url, created_at) \
             VALUES ('acme', 'tools', 'https://github.com/acme/tools', {at})"
        ),
        format!(
            "INSERT INTO submissions (repository_id, skill_name, skill_path, state, priority, \
                 submitter, submitter_kind, created_at, updated_at) \
             SELECT id, 'pdf', 'skills/pdf', 'PUBLISHED', 0, 'alice', 'user', {at}, {at} \
             FROM repositories"
        ),
        format!(
            "INSERT INTO skills (slug, repository_id, skill_path, name, display_name, description, \
                 labels, status, cert_tier, cert_method, cert_score, trust_components, \
                 certified_at, current_version, latest_submission_id, created_at, updated_at) \
             SELECT 'acme/tools/pdf', r.id, 'skills/pdf', 'pdf', 'PDF forms', \
                 'Fills in government forms', '[]', 'ACTIVE', 'VERIFIED', 'automated', 90, '{{}}', \
                 {at}, '1', s.id, {at}, {at} FROM repositories r, submissions s"
        ),
        format!(
            "INSERT INTO skill_versions (skill_id, version, commit_sha, tree_hash, manifest, \
                 submission_id, yanked, created_at) \
             SELECT id, '1', 'abc', 'def', '{{}}', latest_submission_id, FALSE, {at} FROM skills"
        ),
        format!(
            "INSERT INTO skill_events (skill_id, from_status, to_status, actor, actor_kind, at) \
             SELECT id, 'ACTIVE', 'ACTIVE', 'pipeline', 'system', {at} FROM skills"
        ),
    ];
    macro_rules! upgrade {
        ($conn:expr, $all:expr, $check:expr) => {{
            let mut conn = $conn;
            let all = $all;
            up_to(&all, 7).run(&mut conn).await.unwrap();
            for sql in &before {
                sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
                    .execute(&mut conn)
                    .await
                    .unwrap();
            }
            all.run(&mut conn).await.unwrap();
            if let Some(check) = $check {
                let broken = sqlx::query(check).fetch_all(&mut conn).await.unwrap();
                assert!(broken.is_empty(), "foreign keys broken by the rebuild");
            }
            conn.close().await.unwrap();
        }};
    }
    match db.backend() {
        Backend::Sqlite => upgrade!(
            SqliteConnection::connect(&format!("{}?mode=rwc", db.url()))
                .await
                .unwrap(),
            skillvet_store::migrations::sqlite(),
            Some("PRAGMA foreign_key_check")
        ),
        Backend::Postgres => upgrade!(
            PgConnection::connect(db.url()).await.unwrap(),
            skillvet_store::migrations::postgres(),
            None::<&str>
        ),
    }

    let store = db.store().await;
    let found = |text: &'static str| {
        let store = store.clone();
        async move {
            store
                .search(&skillvet_core::search::SearchQuery::new(text))
                .await
                .unwrap()
                .total
        }
    };
    assert_eq!(
        found("government").await,
        1,
        "the search index kept its rows"
    );
    let skill = store
        .skill_by_slug("acme/tools/pdf")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(store.skill_versions(skill.id).await.unwrap().len(), 1);
    let by = skillvet_core::moderation::Moderator {
        actor: skillvet_core::model::Actor::user("rita"),
        role: "reviewer".into(),
        reason: "reported".into(),
    };
    store
        .set_skill_status(
            skill.id,
            skillvet_core::model::SkillStatus::Active,
            skillvet_core::model::SkillStatus::Quarantined,
            &by,
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    assert_eq!(
        found("government").await,
        0,
        "quarantined skills are not listed"
    );
}

backend_tests!(
    tokens_made_before_scopes_keep_their_powers,
    published_skills_survive_the_moderation_migration,
);
