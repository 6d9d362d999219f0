"""Staff read API: satisfaction per page and per org unit. Protected by a bearer token until staff login exists."""

from __future__ import annotations

import hmac
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

import asyncpg
import orjson
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from services.analytics.domain import COUNTERS, stats
from shared.messages import text
from shared.problems import problem, request_language
from shared.settings import Settings

Granularity = Literal["hour", "day"]
OrgUnitFilter = Annotated[str | None, Query(max_length=64, description="Org unit id")]
SiteFilter = Annotated[str | None, Query(max_length=64, description="Site id")]
UrlPrefixFilter = Annotated[
    str | None,
    Query(max_length=2048, description="Normalised URL prefix, e.g. https://abfall.musterstadt.de/sperr"),
]
From = Annotated[datetime | None, Query(alias="from", description="Start (inclusive); default: to - 30 days")]
To = Annotated[datetime | None, Query(alias="to", description="End (exclusive); default: now + 1 hour")]
_SUMS = ", ".join(f"sum({c})::bigint AS {c}" for c in COUNTERS)


class _Unauthorized(Exception):
    pass


def _filters(
    org_unit: str | None, site: str | None, url_prefix: str | None, start: datetime, end: datetime, table: str
) -> tuple[str, list[Any]]:
    clauses = [f"{table}.granularity = $1", f"{table}.bucket_start >= $2", f"{table}.bucket_start < $3"]
    args: list[Any] = [None, start, end]
    if org_unit:
        args.append(org_unit)
        clauses.append(f"{table}.org_unit_id = ${len(args)}")
    if site:
        args.append(site)
        clauses.append(f"{table}.site_id = ${len(args)}")
    if url_prefix:
        args.append(url_prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
        clauses.append(f"{table}.page_url LIKE ${len(args)}")
    return " AND ".join(clauses), args


def build_router(settings: Settings, pool: asyncpg.Pool) -> APIRouter:
    router = APIRouter(prefix="/api/v1/metrics", tags=["metrics"])
    token = settings.metrics_token.get_secret_value().encode()

    def authorised(request: Request) -> None:
        header = request.headers.get("authorization", "")
        scheme, _, given = header.partition(" ")
        if not token or scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token):
            raise _Unauthorized

    def window(start: datetime | None, end: datetime | None) -> tuple[datetime, datetime]:
        end = end or datetime.now(UTC) + timedelta(hours=1)
        return start or end - timedelta(days=30), end

    @router.get("/pages")
    async def pages(
        request: Request,
        org_unit: OrgUnitFilter = None,
        site: SiteFilter = None,
        url_prefix: UrlPrefixFilter = None,
        start: From = None,
        end: To = None,
        granularity: Granularity = "day",
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> Response:
        """Pages with their totals and series of buckets whose start lies in [from, to), most responses first."""
        try:
            authorised(request)
        except _Unauthorized:
            return _unauthorised(request)
        start, end = window(start, end)
        where, args = _filters(org_unit, site, url_prefix, start, end, "p")
        args[0] = granularity
        async with pool.acquire() as conn:
            totals = await conn.fetch(
                f"""SELECT p.page_url, p.org_unit_id, min(p.site_id) AS site_id, {_SUMS}
                    FROM page_satisfaction p WHERE {where}
                    GROUP BY p.page_url, p.org_unit_id
                    ORDER BY responses DESC, p.page_url LIMIT {limit} OFFSET {offset}""",
                *args,
            )
            keys = [r["page_url"] for r in totals]
            series_rows = await conn.fetch(
                f"""SELECT p.page_url, p.org_unit_id, p.bucket_start, {", ".join(COUNTERS)}
                    FROM page_satisfaction p WHERE {where} AND p.page_url = ANY(${len(args) + 1}::text[])
                    ORDER BY p.bucket_start""",
                *args,
                keys,
            )
            titles = dict(await conn.fetch("SELECT url, title FROM page WHERE url = ANY($1::text[])", keys))
        series: dict[Any, list[dict[str, Any]]] = {}
        for r in series_rows:
            series.setdefault((r["page_url"], r["org_unit_id"]), []).append(
                {"bucket_start": r["bucket_start"], **stats(r)}
            )
        items = [
            {
                "page_url": r["page_url"],
                "title": titles.get(r["page_url"], ""),
                "site": r["site_id"],
                "org_unit": r["org_unit_id"],
                "totals": stats(r),
                "series": series.get((r["page_url"], r["org_unit_id"]), []),
            }
            for r in totals
        ]
        return _json({"granularity": granularity, "from": start, "to": end, "items": items})

    @router.get("/org-units")
    async def org_units(
        request: Request,
        org_unit: OrgUnitFilter = None,
        site: SiteFilter = None,
        url_prefix: UrlPrefixFilter = None,
        start: From = None,
        end: To = None,
        granularity: Granularity = "day",
    ) -> Response:
        """Org units with totals and series. With a site or URL prefix filter, summed from the page buckets."""
        try:
            authorised(request)
        except _Unauthorized:
            return _unauthorised(request)
        start, end = window(start, end)
        if site or url_prefix:
            where, args = _filters(org_unit, site, url_prefix, start, end, "p")
            source = f"""SELECT p.org_unit_id, p.bucket_start, {_SUMS} FROM page_satisfaction p
                         WHERE {where} GROUP BY p.org_unit_id, p.bucket_start"""
        else:
            where, args = _filters(org_unit, None, None, start, end, "u")
            source = f"SELECT u.org_unit_id, u.bucket_start, {', '.join(COUNTERS)} FROM org_unit_satisfaction u "
            source += f"WHERE {where}"
        args[0] = granularity
        async with pool.acquire() as conn:
            rows = await conn.fetch(f"SELECT * FROM ({source}) s ORDER BY org_unit_id, bucket_start", *args)
            names = dict(await conn.fetch("SELECT id, name FROM org_unit"))
        by_unit: dict[str, list[asyncpg.Record]] = {}
        for r in rows:
            by_unit.setdefault(r["org_unit_id"], []).append(r)
        items = [
            {
                "org_unit": unit,
                "name": names.get(unit, unit),
                "totals": stats({c: sum(r[c] for r in buckets) for c in COUNTERS}),
                "series": [{"bucket_start": r["bucket_start"], **stats(r)} for r in buckets],
            }
            for unit, buckets in by_unit.items()
        ]
        items.sort(key=lambda i: (-i["totals"]["responses"], i["org_unit"]))
        return _json({"granularity": granularity, "from": start, "to": end, "items": items})

    return router


def _json(body: dict[str, Any]) -> Response:
    return Response(orjson.dumps(body), media_type="application/json", headers={"Cache-Control": "no-store"})


def _unauthorised(request: Request) -> Response:
    return problem(
        401,
        "unauthorized",
        text("problem.unauthorized.title", request_language(request)),
        headers={"WWW-Authenticate": 'Bearer realm="stadtstimme"'},
    )
