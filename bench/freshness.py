"""Freshness benchmark: how long after its 202 a feedback shows up in the staff metrics API.

With ``stadtstimme serve --services ingest,analytics`` and ``stadtstimme worker projector`` running, single
events are POSTed at a modest paced rate, each to a page path of its own. A poller asks the metrics API
(``GET /api/v1/metrics/pages?url_prefix=…&granularity=hour``) every ``POLL_INTERVAL_S`` for the groups of ten
pages that still have an acknowledged but invisible event: one small query per pending group per tick,
however many events are pending. Visibility is stamped when the poll's answer arrives (a conservative bound).

Baseline: the same events seen by a plain aiokafka consumer with the projector's fetch settings, tailing the
topic in this process: the part of the delay that Kafka alone causes.

With ``load_rate``, the same is measured while generated feedback for the demo city's pages (bench/generate.py's
bytes, as ingest publishes them, with their data keys) goes onto the topic at that rate beside the probes, so that
the projector is busy: every probe waits behind the records that arrived before it.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import asyncpg
import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from generate import FeedbackStream, add_chunk
from httpclient import FEEDBACK_PATH, ORIGIN, Connection, HttpError, citizen_headers, feedback_body, get, post_json

from shared.contracts.topics import FEEDBACK, topic_name
from shared.orgmodel import OrgModel
from shared.settings import Settings

POLL_INTERVAL_S = 0.02
GROUP = 10
VISIBLE_TIMEOUT_S = 10.0


@dataclass
class FreshnessResult:
    sent: int = 0
    acked: int = 0
    errors: int = 0
    visible: list[float] = field(default_factory=list)  # seconds from 202 to visible in the API
    broker: list[float] = field(default_factory=list)  # seconds from 202 to read by a plain consumer
    invisible: int = 0
    poll_latency: list[float] = field(default_factory=list)  # seconds per metrics API answer
    duration_s: float = 0.0
    load_rate: float = 0.0  # generated records/s put onto the topic beside the probes (0: none)
    load_sent: int = 0


class _Tail:
    """A plain consumer at the end of the topic, stamping when each event id arrives."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.seen: dict[str, float] = {}
        self.consumer: AIOKafkaConsumer | None = None
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        topic = topic_name(FEEDBACK, self.settings.topic_prefix)
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self.settings.kafka_bootstrap_servers,
            enable_auto_commit=False,
            fetch_max_wait_ms=50,
            client_id="bench-freshness-tail",
        )
        await consumer.start()
        self.consumer = consumer
        await consumer._client.force_metadata_update()  # as the projector does
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        consumer.assign(partitions)
        await consumer.seek_to_end(*partitions)
        for tp in partitions:
            await consumer.position(tp)  # resolve the lazy seek before the first event is sent
        self.task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        assert self.consumer is not None
        while True:
            batch = await self.consumer.getmany(timeout_ms=200)
            now = time.perf_counter()
            for records in batch.values():
                for r in records:
                    if r.value is not None:
                        self.seen.setdefault(orjson.loads(r.value)["id"], now)

    async def stop(self) -> None:
        if self.task:
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)
        if self.consumer:
            await self.consumer.stop()


TICK_S = 0.05


async def _load(settings: Settings, model: OrgModel, rate: float, duration: float, stop: asyncio.Event) -> int:
    """Generated feedback records for ``model``'s pages onto the feedback topic at ``rate`` a second (one send per
    partition every ``TICK_S``, acks=all), their data keys into ``data_key``, until ``stop``; how many were sent."""
    topic = topic_name(FEEDBACK, settings.topic_prefix)
    producer = AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap_servers, acks="all", client_id="bench-freshness-load"
    )
    conn = await asyncpg.connect(settings.database_url)
    await producer.start()
    sent = 0
    try:
        partitions = sorted(await producer.partitions_for(topic))
        stream = FeedbackStream(model, int(rate * (duration + 60)), len(partitions), seed=7)
        start = time.perf_counter()
        for tick, chunk in enumerate(stream.chunks(max(1, round(rate * TICK_S)))):
            if stop.is_set():
                break
            await asyncio.sleep(max(0.0, start + tick * TICK_S - time.perf_counter()))
            batches = {p: producer.create_batch() for p in partitions}
            await add_chunk(conn, producer, topic, batches, chunk)
            for partition, batch in batches.items():
                if batch.record_count():
                    await producer.send_batch(batch, topic, partition=partition)
            sent += len(chunk.records)
        await producer.flush()
    finally:
        await producer.stop()
        await conn.close()
    return sent


async def measure_freshness(
    settings: Settings,
    port: int,
    rate: float,
    duration: float,
    say: Any,
    load_rate: float = 0.0,
    model: OrgModel | None = None,
) -> FreshnessResult:
    run = uuid.uuid4().hex[:8]
    base = f"{ORIGIN}/bench/fresh-{run}"
    auth = b"Authorization: Bearer %s\r\n" % settings.metrics_token.get_secret_value().encode()
    total = max(1, int(rate * duration))
    result = FreshnessResult(load_rate=load_rate)
    acked_at: dict[int, float] = {}
    event_ids: dict[int, str] = {}
    visible_at: dict[int, float] = {}
    poll_conn = Connection(port)

    def page(i: int) -> str:
        return f"{base}/g{i // GROUP:04d}/e{i:05d}"

    async def visible_pages(prefix: str) -> set[str]:
        query = f"/api/v1/metrics/pages?granularity=hour&limit=1000&url_prefix={quote(prefix, safe='')}"
        asked = time.perf_counter()
        status, body = await poll_conn.request(get(port, query, auth))
        result.poll_latency.append(time.perf_counter() - asked)
        if status != 200:
            raise HttpError(f"metrics API answered {status}: {body[:200]!r}")
        return {item["page_url"] for item in orjson.loads(body)["items"] if item["totals"]["responses"] > 0}

    # Warm-up: one event through the whole path proves that ingest, projector and API are running.
    warm_conn = Connection(port)
    _, body = feedback_body(0, f"{base}/warmup")
    status, answer = await warm_conn.request(post_json(port, FEEDBACK_PATH, body, citizen_headers(0)))
    if status != 202:
        raise RuntimeError(f"warm-up feedback answered {status}: {answer[:300]!r}")
    deadline = time.monotonic() + 60
    while f"{base}/warmup" not in await visible_pages(f"{base}/warmup"):
        if time.monotonic() > deadline:
            raise RuntimeError("warm-up feedback not visible in the metrics API after 60 s; is the projector up?")
        await asyncio.sleep(0.1)

    tail = _Tail(settings)
    await tail.start()
    conns: asyncio.Queue[Connection] = asyncio.Queue()
    conns.put_nowait(warm_conn)
    for _ in range(3):
        conns.put_nowait(Connection(port))
    sending_done = asyncio.Event()

    async def send(i: int) -> None:
        conn = await conns.get()
        try:
            event_id, body = feedback_body(i, page(i))
            status, answer = await conn.request(post_json(port, FEEDBACK_PATH, body, citizen_headers(i + 1)))
            if status == 202:
                acked_at[i] = time.perf_counter()
                event_ids[i] = str(event_id)
                result.acked += 1
            else:
                result.errors += 1
                say(f"freshness: POST answered {status}: {answer[:200]!r}")
        except HttpError as exc:
            result.errors += 1
            say(f"freshness: POST failed: {exc}")
        finally:
            conns.put_nowait(conn)

    async def sender() -> None:
        start = time.perf_counter()
        tasks = []
        for i in range(total):
            await asyncio.sleep(max(0.0, start + i / rate - time.perf_counter()))
            tasks.append(asyncio.create_task(send(i)))
            result.sent += 1
        await asyncio.gather(*tasks)
        sending_done.set()

    async def poller() -> None:
        last_progress = time.monotonic()
        while True:
            tick = time.perf_counter()
            pending = {i for i in acked_at if i not in visible_at}
            if not pending and sending_done.is_set():
                return
            for g in sorted({i // GROUP for i in pending}):
                found = await visible_pages(f"{base}/g{g:04d}/")
                now = time.perf_counter()
                for i in pending:
                    if i // GROUP == g and page(i) in found:
                        visible_at[i] = now
                        last_progress = time.monotonic()
            if sending_done.is_set() and time.monotonic() - last_progress > VISIBLE_TIMEOUT_S:
                return
            await asyncio.sleep(max(0.0, tick + POLL_INTERVAL_S - time.perf_counter()))

    stop_load = asyncio.Event()
    load = None
    if load_rate and model is not None:
        load = asyncio.create_task(_load(settings, model, load_rate, duration, stop_load))
        await asyncio.sleep(2.0)  # the projector busy before the first probe

    async def probes() -> None:
        await sender()
        stop_load.set()

    started = time.perf_counter()
    try:
        await asyncio.gather(probes(), poller())
        result.duration_s = time.perf_counter() - started
        await asyncio.sleep(0.3)  # let the tail consumer see the last events
    finally:
        stop_load.set()
        if load is not None:
            result.load_sent = await load
        await tail.stop()
        poll_conn.close()
        while not conns.empty():
            conns.get_nowait().close()
    for i, acked in acked_at.items():
        if i in visible_at:
            result.visible.append(visible_at[i] - acked)
        else:
            result.invisible += 1
        if event_ids[i] in tail.seen:
            result.broker.append(tail.seen[event_ids[i]] - acked)
    return result
