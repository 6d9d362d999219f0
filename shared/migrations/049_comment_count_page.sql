-- comment_count_page: the inbox's counts (046's comment_count) also by site, page and category (issue 20). The inbox
-- filtered by site, URL prefix or category counted the matching comments one by one (bench/reads.py at 4 million
-- feedback events, 820,000 comments: 206-260 ms p95), since comment_count answers view, status and unit only. Its
-- key is comment_count's (the unit now, the status, suspected or not) plus the comment's site, page and category;
-- a count is the sum of n over the rows that match, a URL prefix a range of page_url (collation "C", as in
-- comment_item). comment_count stays for the unfiltered counts (one row per key, ~200 rows in all; this one has a
-- row per page and category a unit's comments have).
--
-- Kept by the same statement triggers as comment_count, which now compute each change per key of this table once
-- and add it to both (comment_count_add): rows only added, never updated, folded now and then under a
-- transaction-level advisory lock nobody waits for, as 046 explains. This table folds with a chance of its added
-- rows / (5,000 + the rows the last fold left): between two folds about as many rows are added as a fold leaves, so
-- the table stays within about twice its folded size plus 5,000 rows, and a fold (which rewrites the table) costs
-- about two row writes per row added since the last one. The last fold's rows are kept in a sequence: setval()
-- neither waits nor makes anyone wait, and a fold rolled back leaves only a slightly wrong chance. (The table's
-- reltuples, which counts the unfolded rows too, let it grow to ten times its keys during a replay.) The TRUNCATE
-- triggers rebuild both.
CREATE TABLE comment_count_page (
    org_unit_id  text NOT NULL,
    status       text NOT NULL,
    suspected    boolean NOT NULL,
    site_id      text NOT NULL,
    page_url     text COLLATE "C" NOT NULL,
    category     text,
    n            bigint NOT NULL
);

CREATE SEQUENCE comment_count_page_folded MINVALUE 0;

-- Folds every row into one per key (rows of keys that sum to 0 go), and notes how many rows it left.
CREATE FUNCTION comment_count_page_fold() RETURNS void LANGUAGE sql AS $$
    WITH gone AS (DELETE FROM comment_count_page RETURNING *),
    folded AS (
        INSERT INTO comment_count_page
        SELECT org_unit_id, status, suspected, site_id, page_url, category, sum(n) FROM gone
        GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(n) <> 0
        RETURNING 1
    )
    SELECT setval('comment_count_page_folded', count(*), true) FROM folded
$$;

-- Adds a statement's change, one element per key of this table with its net count, to both rollups; folds either
-- now and then.
CREATE FUNCTION comment_count_add(change comment_count_page[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    added bigint;
BEGIN
    INSERT INTO comment_count (org_unit_id, status, suspected, n)
    SELECT org_unit_id, status, suspected, sum(n) FROM unnest(change) GROUP BY 1, 2, 3 HAVING sum(n) <> 0;
    GET DIAGNOSTICS added = ROW_COUNT;
    PERFORM comment_count_maybe_fold(added);
    INSERT INTO comment_count_page SELECT * FROM unnest(change);
    GET DIAGNOSTICS added = ROW_COUNT;
    IF random() * (5000 + (SELECT last_value FROM comment_count_page_folded)) < added
       AND pg_try_advisory_xact_lock(49049049) THEN
        PERFORM comment_count_page_fold();
    END IF;
END
$$;

CREATE OR REPLACE FUNCTION comment_count_rebuild() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM comment_count;
    DELETE FROM comment_count_page;
    PERFORM comment_count_add(ARRAY(
        SELECT ROW(d.*)::comment_count_page FROM (
            SELECT coalesce(t.org_unit_id, i.org_unit_id), coalesce(t.status, 'neu'),
                   comment_suspected(i.flags, t.verdict, t.status), i.site_id, i.page_url, i.category, count(*)
            FROM comment_item i LEFT JOIN comment_triage t ON t.response_id = i.response_id
            GROUP BY 1, 2, 3, 4, 5, 6) d));
    RETURN NULL;
END
$$;

-- Changes of comment_item: each old row counts -1 at its key, each new row +1, with the comment's triage row now (a
-- statement changes one of the two tables only); keys whose changes cancel out add nothing.
CREATE OR REPLACE FUNCTION comment_count_items() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    plus comment_item[] := '{}';
    minus comment_item[] := '{}';
BEGIN
    IF TG_OP <> 'DELETE' THEN
        plus := ARRAY(SELECT i FROM new_items i);
    END IF;
    IF TG_OP <> 'INSERT' THEN
        minus := ARRAY(SELECT i FROM old_items i);
    END IF;
    -- The triage rows of these comments, locked: a triage statement changing one of them meanwhile is waited for, and
    -- the next statement here (a new snapshot) sees what it committed (see the triage trigger's lock).
    PERFORM 1 FROM comment_triage t
    WHERE t.response_id IN (SELECT response_id FROM unnest(plus) UNION ALL SELECT response_id FROM unnest(minus))
    FOR SHARE OF t;
    PERFORM comment_count_add(ARRAY(
        SELECT ROW(d.*)::comment_count_page FROM (
            SELECT coalesce(t.org_unit_id, i.org_unit_id), coalesce(t.status, 'neu'),
                   comment_suspected(i.flags, t.verdict, t.status), i.site_id, i.page_url, i.category, sum(i.sign)
            FROM (SELECT response_id, org_unit_id, site_id, page_url, category, flags, 1 AS sign FROM unnest(plus)
                  UNION ALL
                  SELECT response_id, org_unit_id, site_id, page_url, category, flags, -1 FROM unnest(minus)) i
            LEFT JOIN comment_triage t ON t.response_id = i.response_id
            GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(i.sign) <> 0) d));
    RETURN NULL;
END
$$;

-- Changes of comment_triage, for comments that have a comment_item row: each old triage row counts -1 at its key,
-- each new one +1; a comment whose triage row is inserted leaves its untriaged key (-1 there), one whose triage row
-- is deleted returns to it (+1). An untriaged comment's key is its key with a triage row of NULLs.
CREATE OR REPLACE FUNCTION comment_count_triage() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    plus comment_triage[] := '{}';
    minus comment_triage[] := '{}';
BEGIN
    IF TG_OP <> 'DELETE' THEN
        plus := ARRAY(SELECT t FROM new_triage t);
    END IF;
    IF TG_OP <> 'INSERT' THEN
        minus := ARRAY(SELECT t FROM old_triage t);
    END IF;
    -- The comments of these triage rows, locked: a feedback batch changing one of them (a later part's flags) is
    -- waited for, and the next statement here (a new snapshot) sees what it committed. Without it, a triage change and
    -- a flag change of the same comment in two open transactions would each count the other's side as it was.
    PERFORM 1 FROM comment_item i
    WHERE i.response_id IN (SELECT response_id FROM unnest(plus) UNION ALL SELECT response_id FROM unnest(minus))
    FOR SHARE OF i;
    PERFORM comment_count_add(ARRAY(
        SELECT ROW(d.*)::comment_count_page FROM (
            SELECT coalesce(t.org_unit_id, i.org_unit_id), coalesce(t.status, 'neu'),
                   comment_suspected(i.flags, t.verdict, t.status), i.site_id, i.page_url, i.category, sum(t.sign)
            FROM (SELECT response_id, org_unit_id, status, verdict, 1 AS sign FROM unnest(plus)
                  UNION ALL
                  SELECT response_id, org_unit_id, status, verdict, -1 FROM unnest(minus)
                  UNION ALL  -- inserted: no longer untriaged
                  SELECT response_id, NULL, NULL, NULL, -1 FROM unnest(plus) WHERE TG_OP = 'INSERT'
                  UNION ALL  -- deleted: untriaged again
                  SELECT response_id, NULL, NULL, NULL, 1 FROM unnest(minus) WHERE TG_OP = 'DELETE') t
            JOIN comment_item i ON i.response_id = t.response_id
            GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(t.sign) <> 0) d));
    RETURN NULL;
END
$$;

-- Writes wait while the rollup is filled (one GROUP BY over comment_item, time: bench/README.md), so that no change
-- falls between the fill and the triggers' new functions.
LOCK TABLE comment_item, comment_triage IN SHARE ROW EXCLUSIVE MODE;
INSERT INTO comment_count_page
SELECT coalesce(t.org_unit_id, i.org_unit_id), coalesce(t.status, 'neu'), comment_suspected(i.flags, t.verdict, t.status),
       i.site_id, i.page_url, i.category, count(*)
FROM comment_item i LEFT JOIN comment_triage t ON t.response_id = i.response_id
GROUP BY 1, 2, 3, 4, 5, 6;
SELECT setval('comment_count_page_folded', count(*), true) FROM comment_count_page;
ANALYZE comment_count_page;
