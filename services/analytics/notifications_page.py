"""The notifier's delivery log in the staff console: what was sent to whom, when, through which route, what is
waiting and what was given up; administrators send a dead letter again. Scoped like the API."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import asyncpg
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from services.notifier import outbox
from shared.auth import audit
from shared.console_ui import ConsoleUI, read_form

STATUSES = ("pending", "sent", "dead")


def add_notification_routes(router: APIRouter, ui: ConsoleUI, pool: asyncpg.Pool) -> None:
    @router.get("/notifications")
    async def notifications(request: Request) -> Response:
        account = await ui.require(request, "notifications.read")
        status = request.query_params.get("status", "")
        status = status if status in STATUSES else ""
        query = request.query_params.get("q", "").strip()[:200]
        async with pool.acquire() as conn:
            rows = await outbox.delivery_log(conn, account.units_visible(), status=status or None,
                                             query=query or None, limit=200)  # fmt: skip
        items = [
            {
                **r,
                "created": r["created_at"].astimezone(ui.tz).strftime("%d.%m.%Y %H:%M"),
                "sent": r["sent_at"].astimezone(ui.tz).strftime("%d.%m.%Y %H:%M") if r["sent_at"] else "",
                "next": r["next_attempt_at"].astimezone(ui.tz).strftime("%d.%m.%Y %H:%M"),
            }
            for r in rows
        ]
        return ui.page(
            "console_notifications.html",
            account=account,
            items=items,
            chosen=status,
            query=query,
            statuses=STATUSES,
            may_retry=account.may("notifications.retry"),
            done=request.query_params.get("done") == "1",
        )

    @router.post("/notifications/{delivery_id}/retry")
    async def retry(delivery_id: str, request: Request) -> Response:
        account = await ui.require(request, "notifications.retry")
        await read_form(request)
        try:
            did = uuid.UUID(delivery_id)
        except ValueError:
            return ui.not_found(account)
        async with pool.acquire() as conn:
            if not await outbox.retry_dead(conn, did, datetime.now(UTC)):
                return ui.not_found(account)
            await audit(conn, account.username, "notification_retry", str(did), via="console")
        return RedirectResponse(f"{ui.prefix}/notifications?done=1", status_code=303)
