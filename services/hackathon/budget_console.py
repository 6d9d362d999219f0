"""A year's money in the staff console, under ``/console/budgets`` (German, server-rendered, no JavaScript):

* ``/console/budgets``: the measure's programmes, each year's budget, spending and what is left, and (``budgets.
  manage``) the form that enters a programme's budget of a year;
* ``/console/budgets/{programme}/{year}``: the programme's ledger of the year, its summary per category, the CSV
  files of both, and the forms that book an expense and cancel one. The hackathons programme's ledger (expenses
  and the prizes of the year's hackathons) is ``hackathons.run``'s; the feedback programme's is read with
  ``budgets.read`` and written with ``budgets.manage``.

The same decisions as the JSON API (``budget_api``); a refused form keeps what was typed and shows each error at
its field; every change and export is audited.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import asyncpg
from aiokafka.errors import KafkaError
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.hackathon import budget, budget_api, store
from services.hackathon.api import Producer
from services.hackathon.console import Failed, cents, german_day
from services.hackathon.domain import Refused, euro
from shared.access import StaffAccess
from shared.auth import Account, audit
from shared.console_ui import ConsoleUI, read_form
from shared.contracts.hackathon import EXPENSE_CATEGORIES, PROGRAMMES
from shared.downloads import csv_download
from shared.messages import text
from shared.settings import Settings

PREFIX = "/console/budgets"
NOTICES = ("booked", "cancelled", "budget")
# The form field a refusal of the domain belongs to, per form.
REFUSAL_FIELDS: dict[str, dict[str, str]] = {
    "book": {"budget": "expense-amount", "programme_budget": "expense-amount", "amount": "expense-amount",
             "expense_year": "expense-day", "expense_hackathon": "expense-hackathon"},
    "cancel": {"unknown_expense": "cancel-expense", "expense_cancelled": "cancel-expense",
               "cancel_reason": "cancel-reason"},
    "budget": {"budget_below_awards": "budget-amount", "budget_below_spent": "budget-amount",
               "amount": "budget-amount"},
}  # fmt: skip
BOOK_FIELDS = (("category", 20), ("day", 20), ("amount", 32), ("description", 500), ("receipt", 100),
               ("hackathon_id", 64))  # fmt: skip
_HERE = Path(__file__).parent


def year_of(typed: str) -> int | None:
    """A year in the address or a form (2000–2100); None for anything else."""
    return (
        int(typed) if typed.isascii() and typed.isdigit() and len(typed) == 4 and 2000 <= int(typed) <= 2100 else None
    )


def expense_fields(values: dict[str, str], year: int) -> tuple[dict[str, Any] | None, list[tuple[str, str]]]:
    """The expense form as the API's ``ExpenseBody`` fields, or each error with its field, in form order."""
    errors: list[tuple[str, str]] = []
    category, day, amount = values["category"], german_day(values["day"]), cents(values["amount"])
    description, receipt = values["description"].strip(), values["receipt"].strip()
    if category not in EXPENSE_CATEGORIES:
        errors.append(("expense-category", text("budget.console.error.category")))
    if day is None:
        errors.append(("expense-day", text("budget.console.error.day", year=year)))
    if amount is None or not 1 <= amount <= budget.MAX_CENTS:
        errors.append(("expense-amount", text("budget.console.error.amount")))
    if not description:
        errors.append(("expense-description", text("budget.console.error.description")))
    if not receipt:
        errors.append(("expense-receipt", text("budget.console.error.receipt")))
    if errors:
        return None, errors
    return {"category": category, "spent_on": day, "amount_cents": amount, "description": description,
            "receipt": receipt, "hackathon_id": values["hackathon_id"] or None}, []  # fmt: skip


def build_budget_console(settings: Settings, pool: asyncpg.Pool, producer: Producer, access: StaffAccess) -> APIRouter:
    router = APIRouter(prefix=PREFIX, include_in_schema=False)
    ui = ConsoleUI.build(settings, access, _HERE / "templates")
    page, tz = ui.page, ui.tz

    def ledger_url(programme: str, year: int) -> str:
        return f"{PREFIX}/{quote(programme, safe='')}/{year}"

    def refusal_errors(form: str, exc: Refused) -> tuple[tuple[str | None, str], ...]:
        return ((REFUSAL_FIELDS.get(form, {}).get(exc.code), exc.reason("de")),)

    # ---- The programmes ----

    async def overview_page(account: Account, status: int = 200, failed: Failed | None = None,
                            notice: str | None = None) -> HTMLResponse:  # fmt: skip
        this_year = datetime.now(tz).year
        async with pool.acquire() as conn:
            found = await budget_api.overview(conn, this_year)
        programmes = []
        for programme, rows in found.items():
            may_open = account.may(budget_api.READ[programme])
            programmes.append({
                "id": programme,
                "name": text(f"budget.programme.{programme}"),
                "rows": [{"year": r.year, "budget": text("budget.console.not_set") if r.budget_cents is None
                          else euro(r.budget_cents), "spent": euro(r.spent_cents), "left": euro(r.left_cents),
                          "url": ledger_url(programme, r.year) if may_open else None} for r in rows],
                "total": {k: euro(v) for k, v in budget_api.totals(rows).items()},
            })  # fmt: skip
        values = failed.values if failed else {"programme": "feedback", "year": str(this_year), "amount": ""}
        return page(
            "budget_overview.html",
            status,
            account=account,
            section="budgets",
            programmes=programmes,
            choices=[{"id": p, "name": text(f"budget.programme.{p}")} for p in PROGRAMMES],
            may_manage=account.may("budgets.manage"),
            failed=failed,
            values=values,
            errors=failed.errors if failed else (),
            field_errors=failed.by_field if failed else {},
            notice=notice if notice in NOTICES else None,
        )

    @router.get("")
    async def programmes(request: Request) -> Response:
        account = await ui.require(request, "budgets.read")
        return await overview_page(account, notice=request.query_params.get("ok"))

    @router.post("/budget")
    async def enter_budget(request: Request) -> Response:
        """A programme's budget of a year (the hackathons programme's is the year's hackathon budget)."""
        account = await ui.require(request, "budgets.manage")
        form = await read_form(request)
        values = {k: form.get(k, "")[:32] for k in ("programme", "year", "amount")}
        programme, year, amount = values["programme"], year_of(values["year"].strip()), cents(values["amount"])
        errors: list[tuple[str | None, str]] = []
        if programme not in PROGRAMMES:
            errors.append(("budget-programme", text("budget.console.error.programme")))
        if year is None:
            errors.append(("budget-year", text("budget.console.error.year")))
        if amount is None or amount > budget.MAX_CENTS:
            errors.append(("budget-amount", text("budget.console.error.budget")))
        if errors or year is None or amount is None:
            return await overview_page(account, 422, Failed("budget", values, tuple(errors)))
        try:
            await budget_api.set_programme_budget(pool, producer, settings, programme, year, account.username, amount,
                                                  "console")  # fmt: skip
        except Refused as exc:
            failed = Failed("budget", values, refusal_errors("budget", exc))
            return await overview_page(account, exc.status, failed)
        except (KafkaError, TimeoutError):
            failed = Failed("budget", values, ((None, text("hackathon.console.error.unavailable")),))
            return await overview_page(account, 503, failed)
        return RedirectResponse(f"{PREFIX}?ok=budget", status_code=303)

    # ---- A programme's ledger of a year ----

    def parsed(programme: str, year: str) -> tuple[str, int] | None:
        found = year_of(year)
        return (programme, found) if programme in PROGRAMMES and found is not None else None

    async def ledger_page(
        account: Account, programme: str, year: int, status: int = 200, failed: Failed | None = None,
        notice: str | None = None,
    ) -> HTMLResponse:  # fmt: skip
        async with pool.acquire() as conn:
            view = await budget_api.year_view(conn, programme, year, tz)
        s = view.summary
        facts = [("budget.summary.budget", text("budget.console.not_set") if s.budget_cents is None
                  else euro(s.budget_cents)),
                 ("budget.console.ledger.expenses", euro(s.total_cents - s.prizes_cents))]  # fmt: skip
        if programme == "hackathons":
            facts.append(("budget.summary.prizes", euro(s.prizes_cents)))
        facts.append(("budget.summary.left", euro(s.left_cents)))
        summary = [(text(f"budget.category.{c}"), euro(v)) for c, v in s.per_category.items()]
        if programme == "hackathons":
            summary.append((text("budget.summary.prizes"), euro(s.prizes_cents)))
        entries = [{
            "day": e.day.strftime("%d.%m.%Y"),
            "kind": text(f"budget.kind.{e.kind}"),
            "cancelled": e.cancelled,
            "category": text(f"budget.category.{e.category}") if e.category else "–",
            "description": e.description,
            "receipt": e.receipt or "–",
            "hackathon": view.titles.get(e.hackathon_id, e.hackathon_id) if e.hackathon_id else "–",
            "amount": euro(e.amount_cents),
        } for e in view.entries]  # fmt: skip
        open_expenses = [
            {"id": str(x.booked.expense_id),
             "label": text("budget.console.cancel.option", day=x.booked.spent_on.strftime("%d.%m.%Y"),
                           description=x.booked.description, amount=euro(x.booked.amount_cents),
                           receipt=x.booked.receipt)}
            for x in view.state.expenses.values() if x.booked.programme == programme and x.cancelled is None
        ]  # fmt: skip
        url = ledger_url(programme, year)
        return page(
            "budget_ledger.html",
            status,
            account=account,
            section="hackathon" if programme == "hackathons" else "budget",
            programme=programme,
            programme_name=text(f"budget.programme.{programme}"),
            year=year,
            url=url,
            previous_url=ledger_url(programme, year - 1) if year > 2000 else None,
            next_url=ledger_url(programme, year + 1) if year < 2100 else None,
            facts=facts,
            summary=summary,
            total=euro(s.total_cents),
            entries=entries,
            open_expenses=open_expenses,
            categories=[{"id": c, "name": text(f"budget.category.{c}")} for c in EXPENSE_CATEGORIES],
            hackathons=[{"id": h, "title": view.titles.get(h, h)} for h in view.hackathons]
            if programme == "hackathons" else [],
            may_write=account.may(budget_api.WRITE[programme]),
            may_programmes=account.may("budgets.read"),
            failed=failed,
            errors=failed.errors if failed else (),
            field_errors=failed.by_field if failed else {},
            notice=notice if notice in NOTICES else None,
        )  # fmt: skip

    @router.get("/{programme}/{year}")
    async def ledger(programme: str, year: str, request: Request) -> Response:
        found = parsed(programme, year)
        if found is None:
            return ui.not_found(await ui.require(request, "budgets.read"))
        account = await ui.require(request, budget_api.READ[found[0]])
        return await ledger_page(account, *found, notice=request.query_params.get("ok"))

    async def export(request: Request, programme: str, year: str, what: str) -> Response:
        found = parsed(programme, year)
        if found is None:
            return ui.not_found(await ui.require(request, "budgets.read"))
        account = await ui.require(request, budget_api.READ[found[0]])
        async with pool.acquire() as conn:
            view = await budget_api.year_view(conn, *found, tz)
            await audit(conn, account.username, "export", f"budget-{what}.csv", programme=found[0], year=found[1],
                        via="console")  # fmt: skip
        if what == "ledger":
            return csv_download(budget.ledger_csv(view.entries, view.titles), budget_api.csv_name(view, "kassenbuch"))
        return csv_download(budget.summary_csv(view.summary), budget_api.csv_name(view, "zusammenfassung"))

    @router.get("/{programme}/{year}/kassenbuch.csv")
    async def ledger_csv(programme: str, year: str, request: Request) -> Response:
        return await export(request, programme, year, "ledger")

    @router.get("/{programme}/{year}/zusammenfassung.csv")
    async def summary_csv(programme: str, year: str, request: Request) -> Response:
        return await export(request, programme, year, "summary")

    async def writer(request: Request, programme: str, year: str) -> tuple[Account, str, int] | Response:
        found = parsed(programme, year)
        if found is None:
            return ui.not_found(await ui.require(request, "budgets.read"))
        return await ui.require(request, budget_api.WRITE[found[0]]), *found

    @router.post("/{programme}/{year}/ausgaben")
    async def book(programme: str, year: str, request: Request) -> Response:
        """Book an expense: the same rules as ``POST /api/v1/budgets/{programme}/{year}/expenses``."""
        who = await writer(request, programme, year)
        if isinstance(who, Response):
            return who
        account, chosen, in_year = who
        form = await read_form(request)
        values = {k: form.get(k, "")[:limit] for k, limit in BOOK_FIELDS}
        fields, errors = expense_fields(values, in_year)
        if fields is None:
            return await ledger_page(account, chosen, in_year, 422, Failed("book", values, tuple(errors)))
        async with pool.acquire() as conn:
            hackathons = await store.year_hackathons(conn, in_year)
        try:
            await budget_api.book(pool, producer, settings, chosen, in_year, account.username, fields, hackathons,
                                  "console")  # fmt: skip
        except Refused as exc:
            failed = Failed("book", values, refusal_errors("book", exc))
            return await ledger_page(account, chosen, in_year, exc.status, failed)
        except (KafkaError, TimeoutError):
            failed = Failed("book", values, ((None, text("hackathon.console.error.unavailable")),))
            return await ledger_page(account, chosen, in_year, 503, failed)
        return RedirectResponse(f"{ledger_url(chosen, in_year)}?ok=booked", status_code=303)

    @router.post("/{programme}/{year}/storno")
    async def cancel(programme: str, year: str, request: Request) -> Response:
        """Cancel an expense: a cancelling entry, never a change of the booking."""
        who = await writer(request, programme, year)
        if isinstance(who, Response):
            return who
        account, chosen, in_year = who
        form = await read_form(request)
        values = {"expense_id": form.get("expense_id", "")[:64], "reason": form.get("reason", "")[:500]}
        errors: list[tuple[str | None, str]] = []
        try:
            expense: uuid.UUID | None = uuid.UUID(values["expense_id"])
        except ValueError:
            expense = None
            errors.append(("cancel-expense", text("budget.console.error.expense")))
        if not values["reason"].strip():
            errors.append(("cancel-reason", text("hackathon.refused.cancel_reason")))
        if errors or expense is None:
            return await ledger_page(account, chosen, in_year, 422, Failed("cancel", values, tuple(errors)))
        try:
            await budget_api.cancel(pool, producer, settings, chosen, in_year, account.username, expense,
                                    values["reason"], "console")  # fmt: skip
        except Refused as exc:
            failed = Failed("cancel", values, refusal_errors("cancel", exc))
            return await ledger_page(account, chosen, in_year, exc.status, failed)
        except (KafkaError, TimeoutError):
            failed = Failed("cancel", values, ((None, text("hackathon.console.error.unavailable")),))
            return await ledger_page(account, chosen, in_year, 503, failed)
        return RedirectResponse(f"{ledger_url(chosen, in_year)}?ok=cancelled", status_code=303)

    return router
