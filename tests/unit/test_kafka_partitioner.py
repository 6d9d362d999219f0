"""The cached partitioner must place every key exactly where aiokafka's (and Java's) murmur2 partitioner does."""

from __future__ import annotations

from aiokafka.partitioner import DefaultPartitioner

from shared.kafka import cached_partitioner


def test_cached_partitioner_agrees_with_murmur2_default() -> None:
    default = DefaultPartitioner()
    for partitions in ([0, 1, 2], list(range(6)), list(range(12))):
        for i in range(2000):
            key = f"https://abfall.musterstadt.de/seite-{i}".encode()
            assert cached_partitioner(key, partitions, partitions) == default(key, partitions, partitions)
            assert cached_partitioner(key, partitions, partitions) == default(key, partitions, partitions)  # cached


def test_unkeyed_records_go_to_an_available_partition() -> None:
    assert {cached_partitioner(None, [0, 1, 2], [2]) for _ in range(50)} == {2}
