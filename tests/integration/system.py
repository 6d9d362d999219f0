"""The running system for integration tests: ``stadtstimme`` services as real subprocesses over HTTP."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import asyncpg

from services.analytics import reports
from shared.access import create_token
from shared.auth import TOKEN_SCOPES
from shared.db import migrate_url
from shared.kafka import ensure_topics, start_producer
from shared.orgmodel import load_org_yaml
from shared.settings import Settings
from stadtstimme.infra import REPO, free_port, settings_env, wait_for_http
from tests.integration.forkserver import Forked, ForkServer

DEMO = REPO / "stadtstimme" / "musterstadt.yaml"
CLI = [sys.executable, "-m", "stadtstimme.cli"]


@dataclass
class System:
    settings: Settings
    logdir: Path
    procs: dict[str, Forked] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.http_port}"

    admin_token: str = ""

    @property
    def auth(self) -> dict[str, str]:
        """The configured metrics token: reads figures (metrics API, open data), nothing else."""
        return {"Authorization": f"Bearer {self.settings.metrics_token.get_secret_value()}"}

    @property
    def admin(self) -> dict[str, str]:
        """An API token with every scope a token can have (``stadtstimme tokens create``), made by ``prepare``."""
        return {"Authorization": f"Bearer {self.admin_token}"}

    async def token(self, *scopes: str) -> dict[str, str]:
        """A new API token with ``scopes``, as the header that presents it."""
        conn = await asyncpg.connect(self.settings.database_url)
        try:
            _, secret = await create_token(conn, f"test-{uuid.uuid4().hex[:8]}", scopes, "tests")
        finally:
            await conn.close()
        return {"Authorization": f"Bearer {secret}"}

    async def prepare(self) -> None:
        await migrate_url(self.settings.database_url)
        await ensure_topics(self.settings)
        await load_org(self.settings, DEMO)
        conn = await asyncpg.connect(self.settings.database_url)
        try:
            _, self.admin_token = await create_token(conn, "test-admin", TOKEN_SCOPES, "tests")
            # Last month's reports count as published: otherwise the worker's schedule publishes them at start, and
            # their notifications reach the receivers of whichever test runs a notifier then (CI saw one on 7 Dec).
            # Tests of the reports publish the months they need themselves.
            due = reports.due_month(datetime.now(ZoneInfo(self.settings.timezone)))
            if due is not None:
                await conn.execute("INSERT INTO report_run (month, reports, published_by) VALUES ($1, 0, 'tests')", due)
        finally:
            await conn.close()

    def _spawn(self, name: str, *args: str, env: dict[str, str] | None = None) -> Forked:
        """``stadtstimme *args`` as a process of its own, forked from the tests' fork server (forkserver.py)."""
        self.logdir.mkdir(parents=True, exist_ok=True)
        proc = ForkServer.get().spawn(
            list(args), settings_env(self.settings) | (env or {}), self.logdir / f"{name}.log"
        )
        self.procs[name] = proc
        return proc

    def cli(
        self, *args: str, env: dict[str, str] | None = None, input: str | None = None, timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        """``stadtstimme *args`` run to its end with the system's settings (``env``: more variables; ``input``: its
        standard input): its exit code and output, as ``subprocess.run`` gives them (forked like the services)."""
        self.logdir.mkdir(parents=True, exist_ok=True)
        run = self.logdir / f"cli-{uuid.uuid4().hex[:8]}"
        out, err, given = run.with_suffix(".out"), run.with_suffix(".err"), None
        if input is not None:
            given = run.with_suffix(".in")
            given.write_text(input)
        proc = ForkServer.get().spawn(list(args), settings_env(self.settings) | (env or {}), out, err, given)
        try:
            code = proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise
        return subprocess.CompletedProcess([*CLI, *args], code, out.read_text(), err.read_text())

    def start_web(self) -> None:
        proc = self._spawn("web", "serve", "--services", "ingest,analytics,hackathon")
        wait_for_http(f"{self.base_url}/readyz", proc)

    def start_web_replica(self, name: str = "web-2") -> str:
        """One more web process like ``start_web``'s, on a port of its own, against the same database and broker;
        its base URL."""
        port = free_port()
        proc = self._spawn(name, "serve", "--services", "ingest,analytics,hackathon",
                           env={"STADTSTIMME_HTTP_PORT": str(port)})  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        wait_for_http(f"{url}/readyz", proc)
        return url

    def start_projector(self, name: str = "projector") -> None:
        """A projector worker; another ``name`` starts one more instance (they share the partitions)."""
        self._spawn(name, "worker", "projector")

    def start_notifier(self, config: Path, env: dict[str, str], name: str = "notifier") -> None:
        """The notifier with a routing file; ``env``: the receivers' secrets; another ``name``: one more instance."""
        self._spawn(name, "notifier", "run", "--config", str(config), env=env)

    def kill(self, name: str) -> None:
        """SIGKILL: the process gets no chance to finish what it was doing."""
        proc = self.procs.pop(name)
        proc.kill()
        proc.wait()

    def stop(self, name: str) -> None:
        proc = self.procs.pop(name, None)
        if proc and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def stop_all(self) -> None:
        """The test is over: every process is killed at once. Nothing is checked after this, and a projector asked
        to stop while it still joined its consumer groups took ~3 s to leave them, at the end of every test. The
        tests of stopping and crashing do it themselves (``stop``, ``kill``)."""
        procs = [self.procs.pop(name) for name in list(self.procs)]
        for proc in procs:
            proc.kill()
        for proc in procs:
            proc.wait()

    async def projected_count(self) -> int:
        conn = await asyncpg.connect(self.settings.database_url)
        try:
            return int(await conn.fetchval("SELECT count(*) FROM feedback_event"))
        finally:
            await conn.close()

    async def wait_projected(self, expected: int, timeout: float = 60, poll: float = 0.2) -> None:
        deadline = time.monotonic() + timeout
        count = -1
        while time.monotonic() < deadline:
            count = await self.projected_count()
            if count >= expected:
                return
            await asyncio.sleep(poll)
        raise AssertionError(f"only {count} of {expected} distinct events projected after {timeout} s")


async def load_org(settings: Settings, path: Path) -> None:
    """``stadtstimme org apply``'s command, in process: the org model as events, then its tables."""
    from services.analytics.org import execute
    from services.analytics.org_domain import merge
    from shared.db import create_pool

    model = load_org_yaml(path)[1]
    pool = await create_pool(settings)
    producer = await start_producer(settings)
    try:
        await execute(pool, producer, settings, lambda current: merge(current, model), "tests", "tests")
    finally:
        await producer.stop()
        await pool.close()


def with_http_port(settings: Settings) -> Settings:
    return settings.model_copy(update={"http_port": free_port()})


async def org_events(settings: Settings) -> int:
    """The org model's events (stadtstimme.org.v1) that preparing the test system published: a replay or a restore
    counts them with everything else."""
    conn = await asyncpg.connect(settings.database_url)
    try:
        return int(await conn.fetchval("SELECT count(*) FROM org_event"))
    finally:
        await conn.close()
