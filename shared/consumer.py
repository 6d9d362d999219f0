"""Consumers that keep their positions in PostgreSQL, next to what they write ("storing offsets outside Kafka").

Each batch, its rows and the next offsets are written in one transaction; on start the consumer seeks to the
offsets stored there. A crash at any point, a redelivery or a replay therefore leaves what it wrote equal to the
effect of the distinct events, as long as ``project`` is idempotent (by event id). The analytics projectors, the
notifier and the hackathon projector are all this loop with their own ``decode`` and ``project``.

Every consumer is a member of its consumer group (``group_id``: one per ``NAME``), so any number of instances
share its partitions, and when one dies the others take its partitions over within the session timeout. The group
only decides who reads which partition; the positions stay in PostgreSQL. On assignment a rebalance listener seeks
each partition to its stored position; on revocation it waits for the batch being written and stops anything
fetched before from being written (an assignment generation), so the next owner starts exactly where this one
stopped: no record is applied twice, none is skipped. Replay and tools (``run(until_caught_up=True)``) read every
partition alone, without a group.

A batch's positions are stored only if the stored ones are still those this instance read or wrote last
(``advance_offsets``: compare and set). Otherwise a write it was told had committed is gone (PostgreSQL crashed before
an asynchronous commit reached its WAL, and the pool quietly connected anew), or another instance wrote the
partition meanwhile: the batch is not written, and the partitions are read again from what is stored. Without this,
the next batch's positions would skip the lost one's records for good (found by the chaos suite).

A batch is also written only while the database's schema is not newer than this code (``SchemaNewer``: fatal, the
process ends). During a rolling upgrade the new version migrates on start while instances of the old one still
run; a migration that backfills a new read model from existing ones locks those tables first, so each old batch
commits either before the backfill (and is in it) or not at all.

A record that cannot be decoded goes to ``dead_letter`` at once. A batch whose write fails for a reason that is not
transient (``TRANSIENT``: the database or the network away) is tried ``ATTEMPTS`` times, then written record by
record, and the records that still fail go to ``dead_letter`` with their error; the partition moves on.
``stadtstimme dead-letters`` lists them and publishes them again once their cause is fixed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import asyncpg
from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, ConsumerRecord, TopicPartition
from aiokafka.errors import KafkaError
from prometheus_client import Counter
from pydantic import BaseModel

from shared.contracts.envelope import Envelope, EventType, decode_envelope
from shared.contracts.topics import EVENT_TYPES, Topic, topic_name
from shared.db import migrations
from shared.settings import Settings

log = logging.getLogger(__name__)
YIELD_EVERY = 25

PROJECTED = Counter("stadtstimme_projector_records_total", "Records the projector has processed")
DEAD = Counter("stadtstimme_projector_dead_letters_total", "Records set aside: undecodable, or failing their handler")


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


class SchemaNewer(RuntimeError):
    """The database was migrated by a newer version of Stadtstimme: this process must not write its read models."""


KNOWN_SCHEMA = max(version for version, _name, _sql in migrations())  # the newest migration this code ships


async def schema_fence(conn: asyncpg.Connection) -> None:
    """Raise ``SchemaNewer`` if a migration newer than this code has been applied. Called last in a batch's
    transaction: a migration that locked a table this batch wrote has committed by then, and is seen."""
    applied = await conn.fetchval("SELECT max(version) FROM schema_migration")
    if applied is not None and applied > KNOWN_SCHEMA:
        raise SchemaNewer(f"the database has migration {applied}, this code knows {KNOWN_SCHEMA}: a newer version "
                          "runs; this instance stops writing")  # fmt: skip


class PositionsMoved(Exception):
    """The stored positions are not those this instance read or wrote last (see the module's docstring)."""


async def advance_offsets(
    conn: asyncpg.Connection, consumer: str, topic: str, offsets: dict[int, int], known: dict[int, int | None]
) -> None:
    """Store ``offsets`` where the stored positions are still ``known`` (``None``: none stored); raises
    ``PositionsMoved`` for any partition where they are not (nothing is stored then: the caller's transaction
    rolls back). The rows stay locked until it ends."""
    partitions = list(offsets)
    moved = await conn.fetchval(
        """WITH target AS (
               SELECT * FROM unnest($3::int[], $4::bigint[], $5::bigint[]) AS u(p, was, o)
           ), updated AS (
               UPDATE consumer_offset c SET next_offset = t.o FROM target t
               WHERE c.consumer = $1 AND c.topic = $2 AND c.kafka_partition = t.p AND c.next_offset = t.was
               RETURNING c.kafka_partition
           ), inserted AS (
               INSERT INTO consumer_offset (consumer, topic, kafka_partition, next_offset)
               SELECT $1, $2, p, o FROM target WHERE was IS NULL
               ON CONFLICT (consumer, topic, kafka_partition) DO NOTHING
               RETURNING kafka_partition
           )
           SELECT array_agg(p ORDER BY p) FROM target
           WHERE p NOT IN (SELECT kafka_partition FROM updated UNION ALL SELECT kafka_partition FROM inserted)""",
        consumer,
        topic,
        partitions,
        [known.get(p) for p in partitions],
        [offsets[p] for p in partitions],
    )
    if moved:
        raise PositionsMoved(f"{consumer}: stored positions of {topic} partitions {moved} are not where they were")


async def record_dead_letters(
    conn: asyncpg.Connection, consumer: str, topic: str, letters: Sequence[tuple[int, int, str, bytes, bytes | None]]
) -> None:
    """Records set aside: (partition, offset, error, value, key) each; ``stadtstimme dead-letters`` lists them and
    publishes them again."""
    await conn.executemany(
        """INSERT INTO dead_letter (consumer, topic, kafka_partition, kafka_offset, error, payload, record_key)
           VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING""",
        [(consumer, topic, p, o, err, payload, key) for p, o, err, payload, key in letters],
    )


@dataclass
class Prepared:
    """A fetched batch, decoded: rows to project and undecodable records, each with where it came from, in fetch
    order; the next offset per partition; and the assignment it was fetched under."""

    rows: list[Any] = field(default_factory=list)
    origins: list[tuple[int, int, bytes | None, bytes]] = field(default_factory=list)  # partition, offset, key, value
    dead: list[tuple[int, int, str, bytes, bytes | None]] = field(default_factory=list)  # ..., error, value, key
    offsets: dict[int, int] = field(default_factory=dict)
    generation: int = 0


# Failures that say nothing about the records: the database or the network is away for a while. A batch that
# fails with one of these is read again, however often; any other failure is the records' (or their handler's).
TRANSIENT: tuple[type[BaseException], ...] = (
    OSError,
    TimeoutError,
    asyncpg.InterfaceError,
    asyncpg.PostgresConnectionError,
    asyncpg.CannotConnectNowError,
    asyncpg.OperatorInterventionError,
    asyncpg.InsufficientResourcesError,
    asyncpg.SerializationError,
    asyncpg.DeadlockDetectedError,
    PositionsMoved,
)
ATTEMPTS = 3  # a batch failing this often for another reason is written record by record; the poison is set aside
NOT_THE_RECORDS: tuple[type[BaseException], ...] = (*TRANSIENT, SchemaNewer)  # never a record's fault


class _Rebalance(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, owner: OffsetConsumer) -> None:
        self.owner = owner

    async def on_partitions_revoked(self, revoked: list[TopicPartition]) -> None:
        await self.owner._revoked(revoked)

    async def on_partitions_assigned(self, assigned: list[TopicPartition]) -> None:
        await self.owner._assigned(assigned)


@dataclass
class OffsetConsumer:
    """Consume ``TOPIC`` in the consumer group of ``NAME``, with positions stored in PostgreSQL under ``NAME``;
    subclasses decode and project."""

    settings: Settings
    pool: asyncpg.Pool
    TOPIC: ClassVar[Topic]
    NAME: ClassVar[str]
    START_AT_END: ClassVar[bool] = False  # a partition without a stored position: from its start, or its end

    def __post_init__(self) -> None:
        self.topic = topic_name(self.TOPIC, self.settings.topic_prefix)
        self.consumer: AIOKafkaConsumer | None = None
        self.owned: set[int] = set()  # partitions this instance projects now
        self.known: dict[int, int | None] = {}  # stored positions as this instance read or wrote them last
        self._generation = 0  # counts assignments: a batch fetched under an older one is not written
        self._lock = asyncio.Lock()  # a write and a change of assignment never overlap
        self._failures = 0
        self._stop = asyncio.Event()  # ``run``'s: ends waiting for the database

    @classmethod
    def group_id(cls, settings: Settings) -> str:
        """The consumer group of every instance of this consumer."""
        return f"{settings.topic_prefix}stadtstimme.{cls.NAME}"

    @staticmethod
    def decode(record: ConsumerRecord[bytes, bytes]) -> Any:
        """One record as a row for ``project``; raises ``ValueError`` for anything not a valid event."""
        raise NotImplementedError

    async def project(self, conn: asyncpg.Connection, rows: list[Any]) -> None:
        """Write the rows, inside the transaction that also stores the positions."""
        raise NotImplementedError

    async def _start(self, group: bool) -> None:
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self.settings.kafka_bootstrap_servers,
            group_id=self.group_id(self.settings) if group else None,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            fetch_max_wait_ms=50,
            max_partition_fetch_bytes=4 * 1024 * 1024,
            session_timeout_ms=self.settings.consumer_session_timeout_ms,
            heartbeat_interval_ms=max(self.settings.consumer_session_timeout_ms // 3, 100),
            max_poll_interval_ms=self.settings.consumer_max_poll_interval_ms,
            client_id=f"stadtstimme-{self.NAME.replace('.', '-')}",
        )
        await consumer.start()
        self.consumer = consumer
        try:
            partitions = await self._partitions(consumer)
            if group:
                # The group decides which partitions are ours; the listener seeks them to their stored positions.
                consumer.subscribe([self.topic], listener=_Rebalance(self))
            else:
                consumer.assign(partitions)
                await self._assigned(partitions)
        except BaseException:
            await consumer.stop()
            raise

    async def _partitions(self, consumer: AIOKafkaConsumer) -> list[TopicPartition]:
        for _ in range(100):
            found = consumer.partitions_for_topic(self.topic)
            if found:
                return [TopicPartition(self.topic, p) for p in sorted(found)]
            await consumer._client.force_metadata_update()
            await asyncio.sleep(0.1)
        raise RuntimeError(f"topic {self.topic} does not exist; run `stadtstimme topics create`")

    async def _revoked(self, revoked: list[TopicPartition]) -> None:
        """Before partitions move to another instance: the batch being written is finished (the lock waits for
        it) and nothing fetched before is written afterwards, so the next owner starts exactly where this one
        stopped."""
        async with self._lock:
            self._generation += 1
            self.owned -= {tp.partition for tp in revoked}
        if revoked:
            log.info("%s: partitions %s moved away", self.NAME, sorted(tp.partition for tp in revoked))

    async def _assigned(self, assigned: list[TopicPartition]) -> None:
        assert self.consumer is not None
        async with self._lock:
            self._generation += 1
            await self._seek_when_readable(assigned)
            self.owned |= {tp.partition for tp in assigned}
        log.info("%s: projecting partitions %s of %s", self.NAME, sorted(self.owned), self.topic)

    async def _seek_when_readable(self, partitions: list[TopicPartition]) -> None:
        """``_seek_to_stored``, tried again every second while the database is away (``TRANSIENT``: restarting,
        unreachable): the positions are there, only not readable yet, and without them nothing can be read."""
        assert self.consumer is not None
        while True:
            try:
                await self._seek_to_stored(self.consumer, partitions)
                return
            except (*TRANSIENT, KafkaError) as exc:  # the broker's offsets too: a leader may be moving
                if self._stop.is_set():
                    raise
                log.warning("%s: stored positions not readable (%r); trying again", self.NAME, exc)
                await asyncio.sleep(1.0)

    async def _seek_to_stored(self, consumer: AIOKafkaConsumer, partitions: list[TopicPartition]) -> None:
        if not partitions:
            return
        async with self.pool.acquire() as conn:
            stored = await load_offsets(conn, self.NAME, self.topic)
            beginnings = await consumer.beginning_offsets(partitions)
            ends = await consumer.end_offsets(partitions)
            fresh = {tp.partition: ends[tp] for tp in partitions if tp.partition not in stored}
            if self.START_AT_END and fresh:
                # Stored, so that a restart before the first event still begins here.
                await save_offsets(conn, self.NAME, self.topic, fresh)
                stored = {**stored, **fresh}
                log.info("%s: first start on partitions %s, beginning at their end", self.NAME, sorted(fresh))
        for tp in partitions:
            position = stored.get(tp.partition)
            self.known[tp.partition] = position
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

    async def prepare(
        self, batch: dict[TopicPartition, list[ConsumerRecord[bytes, bytes]]], generation: int | None = None
    ) -> Prepared:
        """Decode a fetched batch: CPU work, done while the previous batch is written.

        It yields to the event loop every few hundred records. A batch statement is megabytes, more than the
        socket takes at once, and the rest of it only goes out while the loop runs; without these pauses
        PostgreSQL would wait for the end of the statement until decoding is done, and nothing would overlap.
        """
        prepared = Prepared(generation=self._generation if generation is None else generation)
        decoded = 0
        for tp, records in batch.items():
            for record in records:
                value = record.value or b""
                try:
                    prepared.rows.append(self.decode(record))
                    prepared.origins.append((record.partition, record.offset, record.key, value))
                except ValueError as exc:
                    prepared.dead.append((record.partition, record.offset, str(exc)[:2000], value, record.key))
                decoded += 1
                if decoded % YIELD_EVERY == 0:
                    await asyncio.sleep(0)
            if records:
                prepared.offsets[tp.partition] = records[-1].offset + 1
        return prepared

    async def write(self, prepared: Prepared, sending: asyncio.Event | None = None) -> int:
        """Rows, dead letters and next offsets in one transaction: all of the batch or nothing. A batch fetched
        before the assignment changed is dropped: the listener sought its partitions back to their stored positions
        after it was fetched (a batch fetched across that seek never gets here: ``run`` drops it and seeks again).

        ``sending`` is set just before the projection statement goes out; the statement is sent before this
        task first yields, so a caller waiting for the event can do CPU work while PostgreSQL executes it."""
        async with self._lock:
            if prepared.generation != self._generation:
                if sending is not None:
                    sending.set()
                return 0
            async with self.pool.acquire() as conn, conn.transaction():
                # Safe without waiting for the WAL flush: rows and offsets commit together, so a database crash
                # that loses this transaction loses both, and the batch is simply read again.
                await conn.execute("SET LOCAL synchronous_commit = off")
                if sending is not None:
                    sending.set()
                await self.project(conn, prepared.rows)
                if prepared.dead:
                    await record_dead_letters(conn, self.NAME, self.topic, prepared.dead)
                await advance_offsets(conn, self.NAME, self.topic, prepared.offsets, self.known)
                await schema_fence(conn)
            self.known.update(prepared.offsets)
        return self._counted(len(prepared.rows), len(prepared.dead))

    async def write_one_by_one(self, prepared: Prepared) -> int:
        """A batch that failed ``ATTEMPTS`` times: each record in its own transaction, in offset order, so the
        records that fail go to the dead letters with their error and the partition moves on. A transient
        failure still raises (the batch is read again)."""
        items: list[tuple[int, int, Any, tuple[int, int, str, bytes, bytes | None] | None]] = [
            (p, o, row, None) for row, (p, o, _k, _v) in zip(prepared.rows, prepared.origins, strict=True)
        ]
        items += [(d[0], d[1], None, d) for d in prepared.dead]
        rows = dead = 0
        async with self._lock:
            if prepared.generation != self._generation:
                return 0
            origins = {(p, o): (k, v) for p, o, k, v in prepared.origins}
            for partition, offset, row, letter in sorted(items, key=lambda i: (i[0], i[1])):
                if letter is None:
                    try:
                        async with self.pool.acquire() as conn, conn.transaction():
                            await self.project(conn, [row])
                            await advance_offsets(conn, self.NAME, self.topic, {partition: offset + 1}, self.known)
                            await schema_fence(conn)
                        self.known[partition] = offset + 1
                        rows += 1
                        continue
                    except NOT_THE_RECORDS:
                        raise
                    except Exception as exc:  # the poison: set aside with its error, the partition moves on
                        key, value = origins[(partition, offset)]
                        letter = (partition, offset, f"{type(exc).__name__}: {exc}"[:2000], value, key)
                        log.error("%s: record %s/%s failed %d times, sent to dead_letter: %r",
                                  self.NAME, partition, offset, ATTEMPTS + 1, exc)  # fmt: skip
                async with self.pool.acquire() as conn, conn.transaction():
                    await record_dead_letters(conn, self.NAME, self.topic, [letter])
                    await advance_offsets(conn, self.NAME, self.topic, {partition: offset + 1}, self.known)
                    await schema_fence(conn)
                self.known[partition] = offset + 1
                dead += 1
        return self._counted(rows, dead)

    def _counted(self, rows: int, dead: int) -> int:
        PROJECTED.inc(rows + dead)
        if dead:
            DEAD.inc(dead)
            log.error("%s: %d records sent to dead_letter", self.NAME, dead)
        return rows + dead

    async def _after_failure(self, exc: BaseException, prepared: Prepared) -> int:
        """A batch's write failed and nothing of it was committed. Transient: read it again from the stored
        positions. Otherwise the same, up to ``ATTEMPTS`` times; then record by record (``write_one_by_one``).
        Either way, what was fetched meanwhile is read again."""
        assert self.consumer is not None
        done = 0
        if isinstance(exc, SchemaNewer):
            raise exc
        if isinstance(exc, TRANSIENT):
            log.warning("%s: projection failed (%r); retrying from the stored offsets", self.NAME, exc)
            self._failures = 0
            await asyncio.sleep(1.0)
        else:
            self._failures += 1
            log.error("%s: projection failed (attempt %d of %d): %r", self.NAME, self._failures, ATTEMPTS, exc)
            if self._failures < ATTEMPTS:
                await asyncio.sleep(1.0)
            else:
                self._failures = 0
                try:
                    done = await self.write_one_by_one(prepared)
                except TRANSIENT as again:
                    log.warning("%s: projection failed (%r); retrying from the stored offsets", self.NAME, again)
                    await asyncio.sleep(1.0)
        await self._reseek()
        return done

    async def _reseek(self) -> None:
        """Back to the stored positions of the partitions assigned to this instance; anything fetched before is
        stale. (The consumer's assignment, not ``owned``: a partition whose assignment could not be completed is
        still read, and must not move on past a dropped batch.)"""
        assert self.consumer is not None
        async with self._lock:
            self._generation += 1
            assigned = sorted(tp.partition for tp in self.consumer.assignment() if tp.topic == self.topic)
            await self._seek_when_readable([TopicPartition(self.topic, p) for p in assigned])
            self.owned = set(assigned)

    async def run(self, stop: asyncio.Event | None = None, until_caught_up: bool = False) -> int:
        """Project until ``stop`` is set, as a member of the consumer group; or, with ``until_caught_up`` (replay,
        tools), alone with every partition until the end offsets seen at start.

        Fetching and decoding the next batch overlaps with writing the previous one; batches are still
        written one after the other, in order.
        """
        stop = self._stop = stop or asyncio.Event()
        await self._start(group=not until_caught_up)
        assert self.consumer is not None
        consumer = self.consumer
        targets = await consumer.end_offsets(await self._partitions(consumer)) if until_caught_up else {}
        total = 0
        writing: tuple[asyncio.Task[int], Prepared] | None = None
        try:
            while not stop.is_set():
                generation = self._generation
                batch = await consumer.getmany(timeout_ms=200, max_records=self.settings.projector_batch_size)
                # The assignment changed while fetching (the listener sought): whatever came may be from either
                # side of that seek, so it is not written, and the partitions are read again from their stored
                # positions (here, between two fetches, so the next batch is clean).
                stale = bool(batch) and generation != self._generation
                prepared = await self.prepare(batch, generation) if batch and not stale else None
                if writing is not None:
                    task, written = writing
                    writing = None
                    try:
                        total += await task
                        self._failures = 0
                    except Exception as exc:
                        total += await self._after_failure(exc, written)
                        continue
                if stale:
                    await self._reseek()
                    continue
                if prepared is not None:
                    # Decoding the next batch blocks the event loop, so let this write send its statement first.
                    sending = asyncio.Event()
                    writing = (asyncio.create_task(self.write(prepared, sending)), prepared)
                    await asyncio.wait([writing[0], asyncio.create_task(sending.wait())], return_when="FIRST_COMPLETED")
                # Both conditions: Tansu reports end offsets too low after some batches, so an empty fetch
                # is the proof that nothing is left.
                elif until_caught_up and await self._caught_up(targets):
                    break
            if writing is not None:
                try:
                    total += await writing[0]
                except Exception as exc:
                    if until_caught_up:
                        raise
                    log.warning("%s: the last batch was not written (%r); it is read again next time", self.NAME, exc)
        finally:
            await consumer.stop()
        return total

    async def _caught_up(self, targets: dict[TopicPartition, int]) -> bool:
        assert self.consumer is not None
        for tp, end in targets.items():
            if await self.consumer.position(tp) < end:
                return False
        return True
