"""A year's money, pure (services/hackathon/budget.py): expenses and prizes share the year's hackathon budget and
neither goes beyond it; expenses are dated in their year; a cancelling entry frees the money and is listed with
the expense; budgets never go below what is spent; the feedback programme has its own budget and expenses; the
ledger, the summary per category, the programmes per year and their CSV files (neutralised against formulas)."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import BaseModel

from services.hackathon import budget
from services.hackathon.budget import YearBudget
from services.hackathon.domain import Refused
from shared.contracts.hackathon import (
    AwardGrantedV1,
    BudgetSetV1,
    ExpenseBookedV1,
    ExpenseCancelledV1,
    ProgrammeBudgetSetV1,
)
from shared.messages import text

TZ = ZoneInfo("Europe/Berlin")
AT = datetime(2026, 5, 1, 10, tzinfo=UTC)


def publish(state: YearBudget, model: type[BaseModel], data: dict[str, Any], at: datetime = AT) -> BaseModel:
    event = model.model_validate({**data, "year": state.year, "sequence": state.sequence + 1, "at": at,
                                  "actor": "hub"})  # fmt: skip
    assert budget.apply(state, event)
    return event


def expense(amount: int, *, programme: str = "hackathons", category: str = "catering", day: date = date(2026, 5, 1),
            **more: Any) -> dict[str, Any]:  # fmt: skip
    return {"programme": programme, "category": category, "spent_on": day, "amount_cents": amount,
            "description": "Mittagessen", "receipt": "R-2026-17", **more}  # fmt: skip


def book(state: YearBudget, awarded: int, amount: int, **more: Any) -> uuid.UUID:
    expense_id = uuid.uuid4()
    publish(state, ExpenseBookedV1, budget.book_expense(state, awarded, expense_id, expense(amount, **more),
                                                        ("musterstadt-2026",)))  # fmt: skip
    return expense_id


def award(cents: int, year: int = 2026) -> AwardGrantedV1:
    return AwardGrantedV1(hackathon_id="musterstadt-2026", sequence=1, at=AT, actor="hub", award_id=uuid.uuid4(),
                          year=year, submission_id=uuid.uuid4(), amount_cents=cents, title="1. Preis",
                          justification="Überzeugt.")  # fmt: skip


def refused(code: str, call: Any, *args: Any) -> Refused:
    with pytest.raises(Refused) as caught:
        call(*args)
    assert caught.value.code == code, caught.value.code
    return caught.value


def test_expenses_and_prizes_together_never_exceed_the_years_hackathon_budget() -> None:
    state = YearBudget(2026)
    prizes = [award(500_000), award(100_000, year=2027)]  # another year's prize counts there
    awarded = budget.awarded_cents(2026, prizes)
    assert awarded == 500_000
    book(state, awarded, 300_000, category="venue")
    book(state, awarded, 150_000)
    assert budget.left_cents(state, "hackathons", awarded) == 50_000
    error = refused("budget", budget.book_expense, state, awarded, uuid.uuid4(), expense(50_001))
    assert error.field == "amount_cents" and error.status == 409
    assert error.reason() == (
        "Das übersteigt das Hackathon-Budget 2026 (Ausgaben und Preise zusammen): es sind noch 500,00 € übrig."
    )
    assert "expenses and prizes together" in error.reason("en")
    book(state, awarded, 50_000)  # exactly what is left
    ledger = budget.ledger(state, prizes)
    assert (ledger.budget_cents, ledger.awarded_cents, ledger.expenses_cents, ledger.left_cents) == (
        1_000_000, 500_000, 500_000, 0)  # fmt: skip
    refused("budget", budget.book_expense, state, awarded, uuid.uuid4(), expense(1))


def test_an_expense_is_dated_in_its_year_has_an_amount_and_names_only_that_years_hackathon() -> None:
    state = YearBudget(2026)
    error = refused("expense_year", budget.book_expense, state, 0, uuid.uuid4(), expense(100, day=date(2025, 12, 31)))
    assert error.field == "spent_on" and error.status == 422
    assert error.reason() == "Das Datum muss im Jahr 2026 liegen: jede Ausgabe zählt für das Jahr, in dem sie anfällt."
    assert refused("amount", budget.book_expense, state, 0, uuid.uuid4(), expense(0)).field == "amount_cents"
    wrong = expense(100, hackathon_id="stadt-hackt-2027")
    assert refused("expense_hackathon", budget.book_expense, state, 0, uuid.uuid4(), wrong, ("musterstadt-2026",))
    feedback = expense(100, programme="feedback", hackathon_id="musterstadt-2026")
    refused("expense_hackathon", budget.book_expense, state, 0, uuid.uuid4(), feedback, ("musterstadt-2026",))
    booked = book(state, 0, 100, hackathon_id="musterstadt-2026")
    refused("expense_exists", budget.book_expense, state, 0, booked, expense(100))


def test_a_cancelling_entry_frees_the_money_once_and_is_listed_with_the_expense() -> None:
    state = YearBudget(2026)
    wrong = book(state, 0, 1_000_000, category="venue")
    refused("budget", budget.book_expense, state, 0, uuid.uuid4(), expense(1))
    assert refused("cancel_reason", budget.cancel_expense, state, wrong, "  ").field == "reason"
    refused("unknown_expense", budget.cancel_expense, state, uuid.uuid4(), "Tippfehler")
    later = datetime(2026, 6, 2, 23, 30, tzinfo=UTC)  # 3 June in Berlin
    publish(state, ExpenseCancelledV1, budget.cancel_expense(state, wrong, " Betrag vertippt "), later)
    assert state.cancellations[0].reason == "Betrag vertippt"
    refused("expense_cancelled", budget.cancel_expense, state, wrong, "Nochmal")
    assert budget.left_cents(state, "hackathons", 0) == 1_000_000
    right = book(state, 0, 100_000, category="venue")
    lines = budget.entries(state, "hackathons", [award(200_000)], TZ)
    assert [(e.kind, e.amount_cents, e.cancelled, e.day) for e in lines] == [
        ("expense", 1_000_000, True, date(2026, 5, 1)),
        ("expense", 100_000, False, date(2026, 5, 1)),
        ("prize", 200_000, False, date(2026, 5, 1)),  # by day, then as booked
        ("cancellation", -1_000_000, False, date(2026, 6, 3)),
    ]
    assert lines[1].reference == right and lines[3].reference == wrong
    assert sum(e.amount_cents for e in lines) == 300_000  # the lines add up to what was spent
    s = budget.summary(state, "hackathons", [award(200_000)])
    assert (s.per_category["venue"], s.prizes_cents, s.total_cents, s.left_cents) == (100_000, 200_000, 300_000,
                                                                                      700_000)  # fmt: skip


def test_a_budget_never_goes_below_what_is_spent_and_replays_the_same() -> None:
    state = YearBudget(2026)
    book(state, 0, 200_000)
    error = refused("budget_below_awards", budget.set_hackathon_budget, state, 300_000, 499_999)
    assert error.field == "amount_cents" and error.reason() == (
        "Das Hackathon-Budget 2026 kann nicht unter die bereits ausgegebenen und vergebenen 5.000,00 € sinken."
    )
    publish(state, BudgetSetV1, budget.set_hackathon_budget(state, 300_000, 500_000))
    assert budget.left_cents(state, "hackathons", 300_000) == 0
    events = [BudgetSetV1(year=2026, sequence=1, amount_cents=2, at=AT, actor="x")]
    replayed = budget.fold(2026, events + events)  # the same event twice: applied once
    assert replayed.sequence == 1 and replayed.hackathon_budget_cents == 2
    assert not budget.apply(replayed, BudgetSetV1(year=2027, sequence=2, amount_cents=3, at=AT, actor="x"))


def test_the_feedback_programme_pays_its_own_expenses_from_its_own_budget() -> None:
    state = YearBudget(2026)
    assert state.budget_cents("feedback") is None
    error = refused("programme_budget", budget.book_expense, state, 0, uuid.uuid4(),
                    expense(100, programme="feedback", category="services"))  # fmt: skip
    assert error.reason() == (
        "Das übersteigt das Budget 2026 des Programms „Digitales Feedback“: es sind noch 0,00 € übrig."
    )
    publish(state, ProgrammeBudgetSetV1, budget.set_programme_budget(state, "feedback", 0, 2_000_000))
    book(state, 0, 1_500_000, programme="feedback", category="services")
    book(state, 0, 50_000)  # the hackathons programme's, not the feedback programme's
    assert budget.left_cents(state, "feedback", 0) == 500_000
    below = refused("budget_below_spent", budget.set_programme_budget, state, "feedback", 0, 1_000_000)
    assert below.reason() == (
        "Das Budget 2026 des Programms „Digitales Feedback“ kann nicht unter die bereits ausgegebenen 15.000,00 € "
        "sinken."
    )
    assert budget.set_programme_budget(state, "hackathons", 0, 50_000) == {"amount_cents": 50_000}
    refused("budget_below_awards", budget.set_programme_budget, state, "hackathons", 1, 50_000)
    assert [e.kind for e in budget.entries(state, "feedback", [award(1)], TZ)] == ["expense"]  # no prizes


def test_the_programmes_per_year_count_the_hackathon_ledger_and_the_feedback_expenses() -> None:
    y2025, y2026 = YearBudget(2025), YearBudget(2026)
    publish(y2026, ProgrammeBudgetSetV1, {"programme": "feedback", "amount_cents": 1_000_000})
    book(y2026, 0, 250_000, programme="feedback", category="services")
    book(y2026, 0, 100_000)
    found = budget.programmes([y2025, y2026], [award(300_000), award(50_000, year=2025)])
    assert [(r.year, r.budget_cents, r.spent_cents, r.left_cents) for r in found["hackathons"]] == [
        (2025, 1_000_000, 50_000, 950_000), (2026, 1_000_000, 400_000, 600_000)]  # fmt: skip
    assert [(r.year, r.budget_cents, r.spent_cents, r.left_cents) for r in found["feedback"]] == [
        (2025, None, 0, 0), (2026, 1_000_000, 250_000, 750_000)]  # fmt: skip


def read(body: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body), delimiter=";"))


def test_ledger_and_summary_export_as_csv_for_german_spreadsheets_without_formulas() -> None:
    state = YearBudget(2026)
    booked = book(state, 0, 123_456, category="material", description="=HYPERLINK(\"http://evil\")",
                  receipt="+49-Beleg", hackathon_id="musterstadt-2026")  # fmt: skip
    publish(state, ExpenseCancelledV1, budget.cancel_expense(state, booked, "@Fehler"))
    prize = award(200_000)
    rows = read(budget.ledger_csv(budget.entries(state, "hackathons", [prize], TZ),
                                  {"musterstadt-2026": "Musterstadt hackt 2026"}))  # fmt: skip
    assert rows[0] == ["Datum", "Art", "Kategorie", "Beschreibung", "Beleg", "Hackathon", "Betrag (EUR)", "Kennung"]
    assert rows[1] == ["2026-05-01", "Ausgabe (storniert)", "Material", "'=HYPERLINK(\"http://evil\")",
                       "'+49-Beleg", "Musterstadt hackt 2026", "1234,56", str(booked)]  # fmt: skip
    assert rows[2][1] == "Storno" and rows[2][3] == "'@Fehler" and rows[2][6] == "-1234,56"  # a number, not text
    assert rows[3][:3] == ["2026-05-01", "Preis", ""] and rows[3][3] == "1. Preis" and rows[3][6] == "2000,00"
    summary = read(budget.summary_csv(budget.summary(state, "hackathons", [prize])))
    assert summary == [
        ["Posten", "Betrag (EUR)"], ["Veranstaltungsort", "0,00"], ["Verpflegung", "0,00"], ["Material", "0,00"],
        ["Dienstleistungen", "0,00"], ["Sonstiges", "0,00"], ["Preise", "2000,00"], ["Gesamt", "2000,00"],
        ["Budget", "10000,00"], ["Übrig", "8000,00"],
    ]  # fmt: skip
    feedback = read(budget.summary_csv(budget.summary(state, "feedback", [prize])))
    assert ["Preise", "0,00"] not in feedback and feedback[-2] == ["Budget", ""]  # not entered
    assert text("budget.category.services", "en") == "Services"
