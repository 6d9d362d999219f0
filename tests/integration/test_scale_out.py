"""Scaling out on Kafka's consumer groups, on the real broker and PostgreSQL: projector instances share the
partitions and take over from one that is killed, with exact read models; two notifiers send every notification
once; a poison record is set aside after bounded retries, the partition moves on, and an operator publishes it
again once its cause is fixed."""

from __future__ import annotations

import asyncio
import contextlib
import random
import subprocess
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import asyncpg
import httpx
import orjson
import pytest
from aiokafka import ConsumerRecord

from shared.consumer import ATTEMPTS, KNOWN_SCHEMA, OffsetConsumer, SchemaNewer
from shared.contracts.topics import ALERTS, topic_name
from shared.db import create_pool, migrate_url
from shared.dead_letters import listing, redrive
from shared.kafka import ensure_topics, start_producer
from shared.settings import Settings
from stadtstimme.infra import REPO, settings_env
from tests.integration.conftest import once
from tests.integration.system import CLI, System
from tests.integration.test_notifier import SECRET, Receivers, routing, until
from tests.integration.test_notifier import receivers as receivers
from tests.integration.test_pipeline import assert_read_models_exact, make_events, post_all


def partitions_logged(system: System, name: str) -> list[str]:
    """The partition sets an instance logged for the feedback topic, in order ("[0, 2]", …)."""
    log = (system.logdir / f"{name}.log").read_text(errors="replace")
    return [line.split("projecting partitions ")[1].split(" of ")[0] for line in log.splitlines()
            if "analytics.projector: projecting partitions" in line]  # fmt: skip


async def test_projector_instances_share_partitions_and_take_over(system: System) -> None:
    """Two instances split the feedback topic's three partitions; one is killed (kill -9) mid-stream and the
    other takes its partitions over; a third joins later. Every event is projected exactly once."""
    system.start_projector("projector-2")
    rng = random.Random(17)
    first, second = make_events(rng, 900), make_events(rng, 600)
    async with httpx.AsyncClient(base_url=system.base_url, timeout=30) as client:
        await until(lambda: _split(system, "projector", "projector-2"), timeout=60)
        posting = asyncio.create_task(post_all(client, first + rng.sample(first, 90)))
        await system.wait_projected(250, poll=0.05)
        system.kill("projector")
        await posting
        await system.wait_projected(len(first), timeout=90)  # after the session timeout, all on projector-2
        assert partitions_logged(system, "projector-2")[-1] == "[0, 1, 2]"

        system.start_projector("projector-3")
        await until(lambda: _split(system, "projector-2", "projector-3"), timeout=60)
        await post_all(client, second + rng.sample(second, 60))
    distinct = first + second
    await system.wait_projected(len(distinct), timeout=90)
    await asyncio.sleep(1.0)
    assert await system.projected_count() == len(distinct)
    await assert_read_models_exact(system, distinct)


async def _split(system: System, *names: str) -> bool:
    """Whether the instances' latest assignments are disjoint and cover the three partitions."""
    latest = []
    for name in names:
        logged = partitions_logged(system, name)
        if not logged:
            return False
        latest.append(set(orjson.loads(logged[-1])))
    return all(latest) and sum(len(p) for p in latest) == 3 and set().union(*latest) == {0, 1, 2}


async def test_two_notifiers_send_every_notification_once(system: System, receivers: Receivers, tmp_path: Path) -> None:
    """Two notifier instances (consumer groups for the topics, leased claims for sending): each comment reaches
    its receiver once, also after one instance is killed."""
    config = tmp_path / "notifier.yaml"
    config.write_text(routing(receivers))
    system.settings = system.settings.model_copy(update={"notifier_lease_s": 3, "notifier_poll_s": 0.2})
    system.start_notifier(config, {"HOOK": SECRET})
    system.start_notifier(config, {"HOOK": SECRET}, name="notifier-2")
    conn = await asyncpg.connect(system.settings.database_url)
    sperrmuell = "https://abfall.musterstadt.de/sperrmuell"

    async def comments(texts: list[str]) -> None:
        async with httpx.AsyncClient(base_url=system.base_url, timeout=30) as client:
            for text in texts:
                body = {"event_id": str(uuid.uuid4()), "site": "abfall", "page_url": sperrmuell, "rating": 2,
                        "elapsed_ms": 20_000, "comment": text}  # fmt: skip
                assert (await client.post("/api/v1/feedback", json=body)).status_code == 202

    def delivered() -> list[str]:
        """The citizens' texts in the messages received (each notification: a heading line, then the text)."""
        return [item for message in receivers.got.get("abfall", []) for item in message["data"]["items"]
                if "nicht geleert" in item]  # fmt: skip

    try:
        await until(lambda: conn.fetchval("SELECT count(*) = 3 FROM consumer_offset WHERE consumer = 'notifier'"))
        wanted = [f"Tonne {n} nicht geleert" for n in range(12)]
        await comments(wanted[:6])

        async def six() -> bool:
            return len(delivered()) >= 6

        await until(six, timeout=60)
        system.kill("notifier")
        await comments(wanted[6:])

        async def twelve() -> bool:
            return len(delivered()) >= 12

        await until(twelve, timeout=90)
        await asyncio.sleep(3)  # anything sent twice would arrive now
        items = delivered()
        assert len(items) == len(wanted)  # none twice, none lost
        for text in wanted:
            assert sum(text in item for item in items) == 1, text
        ids = [m["id"] for m in receivers.got["abfall"]]
        assert len(ids) == len(set(ids))
        # twelve rating-2 comments on one page may also raise a satisfaction alert: count the comments' own
        query = "SELECT count(*) FROM notification WHERE receiver = 'abfall' AND labels->>'type' = 'comment.new'"
        assert await conn.fetchval(query) == len(wanted)
    finally:
        await conn.close()


class Probe(OffsetConsumer):
    """A consumer of its own: JSON records with an id into a table; a record marked as poison fails its handler
    while ``POISONED``."""

    TOPIC = ALERTS
    NAME = "test.probe"
    POISONED: ClassVar[bool] = True

    @staticmethod
    def decode(record: ConsumerRecord[bytes, bytes]) -> Any:
        return orjson.loads(record.value or b"")  # JSONDecodeError is a ValueError: a dead letter at once

    async def project(self, conn: asyncpg.Connection, rows: list[Any]) -> None:
        if Probe.POISONED and any(r.get("poison") for r in rows):
            raise RuntimeError("poison pill")
        await conn.executemany("INSERT INTO probe (id) VALUES ($1) ON CONFLICT DO NOTHING", [(r["id"],) for r in rows])


async def test_poison_records_are_set_aside_and_published_again(settings: Settings) -> None:
    await migrate_url(settings.database_url)
    await ensure_topics(settings, [ALERTS])
    pool = await create_pool(settings)
    producer = await start_producer(settings)
    stop = asyncio.Event()
    task: asyncio.Task[int] | None = None
    async with pool.acquire() as conn:
        await conn.execute("CREATE TABLE probe (id int PRIMARY KEY)")
    topic = topic_name(ALERTS, settings.topic_prefix)
    try:
        for n in range(20):
            value = orjson.dumps({"id": n, "poison": n in (5, 13)})
            await producer.send_and_wait(topic, value, key=str(n % 4).encode())
        await producer.send_and_wait(topic, b"\xff not json", key=b"garbage")
        task = asyncio.create_task(Probe(settings, pool).run(stop))

        async def settled() -> bool:
            async with pool.acquire() as conn:
                return bool(await conn.fetchval(
                    "SELECT (SELECT count(*) FROM probe) = 18 AND (SELECT count(*) FROM dead_letter) = 3"))  # fmt: skip

        await until(settled, timeout=30 + 3 * ATTEMPTS)
        async with pool.acquire() as conn:
            letters = await listing(conn)
        errors = [d.error for d in letters]
        assert errors.count("RuntimeError: poison pill") == 2
        assert len(errors) == 3 and any("UTF-8" in e for e in errors)  # the garbage: undecodable
        assert {d.consumer for d in letters} == {"test.probe"}

        listed = subprocess.run([*CLI, "dead-letters", "list"], env=settings_env(settings), capture_output=True,
                                text=True, cwd=REPO, timeout=60)  # fmt: skip
        assert listed.returncode == 0 and listed.stdout.count("test.probe") == 3, listed.stderr

        # The cause is fixed; the operator publishes them again: the two poisoned records arrive, the garbage is
        # set aside once more (it is still garbage). The consumer is stopped meanwhile: the garbage set aside again
        # between the two calls would be a new dead letter, and the second call would rightly publish it.
        Probe.POISONED = False
        stop.set()
        await asyncio.wait_for(task, 30)
        assert await redrive(pool, producer, settings, consumer="test.probe") == 3
        assert await redrive(pool, producer, settings, consumer="test.probe") == 0  # each once
        stop = asyncio.Event()
        task = asyncio.create_task(Probe(settings, pool).run(stop))

        async def recovered() -> bool:
            async with pool.acquire() as conn:
                return bool(await conn.fetchval(
                    "SELECT (SELECT count(*) FROM probe) = 20 AND (SELECT count(*) FROM dead_letter "
                    "WHERE redriven_at IS NULL) = 1"))  # fmt: skip

        await until(recovered, timeout=30)
    finally:
        Probe.POISONED = True
        stop.set()
        if task is not None:
            await asyncio.wait_for(task, 30)
        await producer.stop()
        await pool.close()


class Away:
    """A pool whose connections cannot be had while ``away`` is set, as while PostgreSQL restarts (its socket is
    gone)."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool, self.away = pool, False

    def acquire(self) -> Any:
        if self.away:
            raise FileNotFoundError(2, "No such file or directory")
        return self.pool.acquire()


@dataclass
class Probing:
    """A ``Probe`` consumer running on a fresh database and topic: ``send`` records, read what it ``probed``."""

    pool: asyncpg.Pool
    producer: Any
    topic: str
    task: asyncio.Task[int]

    async def send(self, ids: range | list[int]) -> None:
        for n in ids:
            await self.producer.send_and_wait(self.topic, orjson.dumps({"id": n}), key=b"k")

    async def probed(self) -> list[int]:
        async with self.pool.acquire() as conn:
            return [r["id"] for r in await conn.fetch("SELECT id FROM probe ORDER BY id")]

    def has(self, ids: range) -> Callable[[], Awaitable[bool]]:
        async def check() -> bool:
            return await self.probed() == list(ids)

        return check


@contextlib.asynccontextmanager
async def probing(
    settings: Settings, wrap: Callable[[asyncpg.Pool], Any] = lambda pool: pool
) -> AsyncIterator[Probing]:
    """The probe consumer on the pool as ``wrap`` gives it, stopped (and everything closed) at the end."""
    await migrate_url(settings.database_url)
    await ensure_topics(settings, [ALERTS])
    pool = await create_pool(settings)
    producer = await start_producer(settings)
    stop = asyncio.Event()
    async with pool.acquire() as conn:
        await conn.execute("CREATE TABLE probe (id int PRIMARY KEY)")
    task = asyncio.create_task(Probe(settings, wrap(pool)).run(stop))
    try:
        yield Probing(pool, producer, topic_name(ALERTS, settings.topic_prefix), task)
    finally:
        stop.set()
        if not task.done():
            await asyncio.wait_for(task, 30)
        await producer.stop()
        await pool.close()


async def test_a_consumer_waits_for_the_database_to_come_back(settings: Settings) -> None:
    """While PostgreSQL restarts, a batch cannot be written nor its stored positions read again: the consumer tries
    again until the database is back (it used to end, and its worker process with it: found by the chaos suite)."""
    away: Away | None = None

    def keep(pool: asyncpg.Pool) -> Away:
        nonlocal away
        away = Away(pool)
        return away

    async with probing(settings, keep) as probe:
        assert away is not None
        await probe.send(range(5))
        await until(probe.has(range(5)), timeout=30)
        away.away = True
        await probe.send(range(5, 10))
        await asyncio.sleep(3.5)  # the write fails, then the positions cannot be read again, twice
        assert not probe.task.done(), probe.task
        away.away = False
        await until(probe.has(range(10)), timeout=30)
        assert not probe.task.done()


@once("the stored positions' check in PostgreSQL")
async def test_a_commit_the_database_lost_is_read_again_not_skipped(settings: Settings) -> None:
    """PostgreSQL crashed after it acknowledged a batch's commit but before the commit reached its WAL (the
    consumers commit asynchronously), and came back while the consumer had nothing to write: its pool connects
    anew without an error. The next batch must not store positions past the lost one (its records would be skipped
    for good: found by the chaos suite); it finds the stored positions moved and reads again from them."""
    async with probing(settings) as probe:
        await probe.send(range(5))
        await until(probe.has(range(5)), timeout=30)
        async with probe.pool.acquire() as conn, conn.transaction():  # the last three records' commit, lost
            await conn.execute("DELETE FROM probe WHERE id >= 2")
            moved = await conn.execute(
                "UPDATE consumer_offset SET next_offset = next_offset - 3 WHERE consumer = 'test.probe'"
            )
            assert moved == "UPDATE 1"
        await probe.send(range(5, 10))
        await until(probe.has(range(10)), timeout=30)
        assert not probe.task.done()


@once("the schema check in PostgreSQL")
async def test_a_consumer_stops_writing_once_a_newer_version_migrated(settings: Settings) -> None:
    """A rolling upgrade: the new version's migration is applied while an old instance still runs. The old one
    writes no further batch (it would not keep what the new migration added) and sets nothing aside: it ends."""
    async with probing(settings) as probe:
        try:
            await probe.send([1])
            await until(probe.has(range(1, 2)), timeout=30)
            async with probe.pool.acquire() as conn:
                await conn.execute("INSERT INTO schema_migration (version, name) VALUES ($1, 'newer')",
                                   KNOWN_SCHEMA + 1)  # fmt: skip
            await probe.send([2])
            with pytest.raises(SchemaNewer):
                await asyncio.wait_for(probe.task, 30)
            assert await probe.probed() == [1]
            async with probe.pool.acquire() as conn:
                assert await conn.fetchval("SELECT count(*) FROM dead_letter") == 0
        finally:
            async with probe.pool.acquire() as conn:
                await conn.execute("DELETE FROM schema_migration WHERE version > $1", KNOWN_SCHEMA)
