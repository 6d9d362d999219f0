"""Barrier reports' pure decisions: which parts count in the figures, when a contact address is refused, the
deadline and its reminder, the officer's list order and standing, an answer's text, and the reporter's mail."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from services.analytics.barrier_domain import ANSWER_MAX_CHARS, Report, answer_refusal, days_between, ordered, standing
from services.ingest.domain import contact_refusal
from services.notifier.barrier_mail import letter
from shared.barriers import reminder_at, response_deadline
from shared.contracts.barriers import BarrierAnsweredV1
from shared.contracts.feedback import counts_in_figures
from shared.shredding import seal

AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("helpful", "rating", "category", "counts"),
    [
        (None, None, "accessibility_barrier", False),  # "Barriere melden" on its own: no answer to count
        (True, None, "accessibility_barrier", True),  # the category after Ja/Nein: the answer counts
        (None, 2, "accessibility_barrier", True),
        (None, None, "content", True),  # other parts as before
        (False, None, None, True),
        (None, None, None, True),
    ],
)
def test_only_a_barrier_report_on_its_own_is_left_out_of_the_figures(
    helpful: bool | None, rating: int | None, category: str | None, counts: bool
) -> None:
    assert counts_in_figures(helpful, rating, category) is counts


@pytest.mark.parametrize(
    ("email", "consent", "category", "comment", "refusal"),
    [
        (None, None, None, None, None),  # no address: nothing to consent to
        (None, True, "accessibility_barrier", "x", None),
        ("a@b.de", True, "accessibility_barrier", "Kein Alternativtext", None),
        ("a@b.de", None, "accessibility_barrier", "Kein Alternativtext", "problem.contact_consent"),
        ("a@b.de", False, "accessibility_barrier", "Kein Alternativtext", "problem.contact_consent"),
        ("a@b.de", True, "content", "Text", "problem.contact_not_barrier"),
        ("a@b.de", True, "accessibility_barrier", None, "problem.contact_not_barrier"),
    ],
)
def test_an_address_needs_consent_and_a_described_barrier(
    email: str | None, consent: bool | None, category: str | None, comment: str | None, refusal: str | None
) -> None:
    assert contact_refusal(email, consent, category, comment) == refusal


def test_the_deadline_and_the_reminder_before_it() -> None:
    assert response_deadline(AT, 42) == AT + timedelta(weeks=6)
    assert reminder_at(AT, 42, 7) == AT + timedelta(days=35)
    assert reminder_at(AT, 5, 7) == AT  # a lead longer than the period: reminded at once, never before receipt


def test_the_list_puts_overdue_reports_first_and_answered_ones_last() -> None:
    now = AT + timedelta(days=50)
    old = Report("old", AT, None)  # due on day 42: overdue
    new = Report("new", AT + timedelta(days=40), None)  # due on day 82
    older = Report("older", AT - timedelta(days=3), None)  # the most overdue
    done = Report("done", AT - timedelta(days=10), AT + timedelta(days=2))
    placed = ordered([new, done, old, older], 42, now)
    assert [r.response_id for r, _ in placed] == ["older", "old", "new", "done"]
    assert [s.overdue for _, s in placed] == [True, True, False, False]
    assert standing(done, 42, now).done and not standing(done, 42, now).overdue
    assert days_between(AT, now) == 50 and days_between(now, AT + timedelta(days=42)) == -8


def test_a_closed_report_is_done_like_an_answered_one() -> None:
    now = AT + timedelta(days=50)
    closed = Report("closed", AT, None, AT + timedelta(days=3))  # past its deadline, but closed: not overdue
    answered = Report("answered", AT, AT + timedelta(days=1))
    waiting = Report("waiting", AT + timedelta(days=45), None)
    placed = ordered([closed, answered, waiting], 42, now)
    assert [r.response_id for r, _ in placed] == ["waiting", "closed", "answered"]  # the latest dealt with first
    assert standing(closed, 42, now).done and not standing(closed, 42, now).overdue
    both = Report("both", AT, AT + timedelta(days=5), AT + timedelta(days=2))
    assert both.done_at == AT + timedelta(days=5)


def test_an_answer_must_say_something_and_not_too_much() -> None:
    assert answer_refusal("  \n ") == "barriers.error.answer_empty"
    assert answer_refusal("x" * (ANSWER_MAX_CHARS + 1)) == "barriers.error.answer_long"
    assert answer_refusal("Danke, wir ergänzen die Untertitel.") is None


@pytest.mark.parametrize(("lang", "subject"), [("de", "Antwort auf Ihre Meldung"), ("en", "Answer to your")])
def test_the_mail_to_the_reporter_is_in_the_reports_language(lang: str, subject: str) -> None:
    key, report = bytes(32), uuid.uuid4()
    event = BarrierAnsweredV1(
        response_id=report,
        org_unit="baeder",
        page_url="https://www.baeder-musterstadt.de/freibad",
        answer=seal(key, report, "answer", "Wir ergänzen die Untertitel."),
        contact_email=seal(key, report, "contact_email", "leser@example.org"),
        language=lang,  # type: ignore[arg-type]
        actor="barriere",
        answered_at=AT,
    )
    title, body = letter(event, "Wir ergänzen die Untertitel.", 730)
    assert title.startswith(subject)
    assert "Wir ergänzen die Untertitel." in body and event.page_url in body and "730" in body
    assert "leser@example.org" not in body  # the address is where the mail goes, not in it
