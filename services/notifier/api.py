"""Staff API of the notifier: the delivery log (searchable) and the retry of a dead letter.

Authentication and scoping through ``shared.access``, as for every staff API: ``notifications.read`` reads
(unit staff: only deliveries whose every notification is about one of their units), ``notifications.retry``
(administrators) retries; with a session, from our own pages only.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

import asyncpg
import orjson
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from services.notifier import outbox
from shared.access import StaffAccess
from shared.auth import audit
from shared.refusal import not_found
from shared.settings import Settings

PREFIX = "/api/v1/staff/notifications"
STATUSES = ("pending", "sent", "dead")


def _json(body: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(body), status_code=status, media_type="application/json",
                    headers={"Cache-Control": "no-store"})  # fmt: skip


def build_notifications_router(settings: Settings, pool: asyncpg.Pool, access: StaffAccess) -> APIRouter:
    router = APIRouter(prefix=PREFIX, tags=["notifications"])

    @router.get("")
    async def log(
        request: Request,
        status: Annotated[str | None, Query(pattern="^(pending|sent|dead)$")] = None,
        receiver: Annotated[str | None, Query(max_length=64)] = None,
        q: Annotated[str | None, Query(max_length=200, description="Search in subject and route")] = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    ) -> Response:
        """The delivery log, newest first (``notifications.read``; unit staff: deliveries wholly about their
        units)."""
        account = await access.require(request, "notifications.read")
        async with pool.acquire() as conn:
            rows = await outbox.delivery_log(conn, account.units_visible(), status=status, receiver=receiver,
                                             query=q, limit=limit)  # fmt: skip
        return _json({"items": rows})

    @router.post("/{delivery_id}/retry")
    async def retry(delivery_id: uuid.UUID, request: Request) -> Response:
        """Send a dead letter again (``notifications.retry``: administrators)."""
        account = await access.require(request, "notifications.retry")
        async with pool.acquire() as conn:
            if not await outbox.retry_dead(conn, delivery_id, datetime.now(UTC)):
                raise not_found()
            await audit(conn, account.username, "notification_retry", str(delivery_id))
        return _json({"id": str(delivery_id), "status": "pending"}, 202)

    return router
