"""The monthly reports in the staff console (``/console/berichte``): a print-ready page per org unit and for the
whole city, with its CSV and PDF. Scoped like the dashboards: unit staff see their units' reports, the city's only
who sees every unit."""

from __future__ import annotations

from datetime import datetime

import asyncpg
from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.analytics import reports
from shared.access import check_units
from shared.auth import Account, audit
from shared.console_ui import ConsoleUI
from shared.downloads import PDF, csv_download, download
from shared.refusal import not_found
from shared.settings import Settings


def last_month(now: datetime) -> str:
    before, _, _ = reports.month_bounds(now.date())
    return before.strftime("%Y-%m")


def check_scope(account: Account, scope: str) -> None:
    """The city's report needs every unit in sight; a unit's report, that unit."""
    if scope == reports.CITY:
        if account.units_visible() is not None:
            raise not_found()
    else:
        check_units(account, "reports.read", scope)


def add_report_routes(router: APIRouter, ui: ConsoleUI, settings: Settings, pool: asyncpg.Pool) -> None:
    @router.get("/berichte")
    async def choose(request: Request) -> Response:
        account = await ui.require(request, "reports.read")
        month = request.query_params.get("monat", "")
        chosen = reports.parse_month(month) if month else None
        error = bool(month) and chosen is None
        month = chosen.strftime("%Y-%m") if chosen else last_month(datetime.now(ui.tz))
        visible = account.units_visible()
        async with pool.acquire() as conn:
            units = [u for u in await conn.fetch("SELECT id, name FROM org_unit WHERE kind <> 'city' ORDER BY name")
                     if visible is None or u["id"] in visible]  # fmt: skip
        return ui.page("console_reports.html", 422 if error else 200, account=account, units=units, month=month,
                       city=visible is None, error=error)  # fmt: skip

    async def built(request: Request, scope: str, month: str) -> tuple[Account, reports.Report]:
        account = await ui.require(request, "reports.read")
        first = reports.parse_month(month)
        if first is None:
            raise not_found()
        check_scope(account, scope[:64])
        async with pool.acquire() as conn:
            report = await reports.build(conn, settings.timezone, scope[:64], first)
            if report is None:
                raise not_found()
            await audit(conn, account.username, "view_report", f"{scope[:64]}/{month}",
                        org_unit=None if scope == reports.CITY else scope[:64])  # fmt: skip
        return account, report

    @router.get("/berichte/{scope}/{month}.csv")
    async def as_csv(scope: str, month: str, request: Request) -> Response:
        _, report = await built(request, scope, month)
        return csv_download(reports.rows_csv(report), f"stadtstimme-bericht-{report.scope}-{month}.csv")

    @router.get("/berichte/{scope}/{month}.pdf")
    async def as_pdf(scope: str, month: str, request: Request) -> Response:
        _, report = await built(request, scope, month)
        return download(reports.pdf(report), f"stadtstimme-bericht-{report.scope}-{month}.pdf", PDF)

    @router.get("/berichte/{scope}/{month}")
    async def as_page(scope: str, month: str, request: Request) -> Response:
        account, report = await built(request, scope, month)
        return ui.page("console_report.html", account=account, report=report, month=month,
                       key_figures=reports.key_figures(report), page_cells=reports.page_cells, shown=reports.shown,
                       service_cells=reports.service_cells,
                       open_text=reports.open_text(report), month_name=reports.month_name(report.month))  # fmt: skip
