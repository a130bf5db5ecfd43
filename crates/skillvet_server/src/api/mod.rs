//! `/api/v1`: JSON in, JSON out.

pub mod admin;
pub mod agents;
pub mod moderation;
pub mod packages;
pub mod skills;
pub mod submissions;

use serde::Deserialize;
use skillvet_core::model::{Id, PageRequest};

use crate::error::ApiError;

pub const DEFAULT_PAGE: u32 = 50;

/// `?limit=&cursor=` of keyset-paginated listings.
#[derive(Debug, Default, Deserialize)]
pub struct PageParams {
    pub limit: Option<u32>,
    pub cursor: Option<Id>,
}

impl PageParams {
    pub fn page(&self) -> Result<PageRequest, ApiError> {
        let limit = self.limit.unwrap_or(DEFAULT_PAGE);
        if limit == 0 || limit > PageRequest::MAX_LIMIT {
            return Err(ApiError::bad_request(
                "invalid_query",
                format!("limit must be between 1 and {}", PageRequest::MAX_LIMIT),
            ));
        }
        Ok(PageRequest {
            before: self.cursor,
            limit,
        })
    }
}
