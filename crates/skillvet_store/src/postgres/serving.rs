//! `ServingStore` on PostgreSQL (`crate::sql::serving`).

use sqlx::Postgres;

use super::PgStore;

crate::sql::serving::serving_store!(PgStore, Postgres);
