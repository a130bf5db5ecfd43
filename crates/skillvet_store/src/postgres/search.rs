//! Marketplace search on PostgreSQL: a weighted `tsvector` (GIN) for words, `pg_trgm` (GIN)
//! for repository substrings. The exact count comes first (for a single word, from the counts
//! kept by triggers); it also decides whether relevance is ranked by `ts_rank` (few matches)
//! or by popularity (a very common word).

use skillvet_core::search::{CategoryCount, ParsedText, SearchPage, SearchQuery, SearchSort};
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
    let only_words = text.repo_terms.is_empty()
        && search.category.is_none()
        && search.tier.is_none()
        && search.author.is_none()
        && search.repository.is_none();
    // Words that are all one lexeme (`data`, `data datas`): its kept count is exact, where
    // counting the matches of a very common word visits every one of them.
    let mut counted = None;
    if only_words && let Some(plain) = text.plain_words() {
        let (lexemes, skills): (Option<i32>, Option<i64>) = sqlx::query_as(
            "SELECT array_length(l, 1), \
                    (SELECT skills FROM skill_word_counts WHERE lexeme = l[1]) \
             FROM (SELECT tsvector_to_array(to_tsvector('english', $1)) AS l) AS q",
        )
        .bind(plain)
        .fetch_one(&mut *conn)
        .await
        .map_err(db_error)?;
        if lexemes == Some(1) {
            counted = Some(skills.unwrap_or(0));
        }
    }
    let total: i64 = match counted {
        Some(total) => total,
        None => {
            let mut count = QueryBuilder::<Postgres>::new("SELECT count(*) FROM skills k WHERE");
            push_conditions(&mut count, search, &text, true);
            count
                .build_query_scalar()
                .fetch_one(&mut *conn)
                .await
                .map_err(db_error)?
        }
    };
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

/// Categories of ACTIVE skills with exact counts, most used first, from the counts kept by
/// triggers (grouping 100,000 skills on every search page costs tens of milliseconds).
pub(super) async fn categories(store: &PgStore, limit: u32) -> StoreResult<Vec<CategoryCount>> {
    let found: Vec<(String, i64)> = sqlx::query_as(
        "SELECT category, skills FROM skill_category_counts \
         WHERE skills > 0 AND trim(category) <> '' \
         ORDER BY skills DESC, category COLLATE \"C\" LIMIT $1",
    )
    .bind(i64::from(limit))
    .fetch_all(&store.pool)
    .await
    .map_err(db_error)?;
    Ok(crate::rows::category_counts(found))
}
