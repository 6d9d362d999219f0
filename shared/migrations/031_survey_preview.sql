-- Previews of the survey builder (issue 18): a definition not yet saved, shown by the real widget in a sandboxed
-- page of the console. Not domain state (nothing is published; a preview never counts answers): a short-lived
-- capability, found by the SHA-256 of a random token, dropped once expired. No personal data.
CREATE TABLE survey_preview (
    token_hash bytea PRIMARY KEY,
    survey_id text NOT NULL,
    version integer NOT NULL CHECK (version >= 1),
    definition jsonb NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX survey_preview_expires ON survey_preview (expires_at);
