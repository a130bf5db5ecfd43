//! `AuthStore` on PostgreSQL (`crate::sql::auth`).

use super::PgStore;
use super::ops::{json, time};

crate::sql::auth::auth_store!(PgStore, time = time, json = json);
