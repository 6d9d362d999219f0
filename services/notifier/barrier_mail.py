"""Answers to barrier reports, mailed to the reporter (``shared.mail``): one row per answer event
(``notifier_barrier_mail``, written with the consumer's positions), claimed with a lease and sent once. The address
and the answer are opened from their sealed copies only when the mail goes out: a report erased meanwhile (deletion
code, staff, retention) is not mailed."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

import asyncpg
import orjson

from services.notifier import outbox
from services.notifier.config import NotifierConfig
from services.notifier.outbox import backoff
from services.notifier.signals import barrier_mail_failed
from shared import mail
from shared.contracts.barriers import BarrierAnsweredV1
from shared.messages import text
from shared.settings import Settings
from shared.shredding import secrets_of, unseal

log = logging.getLogger(__name__)


async def enqueue(conn: asyncpg.Connection, event_id: UUID, event: BarrierAnsweredV1, now: datetime) -> None:
    await conn.execute(
        """INSERT INTO notifier_barrier_mail (event_id, response_id, data, created_at, next_at)
           VALUES ($1, $2, $3::jsonb, $4, $4) ON CONFLICT (event_id) DO NOTHING""",
        event_id,
        event.response_id,
        event.model_dump_json(),
        now,
    )


def letter(event: BarrierAnsweredV1, answer: str, retention_days: int) -> tuple[str, str]:
    """(subject, body) of the mail, in the report's language."""
    lang = event.language
    body = text("barriers.mail.body", lang, page=event.page_url, answer=answer, days=retention_days)
    return text("barriers.mail.subject", lang), body


async def tell_officer(
    conn: asyncpg.Connection, config: NotifierConfig, settings: Settings, event_id: UUID, event: BarrierAnsweredV1,
    attempts: int, now: datetime,
) -> None:  # fmt: skip
    """An answer given up: the accessibility officer (only them) is told, through the outbox, without the address
    or the answer; the console shows the report as answered, and the reporter never got it."""
    unit = await conn.fetchval("SELECT name FROM org_unit WHERE id = $1", event.org_unit) or event.org_unit
    signal = barrier_mail_failed(event_id, str(event.response_id), event.org_unit, event.page_url, unit, attempts,
                                 settings.public_base_url)  # fmt: skip
    officer = [d for d in config.deliveries(signal.labels) if d.receiver == config.accessibility_officer]
    include = {r.name: r.include_text for r in config.receivers}
    await outbox.enqueue(conn, signal, officer, include, ZoneInfo(settings.timezone), now)


async def send_due(pool: asyncpg.Pool, settings: Settings, now: datetime, config: NotifierConfig | None = None) -> int:
    """Send the mails that are due; how many were attempted. One given up is told to the accessibility officer
    (``config``'s receiver)."""
    lease = timedelta(seconds=settings.notifier_lease_s)
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            """UPDATE notifier_barrier_mail SET attempts = attempts + 1, next_at = $2
               WHERE event_id IN (SELECT event_id FROM notifier_barrier_mail
                                  WHERE sent_at IS NULL AND dropped IS NULL AND next_at <= $1
                                  ORDER BY next_at LIMIT 20 FOR UPDATE SKIP LOCKED)
               RETURNING event_id, response_id, data::text AS data, attempts""",
            now,
            now + lease,
        )
        keys = await secrets_of(conn, [r["response_id"] for r in rows])
    for r in rows:
        event = BarrierAnsweredV1.model_validate(orjson.loads(r["data"]))
        key = keys.get(r["response_id"])
        to, answer = unseal(key, event.contact_email, "contact_email"), unseal(key, event.answer, "answer")
        sent = False
        if to is not None and answer is not None:
            subject, body = letter(event, answer, settings.retention_free_text_days)
            sent = await mail.send(settings, to, subject, body, "barrier answer")
        async with pool.acquire() as conn:
            if to is None or answer is None:
                await conn.execute(
                    "UPDATE notifier_barrier_mail SET dropped = 'erased' WHERE event_id = $1", r["event_id"]
                )
            elif sent:
                await conn.execute("UPDATE notifier_barrier_mail SET sent_at = $2 WHERE event_id = $1",
                                   r["event_id"], now)  # fmt: skip
            elif r["attempts"] >= settings.notifier_max_attempts:
                log.error("barrier answer %s given up after %d attempts", r["event_id"], r["attempts"])
                async with conn.transaction():
                    await conn.execute(
                        "UPDATE notifier_barrier_mail SET dropped = 'failed' WHERE event_id = $1", r["event_id"]
                    )
                    if config is not None:
                        await tell_officer(conn, config, settings, r["event_id"], event, r["attempts"], now)
            else:
                wait = timedelta(seconds=backoff(r["attempts"], None, base_s=settings.notifier_backoff_s))
                await conn.execute("UPDATE notifier_barrier_mail SET next_at = $2 WHERE event_id = $1",
                                   r["event_id"], now + wait)  # fmt: skip
    return len(rows)
