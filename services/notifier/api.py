"""Staff API of the notifier: the delivery log (searchable) and the retry of a dead letter.

Authentication as for the other staff APIs (console session or bearer token). Unit staff see deliveries about
their units only; only administrators (or the admin token) retry, same-origin with a session.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

import asyncpg
import orjson
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response

from services.notifier import outbox
from shared.auth import TOKEN_ADMIN, Account, api_tokens, audit, caller, same_origin, session_cookie
from shared.settings import Settings

PREFIX = "/api/v1/staff/notifications"
STATUSES = ("pending", "sent", "dead")


def _json(body: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(body), status_code=status, media_type="application/json",
                    headers={"Cache-Control": "no-store"})  # fmt: skip


def build_notifications_router(settings: Settings, pool: asyncpg.Pool) -> APIRouter:
    tokens = api_tokens(settings.metrics_token.get_secret_value(), settings.admin_token.get_secret_value())
    cookie, _ = session_cookie(settings.public_base_url)
    router = APIRouter(prefix=PREFIX, tags=["notifications"])

    async def account_of(request: Request) -> Account:
        async with pool.acquire() as conn:
            account = await caller(conn, request.headers, request.cookies, tokens, cookie)
        if account is None:
            raise HTTPException(401, "unauthorized", headers={"WWW-Authenticate": 'Bearer realm="stadtstimme"'})
        return account

    @router.get("")
    async def log(
        request: Request,
        status: Annotated[str | None, Query(pattern="^(pending|sent|dead)$")] = None,
        receiver: Annotated[str | None, Query(max_length=64)] = None,
        q: Annotated[str | None, Query(max_length=200, description="Search in subject and route")] = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    ) -> Response:
        """The delivery log, newest first."""
        account = await account_of(request)
        async with pool.acquire() as conn:
            rows = await outbox.delivery_log(conn, account.units_visible(), status=status, receiver=receiver,
                                             query=q, limit=limit)  # fmt: skip
        return _json({"items": rows})

    @router.post("/{delivery_id}/retry")
    async def retry(delivery_id: uuid.UUID, request: Request) -> Response:
        """Send a dead letter again (administrators)."""
        account = await account_of(request)
        if account.role != "administrator":
            raise HTTPException(403, "only administrators retry deliveries")
        if account is not TOKEN_ADMIN and not same_origin(request.headers, request.url.scheme, request.url.netloc):
            raise HTTPException(403, "cross-site request refused")
        async with pool.acquire() as conn:
            if not await outbox.retry_dead(conn, delivery_id, datetime.now(UTC)):
                raise HTTPException(404, "no dead letter with this id")
            await audit(conn, account.username, "notification_retry", str(delivery_id))
        return _json({"id": str(delivery_id), "status": "pending"}, 202)

    return router
