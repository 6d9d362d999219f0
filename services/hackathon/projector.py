"""The hackathon projector: the topic into ``hackathon_event`` and ``hackathon_budget_event`` (the commands write
through the same function, so this only adds what another instance published, or rebuilds everything on replay).
"""

from __future__ import annotations

from typing import Any

import asyncpg
from aiokafka import ConsumerRecord

from services.hackathon import store
from services.hackathon.store import HackathonRow
from shared.consumer import OffsetConsumer
from shared.contracts.envelope import decode_envelope
from shared.contracts.hackathon import HACKATHON_EVENT_TYPES
from shared.contracts.topics import EVENT_TYPES, HACKATHON

_MODELS = tuple(e.data_model for e in HACKATHON_EVENT_TYPES)


def to_row(record: ConsumerRecord[bytes, bytes]) -> HackathonRow:
    if record.value is None:
        raise ValueError("empty record")
    envelope, data = decode_envelope(record.value, EVENT_TYPES)
    if not isinstance(data, _MODELS):
        raise ValueError(f"not a hackathon event: {envelope.type}")
    return HackathonRow(envelope.id, envelope.type, data, record.value.decode())


class HackathonProjector(OffsetConsumer):
    TOPIC = HACKATHON
    NAME = "hackathon.projector"

    @staticmethod
    def decode(record: ConsumerRecord[bytes, bytes]) -> Any:
        return to_row(record)

    async def project(self, conn: asyncpg.Connection, rows: list[Any]) -> None:
        await store.append(conn, rows)
