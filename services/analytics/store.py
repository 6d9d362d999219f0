"""SQL of the analytics read models. The projection is one statement per batch, inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import asyncpg

_STATS_COLUMNS = (
    "responses, helpful_yes, helpful_no, rating_count, rating_sum, rating_1, rating_2, rating_3, rating_4, rating_5"
)
_STATS_AGG = """count(*), count(*) FILTER (WHERE helpful), count(*) FILTER (WHERE NOT helpful),
    count(rating), coalesce(sum(rating), 0), count(*) FILTER (WHERE rating = 1), count(*) FILTER (WHERE rating = 2),
    count(*) FILTER (WHERE rating = 3), count(*) FILTER (WHERE rating = 4), count(*) FILTER (WHERE rating = 5)"""
_STATS_ADD = ", ".join(f"{c} = t.{c} + excluded.{c}" for c in (x.strip() for x in _STATS_COLUMNS.split(",")))

# Inserts the batch's events that were never seen before (dedupe by event id, the first offset wins) and adds
# exactly those to the aggregates: pages per hour, org units per hour and per day, in the city's time zone
# (a page's days are summed from its hours when read). Data-modifying CTEs all run, referenced or not.
PROJECT_FEEDBACK = f"""
WITH batch AS (
    SELECT b.event_id, $2::text AS topic, b.kafka_partition, b.kafka_offset, b.received_at, b.site_id,
           b.page_url, b.org_unit_id, b.helpful, b.rating, b.category, b.language, b.comment, b.suggestion,
           b.envelope
    FROM unnest($1::uuid[], $3::int[], $4::bigint[], $5::timestamptz[], $6::text[], $7::text[], $8::text[],
                $9::bool[], $10::smallint[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[])
        AS b(event_id, kafka_partition, kafka_offset, received_at, site_id, page_url, org_unit_id,
             helpful, rating, category, language, comment, suggestion, envelope)
), fresh AS (
    INSERT INTO feedback_event AS t
    SELECT DISTINCT ON (event_id) * FROM batch ORDER BY event_id, kafka_partition, kafka_offset
    ON CONFLICT (event_id) DO NOTHING
    RETURNING event_id, received_at, site_id, page_url, org_unit_id, helpful, rating
), pages AS (
    INSERT INTO page_satisfaction AS t (page_url, org_unit_id, site_id, bucket_start, {_STATS_COLUMNS})
    SELECT page_url, org_unit_id, min(site_id), date_trunc('hour', received_at, $16), {_STATS_AGG}
    FROM fresh GROUP BY page_url, org_unit_id, date_trunc('hour', received_at, $16)
    ON CONFLICT (page_url, org_unit_id, bucket_start) DO UPDATE SET {_STATS_ADD}
)
INSERT INTO org_unit_satisfaction AS t (org_unit_id, granularity, bucket_start, {_STATS_COLUMNS})
SELECT org_unit_id, g.granularity, date_trunc(g.granularity, f.received_at, $16), {_STATS_AGG}
FROM fresh f CROSS JOIN (VALUES ('hour'), ('day')) AS g(granularity)
GROUP BY org_unit_id, g.granularity, date_trunc(g.granularity, f.received_at, $16)
ON CONFLICT (granularity, org_unit_id, bucket_start) DO UPDATE SET {_STATS_ADD}
"""


@dataclass(frozen=True)
class FeedbackRow:
    event_id: UUID
    partition: int
    offset: int
    received_at: datetime
    site_id: str
    page_url: str
    org_unit_id: str
    helpful: bool | None
    rating: int | None
    category: str | None
    language: str
    comment: str | None
    suggestion: str | None
    envelope: str


async def project_feedback(conn: asyncpg.Connection, topic: str, rows: Sequence[FeedbackRow], timezone: str) -> None:
    if not rows:
        return
    await conn.execute(
        PROJECT_FEEDBACK,
        [r.event_id for r in rows],
        topic,
        [r.partition for r in rows],
        [r.offset for r in rows],
        [r.received_at for r in rows],
        [r.site_id for r in rows],
        [r.page_url for r in rows],
        [r.org_unit_id for r in rows],
        [r.helpful for r in rows],
        [r.rating for r in rows],
        [r.category for r in rows],
        [r.language for r in rows],
        [r.comment for r in rows],
        [r.suggestion for r in rows],
        [r.envelope for r in rows],
        timezone,
    )


async def load_offsets(conn: asyncpg.Connection, consumer: str, topic: str) -> dict[int, int]:
    rows = await conn.fetch(
        "SELECT kafka_partition, next_offset FROM consumer_offset WHERE consumer = $1 AND topic = $2",
        consumer,
        topic,
    )
    return {r["kafka_partition"]: r["next_offset"] for r in rows}


async def save_offsets(conn: asyncpg.Connection, consumer: str, topic: str, offsets: dict[int, int]) -> None:
    await conn.execute(
        """INSERT INTO consumer_offset (consumer, topic, kafka_partition, next_offset)
           SELECT $1, $2, p, o FROM unnest($3::int[], $4::bigint[]) AS u(p, o)
           ON CONFLICT (consumer, topic, kafka_partition) DO UPDATE SET next_offset = excluded.next_offset""",
        consumer,
        topic,
        list(offsets),
        list(offsets.values()),
    )


async def record_dead_letters(
    conn: asyncpg.Connection, consumer: str, topic: str, letters: Sequence[tuple[int, int, str, bytes]]
) -> None:
    await conn.executemany(
        """INSERT INTO dead_letter (consumer, topic, kafka_partition, kafka_offset, error, payload)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING""",
        [(consumer, topic, p, o, err, payload) for p, o, err, payload in letters],
    )


async def reset_read_models(conn: asyncpg.Connection, consumer: str) -> None:
    """Empty every feedback read model and the projector's positions (before a replay)."""
    await conn.execute("TRUNCATE feedback_event, page_satisfaction, org_unit_satisfaction")
    await conn.execute("DELETE FROM consumer_offset WHERE consumer = $1", consumer)
