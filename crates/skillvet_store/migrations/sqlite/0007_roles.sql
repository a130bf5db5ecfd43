-- no-transaction
-- Roles (SQLite): adds `reviewer`. SQLite cannot change a CHECK constraint, so `users` is
-- rebuilt the documented way: foreign keys off, one transaction, same ids (api_tokens and
-- sessions keep pointing at the same rows). Keep in step with ../postgres/0007_roles.sql.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
CREATE TABLE users_new (
    id                  INTEGER PRIMARY KEY,
    login               TEXT    NOT NULL UNIQUE,
    role                TEXT    NOT NULL CHECK (role IN ('user', 'reviewer', 'admin')),
    created_at          INTEGER NOT NULL,
    github_id           INTEGER,
    avatar_url          TEXT,
    github_orgs         TEXT    NOT NULL DEFAULT '[]',
    orgs_refreshed_at   INTEGER
);
INSERT INTO users_new (id, login, role, created_at, github_id, avatar_url, github_orgs, orgs_refreshed_at)
    SELECT id, login, role, created_at, github_id, avatar_url, github_orgs, orgs_refreshed_at FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
CREATE UNIQUE INDEX users_by_github_id ON users (github_id);
COMMIT;
PRAGMA foreign_keys = ON;
