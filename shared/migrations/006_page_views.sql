-- Page views per page and day, imported from the city's web analytics (e.g. a Matomo export): the base of the
-- survey exposure estimate. Not events: an import of outside figures, replaced per page and day on re-import.
CREATE TABLE page_view_daily (
    page_url     text COLLATE "C" NOT NULL,
    day          date NOT NULL,
    site_id      text NOT NULL,
    views        bigint NOT NULL CHECK (views >= 0),
    source       text NOT NULL,
    imported_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (page_url, day)
);
CREATE INDEX page_view_daily_by_site ON page_view_daily (site_id, day);
