"""Rebuilding read models from the topics (replay) and refilling an empty broker from the archive (restore)."""

from __future__ import annotations

import asyncio
import logging

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition

from services.analytics import store
from services.analytics.worker import CONSUMER, Projector
from shared.contracts.topics import FEEDBACK, topic_name
from shared.kafka import ensure_topics, start_producer
from shared.settings import Settings

log = logging.getLogger(__name__)


class ReplayRefused(RuntimeError):
    pass


async def topic_extent(settings: Settings) -> dict[int, tuple[int, int]]:
    """(first, end) offset of every partition of the feedback topic."""
    topic = topic_name(FEEDBACK, settings.topic_prefix)
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.kafka_bootstrap_servers, enable_auto_commit=False)
    await consumer.start()
    try:
        await consumer._client.force_metadata_update()
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        if not partitions:
            return {}
        first = await consumer.beginning_offsets(partitions)
        end = await consumer.end_offsets(partitions)
        return {tp.partition: (first[tp], end[tp]) for tp in partitions}
    finally:
        await consumer.stop()


async def replay(settings: Settings, pool: asyncpg.Pool) -> int:
    """Empty the read models and project the feedback topic from its start; returns records processed.

    Refuses when the topic holds fewer records than the archive has distinct events: the broker lost its
    log (Tansu restarted) and a replay would throw accepted feedback away. Restore the archive first.
    """
    extent = await topic_extent(settings)
    in_topic = sum(end - first for first, end in extent.values())
    async with pool.acquire() as conn:
        archived = await conn.fetchval("SELECT count(*) FROM feedback_event")
        if in_topic < archived:
            raise ReplayRefused(
                f"the topic holds {in_topic} records but the archive {archived} events; "
                "run `stadtstimme archive restore` into the empty broker first"
            )
        await store.reset_read_models(conn, CONSUMER)
    return await Projector(settings, pool).run(until_caught_up=True)


async def restore_archive(settings: Settings, pool: asyncpg.Pool) -> int:
    """Publish every archived event into an empty feedback topic; returns how many. No-op if not empty.

    Afterwards the projector's positions are set to the topic's new end: everything restored is projected
    already, and new events must not hide behind positions from the broker's previous life.
    """
    await ensure_topics(settings)
    extent = await topic_extent(settings)
    if any(end > 0 for _, end in extent.values()):
        return 0
    topic = topic_name(FEEDBACK, settings.topic_prefix)
    producer = await start_producer(settings)
    sent = 0
    try:
        async with pool.acquire() as conn, conn.transaction():
            cursor = conn.cursor(
                "SELECT page_url, envelope::text AS envelope FROM feedback_event ORDER BY received_at, event_id"
            )
            pending = []
            async for row in cursor:
                pending.append(await producer.send(topic, row["envelope"].encode(), key=row["page_url"].encode()))
                if len(pending) >= 10_000:
                    await asyncio.gather(*pending)  # raises if the broker refused any of them
                    sent, pending = sent + len(pending), []
            await asyncio.gather(*pending)
            sent += len(pending)
    finally:
        await producer.stop()
    end = {p: e for p, (_, e) in (await topic_extent(settings)).items()}
    async with pool.acquire() as conn:
        await store.save_offsets(conn, CONSUMER, topic, end)
    log.info("restored %d archived events into %s", sent, topic)
    return sent
