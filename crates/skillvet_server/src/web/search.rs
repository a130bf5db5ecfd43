//! `/` and `/skills`: search with filters, sorts, pages and the exact count.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use skillvet_core::model::{CertTier, Skill};
use skillvet_core::search::{CategoryCount, SearchPage, SearchSort};

use super::layout::{Nav, html_response, page, tier_badge};
use super::{WebError, WebResult};
use crate::api::skills::SearchParams;
use crate::error::ApiError;
use crate::state::AppState;

pub async fn index(
    State(state): State<AppState>,
    params: Result<axum::extract::Query<SearchParams>, axum::extract::rejection::QueryRejection>,
) -> WebResult<Response> {
    let params = params
        .map_err(|e| WebError(ApiError::bad_request("invalid_query", e.body_text())))?
        .0;
    let query = params.query()?;
    let store = state.registry().store();
    let (found, categories) = tokio::try_join!(
        store.search(&query),
        store.categories(CategoryCount::MAX_LISTED)
    )?;
    let title = match params.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        Some(q) => format!("Skills matching “{q}”"),
        None => "Verified agent skills".to_owned(),
    };
    let body = html! {
        h1 { (title) }
        (search_form(&params, query.sort, &categories))
        (results(&params, &found))
    };
    Ok(html_response(
        StatusCode::OK,
        page(&title, Nav::Skills, body),
    ))
}

fn search_form(params: &SearchParams, sort: SearchSort, categories: &[CategoryCount]) -> Markup {
    let value = |v: &Option<String>| v.clone().unwrap_or_default();
    let tier = value(&params.tier).to_ascii_uppercase();
    let category = value(&params.category).trim().to_lowercase();
    // A category typed into the URL that has no listed skill stays selected, with no count.
    let unlisted = !category.is_empty() && !categories.iter().any(|c| c.name == category);
    html! {
        form.search role="search" action="/skills" method="get"
            hx-get="/skills" hx-target="#results" hx-select="#results" hx-swap="outerHTML"
            hx-push-url="true" hx-trigger="input changed delay:300ms from:#q, change, submit" {
            div.field.grow {
                label for="q" { "Search skills" }
                input #q type="search" name="q" value=(value(&params.q))
                    placeholder="pdf, testing, anthropics/skills…" autocomplete="off";
            }
            div.filters {
                div.field {
                    label for="category" { "Category" }
                    select #category name="category" {
                        option value="" { "any" }
                        @if unlisted {
                            option value=(category) selected { (category) }
                        }
                        @for c in categories {
                            option value=(c.name) selected[c.name == category] {
                                (c.name) " (" (c.count) ")"
                            }
                        }
                    }
                }
                div.field {
                    label for="tier" { "Trust tier" }
                    select #tier name="tier" {
                        option value="" { "any" }
                        @for t in CertTier::ALL {
                            option value=(t.as_str().to_lowercase()) selected[tier == t.as_str()] {
                                (t.as_str().to_lowercase())
                            }
                        }
                    }
                }
                div.field {
                    label for="author" { "Author or org" }
                    input #author name="author" value=(value(&params.author)) placeholder="any";
                }
                div.field {
                    label for="repo" { "Repository" }
                    input #repo name="repo" value=(value(&params.repo)) placeholder="owner/name";
                }
                div.field {
                    label for="sort" { "Sort by" }
                    select #sort name="sort" {
                        @for s in SearchSort::ALL {
                            option value=(s.as_str()) selected[*s == sort] { (sort_label(*s)) }
                        }
                    }
                }
                button type="submit" { "Search" }
            }
        }
    }
}

fn sort_label(sort: SearchSort) -> &'static str {
    match sort {
        SearchSort::Relevance => "Relevance",
        SearchSort::Trending => "Trending",
        SearchSort::Installs => "Most installed",
        SearchSort::Newest => "Newest",
    }
}

fn page_link(params: &SearchParams, page: u32) -> String {
    let mut pairs = url::form_urlencoded::Serializer::new(String::new());
    for (key, value) in [
        ("q", &params.q),
        ("category", &params.category),
        ("tier", &params.tier),
        ("author", &params.author),
        ("repo", &params.repo),
        ("sort", &params.sort),
    ] {
        if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
            pairs.append_pair(key, v);
        }
    }
    if let Some(per_page) = params.per_page {
        pairs.append_pair("per_page", &per_page.to_string());
    }
    pairs.append_pair("page", &page.to_string());
    format!("/skills?{}", pairs.finish())
}

fn results(params: &SearchParams, found: &SearchPage) -> Markup {
    let pages = found
        .pages()
        .min(u64::from(skillvet_core::search::SearchQuery::MAX_PAGE)) as u32;
    let noun = if found.total == 1 { "skill" } else { "skills" };
    html! {
        section #results aria-labelledby="results-count" {
            p #results-count.count role="status" aria-live="polite" {
                strong { (found.total) } " " (noun)
                @if found.total > 0 { " · page " (found.page) " of " (pages.max(1)) }
            }
            @if found.items.is_empty() {
                p.empty { "No verified skill matches. Try fewer words, or " a href="/submit" { "submit a repository" } "." }
            } @else {
                ol.cards {
                    @for skill in &found.items { li { (card(skill)) } }
                }
            }
            @if pages > 1 {
                nav.pager aria-label="Pages" {
                    @if found.page > 1 {
                        a rel="prev" href=(page_link(params, found.page - 1)) { "← Previous" }
                    }
                    @for p in page_window(found.page, pages) {
                        @if p == found.page {
                            span aria-current="page" { (p) }
                        } @else {
                            a href=(page_link(params, p)) { (p) }
                        }
                    }
                    @if found.page < pages {
                        a rel="next" href=(page_link(params, found.page + 1)) { "Next →" }
                    }
                }
            }
        }
    }
}

fn page_window(current: u32, pages: u32) -> Vec<u32> {
    let start = current.saturating_sub(3).max(1);
    let end = (start + 6).min(pages);
    (start..=end).collect()
}

pub fn card(skill: &Skill) -> Markup {
    html! {
        article.card {
            h2 { a href={ "/skills/" (skill.slug) } { (skill.display_name) } }
            p.meta {
                (tier_badge(skill.cert_tier)) " "
                span.score title="Trust score" { "score " (skill.cert_score) }
                " · " a href={ "/skills?repo=" (skill.repository.owner) "/" (skill.repository.name) } {
                    (skill.repository.owner) "/" (skill.repository.name)
                }
                @if let Some(category) = &skill.category { " · " (category) }
                " · " (skill.install_count) " installs"
            }
            p.description { (skill.description) }
        }
    }
}
