-- comment_count: how many comments each unit has per triage status and suspected or not (issue 20), so the inbox's
-- counts per status and its unfiltered totals no longer count every comment (a parallel scan of comment_item through
-- comment_inbox's coalesce(): 125-130 ms at 200,000 comments, growing with them). A row's key is what comment_inbox
-- shows for the comment: its unit now (the triage's after a hand-over, else its page's), its status ('neu' when
-- untriaged) and whether it waits in the suspected view (triage_store.SUSPECTED).
--
-- Kept exact by triggers on comment_item and comment_triage, so every writer of either (refresh_comment_items, the
-- erasures, the triage projector and the console's commands) is covered without knowing of it: each statement adds
-- one row per key it changed, +n and -n (the sum over a statement, rows whose keys did not change add nothing).
-- Rows are only ever added, never updated in place: the feedback projector's batch transaction and a triage command
-- touching the same unit and status never wait for each other or deadlock on a counter row (on the same comment
-- they do: each trigger locks the other table's rows of its comments). A key's count is the sum
-- of its rows; now and then a statement folds all rows into one per key (with a chance of its added rows / 200, so
-- about every 200 added rows: a feedback batch adding rows for 80 keys folds at every 2nd to 3rd batch, a single
-- triage event adding 2 rows at every 100th), under a transaction-level advisory lock that others do not wait for
-- (a statement that does not get it just adds its rows). The table holds one row per key plus ~200 on average.
-- The fold deletes only rows committed before it started, so rows added meanwhile by others stay and the sums stay
-- exact. TRUNCATE does not fire row or statement triggers for rows; a TRUNCATE trigger on either table rebuilds the
-- rollup from what is left (nothing after the feedback projection's reset, the untriaged counts after the triage
-- projection's). The rollup is listed in the feedback projection's tables (services/registry.py).
-- Cost, measured on the bench's database (1 million feedback events, 206,000 comments, EXPLAIN ANALYZE's trigger
-- times, a busy 2-core machine): 1-2 us per comment inserted or deleted, 2-6 us per comment item refreshed unchanged
-- (the projector's upsert), ~65 us per single triage event; counts() 121 ms -> 0.2 ms.
-- Whether a comment waits in the suspected view (triage_store.SUSPECTED): flagged, no spam verdict, not spam;
-- verdict and status NULL for an untriaged comment. Inlined by the planner.
CREATE FUNCTION comment_suspected(flags text[], verdict text, status text) RETURNS boolean
    LANGUAGE sql IMMUTABLE AS $$ SELECT cardinality(flags) > 0 AND verdict IS NULL AND coalesce(status, 'neu') <> 'spam' $$;

CREATE TABLE comment_count (
    org_unit_id  text NOT NULL,
    status       text NOT NULL,
    suspected    boolean NOT NULL,
    n            bigint NOT NULL
);

-- Folds every row into one per key (rows of keys that sum to 0 go).
CREATE FUNCTION comment_count_fold() RETURNS void LANGUAGE sql AS $$
    WITH gone AS (DELETE FROM comment_count RETURNING org_unit_id, status, suspected, n)
    INSERT INTO comment_count (org_unit_id, status, suspected, n)
    SELECT org_unit_id, status, suspected, sum(n) FROM gone GROUP BY 1, 2, 3 HAVING sum(n) <> 0
$$;

CREATE FUNCTION comment_count_rebuild() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM comment_count;
    INSERT INTO comment_count (org_unit_id, status, suspected, n)
    SELECT coalesce(t.org_unit_id, i.org_unit_id), coalesce(t.status, 'neu'),
           comment_suspected(i.flags, t.verdict, t.status), count(*)
    FROM comment_item i LEFT JOIN comment_triage t ON t.response_id = i.response_id
    GROUP BY 1, 2, 3;
    RETURN NULL;
END
$$;

CREATE FUNCTION comment_count_maybe_fold(added bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF random() * 200 < added AND pg_try_advisory_xact_lock(46046046) THEN
        PERFORM comment_count_fold();
    END IF;
END
$$;

-- Changes of comment_item: the old rows' keys count -1, the new rows' +1, each with the comment's triage row now
-- (a statement changes one of the two tables only).
CREATE FUNCTION comment_count_items() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    added bigint;
BEGIN
    -- The triage rows of these comments, locked: a triage statement changing one of them meanwhile is waited for, and
    -- the next statement here (a new snapshot) sees what it committed (see the triage trigger's lock).
    IF TG_OP = 'DELETE' THEN
        PERFORM 1 FROM comment_triage t WHERE t.response_id IN (SELECT response_id FROM old_items) FOR SHARE OF t;
    ELSE
        PERFORM 1 FROM comment_triage t WHERE t.response_id IN (SELECT response_id FROM new_items) FOR SHARE OF t;
    END IF;
    IF TG_OP = 'INSERT' THEN
        INSERT INTO comment_count (org_unit_id, status, suspected, n)
        SELECT coalesce(t.org_unit_id, i.org_unit_id), coalesce(t.status, 'neu'),
               comment_suspected(i.flags, t.verdict, t.status), count(*)
        FROM new_items i LEFT JOIN comment_triage t ON t.response_id = i.response_id
        GROUP BY 1, 2, 3;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO comment_count (org_unit_id, status, suspected, n)
        SELECT coalesce(t.org_unit_id, i.org_unit_id), coalesce(t.status, 'neu'),
               comment_suspected(i.flags, t.verdict, t.status), -count(*)
        FROM old_items i LEFT JOIN comment_triage t ON t.response_id = i.response_id
        GROUP BY 1, 2, 3;
    ELSE
        INSERT INTO comment_count (org_unit_id, status, suspected, n)
        SELECT org_unit_id, status, suspected, sum(n) FROM (
            SELECT coalesce(t.org_unit_id, i.org_unit_id) AS org_unit_id, coalesce(t.status, 'neu') AS status,
                   comment_suspected(i.flags, t.verdict, t.status)
                       AS suspected,
                   1 AS n
            FROM new_items i LEFT JOIN comment_triage t ON t.response_id = i.response_id
            UNION ALL
            SELECT coalesce(t.org_unit_id, i.org_unit_id), coalesce(t.status, 'neu'),
                   comment_suspected(i.flags, t.verdict, t.status), -1
            FROM old_items i LEFT JOIN comment_triage t ON t.response_id = i.response_id
        ) d GROUP BY 1, 2, 3 HAVING sum(n) <> 0;
    END IF;
    GET DIAGNOSTICS added = ROW_COUNT;
    PERFORM comment_count_maybe_fold(added);
    RETURN NULL;
END
$$;

-- Changes of comment_triage: for comments that have a comment_item row, the key with the old triage row counts -1,
-- with the new one +1.
CREATE FUNCTION comment_count_triage() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    added bigint;
BEGIN
    -- The comments of these triage rows, locked: a feedback batch changing one of them (a later part's flags) is
    -- waited for, and the next statement here (a new snapshot) sees what it committed. Without it, a triage change and
    -- a flag change of the same comment in two open transactions would each count the other's side as it was.
    IF TG_OP = 'DELETE' THEN
        PERFORM 1 FROM comment_item i WHERE i.response_id IN (SELECT response_id FROM old_triage) FOR SHARE OF i;
    ELSE
        PERFORM 1 FROM comment_item i WHERE i.response_id IN (SELECT response_id FROM new_triage) FOR SHARE OF i;
    END IF;
    IF TG_OP = 'INSERT' THEN
        INSERT INTO comment_count (org_unit_id, status, suspected, n)
        SELECT org_unit_id, status, suspected, sum(n) FROM (
            SELECT t.org_unit_id, t.status,
                   comment_suspected(i.flags, t.verdict, t.status) AS suspected, 1 AS n
            FROM new_triage t JOIN comment_item i ON i.response_id = t.response_id
            UNION ALL
            SELECT i.org_unit_id, 'neu', comment_suspected(i.flags, NULL, NULL), -1
            FROM new_triage t JOIN comment_item i ON i.response_id = t.response_id
        ) d GROUP BY 1, 2, 3 HAVING sum(n) <> 0;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO comment_count (org_unit_id, status, suspected, n)
        SELECT org_unit_id, status, suspected, sum(n) FROM (
            SELECT t.org_unit_id, t.status,
                   comment_suspected(i.flags, t.verdict, t.status) AS suspected, -1 AS n
            FROM old_triage t JOIN comment_item i ON i.response_id = t.response_id
            UNION ALL
            SELECT i.org_unit_id, 'neu', comment_suspected(i.flags, NULL, NULL), 1
            FROM old_triage t JOIN comment_item i ON i.response_id = t.response_id
        ) d GROUP BY 1, 2, 3 HAVING sum(n) <> 0;
    ELSE
        INSERT INTO comment_count (org_unit_id, status, suspected, n)
        SELECT org_unit_id, status, suspected, sum(n) FROM (
            SELECT t.org_unit_id, t.status,
                   comment_suspected(i.flags, t.verdict, t.status) AS suspected, 1 AS n
            FROM new_triage t JOIN comment_item i ON i.response_id = t.response_id
            UNION ALL
            SELECT t.org_unit_id, t.status,
                   comment_suspected(i.flags, t.verdict, t.status), -1
            FROM old_triage t JOIN comment_item i ON i.response_id = t.response_id
        ) d GROUP BY 1, 2, 3 HAVING sum(n) <> 0;
    END IF;
    GET DIAGNOSTICS added = ROW_COUNT;
    PERFORM comment_count_maybe_fold(added);
    RETURN NULL;
END
$$;

-- Writes wait while the triggers are created and the rollup is filled (one GROUP BY over comment_item), so that no
-- change falls between the fill and the first trigger: 0.24-0.33 s at 206,000 comments, linear in them.
LOCK TABLE comment_item, comment_triage IN SHARE ROW EXCLUSIVE MODE;

CREATE TRIGGER comment_count_insert AFTER INSERT ON comment_item
    REFERENCING NEW TABLE AS new_items FOR EACH STATEMENT EXECUTE FUNCTION comment_count_items();
CREATE TRIGGER comment_count_update AFTER UPDATE ON comment_item
    REFERENCING OLD TABLE AS old_items NEW TABLE AS new_items FOR EACH STATEMENT EXECUTE FUNCTION comment_count_items();
CREATE TRIGGER comment_count_delete AFTER DELETE ON comment_item
    REFERENCING OLD TABLE AS old_items FOR EACH STATEMENT EXECUTE FUNCTION comment_count_items();
CREATE TRIGGER comment_count_truncate AFTER TRUNCATE ON comment_item
    FOR EACH STATEMENT EXECUTE FUNCTION comment_count_rebuild();

CREATE TRIGGER comment_count_insert AFTER INSERT ON comment_triage
    REFERENCING NEW TABLE AS new_triage FOR EACH STATEMENT EXECUTE FUNCTION comment_count_triage();
CREATE TRIGGER comment_count_update AFTER UPDATE ON comment_triage
    REFERENCING OLD TABLE AS old_triage NEW TABLE AS new_triage
    FOR EACH STATEMENT EXECUTE FUNCTION comment_count_triage();
CREATE TRIGGER comment_count_delete AFTER DELETE ON comment_triage
    REFERENCING OLD TABLE AS old_triage FOR EACH STATEMENT EXECUTE FUNCTION comment_count_triage();
CREATE TRIGGER comment_count_truncate AFTER TRUNCATE ON comment_triage
    FOR EACH STATEMENT EXECUTE FUNCTION comment_count_rebuild();

INSERT INTO comment_count (org_unit_id, status, suspected, n)
SELECT coalesce(t.org_unit_id, i.org_unit_id), coalesce(t.status, 'neu'),
       comment_suspected(i.flags, t.verdict, t.status), count(*)
FROM comment_item i LEFT JOIN comment_triage t ON t.response_id = i.response_id
GROUP BY 1, 2, 3;
