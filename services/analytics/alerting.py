"""The satisfaction-alert evaluator: every ``alert_interval_s`` it applies the burst rule (``alerts.py``) to every
page and org unit and publishes what changed on ``stadtstimme.alerts.v1``.

One evaluation runs under a transaction-level advisory lock (a second worker skips it): read the window (the
last hour of responses), the baselines and the alert states, decide (pure), publish with acks=all, then write
through with the alert projector's function. Ids are derived from the scope and its alert number, so an
evaluation that publishes and then crashes is repeated under the same ids, and nothing is raised twice.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
from aiokafka import AIOKafkaProducer

from services.analytics import alert_store, alerts
from services.analytics.alert_store import AlertRow
from shared.contracts.alerts import (
    SATISFACTION_ALERT_RAISED,
    SATISFACTION_ALERT_RESOLVED,
    AlertEvent,
    AlertReading,
    SatisfactionAlertRaisedV1,
    SatisfactionAlertResolvedV1,
    alert_id,
    resolved_event_id,
)
from shared.contracts.envelope import encode_envelope
from shared.contracts.topics import ALERTS, topic_name
from shared.kafka import start_producer
from shared.settings import Settings

log = logging.getLogger(__name__)
SOURCE = "/stadtstimme/analytics/alerts"
WINDOW = timedelta(hours=1)


def rule_of(settings: Settings) -> alerts.BurstRule:
    return alerts.BurstRule(
        share_margin=settings.alert_share_margin,
        rating_margin=settings.alert_rating_margin,
        min_count=settings.alert_min_count,
    )


async def plan(conn: asyncpg.Connection, rule: alerts.BurstRule, now: datetime) -> list[AlertEvent]:
    """The alert events an evaluation at ``now`` publishes (read only)."""
    start = now - WINDOW
    figures = {(f.scope, f.key): f for f in await alert_store.window(conn, start, now)}
    current = await alert_store.states(conn)
    # Judge scopes with enough answers of a kind, and every open alert (it may resolve for lack of answers).
    judged = {
        k
        for k, f in figures.items()
        if max(f.counts["helpful_yes"] + f.counts["helpful_no"], f.counts["rating_count"]) >= rule.min_count
    }
    judged |= {k for k, s in current.items() if s["raised"]}
    bases: dict[tuple[str, str], dict[str, int]] = {}
    for scope in ("page", "org_unit"):
        keys = [k for s, k in judged if s == scope]
        if keys:
            found = await alert_store.baseline(conn, scope, keys, start)
            bases.update({(scope, k): v for k, v in found.items()})
    events: list[AlertEvent] = []
    for scope, key in sorted(judged):
        state = current.get((scope, key))
        raised = bool(state and state["raised"])
        f = figures.get((scope, key))
        window = f.counts if f else alert_store.EMPTY
        reading = alerts.read(window, bases.get((scope, key), alert_store.EMPTY), rule)
        change = alerts.evaluate(raised, reading, rule)
        if change is None:
            continue
        org_unit = f.org_unit if f else state["org_unit_id"]  # type: ignore[index]
        site = f.site if f else state["site_id"]  # type: ignore[index]
        snapshot = AlertReading(
            window_start=start,
            window_end=now,
            answers_helpful=window["helpful_yes"] + window["helpful_no"],
            not_helpful_share=reading.not_helpful_share,
            baseline_share=reading.baseline_share,
            ratings=window["rating_count"],
            mean_rating=reading.mean_rating,
            baseline_mean=reading.baseline_mean,
        )
        common: dict[str, Any] = {"scope": scope, "key": key, "org_unit": org_unit, "site": site, "at": now}
        if change == "raised":
            sequence = (state["sequence"] if state else 0) + 1
            events.append(
                SatisfactionAlertRaisedV1(
                    **common,
                    alert_id=alert_id(scope, key, sequence),
                    sequence=sequence,
                    reading=snapshot,
                    reasons=alerts.reasons(reading, rule),
                )
            )
        else:
            assert state is not None
            events.append(
                SatisfactionAlertResolvedV1(
                    **common, alert_id=state["alert_id"], sequence=state["sequence"], reading=snapshot
                )
            )
    return events


def to_rows(events: list[AlertEvent]) -> list[tuple[AlertRow, bytes]]:
    rows = []
    for e in events:
        if isinstance(e, SatisfactionAlertRaisedV1):
            event_type, event_id = SATISFACTION_ALERT_RAISED, e.alert_id
        else:
            event_type, event_id = SATISFACTION_ALERT_RESOLVED, resolved_event_id(e.alert_id)
        envelope = encode_envelope(
            event_type, event_id, SOURCE, e.at, e.model_dump(mode="json"), subject=f"{e.scope}|{e.key}"
        )
        rows.append((AlertRow(event_id, event_type.type, e, envelope.decode()), envelope))
    return rows


async def evaluate_once(
    pool: asyncpg.Pool, producer: AIOKafkaProducer, settings: Settings, now: datetime | None = None
) -> list[AlertEvent]:
    """One evaluation: the events published (empty if nothing changed or another worker is evaluating)."""
    now = now or datetime.now(UTC)
    topic = topic_name(ALERTS, settings.topic_prefix)
    async with pool.acquire() as conn, conn.transaction():
        if not await conn.fetchval("SELECT pg_try_advisory_xact_lock(hashtext('stadtstimme.alerts'))"):
            return []
        events = await plan(conn, rule_of(settings), now)
        rows = to_rows(events)
        for row, envelope in rows:
            async with asyncio.timeout(settings.kafka_send_timeout_s):
                await producer.send_and_wait(topic, envelope, key=f"{row.data.scope}|{row.data.key}".encode())
        await alert_store.apply_alerts(conn, [r for r, _ in rows])
    for e in events:
        kind = "raised" if isinstance(e, SatisfactionAlertRaisedV1) else "resolved"
        log.info("satisfaction alert %s: %s %s", kind, e.scope, e.key)
    return events


async def run(settings: Settings, pool: asyncpg.Pool, stop: asyncio.Event) -> None:
    """Evaluate every ``alert_interval_s`` until ``stop`` is set; a failed evaluation is tried again next time."""
    producer = await start_producer(settings)
    try:
        while not stop.is_set():
            try:
                await asyncio.wait_for(stop.wait(), timeout=settings.alert_interval_s)
                break
            except TimeoutError:
                pass
            try:
                await evaluate_once(pool, producer, settings)
            except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                log.warning("alert evaluation failed (%r); trying again in %.0f s", exc, settings.alert_interval_s)
            except Exception:
                log.exception("alert evaluation failed")
    finally:
        await producer.stop()
