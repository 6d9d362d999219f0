-- Sign-ins through OpenID Connect under way: state and browser binding as SHA-256, the PKCE verifier and the
-- nonce; single use (deleted when the provider sends the person back), valid ten minutes.
CREATE TABLE oidc_login (
    state_hash    bytea PRIMARY KEY,
    binding_hash  bytea NOT NULL,
    verifier      text NOT NULL,
    nonce         text NOT NULL,
    expires_at    timestamptz NOT NULL
);
