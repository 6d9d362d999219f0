"""The demo city's programme budgets for `make run`: the city's measure runs five years from last year, with
50,000 EUR for digital feedback and 50,000 EUR for the hackathons (10,000 EUR a year each), and the feedback
programme's expenses so far (setting up, an accessibility test, operation, posters, training; one booking
corrected by a cancelling entry). The hackathons programme's spending is last year's hackathon
(``demo_past_hackathon``).

Entered through the budget commands the console and the API run (``budget_api.set_programme_budget``, ``book``,
``cancel``), audited; once per installation (the audit log remembers it).
"""

from __future__ import annotations

from datetime import date

import asyncpg
from aiokafka import AIOKafkaProducer

from services.hackathon import budget_api
from shared.auth import audit
from shared.settings import Settings

MEASURE_YEARS = 5  # from last year on
YEARLY_CENTS = 1_000_000  # per programme and year: 50,000 EUR each over the measure
# The feedback programme's expenses: (years after the measure's first, category, month, day, euro cents,
# description, receipt). This year's are dated no later than today.
EXPENSES = (
    (0, "services", 11, 14, 640_000, "Einrichtung von Stadtstimme und Schulung der Redaktionen", "RE-{year}-0502"),
    (0, "services", 12, 5, 290_000, "Prüfung der Barrierefreiheit des Widgets (BITV-Test)", "RE-{year}-0547"),
    (1, "services", 3, 31, 360_000, "Betrieb und Wartung, erstes Halbjahr", "RE-{year}-0112"),
    (1, "material", 5, 15, 42_500, "Plakate und Handzettel zur Umfrage im Bürgeramt", "KB-{year}-033"),
    (1, "services", 9, 30, 120_000, "Schulung Team Öffentlichkeitsarbeit", "RE-{year}-0298"),
)  # fmt: skip
# The last one was booked with the wrong amount: taken back and booked again.
CORRECTION = ("Rechnungsbetrag falsch übernommen, neu gebucht", 115_000)


def event_count() -> int:
    """Money events on the hackathon topic: two budgets a year, the expenses, the cancellation and the rebooking."""
    return 2 * MEASURE_YEARS + len(EXPENSES) + 2


async def publish_budgets(
    settings: Settings, pool: asyncpg.Pool, producer: AIOKafkaProducer, this_year: int, today: date, actor: str
) -> None:
    """Enter the measure's budgets and the feedback programme's expenses, unless done before."""
    async with pool.acquire() as conn:
        if await conn.fetchval("SELECT 1 FROM audit_log WHERE action = 'demo_budgets_published'"):
            return

    async def ours() -> AIOKafkaProducer:
        return producer

    first = this_year - 1
    for year in range(first, first + MEASURE_YEARS):
        for programme in ("hackathons", "feedback"):
            await budget_api.set_programme_budget(pool, ours, settings, programme, year, actor, YEARLY_CENTS, "demo")
    booked = None
    for offset, category, month, day, cents, description, receipt in EXPENSES:
        year = first + offset
        fields = {"category": category, "spent_on": min(date(year, month, day), today),
                  "amount_cents": cents, "description": description, "receipt": receipt.format(year=year),
                  "hackathon_id": None}  # fmt: skip
        booked = await budget_api.book(pool, ours, settings, "feedback", year, actor, fields, [], "demo")
    assert booked is not None
    reason, cents = CORRECTION
    await budget_api.cancel(pool, ours, settings, "feedback", booked.year, actor, booked.expense_id, reason, "demo")
    fields = {"category": booked.category, "spent_on": booked.spent_on, "amount_cents": cents,
              "description": booked.description, "receipt": booked.receipt, "hackathon_id": None}  # fmt: skip
    await budget_api.book(pool, ours, settings, "feedback", booked.year, actor, fields, [], "demo")
    async with pool.acquire() as conn:
        await audit(conn, actor, "demo_budgets_published", "budgets", years=MEASURE_YEARS, events=event_count())
