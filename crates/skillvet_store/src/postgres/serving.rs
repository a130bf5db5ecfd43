//! `ServingStore` on PostgreSQL (`crate::sql::serving`).

use sqlx::Postgres;

use super::PgStore;
use super::ops::{json, time};

crate::sql::serving::serving_store!(PgStore, Postgres, time = time, json = json);
