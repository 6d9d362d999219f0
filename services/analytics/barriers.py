"""Answering a barrier report from the console (the accessibility officer's team): check, seal, publish, write
through. The answer and the reporter's address go onto stadtstimme.barriers.v1 sealed with the report's data key,
so erasing the report erases them too; the notifier opens them and mails the reporter."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import asyncpg
from aiokafka import AIOKafkaProducer

from services.analytics import barrier_store
from services.analytics.barrier_domain import answer_refusal
from services.analytics.barrier_store import AnswerRow
from shared.auth import Account, audit
from shared.contracts.barriers import BARRIER_ANSWERED, BarrierAnsweredV1
from shared.contracts.envelope import encode_envelope
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
) -> BarrierAnsweredV1:
    """Answer report ``response_id`` with ``text`` as ``account`` (who has ``barriers.answer``: the route checks).
    Raises ``Refusal``: 404 no such report, 422 an empty or too long answer (field ``answer``), 409 no address to
    answer to (none given, or erased with the report). Nothing is published then."""
    refusal = answer_refusal(text)
    if refusal is not None:
        raise Refusal(refusal, 422, slug="validation-error", field="answer")
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(
            "SELECT pg_advisory_xact_lock(hashtext('stadtstimme.barrier'), hashtext($1))", str(response_id)
        )
        report = await barrier_store.report(conn, response_id)
        if report is None:
            raise not_found()
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
        event_id = uuid.uuid4()
        envelope = encode_envelope(
            BARRIER_ANSWERED, event_id, SOURCE, now, event.model_dump(mode="json"), subject=str(response_id)
        )
        async with asyncio.timeout(settings.kafka_send_timeout_s):
            await producer.send_and_wait(
                topic_name(BARRIERS, settings.topic_prefix), envelope, key=str(response_id).encode()
            )
        await barrier_store.apply_answers(conn, [AnswerRow(event_id, event, envelope.decode())])
        await audit(conn, account.username, "barrier_answered", str(response_id), org_unit=report["org_unit_id"])
    return event
