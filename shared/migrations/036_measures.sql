-- Measures ("Maßnahmen", stadtstimme.measures.v1): what staff changed on which pages, when it went live and where
-- it came from, and whether the public page /wirkung shows it. A projection that a replay rebuilds.

-- The archive of the events: checked before a replay and the source of a restore into an empty broker.
CREATE TABLE measure_event (
    event_id     uuid PRIMARY KEY,
    sequence     bigint GENERATED ALWAYS AS IDENTITY,
    measure_id   uuid NOT NULL,
    type         text NOT NULL,
    envelope     text NOT NULL
);

CREATE TABLE measure (
    measure_id      uuid PRIMARY KEY,
    revision        integer NOT NULL,
    org_unit_id     text NOT NULL,
    title_de        text NOT NULL,
    title_en        text NOT NULL DEFAULT '',
    description_de  text NOT NULL,
    description_en  text NOT NULL DEFAULT '',
    pages           text[] COLLATE "C" NOT NULL DEFAULT '{}',
    site_id         text,
    path_prefix     text COLLATE "C",
    theme           text NOT NULL DEFAULT '',
    live_on         date NOT NULL,
    window_days     integer NOT NULL,
    comment_ids     uuid[] NOT NULL DEFAULT '{}',
    hackathon_id    text,
    challenge_id    text,
    submission_id   uuid,
    created_at      timestamptz NOT NULL,
    saved_by        text NOT NULL,
    saved_at        timestamptz NOT NULL,
    published_at    timestamptz,           -- NULL: not on /wirkung
    published_by    text
);
CREATE INDEX measure_unit ON measure (org_unit_id);
CREATE INDEX measure_published ON measure (live_on DESC) WHERE published_at IS NOT NULL;

-- The effect of each published measure as analytics last computed it (services/analytics/measures.py: whenever
-- /wirkung, its feed or open data is made, and when it is published), for the published view below.
CREATE TABLE measure_effect (
    measure_id   uuid PRIMARY KEY,
    computed_at  timestamptz NOT NULL,
    figures      jsonb NOT NULL
);

-- Published by analytics for the hackathon's results page (ARCHITECTURE.md: services read each other's data only
-- through the views their owners publish): the published measures that came from a hackathon, with their effect.
CREATE VIEW measure_outcome AS
SELECT m.measure_id, m.org_unit_id, m.title_de, m.title_en, m.live_on, m.hackathon_id, m.challenge_id,
       m.submission_id, m.published_at, e.computed_at, e.figures
FROM measure m LEFT JOIN measure_effect e USING (measure_id)
WHERE m.published_at IS NOT NULL AND m.hackathon_id IS NOT NULL;
