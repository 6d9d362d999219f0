-- On-site surveys (shared/contracts/surveys.py). Every table here is a projection of the surveys topics and is
-- rebuilt by replay; the command side writes through the same functions, so staff read their own writes.

-- Lifecycle events, archived (dedupe by event id; also the source of a restore into an empty broker).
CREATE TABLE survey_event (
    event_id     uuid PRIMARY KEY,
    survey_id    text NOT NULL,
    sequence     integer NOT NULL,
    envelope     text NOT NULL,
    UNIQUE (survey_id, sequence)
);

-- The current state of each survey: applied in sequence order, so a late or repeated event changes nothing.
CREATE TABLE survey (
    survey_id        text PRIMARY KEY,
    org_unit_id      text NOT NULL,
    status           text NOT NULL CHECK (status IN ('draft', 'active', 'paused', 'closed')),
    current_version  integer NOT NULL,
    sequence         integer NOT NULL,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL
);

-- Every published version, immutable.
CREATE TABLE survey_version (
    survey_id     text NOT NULL,
    version       integer NOT NULL,
    definition    jsonb NOT NULL,
    published_at  timestamptz NOT NULL,
    published_by  text NOT NULL,
    PRIMARY KEY (survey_id, version)
);

-- Response parts, archived (dedupe by event id).
CREATE TABLE survey_response_event (
    event_id         uuid PRIMARY KEY,
    response_id      uuid NOT NULL,
    kafka_partition  integer NOT NULL,
    kafka_offset     bigint NOT NULL,
    received_at      timestamptz NOT NULL,
    envelope         text NOT NULL
);

-- One row per response (per survey shown and answered or dismissed), from its first part.
CREATE TABLE survey_response (
    response_id     uuid PRIMARY KEY,
    survey_id       text NOT NULL,
    survey_version  integer NOT NULL,
    site_id         text NOT NULL,
    page_url        text NOT NULL,
    org_unit_id     text NOT NULL,
    language        text NOT NULL,
    first_at        timestamptz NOT NULL,
    dismissed_at    timestamptz,
    counted         boolean NOT NULL  -- has at least one unflagged answer
);
CREATE INDEX survey_response_by_survey ON survey_response (survey_id, survey_version, first_at);

-- Each question answered once per response: the first answer wins; flagged answers are kept, not counted.
CREATE TABLE survey_answer (
    response_id     uuid NOT NULL,
    question_id     text NOT NULL,
    survey_id       text NOT NULL,
    survey_version  integer NOT NULL,
    value           jsonb NOT NULL,
    answered_at     timestamptz NOT NULL,
    flagged         boolean NOT NULL,
    PRIMARY KEY (response_id, question_id)
);
CREATE INDEX survey_answer_by_question ON survey_answer (survey_id, survey_version, question_id);
