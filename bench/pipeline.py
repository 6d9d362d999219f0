"""Pipeline benchmark at Land scale: the feedback topic filled, read plainly, and replayed into empty read models.

The topic is filled with ``scale`` records of the generated Land (``bench/generate.py``: 3 years, 2,000 pages,
40 units, ~20 % with sealed text, multi-part responses, 1 % producer retries), the bytes ingest would have
published. Then, on the same records:

* baseline: a plain aiokafka consumer with the projector's fetch settings reads them all and discards them;
* measured: ``stadtstimme replay`` as an operator runs it (``services.analytics.replay.replay``: checks the
  archives against the topics, empties every read model and projects every topic from its start), timed end to
  end; its feedback projection is the projector (``Projector(settings, pool).run(until_caught_up=True)``, the
  loop ``stadtstimme worker projector`` runs), timed on its own with the CPU it took in this process and in
  PostgreSQL (all its processes) per record.

Afterwards the read models are checked against what was generated, so no figure can come from skipped work, and
they are the database the staff reads are measured on (``bench/reads.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition
from generate import Expected, FeedbackStream, produce
from loadgen import cpu_seconds, stat_fields

from services.analytics.replay import replay
from services.analytics.worker import CONSUMER
from shared.contracts.topics import FEEDBACK, topic_name
from shared.db import create_pool
from shared.orgmodel import OrgModel
from shared.settings import Settings
from stadtstimme.infra import EmbeddedPostgres


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
        seen, deadline = 0, time.monotonic() + 120 + expected / 10_000
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


def postgres_cpu(pg: EmbeddedPostgres) -> Callable[[], float]:
    """CPU seconds of the benchmark's PostgreSQL so far: the postmaster, its processes, and those that ended."""
    postmaster = int((Path(pg._server.pgdata) / "postmaster.pid").read_text().split()[0])

    def seconds() -> float:
        total = cpu_seconds(postmaster, ended_children=True)
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit() or int(entry.name) == postmaster:
                continue
            try:
                if int(stat_fields(int(entry.name))[1]) == postmaster:
                    total += cpu_seconds(int(entry.name))
            except OSError:  # ended meanwhile
                continue
        return total

    return seconds


@dataclass
class Replayed:
    records: int
    seconds: float
    projections: dict[str, tuple[int, float, float, float]]  # name: records, seconds, CPU here, CPU in PostgreSQL
    progress: list[tuple[float, int]]  # (seconds, records the projector has stored positions beyond)


PROGRESS_S = 2.0


async def _progress(settings: Settings, samples: list[tuple[float, int]], stop: asyncio.Event) -> None:
    """Every ``PROGRESS_S``, how many records the projector's stored positions are past (they commit with its
    rows), and when: its rate along the replay, to see whether it falls as the tables grow."""
    topic = topic_name(FEEDBACK, settings.topic_prefix)
    conn = await asyncpg.connect(settings.database_url)
    try:
        while not stop.is_set():
            done = await conn.fetchval(
                "SELECT coalesce(sum(next_offset), 0) FROM consumer_offset WHERE consumer = $1 AND topic = $2",
                CONSUMER,
                topic,
            )
            samples.append((time.perf_counter(), int(done)))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), PROGRESS_S)
    finally:
        await conn.close()


def rate_between(progress: list[tuple[float, int]], total: int, start: float, end: float) -> float | None:
    """The projector's records/s from ``start`` to ``end`` (shares of ``total``), the times interpolated between
    the samples; None without samples on both sides."""

    def when(share: float) -> float | None:
        target = share * total
        for (t0, n0), (t1, n1) in itertools.pairwise(progress):
            if n0 <= target <= n1 and n1 > n0:
                return t0 + (t1 - t0) * (target - n0) / (n1 - n0)
        return None

    first, last = when(start), when(end)
    return None if first is None or last is None or last <= first else (end - start) * total / (last - first)


async def run_replay(settings: Settings, postgres_cpu_s: Callable[[], float]) -> Replayed:
    """``stadtstimme replay``, timed end to end and per projection (with the CPU each took here and in
    PostgreSQL: the difference between the marks before and after it), with the projector's progress."""
    pool = await create_pool(settings)
    projections: dict[str, tuple[int, float, float, float]] = {}
    mark = [own_cpu_s(), postgres_cpu_s()]
    progress: list[tuple[float, int]] = []
    stop = asyncio.Event()
    sampling = asyncio.create_task(_progress(settings, progress, stop))

    def projected(name: str, records: int, seconds: float) -> None:
        cpu, pg_cpu = own_cpu_s(), postgres_cpu_s()
        projections[name] = (records, seconds, cpu - mark[0], pg_cpu - mark[1])
        mark[:] = [cpu, pg_cpu]

    try:
        started = time.perf_counter()
        total = await replay(settings, pool, projected)
        elapsed = time.perf_counter() - started
    finally:
        stop.set()
        await sampling
        await pool.close()
    return Replayed(total, elapsed, projections, [(t - started, n) for t, n in progress])


async def verify(settings: Settings, expected: Expected) -> tuple[bool, str]:
    """The read models must hold each distinct event exactly once, each counted response once in every aggregate,
    and an inbox item for each response with text (opened with its data key)."""
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
                 (SELECT sum(helpful_yes) FROM org_unit_satisfaction WHERE granularity = 'day') AS yes,
                 (SELECT count(*) FROM comment_item) AS inbox"""
        )
        dead = await conn.fetchval("SELECT count(*) FROM dead_letter WHERE topic = $1", topic)
    finally:
        await conn.close()
    checks = {
        "feedback_event rows": (events, expected.distinct),
        "org unit day responses": (sums["unit_day"], expected.responses),
        "org unit hour responses": (sums["unit_hour"], expected.responses),
        "page hour responses": (sums["page_hour"], expected.responses),
        "rating sum": (sums["rating_sum"], expected.rating_sum),
        "helpful yes": (sums["yes"], expected.helpful_yes),
        "inbox items": (sums["inbox"], expected.inbox),
        "dead letters": (dead, 0),
    }
    wrong = [f"{name} {got} != {exp}" for name, (got, exp) in checks.items() if got != exp]
    return not wrong, "; ".join(wrong) or (
        f"{events:,} events, {sums['unit_day']:,} responses, {sums['inbox']:,} inbox items"
    )


@dataclass
class PipelineResult:
    records: int
    distinct: int
    texts: int
    generate_s: float
    baseline_records: int
    baseline_s: float
    projected: int  # the feedback projection of the replay: the projector
    projector_s: float
    projector_cpu_s: float
    postgres_cpu_s: float
    replayed: int
    replay_s: float
    replay_verified: bool
    replay_detail: str
    projections: dict[str, tuple[int, float, float, float]]
    progress: list[tuple[float, int]]

    def projector_per_s_between(self, start: float, end: float) -> float | None:
        """The projector's rate while it went from ``start`` to ``end`` (shares of the records)."""
        return rate_between(self.progress, self.records, start, end)

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
    settings: Settings, model: OrgModel, scale: int, say: Any, postgres_cpu_s: Callable[[], float]
) -> PipelineResult:
    """Fill the topic with ``scale`` generated records, read them plainly, replay them into the (migrated,
    org-applied) database of ``settings``, verify."""
    partitions = settings.topic_partitions
    stream = FeedbackStream(model, scale, partitions)
    say(f"pipeline: generating {scale:,} feedback records onto the topic (3 years, 2,000 pages, 40 units)")
    generate_s = await produce(settings, settings.database_url, stream, say)
    expected = stream.expected
    say(f"pipeline: {expected.records:,} records ({expected.distinct:,} distinct, {expected.texts:,} with text) in "
        f"{generate_s:.1f} s ({expected.records / generate_s:,.0f}/s); baseline plain consumer …")  # fmt: skip
    seen, baseline_s = await plain_consume(settings, expected.records)
    say(f"pipeline: plain consumer read {seen:,} in {baseline_s:.2f} s; replay (stadtstimme replay) …")
    replayed = await run_replay(settings, postgres_cpu_s)
    projected, projector_s, cpu_s, pg_cpu_s = replayed.projections[CONSUMER]
    say(f"pipeline: replayed {replayed.records:,} in {replayed.seconds:.1f} s, of which the feedback projection "
        f"{projected:,} in {projector_s:.1f} s ({projected / projector_s:,.0f}/s); verifying")  # fmt: skip
    ok, detail = await verify(settings, expected)
    return PipelineResult(
        expected.records, expected.distinct, expected.texts, generate_s, seen, baseline_s, projected, projector_s,
        cpu_s, pg_cpu_s, replayed.records, replayed.seconds, ok, detail, replayed.projections, replayed.progress,
    )  # fmt: skip
