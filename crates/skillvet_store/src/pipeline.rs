//! What both implementations of `PipelineStore` share: row decoding and input rules.

use skillvet_core::model::Actor;
use skillvet_core::pipeline::{BlockEntry, NewBlock};
use skillvet_core::store::{StoreError, StoreResult};

use crate::rows::Cells;

pub fn block(row: &impl Cells) -> StoreResult<BlockEntry> {
    Ok(BlockEntry {
        id: row.big("id")?,
        kind: row.parsed("kind")?,
        value: row.text("value")?,
        reason: row.text("reason")?,
        actor: Actor {
            kind: row.parsed("actor_kind")?,
            id: row.text("actor")?,
        },
        created_at: row.time("created_at")?,
        expires_at: row.opt_time("expires_at")?,
    })
}

/// The value as stored: trimmed and lower-cased (owners, repositories and hex hashes are
/// case-insensitive).
pub fn block_value(block: &NewBlock) -> StoreResult<String> {
    let value = block.value.trim().to_ascii_lowercase();
    if value.is_empty() || value.len() > 200 || block.reason.trim().is_empty() {
        return Err(StoreError::Conflict(
            "a blocklist entry needs a value (at most 200 characters) and a reason".into(),
        ));
    }
    Ok(value)
}
