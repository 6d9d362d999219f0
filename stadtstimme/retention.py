"""The retention job: enforces ``shared.retention``'s periods, each kind through the code of whoever owns it.

Idempotent (what is gone stays gone, and a second run finds nothing), safe to run from several places at once
(one advisory lock), and recorded: every run that erased something leaves an audit entry with the counts. A dry
run counts only. ``preview`` is what the console shows administrators: per kind, how much is due now and when the
next entry becomes due.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

import asyncpg
from aiokafka import AIOKafkaProducer

from services.hackathon import decisions as hackathon_decisions
from services.hackathon import store as hackathon_store
from shared.accounts import erase_disabled_accounts
from shared.auth import audit
from shared.periodic import every
from shared.retention import Rule, policy, preview
from shared.settings import Settings
from shared.shredding import erase_older, erase_response

log = logging.getLogger(__name__)
SOURCE = "/stadtstimme/retention"
ACTOR = "retention"
_LOCK = 7_451_302  # any fixed number: one retention run at a time, whatever runs it
_BATCH = 500


async def run(
    settings: Settings, pool: asyncpg.Pool, producer: AIOKafkaProducer | None, now: datetime, dry_run: bool = False
) -> dict[str, int]:
    """Erase what is past its period (``dry_run``: only count it); how many entries of each kind."""
    async with pool.acquire() as lock_conn:
        await lock_conn.execute("SELECT pg_advisory_lock($1)", _LOCK)
        try:
            if dry_run:
                async with pool.acquire() as conn:
                    return {d.rule.kind: d.due_now for d in await preview(conn, settings, now)}
            counts = {}
            for rule in policy(settings):
                counts[rule.kind] = await _enforce(rule, settings, pool, producer, now - rule.period, now)
            if any(counts.values()):
                async with pool.acquire() as conn:
                    await audit(conn, ACTOR, "retention_run", "", **counts)
            return counts
        finally:
            await lock_conn.execute("SELECT pg_advisory_unlock($1)", _LOCK)


async def _enforce(
    rule: Rule, settings: Settings, pool: asyncpg.Pool, producer: AIOKafkaProducer | None, cutoff: datetime,
    now: datetime,
) -> int:  # fmt: skip
    async with pool.acquire() as conn:
        if rule.kind == "free_text":
            if producer is None:
                raise RuntimeError("erasing free text needs the broker")
            erased = 0
            while keys := await conn.fetch(
                """SELECT key_id FROM data_key WHERE kind IN ('feedback', 'survey') AND created_at < $1
                   ORDER BY created_at LIMIT $2""",
                cutoff,
                _BATCH,
            ):
                done = await asyncio.gather(*(erase_response(pool, producer, settings, r["key_id"], "retention",
                                                             SOURCE) for r in keys))  # fmt: skip
                erased += sum(done)
            return erased
        if rule.kind == "triage_notes":
            async with conn.transaction():  # the keys too: the notes are unreadable on the triage topic as well
                await erase_older(conn, "note", cutoff, "retention")
                return _deleted(await conn.execute("DELETE FROM comment_note WHERE at < $1", cutoff))
        if rule.kind == "audit_log":
            async with conn.transaction():
                await conn.execute("SELECT set_config('stadtstimme.audit_expire_before', $1, true)", cutoff.isoformat())
                return _deleted(await conn.execute("DELETE FROM audit_log WHERE at < $1", cutoff))
        if rule.kind == "delivery_log":
            async with conn.transaction():
                gone = await conn.fetch(
                    "DELETE FROM notification_delivery WHERE created_at < $1 AND status <> 'pending' RETURNING id",
                    cutoff,
                )
                await conn.execute(
                    """DELETE FROM notification WHERE (delivery_id = ANY($1::uuid[]))
                           OR (delivery_id IS NULL AND created_at < $2)""",
                    [r["id"] for r in gone],
                    cutoff,
                )
                return len(gone)
        if rule.kind == "hackathon_participants":
            if producer is None:
                raise RuntimeError("erasing hackathon participants needs the broker")
            return (await hackathon_decisions.erase_ended(pool, producer, settings, now, rule.period))["participants"]
        if rule.kind == "pending_registrations":
            return sum((await hackathon_store.purge_expired(conn, now)).values())
        if rule.kind == "staff_links":
            return _deleted(await conn.execute("DELETE FROM staff_link WHERE created_at < $1", cutoff))
        if rule.kind == "staff_accounts":
            return await erase_disabled_accounts(conn, cutoff)
        if rule.kind == "sign_in_throttle":
            return _deleted(await conn.execute("DELETE FROM sign_in_throttle WHERE last_failed < $1", cutoff))
    raise ValueError(f"no enforcement for {rule.kind!r}")


def _deleted(status: str) -> int:
    return int(status.rsplit(" ", 1)[-1])


async def run_forever(settings: Settings, pool: asyncpg.Pool, stop: asyncio.Event) -> None:
    """Enforce the periods every ``retention_interval_s`` until ``stop`` is set (in the projector worker)."""
    from datetime import UTC

    from shared.kafka import start_producer

    producer = await start_producer(settings)

    async def step() -> None:
        counts = await run(settings, pool, producer, datetime.now(UTC))
        if any(counts.values()):
            log.info("retention: erased %s", counts)

    try:
        await every(settings.retention_interval_s, stop, "the retention run", step)
    finally:
        await producer.stop()
