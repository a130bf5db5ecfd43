-- Queue control and pipeline policy (PostgreSQL). Keep in step with ../sqlite/0002_pipeline.sql.

-- A paused kind is not claimed by any worker process; kind '*' pauses the whole queue.
CREATE TABLE queue_pauses (
    kind        TEXT    PRIMARY KEY,
    reason      TEXT,
    actor       TEXT    NOT NULL,
    actor_kind  TEXT    NOT NULL,
    at          TIMESTAMPTZ NOT NULL
);

-- Counts per kind and state for the admin view.
CREATE INDEX jobs_by_kind_state ON jobs (kind, state);

-- Repositories, owners and exact skill contents that are never published. A hit moves a
-- submission to BLOCKED with the entry's reason.
CREATE TABLE blocklist (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind        TEXT    NOT NULL CHECK (kind IN ('repository', 'owner', 'content')),
    value       TEXT    NOT NULL,
    reason      TEXT    NOT NULL,
    actor       TEXT    NOT NULL,
    actor_kind  TEXT    NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (kind, value)
);

-- Small pieces of registry-wide state (e.g. the rule set hash the published skills were last
-- verified with).
CREATE TABLE registry_settings (
    key         TEXT    PRIMARY KEY,
    value       TEXT    NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
