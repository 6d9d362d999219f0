-- The hackathon's participants after the penetration test: one person per address, sign-in links that replace a
-- personal link only when opened, and personal tokens that expire and can be revoked.

-- One person per address: the canonical form of the address (lower case, without the local part's "+tag"; at Gmail
-- also without dots, googlemail.com as gmail.com; services.hackathon.domain.canonical_email) decides what is "the
-- same address". The address as typed stays in "email": mails go there.
CREATE FUNCTION pg_temp.canonical_email(address text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN d IN ('gmail.com', 'googlemail.com') THEN replace(l, '.', '') || '@gmail.com' ELSE l || '@' || d END
    FROM (SELECT split_part(split_part(a, '@', 1), '+', 1) AS l, split_part(a, '@', 2) AS d
          FROM (SELECT lower(btrim(address)) AS a) AS typed) AS parts
$$;

ALTER TABLE hackathon_person ADD COLUMN email_canonical text;
-- Addresses that turn out to be one person's already (say a+1@ and a+2@): the earliest registration keeps the
-- canonical form; the later ones stay participants, under a form no address has (they cannot add voters any more,
-- and nothing is taken from them).
UPDATE hackathon_person p SET email_canonical = CASE WHEN ranked.n = 1 THEN ranked.canonical
                                                     ELSE ranked.canonical || '#' || p.participant_id END
FROM (SELECT participant_id, pg_temp.canonical_email(email) AS canonical,
             row_number() OVER (PARTITION BY hackathon_id, pg_temp.canonical_email(email)
                                ORDER BY created_at, participant_id) AS n
      FROM hackathon_person) AS ranked
WHERE ranked.participant_id = p.participant_id;
ALTER TABLE hackathon_person ALTER COLUMN email_canonical SET NOT NULL;
CREATE UNIQUE INDEX hackathon_person_address ON hackathon_person (hackathon_id, email_canonical);

-- Personal tokens expire (a lifetime from their issue, STADTSTIMME_HACKATHON_LINK_DAYS) and signing out revokes
-- them (token_sha256 NULL until a new link is opened). When the tokens of existing rows were issued is not known:
-- they count as issued now, so that nobody is signed out in the middle of a running hackathon by this migration.
ALTER TABLE hackathon_person ADD COLUMN token_issued_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE hackathon_person ALTER COLUMN token_sha256 DROP NOT NULL;

-- Pending registrations: several per address may wait (each link registers with the name typed with it; the
-- first one opened wins and the others are deleted), so that registering someone else's address neither
-- replaces their pending link nor the name they typed.
ALTER TABLE hackathon_pending_registration ADD COLUMN email_canonical text;
UPDATE hackathon_pending_registration SET email_canonical = pg_temp.canonical_email(email);
ALTER TABLE hackathon_pending_registration ALTER COLUMN email_canonical SET NOT NULL;
DROP INDEX hackathon_pending_registration_address;
CREATE INDEX hackathon_pending_registration_address ON hackathon_pending_registration (hackathon_id, email_canonical);

-- Sign-in links for a registered address (registering again, or the lost-link page): single use, valid 48 hours,
-- kept as SHA-256 only. The person's personal token keeps working until one is opened; it then becomes the personal
-- token and every other link of the person is deleted. Expired rows are deleted whenever one is written; erasing a
-- person deletes theirs.
CREATE TABLE hackathon_sign_in_link (
    token_sha256    bytea PRIMARY KEY,
    participant_id  uuid NOT NULL REFERENCES hackathon_person ON DELETE CASCADE,
    hackathon_id    text NOT NULL,
    expires_at      timestamptz NOT NULL
);
CREATE INDEX hackathon_sign_in_link_person ON hackathon_sign_in_link (participant_id);
CREATE INDEX hackathon_sign_in_link_expiry ON hackathon_sign_in_link (expires_at);

-- hackathon_mail_sent now keys the SHA-256 of the canonical address (one mail per person every few minutes, however
-- the address is spelt); its rows live minutes only, so they need no rewrite.

DROP FUNCTION pg_temp.canonical_email(text);
