"""The chaos suite's infrastructure: a three-node Apache Kafka KRaft cluster and a PostgreSQL server of its own
(the suite restarts it), both on loopback. ``STADTSTIMME_CHAOS=full`` (``make chaos``) runs the long version; the
default is the short one that ``make test`` runs. Not collected by the integration passes (``tests/integration``).
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from stadtstimme.infra import REPO, EmbeddedPostgres, KafkaCluster
from tests.chaos.harness import REPORT

VAR = Path(os.environ.get("STADTSTIMME_TEST_VAR", REPO / "var" / "test-chaos")).resolve()


def require_tools() -> None:
    if not (shutil.which("java") and shutil.which("mvn")):
        if os.environ.get("STADTSTIMME_REQUIRE_KAFKA") == "1":
            raise RuntimeError("the chaos suite needs Java and Maven for its Apache Kafka cluster")
        pytest.skip("the chaos suite needs Java and Maven (Apache Kafka from its Maven Central jars)")


@pytest.fixture(scope="session")
def infrastructure() -> Iterator[tuple[KafkaCluster, EmbeddedPostgres]]:
    """The cluster (started in a thread: three JVMs take a while) and PostgreSQL, started together."""
    require_tools()
    VAR.mkdir(parents=True, exist_ok=True)
    cluster = KafkaCluster(workdir=VAR / f"kafka-{uuid.uuid4().hex[:8]}", cache=REPO / "var" / "cache" / "kafka")
    with ThreadPoolExecutor(1) as pool:
        started = pool.submit(cluster.start)
        pg = EmbeddedPostgres(VAR / "pg").start()
        try:
            started.result()
        except BaseException:
            cluster.stop()
            raise
    try:
        yield cluster, pg
    finally:
        cluster.stop()
        logs = VAR / "kafka-logs"
        logs.mkdir(exist_ok=True)
        for node in cluster.nodes:  # the brokers' logs stay for a look after a failure; their data goes
            if (node.workdir / "broker.log").exists():
                shutil.copy(node.workdir / "broker.log", logs / f"node-{node.node_id}.log")
        shutil.rmtree(cluster.workdir, ignore_errors=True)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The result table, also when pytest captures the test's output."""
    for text in REPORT:
        terminalreporter.write_sep("=", "chaos suite")
        terminalreporter.write_line(text)
