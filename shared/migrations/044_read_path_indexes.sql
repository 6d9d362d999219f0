-- Indexes for the staff reads at Land scale (issue 20, bench/reads.py).
-- comment_item_newest: the inbox's pages, newest first, and its CSV read the newest comments off this index and stop
-- after a page (before: every comment sorted, 380 ms for the first page at 200,000 comments; with it 1 ms).
-- survey_answer_newest_text: a survey's newest 1,000 text answers (before: all text answers sorted, 200 ms at
-- 200,000 responses; with it 10 ms).
-- Built in the migration's transaction (shared/db.py migrate), so without CONCURRENTLY: each build holds a SHARE
-- lock, and the projector's writes to that table wait until it is done. Measured on the bench's database with
-- 1 million feedback events: see bench/README.md. For a far larger installation, build them beforehand with
-- CREATE INDEX CONCURRENTLY IF NOT EXISTS (same names and definitions, outside a transaction); the migration then
-- finds them and does nothing.
CREATE INDEX IF NOT EXISTS comment_item_newest ON comment_item (received_at DESC, response_id);
CREATE INDEX IF NOT EXISTS survey_answer_newest_text ON survey_answer (survey_id, survey_version, answered_at DESC)
    WHERE NOT flagged AND jsonb_typeof(value) = 'string';
