"""The one command runner of the organisation model, for the console and ``stadtstimme org apply`` alike.

A command runs under one advisory lock in one transaction: read the model, let the command say what it should be
(a YAML file merged in, or one unit, site or page saved in the console), check it with the YAML loader's rules
(``org_domain.check``), plan the events for what differs, publish them to Kafka with acks=all, then apply them to
the tables through the projection's own function, and audit each. The topic stays the source of truth (a replay
rebuilds the same tables); writing through only means staff see their change at once. Ingest notices the change
within ``survey_refresh_s`` (``shared.orgmodel.org_revision``).

Units, sites and pages stored before the model became events are published first, once (``adopt``), so that a
replay never loses them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime

import asyncpg
from aiokafka import AIOKafkaProducer

from services.analytics import org_store
from services.analytics.org_domain import PlannedEvent, Subject, check, plan
from services.analytics.org_store import OrgRow
from shared.auth import audit
from shared.contracts.envelope import encode_envelope
from shared.contracts.org import KEY, OrgUnitSavedV1, SiteSavedV2
from shared.contracts.topics import ORG, topic_name
from shared.kafka import start_producer
from shared.orgmodel import OrgModel, OrgProblem, dump_org_yaml, fetch_org_model
from shared.refusal import Refusal
from shared.settings import Settings

SOURCE = "/stadtstimme/analytics/org"
ADOPTED_BY = "stadtstimme"  # who saved what was stored before the model became events


class OrgInvalid(Exception):
    """The model a command asked for breaks a rule; nothing was published. ``model``: the model asked for (its
    problems are located in ``shared.orgmodel.document(model)``)."""

    def __init__(self, problems: list[OrgProblem], model: OrgModel) -> None:
        super().__init__("; ".join(p.text("en") for p in problems))
        self.problems = problems
        self.model = model


def changed_meanwhile() -> Refusal:
    """The unit, site or page was saved by someone else since the form was opened."""
    return Refusal("console.org.error.changed_meanwhile", 409)


async def execute(
    pool: asyncpg.Pool,
    producer: AIOKafkaProducer,
    settings: Settings,
    change: Callable[[OrgModel], OrgModel],
    actor: str,
    via: str,
    expect: tuple[Subject, int] | None = None,
) -> list[PlannedEvent]:
    """Bring the model to ``change(model as it is)``; the events published (none: it is so already).

    ``expect``: the thing a form edits and the revision the form showed (0: new); raises ``Refusal`` (409) if it
    has another one now. Raises ``OrgInvalid`` for a model that breaks a rule, the broker's errors when it does
    not answer (nothing changed then; repeat the command)."""
    topic = topic_name(ORG, settings.topic_prefix)
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(org_store.ORG_LOCK)
        await adopt(conn, producer, settings)
        current = await fetch_org_model(conn)
        revisions = await org_store.revisions(conn)
        if expect is not None and revisions.get(expect[0], 0) != expect[1]:
            raise changed_meanwhile()
        desired = change(current)
        checked = check(desired)
        if isinstance(checked, list):
            raise OrgInvalid(checked, desired)
        events = plan(current, revisions, checked, actor, datetime.now(UTC))
        await _publish(conn, producer, settings, topic, events)
        for event in events:
            kind, key = event.subject
            d = event.data
            unit = d.unit_id if isinstance(d, OrgUnitSavedV1) else d.org_unit if isinstance(d, SiteSavedV2) else None
            details = {"revision": d.revision, "via": via} | ({"org_unit": unit} if unit else {})
            await audit(conn, actor, f"org_{kind}_saved", key, **details)
    return events


async def _publish(
    conn: asyncpg.Connection, producer: AIOKafkaProducer, settings: Settings, topic: str, events: list[PlannedEvent]
) -> None:
    """Kafka first (acks=all, in order, one key), then the tables through the projection's function."""
    rows = []
    for event in events:
        kind, key = event.subject
        data = event.data.model_dump(mode="json")
        envelope = encode_envelope(event.event_type, event.event_id, SOURCE, event.data.saved_at, data,
                                   subject=f"{kind}:{key}")  # fmt: skip
        async with asyncio.timeout(settings.kafka_send_timeout_s):
            await producer.send_and_wait(topic, envelope, key=KEY.encode())
        rows.append(OrgRow(event.event_id, event.event_type.type, event.data, envelope.decode()))
    await org_store.apply_events(conn, rows)


async def adopt(conn: asyncpg.Connection, producer: AIOKafkaProducer, settings: Settings) -> int:
    """Publish what the tables hold from before the model became events (under the caller's lock, in its
    transaction), once: when no org event was ever archived. Returns how many events."""
    if await org_store.has_events(conn) or not await conn.fetchval("SELECT EXISTS (SELECT 1 FROM org_unit)"):
        return 0
    stored = await fetch_org_model(conn)
    events = plan(OrgModel(), {}, stored, ADOPTED_BY, datetime.now(UTC))
    await _publish(conn, producer, settings, topic_name(ORG, settings.topic_prefix), events)
    return len(events)


async def adopt_before_replay(settings: Settings, pool: asyncpg.Pool) -> int:
    """``adopt`` on its own, for ``stadtstimme replay``: the tables it empties must be on the topic first."""
    async with pool.acquire() as conn:
        if await org_store.has_events(conn):
            return 0
    producer = await start_producer(settings)
    try:
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute(org_store.ORG_LOCK)
            return await adopt(conn, producer, settings)
    finally:
        await producer.stop()


async def export_yaml(pool: asyncpg.Pool) -> str:
    """The model as the YAML file ``stadtstimme org apply`` reads; applied to the model as it is, it changes
    nothing."""
    async with pool.acquire() as conn:
        model = await fetch_org_model(conn)
    return dump_org_yaml(model)
