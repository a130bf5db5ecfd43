-- Queue upkeep (SQLite). Keep in step with ../postgres/0004_queue_maintenance.sql (whose
-- autovacuum settings have no SQLite counterpart).

-- A submission shows the status of its jobs (verification, external scan): find the newest
-- job holding a dedup key, finished ones included.
CREATE INDEX jobs_by_dedup_key ON jobs (dedup_key, id) WHERE dedup_key IS NOT NULL;
