-- FeedbackSubmitted v2: a response arrives in parts (the one-click answer, then a follow-up), linked by
-- response_id; parts flagged as suspected automation are archived but never counted.
ALTER TABLE feedback_event ADD COLUMN response_id uuid;
UPDATE feedback_event SET response_id = event_id;
ALTER TABLE feedback_event ALTER COLUMN response_id SET NOT NULL;
ALTER TABLE feedback_event ADD COLUMN flags text[] NOT NULL DEFAULT '{}';

-- What the aggregates already hold of each response: its bucket (page, unit, time of its first counted part)
-- and the answers counted for it. A later part adds only answers the response did not have yet.
CREATE TABLE feedback_response (
    response_id  uuid PRIMARY KEY,
    page_url     text COLLATE "C" NOT NULL,
    org_unit_id  text NOT NULL,
    site_id      text NOT NULL,
    first_at     timestamptz NOT NULL,
    helpful      boolean,
    rating       smallint
);
INSERT INTO feedback_response
SELECT event_id, page_url, org_unit_id, site_id, received_at, helpful, rating FROM feedback_event;
