-- Search at scale (PostgreSQL). Keep in step with ../sqlite/0005_search_at_scale.sql.

-- How many listed (ACTIVE) skills hold each search word (lexeme of `skills.search`) and each
-- category (lower-cased, as the filter compares). Counting the matches of a very common word
-- visits every matching row (~50 ms for 80,000 of 100,000 skills); reading its count is one
-- row. Kept by the statement that changes `skills`, in its transaction, so always exact.
CREATE TABLE skill_word_counts (
    lexeme  TEXT   PRIMARY KEY,
    skills  BIGINT NOT NULL
);

CREATE TABLE skill_category_counts (
    category TEXT   PRIMARY KEY,
    skills   BIGINT NOT NULL
);

-- Applies added and removed words and categories in one statement per table, in key order,
-- so that concurrent writers lock counters in the same order (no deadlock).
CREATE FUNCTION skill_counts_apply(
    added_words TEXT[], removed_words TEXT[], added_categories TEXT[], removed_categories TEXT[]
) RETURNS void LANGUAGE sql AS $$
    INSERT INTO skill_word_counts AS c (lexeme, skills)
    SELECT w, sum(d) FROM (
        SELECT unnest(added_words) AS w, 1 AS d
        UNION ALL SELECT unnest(removed_words), -1
    ) AS changes GROUP BY w HAVING sum(d) <> 0 ORDER BY w
    ON CONFLICT (lexeme) DO UPDATE SET skills = c.skills + excluded.skills;
    INSERT INTO skill_category_counts AS c (category, skills)
    SELECT k, sum(d) FROM (
        SELECT unnest(added_categories) AS k, 1 AS d
        UNION ALL SELECT unnest(removed_categories), -1
    ) AS changes GROUP BY k HAVING sum(d) <> 0 ORDER BY k
    ON CONFLICT (category) DO UPDATE SET skills = c.skills + excluded.skills;
$$;

-- Statement-level, with transition tables: a bulk insert updates each counter once.
CREATE FUNCTION skill_counts_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM skill_counts_apply(
        ARRAY(SELECT w FROM new_rows, unnest(tsvector_to_array(search)) AS w
              WHERE status = 'ACTIVE'),
        '{}',
        ARRAY(SELECT lower(category) FROM new_rows
              WHERE status = 'ACTIVE' AND category IS NOT NULL),
        '{}');
    RETURN NULL;
END
$$;

CREATE FUNCTION skill_counts_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM skill_counts_apply(
        '{}',
        ARRAY(SELECT w FROM old_rows, unnest(tsvector_to_array(search)) AS w
              WHERE status = 'ACTIVE'),
        '{}',
        ARRAY(SELECT lower(category) FROM old_rows
              WHERE status = 'ACTIVE' AND category IS NOT NULL));
    RETURN NULL;
END
$$;

-- Only rows whose status, words or category changed count (install counters do not).
CREATE FUNCTION skill_counts_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM skill_counts_apply(added_words, removed_words, added_categories, removed_categories)
    FROM (
        WITH changed AS (
            SELECT o.status AS old_status, o.search AS old_search,
                   lower(o.category) AS old_category,
                   n.status AS new_status, n.search AS new_search,
                   lower(n.category) AS new_category
            FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE (o.status, o.search, lower(o.category))
                  IS DISTINCT FROM (n.status, n.search, lower(n.category))
        )
        SELECT
            ARRAY(SELECT w FROM changed, unnest(tsvector_to_array(new_search)) AS w
                  WHERE new_status = 'ACTIVE') AS added_words,
            ARRAY(SELECT w FROM changed, unnest(tsvector_to_array(old_search)) AS w
                  WHERE old_status = 'ACTIVE') AS removed_words,
            ARRAY(SELECT new_category FROM changed
                  WHERE new_status = 'ACTIVE' AND new_category IS NOT NULL) AS added_categories,
            ARRAY(SELECT old_category FROM changed
                  WHERE old_status = 'ACTIVE' AND old_category IS NOT NULL) AS removed_categories
    ) AS changes;
    RETURN NULL;
END
$$;

-- No skill may change between the counting below and the triggers taking over.
LOCK TABLE skills IN SHARE ROW EXCLUSIVE MODE;

INSERT INTO skill_word_counts (lexeme, skills)
SELECT w, count(*) FROM skills, unnest(tsvector_to_array(search)) AS w
WHERE status = 'ACTIVE' GROUP BY w;

INSERT INTO skill_category_counts (category, skills)
SELECT lower(category), count(*) FROM skills
WHERE status = 'ACTIVE' AND category IS NOT NULL GROUP BY lower(category);

CREATE TRIGGER skill_counts_inserted AFTER INSERT ON skills
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION skill_counts_inserted();

CREATE TRIGGER skill_counts_updated AFTER UPDATE ON skills
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION skill_counts_updated();

CREATE TRIGGER skill_counts_deleted AFTER DELETE ON skills
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION skill_counts_deleted();
