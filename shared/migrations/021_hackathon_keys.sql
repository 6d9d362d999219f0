-- The hackathon's personal data after issue 16 (services/hackathon/sealing.py, store.py).

-- Crypto-shredding for what participants write: a team's name travels sealed with a key of its own (key id = the
-- team's id, kind 'team'), a submission's texts with the submission's key (key id = the submission's id, kind
-- 'submission'). Erasing a participant erases the keys of what was theirs (see ParticipantErased v2).
ALTER TABLE data_key DROP CONSTRAINT data_key_kind_check;
ALTER TABLE data_key ADD CONSTRAINT data_key_kind_check CHECK (kind IN ('feedback', 'survey', 'team', 'submission'));

-- E-mail addresses are found by a keyed hash only (HMAC-SHA256 of the canonical address under the installation's
-- 'email-hash' secret, which never leaves the database): a stolen table or dump cannot be searched for an address
-- by hashing guesses. The secret is made here (from two random UUIDs: 244 random bits; PostgreSQL 13+ without any
-- extension), or by the service if it is missing.
INSERT INTO installation_secret (name, secret)
VALUES ('email-hash', sha256(uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid())))
ON CONFLICT (name) DO NOTHING;

-- HMAC-SHA256 (RFC 2104) in plain SQL, for the rows that exist: the key (32 bytes) padded to SHA-256's 64-byte block.
CREATE FUNCTION pg_temp.hmac_pad(key bytea, pad integer) RETURNS bytea LANGUAGE sql IMMUTABLE AS $$
    SELECT string_agg(set_byte('\x00'::bytea, 0, (CASE WHEN i < length(key) THEN get_byte(key, i) ELSE 0 END) # pad),
                      ''::bytea ORDER BY i)
    FROM generate_series(0, 63) AS i
$$;
CREATE FUNCTION pg_temp.email_hmac(canonical text) RETURNS bytea LANGUAGE sql STABLE AS $$
    SELECT sha256(pg_temp.hmac_pad(k.secret, 92) || sha256(pg_temp.hmac_pad(k.secret, 54) || convert_to(canonical, 'UTF8')))
    FROM installation_secret k WHERE k.name = 'email-hash'
$$;

-- Participants: the canonical address (migration 018) becomes its keyed hash; the address as typed stays in "email"
-- (mails go there) and goes with the person on erasure.
ALTER TABLE hackathon_person ADD COLUMN email_hmac bytea;
UPDATE hackathon_person SET email_hmac = pg_temp.email_hmac(email_canonical);
ALTER TABLE hackathon_person ALTER COLUMN email_hmac SET NOT NULL;
DROP INDEX hackathon_person_address;
ALTER TABLE hackathon_person DROP COLUMN email_canonical;
CREATE UNIQUE INDEX hackathon_person_address ON hackathon_person (hackathon_id, email_hmac);

-- Registrations waiting for confirmation: the same. They are deleted when their 48 hours run out (the retention
-- job calls services.hackathon.store.purge_expired), not only when another one is written.
ALTER TABLE hackathon_pending_registration ADD COLUMN email_hmac bytea;
UPDATE hackathon_pending_registration SET email_hmac = pg_temp.email_hmac(email_canonical);
ALTER TABLE hackathon_pending_registration ALTER COLUMN email_hmac SET NOT NULL;
DROP INDEX hackathon_pending_registration_address;
ALTER TABLE hackathon_pending_registration DROP COLUMN email_canonical;
CREATE INDEX hackathon_pending_registration_address ON hackathon_pending_registration (hackathon_id, email_hmac);

-- When an address was last mailed: a keyed hash instead of the plain SHA-256. The notes live minutes only, so the
-- old ones are simply dropped (at worst an address may get one mail earlier than the limit says).
DELETE FROM hackathon_mail_sent;
ALTER TABLE hackathon_mail_sent RENAME COLUMN email_sha256 TO email_hmac;

DROP FUNCTION pg_temp.email_hmac(text);
DROP FUNCTION pg_temp.hmac_pad(bytea, integer);
