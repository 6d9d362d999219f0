-- Satisfaction alerts (topic stadtstimme.alerts.v1): every alert event seen (dedupe set and archive for a replay
-- into an empty broker), and the current state per scope (a page URL or an org unit).
CREATE TABLE satisfaction_alert_event (
    event_id    uuid PRIMARY KEY,
    alert_id    uuid NOT NULL,
    scope       text NOT NULL,
    key         text COLLATE "C" NOT NULL,
    sequence    integer NOT NULL,
    event_type  text NOT NULL,
    at          timestamptz NOT NULL,
    envelope    jsonb NOT NULL
);
CREATE INDEX satisfaction_alert_event_scope ON satisfaction_alert_event (scope, key, at);

CREATE TABLE satisfaction_alert (
    scope        text NOT NULL CHECK (scope IN ('page', 'org_unit')),
    key          text COLLATE "C" NOT NULL,
    sequence     integer NOT NULL,           -- number of the scope's last alert
    alert_id     uuid NOT NULL,
    org_unit_id  text NOT NULL,
    site_id      text,
    raised       boolean NOT NULL,
    raised_at    timestamptz NOT NULL,
    resolved_at  timestamptz,
    reasons      text[] NOT NULL,
    reading      jsonb NOT NULL,             -- the reading of the last change
    PRIMARY KEY (scope, key)
);
CREATE INDEX satisfaction_alert_open ON satisfaction_alert (org_unit_id) WHERE raised;

-- The window of the burst rule (the last hour of responses) is read from here.
CREATE INDEX feedback_response_first_at ON feedback_response (first_at);

-- The notifier's follow-ups of open items: an alert that is still raised is repeated every repeat_interval; an
-- item (a comment, a barrier report, an alert) still unhandled after escalate_after goes to escalate_to. Closed
-- when the item is handled (a triage event) or the alert resolved. Keyed by kind, item and receiver.
CREATE TABLE notification_followup (
    id           uuid PRIMARY KEY,
    kind         text NOT NULL CHECK (kind IN ('repeat', 'escalate')),
    item         text NOT NULL,               -- response id (comments) or alert id
    receiver     text NOT NULL,               -- who got the original notification
    target       text NOT NULL,               -- who gets the follow-up
    labels       jsonb NOT NULL,
    message      jsonb NOT NULL,
    next_at      timestamptz NOT NULL,
    sent         integer NOT NULL DEFAULT 0,
    created_at   timestamptz NOT NULL,
    closed_at    timestamptz,
    closed_why   text
);
CREATE INDEX notification_followup_due ON notification_followup (next_at) WHERE closed_at IS NULL;
CREATE INDEX notification_followup_item ON notification_followup (item) WHERE closed_at IS NULL;

-- Items the notifier learnt are handled (a comment taken on, an alert resolved), also when that news arrives
-- before the item's own notification.
CREATE TABLE notifier_handled (
    item        text PRIMARY KEY,
    handled_at  timestamptz NOT NULL,
    why         text NOT NULL
);
