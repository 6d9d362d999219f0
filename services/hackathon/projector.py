"""The hackathon projector: the topic into ``hackathon_event`` and ``hackathon_budget_event`` (the commands write
through the same function, so this only adds what another instance published, or rebuilds everything on replay).
"""

from __future__ import annotations

from typing import Any

import asyncpg
from aiokafka import ConsumerRecord

from services.hackathon import store
from services.hackathon.store import HackathonRow
from shared.consumer import OffsetConsumer, decode_record
from shared.contracts.hackathon import HACKATHON_EVENT_TYPES
from shared.contracts.topics import HACKATHON


def to_row(record: ConsumerRecord[bytes, bytes]) -> HackathonRow:
    envelope, data = decode_record(record, HACKATHON_EVENT_TYPES, "a hackathon event")
    return HackathonRow(envelope.id, envelope.type, data, (record.value or b"").decode())


class HackathonProjector(OffsetConsumer):
    TOPIC = HACKATHON
    NAME = "hackathon.projector"

    @staticmethod
    def decode(record: ConsumerRecord[bytes, bytes]) -> Any:
        return to_row(record)

    async def project(self, conn: asyncpg.Connection, rows: list[Any]) -> None:
        await store.append(conn, rows)
