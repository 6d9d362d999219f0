-- Scoped API tokens for services and scripts (``stadtstimme tokens create``): a name, the permissions granted
-- (shared/auth.py TOKEN_SCOPES), the SHA-256 of the token only (it is shown once, at creation), an optional expiry,
-- and revocation. Replaces the one static metrics token that read everything.
CREATE TABLE api_token (
    id            uuid PRIMARY KEY,
    name          text NOT NULL UNIQUE CHECK (name <> ''),
    token_sha256  bytea NOT NULL UNIQUE,
    scopes        text[] NOT NULL CHECK (cardinality(scopes) > 0),
    created_by    text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz,
    revoked_at    timestamptz,
    last_used_at  timestamptz
);

-- Failed sign-ins per account name (as a SHA-256, whether or not the account exists, so the throttle reveals
-- nothing): after a few failures the name is locked for a while, growing with every further failure. Shared by
-- every instance of the service; a success deletes the row.
CREATE TABLE sign_in_throttle (
    name_sha256   bytea PRIMARY KEY,
    failures      integer NOT NULL,
    last_failed   timestamptz NOT NULL,
    locked_until  timestamptz
);
