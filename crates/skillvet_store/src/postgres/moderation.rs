//! `ModerationStore` on PostgreSQL (`crate::sql::moderation`).

use sqlx::Postgres;

use super::PgStore;
use super::ops::{PgTx, json, time};

crate::sql::moderation::moderation_store!(PgStore, PgTx, Postgres, time = time, json = json);
