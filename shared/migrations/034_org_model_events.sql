-- The organisation model becomes events (stadtstimme.org.v1: de.stadtstimme.org.unit-saved, site-saved,
-- page-saved): org_unit, site, site_section and page are now a projection that a replay rebuilds. Each unit, site
-- and page carries the revision of the event that made it (a later revision wins; 0: written before this
-- migration). Rows from before are on no topic yet: the first org command (the console, `stadtstimme org apply`)
-- or `stadtstimme replay` publishes them as events first (revision 1), so nothing is lost.
ALTER TABLE org_unit ADD COLUMN revision integer NOT NULL DEFAULT 0;
ALTER TABLE site ADD COLUMN revision integer NOT NULL DEFAULT 0;
ALTER TABLE page ADD COLUMN revision integer NOT NULL DEFAULT 0;

-- The archive of the events: checked before a replay and the source of a restore into an empty broker.
CREATE TABLE org_event (
    event_id     uuid PRIMARY KEY,
    sequence     bigint GENERATED ALWAYS AS IDENTITY,
    type         text NOT NULL,
    subject      text NOT NULL,
    revision     integer NOT NULL,
    envelope     text NOT NULL
);

-- One number that changes with every change of the tables above: ingest re-reads the model when it has changed
-- (checked every few seconds), so a new site's origin is accepted without a restart. Not emptied by a replay.
CREATE TABLE org_model_revision (
    only_row   boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    revision   bigint NOT NULL
);
INSERT INTO org_model_revision (revision) VALUES (1);
