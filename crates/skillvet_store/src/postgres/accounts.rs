//! `AccountStore` on PostgreSQL (`crate::sql::accounts`).

use super::PgStore;
use super::ops::{json, time};

crate::sql::accounts::account_store!(PgStore, time = time, json = json);
