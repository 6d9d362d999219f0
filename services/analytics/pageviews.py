"""Page views from the city's web analytics: the one import (console upload, command line, scheduled Matomo import),
and the survey exposure estimate built on them (the projection and queries: ``pageview_store``).

An import (``import_plan``) publishes ``PageViewsImported`` events (``shared.contracts.pageviews``) with acks=all
and writes them through to the read model with the projection's own function (``apply_imports``), so staff see
the page views at once; the topic stays the source of truth and a replay rebuilds ``page_view_daily``. An import
replaces the site's days it names (a period imported again is replaced, never added). What an import takes is
decided in ``pageview_domain``.

Without a display beacon Stadtstimme never learns how often a survey was shown. What it knows: the answers and
explicit dismissals it received. What the city knows: how often each page was viewed per day (its web
analytics). The estimate combines the two:

    estimated displays = Σ over targeted pages and days of (page views × sampling percentage)

where a page is targeted if the survey's include/exclude patterns select its path on one of its sites, and a
day counts from when the version could first be shown (its publication or the survey's first activation,
whichever is later; not before the window's start) until the next version, the survey's close, the end of its
window, or today. Assumptions, shown with every estimate: every sampled page view stays long enough for the
trigger (so the estimate is an upper bound on displays and the response rate a lower bound); pauses are not
subtracted; the analytics count the same page views as Stadtstimme sees (no consent banner hides some of them).
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
from aiokafka import AIOKafkaProducer

from services.analytics.pageview_domain import PageViewFileError, Plan, import_events
from services.analytics.pageview_store import PageViewRow, apply_imports, lock_sites
from shared.auth import audit
from shared.contracts.envelope import encode_envelope
from shared.contracts.pageviews import PAGE_VIEWS_IMPORTED
from shared.contracts.surveys import SurveyDefinition, targets_path
from shared.contracts.topics import PAGE_VIEWS, topic_name
from shared.orgmodel import split_page_url
from shared.settings import Settings

SOURCE = "/stadtstimme/analytics/pageviews"
ASSUMPTIONS_DE = (
    "Jeder ausgewählte Seitenaufruf hat die Umfrage angezeigt bekommen (Obergrenze der Anzeigen; die "
    "Antwortquote ist daher eine Untergrenze).",
    "Pausen der Umfrage sind nicht abgezogen.",
    "Die Webanalyse zählt dieselben Seitenaufrufe, die Stadtstimme sieht (ohne Lücken durch Einwilligungsbanner).",
)


@dataclass(frozen=True)
class Imported:
    import_id: uuid.UUID
    site_id: str
    first_day: date
    last_day: date
    days: int
    page_days: int
    views: int
    replaced_days: int  # days that held page views of an earlier import


async def import_plan(
    pool: asyncpg.Pool,
    producer: AIOKafkaProducer,
    settings: Settings,
    plan: Plan,
    source: str,
    source_name: str,
    actor: str,
    now: datetime | None = None,
) -> Imported:
    """Publish ``plan`` as one import and write it through; audited. Under a per-site lock, so two imports of a
    site (an upload while the scheduled import runs) reach the topic one after the other. Raises
    ``PageViewFileError`` for a plan without days, ``KafkaError``/``TimeoutError`` when the broker is away (then
    nothing is written here; parts already published are replaced by the next import of those days)."""
    if not plan.days:
        raise PageViewFileError("no_rows")
    now = now or datetime.now(UTC)
    topic = topic_name(PAGE_VIEWS, settings.topic_prefix)
    events = import_events(plan, source, source_name, actor, now)
    async with pool.acquire() as conn, conn.transaction():
        await lock_sites(conn, [plan.site_id])
        replaced = await conn.fetchval(
            "SELECT count(*) FROM page_view_day WHERE site_id = $1 AND day = ANY($2::date[])", plan.site_id, plan.days
        )
        rows, sent = [], []
        for event_id, data in events:
            envelope = encode_envelope(PAGE_VIEWS_IMPORTED, event_id, SOURCE, now, data.model_dump(mode="json"),
                                       subject=plan.site_id)  # fmt: skip
            key = f"{plan.site_id}|{data.day.isoformat()}".encode()
            sent.append(await producer.send(topic, envelope, key=key))
            rows.append(PageViewRow(event_id, data, envelope.decode()))
        async with asyncio.timeout(settings.kafka_send_timeout_s * 2):
            await asyncio.gather(*sent)  # raises if the broker refused any of them
        await apply_imports(conn, rows)
        result = Imported(events[0][1].import_id, plan.site_id, plan.days[0], plan.days[-1], len(plan.days),
                          len(plan.rows), plan.views, replaced)  # fmt: skip
        await audit(
            conn, actor, "pageviews_imported", plan.site_id, source=source, source_name=source_name[:200],
            import_id=str(result.import_id), first_day=result.first_day.isoformat(),
            last_day=result.last_day.isoformat(), days=result.days, page_days=result.page_days, views=result.views,
            replaced_days=replaced, skipped_rows=plan.skipped_rows,
        )  # fmt: skip
    return result


async def exposure(
    conn: asyncpg.Connection,
    definition: SurveyDefinition,
    shown_from: datetime | None,
    shown_until: datetime | None,
    responses: int,
    dismissals: int,
    timezone: str,
    today: datetime | None = None,
) -> dict[str, Any]:
    """The exposure estimate of one survey version (see the module docstring), with its assumptions.

    The days run from when the version could first be shown (``shown_from``; None: never active) to when it
    stopped (``shown_until``), the end of its window, or now, whichever comes first, in the city's time zone."""
    tz = ZoneInfo(timezone)
    t = definition.targeting
    now = today or datetime.now(UTC)
    start = shown_from or now
    if t.starts_at is not None:
        start = max(start, t.starts_at)
    ends = [e for e in (shown_until, t.ends_at, now) if e is not None]
    end = min(ends) if shown_from is not None else start
    first_day = start.astimezone(tz).date()
    last_day = (end - timedelta(microseconds=1)).astimezone(tz).date() if end > start else first_day - timedelta(1)
    rows = await conn.fetch(
        """SELECT page_url, sum(views)::bigint AS views FROM page_view_daily
           WHERE site_id = ANY($1::text[]) AND day BETWEEN $2 AND $3 GROUP BY page_url""",
        list(t.sites),
        first_day,
        last_day,
    )
    views = 0
    for r in rows:
        _, path = split_page_url(r["page_url"])
        if targets_path(t, path):
            views += r["views"]
    displays = views * t.sampling_percent / 100
    return {
        "first_day": first_day,
        "last_day": max(last_day, first_day),
        "page_views": views,
        "displays_estimate": round(displays),
        "response_rate_estimate": round(responses / displays, 4) if displays else None,
        "dismissal_rate_estimate": round(dismissals / displays, 4) if displays else None,
        "assumptions": list(ASSUMPTIONS_DE),
    }
