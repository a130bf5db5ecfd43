//! The search contract, identical on SQLite and PostgreSQL: same matches, same exact counts,
//! same filters, same orders.

use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use serde_json::json;
use skillvet_core::model::{
    Actor, CertTier, NewSubmission, Publication, PublishedFile, RepoRef, SubmitOutcome, Transition,
};
use skillvet_core::search::{CategoryCount, SearchQuery, SearchSort};
use skillvet_core::store::Store;
use skillvet_core::{Clock, ManualClock, SubmissionState as S};
use skillvet_test_db::{Backend, TestDb, backend_tests};
use sqlx::SqlSafeStr;

struct Entry {
    owner: &'static str,
    repo: &'static str,
    name: &'static str,
    description: &'static str,
    category: &'static str,
    labels: &'static [&'static str],
    tier: CertTier,
    author: Option<&'static str>,
    installs: i64,
    trending: f64,
}

const CATALOGUE: &[Entry] = &[
    Entry {
        owner: "anthropics",
        repo: "skills",
        name: "pdf",
        description: "Extract text and tables from PDF documents",
        category: "documents",
        labels: &["pdf", "office"],
        tier: CertTier::Certified,
        author: Some("Anthropic"),
        installs: 900,
        trending: 9.0,
    },
    Entry {
        owner: "anthropics",
        repo: "skills",
        name: "docx",
        description: "Create and edit Word documents, including tables",
        category: "documents",
        labels: &["office"],
        tier: CertTier::Verified,
        author: Some("Anthropic"),
        installs: 500,
        trending: 2.0,
    },
    Entry {
        owner: "anthropics",
        repo: "skills",
        name: "webapp-testing",
        description: "Drive a browser to test web applications",
        category: "testing",
        labels: &["browser", "playwright"],
        tier: CertTier::Verified,
        author: None,
        installs: 100,
        trending: 5.0,
    },
    Entry {
        owner: "acme",
        repo: "toolbox",
        name: "report-builder",
        description: "Builds reports; can export a PDF at the end",
        category: "documents",
        labels: &["reports"],
        tier: CertTier::Scanned,
        author: Some("Jane Doe"),
        installs: 50,
        trending: 7.0,
    },
    Entry {
        owner: "acme",
        repo: "anthropics-skills-mirror",
        name: "spreadsheet",
        description: "Analyse spreadsheets and charts",
        category: "data",
        labels: &["xlsx", "charts"],
        tier: CertTier::Scanned,
        author: None,
        installs: 700,
        trending: 1.0,
    },
];

fn clock() -> ManualClock {
    ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap())
}

async fn publish(store: &Arc<dyn Store>, clock: &ManualClock, e: &Entry) -> i64 {
    let new = NewSubmission {
        repo: RepoRef {
            owner: e.owner.into(),
            name: e.repo.into(),
            url: format!("https://github.com/{}/{}", e.owner, e.repo),
        },
        skill_path: format!("skills/{}", e.name),
        skill_name: e.name.into(),
        requested_ref: None,
        priority: 0,
        submitter: Actor::user("alice"),
    };
    let SubmitOutcome::Created { submission } = store.submit(&new, clock.now()).await.unwrap()
    else {
        panic!("not created")
    };
    for (from, to) in [
        (S::Received, S::Tier1Scanning),
        (S::Tier1Scanning, S::Tier2Scanning),
        (S::Tier2Scanning, S::AutoApproved),
    ] {
        let change = Transition {
            from,
            to,
            trigger: "test".into(),
            actor: Actor::system("w"),
            reason: None,
            metadata: json!({}),
            commit_sha: (to == S::Tier1Scanning).then(|| "a".repeat(40)),
        };
        store
            .transition(submission.id, &change, clock.now())
            .await
            .unwrap();
    }
    let publication = Publication {
        submission_id: submission.id,
        from: S::AutoApproved,
        actor: Actor::system("w"),
        reason: None,
        name: e.name.into(),
        display_name: e.name.into(),
        description: e.description.into(),
        author: e.author.map(Into::into),
        category: Some(e.category.into()),
        labels: e.labels.iter().map(|l| l.to_string()).collect(),
        cert_tier: e.tier,
        cert_method: "automated".into(),
        cert_score: 90,
        trust_components: json!({}),
        commit_sha: "a".repeat(40),
        tree_hash: format!("{:0>64}", e.name.len()),
        manifest: json!({}),
        files: vec![PublishedFile {
            path: "SKILL.md".into(),
            kind: "regular".into(),
            content: format!("---\nname: {}\n---\n", e.name).into_bytes(),
        }],
        jobs: vec![],
    };
    let published = store.publish(&publication, clock.now()).await.unwrap();
    clock.advance(Duration::minutes(1));
    published.skill.id
}

/// Counters are maintained elsewhere (installs, trending job); set them directly here.
async fn set_counters(db: &TestDb, id: i64, e: &Entry) {
    let sql = format!(
        "UPDATE skills SET install_count = {}, trending_score = {} WHERE id = {id}",
        e.installs, e.trending
    );
    execute(db, sql).await;
}

async fn catalogue(db: &TestDb) -> Arc<dyn Store> {
    let store = db.store().await;
    let clock = clock();
    for e in CATALOGUE {
        let id = publish(&store, &clock, e).await;
        set_counters(db, id, e).await;
    }
    store
}

async fn names(store: &Arc<dyn Store>, query: &SearchQuery) -> (Vec<String>, u64) {
    let page = store.search(query).await.unwrap();
    (page.items.into_iter().map(|s| s.name).collect(), page.total)
}

fn q(text: &str) -> SearchQuery {
    SearchQuery::new(text)
}

async fn words_match_name_description_labels_with_stemming(db: TestDb) {
    let store = catalogue(&db).await;
    // Name hit ranks above a description-only hit.
    let (found, total) = names(&store, &q("pdf")).await;
    assert_eq!(found, vec!["pdf", "report-builder"]);
    assert_eq!(total, 2);
    // Stemming: "tables" ~ "table"; every word must match.
    let (mut found, _) = names(&store, &q("Table documents")).await;
    found.sort();
    assert_eq!(found, vec!["docx", "pdf"]);
    // Labels and category.
    assert_eq!(
        names(&store, &q("playwright")).await.0,
        vec!["webapp-testing"]
    );
    assert_eq!(names(&store, &q("xlsx")).await.0, vec!["spreadsheet"]);
    // Stop words are ignored; words that match nothing give nothing.
    assert_eq!(names(&store, &q("the xlsx")).await.0, vec!["spreadsheet"]);
    assert_eq!(names(&store, &q("zzzunknown")).await, (vec![], 0));
    // FTS syntax in user input is just text.
    assert_eq!(names(&store, &q("pdf OR NEAR(\"x")).await.1, 0);
    assert_eq!(names(&store, &q("\"pdf* -")).await.1, 2);
}

async fn repository_substrings_find_every_skill_of_a_repository(db: TestDb) {
    let store = catalogue(&db).await;
    let mut query = q("anthropics/skills");
    query.sort = SearchSort::Newest;
    // Substring: the mirror repository `acme/anthropics-skills-mirror` does not contain it.
    assert_eq!(
        names(&store, &query).await,
        (
            vec!["webapp-testing".into(), "docx".into(), "pdf".into()],
            3
        )
    );
    let query = q("github.com/acme/");
    assert_eq!(names(&store, &query).await.1, 2);
    let query = q("https://github.com/Anthropics/Skills.git tables");
    let (mut found, total) = names(&store, &query).await;
    found.sort();
    assert_eq!((found, total), (vec!["docx".into(), "pdf".into()], 2));
    // As a plain word it matches the owner, and the mirror's name (`anthropics-skills-mirror`).
    assert_eq!(names(&store, &q("anthropics")).await.1, 4);
}

async fn filters_sorts_and_pages(db: TestDb) {
    let store = catalogue(&db).await;
    let all = q("");
    let (found, total) = names(&store, &all).await;
    assert_eq!(total, 5);
    assert_eq!(
        found,
        vec![
            "pdf",
            "report-builder",
            "webapp-testing",
            "docx",
            "spreadsheet"
        ],
        "no words: relevance is trending"
    );
    let mut by_installs = q("");
    by_installs.sort = SearchSort::Installs;
    assert_eq!(
        names(&store, &by_installs).await.0,
        vec![
            "pdf",
            "spreadsheet",
            "docx",
            "webapp-testing",
            "report-builder"
        ]
    );
    let mut newest = q("");
    newest.sort = SearchSort::Newest;
    newest.per_page = 2;
    newest.page = 2;
    let page = store.search(&newest).await.unwrap();
    assert_eq!(page.total, 5);
    assert_eq!(page.pages(), 3);
    let got: Vec<_> = page.items.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(got, vec!["webapp-testing", "docx"]);
    newest.page = 4;
    let page = store.search(&newest).await.unwrap();
    assert_eq!((page.items.len(), page.total), (0, 5), "past the end");

    let mut docs = q("");
    docs.category = Some("Documents".into());
    assert_eq!(names(&store, &docs).await.1, 3);
    docs.tier = Some(CertTier::Scanned);
    assert_eq!(names(&store, &docs).await.0, vec!["report-builder"]);

    let mut by_author = q("");
    by_author.author = Some("jane doe".into());
    assert_eq!(names(&store, &by_author).await.0, vec!["report-builder"]);
    by_author.author = Some("ACME".into()); // the repository owner (org)
    assert_eq!(names(&store, &by_author).await.1, 2);

    let mut by_repo = q("office");
    by_repo.repository = Some(("Anthropics".into(), "skills".into()));
    let (mut found, total) = names(&store, &by_repo).await;
    found.sort();
    assert_eq!((found, total), (vec!["docx".into(), "pdf".into()], 2));
}

async fn blocked_skills_are_never_listed_and_edits_are_reindexed(db: TestDb) {
    let store = catalogue(&db).await;
    let sqls = [
        "UPDATE skills SET status = 'BLOCKED' WHERE name = 'pdf'",
        "UPDATE skills SET description = 'Renders pie charts' WHERE name = 'docx'",
    ];
    for sql in sqls {
        let sql = sqlx::AssertSqlSafe(sql).into_sql_str();
        match db.backend() {
            Backend::Sqlite => {
                let pool = sqlx::SqlitePool::connect(db.url()).await.unwrap();
                sqlx::query(sql).execute(&pool).await.unwrap();
            }
            Backend::Postgres => {
                let pool = sqlx::PgPool::connect(db.url()).await.unwrap();
                sqlx::query(sql).execute(&pool).await.unwrap();
            }
        }
    }
    assert_eq!(names(&store, &q("pdf")).await.0, vec!["report-builder"]);
    assert_eq!(names(&store, &q("")).await.1, 4);
    assert_eq!(names(&store, &q("word")).await.1, 0, "old text is gone");
    let (mut found, _) = names(&store, &q("pie charts")).await;
    found.sort();
    assert_eq!(found, vec!["docx"]);
}

async fn execute(db: &TestDb, sql: impl Into<String>) {
    let sql = sqlx::AssertSqlSafe(sql.into()).into_sql_str();
    match db.backend() {
        Backend::Sqlite => {
            let pool = sqlx::SqlitePool::connect(db.url()).await.unwrap();
            sqlx::query(sql).execute(&pool).await.unwrap();
            pool.close().await;
        }
        Backend::Postgres => {
            let pool = sqlx::PgPool::connect(db.url()).await.unwrap();
            sqlx::query(sql).execute(&pool).await.unwrap();
            pool.close().await;
        }
    }
}

async fn categories_count_listed_skills_case_insensitively(db: TestDb) {
    let store = catalogue(&db).await;
    let clock = clock();
    clock.advance(Duration::hours(1));
    for (name, category) in [("ui-checks", "Testing"), ("untitled", "  ")] {
        let entry = Entry {
            owner: "acme",
            repo: "toolbox",
            name,
            description: "Checks user interfaces",
            category,
            labels: &[],
            tier: CertTier::Scanned,
            author: None,
            installs: 0,
            trending: 0.0,
        };
        publish(&store, &clock, &entry).await;
    }
    let listed = |found: Vec<CategoryCount>| -> Vec<(String, u64)> {
        found.into_iter().map(|c| (c.name, c.count)).collect()
    };
    let expected = |pairs: &[(&str, u64)]| -> Vec<(String, u64)> {
        pairs.iter().map(|(n, c)| (n.to_string(), *c)).collect()
    };
    // Most used first; "Testing" and "testing" are one category (the filter ignores case);
    // a blank category is not a category.
    assert_eq!(
        listed(store.categories(100).await.unwrap()),
        expected(&[("documents", 3), ("testing", 2), ("data", 1)])
    );
    assert_eq!(
        listed(store.categories(1).await.unwrap()),
        expected(&[("documents", 3)])
    );
    // Only listed skills count; equal counts are ordered by name.
    execute(
        &db,
        "UPDATE skills SET status = 'BLOCKED' WHERE name = 'pdf'",
    )
    .await;
    let found = store.categories(100).await.unwrap();
    assert_eq!(
        listed(found.clone()),
        expected(&[("documents", 2), ("testing", 2), ("data", 1)])
    );
    // Each count is the total of the search filtered by that category.
    for category in found {
        let mut query = q("");
        query.category = Some(category.name.clone());
        assert_eq!(store.search(&query).await.unwrap().total, category.count);
    }
}

/// Single-word counts (kept by triggers on PostgreSQL) follow blocks, unblocks and edits.
async fn word_and_category_counts_follow_every_change(db: TestDb) {
    let store = catalogue(&db).await;
    let total = |text: &'static str| {
        let store = store.clone();
        async move { store.search(&q(text)).await.unwrap().total }
    };
    let documents = |store: Arc<dyn Store>| async move {
        store
            .categories(100)
            .await
            .unwrap()
            .into_iter()
            .find(|c| c.name == "documents")
            .map_or(0, |c| c.count)
    };
    // Category of three skills, and in two descriptions.
    assert_eq!(total("documents").await, 3);
    assert_eq!(total("Documents documents").await, 3, "one word twice");
    execute(
        &db,
        "UPDATE skills SET status = 'BLOCKED' WHERE name = 'pdf'",
    )
    .await;
    assert_eq!(total("documents").await, 2);
    assert_eq!(documents(store.clone()).await, 2);
    execute(
        &db,
        "UPDATE skills SET status = 'ACTIVE' WHERE name = 'pdf'",
    )
    .await;
    assert_eq!(total("documents").await, 3);
    // docx keeps the word in its description, then loses it.
    execute(
        &db,
        "UPDATE skills SET category = 'Office' WHERE name = 'docx'",
    )
    .await;
    assert_eq!(total("documents").await, 3);
    assert_eq!(total("office").await, 2, "pdf's label and docx's category");
    assert_eq!(documents(store.clone()).await, 2);
    execute(
        &db,
        "UPDATE skills SET description = 'Edits Word files' WHERE name = 'docx'",
    )
    .await;
    assert_eq!(total("documents").await, 2);
    // Counters (installs) change nothing; several rows in one statement are all counted.
    execute(&db, "UPDATE skills SET install_count = install_count + 1").await;
    assert_eq!(total("documents").await, 2);
    execute(&db, "UPDATE skills SET status = 'BLOCKED'").await;
    assert_eq!(total("documents").await, 0);
    assert!(store.categories(100).await.unwrap().is_empty());
    execute(&db, "UPDATE skills SET status = 'ACTIVE'").await;
    assert_eq!(total("documents").await, 2);
    assert_eq!(total("zzzunknown").await, 0);
}

backend_tests!(
    words_match_name_description_labels_with_stemming,
    repository_substrings_find_every_skill_of_a_repository,
    filters_sorts_and_pages,
    blocked_skills_are_never_listed_and_edits_are_reindexed,
    categories_count_listed_skills_case_insensitively,
    word_and_category_counts_follow_every_change,
);
