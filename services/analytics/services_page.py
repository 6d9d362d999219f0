"""Feedback per administrative service in the staff console (``figures.read``): ``/console/leistungen`` lists the
services (LeiKa key or the city's own id) with their figures over 7, 30 or 90 days against the period before, and
``/console/leistungen/{key}`` shows one service: key figures, trend charts and its pages on every site.

Figures come from ``service_figures`` (page aggregates grouped by the org model's lookup). Scoped: an account sees
a service only through the pages of its units; a service none of whose pages it may see answers 404, exactly like
one that does not exist.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from typing import Any
from urllib.parse import quote, urlencode

import asyncpg
from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.analytics import dashboards, service_figures, trends
from services.analytics.dashboards import Filters, Period, figures, formatted, parse_period, query_of
from services.analytics.domain import stats
from services.analytics.service_figures import ServiceGroup
from shared.auth import Account, audit
from shared.console_ui import ConsoleUI
from shared.contracts.org import SERVICE_KEY_PATTERN
from shared.downloads import csv_download
from shared.orgmodel import OrgModel, fetch_org_model
from shared.settings import Settings

PATH = "/leistungen"
_KEY = re.compile(SERVICE_KEY_PATTERN)


def _day_rows(group: ServiceGroup) -> list[dict[str, Any]]:
    """A group's buckets (local days) as the daily rows ``dashboards.figures`` reads."""
    return [{"day": day, **counters} for day, counters in group.buckets.items()]


def service_row(group: ServiceGroup, period: Period, titles: dict[str, str], model: OrgModel) -> dict[str, Any]:
    """One service of the list: its name, key, how many pages on which sites, and its figures with their change."""
    f = figures(_day_rows(group), period)
    return {
        "key": group.key,
        "name": group.label(titles),
        "pages": len(group.pages),
        "sites": sorted(model.sites[s].name if s in model.sites else s for s in group.sites),
        "text": formatted(f),
        "directions": {k: dashboards.direction(v) for k, v in f["change"].items()},
    }


def add_service_routes(router: APIRouter, ui: ConsoleUI, settings: Settings, pool: asyncpg.Pool) -> None:
    prefix = ui.prefix

    def today() -> date:
        return datetime.now(UTC).astimezone(ui.tz).date()

    Groups = dict[str, ServiceGroup]

    async def groups(account: Account, period: Period, only: str | None = None) -> tuple[Groups, OrgModel]:
        """The services of the pages the account may see with their counters in both periods: per local day for
        one service (``only``: its pages only), per period for the list (rows a period's first day stands for)."""
        units = account.units_visible()
        scope = None if units is None else sorted(units)
        start, current, end = (datetime.combine(d, time(), ui.tz) for d in (period.previous, period.start, period.end))
        async with pool.acquire() as conn:
            model = await fetch_org_model(conn)
            if only is None:
                bucket = "CASE WHEN p.bucket_start >= $5 THEN $6::date ELSE $7::date END"
                rows = await service_figures.page_rows(conn, start, end, scope, bucket,
                                                       (current, period.start, period.previous))  # fmt: skip
            else:
                pages = await service_figures.pages_of(conn, model.attributes, only, start, end, scope)
                local_day = "(p.bucket_start AT TIME ZONE $5)::date"
                rows = await service_figures.page_rows(conn, start, end, scope, local_day, (settings.timezone,),
                                                       pages) if pages else []  # fmt: skip
        return service_figures.group_by_service(rows, model.attributes, "bucket", only), model

    def period_links(period: Period, base: str) -> list[dict[str, Any]]:
        links = []
        for days in trends.PERIODS:
            query = query_of(Period(period.previous, period.start, period.end, days), Filters())
            links.append({"days": days, "current": not period.custom and period.days == days,
                          "url": f"{base}?{urlencode(query)}"})  # fmt: skip
        return links

    def link(key: str, period: Period, tail: str = "") -> str:
        return f"{prefix}{PATH}/{quote(key, safe='')}{tail}?{urlencode(query_of(period, Filters()))}"

    @router.get(PATH)
    async def services(request: Request) -> Response:
        account = await ui.require(request, "figures.read")
        period = parse_period(dict(request.query_params), today())
        found, model = await groups(account, period)
        titles = {url: p.title for url, p in model.pages.items()}
        units = account.units_visible()
        known = service_figures.service_keys(model, lambda unit: units is None or unit in units)
        rows = [service_row(g, period, titles, model) for g in service_figures.ranked(found)]
        quiet = sorted(known - set(found))  # marked pages without feedback in either period
        return ui.page("console_services.html", account=account, prefix=prefix, services=rows, quiet=quiet,
                       periods=period_links(period, f"{prefix}{PATH}"), period=period,
                       period_text=dashboards._period_text(period),
                       link=lambda key: link(key, period))  # fmt: skip

    @router.get(PATH + "/{key}")
    async def service(key: str, request: Request) -> Response:
        account = await ui.require(request, "figures.read")
        period = parse_period(dict(request.query_params), today())
        if not _KEY.fullmatch(key):
            return ui.not_found(account)
        found, model = await groups(account, period, only=key)
        units = account.units_visible()
        known = service_figures.service_keys(model, lambda unit: units is None or unit in units)
        group = found.get(key)
        if group is None and key not in known:
            return ui.not_found(account)
        group = group or ServiceGroup(key)
        titles = {url: p.title for url, p in model.pages.items()}
        name = group.label(titles)
        f = figures(_day_rows(group), period)
        async with pool.acquire() as conn:
            pages = await page_figures(conn, group, period, ui, model, units)
        attributes = next((model.attributes(model.pages[u].site, u) for u in group.pages if u in model.pages), None)
        return ui.page("console_service.html", account=account, prefix=prefix, key=key, name=name,
                       sdg_kind=attributes.sdg_kind if attributes else None, figures=formatted(f),
                       directions={k: dashboards.direction(v) for k, v in f["change"].items()},
                       charts=dashboards.charts(f["series"], name, "service"), pages=pages,
                       trend_csv_url=link(key, period, "/verlauf.csv"),
                       periods=period_links(period, f"{prefix}{PATH}/{quote(key, safe='')}"), period=period,
                       period_text=dashboards._period_text(period))  # fmt: skip

    @router.get(PATH + "/{key}/verlauf.csv")
    async def service_trend_csv(key: str, request: Request) -> Response:
        """The daily series behind a service's charts (the pages the account may see), audited as an export."""
        account = await ui.require(request, "figures.read")
        period = parse_period(dict(request.query_params), today())
        if not _KEY.fullmatch(key):
            return ui.not_found(account)
        found, _ = await groups(account, period, only=key)
        group = found.get(key) or ServiceGroup(key)
        series = trends.daily_series(_day_rows(group), period.start, period.end)
        async with pool.acquire() as conn:
            await audit(conn, account.username, "export", "service-trend.csv", service=key,
                        **query_of(period, Filters()))  # fmt: skip
        return csv_download(trends.trend_csv(series), "stadtstimme-leistung-verlauf.csv")


async def page_figures(conn: asyncpg.Connection, group: ServiceGroup, period: Period, ui: ConsoleUI,
                       model: OrgModel, units: frozenset[str] | None) -> list[dict[str, Any]]:  # fmt: skip
    """The service's pages in the current period, most responses first, with their site and unit."""
    if not group.pages:
        return []
    start, end = (datetime.combine(d, time(), ui.tz) for d in (period.start, period.end))
    rows = await service_figures.page_rows(conn, start, end, None if units is None else sorted(units),
                                           pages=sorted(group.pages))  # fmt: skip
    names = {u.id: u.name for u in model.units.values()}
    out = []
    for r in rows:
        if r["page_url"] not in group.pages:
            continue
        site = model.sites.get(r["site_id"])
        page = model.pages.get(r["page_url"])
        out.append({"url": r["page_url"], "title": page.title if page else "", "site": site.name if site else "",
                    "unit": names.get(r["org_unit_id"], r["org_unit_id"]), **stats(r)})  # fmt: skip
    out.sort(key=lambda p: (-p["responses"], p["url"]))
    return out
