-- Handing a comment over to the unit that is really responsible (de.stadtstimme.comment.moved): the comment's
-- unit is the one its triage names last, else its page's unit. comment_inbox is the comment as staff see it, one
-- row per comment with its triage state and its unit now; the inbox, the unit dashboards and the hackathon's
-- evidence read comments through it, so that a handed-over comment is scoped to its new unit everywhere.
CREATE VIEW comment_inbox AS
SELECT i.response_id,
       coalesce(t.org_unit_id, i.org_unit_id) AS org_unit_id,
       i.org_unit_id AS page_org_unit_id,
       i.site_id, i.page_url, i.received_at, i.language, i.helpful, i.rating, i.category, i.comment, i.suggestion,
       i.flags, i.search,
       coalesce(t.status, 'neu') AS status, t.assignee, coalesce(t.tags, '{}') AS tags, t.verdict,
       coalesce(t.sequence, 0) AS sequence, t.updated_at, t.updated_by
FROM comment_item i LEFT JOIN comment_triage t ON t.response_id = i.response_id;
CREATE INDEX comment_triage_unit ON comment_triage (org_unit_id);
