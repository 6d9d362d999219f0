-- Analytics' projection of the closings on stadtstimme.barriers.v1: a barrier report the accessibility officer's
-- team closed without (another) answer by mail, because the barrier was removed, nothing needs doing or the reporter
-- cannot be reached (no address). A closed report is no longer open, overdue or reminded of.
CREATE TABLE barrier_closing (
    event_id     uuid PRIMARY KEY,
    response_id  uuid NOT NULL,
    reason       text NOT NULL CHECK (reason IN ('fixed', 'no_action', 'unreachable')),
    actor        text NOT NULL,
    closed_at    timestamptz NOT NULL,
    envelope     jsonb NOT NULL                -- the event as published (the topic's archive)
);
CREATE INDEX barrier_closing_response ON barrier_closing (response_id, closed_at);
