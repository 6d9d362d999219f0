"""Pipeline benchmark: records per second from the feedback topic into the PostgreSQL read models.

The topic is pre-filled with events built exactly as ingest builds them (``accept_feedback`` on the demo city,
then ``encode_envelope``), spread over the demo sites, their sections and the last 14 days, in the order they were
received (as ingest appends them to the topic); 1 % of the records are re-sent duplicates, shortly after their
original, as producer retries would cause. Then, on the same records:

* baseline: a plain aiokafka consumer with the projector's fetch settings reads to the end and discards;
* measured: ``Projector(settings, pool).run(until_caught_up=True)``, in this process, timed end to end, with the
  CPU time it took in this process and in PostgreSQL (all its processes) per record;
* replay: ``stadtstimme replay`` as an operator runs it (``services.analytics.replay.replay``: checks the archive
  against the topic, empties every read model and projects every topic from its start), timed end to end.

After each, the read models are checked against what was produced, so no figure can come from skipped work.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from services.analytics.replay import replay
from services.analytics.worker import Projector
from services.ingest.domain import FeedbackRequest, accept_feedback
from services.ingest.service import SOURCE
from shared.contracts import FEEDBACK_SUBMITTED, encode_envelope
from shared.contracts.topics import FEEDBACK, topic_name
from shared.db import create_pool
from shared.orgmodel import load_org_yaml
from shared.settings import Settings
from shared.shredding import NewKeys

DUPLICATE_SHARE = 0.01
SPREAD_S = 14 * 86400  # two weeks of feedback, as a replay reads it
COMMENTS = (
    "Termin nicht gefunden",
    "Sehr hilfreich, danke!",
    "Link zum Formular ist kaputt",
    "Bitte mehr Infos",
)


@dataclass
class Prefill:
    records: int
    distinct: int
    rating_sum: int
    helpful_yes: int


def build_events(
    count: int, demo_city: Path, keys: NewKeys, seed: int = 7, spread_s: float = SPREAD_S
) -> tuple[list[tuple[bytes, bytes]], Prefill]:
    """(key, value) records: ``count`` in total, of which about 1 % repeat a record shortly before them, received
    over the last ``spread_s`` seconds in the order of the list."""
    rng = random.Random(seed)
    _, model = load_org_yaml(demo_city)
    paths = [
        (site.id, origin + path)
        for site in model.sites.values()
        for origin in site.origins[:1]
        for path in [p.url.removeprefix(origin) for p in model.pages.values() if p.site == site.id]
        + [s for s, _ in site.sections]
        + [f"/seite-{i}" for i in range(40)]
    ]
    now = datetime.now(UTC)
    records: list[tuple[bytes, bytes]] = []
    distinct = max(1, round(count * (1 - DUPLICATE_SHARE)))
    rating_sum = helpful_yes = 0
    for n in range(distinct):
        site, url = rng.choice(paths)
        rating = rng.randint(1, 5) if rng.random() < 0.9 else None
        helpful = rng.random() < 0.7 if rng.random() < 0.8 or rating is None else None
        comment = rng.choice(COMMENTS) if rng.random() < 0.15 else None
        request = FeedbackRequest(
            event_id=uuid.uuid4(), site=site, page_url=url, rating=rating, helpful=helpful,
            comment=comment,
        )  # fmt: skip
        received = now - timedelta(seconds=spread_s * (1 - n / distinct))
        page_url, data = accept_feedback(request, model, None, received)
        data["comment"] = keys.seal(request.event_id, "comment", data["comment"])  # as ingest seals it
        value = encode_envelope(FEEDBACK_SUBMITTED, request.event_id, SOURCE, received, data, subject=page_url)
        records.append((page_url.encode(), value))
        rating_sum += rating or 0
        helpful_yes += helpful is True
    again: dict[int, list[tuple[bytes, bytes]]] = {}  # a retry: the same record again, up to 100 records later
    for _ in range(count - distinct):
        first = rng.randrange(distinct)
        again.setdefault(min(distinct - 1, first + rng.randint(1, 100)), []).append(records[first])
    records = [r for n, record in enumerate(records) for r in (record, *again.get(n, ()))]
    return records, Prefill(len(records), distinct, rating_sum, helpful_yes)


async def prefill(settings: Settings, records: list[tuple[bytes, bytes]]) -> float:
    """Produce the records (acks=all) and return the seconds it took."""
    topic = topic_name(FEEDBACK, settings.topic_prefix)
    producer = AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        acks="all",
        linger_ms=20,
        max_batch_size=1024 * 1024,
        max_request_size=4 * 1024 * 1024,
    )
    await producer.start()
    started = time.perf_counter()
    try:
        futures: list[asyncio.Future[Any]] = []
        for key, value in records:
            futures.append(await producer.send(topic, value, key=key))
            if len(futures) >= 20_000:
                await asyncio.gather(*futures)
                futures.clear()
        await asyncio.gather(*futures)
    finally:
        await producer.stop()
    return time.perf_counter() - started


async def plain_consume(settings: Settings, expected: int) -> tuple[int, float]:
    """Baseline: read the ``expected`` records of the topic with the projector's fetch settings, discard them."""
    topic = topic_name(FEEDBACK, settings.topic_prefix)
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        fetch_max_wait_ms=50,
        max_partition_fetch_bytes=4 * 1024 * 1024,
        client_id="bench-plain-consumer",
    )
    started = time.perf_counter()
    await consumer.start()
    try:
        await consumer._client.force_metadata_update()  # as the projector does
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        if not partitions:
            raise RuntimeError(f"topic {topic} has no partitions")
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        # Counted, not compared with end offsets: Tansu 0.6 reports those too low after multi-record batches.
        seen, deadline = 0, time.monotonic() + 120
        while seen < expected and time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=200, max_records=settings.projector_batch_size)
            seen += sum(len(records) for records in batch.values())
    finally:
        await consumer.stop()
    return seen, time.perf_counter() - started


async def topic_event_ids(settings: Settings) -> list[str]:
    """The envelope id of every record in the feedback topic, read from the start to the end offsets."""
    topic = topic_name(FEEDBACK, settings.topic_prefix)
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap_servers, enable_auto_commit=False, fetch_max_wait_ms=50
    )
    await consumer.start()
    ids: list[str] = []
    try:
        await consumer._client.force_metadata_update()
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        while True:
            batch = await consumer.getmany(timeout_ms=500)
            ids += [orjson.loads(r.value)["id"] for records in batch.values() for r in records if r.value]
            # Done once nothing more arrives and every end offset is passed. Tansu (0.6) reports end offsets
            # too low after multi-record batches, so the empty fetch is what ends the loop there.
            if not batch and all([await consumer.position(tp) >= end for tp, end in ends.items()]):
                break
    finally:
        await consumer.stop()
    return ids


def own_cpu_s() -> float:
    times = os.times()
    return times.user + times.system


async def run_projector(settings: Settings, postgres_cpu_s: Callable[[], float]) -> tuple[int, float, float, float]:
    """Measured: the real projector from the start of the topic until caught up, pool included; (records, seconds,
    CPU seconds of this process, CPU seconds of PostgreSQL)."""
    pool = await create_pool(settings)
    try:
        cpu, pg_cpu = own_cpu_s(), postgres_cpu_s()
        started = time.perf_counter()
        total = await Projector(settings, pool).run(until_caught_up=True)
        elapsed = time.perf_counter() - started
    finally:
        await pool.close()  # its connections' CPU time goes to PostgreSQL's account when they end
    return total, elapsed, own_cpu_s() - cpu, postgres_cpu_s() - pg_cpu


async def run_replay(settings: Settings) -> tuple[int, float]:
    """``stadtstimme replay``: (records projected, seconds)."""
    pool = await create_pool(settings)
    try:
        started = time.perf_counter()
        total = await replay(settings, pool)
        return total, time.perf_counter() - started
    finally:
        await pool.close()


async def verify(settings: Settings, expected: Prefill) -> tuple[bool, str]:
    """The read models must hold each distinct event exactly once, in every aggregate."""
    topic = topic_name(FEEDBACK, settings.topic_prefix)
    conn = await asyncpg.connect(settings.database_url)
    try:
        events = await conn.fetchval("SELECT count(*) FROM feedback_event WHERE topic = $1", topic)
        sums = await conn.fetchrow(
            """SELECT
                 (SELECT sum(responses) FROM org_unit_satisfaction WHERE granularity = 'day') AS unit_day,
                 (SELECT sum(responses) FROM org_unit_satisfaction WHERE granularity = 'hour') AS unit_hour,
                 (SELECT sum(responses) FROM page_satisfaction) AS page_hour,
                 (SELECT sum(rating_sum) FROM org_unit_satisfaction WHERE granularity = 'day') AS rating_sum,
                 (SELECT sum(helpful_yes) FROM org_unit_satisfaction WHERE granularity = 'day') AS yes"""
        )
        dead = await conn.fetchval("SELECT count(*) FROM dead_letter WHERE topic = $1", topic)
    finally:
        await conn.close()
    want = expected.distinct
    checks = {
        "feedback_event rows": (events, want),
        "org unit day responses": (sums["unit_day"], want),
        "org unit hour responses": (sums["unit_hour"], want),
        "page hour responses": (sums["page_hour"], want),
        "rating sum": (sums["rating_sum"], expected.rating_sum),
        "helpful yes": (sums["yes"], expected.helpful_yes),
        "dead letters": (dead, 0),
    }
    wrong = [f"{name} {got} != {exp}" for name, (got, exp) in checks.items() if got != exp]
    return not wrong, "; ".join(wrong) or f"{sums['unit_day']:,} = {want:,} distinct"


@dataclass
class PipelineResult:
    records: int
    distinct: int
    prefill_s: float
    baseline_records: int
    baseline_s: float
    projected: int
    projector_s: float
    projector_cpu_s: float
    postgres_cpu_s: float
    verified: bool
    verify_detail: str
    replayed: int
    replay_s: float
    replay_verified: bool
    replay_detail: str

    @property
    def baseline_per_s(self) -> float:
        return self.baseline_records / self.baseline_s

    @property
    def projector_per_s(self) -> float:
        return self.projected / self.projector_s

    @property
    def replay_per_s(self) -> float:
        return self.replayed / self.replay_s


async def run_pipeline(
    settings: Settings, count: int, demo_city: Path, say: Any, postgres_cpu_s: Callable[[], float]
) -> PipelineResult:
    say(f"pipeline: building {count:,} events")
    keys = NewKeys("feedback")
    records, expected = build_events(count, demo_city, keys)
    conn = await asyncpg.connect(settings.database_url)
    try:
        await keys.save(conn)  # the projector opens the sealed comments with these
    finally:
        await conn.close()
    say(f"pipeline: producing {len(records):,} records ({expected.distinct:,} distinct)")
    prefill_s = await prefill(settings, records)
    del records
    say(f"pipeline: produced in {prefill_s:.1f} s; baseline plain consumer …")
    seen, baseline_s = await plain_consume(settings, expected.records)
    say(f"pipeline: plain consumer read {seen:,} in {baseline_s:.2f} s; projector …")
    projected, projector_s, cpu_s, pg_cpu_s = await run_projector(settings, postgres_cpu_s)
    say(f"pipeline: projector processed {projected:,} in {projector_s:.2f} s; verifying the read model")
    ok, detail = await verify(settings, expected)
    say("pipeline: replay (check against the topic, empty the read models, project everything again) …")
    replayed, replay_s = await run_replay(settings)
    say(f"pipeline: replayed {replayed:,} in {replay_s:.2f} s; verifying the read model")
    replay_ok, replay_detail = await verify(settings, expected)
    return PipelineResult(
        expected.records, expected.distinct, prefill_s, seen, baseline_s, projected, projector_s, cpu_s, pg_cpu_s,
        ok, detail, replayed, replay_s, replay_ok, replay_detail,
    )  # fmt: skip
