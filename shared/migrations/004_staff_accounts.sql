-- Staff of the city: local accounts (argon2 password hashes; accounts from OpenID Connect have none), their role
-- and, for unit staff, the org units they may see. Sessions are server-side: the browser holds only a random
-- token, stored here as its SHA-256.
CREATE TABLE staff_account (
    id            uuid PRIMARY KEY,
    username      text NOT NULL UNIQUE CHECK (username = lower(username) AND username <> ''),
    display_name  text NOT NULL,
    role          text NOT NULL CHECK (role IN ('administrator', 'analyst', 'unit_staff')),
    org_units     text[] NOT NULL DEFAULT '{}',
    password_hash text,
    disabled      boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (role <> 'unit_staff' OR cardinality(org_units) > 0)
);

CREATE TABLE staff_session (
    token_hash    bytea PRIMARY KEY,
    account_id    uuid NOT NULL REFERENCES staff_account (id) ON DELETE CASCADE,
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL
);
CREATE INDEX staff_session_expiry ON staff_session (expires_at);

-- Who saw or changed what: append-only (a trigger refuses UPDATE and DELETE, also for the table's owner).
CREATE TABLE audit_log (
    id       bigserial PRIMARY KEY,
    at       timestamptz NOT NULL DEFAULT now(),
    actor    text NOT NULL,
    action   text NOT NULL,
    subject  text NOT NULL DEFAULT '',
    detail   jsonb NOT NULL DEFAULT '{}'
);
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
