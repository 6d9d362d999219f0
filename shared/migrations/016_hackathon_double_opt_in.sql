-- Registrations waiting for the address's confirmation (double opt-in): nothing goes onto the topic before the
-- link in the mail is opened. One per address and hackathon (a new request replaces the old one); the link's token
-- is kept as its SHA-256 only and becomes the participant's sign-in token on confirmation, when the row is deleted.
-- Rows past expires_at are deleted whenever a new one is written (data minimisation).
CREATE TABLE hackathon_pending_registration (
    token_sha256     bytea PRIMARY KEY,
    hackathon_id     text NOT NULL,
    name             text NOT NULL,
    email            text NOT NULL,
    consent_version  text NOT NULL,
    requested_at     timestamptz NOT NULL DEFAULT now(),
    expires_at       timestamptz NOT NULL
);
CREATE UNIQUE INDEX hackathon_pending_registration_address
    ON hackathon_pending_registration (hackathon_id, lower(email));
CREATE INDEX hackathon_pending_registration_expiry ON hackathon_pending_registration (expires_at);

-- When the registration and lost-link forms last mailed an address (SHA-256 of the lower-cased address), so that
-- they cannot be used to flood an inbox: one mail per address and hackathon every few minutes. Rows older than
-- that are deleted whenever one is written.
CREATE TABLE hackathon_mail_sent (
    hackathon_id  text NOT NULL,
    email_sha256  bytea NOT NULL,
    sent_at       timestamptz NOT NULL,
    PRIMARY KEY (hackathon_id, email_sha256)
);
