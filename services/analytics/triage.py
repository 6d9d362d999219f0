"""Triage commands on one comment, for the console: scoped, planned, published, written through.

A command runs under a per-comment advisory lock in one transaction: read the comment and its state, check that
the account may work on it, plan the events (``triage_domain.plan``), publish them with acks=all, and apply them
to the read model through the function the projector uses. The topic stays the source of truth.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import asyncpg
from aiokafka import AIOKafkaProducer

from services.analytics import triage_store
from services.analytics.triage_domain import AddNote, Assign, Command, InvalidCommand, Move, plan
from services.analytics.triage_store import TriageRow
from shared.access import check_units
from shared.auth import Account
from shared.contracts.envelope import EventType, encode_envelope
from shared.contracts.topics import COMMENT_TRIAGE, topic_name
from shared.contracts.triage import TRIAGE_EVENT_TYPES, CommentNoteAddedV1, CommentNoteAddedV2, TriageEvent
from shared.refusal import not_found
from shared.settings import Settings
from shared.shredding import key_for, seal

SOURCE = "/stadtstimme/analytics/console"
_EVENT_TYPES: dict[type, EventType] = {e.data_model: e for e in TRIAGE_EVENT_TYPES}


def may_triage(account: Account, org_unit: str) -> bool:
    """Administrators and the unit's own staff work on comments; analysts only read."""
    return account.may_act_on("comments.triage", org_unit)


async def assignable(conn: asyncpg.Connection, org_unit: str) -> list[asyncpg.Record]:
    """Colleagues a comment of ``org_unit`` can be assigned to: active administrators and the unit's staff."""
    rows: list[asyncpg.Record] = await conn.fetch(
        """SELECT username, display_name FROM staff_account
           WHERE NOT disabled AND (role = 'administrator' OR (role = 'unit_staff' AND $1 = ANY(org_units)))
           ORDER BY display_name, username""",
        org_unit,
    )
    return rows


async def execute(
    pool: asyncpg.Pool,
    producer: AIOKafkaProducer,
    settings: Settings,
    response_id: uuid.UUID,
    command: Command,
    account: Account,
) -> list[TriageEvent]:
    """Run ``command`` on comment ``response_id`` as ``account``; the events published (empty: no change).

    Raises ``Refusal`` (nothing is published then): 404 when the account may not see the comment, 403 when it
    may see but not work on it (``comments.triage`` on its unit), ``InvalidCommand`` when the workflow refuses.
    Handing a comment over (``Move``) needs the right on the unit it belongs to now; the receiving unit is any
    unit of the city (that is what handing over is for), and from then on only its staff work on the comment."""
    topic = topic_name(COMMENT_TRIAGE, settings.topic_prefix)
    if isinstance(command, AddNote):
        # The note's key is committed before its event is published: a projector instance that reads the event
        # before this command's transaction ends must be able to open it.
        async with pool.acquire() as conn:
            await key_for(conn, command.note_id, "note")
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(
            "SELECT pg_advisory_xact_lock(hashtext('stadtstimme.comment'), hashtext($1))", str(response_id)
        )
        row = await triage_store.item(conn, response_id)
        if row is None:
            raise not_found()
        check_units(account, "comments.triage", row["org_unit_id"])
        if isinstance(command, Assign) and command.assignee is not None:
            if command.assignee not in {r["username"] for r in await assignable(conn, row["org_unit_id"])}:
                raise InvalidCommand("assignee", command.assignee[:200])
        if isinstance(command, Move) and not await conn.fetchval(
            "SELECT true FROM org_unit WHERE id = $1", command.org_unit
        ):
            raise InvalidCommand("unit", command.org_unit[:64])
        events = plan(
            triage_store.state_of(row), command, response_id, row["org_unit_id"], datetime.now(UTC), account.username
        )
        events = [await _sealed(conn, e) if isinstance(e, CommentNoteAddedV1) else e for e in events]
        rows = []
        for event in events:
            event_type = _EVENT_TYPES[type(event)]
            event_id = uuid.uuid4()
            envelope = encode_envelope(
                event_type, event_id, SOURCE, event.at, event.model_dump(mode="json"), subject=str(response_id)
            )
            async with asyncio.timeout(settings.kafka_send_timeout_s):
                await producer.send_and_wait(topic, envelope, key=str(response_id).encode())
            rows.append(TriageRow(event_id, event_type.type, event, envelope.decode()))
        await triage_store.apply_triage(conn, rows)
    return events


async def _sealed(conn: asyncpg.Connection, note: CommentNoteAddedV1) -> CommentNoteAddedV2:
    """The note as it is published: sealed with a key of its own (made before the command's transaction), which
    the retention period of notes erases."""
    secret = await key_for(conn, note.note_id, "note")
    assert secret is not None  # a new note's id is new: it has no tombstone
    data = note.model_dump() | {"text": seal(secret, note.note_id, "text", note.text)}
    return CommentNoteAddedV2.model_validate(data)
