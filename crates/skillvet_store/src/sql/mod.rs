//! The SQL both backends run, written once. The statements are the same text on SQLite and
//! PostgreSQL (`$n` placeholders, `ON CONFLICT … RETURNING`); what differs is each macro's
//! parameters: the store and transaction types, how a timestamp is bound (microseconds on
//! SQLite, `timestamptz` on PostgreSQL) and how JSON is bound (text or `jsonb`). Each store
//! type provides `read_pool()`, `write_pool()`, `begin()`, `begin_read()` and
//! `jobs_committed()`; SQL that really differs (queue claims and wake-ups, search) stays in
//! the backend.
//!
//! Macros rather than generics: sqlx's executor and encoding bounds are not implied by a
//! trait, so a generic version would repeat a dozen `where` clauses on every function.

pub(crate) mod accounts;
pub(crate) mod auth;
pub(crate) mod moderation;
pub(crate) mod ops;
pub(crate) mod pipeline;
pub(crate) mod queue;
pub(crate) mod serving;
pub(crate) mod stores;
