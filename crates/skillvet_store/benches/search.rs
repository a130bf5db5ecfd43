//! Search latency over a generated catalogue of 100,000 published skills, on SQLite and on
//! PostgreSQL: `cargo bench -p skillvet_store --bench search` (PostgreSQL from
//! `SKILLVET_TEST_POSTGRES_URL`, default the local test database). Prints p50/p95/max per
//! query kind and over all queries; the target is p95 <= 50 ms, very common words included.
//! `SKILLVET_BENCH_SKILLS` changes the catalogue size. `SKILLVET_BENCH_KEEP=1` keeps the
//! generated catalogue for EXPLAIN sessions: SQLite in `target/search-bench.sqlite3`,
//! PostgreSQL in the schema `search_bench` (both replaced on the next kept run).

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use skillvet_core::model::CertTier;
use skillvet_core::search::{CategoryCount, SearchQuery, SearchSort};
use skillvet_core::store::Store;
use skillvet_test_db::{Backend, TestDb};
use sqlx::{Postgres, QueryBuilder, SqlSafeStr, Sqlite};

const REPOS_PER: usize = 20;
const BATCH: usize = 1000;
const RUNS: usize = 40;
const CATEGORIES: &[&str] = &[
    "documents",
    "testing",
    "data",
    "devops",
    "design",
    "security",
    "writing",
    "research",
];
/// Words in (nearly) every description, as real catalogues have: the hard case for ranking.
const COMMON: &[(&str, u64)] = &[("data", 80), ("file", 50), ("tool", 30), ("code", 20)];

/// Small deterministic generator (xorshift64*), so every run builds the same catalogue.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    /// Roughly Zipf-distributed index below n.
    fn zipf(&mut self, n: u64) -> u64 {
        let u = (self.below(1_000_000) as f64 + 1.0) / 1_000_001.0;
        ((n as f64).powf(u) - 1.0) as u64 % n
    }
}

fn word(i: u64) -> String {
    const SYL: &[&str] = &[
        "ka", "lo", "mi", "ter", "vo", "zan", "pri", "del", "qu", "sor",
    ];
    let mut w = String::new();
    let mut x = i + 7;
    while x > 0 {
        w.push_str(SYL[(x % 10) as usize]);
        x /= 10;
    }
    w
}

struct Row {
    slug: String,
    repo: i64,
    name: String,
    description: String,
    author: Option<String>,
    category: String,
    labels: String,
    tier: &'static str,
    trending: f64,
    installs: i64,
    created: i64,
}

fn catalogue(skills: usize) -> (Vec<(String, String)>, Vec<Row>) {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let repos: Vec<(String, String)> = (0..skills.div_ceil(REPOS_PER))
        .map(|i| (format!("owner{}", i / 3), format!("repo{i}")))
        .collect();
    let base = Utc
        .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
        .unwrap()
        .timestamp_micros();
    let rows = (0..skills)
        .map(|i| {
            let repo = i / REPOS_PER;
            let name = format!("{}-{}", word(rng.zipf(3000)), i);
            let mut words: Vec<String> = (0..12).map(|_| word(rng.zipf(5000))).collect();
            for (w, pct) in COMMON {
                if rng.below(100) < *pct {
                    words.insert(rng.below(words.len() as u64) as usize, w.to_string());
                }
            }
            let labels: Vec<String> = (0..3)
                .map(|_| format!("\"{}\"", word(rng.zipf(500))))
                .collect();
            Row {
                slug: format!("{}/{}/{}", repos[repo].0, repos[repo].1, name),
                repo: repo as i64 + 1,
                name,
                description: words.join(" "),
                author: (rng.below(2) == 0).then(|| format!("author{}", rng.below(2000))),
                category: CATEGORIES[rng.below(CATEGORIES.len() as u64) as usize].to_string(),
                labels: format!("[{}]", labels.join(",")),
                tier: ["SCANNED", "VERIFIED", "CERTIFIED"][rng.below(3) as usize],
                trending: rng.below(100_000) as f64 / 100.0,
                installs: rng.zipf(1_000_000) as i64,
                created: base + i as i64 * 60_000_000,
            }
        })
        .collect();
    (repos, rows)
}

async fn load_sqlite(url: &str, repos: &[(String, String)], rows: &[Row]) {
    let pool = sqlx::SqlitePool::connect(url).await.unwrap();
    let mut tx = pool.begin().await.unwrap();
    for chunk in repos.chunks(BATCH) {
        let mut q =
            QueryBuilder::<Sqlite>::new("INSERT INTO repositories (owner, name, url, created_at) ");
        q.push_values(chunk, |mut b, (o, n)| {
            b.push_bind(o)
                .push_bind(n)
                .push_bind(format!("https://github.com/{o}/{n}"))
                .push_bind(0i64);
        });
        q.build().execute(&mut *tx).await.unwrap();
    }
    for chunk in rows.chunks(BATCH) {
        let mut q = QueryBuilder::<Sqlite>::new(
            "INSERT INTO skills (slug, repository_id, skill_path, name, display_name, description, \
             author, category, labels, status, cert_tier, cert_method, cert_score, certified_at, \
             current_version, trending_score, install_count, created_at, updated_at) ",
        );
        q.push_values(chunk, |mut b, r| {
            b.push_bind(&r.slug)
                .push_bind(r.repo)
                .push_bind(format!("skills/{}", r.name))
                .push_bind(&r.name)
                .push_bind(&r.name)
                .push_bind(&r.description)
                .push_bind(&r.author)
                .push_bind(&r.category)
                .push_bind(&r.labels)
                .push_bind("ACTIVE")
                .push_bind(r.tier)
                .push_bind("automated")
                .push_bind(90)
                .push_bind(r.created)
                .push_bind("1.0.0")
                .push_bind(r.trending)
                .push_bind(r.installs)
                .push_bind(r.created)
                .push_bind(r.created);
        });
        q.build().execute(&mut *tx).await.unwrap();
    }
    tx.commit().await.unwrap();
    sqlx::query("ANALYZE").execute(&pool).await.unwrap();
    pool.close().await;
}

async fn load_postgres(url: &str, repos: &[(String, String)], rows: &[Row]) {
    let pool = sqlx::PgPool::connect(url).await.unwrap();
    let mut tx = pool.begin().await.unwrap();
    let epoch = Utc.timestamp_micros(0).unwrap();
    for chunk in repos.chunks(BATCH) {
        let mut q = QueryBuilder::<Postgres>::new(
            "INSERT INTO repositories (owner, name, url, created_at) ",
        );
        q.push_values(chunk, |mut b, (o, n)| {
            b.push_bind(o)
                .push_bind(n)
                .push_bind(format!("https://github.com/{o}/{n}"))
                .push_bind(epoch);
        });
        q.build().execute(&mut *tx).await.unwrap();
    }
    for chunk in rows.chunks(BATCH) {
        let mut q = QueryBuilder::<Postgres>::new(
            "INSERT INTO skills (slug, repository_id, skill_path, name, display_name, description, \
             author, category, labels, status, cert_tier, cert_method, cert_score, certified_at, \
             current_version, trending_score, install_count, created_at, updated_at) ",
        );
        q.push_values(chunk, |mut b, r| {
            let at = Utc.timestamp_micros(r.created).unwrap();
            b.push_bind(&r.slug)
                .push_bind(r.repo)
                .push_bind(format!("skills/{}", r.name))
                .push_bind(&r.name)
                .push_bind(&r.name)
                .push_bind(&r.description)
                .push_bind(&r.author)
                .push_bind(&r.category)
                .push_bind(serde_json::from_str::<serde_json::Value>(&r.labels).unwrap())
                .push_bind("ACTIVE")
                .push_bind(r.tier)
                .push_bind("automated")
                .push_bind(90)
                .push_bind(at)
                .push_bind("1.0.0")
                .push_bind(r.trending)
                .push_bind(r.installs)
                .push_bind(at)
                .push_bind(at);
        });
        q.build().execute(&mut *tx).await.unwrap();
    }
    tx.commit().await.unwrap();
    // What autovacuum does on a live database.
    sqlx::query("VACUUM ANALYZE skills")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("VACUUM ANALYZE repositories")
        .execute(&pool)
        .await
        .unwrap();
    // The counters were rewritten by every batch of the load.
    sqlx::query("VACUUM ANALYZE skill_word_counts, skill_category_counts")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
}

fn queries(rows: &[Row]) -> Vec<(&'static str, SearchQuery)> {
    let rare = rows[rows.len() / 2]
        .name
        .split('-')
        .next()
        .unwrap()
        .to_string();
    let mut list = vec![
        ("common word `data` (80%)", SearchQuery::new("data")),
        ("two common words", SearchQuery::new("data file")),
        ("rare word", SearchQuery::new(word(4321))),
        ("medium word", SearchQuery::new(word(3))),
        ("name word", SearchQuery::new(rare)),
        ("repository substring", SearchQuery::new("owner77/repo23")),
        ("owner word", SearchQuery::new("owner1234")),
        ("no words", SearchQuery::new("")),
    ];
    let mut q = SearchQuery::new("data");
    q.sort = SearchSort::Installs;
    list.push(("common word, by installs", q));
    let mut q = SearchQuery::new("tool");
    q.category = Some("security".into());
    q.tier = Some(CertTier::Certified);
    list.push(("common word + category + tier", q));
    let mut q = SearchQuery::new("");
    q.sort = SearchSort::Newest;
    q.page = 50;
    list.push(("newest, page 50", q));
    let mut q = SearchQuery::new("code");
    q.page = 20;
    list.push(("common word, page 20", q));
    let mut q = SearchQuery::new("");
    q.author = Some("author42".into());
    list.push(("author filter", q));
    list
}

fn pct(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1]
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

async fn bench(backend: Backend, repos: &[(String, String)], rows: &[Row]) {
    let db = TestDb::new(backend).await;
    let store: Arc<dyn Store> = db.store().await;
    let started = Instant::now();
    match backend {
        Backend::Sqlite => load_sqlite(db.url(), repos, rows).await,
        Backend::Postgres => load_postgres(db.url(), repos, rows).await,
    }
    println!(
        "\n{backend:?}: loaded {} skills in {:.1} s",
        rows.len(),
        started.elapsed().as_secs_f64()
    );
    println!(
        "{:<34} {:>9} {:>8} {:>8} {:>8}",
        "query", "total", "p50 ms", "p95 ms", "max ms"
    );
    let mut all = vec![];
    for (label, query) in queries(rows) {
        let mut times = vec![];
        let mut total = 0;
        for _ in 0..RUNS {
            let t = Instant::now();
            let page = store.search(&query).await.unwrap();
            times.push(t.elapsed());
            total = page.total;
        }
        times.sort();
        println!(
            "{label:<34} {total:>9} {:>8} {:>8} {:>8}",
            ms(pct(&times, 0.5)),
            ms(pct(&times, 0.95)),
            ms(*times.last().unwrap())
        );
        all.extend(times);
    }
    // The category facet shown next to every search.
    let mut times = vec![];
    let mut listed = 0;
    for _ in 0..RUNS {
        let t = Instant::now();
        listed = store
            .categories(CategoryCount::MAX_LISTED)
            .await
            .unwrap()
            .len();
        times.push(t.elapsed());
    }
    times.sort();
    println!(
        "{:<34} {listed:>9} {:>8} {:>8} {:>8}",
        "categories facet",
        ms(pct(&times, 0.5)),
        ms(pct(&times, 0.95)),
        ms(*times.last().unwrap())
    );
    all.extend(times);
    if std::env::var_os("SKILLVET_BENCH_KEEP").is_some() {
        keep(backend, db.url()).await;
    }
    all.sort();
    println!(
        "{:<34} {:>9} {:>8} {:>8} {:>8}",
        "ALL",
        "",
        ms(pct(&all, 0.5)),
        ms(pct(&all, 0.95)),
        ms(*all.last().unwrap())
    );
}

/// Keeps the catalogue out of the test database's clean-up (see the module comment).
async fn keep(backend: Backend, url: &str) {
    match backend {
        Backend::Sqlite => {
            let path = concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../target/search-bench.sqlite3"
            );
            let _ = std::fs::remove_file(path);
            let pool = sqlx::SqlitePool::connect(url).await.unwrap();
            sqlx::query("VACUUM INTO $1")
                .bind(path)
                .execute(&pool)
                .await
                .unwrap();
            pool.close().await;
            println!("kept in {path}");
        }
        Backend::Postgres => {
            let schema = url.rsplit('=').next().unwrap().to_owned();
            let pool = sqlx::PgPool::connect(url).await.unwrap();
            sqlx::query("DROP SCHEMA IF EXISTS search_bench CASCADE")
                .execute(&pool)
                .await
                .unwrap();
            let rename = format!("ALTER SCHEMA {schema} RENAME TO search_bench");
            sqlx::query(sqlx::AssertSqlSafe(rename).into_sql_str())
                .execute(&pool)
                .await
                .unwrap();
            pool.close().await;
            println!("kept in the schema search_bench");
        }
    }
}

fn main() {
    let skills: usize = std::env::var("SKILLVET_BENCH_SKILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let (repos, rows) = catalogue(skills);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let only = std::env::var("SKILLVET_BENCH_BACKEND").unwrap_or_default();
    for backend in [Backend::Sqlite, Backend::Postgres] {
        if !only.is_empty() && !format!("{backend:?}").eq_ignore_ascii_case(&only) {
            continue;
        }
        runtime.block_on(bench(backend, &repos, &rows));
    }
}
