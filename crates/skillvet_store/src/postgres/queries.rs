//! `SubmissionStore`, `SkillStore` and `Store` on PostgreSQL (`crate::sql::stores`).

use sqlx::Postgres;

use super::PgStore;
use super::ops::{PgTx, json, time};

crate::sql::stores::stores!(
    PgStore,
    PgTx,
    Postgres,
    name = "postgres",
    time = time,
    json = json
);
