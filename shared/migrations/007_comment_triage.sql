-- Comment triage (shared/contracts/triage.py). comment_item is a projection of the feedback topic (one row per
-- response with a comment or a suggestion); the other tables are projections of the comment-triage topic. All
-- are rebuilt by replay; the console's commands write through the same functions as the projector.

-- Parts of one response, looked up when a later part arrives.
CREATE INDEX feedback_event_response ON feedback_event (response_id);

CREATE TABLE comment_item (
    response_id  uuid PRIMARY KEY,
    org_unit_id  text NOT NULL,
    site_id      text NOT NULL,
    page_url     text COLLATE "C" NOT NULL,
    received_at  timestamptz NOT NULL,
    language     text NOT NULL,
    helpful      boolean,
    rating       smallint,
    category     text,
    comment      text,
    suggestion   text,
    flags        text[] NOT NULL,
    -- German full-text search over comment and suggestion (stemmed, stop words removed).
    search       tsvector GENERATED ALWAYS AS
                     (to_tsvector('german', coalesce(comment, '') || ' ' || coalesce(suggestion, ''))) STORED
);
CREATE INDEX comment_item_by_unit ON comment_item (org_unit_id, received_at DESC);
CREATE INDEX comment_item_search ON comment_item USING gin (search);

-- Triage events, archived (dedupe by event id; also the source of a restore into an empty broker).
CREATE TABLE comment_triage_event (
    event_id     uuid PRIMARY KEY,
    response_id  uuid NOT NULL,
    sequence     integer NOT NULL,
    event_type   text NOT NULL,
    at           timestamptz NOT NULL,
    actor        text NOT NULL,
    envelope     text NOT NULL,
    UNIQUE (response_id, sequence)
);

-- The current triage state of each comment touched by staff (untouched comments are "neu"), applied in
-- sequence order.
CREATE TABLE comment_triage (
    response_id  uuid PRIMARY KEY,
    org_unit_id  text NOT NULL,
    status       text NOT NULL DEFAULT 'neu' CHECK (status IN ('neu', 'in_bearbeitung', 'erledigt', 'spam')),
    assignee     text,
    tags         text[] NOT NULL DEFAULT '{}',
    verdict      text CHECK (verdict IN ('confirmed', 'released')),
    sequence     integer NOT NULL,
    updated_at   timestamptz NOT NULL,
    updated_by   text NOT NULL
);
CREATE INDEX comment_triage_assignee ON comment_triage (assignee) WHERE assignee IS NOT NULL;
CREATE INDEX comment_triage_tags ON comment_triage USING gin (tags);

CREATE TABLE comment_note (
    note_id      uuid PRIMARY KEY,
    response_id  uuid NOT NULL,
    author       text NOT NULL,
    at           timestamptz NOT NULL,
    body         text NOT NULL
);
CREATE INDEX comment_note_by_response ON comment_note (response_id, at);

-- The one definition of a comment item: derived from every stored part of the response (the first value of each
-- field by time, the union of the parts' flags), so the result does not depend on how parts arrive in batches.
-- The feedback projector calls it for the responses of each batch; here it fills the table from the archive.
CREATE FUNCTION refresh_comment_items(ids uuid[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO comment_item AS t (response_id, org_unit_id, site_id, page_url, received_at, language, helpful,
                                   rating, category, comment, suggestion, flags)
    SELECT e.response_id,
           (array_agg(e.org_unit_id ORDER BY e.received_at, e.kafka_partition, e.kafka_offset))[1],
           (array_agg(e.site_id ORDER BY e.received_at, e.kafka_partition, e.kafka_offset))[1],
           (array_agg(e.page_url ORDER BY e.received_at, e.kafka_partition, e.kafka_offset))[1],
           min(e.received_at),
           (array_agg(e.language ORDER BY e.received_at, e.kafka_partition, e.kafka_offset)
               FILTER (WHERE e.comment IS NOT NULL OR e.suggestion IS NOT NULL))[1],
           (array_agg(e.helpful ORDER BY e.received_at, e.kafka_partition, e.kafka_offset)
               FILTER (WHERE e.helpful IS NOT NULL))[1],
           (array_agg(e.rating ORDER BY e.received_at, e.kafka_partition, e.kafka_offset)
               FILTER (WHERE e.rating IS NOT NULL))[1],
           (array_agg(e.category ORDER BY e.received_at, e.kafka_partition, e.kafka_offset)
               FILTER (WHERE e.category IS NOT NULL))[1],
           (array_agg(e.comment ORDER BY e.received_at, e.kafka_partition, e.kafka_offset)
               FILTER (WHERE e.comment IS NOT NULL))[1],
           (array_agg(e.suggestion ORDER BY e.received_at, e.kafka_partition, e.kafka_offset)
               FILTER (WHERE e.suggestion IS NOT NULL))[1],
           ARRAY(SELECT DISTINCT f FROM feedback_event p, unnest(p.flags) AS f
                 WHERE p.response_id = e.response_id ORDER BY f)
    FROM feedback_event e
    WHERE e.response_id = ANY(ids)
    GROUP BY e.response_id
    HAVING bool_or(e.comment IS NOT NULL OR e.suggestion IS NOT NULL)
    ON CONFLICT (response_id) DO UPDATE SET
        org_unit_id = excluded.org_unit_id, site_id = excluded.site_id, page_url = excluded.page_url,
        received_at = excluded.received_at, language = excluded.language, helpful = excluded.helpful,
        rating = excluded.rating, category = excluded.category, comment = excluded.comment,
        suggestion = excluded.suggestion, flags = excluded.flags
$$;

SELECT refresh_comment_items(ARRAY(
    SELECT DISTINCT response_id FROM feedback_event WHERE comment IS NOT NULL OR suggestion IS NOT NULL));
