"""Dead letters: records a consumer set aside (undecodable, or failing their handler ``ATTEMPTS`` times; see
``shared.consumer``), so that its partition moves on. An operator lists them and, once the cause is fixed,
publishes them again (``stadtstimme dead-letters``): to the same topic with the same key, so they land in the same
partition as before, behind what came since. Every consumer of the topic reads a re-driven record again and skips
it by its event id where it had applied it already."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

import asyncpg
from aiokafka import AIOKafkaProducer

from shared.settings import Settings


@dataclass(frozen=True)
class DeadLetter:
    id: int
    consumer: str
    topic: str
    partition: int
    offset: int
    error: str
    recorded_at: datetime
    redriven_at: datetime | None


async def listing(conn: asyncpg.Connection, *, include_redriven: bool = False) -> list[DeadLetter]:
    """The dead letters, oldest first; those already published again only with ``include_redriven``."""
    rows = await conn.fetch(
        """SELECT id, consumer, topic, kafka_partition, kafka_offset, error, recorded_at, redriven_at
           FROM dead_letter WHERE $1 OR redriven_at IS NULL ORDER BY recorded_at, id""",
        include_redriven,
    )
    return [DeadLetter(*r) for r in rows]


async def redrive(
    pool: asyncpg.Pool,
    producer: AIOKafkaProducer,
    settings: Settings,
    ids: list[int] | None = None,
    consumer: str | None = None,
) -> int:
    """Publish dead letters again (``ids``; or all of ``consumer``; or, with neither, all) that were not published
    again yet, and mark them; how many. Each is marked in the transaction that saw the broker take it."""
    done = 0
    async with pool.acquire() as conn:
        wanted = await conn.fetch(
            """SELECT id FROM dead_letter WHERE redriven_at IS NULL
                 AND ($1::bigint[] IS NULL OR id = ANY($1::bigint[])) AND ($2::text IS NULL OR consumer = $2)
               ORDER BY recorded_at, id""",
            ids,
            consumer,
        )
    for row in wanted:
        async with pool.acquire() as conn, conn.transaction():
            letter = await conn.fetchrow(
                "SELECT topic, payload, record_key FROM dead_letter WHERE id = $1 AND redriven_at IS NULL FOR UPDATE",
                row["id"],
            )
            if letter is None:
                continue  # another operator was quicker
            key = None if letter["record_key"] is None else bytes(letter["record_key"])
            async with asyncio.timeout(settings.kafka_send_timeout_s):
                await producer.send_and_wait(letter["topic"], bytes(letter["payload"]), key=key)
            await conn.execute("UPDATE dead_letter SET redriven_at = now() WHERE id = $1", row["id"])
            done += 1
    return done
