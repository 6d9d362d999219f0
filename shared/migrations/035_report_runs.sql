-- The monthly reports published (issue 18): one row per month once its reports are on stadtstimme.reports.v1, so
-- the projector worker publishes each month once, whichever of its instances gets there first.
CREATE TABLE report_run (
    month         date PRIMARY KEY,
    published_at  timestamptz NOT NULL DEFAULT now(),
    reports       integer NOT NULL,
    published_by  text NOT NULL
);
