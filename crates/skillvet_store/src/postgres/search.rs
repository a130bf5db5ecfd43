//! Marketplace search on PostgreSQL: a weighted `tsvector` (GIN) for words, `pg_trgm` (GIN)
//! for repository substrings. The exact count comes first; it also decides whether relevance
//! is ranked by `ts_rank` (few matches) or by popularity (a very common word).

use skillvet_core::search::{ParsedText, SearchPage, SearchQuery, SearchSort};
use skillvet_core::store::StoreResult;
use sqlx::{Postgres, QueryBuilder};

use super::PgStore;
use crate::rows::{self, skill_select};
use crate::tx::db_error;

/// A `LIKE` pattern matching `term` anywhere (PostgreSQL's default escape is `\`).
fn contains_pattern(term: &str) -> String {
    let mut escaped = String::with_capacity(term.len() + 2);
    escaped.push('%');
    for c in term.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped.push('%');
    escaped
}

/// `WHERE …` of both the count and the page, on `skills k` alone (repository conditions are
/// subqueries, so counting never joins). `words` is false when the caller already joins
/// the word index.
fn push_conditions(
    query: &mut QueryBuilder<Postgres>,
    search: &SearchQuery,
    text: &ParsedText,
    words: bool,
) {
    query.push(" k.status = 'ACTIVE'");
    if words && let Some(plain) = text.plain_words() {
        query
            .push(" AND k.search @@ plainto_tsquery('english', ")
            .push_bind(plain)
            .push(")");
    }
    for term in &text.repo_terms {
        query
            .push(
                " AND k.repository_id IN (SELECT id FROM repositories \
                 WHERE lower(owner || '/' || name || ' ' || url) LIKE ",
            )
            .push_bind(contains_pattern(term))
            .push(")");
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
        // Two indexed lookups united, rather than an OR the planner can only answer by scanning.
        query
            .push(" AND k.id IN (SELECT id FROM skills WHERE lower(author) = ")
            .push_bind(author.clone())
            .push(
                " UNION ALL SELECT s.id FROM skills s JOIN repositories o \
                 ON o.id = s.repository_id WHERE o.owner = ",
            )
            .push_bind(author)
            .push(")");
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

pub(super) async fn search(store: &PgStore, search: &SearchQuery) -> StoreResult<SearchPage> {
    let text = search.parsed();
    let mut conn = store.pool.acquire().await.map_err(db_error)?;
    let mut count = QueryBuilder::<Postgres>::new("SELECT count(*) FROM skills k WHERE");
    push_conditions(&mut count, search, &text, true);
    let total: i64 = count
        .build_query_scalar()
        .fetch_one(&mut *conn)
        .await
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
    let plain = text.plain_words();
    let ranked = search.sort == SearchSort::Relevance
        && total <= SearchQuery::RANKED_MATCH_LIMIT
        && plain.is_some();
    let mut query;
    if let (true, Some(plain)) = (ranked, plain) {
        query = QueryBuilder::<Postgres>::new(concat!(skill_select!(), "WHERE"));
        push_conditions(&mut query, search, &text, true);
        // Weights D, C, B, A: repository, description, tags, name (as SQLite's bm25 weights).
        query
            .push(" ORDER BY ts_rank('{0.1, 0.2, 0.4, 1.0}', k.search, plainto_tsquery('english', ")
            .push_bind(plain)
            .push(")) DESC, k.trending_score DESC, k.id DESC");
    } else {
        query = QueryBuilder::<Postgres>::new(concat!(skill_select!(), "WHERE"));
        push_conditions(&mut query, search, &text, true);
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
