"""The scheduled import of page views from Matomo's HTTP Reporting API (``Actions.getPageUrls``, ``flat=1``,
``period=day``), per configured Matomo site, a day at a time, through the same import as an upload
(``pageviews.import_plan``: a day fetched again replaces the day).

The projector worker runs it every ``matomo_interval_s`` (one instance at a time, an advisory lock): each Matomo
site goes on from the last day it imported (the first time ``matomo_backfill_days`` back) up to the last day that
ended ``matomo_settle_hours`` ago. A request that fails for a passing reason (network, timeout, 5xx) is tried
``matomo_attempts`` times with growing pauses; a refusal (the token, a Matomo error) is not. Each site's last run
(when, how, the last day, the error in German) is kept in ``page_view_fetch`` for the console.
``stadtstimme pageviews fetch --from --to`` fetches a given period the same way.

The token goes in the POST body (``token_auth``), never in the URL, and is never logged or stored elsewhere.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import httpx
import orjson
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError

from services.analytics.pageview_domain import PageViewFileError, days_between, plan, read_matomo
from services.analytics.pageviews import import_plan
from shared.messages import text
from shared.orgmodel import fetch_org_model
from shared.periodic import every
from shared.settings import Settings

log = logging.getLogger(__name__)
ACTOR = "matomo-import"
_LOCK = 7_451_303  # one scheduled import at a time, whichever worker instance runs it
_AUTH_WORDS = ("token", "authenticate", "access", "login")


@dataclass(frozen=True)
class MatomoSite:
    matomo_id: str
    site_id: str


class MatomoError(Exception):
    """A fetch that failed: ``key`` is the catalogue key of the reason (``pageviews.fetch.error.*``)."""

    def __init__(self, key: str, **values: Any) -> None:
        super().__init__(key)
        self.key, self.values = key, values

    def reason(self, lang: str = "de") -> str:
        return text(self.key, lang, **self.values)


def configured_sites(settings: Settings) -> list[MatomoSite]:
    """``matomo_sites`` ('1=portal,3=abfall') as pairs; a malformed entry is a configuration error."""
    sites = []
    for entry in settings.matomo_sites.split(","):
        if not entry.strip():
            continue
        matomo_id, _, site_id = entry.partition("=")
        if not matomo_id.strip().isdigit() or not site_id.strip():
            raise ValueError(f"STADTSTIMME_MATOMO_SITES: {entry.strip()!r} is not 'Matomo id=site id'")
        sites.append(MatomoSite(matomo_id.strip(), site_id.strip()))
    return sites


def endpoint(settings: Settings) -> str:
    base = settings.matomo_url.strip().rstrip("/")
    return base if base.endswith(".php") else base + "/index.php"


def classify(status: int, body: bytes) -> Any:
    """Matomo's answer: the rows (a JSON list), or ``MatomoError`` (``transient`` True when trying again may
    help). Matomo 4 answers a refused token with 200 and ``{"result": "error"}``, Matomo 5 with 401."""
    if status in (401, 403):
        raise MatomoError("pageviews.fetch.error.token")
    if status == 429 or status >= 500:
        raise _Transient(status)
    if status != 200:
        raise MatomoError("pageviews.fetch.error.status", status=status)
    try:
        answer = orjson.loads(body)
    except ValueError:
        raise MatomoError("pageviews.fetch.error.not_json") from None
    if isinstance(answer, dict) and answer.get("result") == "error":
        message = str(answer.get("message", ""))[:300]
        if any(word in message.lower() for word in _AUTH_WORDS):
            raise MatomoError("pageviews.fetch.error.token")
        raise MatomoError("pageviews.fetch.error.matomo", message=message)
    return answer


class _Transient(Exception):
    def __init__(self, status: int | None = None, kind: str = "") -> None:
        super().__init__(status)
        self.status, self.kind = status, kind


async def fetch_day(client: httpx.AsyncClient, settings: Settings, matomo_id: str, day: date) -> Any:
    """Matomo's rows of one site and day, tried ``matomo_attempts`` times while the failure is a passing one."""
    params = {"module": "API", "method": "Actions.getPageUrls", "idSite": matomo_id, "period": "day",
              "date": day.isoformat(), "format": "JSON", "flat": "1", "filter_limit": "-1"}  # fmt: skip
    form = {"token_auth": settings.matomo_token.get_secret_value()}
    delay = settings.matomo_retry_s
    failure: Exception | None = None
    for attempt in range(1, settings.matomo_attempts + 1):
        try:
            answer = await client.post(endpoint(settings), params=params, data=form)
            return classify(answer.status_code, answer.content)
        except (httpx.TransportError, _Transient) as exc:
            failure = exc
            log.warning("Matomo site %s, %s: attempt %d of %d failed (%s)", matomo_id, day, attempt,
                        settings.matomo_attempts, _describe(exc))  # fmt: skip
        if attempt < settings.matomo_attempts:
            await asyncio.sleep(delay)
            delay *= 2
    if isinstance(failure, _Transient) and failure.status:
        raise MatomoError("pageviews.fetch.error.status", status=failure.status)
    raise MatomoError("pageviews.fetch.error.unreachable")


def _describe(exc: Exception) -> str:
    """What went wrong, without the request (its body holds the token)."""
    if isinstance(exc, _Transient):
        return f"HTTP {exc.status}"
    return type(exc).__name__


async def fetch_days(
    settings: Settings,
    pool: asyncpg.Pool,
    producer: AIOKafkaProducer,
    client: httpx.AsyncClient,
    site: MatomoSite,
    days: list[date],
    actor: str,
    now: datetime,
) -> tuple[int, int]:
    """Fetch and import ``days`` of one Matomo site, in order, recording the run in ``page_view_fetch``;
    (days imported, page views). Stops at the first failure (recorded, then raised as ``MatomoError``)."""
    tz = ZoneInfo(settings.timezone)
    today = now.astimezone(tz).date()
    async with pool.acquire() as conn:
        await conn.execute(
            """INSERT INTO page_view_fetch (matomo_site, site_id) VALUES ($1, $2)
               ON CONFLICT (matomo_site) DO UPDATE SET site_id = excluded.site_id""",
            site.matomo_id, site.site_id,
        )  # fmt: skip
        model = await fetch_org_model(conn)
    known = model.sites.get(site.site_id)
    done = views = 0
    try:
        if known is None:
            raise MatomoError("pageviews.fetch.error.unknown_site", site=site.site_id)
        if not settings.matomo_url or not settings.matomo_token.get_secret_value():
            raise MatomoError("pageviews.fetch.error.not_configured")
        for day in days:
            answer = await fetch_day(client, settings, site.matomo_id, day)
            try:
                taken = plan(read_matomo(answer, day), known, model, today, days=[day])
            except PageViewFileError:
                raise MatomoError("pageviews.fetch.error.answer") from None
            imported = await import_plan(pool, producer, settings, taken, "matomo", f"Matomo {site.matomo_id}",
                                         actor, now)  # fmt: skip
            done, views = done + 1, views + imported.views
            async with pool.acquire() as conn:
                await conn.execute(
                    """UPDATE page_view_fetch SET last_day = greatest(last_day, $2), days = $3, views = $4
                       WHERE matomo_site = $1""",
                    site.matomo_id, day, done, views,
                )  # fmt: skip
    except (MatomoError, KafkaError, TimeoutError, OSError) as exc:
        error = exc if isinstance(exc, MatomoError) else MatomoError("pageviews.fetch.error.broker")
        async with pool.acquire() as conn:
            await conn.execute(
                """UPDATE page_view_fetch SET last_run_at = $2, status = 'failed', error = $3,
                       attempts = attempts + 1, days = $4, views = $5 WHERE matomo_site = $1""",
                site.matomo_id, now, error.reason("de"), done, views,
            )  # fmt: skip
        log.warning("Matomo import of site %s failed: %s", site.matomo_id, error.reason("en"))
        raise error from None
    async with pool.acquire() as conn:
        await conn.execute(
            """UPDATE page_view_fetch SET last_run_at = $2, last_ok_at = $2, status = 'ok', error = '', attempts = 0,
                   days = $3, views = $4 WHERE matomo_site = $1""",
            site.matomo_id, now, done, views,
        )  # fmt: skip
    return done, views


def due_days(settings: Settings, last_day: date | None, now: datetime) -> list[date]:
    """The days a scheduled run fetches: after ``last_day`` (or ``matomo_backfill_days`` back) up to the last day
    that ended ``matomo_settle_hours`` ago."""
    local = now.astimezone(ZoneInfo(settings.timezone)) - timedelta(hours=settings.matomo_settle_hours)
    last = local.date() - timedelta(days=1)
    first = last_day + timedelta(days=1) if last_day else last - timedelta(days=settings.matomo_backfill_days - 1)
    return days_between(first, last) if first <= last else []


async def run(
    settings: Settings, pool: asyncpg.Pool, producer: AIOKafkaProducer, now: datetime, client: httpx.AsyncClient
) -> dict[str, str]:
    """One scheduled run over every configured Matomo site: site id -> 'ok' or the failure's catalogue key.
    Skipped (empty) while another instance runs it."""
    results: dict[str, str] = {}
    async with pool.acquire() as lock_conn:
        if not await lock_conn.fetchval("SELECT pg_try_advisory_lock($1)", _LOCK):
            return results
        try:
            for site in configured_sites(settings):
                last_day = await lock_conn.fetchval(
                    "SELECT last_day FROM page_view_fetch WHERE matomo_site = $1", site.matomo_id
                )
                try:
                    await fetch_days(settings, pool, producer, client, site, due_days(settings, last_day, now),
                                     ACTOR, now)  # fmt: skip
                    results[site.matomo_id] = "ok"
                except MatomoError as exc:
                    results[site.matomo_id] = exc.key
        finally:
            await lock_conn.execute("SELECT pg_advisory_unlock($1)", _LOCK)
    return results


async def run_forever(settings: Settings, pool: asyncpg.Pool, stop: asyncio.Event) -> None:
    """The scheduled import every ``matomo_interval_s`` until ``stop`` is set (in the projector worker); nothing
    when Matomo is not configured."""
    if not settings.matomo_url or not configured_sites(settings):
        return
    from shared.kafka import start_producer

    producer = await start_producer(settings)
    try:
        async with httpx.AsyncClient(timeout=settings.matomo_timeout_s) as client:

            async def step() -> None:
                await run(settings, pool, producer, datetime.now(UTC), client)

            await every(settings.matomo_interval_s, stop, "the Matomo import", step)
    finally:
        await producer.stop()
