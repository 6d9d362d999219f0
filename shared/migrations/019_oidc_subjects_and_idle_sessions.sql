-- Accounts that sign in through OpenID Connect are keyed by the identity provider's issuer and subject (``sub``),
-- never by a name: a person at the provider whose username equals a local account's must not become that account.
-- Accounts without a password are OpenID Connect accounts; those existing now are not bound yet and are bound at
-- their first sign-in whose username claim matches (``stadtstimme staff add … --oidc-subject`` binds one at
-- creation). A local (password) account is never bound, so no sign-in through the provider can reach it.
ALTER TABLE staff_account
    ADD COLUMN oidc_issuer  text,
    ADD COLUMN oidc_subject text,
    ADD CONSTRAINT staff_account_oidc_identity_whole CHECK ((oidc_issuer IS NULL) = (oidc_subject IS NULL)),
    ADD CONSTRAINT staff_account_oidc_never_local CHECK (oidc_subject IS NULL OR password_hash IS NULL);
CREATE UNIQUE INDEX staff_account_oidc_identity ON staff_account (oidc_issuer, oidc_subject)
    WHERE oidc_subject IS NOT NULL;

-- Sessions end after ``idle_timeout`` without a request (``last_seen_at``, refreshed at most once a minute), besides
-- their absolute expiry. The ID token kept for signing out at the provider (RP-initiated logout) is stored only
-- encrypted (AES-GCM) under a key derived from the session token, which the database never holds: a dump reveals
-- neither. The readable ID tokens are erased; sessions started before this migration sign out of the console only.
ALTER TABLE staff_session
    ADD COLUMN last_seen_at    timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN idle_timeout    interval NOT NULL DEFAULT interval '30 minutes',
    ADD COLUMN id_token_sealed bytea;
UPDATE staff_session SET id_token = NULL WHERE id_token IS NOT NULL;
ALTER TABLE staff_session DROP COLUMN id_token;
