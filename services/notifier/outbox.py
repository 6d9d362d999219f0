"""The delivery outbox in PostgreSQL (migration 010): at-least-once consumption, exactly-once effects.

1. ``enqueue`` (in the consumer's transaction, with its offsets): one row per event and receiver, keyed by both,
   so a redelivery or a full replay adds nothing; ``due_at`` from the route's policy.
2. ``batch_due``: due notifications of one group become one delivery, whose id is derived from its notifications.
3. ``claim``: a delivery is leased before it is sent; a crashed sender's lease runs out and the delivery is sent
   again under the same id (channels pass it on as webhook-id, Matrix transaction id, e-mail Message-ID, so the
   receiving side recognises the repeat).
4. ``finish``: sent, or retried with exponential backoff and jitter (honouring ``Retry-After``), or after the last
   attempt a dead letter that staff can see and retry.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import orjson

from services.notifier.routing import Delivery, due_at
from services.notifier.signals import Signal
from shared.messages import text

NAMESPACE = uuid.UUID("8c2b7e4a-1f3d-4b6a-9e8f-0a1b2c3d4e5f")
MAX_ATTEMPTS = 8
LEASE = timedelta(seconds=60)
BACKOFF_BASE_S = 5.0
BACKOFF_MAX_S = 3600.0


def notification_id(event_id: uuid.UUID, receiver: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"{event_id}|{receiver}")


def backoff(
    attempts: int, retry_after: float | None, rnd: random.Random | None = None, base_s: float = BACKOFF_BASE_S
) -> float:
    """Seconds until the next attempt: ``Retry-After`` when the receiver named it, else exponential (5 s, 10 s,
    20 s, … up to an hour) with full jitter in its upper half, so that many retries do not arrive together."""
    if retry_after is not None:
        return min(max(retry_after, 1.0), BACKOFF_MAX_S)
    ceiling = min(base_s * 2.0 ** max(attempts - 1, 0), BACKOFF_MAX_S)
    jitter: float = (rnd or random).random()
    return ceiling / 2 + jitter * ceiling / 2


def message_of(signal: Signal, with_text: bool) -> dict[str, Any]:
    """A notification's message as stored; citizen text only for a receiver that allows it."""
    return {
        "subject": signal.subject,
        "summary": signal.summary,
        "facts": [list(f) for f in signal.facts],
        "link": signal.link,
        "texts": list(signal.texts) if with_text else [],
        "type": signal.labels.get("type", ""),
        "unit": dict(signal.facts).get(text("notifier.fact.unit"), signal.labels.get("unit", "")),
        "attachments": [list(a) for a in signal.attachments],
    }


async def enqueue(
    conn: asyncpg.Connection,
    signal: Signal,
    deliveries: list[Delivery],
    include_text: dict[str, bool],
    tz: ZoneInfo,
    now: datetime,
) -> int:
    """Record ``signal`` for each delivery (nothing for one recorded before); returns how many are new."""
    added = 0
    for d in deliveries:
        group_key = d.group_key(signal.labels)
        last_sent, waiting = await conn.fetchrow(
            """SELECT (SELECT max(sent_at) FROM notification_delivery WHERE receiver = $1 AND group_key = $2),
                      (SELECT min(due_at) FROM notification
                       WHERE receiver = $1 AND group_key = $2 AND delivery_id IS NULL)""",
            d.receiver,
            group_key,
        )
        due = due_at(d.policy, now, tz, last_sent)
        if waiting is not None:
            due = min(due, waiting)  # joins the group's message that is still waiting
        message = message_of(signal, include_text.get(d.receiver, False))
        added += await conn.fetchval(
            """WITH row AS (
                   INSERT INTO notification (id, event_id, receiver, route, group_key, labels, message, created_at,
                                             due_at)
                   VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8, $9) ON CONFLICT DO NOTHING RETURNING 1)
               SELECT count(*) FROM row""",
            notification_id(signal.event_id, d.receiver),
            signal.event_id,
            d.receiver,
            d.route,
            group_key,
            orjson.dumps(signal.labels).decode(),
            orjson.dumps(message).decode(),
            now,
            due,
        )
    return added


async def batch_due(conn: asyncpg.Connection, now: datetime) -> int:
    """Turn due notifications into deliveries, one per receiver and group; returns how many deliveries."""
    made = 0
    async with conn.transaction():
        rows = await conn.fetch(
            """SELECT id, receiver, route, group_key, message FROM notification
               WHERE delivery_id IS NULL AND due_at <= $1 ORDER BY created_at, id
               FOR UPDATE SKIP LOCKED""",
            now,
        )
        groups: dict[tuple[str, str], list[asyncpg.Record]] = {}
        for r in rows:
            groups.setdefault((r["receiver"], r["group_key"]), []).append(r)
        for (receiver, group_key), members in groups.items():
            ids = sorted(str(m["id"]) for m in members)
            delivery_id = uuid.uuid5(NAMESPACE, "|".join(ids))
            subject = compose([orjson.loads(m["message"]) for m in members])["subject"]
            await conn.execute(
                """INSERT INTO notification_delivery (id, receiver, route, group_key, subject, notifications, status,
                                                      next_attempt_at)
                   VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7) ON CONFLICT DO NOTHING""",
                delivery_id,
                receiver,
                members[0]["route"],
                group_key,
                subject,
                len(members),
                now,
            )
            await conn.execute(
                "UPDATE notification SET delivery_id = $1 WHERE id = ANY($2::uuid[])",
                delivery_id,
                [m["id"] for m in members],
            )
            made += 1
    return made


def compose(messages: list[dict[str, Any]]) -> dict[str, Any]:
    """The message of a delivery: one notification as it is; several as one summary (subject with the count,
    one line per notification, citizen texts only where the receiver allows them)."""
    if len(messages) == 1:
        return messages[0]
    first = messages[0]
    items = []
    for m in messages:
        page = dict((k, v) for k, v in m["facts"]).get(text("notifier.fact.page"), "")
        items.append(f"{m['subject']} – {page}" if page else m["subject"])
        items += [f"„{t}“" for t in m["texts"]]
    return {
        "subject": text("notifier.subject.group", count=len(messages), unit=first["unit"]),
        "summary": text("notifier.summary.group", count=len(messages)),
        "facts": [[text("notifier.fact.unit"), first["unit"]]],
        "link": _common_link([m["link"] for m in messages]),
        "texts": [],
        "items": items,
        "type": first["type"],
        "unit": first["unit"],
        "attachments": [a for m in messages for a in m.get("attachments", [])],
    }


def _common_link(links: list[str]) -> str:
    """One link for several notifications: theirs if they share it, the inbox for comments, else the console."""
    if len(set(links)) == 1:
        return links[0]
    base = links[0].split("/console/", 1)[0] + "/console/"
    return base + "inbox" if all("/console/inbox/" in link for link in links) else base


@dataclass(frozen=True)
class Claimed:
    id: uuid.UUID
    receiver: str
    attempts: int
    message: dict[str, Any]
    created_at: datetime


async def claim(conn: asyncpg.Connection, now: datetime, limit: int = 20, lease: timedelta = LEASE) -> list[Claimed]:
    """Lease due deliveries for sending (one attempt each); a lease that ran out is taken over."""
    async with conn.transaction():
        rows = await conn.fetch(
            """UPDATE notification_delivery SET lease_until = $1 + $3::interval, attempts = attempts + 1
               WHERE id IN (SELECT id FROM notification_delivery
                            WHERE status = 'pending' AND next_attempt_at <= $1
                              AND (lease_until IS NULL OR lease_until < $1)
                            ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED)
               RETURNING id, receiver, attempts, created_at""",
            now,
            limit,
            lease,
        )
        claimed = []
        for r in rows:
            messages = await conn.fetch(
                "SELECT message FROM notification WHERE delivery_id = $1 ORDER BY created_at, id", r["id"]
            )
            message = compose([orjson.loads(m["message"]) for m in messages])
            claimed.append(Claimed(r["id"], r["receiver"], r["attempts"], message, r["created_at"]))
    return claimed


async def finish(
    conn: asyncpg.Connection,
    delivery_id: uuid.UUID,
    now: datetime,
    error: str | None = None,
    *,
    permanent: bool = False,
    retry_after: float | None = None,
    attempts: int = 1,
    max_attempts: int = MAX_ATTEMPTS,
    backoff_s: float = BACKOFF_BASE_S,
) -> str:
    """Record the outcome of an attempt; the delivery's new status."""
    if error is None:
        status = "sent"
        await conn.execute(
            """UPDATE notification_delivery SET status = 'sent', sent_at = $2, lease_until = NULL, last_error = NULL
               WHERE id = $1""",
            delivery_id,
            now,
        )
        return status
    status = "dead" if permanent or attempts >= max_attempts else "pending"
    await conn.execute(
        """UPDATE notification_delivery SET status = $2, last_error = $3, lease_until = NULL,
               next_attempt_at = $4 WHERE id = $1""",
        delivery_id,
        status,
        error[:2000],
        now + timedelta(seconds=backoff(attempts, retry_after, base_s=backoff_s)),
    )
    return status


async def postpone_if_over_limit(
    conn: asyncpg.Connection, delivery_id: uuid.UUID, receiver: str, max_per_hour: int, now: datetime
) -> bool:
    """Per-receiver rate limit: a receiver that got ``max_per_hour`` messages in the last hour gets this one when
    the oldest of them is an hour old. Not a failed attempt; nothing is dropped. True if postponed."""
    sent = await conn.fetch(
        """SELECT sent_at FROM notification_delivery
           WHERE receiver = $1 AND sent_at > $2::timestamptz - interval '1 hour' ORDER BY sent_at""",
        receiver,
        now,
    )
    if len(sent) < max_per_hour:
        return False
    await conn.execute(
        """UPDATE notification_delivery SET next_attempt_at = $2, lease_until = NULL, attempts = attempts - 1
           WHERE id = $1""",
        delivery_id,
        sent[len(sent) - max_per_hour]["sent_at"] + timedelta(hours=1),
    )
    return True


async def retry_dead(conn: asyncpg.Connection, delivery_id: uuid.UUID, now: datetime) -> bool:
    """Staff retry a dead letter: it is sent again (attempts start over)."""
    done = await conn.fetchval(
        """UPDATE notification_delivery SET status = 'pending', attempts = 0, next_attempt_at = $2
           WHERE id = $1 AND status = 'dead' RETURNING true""",
        delivery_id,
        now,
    )
    return bool(done)


async def delivery_log(
    conn: asyncpg.Connection,
    units: frozenset[str] | None,
    *,
    status: str | None = None,
    receiver: str | None = None,
    query: str | None = None,
    limit: int = 100,
) -> list[dict[str, Any]]:
    """The delivery history, newest first: what was sent (or is pending, or was given up) to whom, when, through
    which route. ``units``: unit staff see only deliveries whose every notification is about one of their units
    (a digest that also carries another unit's items, or items of no unit, is not theirs to read); None: all."""
    rows = await conn.fetch(
        """SELECT d.id, d.receiver, d.route, d.subject, d.notifications, d.status, d.attempts, d.last_error,
                  d.created_at, d.sent_at, d.next_attempt_at,
                  array(SELECT DISTINCT n.labels->>'unit' FROM notification n WHERE n.delivery_id = d.id) AS units
           FROM notification_delivery d
           WHERE ($1::text[] IS NULL OR (
                      EXISTS (SELECT 1 FROM notification n WHERE n.delivery_id = d.id)
                      AND NOT EXISTS (SELECT 1 FROM notification n WHERE n.delivery_id = d.id
                                      AND (n.labels->>'unit' IS NULL OR n.labels->>'unit' <> ALL($1::text[])))))
             AND ($2::text IS NULL OR d.status = $2) AND ($3::text IS NULL OR d.receiver = $3)
             AND ($4::text IS NULL OR d.subject ILIKE '%' || $4 || '%' OR d.route ILIKE '%' || $4 || '%')
           ORDER BY d.created_at DESC, d.id LIMIT $5""",
        sorted(units) if units is not None else None,
        status,
        receiver,
        query,
        limit,
    )
    return [{**dict(r), "id": uuid.UUID(str(r["id"]))} for r in rows]
