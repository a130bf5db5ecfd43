-- Accounts (SQLite): GitHub identity on users, browser sessions, sign-ins in progress, token
-- use. Keep in step with ../postgres/0006_accounts.sql.

-- The GitHub numeric id is the identity; the login follows renames. NULL for local accounts
-- made on the server's shell (`skillvet admin create-token`).
ALTER TABLE users ADD COLUMN github_id INTEGER;
ALTER TABLE users ADD COLUMN avatar_url TEXT;
ALTER TABLE users ADD COLUMN github_orgs TEXT NOT NULL DEFAULT '[]';
ALTER TABLE users ADD COLUMN orgs_refreshed_at INTEGER;
CREATE UNIQUE INDEX users_by_github_id ON users (github_id);

ALTER TABLE api_tokens ADD COLUMN last_used_ip TEXT;
CREATE INDEX api_tokens_by_user ON api_tokens (user_id, id);

-- Scopes are now enforced: tokens made before them keep what they could do.
UPDATE api_tokens SET scopes = '["submit","publish","admin"]'
    WHERE scopes = '[]' AND user_id IN (SELECT id FROM users WHERE role = 'admin');
UPDATE api_tokens SET scopes = '["submit","publish"]' WHERE scopes = '[]';

-- Only a SHA-256 of each session id is kept; the id lives in the browser's cookie.
CREATE TABLE sessions (
    id              INTEGER PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES users (id),
    session_hash    TEXT    NOT NULL UNIQUE,
    created_at      INTEGER NOT NULL,
    last_seen_at    INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    revoked_at      INTEGER,
    ip              TEXT
);
CREATE INDEX sessions_by_user ON sessions (user_id, id);

-- A sign-in between the redirect to GitHub and the callback; deleted when used (one-time).
CREATE TABLE oauth_states (
    state_hash      TEXT    PRIMARY KEY,
    code_verifier   TEXT    NOT NULL,
    return_to       TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL
);
CREATE INDEX oauth_states_by_expiry ON oauth_states (expires_at);
