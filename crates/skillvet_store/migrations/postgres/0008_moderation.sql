-- Moderation (PostgreSQL): quarantined and withdrawn skills, and the append-only audit log of
-- every moderator action, users' reports and authors' appeals. Keep in step with
-- ../sqlite/0008_moderation.sql.

-- QUARANTINED: taken down by a reviewer while it is looked at (reversible); WITHDRAWN: taken
-- down at its owner's request. Neither is listed nor served, like BLOCKED.
ALTER TABLE skills DROP CONSTRAINT skills_status_check;
ALTER TABLE skills ADD CONSTRAINT skills_status_check
    CHECK (status IN ('ACTIVE', 'BLOCKED', 'QUARANTINED', 'WITHDRAWN'));

-- Blocklist entries for one skill (`owner/repo/skill`), and entries that lapse.
ALTER TABLE blocklist DROP CONSTRAINT blocklist_kind_check;
ALTER TABLE blocklist ADD CONSTRAINT blocklist_kind_check
    CHECK (kind IN ('repository', 'owner', 'skill', 'content'));
ALTER TABLE blocklist ADD COLUMN expires_at TIMESTAMPTZ;

-- One row per moderator action, written in the transaction of the change it records.
-- `package` (owner/repo/skill) is set for actions on a skill or a submission: those rows are
-- public (package history, skill page); the others are for reviewers and administrators.
CREATE TABLE audit_events (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    actor           TEXT    NOT NULL,
    actor_kind      TEXT    NOT NULL,
    actor_role      TEXT    NOT NULL,
    action          TEXT    NOT NULL,
    target_kind     TEXT    NOT NULL,
    target          TEXT    NOT NULL,
    package         TEXT,
    reason          TEXT,
    before_state    JSONB   NOT NULL DEFAULT '{}',
    after_state     JSONB   NOT NULL DEFAULT '{}',
    at              TIMESTAMPTZ NOT NULL
);
CREATE INDEX audit_events_by_package ON audit_events (package, id) WHERE package IS NOT NULL;
CREATE INDEX audit_events_by_target ON audit_events (target_kind, target, id);
CREATE INDEX audit_events_by_actor ON audit_events (actor, id);
CREATE INDEX audit_events_by_action ON audit_events (action, id);

-- Append-only in the database too: no code path, and no hand-typed SQL, rewrites history.
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only';
END
$$;
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();

-- Reports from users ("this skill is malicious / broken / impersonates") and authors'
-- appeals of a rejection: the reviewers' triage queue. A resolution is an audit event.
CREATE TABLE moderation_requests (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind            TEXT    NOT NULL CHECK (kind IN ('report', 'appeal')),
    package         TEXT    NOT NULL,
    submission_id   BIGINT REFERENCES submissions (id),
    category        TEXT    NOT NULL
                        CHECK (category IN ('malicious', 'broken', 'impersonation', 'other', 'appeal')),
    message         TEXT    NOT NULL,
    author          TEXT    NOT NULL,
    author_kind     TEXT    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('open', 'accepted', 'dismissed')),
    created_at      TIMESTAMPTZ NOT NULL,
    resolved_at     TIMESTAMPTZ,
    resolved_by     TEXT,
    resolution      TEXT
);
CREATE INDEX moderation_requests_by_status ON moderation_requests (status, id);
CREATE INDEX moderation_requests_by_author ON moderation_requests (author, status);
-- One open appeal per submission.
CREATE UNIQUE INDEX moderation_requests_one_open_appeal ON moderation_requests (submission_id)
    WHERE kind = 'appeal' AND status = 'open';
