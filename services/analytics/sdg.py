"""The SDG/NFK monthly transfer: build a month's transfer from the read models, store it for good, deliver it to the
NFK upload interface, and the monthly job in the projector worker that does both once the month is over.

``store_month`` reads the month's counted responses (``feedback_response``, the language of each one's first part;
never a text column), keeps those on SDG pages (``sdg_domain.build`` with the org model's page attributes), writes
the JSON and its SHA-256 to ``sdg_transfer`` (the table refuses updates) and publishes
``de.stadtstimme.sdg.transfer-stored``. ``deliver`` POSTs exactly those bytes (bearer token, ``Idempotency-Key`` =
the transfer id, so the receiver can deduplicate a re-send) up to ``sdg_upload_attempts`` times with doubling pauses
(longer when the receiver's Retry-After asks for it), logs every attempt in ``sdg_delivery_attempt`` and ends the
run with ``transfer-delivered`` or ``transfer-failed`` (the notifier alerts on the latter). ``stadtstimme sdg resend
<month>`` runs ``deliver`` again.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import asyncpg
import httpx
from aiokafka import AIOKafkaProducer
from pydantic import BaseModel

from services.analytics import reports, sdg_domain
from services.analytics.sdg_domain import FeedbackFact, Lookup
from shared.auth import audit
from shared.contracts.envelope import EventType, encode_envelope
from shared.contracts.sdg import (
    SDG_TRANSFER_DELIVERED,
    SDG_TRANSFER_FAILED,
    SDG_TRANSFER_STORED,
    SdgTransferDeliveredV1,
    SdgTransferFailedV1,
    SdgTransferStoredV1,
)
from shared.contracts.topics import SDG, topic_name
from shared.kafka import start_producer
from shared.orgmodel import fetch_org_model
from shared.periodic import every
from shared.settings import Settings

log = logging.getLogger(__name__)
SOURCE = "/stadtstimme/analytics/sdg"
_EVENTS = uuid.UUID("3e9b7d21-8c4a-4f06-b5d2-6a0e1f7c9b54")  # never change: event ids of delivery runs

Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class Stored:
    transfer_id: uuid.UUID
    month: date
    records: int
    content_hash: str
    due: date
    payload: bytes
    created: bool  # False: the month had been stored before (this is that transfer)


async def facts_of_month(conn: asyncpg.Connection, tz: str, month: date) -> list[FeedbackFact]:
    """The month's counted responses (city time) as the read models hold them; no text column is read."""
    start, end = sdg_domain.month_window(month, tz)
    rows = await conn.fetch(
        """SELECT r.response_id, r.site_id, r.page_url, r.first_at, r.helpful, r.rating,
                  (SELECT e.language FROM feedback_event e WHERE e.response_id = r.response_id
                   ORDER BY e.received_at, e.kafka_partition, e.kafka_offset LIMIT 1) AS language
           FROM feedback_response r WHERE r.first_at >= $1 AND r.first_at < $2""",
        start, end,
    )  # fmt: skip
    return [FeedbackFact(r["response_id"], r["site_id"], r["page_url"], r["first_at"], r["language"] or "",
                         r["helpful"], r["rating"]) for r in rows]  # fmt: skip


async def org_lookup(conn: asyncpg.Connection) -> Lookup:
    """Each page's SDG attributes from the org model (``OrgModel.attributes``)."""
    return (await fetch_org_model(conn)).attributes


def _stored(row: asyncpg.Record, created: bool) -> Stored:
    return Stored(row["transfer_id"], row["month"], row["records"], row["content_hash"], row["due_on"],
                  row["payload"].encode(), created)  # fmt: skip


async def load(pool: asyncpg.Pool, month: date) -> Stored | None:
    async with pool.acquire() as conn:
        row = await conn.fetchrow("SELECT * FROM sdg_transfer WHERE month = $1", month.replace(day=1))
    return _stored(row, False) if row else None


async def _publish(
    producer: AIOKafkaProducer, settings: Settings, kind: EventType, event_id: uuid.UUID, data: BaseModel, month: date
) -> None:
    envelope = encode_envelope(kind, event_id, SOURCE, datetime.now(UTC), data.model_dump(mode="json"),
                               subject=f"{month:%Y-%m}")  # fmt: skip
    async with asyncio.timeout(settings.kafka_send_timeout_s):
        await producer.send_and_wait(topic_name(SDG, settings.topic_prefix), envelope, key=f"{month:%Y-%m}".encode())


async def store_month(
    pool: asyncpg.Pool, producer: AIOKafkaProducer, settings: Settings, month: date, actor: str,
    lookup: Lookup | None = None,
) -> Stored | None:  # fmt: skip
    """Build and store the month's transfer once (across instances; a month stored before is returned as it is:
    a transfer is never built twice). ``lookup``: the pages' SDG attributes (default: the org model's). None while
    another instance is at it."""
    first = month.replace(day=1)
    async with pool.acquire() as conn, conn.transaction():
        if not await conn.fetchval("SELECT pg_try_advisory_xact_lock(hashtext('stadtstimme.sdg'))"):
            return None
        row = await conn.fetchrow("SELECT * FROM sdg_transfer WHERE month = $1", first)
        if row is not None:
            return _stored(row, False)
        facts = await facts_of_month(conn, settings.timezone, first)
        transfer = sdg_domain.build(first, settings.timezone, facts, lookup or await org_lookup(conn))
        payload = transfer.payload()
        digest, due, now = sdg_domain.content_hash(payload), sdg_domain.due_date(first), datetime.now(UTC)
        row = await conn.fetchrow(
            """INSERT INTO sdg_transfer (transfer_id, month, built_at, built_by, due_on, records, content_hash, payload)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *""",
            transfer.transfer_id, first, now, actor, due, len(transfer.records), digest, payload.decode(),
        )  # fmt: skip
        event = SdgTransferStoredV1(transfer_id=transfer.transfer_id, month=f"{first:%Y-%m}",
                                    records=len(transfer.records), content_hash=digest, due=due, at=now)  # fmt: skip
        await _publish(producer, settings, SDG_TRANSFER_STORED, transfer.transfer_id, event, first)  # before commit
        await audit(conn, actor, "sdg_transfer_stored", f"{first:%Y-%m}", records=len(transfer.records),
                    content_hash=digest)  # fmt: skip
    return _stored(row, True)


def endpoint_allowed(url: str) -> bool:
    """HTTPS only, but plain HTTP to this machine (a local receiver in tests, a TLS-terminating sidecar)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return False
    if parts.scheme == "https" and host:
        return True
    if parts.scheme != "http":
        return False
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Delivery:
    run: int
    attempts: int
    delivered: bool
    status_code: int | None
    error: str


async def _attempt(client: httpx.AsyncClient, settings: Settings, stored: Stored) -> tuple[int | None, str, str | None]:
    """(HTTP status or None, what went wrong, the answer's Retry-After)."""
    headers = {
        "Content-Type": "application/json",
        "Authorization": f"Bearer {settings.sdg_upload_token.get_secret_value()}",
        "Idempotency-Key": str(stored.transfer_id),
        "Digest": f"sha-256={stored.content_hash}",
    }
    try:
        answer = await client.post(settings.sdg_upload_url, content=stored.payload, headers=headers)
    except httpx.HTTPError as exc:  # never the request in the message: its headers hold the token
        return None, type(exc).__name__, None
    error = "" if answer.is_success else f"HTTP {answer.status_code}"
    return answer.status_code, error, answer.headers.get("retry-after")


async def deliver(
    pool: asyncpg.Pool, producer: AIOKafkaProducer, settings: Settings, stored: Stored, actor: str,
    client: httpx.AsyncClient | None = None, sleep: Sleep = asyncio.sleep,
) -> Delivery:  # fmt: skip
    """One delivery run of a stored transfer: up to ``sdg_upload_attempts`` attempts while failures pass (no answer,
    408, 425, 429, 5xx), each logged; a refusal (another 4xx) ends the run at once. Ends with an event: delivered,
    or failed (for the notifier's alert)."""
    if not endpoint_allowed(settings.sdg_upload_url):
        raise ValueError("STADTSTIMME_SDG_UPLOAD_URL must be an https:// URL")
    async with pool.acquire() as conn:
        run = int(await conn.fetchval("SELECT coalesce(max(run), 0) + 1 FROM sdg_delivery_attempt WHERE transfer_id "
                                      "= $1", stored.transfer_id))  # fmt: skip
    delays = sdg_domain.retry_delays(settings.sdg_upload_attempts, settings.sdg_upload_retry_s)
    status, error, verdict, attempt = None, "", "retry", 0
    own = client is None
    http = client or httpx.AsyncClient(timeout=settings.sdg_upload_timeout_s)
    try:
        for attempt in range(1, settings.sdg_upload_attempts + 1):
            status, error, retry_after = await _attempt(http, settings, stored)
            verdict = sdg_domain.outcome(status)
            async with pool.acquire() as conn:
                await conn.execute(
                    """INSERT INTO sdg_delivery_attempt (transfer_id, run, attempt, actor, outcome, status_code, error)
                       VALUES ($1, $2, $3, $4, $5, $6, $7)""",
                    stored.transfer_id, run, attempt, actor, verdict, status, error[:300],
                )  # fmt: skip
            if verdict != "retry":
                break
            log.warning("SDG transfer %s: attempt %d of %d failed (%s)", f"{stored.month:%Y-%m}", attempt,
                        settings.sdg_upload_attempts, error)  # fmt: skip
            if attempt < settings.sdg_upload_attempts:
                await sleep(sdg_domain.pause(delays[attempt - 1], retry_after, datetime.now(UTC)))
    finally:
        if own:
            await http.aclose()
    delivered, now, month = verdict == "delivered", datetime.now(UTC), f"{stored.month:%Y-%m}"
    event_id = uuid.uuid5(_EVENTS, f"{stored.transfer_id}|{run}")
    event: BaseModel
    if delivered:
        assert status is not None
        event = SdgTransferDeliveredV1(transfer_id=stored.transfer_id, month=month, run=run, attempts=attempt,
                                       status_code=status, at=now)  # fmt: skip
        await _publish(producer, settings, SDG_TRANSFER_DELIVERED, event_id, event, stored.month)
    else:
        event = SdgTransferFailedV1(transfer_id=stored.transfer_id, month=month, run=run, attempts=attempt,
                                    status_code=status, error=error[:300], due=stored.due, at=now)  # fmt: skip
        await _publish(producer, settings, SDG_TRANSFER_FAILED, event_id, event, stored.month)
    async with pool.acquire() as conn:
        await audit(conn, actor, "sdg_transfer_delivered" if delivered else "sdg_transfer_failed", month, run=run,
                    attempts=attempt, status_code=status)  # fmt: skip
    return Delivery(run, attempt, delivered, status, error)


async def delivered_or_tried(pool: asyncpg.Pool, transfer_id: uuid.UUID) -> bool:
    async with pool.acquire() as conn:
        return bool(await conn.fetchval("SELECT 1 FROM sdg_delivery_attempt WHERE transfer_id = $1 LIMIT 1",
                                        transfer_id))  # fmt: skip


@asynccontextmanager
async def delivering(pool: asyncpg.Pool) -> AsyncIterator[bool]:
    """Whether this process may deliver now: one delivery run at a time across instances and the command line
    (a session advisory lock, held while the run lasts)."""
    async with pool.acquire() as conn:
        got = bool(await conn.fetchval("SELECT pg_try_advisory_lock(hashtext('stadtstimme.sdg.delivery'))"))
        try:
            yield got
        finally:
            if got:
                await conn.execute("SELECT pg_advisory_unlock(hashtext('stadtstimme.sdg.delivery'))")


async def run_forever(settings: Settings, pool: asyncpg.Pool, stop: asyncio.Event) -> None:
    """Once last month is over (from the 1st at ``reports.DUE_HOUR``, city time) and the projections have read
    everything that was on their topics then, build, store and deliver its transfer, checking every
    ``retention_interval_s``; off while ``sdg_upload_url`` is empty or not allowed (``endpoint_allowed``: logged as
    an error, and the projector worker's other tasks go on). A run that failed is not repeated by itself
    (the notifier has alerted staff; ``stadtstimme sdg resend``), one that could not start is tried at the next
    check."""
    if not settings.sdg_upload_url:
        return
    if not endpoint_allowed(settings.sdg_upload_url):  # deliver would raise, ending the worker's other tasks too
        # Never the URL itself in the log: it may hold credentials.
        log.error("STADTSTIMME_SDG_UPLOAD_URL is not https:// (plain http only to this machine): no SDG transfer")
        return
    producer = await start_producer(settings)
    zone = ZoneInfo(settings.timezone)
    gate = reports.MonthGate(settings, pool)

    async def step() -> float | None:
        sooner = None
        month = reports.due_month(datetime.now(zone))
        stored = await load(pool, month) if month is not None else None
        if month is not None and stored is None:
            if await gate.ready(month):
                stored = await store_month(pool, producer, settings, month, "(sdg)")
            else:
                sooner = reports.REPORT_RETRY_S
        if stored is not None and not await delivered_or_tried(pool, stored.transfer_id):
            async with delivering(pool) as mine:
                if mine and not await delivered_or_tried(pool, stored.transfer_id):
                    done = await deliver(pool, producer, settings, stored, "(sdg)")
                    log.info("SDG transfer %s: %s after %d attempts", f"{stored.month:%Y-%m}",
                             "delivered" if done.delivered else "FAILED", done.attempts)  # fmt: skip
        return sooner

    try:
        await every(settings.retention_interval_s, stop, "SDG transfer", step, retry=reports.REPORT_RETRY_S)
    finally:
        await producer.stop()
