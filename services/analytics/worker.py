"""The projectors: consume a topic and keep its PostgreSQL read models effectively-once.

``Projector`` projects ``FeedbackSubmitted``; ``SurveyProjector``, ``SurveyResponseProjector`` and
``TriageProjector`` are the same loop over the survey and comment-triage topics, with their own decoding and
statements.

Each batch, its dedupe by event id and the next offsets are written in one transaction; on start the consumer
seeks to the offsets stored there ("storing offsets outside Kafka"). A crash at any point, a redelivery or a
replay therefore leaves the read models equal to the aggregate of the distinct events.

Partitions are assigned manually rather than through a consumer group: positions live in PostgreSQL, so
there is nothing for group management to add but rebalance pauses, and a restarted projector resumes at once.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any, ClassVar

import asyncpg
import orjson
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from prometheus_client import Counter, Gauge

from services.analytics import alert_store, alerting, store, survey_store, triage_store
from services.analytics.alert_store import AlertRow
from services.analytics.store import FeedbackRow
from services.analytics.survey_store import LifecycleRow, ResponseRow
from services.analytics.triage_store import TriageRow
from shared.contracts.alerts import ALERT_EVENT_TYPES
from shared.contracts.envelope import decode_as, decode_envelope
from shared.contracts.feedback import decode_feedback_event
from shared.contracts.surveys import SURVEY_RESPONSE_SUBMITTED, SurveyResponseSubmittedV1
from shared.contracts.surveys import SurveyStatusChangedV1 as StatusChanged
from shared.contracts.surveys import SurveyVersionPublishedV1 as VersionPublished
from shared.contracts.topics import (
    ALERTS,
    COMMENT_TRIAGE,
    EVENT_TYPES,
    FEEDBACK,
    SURVEY_RESPONSES,
    SURVEYS,
    Topic,
    topic_name,
)
from shared.contracts.triage import TRIAGE_EVENT_TYPES
from shared.settings import Settings

log = logging.getLogger(__name__)
CONSUMER = "analytics.projector"
YIELD_EVERY = 25

PROJECTED = Counter("stadtstimme_projector_records_total", "Records the projector has processed")
DEAD = Counter("stadtstimme_projector_dead_letters_total", "Records the projector could not decode")
LAG = Gauge("stadtstimme_projector_lag", "Records behind the end of the topic", ["partition"])


def to_row(record: ConsumerRecord[bytes, bytes]) -> FeedbackRow:
    """Decode one record; raises ``ValueError`` (pydantic's included) for anything not a valid event."""
    if record.value is None:
        raise ValueError("empty record")
    envelope, data = decode_feedback_event(record.value)
    return FeedbackRow(
        event_id=envelope.id,
        partition=record.partition,
        offset=record.offset,
        received_at=data.received_at,
        site_id=data.site,
        page_url=data.page_url,
        org_unit_id=data.org_unit,
        helpful=data.helpful,
        rating=data.rating,
        category=data.category,
        language=data.language,
        comment=data.comment,
        suggestion=data.suggestion,
        envelope=record.value.decode(),
        response_id=data.response_id,
        flags=",".join(data.flags),
    )


def to_lifecycle_row(record: ConsumerRecord[bytes, bytes]) -> LifecycleRow:
    if record.value is None:
        raise ValueError("empty record")
    envelope, data = decode_envelope(record.value, EVENT_TYPES)
    if not isinstance(data, VersionPublished | StatusChanged):
        raise ValueError(f"not a survey lifecycle event: {envelope.type}")
    return LifecycleRow(envelope.id, data, record.value.decode())


_TRIAGE_MODELS = tuple(e.data_model for e in TRIAGE_EVENT_TYPES)


def to_triage_row(record: ConsumerRecord[bytes, bytes]) -> TriageRow:
    if record.value is None:
        raise ValueError("empty record")
    envelope, data = decode_envelope(record.value, EVENT_TYPES)
    if not isinstance(data, _TRIAGE_MODELS):
        raise ValueError(f"not a comment triage event: {envelope.type}")
    return TriageRow(envelope.id, envelope.type, data, record.value.decode())  # type: ignore[arg-type]


_ALERT_MODELS = tuple(e.data_model for e in ALERT_EVENT_TYPES)


def to_alert_row(record: ConsumerRecord[bytes, bytes]) -> AlertRow:
    if record.value is None:
        raise ValueError("empty record")
    envelope, data = decode_envelope(record.value, EVENT_TYPES)
    if not isinstance(data, _ALERT_MODELS):
        raise ValueError(f"not a satisfaction alert event: {envelope.type}")
    return AlertRow(envelope.id, envelope.type, data, record.value.decode())  # type: ignore[arg-type]


def to_response_row(record: ConsumerRecord[bytes, bytes]) -> ResponseRow:
    if record.value is None:
        raise ValueError("empty record")
    envelope, data = decode_as(record.value, SURVEY_RESPONSE_SUBMITTED)
    assert isinstance(data, SurveyResponseSubmittedV1)
    return ResponseRow(
        event_id=envelope.id,
        response_id=data.response_id,
        partition=record.partition,
        offset=record.offset,
        received_at=data.received_at,
        envelope=record.value.decode(),
        survey_id=data.survey_id,
        survey_version=data.survey_version,
        site_id=data.site,
        page_url=data.page_url,
        org_unit_id=data.org_unit,
        language=data.language,
        dismissed=data.dismissed,
        flagged=bool(data.flags),
        answers=orjson.dumps(data.answers).decode(),
    )


@dataclass
class Prepared:
    rows: list[Any] = field(default_factory=list)
    dead: list[tuple[int, int, str, bytes]] = field(default_factory=list)
    offsets: dict[int, int] = field(default_factory=dict)


@dataclass
class Projector:
    settings: Settings
    pool: asyncpg.Pool
    TOPIC: ClassVar[Topic] = FEEDBACK
    NAME: ClassVar[str] = CONSUMER

    def __post_init__(self) -> None:
        self.topic = topic_name(self.TOPIC, self.settings.topic_prefix)
        self.consumer: AIOKafkaConsumer | None = None

    @staticmethod
    def decode(record: ConsumerRecord[bytes, bytes]) -> Any:
        """One record as a row for ``project``; raises ``ValueError`` for anything not a valid event."""
        return to_row(record)

    async def project(self, conn: asyncpg.Connection, rows: list[Any]) -> None:
        await store.project_feedback(conn, self.topic, rows, self.settings.timezone)

    async def _start(self) -> list[TopicPartition]:
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self.settings.kafka_bootstrap_servers,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            fetch_max_wait_ms=50,
            max_partition_fetch_bytes=4 * 1024 * 1024,
            client_id=f"stadtstimme-{self.NAME.replace('.', '-')}",
        )
        await consumer.start()
        self.consumer = consumer
        partitions = await self._partitions(consumer)
        consumer.assign(partitions)
        await self._seek_to_stored(consumer, partitions)
        return partitions

    async def _partitions(self, consumer: AIOKafkaConsumer) -> list[TopicPartition]:
        for _ in range(100):
            found = consumer.partitions_for_topic(self.topic)
            if found:
                return [TopicPartition(self.topic, p) for p in sorted(found)]
            await consumer._client.force_metadata_update()
            await asyncio.sleep(0.1)
        raise RuntimeError(f"topic {self.topic} does not exist; run `stadtstimme topics create`")

    async def _seek_to_stored(self, consumer: AIOKafkaConsumer, partitions: list[TopicPartition]) -> None:
        async with self.pool.acquire() as conn:
            stored = await store.load_offsets(conn, self.NAME, self.topic)
        beginnings = await consumer.beginning_offsets(partitions)
        ends = await consumer.end_offsets(partitions)
        for tp in partitions:
            position = stored.get(tp.partition)
            if position is None:
                consumer.seek(tp, beginnings[tp])
            elif position > ends[tp]:
                # The broker lost this partition's log (Tansu keeps it in memory; a restored archive starts
                # anew). Reading from the start is safe: already projected events are skipped by event id.
                log.warning("stored offset %s beyond end %s of %s: reading from the start", position, ends[tp], tp)
                consumer.seek(tp, beginnings[tp])
            else:
                if position < beginnings[tp]:
                    log.error("events %s..%s of %s were deleted before projection", position, beginnings[tp], tp)
                consumer.seek(tp, max(position, beginnings[tp]))

    async def prepare(self, batch: dict[TopicPartition, list[ConsumerRecord[bytes, bytes]]]) -> Prepared:
        """Decode a fetched batch: CPU work, done while the previous batch is written.

        It yields to the event loop every few hundred records. A batch statement is megabytes, more than the
        socket takes at once, and the rest of it only goes out while the loop runs; without these pauses
        PostgreSQL would wait for the end of the statement until decoding is done, and nothing would overlap.
        """
        prepared = Prepared()
        decoded = 0
        for tp, records in batch.items():
            for record in records:
                try:
                    prepared.rows.append(self.decode(record))
                except ValueError as exc:
                    prepared.dead.append((record.partition, record.offset, str(exc)[:2000], record.value or b""))
                decoded += 1
                if decoded % YIELD_EVERY == 0:
                    await asyncio.sleep(0)
            if records:
                prepared.offsets[tp.partition] = records[-1].offset + 1
        return prepared

    async def write(self, prepared: Prepared, sending: asyncio.Event | None = None) -> int:
        """Rows, dead letters and next offsets in one transaction: all of the batch or nothing.

        ``sending`` is set just before the projection statement goes out; the statement is sent before this
        task first yields, so a caller waiting for the event can do CPU work while PostgreSQL executes it."""
        async with self.pool.acquire() as conn, conn.transaction():
            # Safe without waiting for the WAL flush: rows and offsets commit together, so a database crash
            # that loses this transaction loses both, and the batch is simply read again.
            await conn.execute("SET LOCAL synchronous_commit = off")
            if sending is not None:
                sending.set()
            await self.project(conn, prepared.rows)
            if prepared.dead:
                await store.record_dead_letters(conn, self.NAME, self.topic, prepared.dead)
            await store.save_offsets(conn, self.NAME, self.topic, prepared.offsets)
        done = len(prepared.rows) + len(prepared.dead)
        PROJECTED.inc(done)
        if prepared.dead:
            DEAD.inc(len(prepared.dead))
            log.error("%d undecodable records sent to dead_letter", len(prepared.dead))
        return done

    async def run(self, stop: asyncio.Event | None = None, until_caught_up: bool = False) -> int:
        """Project until ``stop`` is set (or, with ``until_caught_up``, until the end offsets seen at start).

        Fetching and decoding the next batch overlaps with writing the previous one; batches are still
        written one after the other, in order.
        """
        stop = stop or asyncio.Event()
        partitions = await self._start()
        assert self.consumer is not None
        consumer = self.consumer
        targets = await consumer.end_offsets(partitions) if until_caught_up else {}
        total = 0
        writing: asyncio.Task[int] | None = None
        try:
            while not stop.is_set():
                batch = await consumer.getmany(timeout_ms=200, max_records=self.settings.projector_batch_size)
                prepared = await self.prepare(batch) if batch else None
                if writing is not None:
                    try:
                        total += await writing
                    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
                        # Nothing of that batch was committed: go back to the stored positions and retry.
                        log.exception("projection failed; retrying from the stored offsets")
                        writing = None
                        await asyncio.sleep(1.0)
                        await self._seek_to_stored(consumer, partitions)
                        continue
                    writing = None
                if prepared is not None:
                    # Decoding the next batch blocks the event loop, so let this write send its statement first.
                    sending = asyncio.Event()
                    writing = asyncio.create_task(self.write(prepared, sending))
                    await asyncio.wait([writing, asyncio.create_task(sending.wait())], return_when="FIRST_COMPLETED")
                # Both conditions: Tansu reports end offsets too low after some batches, so an empty fetch
                # is the proof that nothing is left.
                elif until_caught_up and await self._caught_up(targets):
                    break
            if writing is not None:
                total += await writing
        finally:
            await consumer.stop()
        return total

    async def _caught_up(self, targets: dict[TopicPartition, int]) -> bool:
        assert self.consumer is not None
        for tp, end in targets.items():
            if await self.consumer.position(tp) < end:
                return False
        return True


class SurveyProjector(Projector):
    """Survey definitions and lifecycle into ``survey``, ``survey_version`` and ``survey_event``."""

    TOPIC = SURVEYS
    NAME = "analytics.survey-projector"

    @staticmethod
    def decode(record: ConsumerRecord[bytes, bytes]) -> Any:
        return to_lifecycle_row(record)

    async def project(self, conn: asyncpg.Connection, rows: list[Any]) -> None:
        await survey_store.apply_lifecycle(conn, rows)


class SurveyResponseProjector(Projector):
    """Survey answers and dismissals into ``survey_response`` and ``survey_answer``."""

    TOPIC = SURVEY_RESPONSES
    NAME = "analytics.survey-response-projector"

    @staticmethod
    def decode(record: ConsumerRecord[bytes, bytes]) -> Any:
        return to_response_row(record)

    async def project(self, conn: asyncpg.Connection, rows: list[Any]) -> None:
        await survey_store.project_responses(conn, rows)


class TriageProjector(Projector):
    """What staff did with comments into ``comment_triage``, ``comment_note`` and ``comment_triage_event``."""

    TOPIC = COMMENT_TRIAGE
    NAME = "analytics.triage-projector"

    @staticmethod
    def decode(record: ConsumerRecord[bytes, bytes]) -> Any:
        return to_triage_row(record)

    async def project(self, conn: asyncpg.Connection, rows: list[Any]) -> None:
        await triage_store.apply_triage(conn, rows)


class AlertProjector(Projector):
    """Satisfaction alerts into ``satisfaction_alert`` and ``satisfaction_alert_event`` (the evaluator writes
    through the same function; this projection makes them rebuildable by replay)."""

    TOPIC = ALERTS
    NAME = "analytics.alert-projector"

    @staticmethod
    def decode(record: ConsumerRecord[bytes, bytes]) -> Any:
        return to_alert_row(record)

    async def project(self, conn: asyncpg.Connection, rows: list[Any]) -> None:
        await alert_store.apply_alerts(conn, rows)


PROJECTORS: tuple[type[Projector], ...] = (
    Projector,
    SurveyProjector,
    SurveyResponseProjector,
    TriageProjector,
    AlertProjector,
)


async def run_all(settings: Settings, pool: asyncpg.Pool, stop: asyncio.Event) -> None:
    """Every projector and the satisfaction-alert evaluator, side by side, until ``stop`` is set; one failing
    stops the others."""
    await asyncio.gather(*(p(settings, pool).run(stop) for p in PROJECTORS), alerting.run(settings, pool, stop))
