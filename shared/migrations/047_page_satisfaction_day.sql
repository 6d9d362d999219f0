-- A day rollup of the page aggregates (issue 20): page_satisfaction holds one row per page, unit and hour; the reads
-- of whole days (the metrics API at granularity 'day', the unit page's page ranking, services, reports, the by-page
-- dashboards) summed a period's hours at read time (189-232 ms p95 at 1 million events, bench/reads.py). They read
-- these rows instead: one per page, unit and day in the city's time zone, with the same counters. Kept by the
-- projector in the statement that keeps the hours (services/analytics/store.py PROJECT_FEEDBACK, grouped from the
-- same counted parts by date_trunc('day', first_at, city time zone), as org_unit_satisfaction's 'day' rows), emptied
-- and rebuilt by replay (services/registry.py). Hours stay in page_satisfaction for the hour granularity and alerts.
-- Each row equals the sum of the page's hours of that local day; tests/integration/test_projection_exactness.py
-- compares them on randomised streams.
CREATE TABLE page_satisfaction_day (
    page_url      text COLLATE "C" NOT NULL,
    org_unit_id   text NOT NULL,
    site_id       text NOT NULL,
    bucket_start  timestamptz NOT NULL,  -- the local midnight that starts the day
    responses     integer NOT NULL,
    helpful_yes   integer NOT NULL,
    helpful_no    integer NOT NULL,
    rating_count  integer NOT NULL,
    rating_sum    integer NOT NULL,
    rating_1      integer NOT NULL,
    rating_2      integer NOT NULL,
    rating_3      integer NOT NULL,
    rating_4      integer NOT NULL,
    rating_5      integer NOT NULL,
    PRIMARY KEY (page_url, org_unit_id, bucket_start)
);
CREATE INDEX page_satisfaction_day_unit ON page_satisfaction_day (org_unit_id, bucket_start);

-- Filled once from the hours already there. The days are the city's (Settings.timezone): shared/db.py migrate() sets
-- stadtstimme.timezone for the session from the caller's settings; a caller without settings gets Europe/Berlin, the
-- settings' default. The SHARE lock keeps the projector from adding hours until the migration commits (it waits, it
-- loses nothing): 3.4 s on the bench's database with 1 million feedback events (637,000 hours into 333,000 days).
-- Upgrading: a projector of an earlier release (up to migration 046, without the schema check: README, "Upgrades")
-- does not keep this table. Stop its projectors before the setup job migrates, or afterwards rebuild the read models
-- with `stadtstimme replay`.
LOCK TABLE page_satisfaction IN SHARE MODE;
INSERT INTO page_satisfaction_day
SELECT page_url, org_unit_id, min(site_id), date_trunc('day', bucket_start, tz.name),
       sum(responses), sum(helpful_yes), sum(helpful_no), sum(rating_count), sum(rating_sum),
       sum(rating_1), sum(rating_2), sum(rating_3), sum(rating_4), sum(rating_5)
FROM page_satisfaction,
     (SELECT coalesce(nullif(current_setting('stadtstimme.timezone', true), ''), 'Europe/Berlin') AS name) tz
GROUP BY page_url, org_unit_id, date_trunc('day', bucket_start, tz.name);
ANALYZE page_satisfaction_day;
