-- Crypto-shredding (shared/shredding.py): citizens' free text goes onto the topics only encrypted (AES-256-GCM)
-- with a data key of its response, kept here. Erasing the key makes every copy of the text unreadable for good:
-- on the topics, in the event archive and in any backup of the topics; the read models' plain copies are erased
-- in the same transaction. What stays of an erased key is a tombstone without personal data (when and why), so
-- that an erasure is idempotent and a later part of the same response does not get a fresh key.
CREATE TABLE data_key (
    key_id               uuid PRIMARY KEY,           -- the response's id (feedback or survey)
    kind                 text NOT NULL CHECK (kind IN ('feedback', 'survey')),
    secret               bytea NOT NULL CHECK (length(secret) = 32),
    created_at           timestamptz NOT NULL DEFAULT now(),
    deletion_code_hmac   bytea UNIQUE                -- keyed hash of the citizen's deletion code, if one was issued
);
CREATE INDEX data_key_retention ON data_key (kind, created_at);

CREATE TABLE data_key_erased (
    key_id      uuid PRIMARY KEY,
    kind        text NOT NULL,
    created_at  timestamptz NOT NULL,
    erased_at   timestamptz NOT NULL DEFAULT now(),
    reason      text NOT NULL CHECK (reason IN ('citizen', 'staff', 'retention'))
);

-- Secrets the installation makes for itself once (e.g. the key of the deletion codes' keyed hash), so that every
-- instance of a service uses the same.
CREATE TABLE installation_secret (
    name        text PRIMARY KEY,
    secret      bytea NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- The erasure events (stadtstimme.erasures.v1) as the analytics projector archived them: the topic is refilled from
-- here when the broker lost its log, as every other topic is from its archive table.
CREATE TABLE erasure_event (
    event_id     uuid PRIMARY KEY,
    response_id  uuid NOT NULL,
    kind         text NOT NULL,
    reason       text NOT NULL,
    erased_at    timestamptz NOT NULL,
    envelope     jsonb NOT NULL
);
CREATE INDEX erasure_event_order ON erasure_event (erased_at, event_id);
