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
            await conn.execute(
                """INSERT INTO survey_version (survey_id, version, definition, published_at, published_by)
                   VALUES ($1, $2, $3::jsonb, $4, $5) ON CONFLICT DO NOTHING""",
                d.survey_id,
                d.version,
                d.definition.model_dump_json(),
                d.published_at,
                d.published_by,
            )
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
PROJECT_RESPONSES = """
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
)
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
"""
PROJECT_ANSWERS = """
INSERT INTO survey_answer (response_id, question_id, survey_id, survey_version, value, answered_at, flagged)
SELECT DISTINCT ON (p.response_id, a.key) p.response_id, a.key, p.survey_id, p.survey_version, a.value,
       p.received_at, p.flagged
FROM unnest($1::uuid[], $2::text[], $3::int[], $4::timestamptz[], $5::bool[], $6::text[], $7::int[], $8::bigint[])
         AS p(response_id, survey_id, survey_version, received_at, flagged, answers, kafka_partition, kafka_offset)
     JOIN survey_response r ON r.response_id = p.response_id AND r.survey_id = p.survey_id
                           AND r.survey_version = p.survey_version,
     jsonb_each(p.answers::jsonb) AS a
ORDER BY p.response_id, a.key, p.received_at, p.kafka_partition, p.kafka_offset
ON CONFLICT (response_id, question_id) DO NOTHING
"""
MARK_COUNTED = """
UPDATE survey_response r SET counted = true
WHERE r.response_id = ANY($1::uuid[]) AND NOT r.counted
  AND EXISTS (SELECT 1 FROM survey_answer a WHERE a.response_id = r.response_id AND NOT a.flagged)
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
    responses per version."""
    rows = await conn.fetch(
        """SELECT s.survey_id, s.org_unit_id, s.status, s.current_version, s.created_at, s.updated_at,
                  v.definition->'title' AS title,
                  (SELECT coalesce(jsonb_object_agg(c.survey_version, c.n), '{}')
                   FROM (SELECT survey_version, count(*) AS n FROM survey_response
                         WHERE survey_id = s.survey_id AND counted GROUP BY 1) c) AS responses
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
    closed questions, the newest text answers, and answers and dismissals per day in the city's time zone."""
    key = (survey_id, version)
    totals = await conn.fetchrow(
        """SELECT count(*) FILTER (WHERE counted) AS responses,
                  count(*) FILTER (WHERE dismissed_at IS NOT NULL) AS dismissals,
                  count(*) FILTER (WHERE dismissed_at IS NOT NULL AND NOT counted) AS dismissed_unanswered
           FROM survey_response WHERE survey_id = $1 AND survey_version = $2""",
        *key,
    )
    answered = dict(
        await conn.fetch(
            """SELECT question_id, count(*) FROM survey_answer
               WHERE survey_id = $1 AND survey_version = $2 AND NOT flagged GROUP BY 1""",
            *key,
        )
    )
    values = await conn.fetch(
        """SELECT question_id, value::text AS value, count(*) AS n FROM survey_answer
           WHERE survey_id = $1 AND survey_version = $2 AND NOT flagged AND NOT question_id = ANY($3::text[])
           GROUP BY 1, 2""",
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
    days = await conn.fetch(
        """SELECT d.day, sum(d.answered)::bigint AS answered, sum(d.dismissed)::bigint AS dismissed FROM (
               SELECT (first_at AT TIME ZONE $3::text)::date AS day,
                      count(*) FILTER (WHERE counted) AS answered, 0 AS dismissed
               FROM survey_response WHERE survey_id = $1 AND survey_version = $2 GROUP BY 1
               UNION ALL
               SELECT (dismissed_at AT TIME ZONE $3::text)::date, 0, count(*)
               FROM survey_response WHERE survey_id = $1 AND survey_version = $2 AND dismissed_at IS NOT NULL
               GROUP BY 1) d
           GROUP BY d.day ORDER BY d.day""",
        *key,
        timezone,
    )
    return {"totals": totals, "answered": answered, "values": values, "texts": texts, "days": days}


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
