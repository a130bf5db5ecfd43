-- no-transaction
-- Moderation (SQLite): quarantined and withdrawn skills, and the append-only audit log of
-- every moderator action, users' reports and authors' appeals. Keep in step with
-- ../postgres/0008_moderation.sql.
--
-- SQLite cannot change a CHECK constraint, so `skills` is rebuilt the documented way (foreign
-- keys off, one transaction, same ids). Its view, triggers and indexes (0003, 0005) go with
-- the old table and are made again; the full-text index keeps its rows (same rowids, same
-- text).
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
CREATE TABLE skills_new (
    id                      INTEGER PRIMARY KEY,
    slug                    TEXT    NOT NULL UNIQUE,
    repository_id           INTEGER NOT NULL REFERENCES repositories (id),
    skill_path              TEXT    NOT NULL,
    name                    TEXT    NOT NULL,
    display_name            TEXT    NOT NULL,
    description             TEXT    NOT NULL,
    author                  TEXT,
    category                TEXT,
    labels                  TEXT    NOT NULL DEFAULT '[]',
    status                  TEXT    NOT NULL
                                CHECK (status IN ('ACTIVE', 'BLOCKED', 'QUARANTINED', 'WITHDRAWN')),
    status_reason           TEXT,
    cert_tier               TEXT    NOT NULL CHECK (cert_tier IN ('SCANNED', 'VERIFIED', 'CERTIFIED')),
    cert_method             TEXT    NOT NULL,
    cert_score              INTEGER NOT NULL CHECK (cert_score BETWEEN 0 AND 100),
    trust_components        TEXT    NOT NULL DEFAULT '{}',
    certified_at            INTEGER NOT NULL,
    current_version         TEXT    NOT NULL,
    latest_submission_id    INTEGER REFERENCES submissions (id),
    trending_score          REAL    NOT NULL DEFAULT 0,
    install_count           INTEGER NOT NULL DEFAULT 0,
    created_at              INTEGER NOT NULL,
    updated_at              INTEGER NOT NULL,
    UNIQUE (repository_id, skill_path)
);
INSERT INTO skills_new (id, slug, repository_id, skill_path, name, display_name, description,
        author, category, labels, status, status_reason, cert_tier, cert_method, cert_score,
        trust_components, certified_at, current_version, latest_submission_id, trending_score,
        install_count, created_at, updated_at)
    SELECT id, slug, repository_id, skill_path, name, display_name, description, author,
        category, labels, status, status_reason, cert_tier, cert_method, cert_score,
        trust_components, certified_at, current_version, latest_submission_id, trending_score,
        install_count, created_at, updated_at
    FROM skills;
-- The rename checks every view: the one over the old table must not exist then.
DROP VIEW skill_search_docs;
DROP TABLE skills;
ALTER TABLE skills_new RENAME TO skills;

CREATE VIEW skill_search_docs AS
SELECT k.id AS id,
       k.name || ' ' || k.display_name AS name,
       k.description AS description,
       coalesce(k.category, '') || ' ' || k.labels AS tags,
       r.owner || ' ' || r.name AS repo
FROM skills k JOIN repositories r ON r.id = k.repository_id;

CREATE TRIGGER skill_search_insert AFTER INSERT ON skills BEGIN
    INSERT INTO skill_search (rowid, name, description, tags, repo)
    SELECT id, name, description, tags, repo FROM skill_search_docs WHERE id = new.id;
END;

CREATE TRIGGER skill_search_delete AFTER DELETE ON skills BEGIN
    INSERT INTO skill_search (skill_search, rowid, name, description, tags, repo)
    VALUES ('delete', old.id, old.name || ' ' || old.display_name, old.description,
            coalesce(old.category, '') || ' ' || old.labels,
            (SELECT owner || ' ' || name FROM repositories WHERE id = old.repository_id));
END;

CREATE TRIGGER skill_search_update
AFTER UPDATE OF name, display_name, description, category, labels, repository_id ON skills BEGIN
    INSERT INTO skill_search (skill_search, rowid, name, description, tags, repo)
    VALUES ('delete', old.id, old.name || ' ' || old.display_name, old.description,
            coalesce(old.category, '') || ' ' || old.labels,
            (SELECT owner || ' ' || name FROM repositories WHERE id = old.repository_id));
    INSERT INTO skill_search (rowid, name, description, tags, repo)
    SELECT id, name, description, tags, repo FROM skill_search_docs WHERE id = new.id;
END;

CREATE INDEX skills_by_trending ON skills (status, trending_score DESC, id DESC);
CREATE INDEX skills_by_installs ON skills (status, install_count DESC, id DESC);
CREATE INDEX skills_by_newest ON skills (status, created_at DESC, id DESC);
CREATE INDEX skills_by_listed_category ON skills (lower(category), cert_tier, status);
CREATE INDEX skills_by_author ON skills (lower(author));
CREATE INDEX skills_by_repository ON skills (repository_id);

-- Blocklist entries for one skill (`owner/repo/skill`), and entries that lapse (the kind
-- CHECK changes: rebuilt too; nothing refers to it).
CREATE TABLE blocklist_new (
    id          INTEGER PRIMARY KEY,
    kind        TEXT    NOT NULL CHECK (kind IN ('repository', 'owner', 'skill', 'content')),
    value       TEXT    NOT NULL,
    reason      TEXT    NOT NULL,
    actor       TEXT    NOT NULL,
    actor_kind  TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER,
    UNIQUE (kind, value)
);
INSERT INTO blocklist_new (id, kind, value, reason, actor, actor_kind, created_at)
    SELECT id, kind, value, reason, actor, actor_kind, created_at FROM blocklist;
DROP TABLE blocklist;
ALTER TABLE blocklist_new RENAME TO blocklist;

-- One row per moderator action, written in the transaction of the change it records.
-- `package` (owner/repo/skill) is set for actions on a skill or a submission: those rows are
-- public (package history, skill page); the others are for reviewers and administrators.
CREATE TABLE audit_events (
    id              INTEGER PRIMARY KEY,
    actor           TEXT    NOT NULL,
    actor_kind      TEXT    NOT NULL,
    actor_role      TEXT    NOT NULL,
    action          TEXT    NOT NULL,
    target_kind     TEXT    NOT NULL,
    target          TEXT    NOT NULL,
    package         TEXT,
    reason          TEXT,
    before_state    TEXT    NOT NULL DEFAULT '{}',
    after_state     TEXT    NOT NULL DEFAULT '{}',
    at              INTEGER NOT NULL
);
CREATE INDEX audit_events_by_package ON audit_events (package, id) WHERE package IS NOT NULL;
CREATE INDEX audit_events_by_target ON audit_events (target_kind, target, id);
CREATE INDEX audit_events_by_actor ON audit_events (actor, id);
CREATE INDEX audit_events_by_action ON audit_events (action, id);

-- Append-only in the database too: no code path, and no hand-typed SQL, rewrites history.
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
-- Reports from users ("this skill is malicious / broken / impersonates") and authors'
-- appeals of a rejection: the reviewers' triage queue. A resolution is an audit event.
CREATE TABLE moderation_requests (
    id              INTEGER PRIMARY KEY,
    kind            TEXT    NOT NULL CHECK (kind IN ('report', 'appeal')),
    package         TEXT    NOT NULL,
    submission_id   INTEGER REFERENCES submissions (id),
    category        TEXT    NOT NULL
                        CHECK (category IN ('malicious', 'broken', 'impersonation', 'other', 'appeal')),
    message         TEXT    NOT NULL,
    author          TEXT    NOT NULL,
    author_kind     TEXT    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('open', 'accepted', 'dismissed')),
    created_at      INTEGER NOT NULL,
    resolved_at     INTEGER,
    resolved_by     TEXT,
    resolution      TEXT
);
CREATE INDEX moderation_requests_by_status ON moderation_requests (status, id);
CREATE INDEX moderation_requests_by_author ON moderation_requests (author, status);
-- One open appeal per submission.
CREATE UNIQUE INDEX moderation_requests_one_open_appeal ON moderation_requests (submission_id)
    WHERE kind = 'appeal' AND status = 'open';
COMMIT;
PRAGMA foreign_keys = ON;
