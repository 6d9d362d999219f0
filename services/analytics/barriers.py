"""Answering or closing a barrier report from the console (the accessibility officer's team): check, seal, publish,
write through. The answer and the reporter's address go onto stadtstimme.barriers.v1 sealed with the report's data
key, so erasing the report erases them too; the notifier opens them and mails the reporter. A report the team cannot
or need not answer by mail (no address, the barrier removed, nothing to do) is closed instead.

Each action carries the id its form was shown with (``action_id``): a form sent twice (a double click, a reload)
acts once, and the reporter gets one mail."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import asyncpg
from aiokafka import AIOKafkaProducer
from pydantic import BaseModel

from services.analytics import barrier_store
from services.analytics.barrier_domain import answer_refusal
from services.analytics.barrier_store import AnswerRow, ClosingRow
from shared.auth import Account, audit
from shared.contracts.barriers import (
    BARRIER_ANSWERED,
    BARRIER_CLOSED,
    CLOSE_REASONS,
    BarrierAnsweredV1,
    BarrierClosedV1,
)
from shared.contracts.envelope import EventType, encode_envelope
from shared.contracts.topics import BARRIERS, topic_name
from shared.refusal import Refusal, not_found
from shared.settings import Settings
from shared.shredding import seal, secrets_of

SOURCE = "/stadtstimme/analytics/barriers"


async def answer(
    pool: asyncpg.Pool,
    producer: AIOKafkaProducer,
    settings: Settings,
    account: Account,
    response_id: uuid.UUID,
    text: str,
    action_id: uuid.UUID | None = None,
) -> BarrierAnsweredV1 | None:
    """Answer report ``response_id`` with ``text`` as ``account`` (who has ``barriers.answer``: the route checks).
    Raises ``Refusal``: 404 no such report, 422 an empty or too long answer (field ``answer``), 409 no address to
    answer to (none given, or erased with the report). Nothing is published then, nor when the answer with
    ``action_id`` was sent already (None)."""
    refusal = answer_refusal(text)
    if refusal is not None:
        raise Refusal(refusal, 422, slug="validation-error", field="answer")
    async with pool.acquire() as conn, conn.transaction():
        report = await _locked(conn, response_id)
        event_id = action_id or uuid.uuid4()
        if await barrier_store.already(conn, event_id):
            return None
        email = await barrier_store.contact(conn, response_id)
        secret = (await secrets_of(conn, [response_id])).get(response_id)
        if email is None or secret is None:
            raise Refusal("barriers.error.no_contact", 409, slug="conflict", field="answer")
        now = datetime.now(UTC)
        event = BarrierAnsweredV1(
            response_id=response_id,
            org_unit=report["org_unit_id"],
            page_url=report["page_url"],
            answer=seal(secret, response_id, "answer", text.strip()),
            contact_email=seal(secret, response_id, "contact_email", email),
            language="en" if report["language"] == "en" else "de",
            actor=account.username,
            answered_at=now,
        )
        envelope = await _publish(producer, settings, BARRIER_ANSWERED, event_id, event, response_id, now)
        await barrier_store.apply_answers(conn, [AnswerRow(event_id, event, envelope.decode())])
        await audit(conn, account.username, "barrier_answered", str(response_id), org_unit=report["org_unit_id"])
    return event


async def close(
    pool: asyncpg.Pool,
    producer: AIOKafkaProducer,
    settings: Settings,
    account: Account,
    response_id: uuid.UUID,
    reason: str,
    action_id: uuid.UUID | None = None,
) -> BarrierClosedV1 | None:
    """Close report ``response_id`` without (another) answer by mail, for ``reason`` (``CLOSE_REASONS``), as
    ``account`` (the route checks ``barriers.answer``). Raises ``Refusal``: 404 no such report, 422 an unknown
    reason (field ``reason``). None when the closing with ``action_id`` is recorded already."""
    if reason not in CLOSE_REASONS:
        raise Refusal("barriers.error.close_reason", 422, slug="validation-error", field="reason")
    async with pool.acquire() as conn, conn.transaction():
        report = await _locked(conn, response_id)
        event_id = action_id or uuid.uuid4()
        if await barrier_store.already(conn, event_id):
            return None
        now = datetime.now(UTC)
        event = BarrierClosedV1(response_id=response_id, org_unit=report["org_unit_id"], reason=reason,
                                actor=account.username, closed_at=now)  # fmt: skip
        envelope = await _publish(producer, settings, BARRIER_CLOSED, event_id, event, response_id, now)
        await barrier_store.apply_closings(conn, [ClosingRow(event_id, event, envelope.decode())])
        await audit(conn, account.username, "barrier_closed", str(response_id), org_unit=report["org_unit_id"],
                    reason=reason)  # fmt: skip
    return event


async def _locked(conn: asyncpg.Connection, response_id: uuid.UUID) -> asyncpg.Record:
    """The report, held until the transaction ends (one action on a report at a time); 404 when there is none."""
    await conn.execute("SELECT pg_advisory_xact_lock(hashtext('stadtstimme.barrier'), hashtext($1))", str(response_id))
    report = await barrier_store.report(conn, response_id)
    if report is None:
        raise not_found()
    return report


async def _publish(
    producer: AIOKafkaProducer, settings: Settings, event_type: EventType, event_id: uuid.UUID, event: BaseModel,
    response_id: uuid.UUID, now: datetime,
) -> bytes:  # fmt: skip
    """Onto the barrier topic with acks=all, keyed by the report, before anything is written."""
    envelope = encode_envelope(
        event_type, event_id, SOURCE, now, event.model_dump(mode="json"), subject=str(response_id)
    )
    async with asyncio.timeout(settings.kafka_send_timeout_s):
        await producer.send_and_wait(
            topic_name(BARRIERS, settings.topic_prefix), envelope, key=str(response_id).encode()
        )
    return envelope
