//! Health and repair of the derived structures on both backends: each one corrupted by hand
//! in SQL is reported as exactly that drift, a rebuild repairs it in one transaction (with
//! its audit event), and a second rebuild finds nothing to change.

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use serde_json::{Value, json};
use skillvet_core::health::{Drift, HealthReport, RebuildStatus};
use skillvet_core::model::{
    Actor, CertTier, NewSubmission, PageRequest, Publication, PublishedFile, RepoRef, SkillStatus,
    SubmitOutcome, Transition,
};
use skillvet_core::moderation::{AuditAction, AuditFilter, Moderator};
use skillvet_core::search::SearchQuery;
use skillvet_core::store::Store;
use skillvet_core::{Clock, ManualClock, SubmissionState as S};
use skillvet_test_db::{Backend, TestDb, backend_tests};
use sqlx::SqlSafeStr;

fn clock() -> ManualClock {
    ManualClock::new(Utc.with_ymd_and_hms(2026, 12, 5, 8, 0, 0).unwrap())
}

fn admin() -> Moderator {
    Moderator {
        actor: Actor::user("root"),
        role: "admin".into(),
        reason: "health test".into(),
    }
}

/// Publishes `owner/repo/name` and returns the skill's id.
async fn publish(
    store: &Arc<dyn Store>,
    clock: &ManualClock,
    (owner, repo, name): (&str, &str, &str),
    description: &str,
    category: &str,
    labels: &[&str],
) -> i64 {
    let new = NewSubmission {
        repo: RepoRef {
            owner: owner.into(),
            name: repo.into(),
            url: format!("https://github.com/{owner}/{repo}"),
        },
        skill_path: format!("skills/{name}"),
        skill_name: name.into(),
        requested_ref: None,
        priority: 0,
        submitter: Actor::user("alice"),
    };
    let SubmitOutcome::Created { submission } = store.submit(&new, clock.now()).await.unwrap()
    else {
        panic!("not created")
    };
    let mut from = S::Received;
    for to in [S::Tier1Scanning, S::Tier2Scanning, S::AutoApproved] {
        let change = Transition {
            from,
            to,
            trigger: "test".into(),
            actor: Actor::system("pipeline"),
            reason: None,
            metadata: json!({}),
            commit_sha: (to == S::Tier1Scanning).then(|| "c".repeat(40)),
        };
        store
            .transition(submission.id, &change, clock.now())
            .await
            .unwrap();
        from = to;
    }
    let publication = Publication {
        submission_id: submission.id,
        from: S::AutoApproved,
        actor: Actor::system("pipeline"),
        reason: None,
        name: name.into(),
        display_name: name.into(),
        description: description.into(),
        author: None,
        category: Some(category.into()),
        labels: labels.iter().map(|l| l.to_string()).collect(),
        cert_tier: CertTier::Scanned,
        cert_method: "automated".into(),
        cert_score: 80,
        trust_components: json!({}),
        commit_sha: "c".repeat(40),
        tree_hash: format!("{:0>64}", name.len()),
        manifest: json!({ "name": name }),
        files: vec![PublishedFile {
            path: "SKILL.md".into(),
            kind: "regular".into(),
            content: name.as_bytes().to_vec(),
        }],
        jobs: vec![],
    };
    store
        .publish(&publication, clock.now())
        .await
        .unwrap()
        .skill
        .id
}

struct Catalogue {
    store: Arc<dyn Store>,
    clock: ManualClock,
    pdf: i64,
    docx: i64,
    charts: i64,
}

/// Two listed skills in category "documents" and a quarantined one (not counted).
async fn catalogue(db: &TestDb) -> Catalogue {
    let store = db.store().await;
    let clock = clock();
    let pdf = publish(
        &store,
        &clock,
        ("acme", "tools", "pdf-forms"),
        "Fills PDF forms",
        "Documents",
        &["pdf"],
    )
    .await;
    let docx = publish(
        &store,
        &clock,
        ("acme", "tools", "docx"),
        "Edits Word documents",
        "documents",
        &["office"],
    )
    .await;
    let charts = publish(
        &store,
        &clock,
        ("beta", "kit", "charts"),
        "Draws charts",
        "data",
        &[],
    )
    .await;
    store
        .set_skill_status(
            charts,
            SkillStatus::Active,
            SkillStatus::Quarantined,
            &admin(),
            clock.now(),
        )
        .await
        .unwrap();
    Catalogue {
        store,
        clock,
        pdf,
        docx,
        charts,
    }
}

async fn execute(db: &TestDb, sql: &str) {
    let sql = sqlx::AssertSqlSafe(sql.to_owned()).into_sql_str();
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

async fn report(c: &Catalogue) -> HealthReport {
    let checks = c.store.check_derived().await.unwrap();
    HealthReport::new(c.store.backend(), checks, c.clock.now())
}

fn drift(structure: &str, key: impl ToString, expected: Value, actual: Value) -> Drift {
    Drift {
        structure: structure.into(),
        key: key.to_string(),
        expected,
        actual,
    }
}

async fn found(store: &Arc<dyn Store>, text: &str) -> u64 {
    store.search(&SearchQuery::new(text)).await.unwrap().total
}

async fn a_consistent_catalogue_has_no_drift_and_nothing_to_rebuild(db: TestDb) {
    let c = catalogue(&db).await;
    let health = report(&c).await;
    assert!(!health.drift_detected, "{health:#?}");
    assert!(health.drifts.is_empty() && health.recommendations.is_empty());
    let names: Vec<&str> = health.structures.iter().map(|s| s.name.as_str()).collect();
    match db.backend() {
        Backend::Sqlite => {
            assert_eq!(names, ["skill_search", "repository_search"]);
            let counts: Vec<_> = health
                .structures
                .iter()
                .map(|s| (s.expected, s.actual))
                .collect();
            assert_eq!(
                counts,
                [(3, 3), (2, 2)],
                "every skill and repository indexed"
            );
        }
        Backend::Postgres => {
            assert_eq!(
                names,
                [
                    "skills.search",
                    "skill_word_counts",
                    "skill_category_counts"
                ]
            );
            assert_eq!(
                (health.structures[0].expected, health.structures[0].actual),
                (3, 3)
            );
            // The quarantined skill's category is not counted: documents only.
            assert_eq!(
                (health.structures[2].expected, health.structures[2].actual),
                (1, 1)
            );
        }
    }
    let rebuilt = c
        .store
        .rebuild_derived(&admin(), c.clock.now())
        .await
        .unwrap();
    assert_eq!(
        (rebuilt.changed, rebuilt.rebuilt.len(), rebuilt.errors.len()),
        (0, 0, 0)
    );
    assert!(
        rebuilt
            .structures
            .iter()
            .all(|s| s.status == RebuildStatus::Consistent)
    );
}

/// One hand-made corruption: the SQL, the drifts health must report (exactly), and the
/// entries the rebuild must change.
struct Case {
    what: &'static str,
    sql: Vec<String>,
    drifts: Vec<Drift>,
    changed: u64,
}

fn sqlite_cases(c: &Catalogue, beta_repo: i64) -> Vec<Case> {
    let delete_doc = |id: i64| {
        format!(
            "INSERT INTO skill_search (skill_search, rowid, name, description, tags, repo) \
             SELECT 'delete', id, name, description, tags, repo FROM skill_search_docs WHERE id = {id}"
        )
    };
    vec![
        Case {
            what: "a skill's document deleted from the index",
            sql: vec![delete_doc(c.docx)],
            drifts: vec![drift(
                "skill_search",
                c.docx,
                json!("indexed"),
                json!("missing"),
            )],
            changed: 1,
        },
        Case {
            what: "a document for a skill that does not exist",
            sql: vec![
                "INSERT INTO skill_search (rowid, name, description, tags, repo) \
                 VALUES (9999, 'ghost', 'haunts the index', '', 'nobody nothing')"
                    .into(),
            ],
            drifts: vec![drift(
                "skill_search",
                9999,
                json!("absent"),
                json!("indexed"),
            )],
            changed: 1,
        },
        Case {
            what: "a skill indexed with other text than its row's",
            sql: vec![
                delete_doc(c.pdf),
                format!(
                    "INSERT INTO skill_search (rowid, name, description, tags, repo) \
                     VALUES ({}, 'pdf-forms', 'bogus words', '', 'acme tools')",
                    c.pdf
                ),
            ],
            drifts: vec![drift("skill_search", "*", json!("indexed"), json!("stale"))],
            changed: 1,
        },
        Case {
            what: "a repository's document deleted from the trigram index",
            sql: vec![format!(
                "INSERT INTO repository_search (repository_search, rowid, path, url) \
                 SELECT 'delete', id, path, url FROM repository_search_docs WHERE id = {beta_repo}"
            )],
            drifts: vec![drift(
                "repository_search",
                beta_repo,
                json!("indexed"),
                json!("missing"),
            )],
            changed: 1,
        },
    ]
}

fn postgres_cases(c: &Catalogue) -> Vec<Case> {
    vec![
        Case {
            what: "a skill's search document replaced",
            sql: vec![format!(
                "UPDATE skills SET search = to_tsvector('english', 'bogus') WHERE id = {}",
                c.docx
            )],
            drifts: vec![drift(
                "skills.search",
                c.docx,
                json!("indexed"),
                json!("stale"),
            )],
            changed: 1,
        },
        Case {
            what: "a skill's search document emptied",
            sql: vec![format!(
                "UPDATE skills SET search = NULL WHERE id = {}",
                c.charts
            )],
            drifts: vec![drift(
                "skills.search",
                c.charts,
                json!("indexed"),
                json!("missing"),
            )],
            changed: 1,
        },
        Case {
            what: "a word counter bumped",
            sql: vec![
                "UPDATE skill_word_counts SET skills = skills + 1 WHERE lexeme = 'pdf'".into(),
            ],
            drifts: vec![drift("skill_word_counts", "pdf", json!(1), json!(2))],
            changed: 1,
        },
        Case {
            what: "a counter for a word no skill has",
            sql: vec!["INSERT INTO skill_word_counts (lexeme, skills) VALUES ('ghost', 3)".into()],
            drifts: vec![drift("skill_word_counts", "ghost", json!(0), json!(3))],
            changed: 1,
        },
        Case {
            what: "a category counter deleted",
            sql: vec!["DELETE FROM skill_category_counts WHERE category = 'documents'".into()],
            drifts: vec![drift(
                "skill_category_counts",
                "documents",
                json!(2),
                json!(0),
            )],
            changed: 1,
        },
    ]
}

async fn each_corruption_is_reported_exactly_and_repaired(db: TestDb) {
    let c = catalogue(&db).await;
    let cases = match db.backend() {
        Backend::Sqlite => {
            let beta: i64 = {
                let pool = sqlx::SqlitePool::connect(db.url()).await.unwrap();
                sqlx::query_scalar("SELECT id FROM repositories WHERE owner = 'beta'")
                    .fetch_one(&pool)
                    .await
                    .unwrap()
            };
            sqlite_cases(&c, beta)
        }
        Backend::Postgres => postgres_cases(&c),
    };
    let mut rebuilds = 0;
    for case in &cases {
        for sql in &case.sql {
            execute(&db, sql).await;
        }
        let health = report(&c).await;
        assert!(health.drift_detected, "{}: no drift found", case.what);
        assert_eq!(health.drifts, case.drifts, "{}", case.what);
        let structure = &case.drifts[0].structure;
        assert!(
            health.recommendations[0].starts_with(&format!("{structure}: 1 of its entries")),
            "{}: {:?}",
            case.what,
            health.recommendations
        );
        let rebuilt = c
            .store
            .rebuild_derived(&admin(), c.clock.now())
            .await
            .unwrap();
        rebuilds += 1;
        assert_eq!(
            rebuilt.rebuilt,
            std::slice::from_ref(structure),
            "{}",
            case.what
        );
        assert_eq!(rebuilt.changed, case.changed, "{}", case.what);
        assert!(
            rebuilt.errors.is_empty(),
            "{}: {:?}",
            case.what,
            rebuilt.errors
        );
        let health = report(&c).await;
        assert!(!health.drift_detected, "{}: {:#?}", case.what, health);
        let again = c
            .store
            .rebuild_derived(&admin(), c.clock.now())
            .await
            .unwrap();
        rebuilds += 1;
        assert_eq!(
            (again.changed, again.rebuilt.len()),
            (0, 0),
            "{}",
            case.what
        );
    }

    // All of them at once: every drift listed, one rebuild repairs them all. (On SQLite a
    // document indexed with other text shows once the documents present are the right ones:
    // FTS5's check compares the whole index, so it is left out here.)
    let together: Vec<&Case> = cases
        .iter()
        .filter(|case| case.drifts.iter().all(|d| d.key != "*"))
        .collect();
    for case in &together {
        for sql in &case.sql {
            execute(&db, sql).await;
        }
    }
    let order = |d: &Drift| (d.structure.clone(), d.key.clone());
    let mut reported = report(&c).await.drifts;
    reported.sort_by_key(order);
    let mut expected: Vec<Drift> = together.iter().flat_map(|c| c.drifts.clone()).collect();
    expected.sort_by_key(order);
    assert_eq!(reported, expected);
    let rebuilt = c
        .store
        .rebuild_derived(&admin(), c.clock.now())
        .await
        .unwrap();
    rebuilds += 1;
    let sum: u64 = together.iter().map(|c| c.changed).sum();
    assert_eq!(rebuilt.changed, sum);
    assert!(!report(&c).await.drift_detected);
    assert_eq!(
        c.store
            .rebuild_derived(&admin(), c.clock.now())
            .await
            .unwrap()
            .changed,
        0
    );
    rebuilds += 1;

    // The repaired structures are the ones search reads.
    assert_eq!(
        found(&c.store, "word").await,
        1,
        "docx found by its description"
    );
    assert_eq!(found(&c.store, "bogus").await, 0);
    assert_eq!(found(&c.store, "pdf").await, 1);
    let categories = c.store.categories(10).await.unwrap();
    assert_eq!(categories.iter().map(|k| k.count).sum::<u64>(), 2);

    // Every rebuild is in the audit log, with who, why and what it found.
    let events = c
        .store
        .audit_events(
            &AuditFilter {
                action: Some(AuditAction::IndexRebuild),
                ..AuditFilter::default()
            },
            PageRequest::first(100),
        )
        .await
        .unwrap()
        .items;
    assert_eq!(events.len(), rebuilds);
    let last_repair = &events[1];
    assert_eq!(last_repair.actor.id, "root");
    assert_eq!(last_repair.actor_role, "admin");
    assert_eq!(last_repair.reason.as_deref(), Some("health test"));
    assert_eq!(
        (
            last_repair.target_kind.as_str(),
            last_repair.target.as_str()
        ),
        ("index", "derived")
    );
    assert_eq!(last_repair.after["changed"], json!(sum));
    assert_eq!(last_repair.at, c.clock.now());
    assert_eq!(events[0].after["changed"], json!(0));
}

async fn a_structure_that_cannot_be_checked_is_reported_and_the_others_still_rebuilt(db: TestDb) {
    let c = catalogue(&db).await;
    let (broken, repaired, sql) = match db.backend() {
        Backend::Sqlite => (
            "repository_search",
            "skill_search",
            vec![
                "DROP TABLE repository_search_docsize".to_owned(),
                format!(
                    "INSERT INTO skill_search (skill_search, rowid, name, description, tags, repo) \
                     SELECT 'delete', id, name, description, tags, repo FROM skill_search_docs \
                     WHERE id = {}",
                    c.docx
                ),
            ],
        ),
        Backend::Postgres => (
            "skills.search",
            "skill_word_counts",
            vec![
                "ALTER FUNCTION skill_search_document(TEXT, TEXT, TEXT, TEXT, JSONB, BIGINT) \
                 RENAME TO skill_search_document_gone"
                    .to_owned(),
                "UPDATE skill_word_counts SET skills = 7 WHERE lexeme = 'chart'".to_owned(),
            ],
        ),
    };
    for sql in &sql {
        execute(&db, sql).await;
    }
    let health = report(&c).await;
    assert!(health.drift_detected);
    let of = |name: &str| {
        health
            .structures
            .iter()
            .find(|s| s.name == name)
            .unwrap()
            .clone()
    };
    assert!(of(broken).error.is_some(), "{health:#?}");
    assert_eq!(of(repaired).drift_count, 1);
    assert!(
        health
            .recommendations
            .iter()
            .any(|r| r.starts_with(&format!("{broken} could not be checked")))
    );

    let rebuilt = c
        .store
        .rebuild_derived(&admin(), c.clock.now())
        .await
        .unwrap();
    assert_eq!(rebuilt.rebuilt, [repaired.to_owned()]);
    assert_eq!(rebuilt.errors.len(), 1);
    assert_eq!(rebuilt.errors[0].structure, broken);
    let status = |name: &str| {
        rebuilt
            .structures
            .iter()
            .find(|s| s.name == name)
            .unwrap()
            .status
    };
    assert_eq!(status(broken), RebuildStatus::Failed);
    let health = report(&c).await;
    let of = |name: &str| {
        health
            .structures
            .iter()
            .find(|s| s.name == name)
            .unwrap()
            .clone()
    };
    assert!(
        of(broken).error.is_some(),
        "still broken: a rebuild cannot invent what is gone"
    );
    assert_eq!(
        of(repaired).drift_count,
        0,
        "repaired despite the other failure"
    );
}

backend_tests!(
    a_consistent_catalogue_has_no_drift_and_nothing_to_rebuild,
    each_corruption_is_reported_exactly_and_repaired,
    a_structure_that_cannot_be_checked_is_reported_and_the_others_still_rebuilt,
);
