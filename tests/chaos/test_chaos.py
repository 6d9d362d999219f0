"""Chaos under load (issue 17): two ingest replicas behind a round-robin, three projector instances and two
notifiers on a three-node Apache Kafka KRaft cluster (replication factor 3, min ISR 2, acks=all, idempotent
producers) and a PostgreSQL of their own, all on loopback, with a steady load of feedback and survey answers
(duplicates included). Faults one after another, each under load and measured until the system is back in its
steady state: a broker killed (-9), then the active controller, a projector, a notifier, PostgreSQL restarted as
after a crash, undecodable records on every topic, a fourth projector joining. At the end every acknowledged
event is in the read models exactly once, nothing else is (harness.py states the rule for 503s), no notification
went out twice, and clients saw only 202 or 503 with Retry-After. One table shows it per scenario.

``STADTSTIMME_CHAOS=full`` (``make chaos``) runs a higher load, longer phases and more faults; the short version
(``make test``) runs each fault once with short load phases.
"""

from __future__ import annotations

import asyncio
import math
import os
import shutil
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import asyncpg
import httpx
import pytest
from aiokafka.admin import AIOKafkaAdminClient

from services.notifier.service import CONSUMERS as NOTIFIER_CONSUMERS
from services.registry import PROJECTIONS
from shared.consumer import OffsetConsumer
from shared.contracts.topics import TOPICS, topic_name
from shared.kafka import start_producer
from shared.settings import Settings
from stadtstimme.infra import EmbeddedPostgres, KafkaCluster, create_database, free_port
from tests.chaos.conftest import VAR
from tests.chaos.harness import REPORT, Load, Monitor, Receivers, RoundRobin, audit, table
from tests.integration.system import System
from tests.integration.test_notifier import SECRET
from tests.integration.test_pipeline import assert_read_models_exact
from tests.integration.test_surveys import STAFF, definition, until_served

MODE = os.environ.get("STADTSTIMME_CHAOS", "short")


@dataclass(frozen=True)
class Plan:
    rate: float  # new events per second (feedback parts and survey responses)
    warm_s: float  # steady load before the first fault
    steady_s: float  # steady load after each recovery, before the next fault
    postgres_down_s: float  # how long PostgreSQL stays down
    more: bool  # the full version's further faults
    # A killed broker or service process is started again at once, as an orchestrator would (it is still down for
    # the seconds a JVM or Python takes to start); otherwise only after the system recovered without it.
    restart_at_once: bool


PLANS = {
    "short": Plan(rate=15, warm_s=4, steady_s=1, postgres_down_s=1, more=False, restart_at_once=True),
    "full": Plan(rate=40, warm_s=20, steady_s=15, postgres_down_s=8, more=True, restart_at_once=False),
}
SESSION_S = 6.0  # consumer_session_timeout_ms below: a killed instance's partitions move after this


def chaos_settings(cluster: KafkaCluster, database_url: str) -> Settings:
    return Settings(
        kafka_bootstrap_servers=cluster.bootstrap,
        kafka_idempotence="auto",
        database_url=database_url,
        topic_prefix=f"c{uuid.uuid4().hex[:8]}.",
        topic_partitions=6,  # four projectors still share them
        topic_replication_factor=3,
        topic_min_insync_replicas=2,
        http_port=free_port(),
        metrics_token="test-token",
        # One client posts everything here; ingest's limits are tested elsewhere (as in tests/conftest.py).
        rate_limit_burst=1_000_000,
        flood_per_minute=1_000_000_000,
        consumer_session_timeout_ms=int(SESSION_S * 1000),
        notifier_lease_s=3,
        notifier_poll_s=0.2,
        survey_refresh_s=0.2,
        survey_cache_s=1,
    )


class Chaos:
    """The system under test and the faults; each fault returns its longest recovery time."""

    def __init__(self, cluster: KafkaCluster, pg: EmbeddedPostgres, system: System, monitor: Monitor, plan: Plan):
        self.cluster, self.pg, self.system, self.monitor, self.plan = cluster, pg, system, monitor, plan
        self.problems: list[str] = []  # what failed besides the table's figures
        self.poisoned: dict[str, dict[int, int]] = {}  # topic -> partition -> offset of the poison record
        self.set_aside = 0  # poison records found in dead_letter, by the consumers that read them

    def dead(self) -> list[str]:
        """Service processes that ended without being killed by the suite: each a problem, recorded once."""
        gone = [f"{n} exited with {p.returncode}" for n, p in self.system.procs.items() if p.poll() is not None]
        for name in [n for n, p in self.system.procs.items() if p.poll() is not None]:
            del self.system.procs[name]
        self.problems += [f"{g} (log: {self.system.logdir})" for g in gone]
        return gone

    async def recovered(self, since: float, observe_s: float) -> float:
        """The recovery time from ``since``, then the steady load before the next fault; ``inf`` if the system did
        not recover within the monitor's timeout or a service process ended."""
        waiting = asyncio.create_task(self.monitor.recovery(since, observe_s))
        while not waiting.done():
            await asyncio.wait([waiting], timeout=1.0)
            if not waiting.done() and self.dead():
                waiting.cancel()
                return math.inf
        seconds = waiting.result()
        await asyncio.sleep(self.plan.steady_s)
        return seconds

    async def full_isr(self, timeout: float = 120) -> None:
        """Until every partition of our topics and of the group offsets has all three replicas in sync."""
        settings = self.system.settings
        names = [topic_name(t, settings.topic_prefix) for t in TOPICS] + ["__consumer_offsets"]
        admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
        await admin.start()
        try:
            deadline = time.monotonic() + timeout
            while True:
                described = await admin.describe_topics(names)
                short = [(t["topic"], p["partition"]) for t in described for p in t["partitions"]
                         if len(p["isr"]) < 3]  # fmt: skip
                if not short and len(described) == len(names):
                    return
                if time.monotonic() > deadline:
                    self.problems.append(f"replicas not in sync after {timeout} s: {short[:6]}")
                    return
                await asyncio.sleep(0.5)
        finally:
            await admin.close()

    async def _kill_node(self, node_id: int) -> float:
        """kill -9 a node, start it again (on its log directory) at once or once the rest recovered without it,
        measure, and wait until it is back in every partition's ISR, so that the next fault meets a whole
        cluster."""
        started = time.monotonic()
        await asyncio.to_thread(self.cluster.kill, node_id)
        down = 0.0
        if not self.plan.restart_at_once:
            down = await self.recovered(started, observe_s=6)  # the controller fences it after 3 s
            started = time.monotonic()
        starting = time.monotonic()
        await asyncio.to_thread(self.cluster.start_node, node_id)
        self.monitor.say(f"node {node_id} listening again after {time.monotonic() - started:.1f} s (its start took "
                         f"{time.monotonic() - starting:.1f} s; load average {os.getloadavg()[0]:.1f})")  # fmt: skip
        back = await self.recovered(started, observe_s=time.monotonic() - started + 1)
        await self.full_isr()
        self.monitor.say(f"every replica in sync again after {time.monotonic() - started:.1f} s")
        return max(down, back)

    async def kill_broker(self) -> float:
        """kill -9 a node that is not the active controller (its partitions' leaders move), then start it."""
        controller = self.cluster.active_controller()
        return await self._kill_node(next(n.node_id for n in self.cluster.nodes if n.node_id != controller))

    async def kill_controller(self) -> float:
        """kill -9 the active controller (the quorum elects another), then start it again."""
        controller = self.cluster.active_controller()
        if controller is None:
            self.problems.append("no active controller found")
            return math.inf
        return await self._kill_node(controller)

    async def _kill_processes(self, names: list[str], start: Callable[[str], None]) -> float:
        started = time.monotonic()
        for name in names:
            self.system.kill(name)
        down = 0.0
        if not self.plan.restart_at_once:
            down = await self.recovered(started, observe_s=SESSION_S + 4)
            started = time.monotonic()
        await asyncio.gather(*(self.joined(name, start) for name in names))  # as an orchestrator would
        self.monitor.say(f"{', '.join(names)} up again after {time.monotonic() - started:.1f} s")
        observe = max(time.monotonic() - started, SESSION_S if self.plan.restart_at_once else 0) + 1
        back = await self.recovered(started, observe_s=observe)
        return max(down, back)

    async def joined(self, name: str, start: Callable[[str], None], timeout: float = 90) -> None:
        """Start a projector or notifier and wait until each of its consumers has its share of the partitions
        (the next fault meets an instance that is up, not one still starting)."""
        log = self.system.logdir / f"{name}.log"
        seen = log.stat().st_size if log.exists() else 0
        start(name)
        consumers = list(NOTIFIER_CONSUMERS) if name.startswith("notifier") else [p.consumer for p in PROJECTIONS]
        wanted = {f"{c.NAME}: projecting partitions" for c in consumers}
        deadline = time.monotonic() + timeout
        while True:
            with log.open("rb") as f:
                f.seek(seen)
                text = f.read().decode(errors="replace")
            if all(w in text for w in wanted):
                return
            if time.monotonic() > deadline or self.dead():
                self.problems.append(f"{name} not up after {timeout} s: {sorted(w for w in wanted if w not in text)}")
                return
            await asyncio.sleep(0.5)

    def start_notifier(self, name: str) -> None:
        self.system.start_notifier(self.system.logdir / "notifier.yaml", {"HOOK": SECRET}, name=name)

    async def kill_projector(self) -> float:
        return await self._kill_processes(["projector-2"], self.system.start_projector)

    async def kill_notifier(self) -> float:
        return await self._kill_processes(["notifier"], self.start_notifier)

    async def kill_projector_and_notifier(self) -> float:
        return await self._kill_processes(["projector-2", "notifier"], self._start)

    async def kill_projectors_and_notifier(self) -> float:
        return await self._kill_processes(["projector-1", "projector-3", "notifier-2"], self._start)

    def _start(self, name: str) -> None:
        self.start_notifier(name) if name.startswith("notifier") else self.system.start_projector(name)

    async def restart_postgres(self) -> float:
        started = time.monotonic()
        await asyncio.to_thread(self.pg.restart, self.plan.postgres_down_s)
        return await self.recovered(started, observe_s=4)

    async def poison(self) -> float:
        """Undecodable bytes on every partition of every topic: each consumer of a topic sets them aside in
        dead_letter and moves on."""
        settings = self.system.settings
        producer = await start_producer(settings)
        started = time.monotonic()
        try:
            for t in TOPICS:
                name = topic_name(t, settings.topic_prefix)
                for p in range(settings.topic_partitions):
                    sent = await producer.send_and_wait(name, b"\xff\xfe chaos poison \x00", key=b"poison",
                                                        partition=p)  # fmt: skip
                    self.poisoned.setdefault(name, {})[p] = sent.offset
        finally:
            await producer.stop()
        return await self.recovered(started, observe_s=4)

    async def add_projector(self) -> float:
        started = time.monotonic()
        await self.joined("projector-4", self.system.start_projector)
        return await self.recovered(started, observe_s=time.monotonic() - started + 1)

    async def check_poison(self, timeout: float = 60) -> None:
        """Every running consumer recorded every poison record of its topic and its position is past it."""
        settings = self.system.settings
        consumers: list[type[OffsetConsumer]] = [p.consumer for p in PROJECTIONS] + list(NOTIFIER_CONSUMERS)
        wanted = {(c.NAME, topic_name(c.TOPIC, settings.topic_prefix), p, o) for c in consumers
                  for p, o in self.poisoned.get(topic_name(c.TOPIC, settings.topic_prefix), {}).items()}  # fmt: skip
        conn = await asyncpg.connect(settings.database_url)
        try:
            deadline = time.monotonic() + timeout
            while True:
                letters = {tuple(r) for r in await conn.fetch(
                    "SELECT consumer, topic, kafka_partition, kafka_offset FROM dead_letter")}  # fmt: skip
                positions = {(r["consumer"], r["topic"], r["kafka_partition"]): r["next_offset"] for r in
                             await conn.fetch("SELECT * FROM consumer_offset")}  # fmt: skip
                missing = sorted(w for w in wanted if w not in letters or positions.get(w[:3], -1) <= w[3])
                if not missing:
                    self.set_aside = len(wanted)
                    break
                if time.monotonic() > deadline:
                    self.problems.append(f"{len(missing)} poison records not set aside and passed: {missing[:6]}")
                    break
                await asyncio.sleep(0.5)
            others = await conn.fetch("SELECT consumer, topic, error FROM dead_letter WHERE payload <> $1",
                                      b"\xff\xfe chaos poison \x00")  # fmt: skip
            for r in others:  # only the poison belongs there
                self.problems.append(f"dead letter of {r['consumer']} on {r['topic']}: {r['error'][:200]}")
        finally:
            await conn.close()

    async def check_survey_results(self, load: Load) -> None:
        """The survey's results (computed when read) count each response with a stored part once."""
        conn = await asyncpg.connect(self.system.settings.database_url)
        try:
            stored = {r["event_id"] for r in await conn.fetch("SELECT event_id::text FROM survey_response_event")}
        finally:
            await conn.close()
        responses = {e.body["response_id"] for e in load.events.values() if e.kind == "survey" and e.event_id in stored}
        async with httpx.AsyncClient(base_url=self.system.base_url, headers=self.system.admin, timeout=30) as staff:
            answer = await staff.get(f"{STAFF}/results", params={"version": 1})
        if answer.status_code != 200 or answer.json()["responses"] != len(responses):
            self.problems.append(f"survey results: {answer.status_code} {answer.text[:300]}, {len(responses)} wanted")


async def until(check: Callable[[], Awaitable[bool]], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        assert time.monotonic() < deadline, f"{what}: not after {timeout} s"
        await asyncio.sleep(0.2)


@pytest.mark.timeout(2400 if MODE == "full" else 600)
async def test_chaos(infrastructure: tuple[KafkaCluster, EmbeddedPostgres]) -> None:
    cluster, pg = infrastructure
    plan = PLANS[MODE]
    began = time.monotonic()
    name = f"chaos_{uuid.uuid4().hex[:8]}"
    await drop_earlier_runs(pg.uri)
    await create_database(pg.uri, name)
    settings = chaos_settings(cluster, pg.uri_for(name))
    shutil.rmtree(VAR / "logs", ignore_errors=True)
    system = System(settings, VAR / "logs" / name)
    progress = VAR / f"chaos-{MODE}-progress.log"
    progress.unlink(missing_ok=True)
    monitor = Monitor(settings.database_url, progress=progress)
    receivers = Receivers(monitor.on_tokens)
    await system.prepare()
    await receivers.start()
    system.logdir.mkdir(parents=True)
    (system.logdir / "notifier.yaml").write_text(receivers.routing())
    chaos = Chaos(cluster, pg, system, monitor, plan)
    stop_load, stop_monitor = asyncio.Event(), asyncio.Event()
    rr: RoundRobin | None = None
    try:
        _, second = await asyncio.gather(asyncio.to_thread(system.start_web),
                                         asyncio.to_thread(system.start_web_replica, "web-2"))  # fmt: skip
        for n in (1, 2, 3):
            system.start_projector(f"projector-{n}")
        chaos.start_notifier("notifier")
        chaos.start_notifier("notifier-2")
        await publish_survey(system, [system.base_url, second])
        conn = await asyncpg.connect(settings.database_url)
        first = "SELECT count(*) = $1 FROM consumer_offset WHERE consumer = 'notifier'"
        try:  # the notifier begins at the end of its topics: only once it stored where, the load begins
            await until(lambda: conn.fetchval(first, settings.topic_partitions), 120, "the notifier's first positions")
        finally:
            await conn.close()
        ready_s = time.monotonic() - began

        rr = RoundRobin([system.base_url, second])
        load = Load(rr, plan.rate, seed=17, on_ack=monitor.on_ack)
        scenarios: list[tuple[str, Callable[[], Awaitable[float]]]] = [
            ("broker kill -9", chaos.kill_broker),
            ("controller kill -9", chaos.kill_controller),
        ]
        if plan.more:
            scenarios += [("projector kill -9", chaos.kill_projector), ("notifier kill -9", chaos.kill_notifier),
                          ("2 projectors + notifier kill -9", chaos.kill_projectors_and_notifier)]  # fmt: skip
        else:
            scenarios.append(("projector + notifier kill -9", chaos.kill_projector_and_notifier))
        scenarios += [
            ("PostgreSQL restart", chaos.restart_postgres),
            ("poison on every topic", chaos.poison),
            ("4th projector joins", chaos.add_projector),
        ]
        if plan.more:  # once more, on the cluster and the four projectors as they are now
            scenarios += [("broker kill -9, again", chaos.kill_broker), ("controller kill -9, again",
                                                                         chaos.kill_controller)]  # fmt: skip
        phases = ["warm-up, no fault"] + [s for s, _ in scenarios]
        recovery: dict[str, float] = {}
        load.new_phase(phases[0])
        tasks = [asyncio.create_task(load.run(stop_load)), asyncio.create_task(monitor.run(stop_monitor))]
        timings: list[str] = []
        started = time.monotonic()
        recovery[phases[0]] = await chaos.recovered(started, observe_s=plan.warm_s)
        timings.append(f"{phases[0]} {time.monotonic() - started:.0f} s")
        for scenario, fault in scenarios:
            load.new_phase(scenario)
            monitor.say(f"--- {scenario}")
            started = time.monotonic()
            recovery[scenario] = await fault()
            monitor.say(f"--- {scenario}: recovered in {recovery[scenario]:.1f} s")
            timings.append(f"{scenario} {time.monotonic() - started:.0f} s")
        stop_load.set()
        await tasks[0]
        await load.drain()

        async def settled() -> bool:
            return not monitor.pending and not monitor.pending_notes

        with_deadline = time.monotonic()
        try:
            await until(settled, 120, "every acknowledged event stored and notified")
        except AssertionError as exc:  # with what is missing (event id: kind, acknowledged at), to look them up
            missing = sorted(monitor.pending.items())[:10], sorted(monitor.pending_notes.items())[:10]
            chaos.problems.append(f"{exc}\nnot stored: {missing[0]}; not notified: {missing[1]}")
        await asyncio.sleep(3)  # anything applied or sent twice would arrive now
        settle_s = time.monotonic() - with_deadline
        stop_monitor.set()
        await tasks[1]
        await chaos.check_poison()
        chaos.dead()

        rows, notes, stored = await audit(settings.database_url, load, receivers, phases, recovery)
        await chaos.check_survey_results(load)
        try:  # the figures through the API: pages and units, hourly and daily, equal to the stored events'
            await assert_read_models_exact(system, stored)
        except AssertionError as exc:
            chaos.problems.append(f"figures differ from the stored events: {str(exc)[:500]}")
        elapsed = time.monotonic() - began
        notes += [
            f"{MODE} version: {plan.rate:g} new events/s, 2 ingest replicas, 3 projectors (+1), 2 notifiers, "
            f"3 Kafka nodes (RF 3, min ISR 2); ready after {ready_s:.0f} s; {'; '.join(timings)}; "
            f"settled in {settle_s:.0f} s; {elapsed:.0f} s in all (infrastructure not counted).",
            f"poison: {sum(len(p) for p in chaos.poisoned.values())} undecodable records on {len(chaos.poisoned)} "
            f"topics, {chaos.set_aside} set aside in dead_letter by the consumers that read them, every partition "
            "past them.",
            *(f"problem: {p}" for p in chaos.problems),
            *(f"bad answer in '{phase}' for {event}: {what}" for phase, event, what in load.bad[:20]),
        ]
        report = table(rows, f"Chaos suite ({MODE}): scenario x outcome", notes)
        REPORT.append(report)
        (VAR / f"chaos-{MODE}.txt").write_text(report + "\n")
        print(report)

        assert not chaos.problems, chaos.problems
        assert not load.bad, load.bad[:20]
        for r in rows:
            assert (r.lost, r.duplicated, r.phantom, r.notes_lost, r.notes_twice) == (0, 0, 0, 0, 0), r
            assert not math.isinf(r.recovery_s), f"{r.scenario}: not recovered"
        assert sum(r.acknowledged for r in rows) > plan.rate * 30
    finally:
        stop_load.set()
        stop_monitor.set()
        if rr is not None:
            await rr.aclose()
        await receivers.stop()
        system.stop_all()


async def drop_earlier_runs(admin_uri: str) -> None:
    """The databases of earlier runs, kept for a look after a run: dropped now, so that the crash recovery after the
    restart has no more files to sync than this run's."""
    conn = await asyncpg.connect(admin_uri)
    try:
        for row in await conn.fetch("SELECT datname FROM pg_database WHERE datname LIKE 'chaos\\_%'"):
            await conn.execute(f'DROP DATABASE "{row["datname"]}" WITH (FORCE)')
    finally:
        await conn.close()


async def publish_survey(system: System, urls: list[str]) -> None:
    """The test survey, published without a quota, served by both replicas."""
    wanted = definition()
    wanted["targeting"] |= {"quota": None, "sampling_percent": 100}
    async with httpx.AsyncClient(base_url=system.base_url, headers=system.admin, timeout=30) as staff:
        created = await staff.put(STAFF, json={"definition": wanted})
        assert created.status_code == 200, created.text
        assert (await staff.post(f"{STAFF}/status", json={"status": "active"})).status_code == 200
    for url in urls:
        async with httpx.AsyncClient(base_url=url, timeout=30) as citizen:
            await until_served(citizen, True, timeout=60)
