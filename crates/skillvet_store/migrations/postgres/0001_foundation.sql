-- skillvet foundation schema (PostgreSQL). Timestamps are TIMESTAMPTZ, always written by the
-- application clock, never now(). Keep in step with ../sqlite/0001_foundation.sql.

CREATE TABLE repositories (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner       TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    url         TEXT    NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (owner, name)
);

CREATE TABLE submissions (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    repository_id   BIGINT NOT NULL REFERENCES repositories (id),
    skill_name      TEXT    NOT NULL,
    skill_path      TEXT    NOT NULL,
    requested_ref   TEXT,
    commit_sha      TEXT,
    state           TEXT    NOT NULL CHECK (state IN ('RECEIVED', 'TIER1_SCANNING', 'TIER1_FAILED',
                        'TIER2_SCANNING', 'AUTO_APPROVED', 'NEEDS_REVIEW', 'PUBLISHED', 'REJECTED',
                        'BLOCKED', 'ON_HOLD', 'RESCAN_REQUIRED', 'ERRORED')),
    state_reason    TEXT,
    priority        INTEGER NOT NULL DEFAULT 0,
    submitter       TEXT    NOT NULL,
    submitter_kind  TEXT    NOT NULL,
    -- Verification run number: 1, then +1 on every rescan. Scan results are unique per run.
    run             INTEGER NOT NULL DEFAULT 1,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);

-- Dedup by construction: one active submission per skill folder of a repository.
-- The state list is SubmissionState::ACTIVE; a store test checks they agree.
CREATE UNIQUE INDEX submissions_one_active ON submissions (repository_id, skill_path)
    WHERE state IN ('RECEIVED', 'TIER1_SCANNING', 'TIER1_FAILED', 'TIER2_SCANNING',
                    'AUTO_APPROVED', 'NEEDS_REVIEW', 'ON_HOLD', 'RESCAN_REQUIRED');
CREATE INDEX submissions_by_path ON submissions (repository_id, skill_path, id);
CREATE INDEX submissions_by_state ON submissions (state, id);

CREATE TABLE submission_events (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    submission_id   BIGINT NOT NULL REFERENCES submissions (id),
    from_state      TEXT,
    to_state        TEXT    NOT NULL,
    trigger_name    TEXT    NOT NULL,
    actor           TEXT    NOT NULL,
    actor_kind      TEXT    NOT NULL,
    reason          TEXT,
    metadata        JSONB   NOT NULL DEFAULT '{}',
    at              TIMESTAMPTZ NOT NULL
);
CREATE INDEX submission_events_by_submission ON submission_events (submission_id, id);

CREATE TABLE scan_results (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    submission_id       BIGINT NOT NULL REFERENCES submissions (id),
    run                 INTEGER NOT NULL,
    tier                INTEGER NOT NULL,
    scanner             TEXT    NOT NULL,
    scanner_version     TEXT    NOT NULL,
    verdict             TEXT    NOT NULL CHECK (verdict IN ('PASS', 'CONCERNS', 'FAIL')),
    score               INTEGER NOT NULL CHECK (score BETWEEN 0 AND 100),
    findings            JSONB   NOT NULL,
    dependency_risk     JSONB   NOT NULL,
    script_scan_summary JSONB   NOT NULL,
    commit_sha          TEXT    NOT NULL,
    duration_ms         BIGINT NOT NULL,
    at                  TIMESTAMPTZ NOT NULL,
    UNIQUE (submission_id, run, tier, scanner)
);

CREATE TABLE skills (
    id                      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug                    TEXT    NOT NULL UNIQUE,
    repository_id           BIGINT NOT NULL REFERENCES repositories (id),
    skill_path              TEXT    NOT NULL,
    name                    TEXT    NOT NULL,
    display_name            TEXT    NOT NULL,
    description             TEXT    NOT NULL,
    author                  TEXT,
    category                TEXT,
    labels                  JSONB   NOT NULL DEFAULT '[]',
    status                  TEXT    NOT NULL CHECK (status IN ('ACTIVE', 'BLOCKED')),
    status_reason           TEXT,
    cert_tier               TEXT    NOT NULL CHECK (cert_tier IN ('SCANNED', 'VERIFIED', 'CERTIFIED')),
    cert_method             TEXT    NOT NULL,
    cert_score              INTEGER NOT NULL CHECK (cert_score BETWEEN 0 AND 100),
    trust_components        JSONB   NOT NULL DEFAULT '{}',
    certified_at            TIMESTAMPTZ NOT NULL,
    current_version         TEXT    NOT NULL,
    latest_submission_id    BIGINT REFERENCES submissions (id),
    trending_score          DOUBLE PRECISION NOT NULL DEFAULT 0,
    install_count           BIGINT NOT NULL DEFAULT 0,
    created_at              TIMESTAMPTZ NOT NULL,
    updated_at              TIMESTAMPTZ NOT NULL,
    UNIQUE (repository_id, skill_path)
);

CREATE TABLE skill_versions (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    skill_id        BIGINT NOT NULL REFERENCES skills (id),
    version         TEXT    NOT NULL,
    commit_sha      TEXT    NOT NULL,
    tree_hash       TEXT    NOT NULL,
    manifest        JSONB   NOT NULL,
    submission_id   BIGINT NOT NULL REFERENCES submissions (id),
    yanked          BOOLEAN NOT NULL DEFAULT FALSE,
    yanked_reason   TEXT,
    created_at      TIMESTAMPTZ NOT NULL,
    UNIQUE (skill_id, version),
    UNIQUE (skill_id, tree_hash)
);

-- Content-addressed file contents of published versions (shared between versions).
CREATE TABLE blobs (
    sha256      TEXT    PRIMARY KEY,
    size        BIGINT NOT NULL,
    content     BYTEA    NOT NULL
);

CREATE TABLE skill_version_files (
    version_id  BIGINT NOT NULL REFERENCES skill_versions (id),
    path        TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    size        BIGINT NOT NULL,
    sha256      TEXT    NOT NULL REFERENCES blobs (sha256),
    PRIMARY KEY (version_id, path)
);

-- Audit trail of a published skill's status (blocked after publication, unblocked...).
CREATE TABLE skill_events (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    skill_id    BIGINT NOT NULL REFERENCES skills (id),
    from_status TEXT,
    to_status   TEXT    NOT NULL,
    reason      TEXT,
    actor       TEXT    NOT NULL,
    actor_kind  TEXT    NOT NULL,
    metadata    JSONB   NOT NULL DEFAULT '{}',
    at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX skill_events_by_skill ON skill_events (skill_id, id);

-- The job queue lives in the same database so that enqueueing commits with the work it is for.
CREATE TABLE jobs (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind                TEXT    NOT NULL,
    payload             JSONB   NOT NULL,
    state               TEXT    NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'dead')),
    priority            INTEGER NOT NULL DEFAULT 0,
    attempts            INTEGER NOT NULL DEFAULT 0,
    max_attempts        INTEGER NOT NULL,
    run_at              TIMESTAMPTZ NOT NULL,
    lease_owner         TEXT,
    lease_expires_at    TIMESTAMPTZ,
    dedup_key           TEXT,
    last_error          TEXT,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL,
    finished_at         TIMESTAMPTZ
);
CREATE UNIQUE INDEX jobs_dedup_active ON jobs (dedup_key) WHERE state IN ('queued', 'running');
CREATE INDEX jobs_ready ON jobs (priority DESC, run_at, id) WHERE state = 'queued';
CREATE INDEX jobs_leased ON jobs (lease_expires_at) WHERE state = 'running';

CREATE TABLE users (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    login       TEXT    NOT NULL UNIQUE,
    role        TEXT    NOT NULL CHECK (role IN ('user', 'admin')),
    created_at  TIMESTAMPTZ NOT NULL
);

-- Only a SHA-256 of each token is kept; the token itself is shown once at creation.
CREATE TABLE api_tokens (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id         BIGINT NOT NULL REFERENCES users (id),
    name            TEXT    NOT NULL,
    token_hash      TEXT    NOT NULL UNIQUE,
    scopes          JSONB   NOT NULL DEFAULT '[]',
    created_at      TIMESTAMPTZ NOT NULL,
    last_used_at    TIMESTAMPTZ,
    expires_at      TIMESTAMPTZ,
    revoked_at      TIMESTAMPTZ
);
