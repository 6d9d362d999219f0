-- Civic hackathons (topic stadtstimme.hackathon.v1). Every event of every hackathon, in order: the dedupe set,
-- the archive for a replay into an empty broker, and the source the service folds a hackathon's state from.
CREATE TABLE hackathon_event (
    event_id      uuid PRIMARY KEY,
    hackathon_id  text NOT NULL,
    sequence      integer NOT NULL,
    event_type    text NOT NULL,
    at            timestamptz NOT NULL,
    envelope      text NOT NULL,
    UNIQUE (hackathon_id, sequence)
);

-- The prize budget per year (events keyed budget-<year> on the same topic).
CREATE TABLE hackathon_budget_event (
    event_id      uuid PRIMARY KEY,
    year          integer NOT NULL,
    sequence      integer NOT NULL,
    amount_cents  bigint NOT NULL,
    at            timestamptz NOT NULL,
    envelope      text NOT NULL,
    UNIQUE (year, sequence)
);

-- Personal data of participants, never on a topic: deleted on request (the topic then says ParticipantErased).
-- Not rebuilt by a replay, and not emptied by one. The sign-in token is stored as its SHA-256 only.
CREATE TABLE hackathon_person (
    participant_id  uuid PRIMARY KEY,
    hackathon_id    text NOT NULL,
    name            text NOT NULL,
    email           text NOT NULL,
    token_sha256    bytea NOT NULL UNIQUE,
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (hackathon_id, email)
);

-- Join codes of teams: secret to the team, so not on the topic.
CREATE TABLE hackathon_team_code (
    team_id       uuid PRIMARY KEY,
    hackathon_id  text NOT NULL,
    code          text NOT NULL UNIQUE
);
