"""The projector against the real broker and database: bucket boundaries in the city's time zone, duplicates,
undecodable records and a re-read of the whole topic."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI

from services.analytics.api import build_router
from services.analytics.replay import ReplayRefused, replay
from services.analytics.worker import CONSUMER, Projector
from shared.access import StaffAccess
from shared.contracts import FEEDBACK_SUBMITTED_V1, encode_envelope
from shared.contracts.feedback import FEEDBACK_SUBMITTED_V2
from shared.contracts.topics import FEEDBACK, topic_name
from shared.db import create_pool, migrate
from shared.kafka import ensure_topics, start_producer
from shared.settings import Settings

PAGE = "https://abfall.musterstadt.de/abfallkalender"


def event(received_at: datetime, **fields: Any) -> tuple[uuid.UUID, dict[str, Any]]:
    data = {
        "site": "abfall",
        "page_url": PAGE,
        "org_unit": "abfallwirtschaft",
        "helpful": None,
        "rating": None,
        "comment": None,
        "suggestion": None,
        "category": None,
        "language": "de",
        "received_at": received_at,
        **fields,
    }
    return uuid.uuid4(), data


async def produce(settings: Settings, records: list[bytes]) -> None:
    producer = await start_producer(settings)
    try:
        for value in records:
            await producer.send_and_wait(topic_name(FEEDBACK, settings.topic_prefix), value, key=PAGE.encode())
    finally:
        await producer.stop()


async def test_buckets_follow_berlin_days_and_duplicates_count_once(settings: Settings) -> None:
    await ensure_topics(settings)
    # 22:30 UTC on 27 Nov is 23:30 in Berlin (same day); 23:30 UTC is 00:30 on 28 Nov in Berlin.
    # In summer (CEST, UTC+2) 22:30 UTC on 1 Jul is already 2 Jul in Berlin.
    e1 = event(datetime(2026, 11, 27, 22, 30, tzinfo=UTC), helpful=True, rating=5)
    e2 = event(datetime(2026, 11, 27, 23, 30, tzinfo=UTC), helpful=False, rating=1)
    e3 = event(datetime(2026, 7, 1, 22, 30, tzinfo=UTC), rating=3)
    encoded = {
        i: encode_envelope(FEEDBACK_SUBMITTED_V1, eid, "/test", d["received_at"], d)  # the events of 2026
        for i, (eid, d) in enumerate((e1, e2, e3))
    }
    await produce(settings, [encoded[0], encoded[1], b"not json at all", encoded[0], encoded[2], encoded[1]])

    pool = await create_pool(settings)
    try:
        async with pool.acquire() as conn:
            await migrate(conn)
        processed = await Projector(settings, pool).run(until_caught_up=True)
        assert processed == 6
        async with pool.acquire() as conn:
            days = await conn.fetch(
                """SELECT (bucket_start AT TIME ZONE 'Europe/Berlin')::date::text AS day, responses, helpful_yes,
                          helpful_no, rating_count, rating_sum, rating_1, rating_5
                   FROM org_unit_satisfaction WHERE granularity = 'day' ORDER BY bucket_start"""
            )
            assert [dict(r) for r in days] == [
                {"day": "2026-07-02", "responses": 1, "helpful_yes": 0, "helpful_no": 0, "rating_count": 1,
                 "rating_sum": 3, "rating_1": 0, "rating_5": 0},
                {"day": "2026-11-27", "responses": 1, "helpful_yes": 1, "helpful_no": 0, "rating_count": 1,
                 "rating_sum": 5, "rating_1": 0, "rating_5": 1},
                {"day": "2026-11-28", "responses": 1, "helpful_yes": 0, "helpful_no": 1, "rating_count": 1,
                 "rating_sum": 1, "rating_1": 1, "rating_5": 0},
            ]  # fmt: skip
            hours = await conn.fetch("SELECT bucket_start FROM page_satisfaction ORDER BY bucket_start")
            assert [r["bucket_start"] for r in hours] == [
                datetime(2026, 7, 1, 22, tzinfo=UTC),
                datetime(2026, 11, 27, 22, tzinfo=UTC),
                datetime(2026, 11, 27, 23, tzinfo=UTC),
            ]
            dead = await conn.fetch("SELECT consumer, error FROM dead_letter")
            assert len(dead) == 1 and dead[0]["consumer"] == CONSUMER

            # Forget the positions: the whole topic is read again, and nothing changes.
            before = await snapshot(conn)
            await conn.execute("DELETE FROM consumer_offset")
        assert await Projector(settings, pool).run(until_caught_up=True) == 6
        async with pool.acquire() as conn:
            assert await snapshot(conn) == before
            assert await conn.fetchval("SELECT count(*) FROM dead_letter") == 1

        # Replay rebuilds the same numbers; it refuses when the topic lacks an archived event.
        assert await replay(settings, pool) == 6
        async with pool.acquire() as conn:
            assert await snapshot(conn) == before
            await conn.execute(
                """INSERT INTO feedback_event SELECT gen_random_uuid(), topic, kafka_partition, kafka_offset + 100,
                       received_at, site_id, page_url, org_unit_id, helpful, rating, category, language, comment,
                       suggestion, envelope, response_id, flags FROM feedback_event LIMIT 1"""
            )
        with pytest.raises(ReplayRefused, match="1 archived events are not in their topics"):
            await replay(settings, pool)
        async with pool.acquire() as conn:
            assert await conn.fetchval("SELECT count(*) FROM feedback_event") == 4  # nothing was thrown away
    finally:
        await pool.close()


async def snapshot(conn: asyncpg.Connection) -> list[Any]:
    rows = await conn.fetch("SELECT * FROM page_satisfaction ORDER BY bucket_start, page_url")
    rows += await conn.fetch("SELECT * FROM org_unit_satisfaction ORDER BY granularity, bucket_start")
    return [tuple(r) for r in rows] + [await conn.fetchval("SELECT count(*) FROM feedback_event")]


async def test_page_days_are_summed_from_hours_in_berlin_time(settings: Settings) -> None:
    """Pages store hours only; the metrics API sums them into Berlin days, and ``from``/``to`` select the days
    whose start lies in [from, to), as for the stored org unit days."""
    await ensure_topics(settings)
    times = [
        datetime(2026, 11, 27, 10, 5, tzinfo=UTC),  # 27 Nov in Berlin
        datetime(2026, 11, 27, 22, 30, tzinfo=UTC),  # 23:30 on 27 Nov in Berlin
        datetime(2026, 11, 27, 23, 30, tzinfo=UTC),  # 00:30 on 28 Nov in Berlin
        datetime(2026, 11, 28, 9, 0, tzinfo=UTC),
    ]
    events = [event(t, rating=r) for t, r in zip(times, (5, 4, 2, 1), strict=True)]
    await produce(
        settings, [encode_envelope(FEEDBACK_SUBMITTED_V1, eid, "/test", d["received_at"], d) for eid, d in events]
    )
    pool = await create_pool(settings)
    try:
        async with pool.acquire() as conn:
            await migrate(conn)
        assert await Projector(settings, pool).run(until_caught_up=True) == 4
        app = FastAPI()
        app.include_router(build_router(settings, pool, StaffAccess(settings, pool)))
        transport = httpx.ASGITransport(app=app)
        headers = {"Authorization": "Bearer test-token"}
        async with httpx.AsyncClient(transport=transport, base_url="http://test", headers=headers) as client:

            async def series(granularity: str, start: str, end: str) -> list[tuple[str, int, int]]:
                params = {"granularity": granularity, "from": start, "to": end, "url_prefix": PAGE}
                response = await client.get("/api/v1/metrics/pages", params=params)
                assert response.status_code == 200, response.text
                (item,) = response.json()["items"]
                return [(b["bucket_start"], b["responses"], b["rating_sum"]) for b in item["series"]]

            assert await series("day", "2026-11-26T00:00:00Z", "2026-11-30T00:00:00Z") == [
                ("2026-11-26T23:00:00+00:00", 2, 9),
                ("2026-11-27T23:00:00+00:00", 2, 3),
            ]
            # 23:45 Berlin on the 27th: the 27th started before it, so only the 28th is in the window.
            assert await series("day", "2026-11-27T22:45:00Z", "2026-11-30T00:00:00Z") == [
                ("2026-11-27T23:00:00+00:00", 2, 3)
            ]
            assert await series("hour", "2026-11-27T22:00:00Z", "2026-11-28T00:00:00Z") == [
                ("2026-11-27T22:00:00+00:00", 1, 4),
                ("2026-11-27T23:00:00+00:00", 1, 2),
            ]
            units = await client.get(
                "/api/v1/metrics/org-units",
                params={"granularity": "day", "from": "2026-11-26T00:00:00Z", "to": "2026-11-30T00:00:00Z",
                        "site": "abfall"},
            )  # fmt: skip
            (unit,) = units.json()["items"]
            assert [(b["bucket_start"], b["responses"]) for b in unit["series"]] == [
                ("2026-11-26T23:00:00+00:00", 2),
                ("2026-11-27T23:00:00+00:00", 2),
            ]
    finally:
        await pool.close()


async def test_a_response_in_parts_counts_once_and_flagged_parts_never(settings: Settings) -> None:
    """v2 parts: the first counted part opens the response in its bucket, a follow-up adds only answers the
    response lacked (in the first part's bucket, even an hour later), flagged parts are archived, not counted."""
    await ensure_topics(settings)
    t0 = datetime(2026, 11, 27, 10, 59, tzinfo=UTC)
    first_id, follow_id, again_id, bot_id, bot_follow_id = (uuid.uuid4() for _ in range(5))

    def part(event_id: uuid.UUID, response_id: uuid.UUID, minutes: int, **fields: Any) -> bytes:
        received = t0 + timedelta(minutes=minutes)
        _, data = event(received, response_id=response_id, flags=fields.pop("flags", ()), **fields)
        return encode_envelope(FEEDBACK_SUBMITTED_V2, event_id, "/test", data["received_at"], data)

    records = [
        part(first_id, first_id, 0, helpful=True),  # 10:59
        part(follow_id, first_id, 2, rating=4, comment="Gut", helpful=False),  # 11:01: helpful already given
        part(again_id, first_id, 3, rating=1),  # rating already given: adds nothing
        part(bot_id, bot_id, 0, rating=5, flags=("too_fast",)),
        part(bot_follow_id, bot_id, 1, comment="Spam", flags=("honeypot",)),
    ]
    await produce(settings, records[:2])
    pool = await create_pool(settings)
    try:
        async with pool.acquire() as conn:
            await migrate(conn)
        assert await Projector(settings, pool).run(until_caught_up=True) == 2
        await produce(settings, records[2:])  # a later batch: merged with what the read model holds
        assert await Projector(settings, pool).run(until_caught_up=True) == 3
        async with pool.acquire() as conn:
            rows = await conn.fetch("SELECT * FROM page_satisfaction ORDER BY bucket_start")
            assert [
                (r["bucket_start"], r["responses"], r["helpful_yes"], r["helpful_no"], r["rating_count"],
                 r["rating_sum"], r["rating_4"])
                for r in rows
            ] == [(datetime(2026, 11, 27, 10, tzinfo=UTC), 1, 1, 0, 1, 4, 1)]  # fmt: skip
            units = await conn.fetch("SELECT granularity, responses, rating_sum FROM org_unit_satisfaction")
            assert sorted(tuple(r) for r in units) == [("day", 1, 4), ("hour", 1, 4)]
            archived = await conn.fetch("SELECT event_id, flags FROM feedback_event")
            assert {r["event_id"]: r["flags"] for r in archived} == {
                first_id: [],
                follow_id: [],
                again_id: [],
                bot_id: ["too_fast"],
                bot_follow_id: ["honeypot"],
            }
            before = await snapshot(conn)
        # Replay from scratch: same numbers, whatever the batch boundaries were.
        assert await replay(settings, pool) == 5
        async with pool.acquire() as conn:
            assert await snapshot(conn) == before
    finally:
        await pool.close()
