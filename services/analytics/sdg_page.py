"""The SDG/NFK transfers in the staff console (``/console/sdg``, administrators): each month's transfer with its
state, due date and content hash, the exact JSON that was sent, and the delivery log (every attempt of every run).
Read only: a failed transfer is sent again with ``stadtstimme sdg resend <month>``."""

from __future__ import annotations

from datetime import date, datetime

import asyncpg
from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.analytics import reports
from shared.console_ui import ConsoleUI
from shared.downloads import JSON, download
from shared.refusal import not_found
from shared.settings import Settings

LOG_ROWS = 200  # the delivery log's newest attempts shown


def state(status: str, due: date, today: date) -> str:
    """The catalogue key of a transfer's state: delivered, failed, pending; not delivered after its due date:
    overdue."""
    if status != "delivered" and due < today:
        return "console.sdg.state.overdue"
    return f"console.sdg.state.{status}"


def add_sdg_routes(router: APIRouter, ui: ConsoleUI, settings: Settings, pool: asyncpg.Pool) -> None:
    @router.get("/sdg")
    async def transfers(request: Request) -> Response:
        account = await ui.require(request, "sdg.read")
        async with pool.acquire() as conn:
            rows = await conn.fetch("SELECT * FROM sdg_transfer_status ORDER BY month DESC")
            log = await conn.fetch(
                """SELECT t.month, a.run, a.attempt, a.at, a.actor, a.outcome, a.status_code, a.error
                   FROM sdg_delivery_attempt a JOIN sdg_transfer t ON t.transfer_id = a.transfer_id
                   ORDER BY a.at DESC, a.run DESC, a.attempt DESC LIMIT $1""",
                LOG_ROWS,
            )
        today = datetime.now(ui.tz).date()
        return ui.page("console_sdg.html", account=account, rows=rows, log=log, today=today, state=state,
                       configured=bool(settings.sdg_upload_url), tz=ui.tz)  # fmt: skip

    @router.get("/sdg/{month}.json")
    async def payload(month: str, request: Request) -> Response:
        await ui.require(request, "sdg.read")
        first = reports.parse_month(month)
        if first is None:
            raise not_found()
        async with pool.acquire() as conn:
            body = await conn.fetchval("SELECT payload FROM sdg_transfer WHERE month = $1", first)
        if body is None:
            raise not_found()
        return download(body, f"stadtstimme-sdg-{month}.json", JSON)
