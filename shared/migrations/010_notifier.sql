-- The notifier's delivery outbox and history. A notification is one event for one receiver: its id is derived
-- from both, so a redelivered or replayed event adds nothing. Due notifications of the same group are batched
-- into one delivery (one message), whose id is the idempotency key every channel sees (webhook-id, Matrix txnId,
-- e-mail Message-ID): a retry after a crash is recognisable as the same message.
CREATE TABLE notification (
    id           uuid PRIMARY KEY,
    event_id     uuid NOT NULL,
    receiver     text NOT NULL,
    route        text NOT NULL,
    group_key    text NOT NULL,
    labels       jsonb NOT NULL,
    message      jsonb NOT NULL,
    created_at   timestamptz NOT NULL,
    due_at       timestamptz NOT NULL,
    delivery_id  uuid,
    UNIQUE (event_id, receiver)
);
CREATE INDEX notification_due ON notification (due_at) WHERE delivery_id IS NULL;
CREATE INDEX notification_group ON notification (receiver, group_key, created_at);

CREATE TABLE notification_delivery (
    id               uuid PRIMARY KEY,
    receiver         text NOT NULL,
    route            text NOT NULL,
    group_key        text NOT NULL,
    subject          text NOT NULL,
    notifications    integer NOT NULL,
    status           text NOT NULL CHECK (status IN ('pending', 'sent', 'dead')),
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL,
    lease_until      timestamptz,
    last_error       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    sent_at          timestamptz
);
CREATE INDEX notification_delivery_due ON notification_delivery (next_attempt_at) WHERE status = 'pending';
CREATE INDEX notification_delivery_log ON notification_delivery (receiver, created_at DESC);

-- When the notifier first started: events received before it never notify, also when a broker that lost its log
-- is read from the start again (Tansu reports end offsets too low to rely on them alone).
CREATE TABLE notifier_start (
    consumer    text PRIMARY KEY,
    started_at  timestamptz NOT NULL
);
