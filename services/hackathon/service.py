"""Hackathon commands: decided on the folded state, published, written through.

A command runs in one transaction under a per-hackathon advisory lock (and, for prize money, a per-year lock):
fold the hackathon's events, decide (``domain``; a refusal publishes nothing), publish the event with acks=all
keyed by the hackathon, then record it with the projector's function. Side effects the event needs in
PostgreSQL (a participant's name and e-mail address, a team's join code) are written in the same transaction, so
a refused or failed publication leaves nothing behind.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import asyncpg
from aiokafka import AIOKafkaProducer
from pydantic import BaseModel, ValidationError

from services.hackathon import budget, domain, store
from services.hackathon.budget import YearBudget
from services.hackathon.domain import HackathonState, Refused
from services.hackathon.store import HackathonRow
from shared.contracts.envelope import EventType, encode_envelope
from shared.contracts.hackathon import EVENT_TYPE_OF, BudgetSetV1
from shared.contracts.topics import HACKATHON, topic_name
from shared.settings import Settings

SOURCE = "/stadtstimme/hackathon"
Decide = Callable[[HackathonState, asyncpg.Connection], Awaitable[tuple[type[BaseModel], dict[str, Any]]]]


async def _publish(producer: AIOKafkaProducer, settings: Settings, event: BaseModel, key: str) -> HackathonRow:
    event_type: EventType = EVENT_TYPE_OF[type(event)]
    event_id = uuid.uuid4()
    at: datetime = getattr(event, "at")  # noqa: B009 (every hackathon event has one)
    envelope = encode_envelope(event_type, event_id, SOURCE, at, event.model_dump(mode="json"), subject=key)
    async with asyncio.timeout(settings.kafka_send_timeout_s):
        await producer.send_and_wait(topic_name(HACKATHON, settings.topic_prefix), envelope, key=key.encode())
    return HackathonRow(event_id, event_type.type, event, envelope.decode())


async def command(
    pool: asyncpg.Pool,
    producer: AIOKafkaProducer,
    settings: Settings,
    hackathon_id: str,
    actor: str,
    decide: Decide,
    *,
    year_lock: bool = False,
    at: datetime | None = None,
) -> BaseModel:
    """Run one command on a hackathon; the event published. Raises ``Refused``. ``at``: when it happened, if not
    now (the demo city replays a past hackathon as it went)."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(
            "SELECT pg_advisory_xact_lock(hashtext('stadtstimme.hackathon'), hashtext($1))", hackathon_id
        )
        state = await store.state(conn, hackathon_id)
        if year_lock and state.created is not None:
            await conn.execute("SELECT pg_advisory_xact_lock(hashtext('stadtstimme.budget'), $1)", state.created.year)
        model, data = await decide(state, conn)
        event = domain.next_event(state, model, data, at or datetime.now(UTC), actor)
        row = await _publish(producer, settings, event, hackathon_id)
        await store.append(conn, [row])
    return event


async def left_cents(conn: asyncpg.Connection, year: int) -> int:
    """What is left of the year's hackathon budget after its expenses and prizes (call under the year's lock)."""
    state = await store.year_budget(conn, year)
    return budget.ledger(state, await store.awards(conn, year)).left_cents


YearDecide = Callable[[YearBudget, int], tuple[type[BaseModel], dict[str, Any]]]


async def year_command(
    pool: asyncpg.Pool, producer: AIOKafkaProducer, settings: Settings, year: int, actor: str, decide: YearDecide
) -> BaseModel:
    """Run one command on a year's money (a budget, an expense, a cancellation) under the year's lock, which
    awards take too: fold the year's money events, decide (``budget``; given the year's prizes in cents), publish
    keyed ``budget-<year>``, record. Raises ``Refused``."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext('stadtstimme.budget'), $1)", year)
        state = await store.year_budget(conn, year)
        model, data = decide(state, budget.awarded_cents(year, await store.awards(conn, year)))
        try:
            event = model.model_validate(
                {**data, "year": year, "sequence": state.sequence + 1, "at": datetime.now(UTC), "actor": actor}
            )
        except ValidationError as exc:
            fields = ", ".join(sorted({str(e["loc"][0]) for e in exc.errors() if e["loc"]})) or "(body)"
            raise Refused("invalid", 422, fields=fields) from exc
        row = await _publish(producer, settings, event, f"budget-{year}")
        await store.append(conn, [row])
    return event


async def set_budget(
    pool: asyncpg.Pool, producer: AIOKafkaProducer, settings: Settings, year: int, amount_cents: int, actor: str
) -> BudgetSetV1:
    """Set a year's hackathon budget; refused below what its expenses and prizes already come to."""

    def decide(state: YearBudget, awarded: int) -> tuple[type[BaseModel], dict[str, Any]]:
        return BudgetSetV1, budget.set_hackathon_budget(state, awarded, amount_cents)

    event = await year_command(pool, producer, settings, year, actor, decide)
    assert isinstance(event, BudgetSetV1)
    return event
