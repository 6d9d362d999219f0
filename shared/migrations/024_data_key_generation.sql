-- Staff may replace a citizen's text with an edited version (de.stadtstimme.response.text-replaced): the response's
-- data key is replaced by a new one, so the original is unreadable everywhere, and the edited version is sealed
-- with the new key. The generation counts the replacements; the replacement event names the one it was sealed
-- with, so that after a database backup is restored (an older key, a lower generation) the projector erases the
-- key instead of letting the original come back.
ALTER TABLE data_key ADD COLUMN generation integer NOT NULL DEFAULT 1 CHECK (generation >= 1);
