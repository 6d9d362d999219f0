"""Consumers that keep their positions in PostgreSQL, next to what they write ("storing offsets outside Kafka").

Each batch, its rows and the next offsets are written in one transaction; on start the consumer seeks to the
offsets stored there. A crash at any point, a redelivery or a replay therefore leaves what it wrote equal to the
effect of the distinct events, as long as ``project`` is idempotent (by event id). The analytics projectors, the
notifier and the hackathon projector are all this loop with their own ``decode`` and ``project``.

Partitions are assigned manually rather than through a consumer group: positions live in PostgreSQL, so
there is nothing for group management to add but rebalance pauses, and a restarted consumer resumes at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import asyncpg
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from prometheus_client import Counter
from pydantic import BaseModel

from shared.contracts.envelope import Envelope, EventType, decode_envelope
from shared.contracts.topics import EVENT_TYPES, Topic, topic_name
from shared.settings import Settings

log = logging.getLogger(__name__)
YIELD_EVERY = 25

PROJECTED = Counter("stadtstimme_projector_records_total", "Records the projector has processed")
DEAD = Counter("stadtstimme_projector_dead_letters_total", "Records the projector could not decode")


def decode_record(
    record: ConsumerRecord[bytes, bytes], expected: Sequence[EventType], what: str
) -> tuple[Envelope, BaseModel]:
    """A record's envelope and data, if it is one of the ``expected`` events (``ValueError`` otherwise: the record
    becomes a dead letter)."""
    if record.value is None:
        raise ValueError("empty record")
    envelope, data = decode_envelope(record.value, EVENT_TYPES)
    if not isinstance(data, tuple(e.data_model for e in expected)):
        raise ValueError(f"not {what}: {envelope.type}")
    return envelope, data


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


@dataclass
class Prepared:
    rows: list[Any] = field(default_factory=list)
    dead: list[tuple[int, int, str, bytes]] = field(default_factory=list)
    offsets: dict[int, int] = field(default_factory=dict)


@dataclass
class OffsetConsumer:
    """Consume ``TOPIC`` with positions stored in PostgreSQL under ``NAME``; subclasses decode and project."""

    settings: Settings
    pool: asyncpg.Pool
    TOPIC: ClassVar[Topic]
    NAME: ClassVar[str]

    def __post_init__(self) -> None:
        self.topic = topic_name(self.TOPIC, self.settings.topic_prefix)
        self.consumer: AIOKafkaConsumer | None = None

    @staticmethod
    def decode(record: ConsumerRecord[bytes, bytes]) -> Any:
        """One record as a row for ``project``; raises ``ValueError`` for anything not a valid event."""
        raise NotImplementedError

    async def project(self, conn: asyncpg.Connection, rows: list[Any]) -> None:
        """Write the rows, inside the transaction that also stores the positions."""
        raise NotImplementedError

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
            stored = await load_offsets(conn, self.NAME, self.topic)
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
                await record_dead_letters(conn, self.NAME, self.topic, prepared.dead)
            await save_offsets(conn, self.NAME, self.topic, prepared.offsets)
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
