-- Marketplace search (SQLite). Keep in step with ../postgres/0003_search.sql.

-- What the full-text index holds for each skill: name, description, category + labels, and
-- the repository's owner/name (so `anthropics` finds that org's skills).
CREATE VIEW skill_search_docs AS
SELECT k.id AS id,
       k.name || ' ' || k.display_name AS name,
       k.description AS description,
       coalesce(k.category, '') || ' ' || k.labels AS tags,
       r.owner || ' ' || r.name AS repo
FROM skills k JOIN repositories r ON r.id = k.repository_id;

-- External content: the text lives once, in `skills`; triggers keep the index in step.
CREATE VIRTUAL TABLE skill_search USING fts5(
    name, description, tags, repo,
    content = 'skill_search_docs', content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);

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

-- Substring search over repositories (`anthropics/skills`, URLs): trigram index.
CREATE VIEW repository_search_docs AS
SELECT id, owner || '/' || name AS path, url FROM repositories;

CREATE VIRTUAL TABLE repository_search USING fts5(
    path, url,
    content = 'repository_search_docs', content_rowid = 'id',
    tokenize = 'trigram'
);

CREATE TRIGGER repository_search_insert AFTER INSERT ON repositories BEGIN
    INSERT INTO repository_search (rowid, path, url)
    VALUES (new.id, new.owner || '/' || new.name, new.url);
END;

CREATE TRIGGER repository_search_delete AFTER DELETE ON repositories BEGIN
    INSERT INTO repository_search (repository_search, rowid, path, url)
    VALUES ('delete', old.id, old.owner || '/' || old.name, old.url);
END;

CREATE TRIGGER repository_search_update AFTER UPDATE OF owner, name, url ON repositories BEGIN
    INSERT INTO repository_search (repository_search, rowid, path, url)
    VALUES ('delete', old.id, old.owner || '/' || old.name, old.url);
    INSERT INTO repository_search (rowid, path, url)
    VALUES (new.id, new.owner || '/' || new.name, new.url);
END;

INSERT INTO skill_search (skill_search) VALUES ('rebuild');
INSERT INTO repository_search (repository_search) VALUES ('rebuild');

-- Sort orders and filters of the listing; each starts with status (only ACTIVE is listed).
CREATE INDEX skills_by_trending ON skills (status, trending_score DESC, id DESC);
CREATE INDEX skills_by_installs ON skills (status, install_count DESC, id DESC);
CREATE INDEX skills_by_newest ON skills (status, created_at DESC, id DESC);
CREATE INDEX skills_by_category ON skills (lower(category));
CREATE INDEX skills_by_author ON skills (lower(author));
CREATE INDEX skills_by_repository ON skills (repository_id);
