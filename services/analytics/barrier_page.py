"""The accessibility officer's barrier reports in the console (``/console/barrieren``): the list with the time
since receipt and the response deadline, overdue first; a report's page with its description, the reporter's
address (only this team sees it: ``barriers.answer``; each view is audited) and the answers sent; answering from
the page (``barriers.answer``), which the notifier mails, or closing it without an answer by mail. Each form carries
the id of its action (``action_id``), so that a form sent twice acts once."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import asyncpg
import orjson
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from services.analytics import barrier_store, barriers
from services.analytics.barrier_domain import ANSWER_MAX_CHARS, Report, days_between, ordered, standing
from shared.auth import audit
from shared.console_ui import ConsoleUI, read_form
from shared.contracts.barriers import CLOSE_REASONS
from shared.contracts.sealed import SealedText
from shared.kafka import LazyProducer
from shared.refusal import UNAVAILABLE, Refusal
from shared.settings import Settings
from shared.shredding import secrets_of, unseal

PATH = "/barrieren"


def _report(row: asyncpg.Record) -> Report:
    return Report(str(row["response_id"]), row["received_at"], row["answered_at"], row["closed_at"])


def _action_id(form: dict[str, str]) -> uuid.UUID | None:
    try:
        return uuid.UUID(form.get("action_id", ""))
    except ValueError:
        return None  # a form without its id still acts, just not protected against being sent twice


def add_barrier_routes(
    router: APIRouter, ui: ConsoleUI, settings: Settings, pool: asyncpg.Pool, producer: LazyProducer
) -> None:
    days = settings.barrier_response_days

    def when(moment: datetime) -> str:
        return moment.astimezone(ui.tz).strftime("%d.%m.%Y")

    def item(row: asyncpg.Record, now: datetime) -> dict[str, Any]:
        place = standing(_report(row), days, now)
        return {
            **dict(row),
            "received": when(row["received_at"]),
            "age_days": days_between(row["received_at"], now),
            "deadline": when(place.deadline),
            "days_left": days_between(now, place.deadline),
            "overdue": place.overdue,
            "answered": when(row["answered_at"]) if row["answered_at"] else "",
            "closed": when(row["closed_at"]) if row["closed_at"] else "",
        }

    @router.get(PATH)
    async def barrier_list(request: Request) -> Response:
        account = await ui.require(request, "barriers.answer")
        now = datetime.now(UTC)
        async with pool.acquire() as conn:
            rows = {str(r["response_id"]): r for r in await barrier_store.reports(conn)}
        items = [item(rows[r.response_id], now) for r, _ in ordered([_report(r) for r in rows.values()], days, now)]
        return ui.page("console_barriers.html", account=account, items=items, days=days)

    async def report_page(request: Request, response_id: str, status: int = 200, **context: Any) -> Response:
        account = await ui.require(request, "barriers.answer")
        context.setdefault("field_errors", {})  # the form macros read it
        try:
            rid = uuid.UUID(response_id)
        except ValueError:
            return ui.not_found(account)
        async with pool.acquire() as conn:
            row = await barrier_store.report(conn, rid)
            if row is None:
                return ui.not_found(account)
            email = await barrier_store.contact(conn, rid)
            sent = await barrier_store.answers(conn, rid)
            key = (await secrets_of(conn, [rid])).get(rid)
            if email is not None:  # personal data shown: on the record
                await audit(conn, account.username, "barrier_contact_viewed", response_id, org_unit=row["org_unit_id"])
        answers = [
            {
                "actor": a["actor"],
                "at": a["answered_at"].astimezone(ui.tz).strftime("%d.%m.%Y %H:%M"),
                "text": unseal(key, SealedText.model_validate(orjson.loads(a["envelope"])["data"]["answer"]), "answer"),
            }
            for a in sent
        ]
        return ui.page("console_barrier.html", status, account=account, report=item(row, datetime.now(UTC)),
                       email=email, answers=answers, max_chars=ANSWER_MAX_CHARS, reasons=CLOSE_REASONS,
                       action_id=uuid.uuid4(), done=request.query_params.get("done", ""), **context)  # fmt: skip

    @router.get(PATH + "/{response_id}")
    async def barrier_report(response_id: str, request: Request) -> Response:
        return await report_page(request, response_id)

    @router.post(PATH + "/{response_id}/antwort")
    async def barrier_answer(response_id: str, request: Request) -> Response:
        account = await ui.require(request, "barriers.answer")
        form = await read_form(request, limit=4 * ANSWER_MAX_CHARS)
        try:
            rid = uuid.UUID(response_id)
        except ValueError:
            return ui.not_found(account)
        typed = form.get("answer", "")
        try:
            await barriers.answer(pool, await producer.get(), settings, account, rid, typed, _action_id(form))
        except Refusal as exc:
            if exc.status == 404:
                return ui.not_found(account)
            return await report_page(request, response_id, exc.status, typed=typed,
                                     field_errors={"answer": exc.reason("de")})  # fmt: skip
        except UNAVAILABLE:
            away = Refusal("problem.unavailable.title").reason("de")
            return await report_page(request, response_id, 503, typed=typed, field_errors={"answer": away})
        return RedirectResponse(f"{ui.prefix}{PATH}/{rid}?done=sent", status_code=303)

    @router.post(PATH + "/{response_id}/abschluss")
    async def barrier_close(response_id: str, request: Request) -> Response:
        account = await ui.require(request, "barriers.answer")
        form = await read_form(request)
        try:
            rid = uuid.UUID(response_id)
        except ValueError:
            return ui.not_found(account)
        try:
            await barriers.close(pool, await producer.get(), settings, account, rid, form.get("reason", ""),
                                 _action_id(form))  # fmt: skip
        except Refusal as exc:
            if exc.status == 404:
                return ui.not_found(account)
            return await report_page(request, response_id, exc.status, field_errors={"reason": exc.reason("de")})
        except UNAVAILABLE:
            away = Refusal("problem.unavailable.title").reason("de")
            return await report_page(request, response_id, 503, field_errors={"reason": away})
        return RedirectResponse(f"{ui.prefix}{PATH}/{rid}?done=closed", status_code=303)
