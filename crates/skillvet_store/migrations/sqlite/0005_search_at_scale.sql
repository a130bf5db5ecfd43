-- Search at scale (SQLite). Keep in step with ../postgres/0005_search_at_scale.sql, which
-- also keeps per-word and per-category counts: SQLite needs none, FTS5 counts a word's
-- matches from its own index and the index below answers the category facet.

-- The listing's structured filters, covering: category and tier select their candidates
-- here (rowids included) before the word index is consulted, and the category facet groups
-- without reading the table. Status comes last: led by status, the planner would prefer
-- this narrow index to the sort indexes for every listing and then sort all ACTIVE rows.
DROP INDEX skills_by_category;
CREATE INDEX skills_by_listed_category ON skills (lower(category), cert_tier, status);
