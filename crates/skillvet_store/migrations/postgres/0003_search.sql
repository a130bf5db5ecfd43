-- Marketplace search (PostgreSQL). Keep in step with ../sqlite/0003_search.sql.

-- Database-wide, in `public`, so that dropping one test schema never drops it for the others.
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;

-- Weighted document: name (A), category + labels (B), description (C), repository owner/name
-- (D). Kept by a trigger because the repository part lives in another table.
ALTER TABLE skills ADD COLUMN search tsvector;

CREATE FUNCTION skill_search_document(
    p_name TEXT, p_display_name TEXT, p_description TEXT, p_category TEXT, p_labels JSONB,
    p_repository_id BIGINT
) RETURNS tsvector LANGUAGE sql STABLE AS $$
    SELECT setweight(to_tsvector('english', translate(p_name || ' ' || p_display_name, '-_.', '   ')), 'A')
        || setweight(to_tsvector('english', translate(coalesce(p_category, '') || ' '
               || coalesce((SELECT string_agg(l, ' ') FROM jsonb_array_elements_text(p_labels) AS l), ''),
               '-_.', '   ')), 'B')
        || setweight(to_tsvector('english', translate(p_description, '-_.', '   ')), 'C')
        || setweight(to_tsvector('english', translate(coalesce(
               (SELECT owner || ' ' || name FROM repositories WHERE id = p_repository_id), ''),
               '-_.', '   ')), 'D')
$$;

CREATE FUNCTION skill_search_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search := skill_search_document(NEW.name, NEW.display_name, NEW.description,
                                        NEW.category, NEW.labels, NEW.repository_id);
    RETURN NEW;
END
$$;

CREATE TRIGGER skill_search_refresh
BEFORE INSERT OR UPDATE OF name, display_name, description, category, labels, repository_id
ON skills FOR EACH ROW EXECUTE FUNCTION skill_search_refresh();

UPDATE skills SET search = skill_search_document(name, display_name, description, category,
                                                 labels, repository_id);

CREATE INDEX skills_search ON skills USING gin (search);

-- Substring search over repositories (`anthropics/skills`, URLs).
CREATE INDEX repositories_search ON repositories
    USING gin ((lower(owner || '/' || name || ' ' || url)) public.gin_trgm_ops);

-- Sort orders and filters of the listing; each starts with status (only ACTIVE is listed).
CREATE INDEX skills_by_trending ON skills (status, trending_score DESC, id DESC);
CREATE INDEX skills_by_installs ON skills (status, install_count DESC, id DESC);
CREATE INDEX skills_by_newest ON skills (status, created_at DESC, id DESC);
CREATE INDEX skills_by_category ON skills (lower(category));
CREATE INDEX skills_by_author ON skills (lower(author));
CREATE INDEX skills_by_repository ON skills (repository_id);
