//! `SubmissionStore`, `SkillStore` and `Store` on PostgreSQL (`crate::sql_stores`).

use sqlx::Postgres;

use super::PgStore;
use super::ops::{PgTx, json, time};

crate::sql_stores::stores!(
    PgStore,
    PgTx,
    Postgres,
    name = "postgres",
    time = time,
    json = json
);
