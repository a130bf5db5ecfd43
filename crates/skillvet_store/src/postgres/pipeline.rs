//! `PipelineStore` on PostgreSQL (`crate::sql::pipeline`).

use super::PgStore;
use super::ops::{PgTx, json, time};

crate::sql::pipeline::pipeline_store!(PgStore, PgTx, time = time, json = json);
