//! Marketplace search on SQLite: FTS5 (porter, external content) for words, a trigram FTS5
//! table for repository substrings. The exact count comes first; it also decides whether
//! relevance is ranked by bm25 (few matches) or by popularity (a very common word).

use skillvet_core::search::{CategoryCount, ParsedText, SearchPage, SearchQuery, SearchSort};
use skillvet_core::store::StoreResult;
use sqlx::{QueryBuilder, Sqlite};

use super::SqliteStore;
use crate::rows::{self, skill_select};
use crate::tx::db_error;

/// A probe of the word index costs about this many materialised matches (measured).
const PROBE_COST: u64 = 20;

fn fts_phrase(term: &str) -> String {
    format!("\"{}\"", term.replace('"', "\"\""))
}

/// `WHERE …` of both the count and the page, on `skills k` alone (repository conditions are
/// subqueries, so counting never joins). `words` is false when the caller already joins
/// the word index.
/// How the word condition is written: `In` materialises the matches and looks each one up
/// (best when few match), `Probe` checks each row met while walking the sort index (best when
/// most rows match), `Filter` materialises the matches but only tests the candidates of the
/// other filters against them (best when a word is common and a filter is selective).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Words {
    Skip,
    In,
    Probe,
    Filter,
}

fn push_conditions(
    query: &mut QueryBuilder<Sqlite>,
    search: &SearchQuery,
    text: &ParsedText,
    words: Words,
) {
    query.push(" k.status = 'ACTIVE'");
    if let Some(fts) = text.fts5_query() {
        match words {
            Words::Skip => {}
            Words::In => {
                query
                    .push(" AND k.id IN (SELECT rowid FROM skill_search WHERE skill_search MATCH ")
                    .push_bind(fts)
                    .push(")");
            }
            Words::Probe => {
                query
                    .push(" AND EXISTS (SELECT 1 FROM skill_search WHERE skill_search MATCH ")
                    .push_bind(fts)
                    .push(" AND skill_search.rowid = k.id)");
            }
            Words::Filter => {
                // The unary `+` is SQLite's documented way to keep a term from driving the
                // plan: the planner cannot know a word's match count and would otherwise look
                // up every match (30,000 for a common word) instead of testing the few
                // thousand rows that an index on the other filters yields.
                query
                    .push(" AND +k.id IN (SELECT rowid FROM skill_search WHERE skill_search MATCH ")
                    .push_bind(fts)
                    .push(")");
            }
        }
    }
    for term in &text.repo_terms {
        if term.chars().count() >= 3 {
            query
                .push(" AND k.repository_id IN (SELECT rowid FROM repository_search WHERE repository_search MATCH ")
                .push_bind(fts_phrase(term))
                .push(")");
        } else {
            query
                .push(
                    " AND k.repository_id IN (SELECT id FROM repositories \
                     WHERE instr(lower(owner || '/' || name || ' ' || url), ",
                )
                .push_bind(term.clone())
                .push(") > 0)");
        }
    }
    if let Some(category) = &search.category {
        query
            .push(" AND lower(k.category) = ")
            .push_bind(category.to_lowercase());
    }
    if let Some(tier) = search.tier {
        query.push(" AND k.cert_tier = ").push_bind(tier.as_str());
    }
    if let Some(author) = &search.author {
        let author = author.to_lowercase();
        query
            .push(" AND (lower(k.author) = ")
            .push_bind(author.clone())
            .push(" OR k.repository_id IN (SELECT id FROM repositories WHERE owner = ")
            .push_bind(author)
            .push("))");
    }
    if let Some((owner, name)) = &search.repository {
        query
            .push(" AND k.repository_id IN (SELECT id FROM repositories WHERE owner = ")
            .push_bind(owner.to_lowercase())
            .push(" AND name = ")
            .push_bind(name.to_lowercase())
            .push(")");
    }
}

fn order_by(sort: SearchSort) -> &'static str {
    match sort {
        SearchSort::Relevance | SearchSort::Trending => {
            " ORDER BY k.trending_score DESC, k.id DESC"
        }
        SearchSort::Installs => " ORDER BY k.install_count DESC, k.id DESC",
        SearchSort::Newest => " ORDER BY k.created_at DESC, k.id DESC",
    }
}

pub(super) async fn search(store: &SqliteStore, search: &SearchQuery) -> StoreResult<SearchPage> {
    let text = search.parsed();
    let mut conn = store.reader.acquire().await.map_err(db_error)?;
    let only_words = text.repo_terms.is_empty()
        && search.category.is_none()
        && search.tier.is_none()
        && search.author.is_none()
        && search.repository.is_none();
    // With other filters, the word's own match count (read from the index) decides whether
    // the matches drive the query or only test the other filters' candidates.
    let filtered_words = match text.fts5_query() {
        Some(fts) if !only_words => {
            let matches: i64 =
                sqlx::query_scalar("SELECT count(*) FROM skill_search WHERE skill_search MATCH $1")
                    .bind(fts)
                    .fetch_one(&mut *conn)
                    .await
                    .map_err(db_error)?;
            if matches.max(0) as u64 > SearchQuery::RANKED_MATCH_LIMIT {
                Words::Filter
            } else {
                Words::In
            }
        }
        _ => Words::In,
    };
    let total: i64 = match text.fts5_query() {
        // Counting the index's own matches avoids a row lookup per match; the few non-ACTIVE
        // skills that match are subtracted.
        Some(fts) if only_words => {
            let mut count = QueryBuilder::<Sqlite>::new(
                "SELECT (SELECT count(*) FROM skill_search WHERE skill_search MATCH ",
            );
            count
                .push_bind(fts.clone())
                .push(
                    ") - (SELECT count(*) FROM skills k WHERE k.status <> 'ACTIVE' AND EXISTS \
                     (SELECT 1 FROM skill_search WHERE skill_search MATCH ",
                )
                .push_bind(fts)
                .push(" AND skill_search.rowid = k.id))");
            count.build_query_scalar().fetch_one(&mut *conn).await
        }
        _ => {
            let mut count = QueryBuilder::<Sqlite>::new("SELECT count(*) FROM skills k WHERE");
            push_conditions(&mut count, search, &text, filtered_words);
            count.build_query_scalar().fetch_one(&mut *conn).await
        }
    }
    .map_err(db_error)?;
    let total = total.max(0) as u64;
    let mut page = SearchPage {
        items: vec![],
        total,
        page: search.page,
        per_page: search.per_page,
    };
    let offset = search.offset();
    if offset >= total {
        return Ok(page);
    }
    let fts = text.fts5_query();
    let ranked = search.sort == SearchSort::Relevance
        && total <= SearchQuery::RANKED_MATCH_LIMIT
        && fts.is_some();
    let mut query;
    if let (true, Some(fts)) = (ranked, fts) {
        query = QueryBuilder::<Sqlite>::new(
            "SELECT k.*, r.owner, r.name AS repo_name, r.url \
             FROM skill_search f JOIN skills k ON k.id = f.rowid \
             JOIN repositories r ON r.id = k.repository_id WHERE skill_search MATCH ",
        );
        query.push_bind(fts).push(" AND");
        push_conditions(&mut query, search, &text, Words::Skip);
        // Column weights mirror PostgreSQL's A/B/C/D: name, description, tags, repository.
        query.push(
            " ORDER BY bm25(skill_search, 10.0, 2.0, 4.0, 1.0), k.trending_score DESC, k.id DESC",
        );
    } else {
        query = QueryBuilder::<Sqlite>::new(concat!(skill_select!(), "WHERE"));
        // Walking the sort index meets about (offset + page) * active / total rows, each
        // probed in the word index; materialising costs one step per match. Pick the cheaper.
        let words = if !only_words {
            filtered_words
        } else if text.fts5_query().is_some() && total > SearchQuery::RANKED_MATCH_LIMIT {
            let active: i64 =
                sqlx::query_scalar("SELECT count(*) FROM skills WHERE status = 'ACTIVE'")
                    .fetch_one(&mut *conn)
                    .await
                    .map_err(db_error)?;
            let walked = (offset + u64::from(search.per_page)) * active.max(1) as u64 / total;
            if walked * PROBE_COST < total {
                Words::Probe
            } else {
                // Deep pages: walk the sort index, testing rows against the materialised
                // matches rather than looking up every match and sorting them.
                Words::Filter
            }
        } else {
            Words::In
        };
        push_conditions(&mut query, search, &text, words);
        query.push(order_by(search.sort));
    }
    query
        .push(" LIMIT ")
        .push_bind(i64::from(search.per_page))
        .push(" OFFSET ")
        .push_bind(offset as i64);
    let found = query
        .build()
        .fetch_all(&mut *conn)
        .await
        .map_err(db_error)?;
    page.items = found.iter().map(rows::skill).collect::<StoreResult<_>>()?;
    Ok(page)
}

/// Categories of ACTIVE skills with exact counts, most used first: grouped in the order of the
/// covering index `skills_by_listed_category`, whose first column the range `> ''` selects
/// (a condition on `status` first would walk a sort index and read every row).
pub(super) async fn categories(store: &SqliteStore, limit: u32) -> StoreResult<Vec<CategoryCount>> {
    let found: Vec<(String, i64)> = sqlx::query_as(
        "SELECT lower(category), count(*) FROM skills \
         WHERE lower(category) > '' AND status = 'ACTIVE' \
         GROUP BY lower(category) HAVING trim(lower(category)) <> '' \
         ORDER BY 2 DESC, 1 LIMIT $1",
    )
    .bind(i64::from(limit))
    .fetch_all(&store.reader)
    .await
    .map_err(db_error)?;
    Ok(crate::rows::category_counts(found))
}
