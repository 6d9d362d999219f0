-- The inbox filtered by category (issue 20, bench/reads.py): counting the matching comments read the whole
-- comment table, since the count rollup (046) answers only view, status and unit: 178 ms at 820,000 comments
-- (4 million feedback events), 13 ms with this index for a rare category (accessibility barriers, 7,400 comments).
-- A common category (technical, a fifth of the comments) still counts in ~190 ms, like the site and URL-prefix
-- filters: those need the rollup to count by page and category, or a capped count (issue 20, open).
-- Built in the migration's transaction, so without CONCURRENTLY: the projector's writes to comment_item wait for
-- the build (0.7 s at 820,000 comments). For a far larger installation, build it beforehand with
-- CREATE INDEX CONCURRENTLY IF NOT EXISTS (same name and definition, outside a transaction); the migration then
-- finds it and does nothing.
CREATE INDEX IF NOT EXISTS comment_item_category ON comment_item (category, received_at DESC);
