//! `AccountStore` on SQLite (`crate::sql::accounts`).

use super::ops::json;
use super::{SqliteStore, micros};

crate::sql::accounts::account_store!(SqliteStore, time = micros, json = json);
