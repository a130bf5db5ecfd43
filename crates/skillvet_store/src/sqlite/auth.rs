//! `AuthStore` on SQLite (`crate::sql::auth`).

use super::ops::json;
use super::{SqliteStore, micros};

crate::sql::auth::auth_store!(SqliteStore, time = micros, json = json);
