-- Staff's notes on comments travel sealed too (de.stadtstimme.comment.note-added v2): each note has a data key
-- (key id = the note's id, kind 'note'), so the retention period of notes reaches the triage topic and its archive.
ALTER TABLE data_key DROP CONSTRAINT data_key_kind_check;
ALTER TABLE data_key ADD CONSTRAINT data_key_kind_check
    CHECK (kind IN ('feedback', 'survey', 'team', 'submission', 'note'));
