-- Page views become events (stadtstimme.pageviews.v1, de.stadtstimme.pageviews.imported): page_view_daily is now a
-- projection that a replay rebuilds. An import replaces a site's day as a whole (page_view_day names the import
-- that holds it), so a period imported again is replaced, never added. Rows imported before this migration are on
-- no topic: a replay drops them; import them again (the command line, the console or the Matomo import).
ALTER TABLE page_view_daily ADD COLUMN import_id uuid;
CREATE INDEX page_view_daily_by_site_day ON page_view_daily (site_id, day, page_url);
CREATE INDEX page_view_daily_by_import ON page_view_daily (import_id);

-- The import that holds each site's day, and what it counted.
CREATE TABLE page_view_day (
    site_id      text NOT NULL,
    day          date NOT NULL,
    import_id    uuid NOT NULL,
    source       text NOT NULL,
    source_name  text NOT NULL,
    actor        text NOT NULL,
    imported_at  timestamptz NOT NULL,
    PRIMARY KEY (site_id, day)
);

-- The archive of applied events: checked before a replay and the source of a restore into an empty broker.
CREATE TABLE page_view_event (
    event_id     uuid PRIMARY KEY,
    sequence     bigint GENERATED ALWAYS AS IDENTITY,
    site_id      text NOT NULL,
    day          date NOT NULL,
    import_id    uuid NOT NULL,
    envelope     text NOT NULL
);

-- A file uploaded in the console, read and checked, waiting for its uploader to confirm the preview (not an event:
-- nothing is imported until confirmed; unconfirmed uploads expire after an hour).
CREATE TABLE page_view_upload (
    id           uuid PRIMARY KEY,
    username     text NOT NULL,
    site_id      text NOT NULL,
    file_name    text NOT NULL,
    rows         jsonb NOT NULL,  -- [[page_url, day, views], ...]
    created_at   timestamptz NOT NULL DEFAULT now()
);

-- The scheduled Matomo import: per Matomo site, the last day imported and how the last run went (shown in the
-- console). Operational state, like the notifier's deliveries: the page views themselves are events.
CREATE TABLE page_view_fetch (
    matomo_site  text PRIMARY KEY,
    site_id      text NOT NULL,
    last_day     date,
    last_run_at  timestamptz,
    last_ok_at   timestamptz,
    status       text NOT NULL DEFAULT 'never' CHECK (status IN ('never', 'ok', 'failed')),
    error        text NOT NULL DEFAULT '',
    attempts     integer NOT NULL DEFAULT 0,
    days         integer NOT NULL DEFAULT 0,
    views        bigint NOT NULL DEFAULT 0
);
