-- Barrier reports that get an answer (issue 19).
--
-- The accessibility officer's team: a role of its own, the only one that sees a reporter's contact address
-- (permission barriers.answer, shared/auth.py).
ALTER TABLE staff_account DROP CONSTRAINT staff_account_role_check;
ALTER TABLE staff_account ADD CONSTRAINT staff_account_role_check
    CHECK (role IN ('administrator', 'analyst', 'unit_staff', 'organiser', 'pr_team', 'accessibility_officer'));

-- Ingest's table: the contact address a citizen left with a barrier report, with their consent, kept outside the
-- event stream. It lives exactly as long as the report's text: the row goes with the response's data key (erased by
-- the citizen's deletion code, by staff, or by the retention period of free text), in the same transaction.
CREATE TABLE barrier_contact (
    response_id   uuid PRIMARY KEY REFERENCES data_key (key_id) ON DELETE CASCADE,
    email         text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    consented_at  timestamptz NOT NULL
);

-- What ingest publishes of it, for the accessibility officer's console page and the answer it sends.
CREATE VIEW barrier_contact_address AS SELECT response_id, email, consented_at FROM barrier_contact;

-- Analytics' projection of stadtstimme.barriers.v1: the answers sent to barrier reports (also the topic's archive).
-- The answer text and the address travel sealed with the report's data key and stay sealed here.
CREATE TABLE barrier_answer (
    event_id     uuid PRIMARY KEY,
    response_id  uuid NOT NULL,
    actor        text NOT NULL,
    answered_at  timestamptz NOT NULL,
    envelope     jsonb NOT NULL
);
CREATE INDEX barrier_answer_response ON barrier_answer (response_id, answered_at);

-- The notifier's mails to reporters: one per answer event, sent once (claimed like a delivery); no address in clear
-- here: it is opened from the event's sealed copy when the mail goes out, and is gone once the report is erased.
CREATE TABLE notifier_barrier_mail (
    event_id     uuid PRIMARY KEY,
    response_id  uuid NOT NULL,
    data         jsonb NOT NULL,              -- the event's data: answer and address sealed
    created_at   timestamptz NOT NULL,
    attempts     integer NOT NULL DEFAULT 0,
    next_at      timestamptz NOT NULL,
    sent_at      timestamptz,
    dropped      text                        -- why it was not sent (the report's text and address were erased)
);
CREATE INDEX notifier_barrier_mail_due ON notifier_barrier_mail (next_at) WHERE sent_at IS NULL AND dropped IS NULL;
