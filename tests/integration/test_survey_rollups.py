"""Survey results from the projector's rollups against today's straightforward queries (issue 20).

The survey response projector keeps per version totals, answers per question, answers per value of the closed
questions and responses per hour (migration 045) from what its statements inserted and changed. A survey's results
(``survey_store.result_rows`` and ``surveys.results``) read them instead of counting every response: they must equal
what the queries below, the ones the results were computed with before, return from ``survey_response`` and
``survey_answer``. Randomised streams (several seeds) of responses in one to three parts, with dismissals, flagged
parts, duplicates, parts that arrive late with an earlier time (the first part or the dismissal moves earlier), a
response id reused for another survey, several versions whose questions change type, a version published only after
its answers arrived, erased text answers and times around a change of daylight saving time, are projected in
batches of random size. Berlin's days come from the hours; Kolkata's (half-hour offset) from the fallback query.
"""

from __future__ import annotations

import random
import uuid
import zlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from importlib import resources
from typing import Any

import asyncpg
import orjson
import pytest

from services.analytics import survey_store, surveys
from services.analytics.store import ErasureRow, apply_erasures
from services.analytics.survey_store import LifecycleRow, ResponseRow, apply_lifecycle, project_responses
from shared.contracts.surveys import SurveyDefinition, SurveyStatusChangedV1, SurveyVersionPublishedV1
from shared.db import migrate_url
from tests.integration.conftest import once

pytestmark = once("the survey rollups' arithmetic (PostgreSQL only, no broker)", broker="tansu")

ZONES = ("Europe/Berlin", "Asia/Kolkata")
PAGE = ("portal", "https://www.musterstadt.de/buergerbuero", "stadtverwaltung")
# Around the end of daylight saving time in Berlin (25 October 2026, 03:00 CEST -> 02:00 CET) and a day either side.
START = datetime(2026, 10, 24, 0, 0, tzinfo=UTC)
SPAN_S = 3 * 86400
OPTIONS = [{"id": o, "label": {"de": o}} for o in ("a", "b", "c")]


def question(qid: str, kind: str) -> dict[str, Any]:
    return {"id": qid, "type": kind, "text": {"de": qid}} | (
        {"options": OPTIONS} if kind in ("single", "multiple") else {}
    )


# (survey, version) -> questions; "frei" is a text question in version 1 and a rating in version 2, "note" the other
# way round: what counts by value is decided per version.
VERSIONS = {
    ("zufrieden", 1): {"frei": "text", "note": "rating", "gefunden": "yes_no", "wahl": "multiple"},
    ("zufrieden", 2): {"frei": "rating", "note": "text", "gefunden": "yes_no", "empfehlen": "nps"},
    ("termine", 1): {"art": "single", "kommentar": "text", "note": "rating"},
    ("spaet", 1): {"art": "single", "frei": "text"},  # published after its answers were projected
}


def definition(survey_id: str, version: int) -> SurveyDefinition:
    return SurveyDefinition.model_validate(
        {
            "id": survey_id,
            "org_unit": PAGE[2],
            "title": {"de": survey_id},
            "questions": [question(q, k) for q, k in VERSIONS[(survey_id, version)].items()],
            "targeting": {"sites": [PAGE[0]]},
        }
    )


async def publish(conn: asyncpg.Connection, survey_id: str, version: int) -> None:
    at = START - timedelta(days=10 - version)
    events: list[SurveyVersionPublishedV1 | SurveyStatusChangedV1] = [
        SurveyVersionPublishedV1(survey_id=survey_id, version=version, sequence=2 * version - 1,
                                 definition=definition(survey_id, version), published_at=at, published_by="test"),
        SurveyStatusChangedV1(survey_id=survey_id, sequence=2 * version, status="active", changed_at=at,
                              changed_by="test"),
    ]  # fmt: skip
    async with conn.transaction():
        await apply_lifecycle(conn, [LifecycleRow(uuid.uuid4(), e, "{}") for e in events])


def value(rng: random.Random, kind: str) -> Any:
    if kind == "yes_no":
        return rng.random() < 0.6
    if kind == "rating":
        return rng.choice((1, 2, 3, 4, 5, 5, 4.0))  # 4.0 is another value than 4, as the results read it
    if kind == "nps":
        return rng.randint(0, 10)
    if kind == "single":
        return rng.choice("abc")
    if kind == "multiple":
        return rng.sample("abc", rng.randint(0, 3))
    return f"Text {rng.randrange(10**6)}"


def stream(rng: random.Random, responses: int) -> list[ResponseRow]:
    """The records of a topic with three partitions: responses in one to three parts, dismissals, about 8 % of the
    parts flagged, some parts received out of order with an earlier time, about 5 % sent twice."""
    keys = list(VERSIONS)
    parts: list[tuple[float, ResponseRow]] = []
    for _ in range(responses):
        response = uuid.uuid4()
        survey_id, version = rng.choice(keys)
        at = START + timedelta(seconds=rng.uniform(0, SPAN_S))
        for n in range(rng.choice((1, 1, 2, 2, 3))):
            if n and rng.random() < 0.03:  # the same response id on another survey: adds nothing
                survey_id, version = rng.choice(keys)
            questions = VERSIONS[(survey_id, version)]
            dismissed = rng.random() < (0.3 if n == 0 else 0.15)
            given = {} if dismissed and rng.random() < 0.7 else {
                q: value(rng, kind) for q, kind in questions.items() if rng.random() < 0.6
            }  # fmt: skip
            if rng.random() < 0.02:
                given["unbekannt"] = 1  # a question the definition does not have
            received = at - timedelta(seconds=rng.uniform(60, 7200)) if n and rng.random() < 0.15 else at
            row = ResponseRow(
                event_id=uuid.uuid4(), response_id=response, partition=zlib.crc32(response.bytes) % 3, offset=0,
                received_at=received, envelope="{}", survey_id=survey_id, survey_version=version, site_id=PAGE[0],
                page_url=PAGE[1], org_unit_id=PAGE[2], language="de", dismissed=dismissed,
                flagged=rng.random() < 0.08, answers=orjson.dumps(given).decode(),
            )  # fmt: skip
            parts.append((at.timestamp() + n, row))  # on the topic in the order they were sent
            at += timedelta(seconds=rng.choice((0, 1, 30, 600, 3600, 7200)))
    parts.sort(key=lambda p: p[0])
    rows = [r for _, r in parts]
    for i in range(len(rows)):  # re-sent records: the same event again, later in the stream
        if rng.random() < 0.05:
            rows.insert(min(len(rows), i + rng.randint(1, 80)), rows[i])
    offsets = [0, 0, 0]
    placed = {}
    for i, r in enumerate(rows):
        if r.event_id not in placed:
            placed[r.event_id] = offsets[r.partition]
            offsets[r.partition] += 1
        rows[i] = replace(r, offset=placed[r.event_id])
    return rows


async def straightforward(
    conn: asyncpg.Connection, survey_id: str, version: int, timezone: str, text_questions: Any
) -> dict[str, Any]:
    """``survey_store.result_rows`` as it was before the rollups: everything counted from the responses."""
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
             AND jsonb_typeof(a.value) = 'string'
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


def comparable(raw: dict[str, Any]) -> dict[str, Any]:
    return {
        "totals": dict(raw["totals"]),
        "answered": raw["answered"],
        "values": sorted(tuple(r) for r in raw["values"]),
        "texts": sorted(tuple(r) for r in raw["texts"]),  # ties in time may come in either order
        "days": [(r["day"], r["answered"], r["dismissed"]) for r in raw["days"]],
    }


async def compare(conn: asyncpg.Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    for (survey_id, version), questions in VERSIONS.items():
        text_ids = [q for q, kind in questions.items() if kind == "text"]
        for zone in ZONES:
            got = comparable(await survey_store.result_rows(conn, survey_id, version, zone, text_ids))
            want = comparable(await straightforward(conn, survey_id, version, zone, text_ids))
            assert want["totals"]["responses"] > 10 and len(want["days"]) >= 3, (survey_id, version, want)
            for part in want:
                assert got[part] == want[part], (survey_id, version, zone, part)
        # The whole result as staff see it, once each way.
        result = await surveys.results(conn, survey_id, version, ZONES[0])
        with monkeypatch.context() as m:
            m.setattr(survey_store, "result_rows", straightforward)
            assert result == await surveys.results(conn, survey_id, version, ZONES[0])
    # Counted responses per version in the survey list, and per survey in the view ingest reads for its quotas.
    counted = await conn.fetch(
        "SELECT survey_id, survey_version, count(*) AS n FROM survey_response WHERE counted GROUP BY 1, 2"
    )
    for survey_id in {s for s, _ in VERSIONS}:
        (listed,) = await survey_store.list_surveys(conn, survey_id=survey_id)
        want = {str(r["survey_version"]): r["n"] for r in counted if r["survey_id"] == survey_id}
        assert listed["responses_by_version"] == want
        served = await conn.fetchval("SELECT counted_responses FROM served_survey WHERE survey_id = $1", survey_id)
        assert served == sum(want.values()) > 0


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_survey_results_from_rollups_equal_straightforward_queries(
    database_url: str, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(seed)
    rows = stream(rng, responses=1200)
    await migrate_url(database_url)
    conn = await asyncpg.connect(database_url)
    try:
        for survey_id, version in VERSIONS:
            if survey_id != "spaet":
                await publish(conn, survey_id, version)
        i = 0
        while i < len(rows):  # batches of random size, each in its own transaction, as the projector writes them
            size = rng.choice((1, 7, 50, 200, 600))
            async with conn.transaction():
                await project_responses(conn, rows[i : i + size])
            i += size
        await publish(conn, "spaet", 1)

        # Not vacuous: the stream has what makes the rollups hard.
        facts = await conn.fetchrow(
            """SELECT count(*) AS events, (SELECT count(*) FROM survey_answer WHERE flagged) AS flagged,
                      (SELECT count(*) FROM survey_response WHERE dismissed_at IS NOT NULL AND counted) AS both,
                      (SELECT count(*) FROM survey_response r WHERE first_at < (
                           SELECT received_at FROM survey_response_event e WHERE e.response_id = r.response_id
                           ORDER BY kafka_partition, kafka_offset LIMIT 1)) AS moved
               FROM survey_response_event"""
        )
        assert facts["events"] == len({r.event_id for r in rows}) < len(rows)  # duplicates archived once
        assert facts["flagged"] > 20 and facts["both"] > 20 and facts["moved"] > 20, dict(facts)
        # The responses themselves: earliest part and earliest dismissal of all its parts (the projector only
        # rewrites a response when one of them moves earlier).
        earliest: dict[uuid.UUID, tuple[datetime, datetime | None]] = {}
        for r in {r.event_id: r for r in rows}.values():
            first, dismissed = earliest.get(r.response_id, (r.received_at, None))
            if r.dismissed:
                dismissed = min(dismissed or r.received_at, r.received_at)
            earliest[r.response_id] = (min(first, r.received_at), dismissed)
        stored = await conn.fetch("SELECT response_id, first_at, dismissed_at FROM survey_response")
        assert {r["response_id"]: (r["first_at"], r["dismissed_at"]) for r in stored} == earliest
        await compare(conn, monkeypatch)

        # No text answer is kept by value: an erased text leaves no copy, and the results stay exact.
        assert not await conn.fetchval(
            """SELECT count(*) FROM survey_value_count c JOIN survey_version v
                   ON v.survey_id = c.survey_id AND v.version = c.survey_version
               WHERE EXISTS (SELECT 1 FROM jsonb_array_elements(v.definition -> 'questions') q
                             WHERE q ->> 'id' = c.question_id AND q ->> 'type' = 'text')"""
        )
        erased = await conn.fetch("SELECT DISTINCT response_id FROM survey_answer WHERE jsonb_typeof(value) = 'string'")
        async with conn.transaction():
            await apply_erasures(conn, [ErasureRow(uuid.uuid4(), r["response_id"], "survey", "citizen",
                                                   START + timedelta(days=5), "{}") for r in erased[::3]])  # fmt: skip
        assert await conn.fetchval("SELECT count(*) FROM survey_answer WHERE value = 'null'") > 20
        await compare(conn, monkeypatch)

        # Migration 045 fills the rollups of the rows already there: the same results.
        fill = (resources.files("shared.migrations") / "045_survey_rollups.sql").read_text()
        async with conn.transaction():
            await conn.execute(
                "TRUNCATE survey_version_count, survey_question_count, survey_value_count, survey_hour_count"
            )
            await conn.execute(fill[fill.index("-- Filled once") :])
        await compare(conn, monkeypatch)
    finally:
        await conn.close()
