-- A session started through OpenID Connect keeps the provider's ID token (server-side only), so that signing out
-- of the console can also end the session at the identity provider (RP-initiated logout, id_token_hint).
ALTER TABLE staff_session ADD COLUMN id_token text;
