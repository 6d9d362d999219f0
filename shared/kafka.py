"""Kafka plumbing on aiokafka: a durable producer, topic creation, offsets. Durability is said out loud here."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Sequence
from functools import lru_cache

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError, TopicAlreadyExistsError
from aiokafka.partitioner import DefaultPartitioner

from shared.contracts.topics import TOPICS, Topic, topic_name
from shared.settings import Settings

log = logging.getLogger(__name__)


@lru_cache(maxsize=65536)
def _keyed_partition(key: bytes, partitions: tuple[int, ...]) -> int:
    return int(DefaultPartitioner()(key, list(partitions), list(partitions)))


def cached_partitioner(key: bytes | None, all_partitions: Sequence[int], available: Sequence[int]) -> int:
    """aiokafka's default partitioner (murmur2, like Java's, so every client puts a page on the same partition)
    with its answer cached per key. Keys are page URLs, a few thousand per city, and murmur2 in pure Python was
    a twentieth of ingest's CPU time per request."""
    if key is None:
        return int(DefaultPartitioner()(key, list(all_partitions), list(available)))
    return _keyed_partition(key, tuple(all_partitions))


def _producer(settings: Settings, idempotent: bool) -> AIOKafkaProducer:
    # acks=all in both modes: a 202 means every in-sync replica has the event.
    return AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        acks="all",
        enable_idempotence=idempotent,
        linger_ms=settings.kafka_linger_ms,
        request_timeout_ms=int(settings.kafka_send_timeout_s * 1000),
        retry_backoff_ms=100,
        max_batch_size=256 * 1024,
        compression_type=None,
        partitioner=cached_partitioner,
        client_id="stadtstimme",
    )


async def start_producer(settings: Settings) -> AIOKafkaProducer:
    """Start a producer with acks=all, idempotent where the broker supports it (Tansu does not)."""
    mode = settings.kafka_idempotence
    if mode in ("auto", "on"):
        producer = _producer(settings, idempotent=True)
        try:
            # start() obtains the producer id (InitProducerId); Tansu answers it with an error or not at all.
            await asyncio.wait_for(producer.start(), timeout=settings.kafka_send_timeout_s)
            log.info("Kafka producer: acks=all, idempotent")
            return producer
        except (KafkaError, TimeoutError) as exc:
            await producer.stop()
            if mode == "on":
                raise
            log.warning("Broker refused an idempotent producer (%r); using acks=all without idempotence", exc)
    producer = _producer(settings, idempotent=False)
    await producer.start()
    log.info("Kafka producer: acks=all, not idempotent (duplicates are removed downstream by event id)")
    return producer


async def ensure_topics(settings: Settings, topics: Iterable[Topic] = TOPICS) -> None:
    """Create missing topics with the partitions, retention and clean-up policy defined in the contracts."""
    durability = {}
    if settings.topic_min_insync_replicas > 1:  # 1 is the brokers' default (and all Tansu knows)
        durability["min.insync.replicas"] = str(settings.topic_min_insync_replicas)
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        new = [
            NewTopic(
                name=topic_name(t, settings.topic_prefix),
                num_partitions=settings.topic_partitions,
                replication_factor=settings.topic_replication_factor,
                topic_configs=t.config() | durability,
            )
            for t in topics
            if topic_name(t, settings.topic_prefix) not in existing
        ]
        if new:
            try:
                await admin.create_topics(new)
            except TopicAlreadyExistsError:
                pass  # created concurrently by another process
            log.info("created topics %s", [t.name for t in new])
    finally:
        await admin.close()


class LazyProducer:
    """A Kafka producer started on the first command, not at start-up (most requests only read)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._producer: AIOKafkaProducer | None = None
        self._lock = asyncio.Lock()

    async def get(self) -> AIOKafkaProducer:
        async with self._lock:
            if self._producer is None:
                self._producer = await start_producer(self.settings)
            return self._producer

    async def stop(self) -> None:
        if self._producer is not None:
            await self._producer.stop()
            self._producer = None
