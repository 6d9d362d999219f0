"""SQL of satisfaction alerts (migration 011): the figures the burst rule reads, and applying alert events.

The evaluator and the alert projector both write through ``apply_alerts``, so a replay of the alerts topic
produces exactly the state the evaluator left.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg

from shared.contracts.alerts import AlertEvent, SatisfactionAlertRaisedV1

BASELINE = timedelta(days=28)
_FIGURES = """count(*) FILTER (WHERE helpful) AS helpful_yes, count(*) FILTER (WHERE NOT helpful) AS helpful_no,
              count(rating) AS rating_count, coalesce(sum(rating), 0) AS rating_sum"""


@dataclass(frozen=True)
class AlertRow:
    event_id: UUID
    event_type: str
    data: AlertEvent
    envelope: str


@dataclass(frozen=True)
class Figures:
    """Counters of one scope in the window: the inputs of ``alerts.read``."""

    scope: str
    key: str
    org_unit: str
    site: str | None
    counts: dict[str, int]


async def window(conn: asyncpg.Connection, start: datetime, end: datetime) -> list[Figures]:
    """Every page and org unit with a response first counted in (start, end]: unflagged responses, their first
    helpful answer and first rating, exactly as the aggregates count them."""
    rows = await conn.fetch(
        f"""SELECT 'page' AS scope, page_url AS key, mode() WITHIN GROUP (ORDER BY org_unit_id) AS org_unit,
                   min(site_id) AS site, {_FIGURES}
            FROM feedback_response WHERE first_at > $1 AND first_at <= $2 GROUP BY page_url
            UNION ALL
            SELECT 'org_unit', org_unit_id, org_unit_id, NULL, {_FIGURES}
            FROM feedback_response WHERE first_at > $1 AND first_at <= $2 GROUP BY org_unit_id""",
        start,
        end,
    )
    return [Figures(r["scope"], r["key"], r["org_unit"], r["site"], _counts(r)) for r in rows]


async def baseline(
    conn: asyncpg.Connection, scope: str, keys: Sequence[str], start: datetime
) -> dict[str, dict[str, int]]:
    """Counters of the 28 days before ``start``, in whole hours (hour buckets that begin before the window's
    hour), per key; keys without history are missing."""
    if scope == "page":
        sql = f"""SELECT page_url AS key, {_SUMS} FROM page_satisfaction
                  WHERE page_url = ANY($1::text[])
                    AND bucket_start >= $2 AND bucket_start < $3 GROUP BY page_url"""
    else:
        sql = f"""SELECT org_unit_id AS key, {_SUMS} FROM org_unit_satisfaction
                  WHERE granularity = 'hour' AND org_unit_id = ANY($1::text[])
                    AND bucket_start >= $2 AND bucket_start < $3 GROUP BY org_unit_id"""
    hour = start.replace(minute=0, second=0, microsecond=0)
    rows = await conn.fetch(sql, list(keys), hour - BASELINE, hour)
    return {r["key"]: _counts(r) for r in rows}


_SUMS = """sum(helpful_yes)::int AS helpful_yes, sum(helpful_no)::int AS helpful_no,
           sum(rating_count)::int AS rating_count, sum(rating_sum)::int AS rating_sum"""
EMPTY = {"helpful_yes": 0, "helpful_no": 0, "rating_count": 0, "rating_sum": 0}


def _counts(row: Any) -> dict[str, int]:
    return {k: int(row[k] or 0) for k in EMPTY}


async def states(conn: asyncpg.Connection) -> dict[tuple[str, str], asyncpg.Record]:
    """The alert state of every scope that ever had one."""
    rows = await conn.fetch("SELECT * FROM satisfaction_alert")
    return {(r["scope"], r["key"]): r for r in rows}


async def apply_alerts(conn: asyncpg.Connection, rows: Sequence[AlertRow]) -> int:
    """Apply alert events in order; one seen before is skipped. A raise applies only as its scope's next alert
    while none is open, a resolve only to the open alert it names. Returns how many were new."""
    applied = 0
    for row in rows:
        d = row.data
        fresh = await conn.fetchval(
            """INSERT INTO satisfaction_alert_event (event_id, alert_id, scope, key, sequence, event_type, at,
                                                     envelope)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING RETURNING true""",
            row.event_id,
            d.alert_id,
            d.scope,
            d.key,
            d.sequence,
            row.event_type,
            d.at,
            row.envelope,
        )
        if not fresh:
            continue
        applied += 1
        reading = d.reading.model_dump_json()
        if isinstance(d, SatisfactionAlertRaisedV1):
            await conn.execute(
                """INSERT INTO satisfaction_alert AS a (scope, key, sequence, alert_id, org_unit_id, site_id, raised,
                                                       raised_at, reasons, reading)
                   VALUES ($1, $2, $3, $4, $5, $6, true, $7, $8, $9::jsonb)
                   ON CONFLICT (scope, key) DO UPDATE SET sequence = excluded.sequence, alert_id = excluded.alert_id,
                       org_unit_id = excluded.org_unit_id, site_id = excluded.site_id, raised = true,
                       raised_at = excluded.raised_at, resolved_at = NULL, reasons = excluded.reasons,
                       reading = excluded.reading
                   WHERE NOT a.raised AND a.sequence = excluded.sequence - 1""",
                d.scope,
                d.key,
                d.sequence,
                d.alert_id,
                d.org_unit,
                d.site,
                d.at,
                list(d.reasons),
                reading,
            )
        else:
            await conn.execute(
                """UPDATE satisfaction_alert SET raised = false, resolved_at = $3, reading = $4::jsonb
                   WHERE scope = $1 AND key = $2 AND alert_id = $5 AND raised""",
                d.scope,
                d.key,
                d.at,
                reading,
                d.alert_id,
            )
    return applied


async def open_alerts(conn: asyncpg.Connection, units: frozenset[str] | None) -> list[asyncpg.Record]:
    """Alerts raised now, newest first (``units``: only those of these org units; None: all)."""
    rows: list[asyncpg.Record] = await conn.fetch(
        """SELECT * FROM satisfaction_alert WHERE raised AND ($1::text[] IS NULL OR org_unit_id = ANY($1::text[]))
           ORDER BY raised_at DESC""",
        sorted(units) if units is not None else None,
    )
    return rows
