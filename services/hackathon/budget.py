"""A year's money, pure: the events keyed ``budget-<year>`` folded into ``YearBudget``, and the decisions on them
(each either the event data to publish or a refusal with a German reason at its field).

* The **hackathon budget** of a year (default 10,000 EUR, ``BudgetSet``) pays the year's hackathon expenses (venue,
  catering, material, services, other) and its prizes (``AwardGranted`` of the year's hackathons) together:
  neither an expense nor a prize may exceed what is left of it, and it may not be set below what is spent.
* The **programmes** of the city's measure: the hackathons programme's budget of a year is that year's hackathon
  budget and its spending that year's ledger; the feedback programme's budget of a year is entered
  (``ProgrammeBudgetSet``) and its spending is the expenses booked against it, with the same rules.
* An expense is never changed: a **cancelling entry** (``ExpenseCancelled``) takes it back, and a corrected one is
  booked anew. The ledger lists both, so the sum of its lines is what was spent.

Amounts are euro cents. Days are calendar days in the city's time zone (``tz``), the year a calendar year.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from services.hackathon.domain import Ledger, Refused, euro
from shared import formats
from shared.contracts.hackathon import (
    DEFAULT_BUDGET_CENTS,
    EXPENSE_CATEGORIES,
    PROGRAMMES,
    AwardGrantedV1,
    BudgetSetV1,
    ExpenseBookedV1,
    ExpenseCancelledV1,
    ProgrammeBudgetSetV1,
)
from shared.messages import text
from shared.spreadsheet import to_csv

MAX_CENTS = 100_000_000  # 1,000,000 EUR: more is a typing error


@dataclass
class Expense:
    booked: ExpenseBookedV1
    cancelled: ExpenseCancelledV1 | None = None


@dataclass
class YearBudget:
    """Everything decided about a year's money (built by ``apply``, never changed otherwise)."""

    year: int
    sequence: int = 0
    hackathon_budget_cents: int = DEFAULT_BUDGET_CENTS
    hackathon_budget_set: bool = False
    programme_budgets: dict[str, int] = field(default_factory=dict)  # the feedback programme's, once entered
    expenses: dict[UUID, Expense] = field(default_factory=dict)  # in the order booked
    cancellations: list[ExpenseCancelledV1] = field(default_factory=list)

    def spent_cents(self, programme: str) -> int:
        """What the programme's expenses of the year come to, cancelled ones not counted (prizes aside)."""
        return sum(e.booked.amount_cents for e in self.expenses.values()
                   if e.booked.programme == programme and e.cancelled is None)  # fmt: skip

    def budget_cents(self, programme: str) -> int | None:
        """The programme's budget of the year; None for the feedback programme's while none is entered."""
        if programme == "hackathons":
            return self.hackathon_budget_cents
        return self.programme_budgets.get(programme)


def apply(state: YearBudget, event: BaseModel) -> bool:
    """Apply the year's next money event (its ``sequence`` must follow); False for one seen before or out of order."""
    sequence = getattr(event, "sequence", None)
    if getattr(event, "year", None) != state.year or sequence != state.sequence + 1:
        return False
    state.sequence = sequence
    match event:
        case BudgetSetV1():
            state.hackathon_budget_cents, state.hackathon_budget_set = event.amount_cents, True
        case ProgrammeBudgetSetV1():
            state.programme_budgets[event.programme] = event.amount_cents
        case ExpenseBookedV1():
            state.expenses[event.expense_id] = Expense(event)
        case ExpenseCancelledV1():
            if event.expense_id in state.expenses:
                state.expenses[event.expense_id].cancelled = event
            state.cancellations.append(event)
    return True


def fold(year: int, events: Iterable[BaseModel]) -> YearBudget:
    state = YearBudget(year)
    for event in events:
        apply(state, event)
    return state


def awarded_cents(year: int, awards: Iterable[AwardGrantedV1]) -> int:
    return sum(a.amount_cents for a in awards if a.year == year)


def ledger(state: YearBudget, awards: Iterable[AwardGrantedV1]) -> Ledger:
    """The year's hackathon budget: what it is, what was awarded, what the expenses come to, what is left."""
    return Ledger(state.year, state.hackathon_budget_cents, awarded_cents(state.year, awards),
                  state.spent_cents("hackathons"))  # fmt: skip


def left_cents(state: YearBudget, programme: str, awarded: int) -> int:
    """What is left of the programme's budget of the year (``awarded``: the year's prizes, for hackathons)."""
    if programme == "hackathons":
        return state.hackathon_budget_cents - awarded - state.spent_cents("hackathons")
    return (state.budget_cents(programme) or 0) - state.spent_cents(programme)


# ---- Decisions: each returns the data of the event to publish (without year, sequence, at, actor) ----


def book_expense(
    state: YearBudget, awarded: int, expense_id: UUID, fields: Mapping[str, Any], hackathons: Collection[str] = ()
) -> dict[str, Any]:
    """An expense against a programme's budget of the year; refused beyond what is left of it (for the
    hackathons programme, of the year's hackathon budget with its prizes: ``awarded``), or dated in another year.
    ``fields``: programme, category, spent_on, amount_cents, description, receipt, hackathon_id (optional: one of
    ``hackathons``, the year's, and only for the hackathons programme)."""
    programme, amount, day = str(fields["programme"]), int(fields["amount_cents"]), fields["spent_on"]
    if expense_id in state.expenses:
        raise Refused("expense_exists")
    hackathon = fields.get("hackathon_id")
    if hackathon is not None and (programme != "hackathons" or hackathon not in hackathons):
        raise Refused("expense_hackathon", 422, field="hackathon_id", year=state.year)
    if not isinstance(day, date) or day.year != state.year:
        raise Refused("expense_year", 422, field="spent_on", year=state.year)
    if not 1 <= amount <= MAX_CENTS:
        raise Refused("amount", 422, field="amount_cents")
    left = left_cents(state, programme, awarded)
    if amount > left:
        key = "budget" if programme == "hackathons" else "programme_budget"
        raise Refused(key, field="amount_cents", amount=euro(amount), left=euro(max(left, 0)), year=state.year,
                      programme=text(f"budget.programme.{programme}"))  # fmt: skip
    return {**fields, "expense_id": expense_id, "amount_cents": amount}


def cancel_expense(state: YearBudget, expense_id: UUID, reason: str) -> dict[str, Any]:
    """A cancelling entry for an expense of the year (never for one cancelled already)."""
    found = state.expenses.get(expense_id)
    if found is None:
        raise Refused("unknown_expense", 404, field="expense_id")
    if found.cancelled is not None:
        raise Refused("expense_cancelled", field="expense_id")
    if not reason.strip():
        raise Refused("cancel_reason", 422, field="reason")
    return {"expense_id": expense_id, "reason": reason.strip()}


def set_hackathon_budget(state: YearBudget, awarded: int, amount: int) -> dict[str, Any]:
    """The year's hackathon budget; never below what its expenses and prizes (``awarded``) come to."""
    spent = awarded + state.spent_cents("hackathons")
    if not 0 <= amount <= MAX_CENTS:
        raise Refused("amount", 422, field="amount_cents")
    if amount < spent:
        raise Refused("budget_below_awards", field="amount_cents", awarded=euro(spent), year=state.year)
    return {"amount_cents": amount}


def set_programme_budget(state: YearBudget, programme: str, awarded: int, amount: int) -> dict[str, Any]:
    """A programme's budget of the year: the hackathons programme's is the hackathon budget (``BudgetSet``), the
    feedback programme's its own (``ProgrammeBudgetSet``); never below what was spent from it."""
    if programme == "hackathons":
        return set_hackathon_budget(state, awarded, amount)
    if programme not in PROGRAMMES:
        raise Refused("unknown_programme", 404, field="programme")
    if not 0 <= amount <= MAX_CENTS:
        raise Refused("amount", 422, field="amount_cents")
    spent = state.spent_cents(programme)
    if amount < spent:
        raise Refused("budget_below_spent", field="amount_cents", spent=euro(spent), year=state.year,
                      programme=text(f"budget.programme.{programme}"))  # fmt: skip
    return {"programme": programme, "amount_cents": amount}


# ---- The ledger, its summary and the programmes ----

Kind = Literal["expense", "cancellation", "prize"]


@dataclass(frozen=True)
class Entry:
    """A line of a ledger: an expense (cancelled later or not), a cancelling entry (negative), or a prize."""

    kind: Kind
    day: date
    at: datetime
    reference: UUID  # the expense's id (also for its cancellation), the award's id
    amount_cents: int  # what it adds to the spending: negative for a cancellation
    category: str | None  # expenses and cancellations: the expense's category
    description: str
    receipt: str
    hackathon_id: str | None
    cancelled: bool = False  # an expense taken back by a cancelling entry


def entries(state: YearBudget, programme: str, awards: Iterable[AwardGrantedV1], tz: ZoneInfo) -> list[Entry]:
    """The programme's ledger of the year, by day and then as booked: its expenses, their cancellations and (for
    the hackathons programme) the prizes of the year's hackathons."""
    lines: list[Entry] = []
    for expense in state.expenses.values():
        e = expense.booked
        if e.programme != programme:
            continue
        lines.append(Entry("expense", e.spent_on, e.at, e.expense_id, e.amount_cents, e.category, e.description,
                           e.receipt, e.hackathon_id, cancelled=expense.cancelled is not None))  # fmt: skip
        if expense.cancelled is not None:
            c = expense.cancelled
            lines.append(Entry("cancellation", c.at.astimezone(tz).date(), c.at, e.expense_id, -e.amount_cents,
                               e.category, c.reason, e.receipt, e.hackathon_id))  # fmt: skip
    if programme == "hackathons":
        for a in awards:
            if a.year == state.year:
                lines.append(Entry("prize", a.at.astimezone(tz).date(), a.at, a.award_id, a.amount_cents, None,
                                   a.title, "", a.hackathon_id))  # fmt: skip
    return sorted(lines, key=lambda e: (e.day, e.at))


@dataclass(frozen=True)
class Summary:
    """A programme's year in figures: spending per category (net of cancellations), prizes, the total, the budget
    (None: not entered) and what is left."""

    year: int
    programme: str
    per_category: dict[str, int]
    prizes_cents: int
    total_cents: int
    budget_cents: int | None
    left_cents: int


def summary(state: YearBudget, programme: str, awards: Iterable[AwardGrantedV1]) -> Summary:
    awarded = awarded_cents(state.year, awards) if programme == "hackathons" else 0
    per_category: dict[str, int] = dict.fromkeys(EXPENSE_CATEGORIES, 0)
    for expense in state.expenses.values():
        if expense.booked.programme == programme and expense.cancelled is None:
            per_category[expense.booked.category] += expense.booked.amount_cents
    total = sum(per_category.values()) + awarded
    budget = state.budget_cents(programme)
    return Summary(state.year, programme, per_category, awarded, total, budget, (budget or 0) - total)


@dataclass(frozen=True)
class ProgrammeYear:
    programme: str
    year: int
    budget_cents: int | None
    spent_cents: int
    left_cents: int


def programmes(states: Sequence[YearBudget], awards: Iterable[AwardGrantedV1]) -> dict[str, list[ProgrammeYear]]:
    """Per programme, each year's budget, spending and what is left (the hackathons programme: the year's ledger,
    prizes included), in the order of ``states``."""
    awards = list(awards)
    found: dict[str, list[ProgrammeYear]] = {p: [] for p in PROGRAMMES}
    for state in states:
        for programme in PROGRAMMES:
            s = summary(state, programme, awards)
            found[programme].append(ProgrammeYear(programme, state.year, s.budget_cents, s.total_cents,
                                                  s.left_cents))  # fmt: skip
    return found


# ---- CSV (German spreadsheets; every cell neutralised against formulas by ``to_csv``) ----


def _cents(cents: int) -> str:
    return formats.spreadsheet(cents / 100, 2)


def ledger_csv(lines: Sequence[Entry], titles: Mapping[str, str] | None = None) -> str:
    """The ledger as CSV: day, kind, category, description, receipt, hackathon, amount in euros (signed)."""
    head = [text(f"budget.csv.{c}") for c in ("day", "kind", "category", "description", "receipt", "hackathon",
                                             "amount", "reference")]  # fmt: skip
    rows = [head]
    for e in lines:
        kind = text(f"budget.kind.{e.kind}") + (f" ({text('budget.kind.cancelled')})" if e.cancelled else "")
        rows.append([
            e.day.isoformat(), kind, text(f"budget.category.{e.category}") if e.category else "", e.description,
            e.receipt, (titles or {}).get(e.hackathon_id or "", e.hackathon_id or ""), _cents(e.amount_cents),
            str(e.reference),
        ])  # fmt: skip
    return to_csv(rows)


def summary_csv(s: Summary) -> str:
    """The year's summary as CSV: one line per category, prizes (hackathons), total, budget, left."""
    rows = [[text("budget.csv.item"), text("budget.csv.amount")]]
    rows += [[text(f"budget.category.{c}"), _cents(v)] for c, v in s.per_category.items()]
    if s.programme == "hackathons":
        rows.append([text("budget.summary.prizes"), _cents(s.prizes_cents)])
    rows.append([text("budget.summary.total"), _cents(s.total_cents)])
    rows.append([text("budget.summary.budget"), "" if s.budget_cents is None else _cents(s.budget_cents)])
    rows.append([text("budget.summary.left"), _cents(s.left_cents)])
    return to_csv(rows)
