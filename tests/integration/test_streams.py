"""The faust aggregator on the real broker: the latest published state of every bucket equals totals computed
here from the events, duplicates and undecodable records included, also across a restart of the worker."""

from __future__ import annotations

import asyncio
import random
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from services.analytics.streams import Aggregation, app_id, datadir
from shared.contracts import FEEDBACK_SUBMITTED_V1, decode_envelope, encode_envelope
from shared.contracts.envelope import EventType
from shared.contracts.feedback import FeedbackSubmittedV1, FeedbackSubmittedV2
from shared.contracts.metrics import SatisfactionAggregateUpdatedV1, aggregate_event_id
from shared.contracts.topics import EVENT_TYPES, FEEDBACK, SATISFACTION_METRICS, topic_name
from shared.kafka import ensure_topics, start_producer
from shared.settings import Settings
from stadtstimme.infra import REPO, settings_env

WAIT_S = 60.0
UNITS = {"https://www.musterstadt.de/buergeramt/": ("buergeramt", "www"),
         "https://www.musterstadt.de/buergeramt/ausweis": ("buergeramt", "www"),
         "https://www.musterstadt.de/kfz/zulassung": ("kfz", "www"),
         "https://service.musterstadt.de/kfz/termin": ("kfz", "service"),
         "https://service.musterstadt.de/abfall/kalender": ("umwelt", "service")}  # fmt: skip


@dataclass(frozen=True)
class Sent:
    event_id: uuid.UUID
    page_url: str
    org_unit: str
    site: str
    helpful: bool | None
    rating: int | None
    received_at: datetime

    def encode(self) -> bytes:
        data = FeedbackSubmittedV1(
            site=self.site, page_url=self.page_url, org_unit=self.org_unit, helpful=self.helpful,
            rating=self.rating, received_at=self.received_at,
        )  # fmt: skip
        return encode_envelope(
            FEEDBACK_SUBMITTED_V1, self.event_id, "/test", self.received_at, data.model_dump(), self.page_url
        )


def make_events(rng: random.Random, n: int, start: datetime, span: timedelta) -> list[Sent]:
    events = []
    for _ in range(n):
        url = rng.choice(sorted(UNITS))
        helpful = rng.choice([True, False, None])
        rating = rng.choice([None, 1, 2, 3, 4, 5]) if helpful is not None else rng.randint(1, 5)
        received = start + timedelta(seconds=rng.uniform(0, span.total_seconds()))
        events.append(Sent(uuid.UUID(int=rng.getrandbits(128)), url, *UNITS[url], helpful, rating, received))
    return events


def expected_buckets(counted: list[Sent], tz: ZoneInfo) -> dict[tuple[str, str, str, datetime], dict[str, Any]]:
    """Totals per bucket, computed independently of the aggregator (hours via epoch arithmetic in UTC)."""
    totals: dict[tuple[str, str, str, datetime], dict[str, Any]] = defaultdict(
        lambda: {"responses": 0, "helpful_yes": 0, "helpful_no": 0, "ratings": []}
    )
    for e in counted:
        local = e.received_at.astimezone(tz)
        hour = datetime.fromtimestamp(int(e.received_at.timestamp()) // 3600 * 3600, UTC)  # whole-hour offsets
        day = datetime(local.year, local.month, local.day, tzinfo=tz).astimezone(UTC)
        for scope, key in (("page", e.page_url), ("org_unit", e.org_unit)):
            for granularity, bucket in (("hour", hour), ("day", day)):
                t = totals[(scope, key, granularity, bucket)]
                t["responses"] += 1
                t["helpful_yes"] += e.helpful is True
                t["helpful_no"] += e.helpful is False
                if e.rating is not None:
                    t["ratings"].append(e.rating)
                t["org_unit"] = e.org_unit
                t["site"] = e.site if scope == "page" else None
    result = {}
    for k, t in totals.items():
        ratings = t["ratings"]
        result[k] = {
            "org_unit": t["org_unit"],
            "site": t["site"],
            "responses": t["responses"],
            "helpful_yes": t["helpful_yes"],
            "helpful_no": t["helpful_no"],
            "rating_count": len(ratings),
            "rating_sum": sum(ratings),
            "rating_mean": sum(ratings) / len(ratings) if ratings else None,
            "rating_distribution": {str(v): ratings.count(v) for v in range(1, 6)},
        }
    return result


class MetricsReader:
    """Reads the metrics topic from the start and keeps the latest message per key."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.topic = topic_name(SATISFACTION_METRICS, settings.topic_prefix)
        self.consumer = AIOKafkaConsumer(bootstrap_servers=settings.kafka_bootstrap_servers, enable_auto_commit=False)
        self.latest: dict[bytes, bytes] = {}
        self.messages = 0

    async def start(self) -> None:
        await self.consumer.start()
        tps = [TopicPartition(self.topic, p) for p in range(self.settings.topic_partitions)]
        self.consumer.assign(tps)
        await self.consumer.seek_to_beginning(*tps)
        self.tps = tps

    async def read_to_end(self) -> None:
        ends = await self.consumer.end_offsets(self.tps)
        while [tp for tp, end in ends.items() if await self.consumer.position(tp) < end]:
            for records in (await self.consumer.getmany(timeout_ms=200)).values():
                for r in records:
                    assert r.key is not None and r.value is not None
                    self.latest[r.key] = r.value
                    self.messages += 1

    def states(self) -> dict[tuple[str, str, str, datetime], tuple[str, Any, SatisfactionAggregateUpdatedV1]]:
        out = {}
        for key, value in self.latest.items():
            envelope, data = decode_envelope(value, EVENT_TYPES)
            assert isinstance(data, SatisfactionAggregateUpdatedV1)
            out[(data.scope, data.key, data.granularity, data.bucket_start.astimezone(UTC))] = (
                key.decode(), envelope, data,
            )  # fmt: skip
        return out


def figures(data: SatisfactionAggregateUpdatedV1) -> dict[str, Any]:
    return data.model_dump(exclude={"scope", "key", "granularity", "bucket_start", "as_of_event"})


async def caught_up(
    settings: Settings, admin: AIOKafkaAdminClient, probe: AIOKafkaConsumer, produced: dict[TopicPartition, int]
) -> bool:
    """Has the aggregator committed offsets at the end of both its input topics (feedback, repartition)?

    ``probe`` has the aggregator's group id but never joins the group; it only fetches committed offsets.
    ``produced``: the feedback topic's end offsets as seen when producing (Tansu's ListOffsets reports less).
    """
    topics = (topic_name(FEEDBACK, settings.topic_prefix), f"{app_id(settings)}-org-unit-repartition")
    if not set(topics) <= set(await admin.list_topics()):
        return False  # the worker creates the repartition topic when it starts
    for topic in topics:
        ends = await probe.end_offsets([TopicPartition(topic, p) for p in range(settings.topic_partitions)])
        for tp, end in ends.items():
            end = max(end, produced.get(tp, 0))
            done = await probe.committed(tp)
            if end > 0 and (done is None or done < end):
                return False
    return True


class Worker:
    def __init__(self, settings: Settings, log: Path) -> None:
        self.settings = settings
        self.log = log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "stadtstimme.cli", "worker", "aggregator"],
                env=settings_env(self.settings), cwd=REPO, stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip

    def stop(self, timeout: float = 30.0) -> int | None:
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-6000:] if self.log.exists() else "(no log)"


async def produce(settings: Settings, records: list[tuple[str, bytes]], ends: dict[TopicPartition, int]) -> None:
    """Send to the feedback topic in this order (keyed by page URL); ``ends`` gets the end offsets written."""
    producer = await start_producer(settings)
    try:
        topic = topic_name(FEEDBACK, settings.topic_prefix)
        futures = [await producer.send(topic, value, key=key.encode()) for key, value in records]
        for meta in await asyncio.gather(*futures):
            tp = TopicPartition(meta.topic, meta.partition)
            ends[tp] = max(ends.get(tp, 0), meta.offset + 1)
    finally:
        await producer.stop()


async def wait_for_totals(
    settings: Settings, worker: Worker, reader: MetricsReader, counted: list[Sent], produced: dict[TopicPartition, int]
) -> dict[tuple[str, str, str, datetime], tuple[str, Any, SatisfactionAggregateUpdatedV1]]:
    """Wait (bounded) until the worker has committed all input, then compare the latest states with the totals."""
    expected = expected_buckets(counted, ZoneInfo(settings.timezone))
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    probe = AIOKafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap_servers, group_id=app_id(settings), enable_auto_commit=False
    )
    await admin.start()
    await probe.start()
    deadline = time.monotonic() + WAIT_S
    try:
        while True:
            assert worker.proc is not None and worker.proc.poll() is None, f"worker exited:\n{worker.tail()}"
            done = await caught_up(settings, admin, probe, produced)
            await reader.read_to_end()
            states = reader.states()
            actual = {k: figures(d) for k, (_, _, d) in states.items()}
            if done and actual == expected:
                return states
            if time.monotonic() > deadline:
                missing = sorted(set(expected) - set(actual), key=str)[:5]
                wrong = [(k, expected[k], actual[k]) for k in expected if k in actual and actual[k] != expected[k]]
                extra = sorted(set(actual) - set(expected), key=str)[:5]
                raise AssertionError(
                    f"caught up: {done}; {len(expected)} buckets expected, {len(actual)} published\n"
                    f"missing: {missing}\nextra: {extra}\nwrong: {wrong[:3]}\nworker log:\n{worker.tail()}"
                )
            await asyncio.sleep(0.5)
    finally:
        await probe.stop()
        await admin.close()


def check_envelopes(
    states: dict[tuple[str, str, str, datetime], tuple[str, Any, SatisfactionAggregateUpdatedV1]],
    counted: list[Sent],
    tz: ZoneInfo,
) -> None:
    """Message keys, bucket starts in the time zone, deterministic ids and ``as_of_event`` of page buckets."""
    last_per_page_bucket: dict[tuple[str, str, datetime], uuid.UUID] = {}
    for e in counted:  # pages: one partition, so processing order is the order produced
        for granularity, bucket in (
            ("hour", datetime.fromtimestamp(int(e.received_at.timestamp()) // 3600 * 3600, UTC)),
            ("day", datetime(*e.received_at.astimezone(tz).timetuple()[:3], tzinfo=tz).astimezone(UTC)),
        ):
            last_per_page_bucket[(e.page_url, granularity, bucket)] = e.event_id
    ids = {e.event_id for e in counted}
    for (scope, key, granularity, bucket), (message_key, envelope, data) in states.items():
        local = data.bucket_start
        assert local.utcoffset() == bucket.astimezone(tz).utcoffset(), (message_key, local)
        if granularity == "day":
            assert (local.hour, local.minute) == (0, 0), message_key
        assert message_key == f"{scope}|{key}|{granularity}|{local.isoformat()}"
        assert envelope.id == aggregate_event_id(message_key, data.as_of_event, data.responses)
        assert envelope.subject == message_key
        assert data.as_of_event in ids
        if scope == "page":
            assert data.as_of_event == last_per_page_bucket[(key, granularity, bucket)], message_key


async def test_aggregates_equal_independent_totals_across_a_restart(settings: Settings) -> None:
    await ensure_topics(settings)
    produced: dict[TopicPartition, int] = {}
    tz = ZoneInfo(settings.timezone)
    rng = random.Random(20250330)
    # Around the switch to summer time in Berlin (2025-03-30 01:00 UTC) and across a local midnight.
    events = make_events(rng, 240, datetime(2025, 3, 29, 21, 0, tzinfo=UTC), timedelta(hours=7))
    first, second = events[:150], events[150:]
    # Duplicates: the same record again, and retried submissions (same id, later received_at, other bucket).
    dup_first = [e if i % 2 else replace(e, received_at=e.received_at + timedelta(minutes=90))
                 for i, e in enumerate(rng.sample(first, 30))]  # fmt: skip
    junk = [
        b"not json at all",
        encode_envelope(EventType("de.example.unknown", 1, FeedbackSubmittedV1), uuid.uuid4(), "/t",
                        datetime.now(UTC), {"x": 1}),
        encode_envelope(FEEDBACK_SUBMITTED_V1, uuid.uuid4(), "/t", datetime.now(UTC),
                        {"site": "www", "page_url": "https://x/", "org_unit": "x", "rating": 9,
                         "received_at": datetime.now(UTC)}),
    ]  # fmt: skip
    await produce(
        settings,
        [(e.page_url, e.encode()) for e in first]
        + [("https://www.musterstadt.de/buergeramt/", j) for j in junk]
        + [(e.page_url, e.encode()) for e in dup_first],
        produced,
    )

    log = REPO / "var" / "test" / f"aggregator-{settings.topic_prefix.rstrip('.')}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    worker = Worker(settings, log)
    reader = MetricsReader(settings)
    await reader.start()
    worker.start()
    try:
        # While it runs: the rest of the events, duplicates of old and new ones among them.
        dups = rng.sample(events, 25)
        await produce(settings, [(e.page_url, e.encode()) for e in second + dups], produced)
        states = await wait_for_totals(settings, worker, reader, events, produced)
        check_envelopes(states, events, tz)
        published = reader.messages

        # Restart: tables and dedupe markers come back from the changelogs; duplicates still count once.
        assert worker.stop() == 0, f"worker did not stop cleanly:\n{worker.tail()}"
        # A backlog while it is down: duplicates of counted events and new ones.
        later = make_events(rng, 20, datetime(2025, 3, 30, 4, 0, tzinfo=UTC), timedelta(hours=2))
        again = rng.sample(events, 25)
        await produce(settings, [(e.page_url, e.encode()) for e in again + later], produced)
        worker.start()
        states = await wait_for_totals(settings, worker, reader, events + later, produced)
        check_envelopes(states, events + later, tz)
        assert reader.messages > published
    finally:
        code = worker.stop()
        await reader.consumer.stop()
        shutil.rmtree(datadir(settings), ignore_errors=True)
    assert code == 0, f"worker exit code {code}:\n{worker.tail()}"
    log.unlink()  # kept only when the test fails


class _Table(dict[str, Any]):
    """A plain dict has everything ``Aggregation`` uses of a faust table."""


def _event(received_at: datetime, rating: int | None = 4, **fields: Any) -> FeedbackSubmittedV2:
    fields.setdefault("response_id", uuid.uuid4())
    return FeedbackSubmittedV2(
        site="www", page_url="https://p/", org_unit="u", rating=rating, received_at=received_at, **fields
    )


def test_a_response_in_parts_counts_once_in_its_first_bucket() -> None:
    agg = Aggregation("page", _Table(), ZoneInfo("Europe/Berlin"))
    t0 = datetime(2026, 11, 27, 9, 59, tzinfo=UTC)
    first, follow, bot = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    agg.count(0, "https://p/", str(first), _event(t0, rating=None, helpful=True, response_id=first))
    out = agg.count(0, "https://p/", str(follow), _event(t0 + timedelta(minutes=2), rating=2, helpful=False,
                                                          comment="Fehlt", response_id=first))  # fmt: skip
    hour = {k: d for k, d, _ in out}["page|https://p/|hour|2026-11-27T10:00:00+01:00"]
    assert (hour["responses"], hour["helpful_yes"], hour["helpful_no"], hour["rating_sum"]) == (1, 1, 0, 2)
    assert agg.count(0, "https://p/", str(bot), _event(t0, rating=5, flags=("too_fast",))) == []


def test_dedupe_markers_expire_after_the_horizon() -> None:
    tz = ZoneInfo("Europe/Berlin")
    table = _Table()
    agg = Aggregation("page", table, tz)
    t0 = datetime(2025, 10, 26, 0, 30, tzinfo=UTC)  # 02:30 CEST, the hour before the clocks go back
    a, b, c = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    agg.count(0, "https://p/", str(a), _event(t0))
    # A retried submission of the same event, received later: not counted, the original buckets re-published.
    out = agg.count(0, "https://p/", str(a), _event(t0 + timedelta(hours=3), rating=1))
    assert [d["responses"] for _, d, _ in out] == [1, 1]
    assert out[0][0] == "page|https://p/|hour|2025-10-26T02:00:00+02:00"
    # 47 h later the marker is still there; after 49 h it is gone and the same id would count again.
    agg.count(0, "https://p/", str(b), _event(t0 + timedelta(hours=47)))
    assert "seen|" + str(a) in table
    agg.count(0, "https://p/", str(c), _event(t0 + timedelta(hours=49)))
    assert "seen|" + str(a) not in table and "seen|" + str(b) in table
    # A fresh Aggregation on the same table (a restart) rebuilds its expiry index from the markers.
    again = Aggregation("page", table, tz)
    again.count(0, "https://p/", str(c), _event(t0 + timedelta(hours=49)))
    assert table["page|https://p/|hour|2025-10-28T02:00:00+01:00"]["responses"] == 1
    assert table["page|https://p/|day|2025-10-28T00:00:00+01:00"]["responses"] == 2  # b and c
    expiring = sorted(v[0] for k, v in table.items() if k.startswith(("seen|", "response|")))
    assert sorted(ts for ts, _ in again._expiry[0]) == expiring  # markers and response states


async def test_end_offsets_count_every_record(settings: Settings, broker: Any, request: pytest.FixtureRequest) -> None:
    """Why the aggregator sends one record per batch on Tansu (``streams.one_record_batches``)."""
    if broker.kind == "tansu":
        request.applymarker(
            pytest.mark.xfail(strict=True, reason="Tansu: ListOffsets(latest) = base offset of last batch + 1")
        )
    await ensure_topics(settings, [FEEDBACK])
    producer = await start_producer(settings)
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.kafka_bootstrap_servers)
    await consumer.start()
    try:
        tp = TopicPartition(topic_name(FEEDBACK, settings.topic_prefix), 0)
        futures = [await producer.send(tp.topic, b"x%d" % i, partition=0) for i in range(5)]  # one batch
        last = max(m.offset for m in await asyncio.gather(*futures))
        assert (await consumer.end_offsets([tp]))[tp] == last + 1
    finally:
        await consumer.stop()
        await producer.stop()
