//! `GET /api/v1/skills`: the marketplace search as JSON; `GET /api/v1/categories`: its
//! category facet.

use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use skillvet_core::model::CertTier;
use skillvet_core::search::{CategoryCount, SearchQuery, SearchSort, parse_repository};

use crate::error::{ApiError, ApiResult};
use crate::extract::Query;
use crate::serving::http_cache;
use crate::state::AppState;

/// Query parameters shared by the JSON listing and the web pages.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchParams {
    #[serde(default)]
    pub q: Option<String>,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub tier: Option<String>,
    #[serde(default)]
    pub author: Option<String>,
    /// `owner/name`
    #[serde(default)]
    pub repo: Option<String>,
    #[serde(default)]
    pub sort: Option<String>,
    #[serde(default)]
    pub page: Option<u32>,
    #[serde(default)]
    pub per_page: Option<u32>,
}

fn non_empty(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

impl SearchParams {
    pub fn query(&self) -> Result<SearchQuery, ApiError> {
        let invalid = |m: String| ApiError::bad_request("invalid_query", m);
        let mut query = SearchQuery::new(self.q.clone().unwrap_or_default());
        query.category = non_empty(&self.category).map(str::to_owned);
        query.author = non_empty(&self.author).map(str::to_owned);
        if let Some(tier) = non_empty(&self.tier) {
            query.tier = Some(tier.to_ascii_uppercase().parse::<CertTier>().map_err(|_| {
                invalid(format!(
                    "unknown tier `{tier}` (use scanned, verified or certified)"
                ))
            })?);
        }
        if let Some(repo) = non_empty(&self.repo) {
            query.repository = Some(
                parse_repository(repo)
                    .ok_or_else(|| invalid("repo must be `owner/name`".to_owned()))?,
            );
        }
        if let Some(sort) = non_empty(&self.sort) {
            query.sort = sort.parse::<SearchSort>().map_err(invalid)?;
        }
        let page = self.page.unwrap_or(1);
        if page == 0 || page > SearchQuery::MAX_PAGE {
            return Err(invalid(format!(
                "page must be between 1 and {}",
                SearchQuery::MAX_PAGE
            )));
        }
        query.page = page;
        let per_page = self.per_page.unwrap_or(SearchQuery::DEFAULT_PER_PAGE);
        if per_page == 0 || per_page > SearchQuery::MAX_PER_PAGE {
            return Err(invalid(format!(
                "per_page must be between 1 and {}",
                SearchQuery::MAX_PER_PAGE
            )));
        }
        query.per_page = per_page;
        Ok(query)
    }
}

pub async fn list(
    axum::extract::State(state): axum::extract::State<AppState>,
    Query(params): Query<SearchParams>,
) -> ApiResult<Response> {
    let query = params.query()?;
    let found = state.registry().store().search(&query).await?;
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=10"),
    );
    let pages = found.pages();
    Ok((
        headers,
        axum::Json(json!({
            "items": found.items,
            "total": found.total,
            "page": found.page,
            "per_page": found.per_page,
            "pages": pages,
            "sort": query.sort,
        })),
    )
        .into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryParams {
    #[serde(default)]
    pub limit: Option<u32>,
}

/// Categories of listed skills with their exact counts, most used first; revalidated by ETag
/// like the other read-only routes.
pub async fn categories(
    axum::extract::State(state): axum::extract::State<AppState>,
    Query(params): Query<CategoryParams>,
    request: HeaderMap,
) -> ApiResult<Response> {
    let limit = params.limit.unwrap_or(CategoryCount::MAX_LISTED);
    if limit == 0 || limit > CategoryCount::MAX_LISTED {
        return Err(ApiError::bad_request(
            "invalid_query",
            format!("limit must be between 1 and {}", CategoryCount::MAX_LISTED),
        ));
    }
    let found = state.registry().store().categories(limit).await?;
    Ok(http_cache::json(&request, &json!({ "categories": found })))
}
