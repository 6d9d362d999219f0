"""The commands of the measures, for the console: save, publish, withdraw; and the effect of a measure as the console,
the public page ``/wirkung`` and open data show it.

A command runs under the measure's advisory lock in one transaction: read the measure, check the account for the
unit that owns it and the unit it will belong to (``shared.access.check_units``), check the rules
(``measure_domain.check``), publish the event to Kafka with acks=all, apply it to the tables through the
projection's own function, and audit it. The topic stays the source of truth (a replay rebuilds the same tables).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import asdict
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import asyncpg
from aiokafka import AIOKafkaProducer
from pydantic import BaseModel

from services.analytics import measure_store
from services.analytics.measure_domain import (
    Effect,
    Measure,
    check,
    effect,
    published,
    refusal,
    scope_units,
    windows,
)
from services.analytics.measure_store import MeasureRow, StoredMeasure
from shared.access import check_units
from shared.auth import Account, audit
from shared.contracts.envelope import EventType, encode_envelope
from shared.contracts.measures import (
    MEASURE_PUBLISHED,
    MEASURE_SAVED,
    MEASURE_UNPUBLISHED,
    MeasurePublishedV1,
    MeasureSavedV1,
    MeasureUnpublishedV1,
)
from shared.contracts.topics import MEASURES, topic_name
from shared.orgmodel import fetch_org_model
from shared.periodic import every
from shared.refusal import Refusal, not_found
from shared.settings import Settings

log = logging.getLogger(__name__)

SOURCE = "/stadtstimme/analytics/measures"
MANAGE = "measures.manage"


class MeasureInvalid(Exception):
    """The measure breaks rules; nothing was published. ``problems``: each a refusal at its field."""

    def __init__(self, problems: list[Refusal]) -> None:
        super().__init__("; ".join(p.key for p in problems))
        self.problems = problems


def changed_meanwhile() -> Refusal:
    return Refusal("measures.error.changed_meanwhile", 409)


def today(settings: Settings) -> date:
    return datetime.now(ZoneInfo(settings.timezone)).date()


def _same(stored: StoredMeasure, m: Measure) -> bool:
    return asdict(stored.measure) == asdict(m)


async def _lock(conn: asyncpg.Connection, measure_id: uuid.UUID) -> StoredMeasure | None:
    await conn.execute("SELECT pg_advisory_xact_lock(hashtext('stadtstimme.measure:' || $1::text))", str(measure_id))
    return await measure_store.fetch(conn, measure_id)


async def _publish(
    conn: asyncpg.Connection, producer: AIOKafkaProducer, settings: Settings, event_type: EventType, data: BaseModel,
    measure_id: uuid.UUID, at: datetime,
) -> None:  # fmt: skip
    """Kafka first (acks=all, keyed by the measure), then the tables through the projection's function."""
    event_id = uuid.uuid4()
    envelope = encode_envelope(event_type, event_id, SOURCE, at, data.model_dump(mode="json"),
                               subject=f"measure:{measure_id}")  # fmt: skip
    async with asyncio.timeout(settings.kafka_send_timeout_s):
        await producer.send_and_wait(
            topic_name(MEASURES, settings.topic_prefix), envelope, key=str(measure_id).encode()
        )
    await measure_store.apply_events(conn, [MeasureRow(event_id, event_type.type, data, envelope.decode())])  # type: ignore[arg-type]


async def save(
    pool: asyncpg.Pool, producer: AIOKafkaProducer, settings: Settings, account: Account, m: Measure,
    expect: int,
) -> int:  # fmt: skip
    """Save ``m`` (``expect``: the revision the form showed, 0 for a new measure); the revision it has now (the same
    one when nothing changed). Raises ``Refusal`` (404 another unit's, 403 a unit not one's own, 409 changed
    meanwhile), ``MeasureInvalid``, or the broker's errors (nothing changed then)."""
    async with pool.acquire() as conn, conn.transaction():
        stored = await _lock(conn, m.measure_id)
        check_units(account, MANAGE, stored.measure.org_unit if stored else None, m.org_unit)
        if stored is not None and _same(stored, m):
            return stored.revision  # nothing to change: also a form sent again after it was saved
        if (stored.revision if stored else 0) != expect:
            raise changed_meanwhile()
        units = [r["id"] for r in await conn.fetch("SELECT id FROM org_unit")]
        sites = [r["id"] for r in await conn.fetch("SELECT id FROM site")]
        problems = check(m, units, sites, today(settings))
        if m.comment_ids:
            known = await measure_store.known_comments(conn, m.comment_ids, account.units_visible())
            unknown = [str(c) for c in m.comment_ids if c not in known]
            if unknown:
                problems.append(refusal("unknown_comment", "comment_ids", ids=", ".join(unknown)))
        problems += await foreign_pages(conn, account, m)
        if problems:
            raise MeasureInvalid(problems)
        revision = (stored.revision if stored else 0) + 1
        now = datetime.now(UTC)
        data = MeasureSavedV1(
            measure_id=m.measure_id, revision=revision, saved_by=account.username, saved_at=now,
            org_unit=m.org_unit, title_de=m.title_de, title_en=m.title_en, description_de=m.description_de,
            description_en=m.description_en, pages=list(m.pages), site_id=m.site, path_prefix=m.path_prefix,
            theme=m.theme, live_on=m.live_on, window_days=m.window_days, comment_ids=list(m.comment_ids),
            hackathon_id=m.hackathon_id, challenge_id=m.challenge_id, submission_id=m.submission_id,
        )  # fmt: skip
        await _publish(conn, producer, settings, MEASURE_SAVED, data, m.measure_id, now)
        moved = {"from_org_unit": stored.measure.org_unit} if stored and stored.measure.org_unit != m.org_unit else {}
        await audit(conn, account.username, "measure_saved", str(m.measure_id), org_unit=m.org_unit,
                    revision=revision, **moved)  # fmt: skip
        if stored is not None and stored.published_at is not None:
            await refresh_effect(conn, settings, (await measure_store.fetch(conn, m.measure_id)) or stored)
        return revision


async def foreign_pages(conn: asyncpg.Connection, account: Account, m: Measure) -> list[Refusal]:
    """The measure's pages and site may count only feedback the account may see: else unit staff would read
    another unit's satisfaction through a measure of their own (and publish it)."""
    visible = account.units_visible()
    if visible is None:
        return []
    found = scope_units(m, await fetch_org_model(conn))
    return [refusal("foreign_pages", field) for field, units in found.items() if units - visible]


async def set_published(
    pool: asyncpg.Pool, producer: AIOKafkaProducer, settings: Settings, account: Account, measure_id: uuid.UUID,
    publish: bool, expect: int,
) -> bool:  # fmt: skip
    """Put the measure on ``/wirkung`` (``publish``) or take it off; False when it was so already. ``expect``: the
    revision the staff member saw (409 when it changed meanwhile: they publish what they read)."""
    async with pool.acquire() as conn, conn.transaction():
        stored = await _lock(conn, measure_id)
        if stored is None:
            raise not_found()
        check_units(account, MANAGE, stored.measure.org_unit)
        if stored.revision != expect:
            raise changed_meanwhile()
        if (stored.published_at is not None) == publish:
            return False
        now = datetime.now(UTC)
        if publish:
            data: BaseModel = MeasurePublishedV1(measure_id=measure_id, revision=expect, by=account.username, at=now)
            await _publish(conn, producer, settings, MEASURE_PUBLISHED, data, measure_id, now)
            await refresh_effect(conn, settings, stored)
        else:
            data = MeasureUnpublishedV1(measure_id=measure_id, by=account.username, at=now)
            await _publish(conn, producer, settings, MEASURE_UNPUBLISHED, data, measure_id, now)
        await audit(conn, account.username, "measure_published" if publish else "measure_unpublished", str(measure_id),
                    org_unit=stored.measure.org_unit, revision=expect)  # fmt: skip
        return True


async def effect_of(conn: asyncpg.Connection, settings: Settings, stored: StoredMeasure) -> Effect:
    """The measure's before/after effect as of today (in the city's time zone)."""
    m = stored.measure
    w = windows(m.live_on, today(settings), m.window_days)
    before, after = await measure_store.counts(conn, m, w, settings.timezone)
    return effect(w, before, after)


async def refresh_effect(conn: asyncpg.Connection, settings: Settings, stored: StoredMeasure) -> Effect:
    """``effect_of``, stored for the published view (``measure_outcome``) when the measure is published."""
    found = await effect_of(conn, settings, stored)
    await measure_store.store_effect(conn, stored.measure.measure_id, published(found))
    return found


async def refresh_effects(conn: asyncpg.Connection, settings: Settings, measure_ids: set[uuid.UUID]) -> None:
    """Store the effects of those of ``measure_ids`` that are published, for the published view: the projection
    does it after applying their events, so a replay (feedback before measures) leaves the view filled."""
    for measure_id in sorted(measure_ids):
        stored = await measure_store.fetch(conn, measure_id)
        if stored is not None and stored.published_at is not None:
            await refresh_effect(conn, settings, stored)


async def published_effects(
    pool: asyncpg.Pool, settings: Settings, unit: str | None = None
) -> list[tuple[StoredMeasure, Effect]]:
    """The published measures (of ``unit``, or all) with their effects, newest go-live first; each effect is
    stored for the published view as it is computed."""
    async with pool.acquire() as conn, conn.transaction():
        found = []
        for stored in await measure_store.listed(conn, None, published=True, unit=unit):
            found.append((stored, await refresh_effect(conn, settings, stored)))
        return found


async def refresh_published(pool: asyncpg.Pool, settings: Settings) -> bool:
    """Store the effect of every published measure as of today (False: another worker is doing it now)."""
    async with pool.acquire() as conn, conn.transaction():
        if not await conn.fetchval("SELECT pg_try_advisory_xact_lock(hashtext('stadtstimme.measure-effects'))"):
            return False
        ids = await conn.fetch("SELECT measure_id FROM measure WHERE published_at IS NOT NULL")
        await refresh_effects(conn, settings, {r["measure_id"] for r in ids})
    return True


async def run_forever(settings: Settings, pool: asyncpg.Pool, stop: asyncio.Event) -> None:
    """Keep the stored effects current every ``retention_interval_s`` (in the projector worker): they change with
    new feedback, erasures and every day of a window that is still growing, and the hackathon's results page reads
    them through ``measure_outcome`` without computing them."""

    async def step() -> None:
        await refresh_published(pool, settings)

    await every(settings.retention_interval_s, stop, "refreshing the measures' effects", step)
