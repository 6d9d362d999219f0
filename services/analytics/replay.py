"""Rebuilding read models from the topics (replay) and refilling an empty broker from the archive (restore)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable

import asyncpg
import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition

from services.analytics.org import adopt_before_replay
from services.registry import PROJECTIONS, reset
from shared.consumer import load_offsets, save_offsets
from shared.contracts.topics import FEEDBACK, Topic, topic_name
from shared.kafka import ensure_topics, start_producer
from shared.settings import Settings

log = logging.getLogger(__name__)


class ReplayRefused(RuntimeError):
    pass


async def topic_extent(settings: Settings, which: Topic = FEEDBACK) -> dict[int, tuple[int, int]]:
    """(first, end) offset of every partition of a topic (default: the feedback topic)."""
    topic = topic_name(which, settings.topic_prefix)
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


async def empty_topics(settings: Settings, which: list[Topic]) -> set[Topic]:
    """Those of the topics that exist and hold no record (every partition's end is its beginning), asked with one
    consumer. A topic that holds records has an end beyond its beginning also where Tansu reports ends too low."""
    names = {topic_name(t, settings.topic_prefix): t for t in which}
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.kafka_bootstrap_servers, enable_auto_commit=False)
    await consumer.start()
    try:
        await consumer._client.force_metadata_update()
        partitions = [TopicPartition(n, p) for n in names for p in sorted(consumer.partitions_for_topic(n) or ())]
        first = await consumer.beginning_offsets(partitions)
        end = await consumer.end_offsets(partitions)
    finally:
        await consumer.stop()
    holding = {tp.topic for tp in partitions if end[tp] > first[tp]}
    return {t for n, t in names.items() if n not in holding and any(tp.topic == n for tp in partitions)}


async def scan(
    settings: Settings, start: dict[int, int] | None = None, which: Topic = FEEDBACK
) -> AsyncIterator[bytes]:
    """Every record value of a topic (default: feedback) from ``start`` (partition -> offset; default: the
    beginning).

    The end is where fetching returns nothing more, not the reported end offsets: Tansu reports them too low
    after some multi-record batches.
    """
    topic = topic_name(which, settings.topic_prefix)
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap_servers, enable_auto_commit=False, fetch_max_wait_ms=100
    )
    await consumer.start()
    try:
        await consumer._client.force_metadata_update()
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        if not partitions:
            return
        consumer.assign(partitions)
        first = await consumer.beginning_offsets(partitions)
        for tp in partitions:
            consumer.seek(tp, max(first[tp], (start or {}).get(tp.partition, 0)))
        while True:
            batch = await consumer.getmany(timeout_ms=500, max_records=10_000)
            if not batch:
                return
            for records in batch.values():
                for record in records:
                    yield record.value or b""
    finally:
        await consumer.stop()


async def unprojected(settings: Settings, pool: asyncpg.Pool) -> int:
    """How many records lie beyond the projectors' stored positions, over all projected topics (0: everything
    is projected)."""
    behind = 0
    for p in PROJECTIONS:
        async with pool.acquire() as conn:
            stored = await load_offsets(conn, p.name, topic_name(p.topic, settings.topic_prefix))
        behind += sum([1 async for _ in scan(settings, stored, p.topic)])
    return behind


async def replay(
    settings: Settings, pool: asyncpg.Pool, on_projected: Callable[[str, int, float], None] | None = None
) -> int:
    """Empty the read models and project every projected topic (feedback, surveys, survey responses, comment
    triage, alerts, hackathons) from its start; returns records processed. After each projection, it is logged
    and ``on_projected`` (if given) called with its name, its records and its seconds.

    Refuses when an archived event is missing from its topic: the broker lost its log (Tansu restarted) and a
    replay would throw accepted events away. Restore the archive first. The check reads each topic once whose
    archive holds anything (an empty archive misses nothing: a first projection of a topic skips reading it).
    """
    await adopt_before_replay(settings, pool)  # org tables from before the org topic: onto it, not emptied away
    missing = 0
    for p in PROJECTIONS:
        async with pool.acquire() as conn:
            if not await conn.fetchval(f"SELECT EXISTS (SELECT FROM {p.archive})"):
                continue
        in_topic: set[str] = set()
        async for value in scan(settings, which=p.topic):
            with contextlib.suppress(ValueError, TypeError, KeyError):
                in_topic.add(str(orjson.loads(value)["id"]))
        async with pool.acquire() as conn, conn.transaction():
            async for row in conn.cursor(f"SELECT event_id::text AS id FROM {p.archive}"):
                missing += row["id"] not in in_topic
    if missing:
        raise ReplayRefused(
            f"{missing} archived events are not in their topics; "
            "run `stadtstimme archive restore` into the empty broker first"
        )
    async with pool.acquire() as conn:
        await reset(conn)
    empty = await empty_topics(settings, [p.topic for p in PROJECTIONS])
    processed = 0
    for p in PROJECTIONS:  # in the registry's order: definitions before answers, texts before their erasures
        started = time.perf_counter()
        # An empty topic has nothing to project: no consumer is started and drained for it (half a second each).
        records = 0 if p.topic in empty else await p.consumer(settings, pool).run(until_caught_up=True)
        seconds = time.perf_counter() - started
        log.info("replay: %s projected %d records in %.1f s", p.name, records, seconds)
        if on_projected is not None:
            on_projected(p.name, records, seconds)
        processed += records
    async with pool.acquire() as conn:
        await conn.execute("ANALYZE feedback_event, page_satisfaction, page_satisfaction_day, org_unit_satisfaction")
    return processed


async def restore_archive(settings: Settings, pool: asyncpg.Pool) -> int:
    """Publish every archived event into its topic if that topic is empty; returns how many in total.

    Afterwards each projector's positions are set to its topic's new end: everything restored is projected
    already, and new events must not hide behind positions from the broker's previous life.
    """
    await ensure_topics(settings)
    total = 0
    for p in PROJECTIONS:
        which, consumer, query = p.topic, p.name, p.restore
        extent = await topic_extent(settings, which)
        if any(end > 0 for _, end in extent.values()):
            continue
        topic = topic_name(which, settings.topic_prefix)
        producer = await start_producer(settings)
        sent = 0
        try:
            async with pool.acquire() as conn, conn.transaction():
                pending = []
                async for row in conn.cursor(query):
                    pending.append(await producer.send(topic, row["envelope"].encode(), key=row["key"].encode()))
                    if len(pending) >= 10_000:
                        await asyncio.gather(*pending)  # raises if the broker refused any of them
                        sent, pending = sent + len(pending), []
                await asyncio.gather(*pending)
                sent += len(pending)
        finally:
            await producer.stop()
        end = {p: e for p, (_, e) in (await topic_extent(settings, which)).items()}
        async with pool.acquire() as conn:
            await save_offsets(conn, consumer, topic, end)
        if sent:
            log.info("restored %d archived events into %s", sent, topic)
        total += sent
    return total
