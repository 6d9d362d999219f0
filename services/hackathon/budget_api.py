"""HTTP API of a year's money: ``/api/v1/budgets`` (staff only; refusals as RFC 9457 problems, German or English,
with the field they concern).

* ``GET /api/v1/budgets``: the measure's programmes, each year's budget, spending and what is left
  (``budgets.read``); ``PUT /{programme}/{year}`` ``{"amount_cents"}`` enters a programme's budget of a year
  (``budgets.manage``; the hackathons programme's is the year's hackathon budget).
* A programme's ledger of a year: ``GET /{programme}/{year}`` (entries and summary), ``…/ledger.csv``,
  ``…/summary.csv``; ``POST /{programme}/{year}/expenses`` books an expense (201, its ``expense_id``),
  ``POST /{programme}/{year}/expenses/{expense_id}/cancel`` ``{"reason"}`` books its cancelling entry. The
  hackathons programme's ledger (expenses and prizes) needs ``hackathons.run``; the feedback programme's is read
  with ``budgets.read`` and written with ``budgets.manage``.

Every change and every export is in the audit log.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import asyncpg
import orjson
from fastapi import APIRouter, Path, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from services.hackathon import budget, service, store
from services.hackathon.api import Producer
from services.hackathon.budget import YearBudget
from services.hackathon.domain import Refused
from shared.access import StaffAccess
from shared.auth import audit
from shared.contracts.hackathon import (
    BudgetSetV1,
    ExpenseBookedV1,
    ExpenseCancelledV1,
    ExpenseCategory,
    Programme,
    ProgrammeBudgetSetV1,
    Receipt,
    Short,
)
from shared.contracts.surveys import Slug
from shared.downloads import csv_download
from shared.settings import Settings

PREFIX = "/api/v1/budgets"
# Who reads and who writes a programme's ledger.
READ: dict[str, str] = {"hackathons": "hackathons.run", "feedback": "budgets.read"}
WRITE: dict[str, str] = {"hackathons": "hackathons.run", "feedback": "budgets.manage"}
Year = Annotated[int, Path(ge=2000, le=2100)]

CSV: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The ledger or the summary as CSV (semicolons)",
        "content": {"text/csv": {"schema": {"type": "string"}}},
    }
}


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ExpenseBody(_Body):
    category: ExpenseCategory
    spent_on: date = Field(description="The day of the expense, in the year.")
    amount_cents: int = Field(ge=1, le=budget.MAX_CENTS)
    description: Short
    receipt: Receipt
    hackathon_id: Slug | None = Field(None, description="A hackathon of the year (hackathons programme only).")


class CancelBody(_Body):
    reason: Short


class AmountBody(_Body):
    amount_cents: int = Field(ge=0, le=budget.MAX_CENTS)


@dataclass(frozen=True)
class YearView:
    """A programme's year as the ledger page, the API and the CSV files show it."""

    state: YearBudget
    programme: str
    entries: list[budget.Entry]
    summary: budget.Summary
    titles: dict[str, str]  # hackathons by id
    hackathons: list[str]  # the year's hackathons (ids)


async def year_view(conn: asyncpg.Connection, programme: str, year: int, tz: ZoneInfo) -> YearView:
    state = await store.year_budget(conn, year)
    awards = await store.awards(conn, year)
    titles = await store.hackathon_titles(conn)
    return YearView(state, programme, budget.entries(state, programme, awards, tz),
                    budget.summary(state, programme, awards), titles,
                    await store.year_hackathons(conn, year))  # fmt: skip


async def overview(conn: asyncpg.Connection, this_year: int) -> dict[str, list[budget.ProgrammeYear]]:
    """Every programme's years: each year with money events or a hackathon, and this year."""
    years = sorted(set(await store.budget_years(conn)) | {this_year})
    states = [await store.year_budget(conn, y) for y in years]
    return budget.programmes(states, await store.year_awards(conn, years))


def totals(rows: list[budget.ProgrammeYear]) -> dict[str, int]:
    return {"budget_cents": sum(r.budget_cents or 0 for r in rows), "spent_cents": sum(r.spent_cents for r in rows),
            "left_cents": sum(r.left_cents for r in rows)}  # fmt: skip


def entry_json(e: budget.Entry) -> dict[str, Any]:
    return {"kind": e.kind, "day": e.day.isoformat(), "amount_cents": e.amount_cents, "category": e.category,
            "description": e.description, "receipt": e.receipt, "hackathon_id": e.hackathon_id,
            "reference": str(e.reference), "cancelled": e.cancelled}  # fmt: skip


def csv_name(view: YearView, what: str) -> str:
    return f"stadtstimme-{what}-{view.programme}-{view.state.year}.csv"


async def book(
    pool: asyncpg.Pool, producer: Producer, settings: Settings, programme: str, year: int, actor: str,
    fields: dict[str, Any], hackathons: list[str], via: str,
) -> ExpenseBookedV1:  # fmt: skip
    """Book an expense (the API and the console): decided under the year's lock, audited."""
    expense_id = uuid.uuid4()

    def decide(state: YearBudget, awarded: int) -> tuple[type[BaseModel], dict[str, Any]]:
        data = budget.book_expense(state, awarded, expense_id, {**fields, "programme": programme}, hackathons)
        return ExpenseBookedV1, data

    event = await service.year_command(pool, await producer(), settings, year, actor, decide)
    assert isinstance(event, ExpenseBookedV1)
    async with pool.acquire() as conn:
        await audit(conn, actor, "budget_expense", f"{programme}-{year}", via=via, expense=str(expense_id),
                    amount_cents=event.amount_cents, category=event.category, receipt=event.receipt)  # fmt: skip
    return event


async def cancel(
    pool: asyncpg.Pool, producer: Producer, settings: Settings, programme: str, year: int, actor: str,
    expense_id: uuid.UUID, reason: str, via: str,
) -> ExpenseCancelledV1:  # fmt: skip
    """Book an expense's cancelling entry (only one of this programme's), audited."""

    def decide(state: YearBudget, awarded: int) -> tuple[type[BaseModel], dict[str, Any]]:
        found = state.expenses.get(expense_id)
        if found is not None and found.booked.programme != programme:
            raise Refused("unknown_expense", 404, field="expense_id")
        return ExpenseCancelledV1, budget.cancel_expense(state, expense_id, reason)

    event = await service.year_command(pool, await producer(), settings, year, actor, decide)
    assert isinstance(event, ExpenseCancelledV1)
    async with pool.acquire() as conn:
        await audit(conn, actor, "budget_expense_cancelled", f"{programme}-{year}", via=via,
                    expense=str(expense_id), reason=event.reason)  # fmt: skip
    return event


async def set_programme_budget(
    pool: asyncpg.Pool, producer: Producer, settings: Settings, programme: str, year: int, actor: str, amount: int,
    via: str,
) -> None:  # fmt: skip
    """Enter a programme's budget of a year (the hackathons programme's: the year's hackathon budget), audited."""

    def decide(state: YearBudget, awarded: int) -> tuple[type[BaseModel], dict[str, Any]]:
        data = budget.set_programme_budget(state, programme, awarded, amount)
        return (BudgetSetV1 if programme == "hackathons" else ProgrammeBudgetSetV1), data

    await service.year_command(pool, await producer(), settings, year, actor, decide)
    async with pool.acquire() as conn:
        await audit(conn, actor, "budget_programme", f"{programme}-{year}", via=via, amount_cents=amount)


def _json(body: Any, status: int = 200) -> Response:
    return Response(
        orjson.dumps(body), status_code=status, media_type="application/json", headers={"Cache-Control": "no-store"}
    )


def build_budget_router(settings: Settings, pool: asyncpg.Pool, producer: Producer, access: StaffAccess) -> APIRouter:
    router = APIRouter(prefix=PREFIX, tags=["budgets"])
    tz = ZoneInfo(settings.timezone)

    @router.get("")
    async def programmes(request: Request) -> Response:
        """The measure's programmes: per year the budget (null: not entered), what was spent, what is left."""
        await access.require(request, "budgets.read")
        async with pool.acquire() as conn:
            found = await overview(conn, date.today().year)
        return _json({p: {"years": [{"year": r.year, "budget_cents": r.budget_cents, "spent_cents": r.spent_cents,
                                     "left_cents": r.left_cents} for r in rows], "total": totals(rows)}
                      for p, rows in found.items()})  # fmt: skip

    @router.put("/{programme}/{year}")
    async def enter_budget(programme: Programme, year: Year, body: AmountBody, request: Request) -> Response:
        account = await access.require(request, "budgets.manage")
        await set_programme_budget(pool, producer, settings, programme, year, account.username, body.amount_cents,
                                   "api")  # fmt: skip
        return _json({"programme": programme, "year": year, "amount_cents": body.amount_cents})

    @router.get("/{programme}/{year}")
    async def ledger(programme: Programme, year: Year, request: Request) -> Response:
        """The programme's ledger of the year: its entries (expenses, cancellations, prizes) and its summary."""
        await access.require(request, READ[programme])
        async with pool.acquire() as conn:
            view = await year_view(conn, programme, year, tz)
        s = view.summary
        return _json({"programme": programme, "year": year, "budget_cents": s.budget_cents,
                      "per_category": s.per_category, "prizes_cents": s.prizes_cents, "total_cents": s.total_cents,
                      "left_cents": s.left_cents, "entries": [entry_json(e) for e in view.entries]})  # fmt: skip

    async def export(request: Request, programme: str, year: int, what: str) -> Response:
        account = await access.require(request, READ[programme])
        async with pool.acquire() as conn:
            view = await year_view(conn, programme, year, tz)
            await audit(conn, account.username, "export", f"budget-{what}.csv", programme=programme, year=year,
                        via="api")  # fmt: skip
        body = budget.ledger_csv(view.entries, view.titles) if what == "ledger" else budget.summary_csv(view.summary)
        return csv_download(body, csv_name(view, "kassenbuch" if what == "ledger" else "zusammenfassung"))

    @router.get("/{programme}/{year}/ledger.csv", response_class=Response, responses=CSV)
    async def ledger_csv(programme: Programme, year: Year, request: Request) -> Response:
        return await export(request, programme, year, "ledger")

    @router.get("/{programme}/{year}/summary.csv", response_class=Response, responses=CSV)
    async def summary_csv(programme: Programme, year: Year, request: Request) -> Response:
        return await export(request, programme, year, "summary")

    @router.post("/{programme}/{year}/expenses", status_code=201)
    async def book_expense(programme: Programme, year: Year, body: ExpenseBody, request: Request) -> Response:
        account = await access.require(request, WRITE[programme])
        async with pool.acquire() as conn:
            hackathons = (await year_view(conn, programme, year, tz)).hackathons
        event = await book(pool, producer, settings, programme, year, account.username, body.model_dump(),
                           hackathons, "api")  # fmt: skip
        return _json({"expense_id": str(event.expense_id), "sequence": event.sequence}, 201)

    @router.post("/{programme}/{year}/expenses/{expense_id}/cancel")
    async def cancel_expense(
        programme: Programme, year: Year, expense_id: uuid.UUID, body: CancelBody, request: Request
    ) -> Response:
        account = await access.require(request, WRITE[programme])
        event = await cancel(pool, producer, settings, programme, year, account.username, expense_id, body.reason,
                             "api")  # fmt: skip
        return _json({"expense_id": str(expense_id), "sequence": event.sequence})

    return router
