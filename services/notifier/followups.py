"""Follow-ups of open items (migration 011): repeats of firing alerts, escalation of unhandled items.

* **Repeat**: an alert that is still raised is notified again to the same receiver every ``repeat_interval`` of
  the route that delivered it, until it is resolved (like Alertmanager's ``repeat_interval``).
* **Reminder**: a hackathon phase whose planned start has come while the hackathon has not reached it yet
  (moving on is an explicit staff action): once, at the planned time, to the route's receivers.
* **Escalation**: a route with ``escalate_after`` and ``escalate_to`` sends an item that is still unhandled after
  that time to ``escalate_to`` (once). A comment or barrier report counts as handled when staff take it on:
  moved out of "neu" (in Bearbeitung, erledigt, Spam), assigned to someone, or confirmed as spam. An alert
  counts as handled when it is resolved.

A follow-up is keyed by kind, item and recipient, and each notification it produces by the follow-up and its
number, so a replay or a crash between the two steps never notifies twice. News that an item is handled may
arrive before the item's own notification (the consumers read different topics); it is remembered in
``notifier_handled`` and such an item gets no follow-ups.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import asyncpg
import orjson

from services.notifier import outbox
from services.notifier.config import NotifierConfig
from services.notifier.routing import Delivery
from services.notifier.signals import Signal
from shared.messages import text


def followup_id(kind: str, item: str, target: str) -> uuid.UUID:
    return uuid.uuid5(outbox.NAMESPACE, f"followup|{kind}|{item}|{target}")


def human(span: timedelta) -> str:
    """``4 Stunden``, ``1 Tag``, ``30 Minuten`` (the largest whole unit)."""
    seconds = int(span.total_seconds())
    for size, one, many in ((86400, "Tag", "Tagen"), (3600, "Stunde", "Stunden"), (60, "Minute", "Minuten")):
        if (seconds >= size and seconds % size == 0) or size == 60:
            n = max(seconds // size, 1)
            return f"{n} {one if n == 1 else many}"
    raise AssertionError("unreachable")


async def schedule(
    conn: asyncpg.Connection,
    signal: Signal,
    deliveries: list[Delivery],
    item: str,
    now: datetime,
    *,
    repeat: bool,
) -> int:
    """Record the follow-ups the routes of ``deliveries`` ask for; returns how many are new."""
    if await conn.fetchval("SELECT true FROM notifier_handled WHERE item = $1", item):
        return 0
    plans: list[tuple[str, str, str, datetime]] = []
    for d in deliveries:
        p = d.policy
        if repeat and p.repeat_interval > timedelta(0):
            plans.append(("repeat", d.receiver, d.receiver, now + p.repeat_interval))
        if p.escalate_after is not None and p.escalate_to is not None and p.escalate_to != d.receiver:
            plans.append(("escalate", d.receiver, p.escalate_to, now + p.escalate_after))
    added = 0
    message = orjson.dumps(outbox.message_of(signal, with_text=True)).decode()
    for kind, receiver, target, next_at in plans:
        added += await conn.fetchval(
            """WITH row AS (
                   INSERT INTO notification_followup (id, kind, item, receiver, target, labels, message, next_at,
                                                      created_at)
                   VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8, $9) ON CONFLICT DO NOTHING RETURNING 1)
               SELECT count(*) FROM row""",
            followup_id(kind, item, target),
            kind,
            item,
            receiver,
            target,
            orjson.dumps(signal.labels).decode(),
            message,
            next_at,
            now,
        )
    return added


async def remind(
    conn: asyncpg.Connection, signal: Signal, deliveries: list[Delivery], item: str, at: datetime, now: datetime
) -> int:
    """Send ``signal`` at ``at`` unless ``item`` is closed before (a planned phase start that staff have not acted
    on); returns how many reminders are new."""
    if await conn.fetchval("SELECT true FROM notifier_handled WHERE item = $1", item):
        return 0
    added = 0
    message = orjson.dumps(outbox.message_of(signal, with_text=False)).decode()
    for d in deliveries:
        added += await conn.fetchval(
            """WITH row AS (
                   INSERT INTO notification_followup (id, kind, item, receiver, target, labels, message, next_at,
                                                      created_at)
                   VALUES ($1, 'reminder', $2, $3, $3, $4::jsonb, $5::jsonb, $6, $7) ON CONFLICT DO NOTHING
                   RETURNING 1)
               SELECT count(*) FROM row""",
            followup_id("reminder", item, d.receiver),
            item,
            d.receiver,
            orjson.dumps(signal.labels).decode(),
            message,
            at,
            now,
        )
    return added


async def close(conn: asyncpg.Connection, item: str, now: datetime, why: str) -> int:
    """The item is handled: its open follow-ups end, and follow-ups it would get later are never made."""
    await conn.execute(
        "INSERT INTO notifier_handled (item, handled_at, why) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        item,
        now,
        why,
    )
    done = await conn.fetchval(
        """WITH closed AS (UPDATE notification_followup SET closed_at = $2, closed_why = $3
                           WHERE item = $1 AND closed_at IS NULL RETURNING 1)
           SELECT count(*) FROM closed""",
        item,
        now,
        why,
    )
    return int(done)


async def fire_due(conn: asyncpg.Connection, config: NotifierConfig, tz: ZoneInfo, now: datetime) -> int:
    """Turn due follow-ups into notifications (through the outbox, so grouping, digests and quiet hours of the
    route apply); returns how many notifications were made."""
    made = 0
    next_at: datetime | None
    async with conn.transaction():
        rows = await conn.fetch(
            """SELECT * FROM notification_followup WHERE closed_at IS NULL AND next_at <= $1
               ORDER BY next_at, id LIMIT 200 FOR UPDATE SKIP LOCKED""",
            now,
        )
        include = {r.name: r.include_text for r in config.receivers}
        for r in rows:
            labels = orjson.loads(r["labels"])
            origin = next((d for d in config.deliveries(labels) if d.receiver == r["receiver"]), None)
            if origin is None or (r["kind"] == "repeat" and origin.policy.repeat_interval <= timedelta(0)):
                await _end(conn, r["id"], now, "no longer routed")
                continue
            m = orjson.loads(r["message"])
            number = r["sent"] + 1
            why_closed = "escalated"
            if r["kind"] == "reminder":  # once, as scheduled: the phase's planned start has come
                delivery, subject, summary, next_at, why_closed = origin, m["subject"], m["summary"], None, "reminded"
            elif r["kind"] == "repeat":
                delivery = origin
                since = r["created_at"].astimezone(tz).strftime("%d.%m.%Y %H:%M")
                subject = text("notifier.subject.repeat", subject=m["subject"])
                summary = text("notifier.summary.repeat", since=since, summary=m["summary"])
                next_at = now + origin.policy.repeat_interval
            else:
                after = human(origin.policy.escalate_after or (now - r["created_at"]))
                policy = replace(origin.policy, receiver=r["target"], escalate_after=None, escalate_to=None)
                waited = int((origin.policy.escalate_after or now - r["created_at"]).total_seconds())
                why = (*origin.reasons, f"{origin.route}: unhandled after {waited} s, escalated to {r['target']}")
                delivery = Delivery(r["target"], f"{origin.route} / escalation", policy, why)
                subject = text("notifier.subject.escalate", after=after, subject=m["subject"])
                summary = text("notifier.summary.escalate", after=after, summary=m["summary"])
                next_at = None
            signal = Signal(
                event_id=uuid.uuid5(outbox.NAMESPACE, f"{r['id']}|{number}"),
                labels=labels,
                subject=subject,
                summary=summary,
                facts=tuple((k, v) for k, v in m["facts"]),
                link=m["link"],
                texts=tuple(m["texts"]),
            )
            made += await outbox.enqueue(conn, signal, [delivery], include, tz, now)
            await conn.execute(
                """UPDATE notification_followup SET sent = $2, next_at = coalesce($3, next_at),
                       closed_at = CASE WHEN $3::timestamptz IS NULL THEN $4::timestamptz END,
                       closed_why = CASE WHEN $3::timestamptz IS NULL THEN $5 END
                   WHERE id = $1""",
                r["id"],
                number,
                next_at,
                now,
                why_closed,
            )
    return made


async def _end(conn: asyncpg.Connection, followup: uuid.UUID, now: datetime, why: str) -> None:
    await conn.execute(
        "UPDATE notification_followup SET closed_at = $2, closed_why = $3 WHERE id = $1", followup, now, why
    )
