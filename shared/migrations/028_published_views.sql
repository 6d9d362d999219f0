-- Read models other services may read, published by their owner (analytics) as views, so that no service reads
-- another's tables (ARCHITECTURE.md): ingest serves the surveys that are not drafts, the hackathon shows the
-- figures of the pages its challenges cite (and comments through comment_inbox, migration 023).
CREATE VIEW served_survey AS
SELECT s.survey_id, s.status, s.current_version, s.updated_at,
       CASE WHEN s.status = 'active'
            THEN (SELECT count(*) FROM survey_response r WHERE r.survey_id = s.survey_id AND r.counted)
            ELSE 0 END AS counted_responses
FROM survey s WHERE s.status <> 'draft';

CREATE VIEW served_survey_version AS
SELECT v.survey_id, v.version, v.definition FROM survey_version v JOIN survey s USING (survey_id)
WHERE s.status <> 'draft';

CREATE VIEW page_figures AS
SELECT page_url, org_unit_id, site_id, bucket_start AS hour_start, responses, helpful_yes, helpful_no, rating_sum,
       rating_count
FROM page_satisfaction;
