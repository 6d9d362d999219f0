-- Rollups of the survey results (issue 20): a survey's results page and API read these few rows instead of counting
-- every response and answer of the version (before: 510-545 ms p95 at 200,000 responses, all seq scans). Kept by the
-- survey response projector in the same transaction as survey_response and survey_answer, from what its statements
-- really inserted and changed (services/analytics/survey_store.py project_responses), emptied and rebuilt by replay
-- (services/registry.py). Each holds exactly what the straightforward query over survey_response / survey_answer
-- computes; tests/integration/test_survey_rollups.py compares them on randomised streams.

-- Per version: counted responses, responses with a dismissal, and those dismissed without a counted answer.
CREATE TABLE survey_version_count (
    survey_id             text NOT NULL,
    survey_version        integer NOT NULL,
    responses             bigint NOT NULL,
    dismissals            bigint NOT NULL,
    dismissed_unanswered  bigint NOT NULL,
    PRIMARY KEY (survey_id, survey_version)
);

-- Per version and question: unflagged answers (text questions too: an erased text still counts as answered).
CREATE TABLE survey_question_count (
    survey_id       text NOT NULL,
    survey_version  integer NOT NULL,
    question_id     text NOT NULL,
    answered        bigint NOT NULL,
    PRIMARY KEY (survey_id, survey_version, question_id)
);

-- Per version, question and value: unflagged answers of the closed questions. Never text questions (by the version's
-- definition): their answers are listed, not counted, and an erased text must leave no copy behind. Answers projected
-- before their version's definition was known are added when it arrives (survey_store.apply_lifecycle).
CREATE TABLE survey_value_count (
    survey_id       text NOT NULL,
    survey_version  integer NOT NULL,
    question_id     text NOT NULL,
    value           text NOT NULL,  -- the answer's JSON as text (jsonb::text): grouped as the results read it
    n               bigint NOT NULL,
    PRIMARY KEY (survey_id, survey_version, question_id, value)
);

-- Per version and hour (UTC, so that any city's time zone with whole-hour offsets sums them into its days exactly):
-- responses by the hour of their first part, the counted ones among them, and dismissals by the hour of the first.
-- A response whose first part or dismissal moved earlier leaves a row with zeros behind.
CREATE TABLE survey_hour_count (
    survey_id       text NOT NULL,
    survey_version  integer NOT NULL,
    hour            timestamptz NOT NULL,
    responses       bigint NOT NULL,
    answered        bigint NOT NULL,
    dismissed       bigint NOT NULL,
    PRIMARY KEY (survey_id, survey_version, hour)
);

-- Filled once from the rows already there, with the straightforward queries, while no one else writes them (the
-- lock lasts until the migration commits: 1.2 s at 220,000 responses, bench/README.md). Upgrading: a survey response
-- projector of an earlier release does not keep the rollups, so what it projects after this migration would be
-- missing from them. Stop the earlier release's analytics pods before the setup job migrates (scale the analytics
-- Deployment to 0), or afterwards rebuild the read models with `stadtstimme replay`.
LOCK TABLE survey_response, survey_answer IN SHARE MODE;
INSERT INTO survey_version_count
SELECT survey_id, survey_version, count(*) FILTER (WHERE counted),
       count(*) FILTER (WHERE dismissed_at IS NOT NULL),
       count(*) FILTER (WHERE dismissed_at IS NOT NULL AND NOT counted)
FROM survey_response GROUP BY 1, 2;

INSERT INTO survey_question_count
SELECT survey_id, survey_version, question_id, count(*) FROM survey_answer WHERE NOT flagged GROUP BY 1, 2, 3;

INSERT INTO survey_value_count
WITH text_question AS (
    SELECT v.survey_id, v.version, q ->> 'id' AS question_id
    FROM survey_version v, jsonb_array_elements(v.definition -> 'questions') q WHERE q ->> 'type' = 'text'
)
SELECT a.survey_id, a.survey_version, a.question_id, a.value::text, count(*)
FROM survey_answer a JOIN survey_version v ON v.survey_id = a.survey_id AND v.version = a.survey_version
WHERE NOT a.flagged
  AND NOT EXISTS (SELECT 1 FROM text_question t WHERE t.survey_id = a.survey_id AND t.version = a.survey_version
                                                  AND t.question_id = a.question_id)
GROUP BY 1, 2, 3, 4;

INSERT INTO survey_hour_count
SELECT survey_id, survey_version, hour, sum(responses), sum(answered), sum(dismissed) FROM (
    SELECT survey_id, survey_version, date_trunc('hour', first_at, 'UTC') AS hour, count(*) AS responses,
           count(*) FILTER (WHERE counted) AS answered, 0 AS dismissed
    FROM survey_response GROUP BY 1, 2, 3
    UNION ALL
    SELECT survey_id, survey_version, date_trunc('hour', dismissed_at, 'UTC'), 0, 0, count(*)
    FROM survey_response WHERE dismissed_at IS NOT NULL GROUP BY 1, 2, 3
) h GROUP BY 1, 2, 3;

-- Ingest re-reads the served surveys every few seconds (quotas): their counted responses from the rollup too, instead
-- of counting a survey's responses each time. The same columns and values as in migration 028.
CREATE OR REPLACE VIEW served_survey AS
SELECT s.survey_id, s.status, s.current_version, s.updated_at,
       CASE WHEN s.status = 'active'
            THEN (SELECT coalesce(sum(c.responses), 0)::bigint FROM survey_version_count c
                  WHERE c.survey_id = s.survey_id)
            ELSE 0 END AS counted_responses
FROM survey s WHERE s.status <> 'draft';
