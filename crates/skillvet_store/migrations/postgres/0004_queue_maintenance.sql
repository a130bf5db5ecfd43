-- Queue upkeep (PostgreSQL). Keep in step with ../sqlite/0004_queue_maintenance.sql.

-- A submission shows the status of its jobs (verification, external scan): find the newest
-- job holding a dedup key, finished ones included.
CREATE INDEX jobs_by_dedup_key ON jobs (dedup_key, id) WHERE dedup_key IS NOT NULL;

-- Every job is updated several times (claim, heartbeats, completion), so the table gathers
-- dead tuples far faster than the default thresholds (20 % of the table) notice; a bloated
-- jobs table slows every claim. Vacuum and analyse after ~1 % of rows changed, without the
-- cost delay, and leave room in each page for updated rows.
ALTER TABLE jobs SET (
    autovacuum_vacuum_scale_factor = 0.01,
    autovacuum_vacuum_threshold = 500,
    autovacuum_analyze_scale_factor = 0.02,
    autovacuum_analyze_threshold = 500,
    autovacuum_vacuum_cost_delay = 0,
    fillfactor = 85
);
