"""Staff read API: satisfaction per page and per org unit, and open data. Needs ``figures.read`` (a console session,
scoped to the account's units, or an API token with that scope)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

import asyncpg
import orjson
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from services.analytics import opendata, service_figures
from services.analytics.domain import COUNTERS, stats
from services.analytics.store import SUMS
from shared.access import StaffAccess
from shared.auth import audit
from shared.contracts.org import SERVICE_KEY_PATTERN
from shared.downloads import JSON, csv_download, download
from shared.orgmodel import fetch_org_model
from shared.refusal import Refusal
from shared.settings import Settings

Granularity = Literal["hour", "day"]
EARLIEST, LATEST = datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)  # what a period may span
OPEN_DATA: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Satisfaction per org unit and month (dl-de/by-2-0), as CSV or JSON",
        "content": {"text/csv": {"schema": {"type": "string"}}, "application/json": {"schema": {"type": "object"}}},
    }
}


@dataclass(frozen=True)
class MetricsFilter:
    org_unit: str | None
    site: str | None
    url_prefix: str | None
    start: datetime
    end: datetime
    granularity: Granularity
    series: bool
    units: tuple[str, ...] | None = None  # the org units the caller may see; None: all

    def where(self, table: str) -> tuple[str, list[Any]]:
        """SQL condition on ``org_unit_satisfaction`` aliased ``table``, and its arguments ($1, $2, …)."""
        clauses = [f"{table}.granularity = $1", f"{table}.bucket_start >= $2", f"{table}.bucket_start < $3"]
        return self._narrow(table, clauses, [self.granularity, self.start, self.end])

    @property
    def pages_table(self) -> str:
        """The page aggregates at the requested granularity: hours (``page_satisfaction``) or local days
        (``page_satisfaction_day``, each row the sum of its day's hours)."""
        return "page_satisfaction_day" if self.granularity == "day" else "page_satisfaction"

    def where_pages(self, table: str, timezone: str) -> tuple[str, list[Any]]:
        """The condition on ``pages_table`` aliased ``table``. For days: a day lies in [from, to) exactly when it
        starts in [first midnight at or after from, first midnight at or after to)."""
        start, end = self.start, self.end
        if self.granularity == "day":
            start, end = next_midnight(start, timezone), next_midnight(end, timezone)
        clauses = [f"{table}.bucket_start >= $1", f"{table}.bucket_start < $2"]
        return self._narrow(table, clauses, [start, end])

    def _narrow(self, table: str, clauses: list[str], args: list[Any]) -> tuple[str, list[Any]]:
        if self.units is not None:
            args.append(list(self.units))
            clauses.append(f"{table}.org_unit_id = ANY(${len(args)}::text[])")
        for column, value in (("org_unit_id", self.org_unit), ("site_id", self.site)):
            if value:
                args.append(value)
                clauses.append(f"{table}.{column} = ${len(args)}")
        if self.url_prefix:
            # A range rather than LIKE: page_url collates byte-wise, and a range stays index-friendly in the
            # generic plans PostgreSQL picks for prepared statements, where a LIKE parameter does not.
            args += [self.url_prefix, prefix_end(self.url_prefix)]
            clauses.append(f"{table}.page_url >= ${len(args) - 1} AND {table}.page_url < ${len(args)}")
        return " AND ".join(clauses), args

    def envelope(self, items: list[dict[str, Any]]) -> Response:
        body = {"granularity": self.granularity, "from": self.start, "to": self.end, "items": items}
        return Response(orjson.dumps(body), media_type="application/json", headers={"Cache-Control": "no-store"})


def prefix_end(prefix: str) -> str:
    """The least string after every string that starts with ``prefix`` (for a range instead of LIKE): the prefix
    with its last character's successor, skipping the surrogates no text may hold; "" after the last one."""
    while prefix:
        following = ord(prefix[-1]) + 1
        if 0xD800 <= following <= 0xDFFF:
            following = 0xE000
        if following <= 0x10FFFF:
            return prefix[:-1] + chr(following)
        prefix = prefix[:-1]
    return "\U0010ffff" * 2


def next_midnight(moment: datetime, timezone: str) -> datetime:
    """The first start of a day in ``timezone`` at or after ``moment``."""
    local = moment.astimezone(ZoneInfo(timezone))
    midnight = datetime(local.year, local.month, local.day, tzinfo=local.tzinfo)
    if midnight < local:
        following = local.date() + timedelta(days=1)
        midnight = datetime(following.year, following.month, following.day, tzinfo=local.tzinfo)
    return midnight.astimezone(UTC)


def metrics_filter(
    org_unit: Annotated[str | None, Query(max_length=64, description="Org unit id")] = None,
    site: Annotated[str | None, Query(max_length=64, description="Site id")] = None,
    url_prefix: Annotated[
        str | None,
        Query(max_length=2048, description="Normalised URL prefix, e.g. https://abfall.musterstadt.de/sperr"),
    ] = None,
    start: Annotated[datetime | None, Query(alias="from", description="Start (inclusive); default to-30d")] = None,
    end: Annotated[datetime | None, Query(alias="to", description="End (exclusive); default: now + 1 hour")] = None,
    granularity: Granularity = "day",
    series: Annotated[bool, Query(description="Include the series of buckets; false: totals only")] = True,
) -> MetricsFilter:
    for moment, name in ((start, "from"), (end, "to")):
        if moment is not None and not (EARLIEST <= moment.astimezone(UTC) <= LATEST):
            raise Refusal("problem.period_bounds.title", 422, field=name)
    end = end or datetime.now(UTC) + timedelta(hours=1)
    return MetricsFilter(org_unit, site, url_prefix, start or end - timedelta(days=30), end, granularity, series)


Filter = Annotated[MetricsFilter, Depends(metrics_filter)]


def _bucket(r: asyncpg.Record) -> dict[str, Any]:
    return {"bucket_start": r["bucket_start"], **stats(r)}


def build_router(settings: Settings, pool: asyncpg.Pool, access: StaffAccess) -> APIRouter:
    async def scoped(request: Request, f: Filter) -> MetricsFilter:
        """The filter narrowed to what the caller may see: a token with ``figures.read`` sees all; a console
        session sees its account's units."""
        account = await access.require(request, "figures.read")
        units = account.units_visible()
        return f if units is None else replace(f, units=tuple(sorted(units)))

    # As a default value, not in Annotated[]: annotations are strings here, and `scoped` is local to this function.
    visible = Depends(scoped)
    router = APIRouter(prefix="/api/v1/metrics", tags=["metrics"])

    @router.get("/pages")
    async def pages(
        f: MetricsFilter = visible,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> Response:
        """Pages with their totals and series of buckets whose start lies in [from, to), most responses first."""
        where, args = f.where_pages("p", settings.timezone)
        async with pool.acquire() as conn:
            totals = await conn.fetch(
                f"""SELECT p.page_url, p.org_unit_id, min(p.site_id) AS site_id, {SUMS}
                    FROM {f.pages_table} p WHERE {where}
                    GROUP BY p.page_url, p.org_unit_id
                    ORDER BY responses DESC, p.page_url LIMIT {limit} OFFSET {offset}""",
                *args,
            )
            keys = [r["page_url"] for r in totals]
            series_rows = []
            if f.series:
                series_rows = await conn.fetch(
                    f"""SELECT p.page_url, p.org_unit_id, p.bucket_start, {SUMS}
                        FROM {f.pages_table} p WHERE {where} AND p.page_url = ANY(${len(args) + 1}::text[])
                        GROUP BY 1, 2, 3 ORDER BY 3""",
                    *args,
                    keys,
                )
            titles = dict(await conn.fetch("SELECT url, title FROM page WHERE url = ANY($1::text[])", keys))
        series: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for r in series_rows:
            series.setdefault((r["page_url"], r["org_unit_id"]), []).append(_bucket(r))
        items = [
            {
                "page_url": r["page_url"],
                "title": titles.get(r["page_url"], ""),
                "site": r["site_id"],
                "org_unit": r["org_unit_id"],
                "totals": stats(r),
            }
            for r in totals
        ]
        if f.series:
            for item in items:
                item["series"] = series.get((item["page_url"], item["org_unit"]), [])
        return f.envelope(items)

    @router.get("/org-units")
    async def org_units(f: MetricsFilter = visible) -> Response:
        """Org units with totals and series. With a site or URL prefix filter, summed from the page buckets."""
        if f.site or f.url_prefix:
            where, args = f.where_pages("p", settings.timezone)
            source = f"""SELECT p.org_unit_id, p.bucket_start, {SUMS} FROM {f.pages_table} p
                         WHERE {where} GROUP BY 1, 2"""
        else:
            where, args = f.where("u")
            source = f"SELECT u.org_unit_id, u.bucket_start, {', '.join(COUNTERS)} FROM org_unit_satisfaction u "
            source += f"WHERE {where}"
        async with pool.acquire() as conn:
            rows = await conn.fetch(f"SELECT * FROM ({source}) s ORDER BY org_unit_id, bucket_start", *args)
            names = dict(await conn.fetch("SELECT id, name FROM org_unit"))
        by_unit: dict[str, list[asyncpg.Record]] = {}
        for r in rows:
            by_unit.setdefault(r["org_unit_id"], []).append(r)
        items: list[dict[str, Any]] = []
        for unit, buckets in by_unit.items():
            item = {"org_unit": unit, "name": names.get(unit, unit)}
            item["totals"] = stats({c: sum(r[c] for r in buckets) for c in COUNTERS})
            if f.series:
                item["series"] = [_bucket(r) for r in buckets]
            items.append(item)
        items.sort(key=lambda i: (-i["totals"]["responses"], i["org_unit"]))
        return f.envelope(items)

    @router.get("/services")
    async def services(
        f: MetricsFilter = visible,
        service_key: Annotated[
            str | None,
            Query(pattern=SERVICE_KEY_PATTERN, description="Only this service: LeiKa key or the city's stadt:<slug>"),
        ] = None,
    ) -> Response:
        """Administrative services (issue 19) with totals and series of buckets whose start lies in [from, to):
        every page of a service summed across sites and units (the pages the caller may see; pages of no service
        are left out), most responses first. The other filters narrow the pages summed."""
        where, args = f.where_pages("p", settings.timezone)
        async with pool.acquire() as conn:
            model = await fetch_org_model(conn)
            groups = await service_figures.api_groups(conn, model, f.pages_table, where, args, service_key, f.series)
        return f.envelope(service_figures.api_items(groups, model, f.series))

    @router.get("/open-data/satisfaction.{fmt}", response_class=Response, responses=OPEN_DATA)
    async def open_data(
        request: Request,
        fmt: Literal["csv", "json"],
        first: Annotated[str, Query(alias="from", pattern=r"^2\d{3}-(0[1-9]|1[0-2])$", description="YYYY-MM")],
        last: Annotated[str, Query(alias="to", pattern=r"^2\d{3}-(0[1-9]|1[0-2])$", description="YYYY-MM")],
    ) -> Response:
        """Satisfaction per org unit and month, protected for publication (fewer than 5 responses: "< 5"), as
        CSV or JSON for the city's open data portal. Unit staff get their units only. Audited as an export."""
        account = await access.require(request, "figures.read")
        start, end = date.fromisoformat(first + "-01"), date.fromisoformat(last + "-01")
        if end < start:
            raise Refusal("problem.range.title", 422, field="to")
        async with pool.acquire() as conn:
            units = account.units_visible()
            scope = sorted(units) if units is not None else None
            items = await opendata.monthly(conn, start, end, settings.timezone, scope)
            await audit(conn, account.username, "export", f"open-data:{first}..{last}.{fmt}")
        name = f"stadtstimme-zufriedenheit-{first}-bis-{last}.{fmt}"
        if fmt == "csv":
            return csv_download(opendata.as_csv(items), name)
        return download(orjson.dumps(opendata.as_json(items, start, end, settings.timezone)), name, JSON)

    return router
