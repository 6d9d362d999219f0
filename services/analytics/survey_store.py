"""SQL of the survey read models (migration 005) and of the survey builder's previews (031). The projector and the
staff commands write the read models through the same functions, each inside the caller's transaction, so a replay
produces exactly what the commands produced."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg
import orjson
from prometheus_client import Counter

from services.analytics.survey_domain import SurveyState
from shared.contracts.sealed import SealedText
from shared.contracts.surveys import SurveyDefinition, SurveyStatusChangedV1, SurveyVersionPublishedV1

log = logging.getLogger(__name__)
SEQUENCE_CONFLICTS = Counter(
    "stadtstimme_survey_sequence_conflicts_total", "Survey lifecycle events not applied: their place was taken"
)


@dataclass(frozen=True)
class LifecycleRow:
    event_id: UUID
    data: SurveyVersionPublishedV1 | SurveyStatusChangedV1
    envelope: str


async def apply_lifecycle(conn: asyncpg.Connection, rows: Sequence[LifecycleRow]) -> int:
    """Apply lifecycle events in order; an event already archived (same id, or same survey and sequence) is
    skipped, and the survey row only ever moves forward in sequence. Returns how many were new."""
    applied = 0
    for row in rows:
        d = row.data
        fresh = await conn.fetchval(
            """INSERT INTO survey_event (event_id, survey_id, sequence, envelope) VALUES ($1, $2, $3, $4)
               ON CONFLICT DO NOTHING RETURNING true""",
            row.event_id,
            d.survey_id,
            d.sequence,
            row.envelope,
        )
        if not fresh:
            other = await conn.fetchval(
                "SELECT event_id FROM survey_event WHERE survey_id = $1 AND sequence = $2", d.survey_id, d.sequence
            )
            if other is not None and other != row.event_id:
                # Two commands took the same place in the survey's lifecycle: one was published to Kafka although
                # its command failed (a send that timed out, then succeeded) and staff repeated the command. The
                # first one applied stays; the other is reported, never applied silently.
                SEQUENCE_CONFLICTS.inc()
                log.error("survey %s: event %s conflicts with %s at sequence %d; not applied",
                          d.survey_id, row.event_id, other, d.sequence)  # fmt: skip
            continue
        applied += 1
        if isinstance(d, SurveyVersionPublishedV1):
            status = await conn.execute(
                """INSERT INTO survey_version (survey_id, version, definition, published_at, published_by)
                   VALUES ($1, $2, $3::jsonb, $4, $5) ON CONFLICT DO NOTHING""",
                d.survey_id,
                d.version,
                d.definition.model_dump_json(),
                d.published_at,
                d.published_by,
            )
            if status == "INSERT 0 1":  # answers projected before their definition (normally none) are counted now
                await conn.execute(
                    "DELETE FROM survey_value_count WHERE survey_id = $1 AND survey_version = $2",
                    d.survey_id,
                    d.version,
                )
                await conn.execute(COUNT_VALUES, d.survey_id, d.version)
            await conn.execute(
                """INSERT INTO survey AS s (survey_id, org_unit_id, status, current_version, sequence, created_at,
                                           updated_at)
                   VALUES ($1, $2, 'draft', $3, $4, $5, $5)
                   ON CONFLICT (survey_id) DO UPDATE SET org_unit_id = excluded.org_unit_id,
                       current_version = excluded.current_version, sequence = excluded.sequence,
                       updated_at = excluded.updated_at
                   WHERE s.sequence < excluded.sequence""",
                d.survey_id,
                d.definition.org_unit,
                d.version,
                d.sequence,
                d.published_at,
            )
        else:
            await conn.execute(
                """UPDATE survey SET status = $2, sequence = $3, updated_at = $4
                   WHERE survey_id = $1 AND sequence < $3""",
                d.survey_id,
                d.status,
                d.sequence,
                d.changed_at,
            )
    return applied


@dataclass(frozen=True)
class ResponseRow:
    event_id: UUID
    response_id: UUID
    partition: int
    offset: int
    received_at: datetime
    envelope: str
    survey_id: str
    survey_version: int
    site_id: str
    page_url: str
    org_unit_id: str
    language: str
    dismissed: bool
    flagged: bool
    answers: str  # JSON object: question id -> value
    texts: dict[str, SealedText] = field(default_factory=dict)  # v2: text answers sealed, opened before projecting


# Three statements per batch, in the caller's transaction. The result does not depend on how events are cut
# into batches (a replay reads bigger batches than live projection):
# 1. archive the parts never seen before (dedupe by event id) and keep one row per response: the survey, version,
#    page and time of its first part, and the earliest dismissal;
# 2. each question's first answer (by time, flagged or not), only from parts of the response's own survey and
#    version (a response id reused for another survey adds nothing);
# 3. a response counts once it has an unflagged answer stored.
# Each statement also keeps the rollups of the results (migration 045) from the rows it really inserted or changed:
# a response that changed leaves the buckets it was in (-1: as it was before the statement, which every part of
# a statement sees) and enters those it is in now (+1); a first part or dismissal that moved earlier thus moves its
# response to another hour. Answers to text questions are counted as answered, never by value.
_ADD_TOTALS = """ON CONFLICT (survey_id, survey_version) DO UPDATE SET responses = t.responses + excluded.responses,
    dismissals = t.dismissals + excluded.dismissals,
    dismissed_unanswered = t.dismissed_unanswered + excluded.dismissed_unanswered"""
_ADD_HOURS = """ON CONFLICT (survey_id, survey_version, hour) DO UPDATE SET
    responses = h.responses + excluded.responses, answered = h.answered + excluded.answered,
    dismissed = h.dismissed + excluded.dismissed"""
PROJECT_RESPONSES = f"""
WITH batch AS (
    SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::bigint[], $5::timestamptz[], $6::text[],
                         $7::text[], $8::int[], $9::text[], $10::text[], $11::text[], $12::text[], $13::bool[])
        AS b(event_id, response_id, kafka_partition, kafka_offset, received_at, envelope, survey_id,
             survey_version, site_id, page_url, org_unit_id, language, dismissed)
), fresh AS (
    INSERT INTO survey_response_event AS t (event_id, response_id, kafka_partition, kafka_offset, received_at,
                                            envelope)
    SELECT DISTINCT ON (event_id) event_id, response_id, kafka_partition, kafka_offset, received_at, envelope
    FROM batch ORDER BY event_id, kafka_partition, kafka_offset
    ON CONFLICT (event_id) DO NOTHING
    RETURNING event_id
), parts AS (
    SELECT b.* FROM batch b JOIN fresh USING (event_id)
), before AS (
    SELECT response_id, first_at, dismissed_at, counted FROM survey_response
    WHERE response_id IN (SELECT response_id FROM parts)
), merged AS (
    INSERT INTO survey_response AS r (response_id, survey_id, survey_version, site_id, page_url, org_unit_id,
                                      language, first_at, dismissed_at, counted)
    SELECT DISTINCT ON (response_id) response_id, survey_id, survey_version, site_id, page_url, org_unit_id,
           language, min(received_at) OVER w, min(received_at) FILTER (WHERE dismissed) OVER w, false
    FROM parts
    WINDOW w AS (PARTITION BY response_id)
    ORDER BY response_id, received_at, kafka_partition, kafka_offset
    ON CONFLICT (response_id) DO UPDATE SET
        first_at = least(r.first_at, excluded.first_at),
        dismissed_at = least(r.dismissed_at, excluded.dismissed_at)
    WHERE excluded.first_at < r.first_at OR excluded.dismissed_at < r.dismissed_at
       OR (r.dismissed_at IS NULL AND excluded.dismissed_at IS NOT NULL)
    RETURNING response_id, survey_id, survey_version, first_at, dismissed_at, counted
), moved AS (
    SELECT m.survey_id, m.survey_version, b.first_at, b.dismissed_at, b.counted, -1 AS sign
    FROM merged m JOIN before b USING (response_id)
    UNION ALL
    SELECT survey_id, survey_version, first_at, dismissed_at, counted, 1 FROM merged
), totals AS (
    INSERT INTO survey_version_count AS t (survey_id, survey_version, responses, dismissals, dismissed_unanswered)
    SELECT survey_id, survey_version, coalesce(sum(sign) FILTER (WHERE counted), 0),
           coalesce(sum(sign) FILTER (WHERE dismissed_at IS NOT NULL), 0),
           coalesce(sum(sign) FILTER (WHERE dismissed_at IS NOT NULL AND NOT counted), 0)
    FROM moved GROUP BY 1, 2
    HAVING sum(sign) FILTER (WHERE dismissed_at IS NOT NULL) <> 0
    {_ADD_TOTALS}
)
INSERT INTO survey_hour_count AS h (survey_id, survey_version, hour, responses, answered, dismissed)
SELECT survey_id, survey_version, hour, sum(responses), sum(answered), sum(dismissed) FROM (
    SELECT survey_id, survey_version, date_trunc('hour', first_at, 'UTC') AS hour, sign AS responses,
           CASE WHEN counted THEN sign ELSE 0 END AS answered, 0 AS dismissed
    FROM moved
    UNION ALL
    SELECT survey_id, survey_version, date_trunc('hour', dismissed_at, 'UTC'), 0, 0, sign
    FROM moved WHERE dismissed_at IS NOT NULL
) m
GROUP BY 1, 2, 3 HAVING sum(responses) <> 0 OR sum(answered) <> 0 OR sum(dismissed) <> 0
{_ADD_HOURS}
"""
PROJECT_ANSWERS = """
WITH stored AS (
    INSERT INTO survey_answer (response_id, question_id, survey_id, survey_version, value, answered_at, flagged)
    SELECT DISTINCT ON (p.response_id, a.key) p.response_id, a.key, p.survey_id, p.survey_version, a.value,
           p.received_at, p.flagged
    FROM unnest($1::uuid[], $2::text[], $3::int[], $4::timestamptz[], $5::bool[], $6::text[], $7::int[],
                $8::bigint[])
             AS p(response_id, survey_id, survey_version, received_at, flagged, answers, kafka_partition,
                  kafka_offset)
         JOIN survey_response r ON r.response_id = p.response_id AND r.survey_id = p.survey_id
                               AND r.survey_version = p.survey_version,
         jsonb_each(p.answers::jsonb) AS a
    ORDER BY p.response_id, a.key, p.received_at, p.kafka_partition, p.kafka_offset
    ON CONFLICT (response_id, question_id) DO NOTHING
    RETURNING survey_id, survey_version, question_id, value, flagged
), counted AS (
    SELECT * FROM stored WHERE NOT flagged
), questions AS (
    INSERT INTO survey_question_count AS c (survey_id, survey_version, question_id, answered)
    SELECT survey_id, survey_version, question_id, count(*) FROM counted GROUP BY 1, 2, 3
    ON CONFLICT (survey_id, survey_version, question_id) DO UPDATE SET answered = c.answered + excluded.answered
), versions AS (  -- answers of a version not known yet are counted by value when it arrives (apply_lifecycle)
    SELECT survey_id, version, definition FROM survey_version
    WHERE (survey_id, version) IN (SELECT survey_id, survey_version FROM counted)
), text_question AS (
    SELECT v.survey_id, v.version, q ->> 'id' AS question_id
    FROM versions v, jsonb_array_elements(v.definition -> 'questions') q WHERE q ->> 'type' = 'text'
)
INSERT INTO survey_value_count AS c (survey_id, survey_version, question_id, value, n)
SELECT a.survey_id, a.survey_version, a.question_id, a.value::text, count(*)
FROM counted a JOIN versions v ON v.survey_id = a.survey_id AND v.version = a.survey_version
WHERE NOT EXISTS (SELECT 1 FROM text_question t WHERE t.survey_id = a.survey_id AND t.version = a.survey_version
                                                  AND t.question_id = a.question_id)
GROUP BY 1, 2, 3, 4
ON CONFLICT (survey_id, survey_version, question_id, value) DO UPDATE SET n = c.n + excluded.n
"""
MARK_COUNTED = f"""
WITH counted AS (
    UPDATE survey_response r SET counted = true
    WHERE r.response_id = ANY($1::uuid[]) AND NOT r.counted
      AND EXISTS (SELECT 1 FROM survey_answer a WHERE a.response_id = r.response_id AND NOT a.flagged)
    RETURNING survey_id, survey_version, first_at, dismissed_at
), totals AS (
    INSERT INTO survey_version_count AS t (survey_id, survey_version, responses, dismissals, dismissed_unanswered)
    SELECT survey_id, survey_version, count(*), 0, -count(*) FILTER (WHERE dismissed_at IS NOT NULL)
    FROM counted GROUP BY 1, 2
    {_ADD_TOTALS}
)
INSERT INTO survey_hour_count AS h (survey_id, survey_version, hour, responses, answered, dismissed)
SELECT survey_id, survey_version, date_trunc('hour', first_at, 'UTC'), 0, count(*), 0 FROM counted GROUP BY 1, 2, 3
{_ADD_HOURS}
"""
# The value counts of one version from its stored answers: when its definition arrives (normally before any answer).
COUNT_VALUES = """
INSERT INTO survey_value_count (survey_id, survey_version, question_id, value, n)
SELECT a.survey_id, a.survey_version, a.question_id, a.value::text, count(*)
FROM survey_answer a JOIN survey_version v ON v.survey_id = a.survey_id AND v.version = a.survey_version
WHERE a.survey_id = $1 AND a.survey_version = $2 AND NOT a.flagged
  AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(v.definition -> 'questions') q
                  WHERE q ->> 'id' = a.question_id AND q ->> 'type' = 'text')
GROUP BY 1, 2, 3, 4
"""


async def project_responses(conn: asyncpg.Connection, rows: Sequence[ResponseRow]) -> None:
    if not rows:
        return
    columns = (
        "event_id response_id partition offset received_at envelope survey_id survey_version site_id page_url "
        "org_unit_id language dismissed"
    ).split()
    await conn.execute(PROJECT_RESPONSES, *([getattr(r, c) for r in rows] for c in columns))
    # Answers of duplicates and of already projected parts are offered again: the first answer stays.
    columns = "response_id survey_id survey_version received_at flagged answers partition offset".split()
    await conn.execute(PROJECT_ANSWERS, *([getattr(r, c) for r in rows] for c in columns))
    await conn.execute(MARK_COUNTED, list({r.response_id for r in rows}))


# ---- Reading ----


def _definition(raw: str) -> SurveyDefinition:
    return SurveyDefinition.model_validate_json(raw)


async def load_state(conn: asyncpg.Connection, survey_id: str) -> SurveyState | None:
    row = await conn.fetchrow(
        """SELECT s.survey_id, s.status, s.current_version, s.sequence, v.definition::text AS definition
           FROM survey s JOIN survey_version v ON v.survey_id = s.survey_id AND v.version = s.current_version
           WHERE s.survey_id = $1""",
        survey_id,
    )
    if row is None:
        return None
    return SurveyState(
        row["survey_id"], row["status"], row["current_version"], row["sequence"], _definition(row["definition"])
    )


async def list_surveys(
    conn: asyncpg.Connection, units: Sequence[str] | None = None, survey_id: str | None = None
) -> list[dict[str, Any]]:
    """Every survey (or those of ``units``, or the one ``survey_id``) with status, current version and counted
    responses per version (from the rollup, migration 045)."""
    rows = await conn.fetch(
        """SELECT s.survey_id, s.org_unit_id, s.status, s.current_version, s.created_at, s.updated_at,
                  v.definition->'title' AS title,
                  (SELECT coalesce(jsonb_object_agg(c.survey_version, c.responses), '{}') FROM survey_version_count c
                   WHERE c.survey_id = s.survey_id AND c.responses > 0) AS responses
           FROM survey s JOIN survey_version v ON v.survey_id = s.survey_id AND v.version = s.current_version
           WHERE ($1::text[] IS NULL OR s.org_unit_id = ANY($1::text[])) AND ($2::text IS NULL OR s.survey_id = $2)
           ORDER BY s.survey_id""",
        list(units) if units is not None else None,
        survey_id,
    )
    return [
        {
            "id": r["survey_id"],
            "org_unit": r["org_unit_id"],
            "status": r["status"],
            "current_version": r["current_version"],
            "title": orjson.loads(r["title"]),
            "responses_by_version": orjson.loads(r["responses"]),  # version (as text) -> responses
            "created_at": r["created_at"],
            "updated_at": r["updated_at"],
        }
        for r in rows
    ]


async def survey_ids(conn: asyncpg.Connection) -> set[str]:
    """Every survey's id (taken for a new one)."""
    return {r["survey_id"] for r in await conn.fetch("SELECT survey_id FROM survey")}


async def version_span(
    conn: asyncpg.Connection, survey_id: str, version: int
) -> tuple[datetime | None, datetime | None]:
    """When a version could first be shown (its publication or the survey's first activation, whichever is
    later; None if the survey was never active) and when it stopped (replaced by the next version or the survey
    closed, whichever came first; None: not yet). Pauses in between are not subtracted."""
    row = await conn.fetchrow(
        """WITH moves AS (
               SELECT (envelope::jsonb #>> '{data,status}') AS status,
                      (envelope::jsonb #>> '{data,changed_at}')::timestamptz AS at
               FROM survey_event WHERE survey_id = $1 AND envelope::jsonb #>> '{data,status}' IS NOT NULL)
           SELECT v.published_at,
                  (SELECT min(n.published_at) FROM survey_version n
                   WHERE n.survey_id = v.survey_id AND n.version > v.version) AS superseded_at,
                  (SELECT min(at) FROM moves WHERE status = 'active') AS first_active,
                  (SELECT min(at) FROM moves WHERE status = 'closed') AS closed_at
           FROM survey_version v WHERE v.survey_id = $1 AND v.version = $2""",
        survey_id,
        version,
    )
    if row is None or row["first_active"] is None:
        return None, None
    ends = [t for t in (row["superseded_at"], row["closed_at"]) if t is not None]
    return max(row["published_at"], row["first_active"]), min(ends) if ends else None


async def version_definition(conn: asyncpg.Connection, survey_id: str, version: int) -> SurveyDefinition | None:
    raw = await conn.fetchval(
        "SELECT definition::text FROM survey_version WHERE survey_id = $1 AND version = $2", survey_id, version
    )
    return _definition(raw) if raw is not None else None


async def result_rows(
    conn: asyncpg.Connection, survey_id: str, version: int, timezone: str, text_questions: Sequence[str]
) -> dict[str, Any]:
    """The raw material of a result: response counts, answers per question, answer counts per value of the
    closed questions, the newest text answers, and answers and dismissals per day in the city's time zone.
    Counts come from the rollups the projector keeps (migration 045), the text answers from the answers."""
    key = (survey_id, version)
    totals = await conn.fetchrow(
        """SELECT coalesce(sum(responses), 0)::bigint AS responses, coalesce(sum(dismissals), 0)::bigint AS dismissals,
                  coalesce(sum(dismissed_unanswered), 0)::bigint AS dismissed_unanswered
           FROM survey_version_count WHERE survey_id = $1 AND survey_version = $2""",
        *key,
    )
    answered = dict(
        await conn.fetch(
            """SELECT question_id, answered FROM survey_question_count
               WHERE survey_id = $1 AND survey_version = $2 AND answered > 0""",
            *key,
        )
    )
    values = await conn.fetch(
        """SELECT question_id, value, n FROM survey_value_count
           WHERE survey_id = $1 AND survey_version = $2 AND n > 0 AND NOT question_id = ANY($3::text[])""",
        *key,
        list(text_questions),
    )
    texts = await conn.fetch(
        """SELECT a.question_id, a.value #>> '{}' AS text, a.answered_at, r.page_url
           FROM survey_answer a JOIN survey_response r USING (response_id)
           WHERE a.survey_id = $1 AND a.survey_version = $2 AND NOT a.flagged AND a.question_id = ANY($3::text[])
             AND jsonb_typeof(a.value) = 'string'  -- an erased text still counts as answered, but shows nothing
           ORDER BY a.answered_at DESC LIMIT 1000""",
        *key,
        list(text_questions),
    )
    return {"totals": totals, "answered": answered, "values": values, "texts": texts,
            "days": await _days(conn, survey_id, version, timezone)}  # fmt: skip


async def _days(conn: asyncpg.Connection, survey_id: str, version: int, timezone: str) -> list[asyncpg.Record]:
    """Answers and dismissals per day in ``timezone``: a day with a response's first part or a dismissal, from the
    hours the projector counted in UTC. Exact where each hour lies in one day of the zone (whole-hour offsets, as
    in all of Germany); otherwise (a zone like Asia/Kolkata) counted from the responses themselves."""
    days: list[asyncpg.Record] = await conn.fetch(
        """SELECT (hour AT TIME ZONE $3::text)::date AS day, sum(answered)::bigint AS answered,
                  sum(dismissed)::bigint AS dismissed,
                  bool_and(((hour + interval '1 hour' - interval '1 microsecond') AT TIME ZONE $3::text)::date
                           = (hour AT TIME ZONE $3::text)::date) AS whole
           FROM survey_hour_count WHERE survey_id = $1 AND survey_version = $2
           GROUP BY 1 HAVING sum(responses) > 0 OR sum(dismissed) > 0 ORDER BY 1""",
        survey_id,
        version,
        timezone,
    )
    if not all(d["whole"] for d in days):
        days = await conn.fetch(DAYS, survey_id, version, timezone)
    return days


# Answers and dismissals per day straight from the responses (hours that straddle two days of the zone).
DAYS = """
SELECT d.day, sum(d.answered)::bigint AS answered, sum(d.dismissed)::bigint AS dismissed FROM (
    SELECT (first_at AT TIME ZONE $3::text)::date AS day, count(*) FILTER (WHERE counted) AS answered, 0 AS dismissed
    FROM survey_response WHERE survey_id = $1 AND survey_version = $2 GROUP BY 1
    UNION ALL
    SELECT (dismissed_at AT TIME ZONE $3::text)::date, 0, count(*)
    FROM survey_response WHERE survey_id = $1 AND survey_version = $2 AND dismissed_at IS NOT NULL
    GROUP BY 1) d
GROUP BY d.day ORDER BY d.day
"""


# ---- Previews of the survey builder (migration 031): not domain state, a short-lived capability ----


async def save_preview(
    conn: asyncpg.Connection, token_hash: bytes, definition: SurveyDefinition, version: int, expires_at: datetime
) -> None:
    """Keep a definition for its preview until ``expires_at``; previews that expired are dropped on the way."""
    await conn.execute("DELETE FROM survey_preview WHERE expires_at < now()")
    await conn.execute(
        """INSERT INTO survey_preview (token_hash, survey_id, version, definition, expires_at)
           VALUES ($1, $2, $3, $4::jsonb, $5)""",
        token_hash,
        definition.id,
        version,
        definition.model_dump_json(),
        expires_at,
    )


async def load_preview(conn: asyncpg.Connection, token_hash: bytes) -> tuple[SurveyDefinition, int] | None:
    """The definition and version number of a preview that has not expired."""
    row = await conn.fetchrow(
        """SELECT definition::text AS definition, version FROM survey_preview
           WHERE token_hash = $1 AND expires_at > now()""",
        token_hash,
    )
    return (_definition(row["definition"]), row["version"]) if row is not None else None
