-- Staff administration in the console (issue 18): an account may carry its holder's work e-mail address (invitations
-- and password resets are sent there); an invited account has no password until its holder sets one through the
-- single-use link, and until then nothing signs in to it (neither a password nor an OpenID Connect first sign-in,
-- which binds only accounts that are not ``invited``). Links are stored as their SHA-256; one open link per
-- account, a new one replaces it; used or expired, it is gone.
ALTER TABLE staff_account ADD COLUMN email text CHECK (email IS NULL OR (email = lower(email) AND email LIKE '_%@_%'));
ALTER TABLE staff_account ADD COLUMN invited boolean NOT NULL DEFAULT false;
ALTER TABLE staff_account ADD CONSTRAINT staff_account_invited_local CHECK (NOT invited OR password_hash IS NULL);

CREATE TABLE staff_link (
    token_hash  bytea PRIMARY KEY,
    account_id  uuid NOT NULL UNIQUE REFERENCES staff_account (id) ON DELETE CASCADE,
    purpose     text NOT NULL CHECK (purpose IN ('invite', 'reset')),
    created_by  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL
);

-- The audit log's org unit, where the entry is about a unit's object (filter of the audit-log viewer).
ALTER TABLE audit_log ADD COLUMN org_unit text;
CREATE INDEX audit_log_at ON audit_log (at DESC, id DESC);
CREATE INDEX audit_log_actor ON audit_log (actor, at DESC);
