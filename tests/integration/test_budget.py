"""The year's hackathon budget with expenses and prizes together, on the real system: the Digital Innovation Hub
(an ``organiser``) books the 2026 event's expenses over the API and grants a prize, and whatever would go beyond
the 10,000 euros (an expense, a prize, a budget below what is spent) is refused with the German reason at its
field, over the API and in the console; a wrong booking is cancelled by a cancelling entry; the ledger and the
year's summary download as CSV (neutralised); the programme budgets of the measure are entered and shown as spent
and left, the feedback programme books its own expenses; an analyst reads the programmes but not the hackathon
ledger. axe on every new page and state; a replay rebuilds the same ledger. The hackathon comes from
``test_hackathon_console.set_up`` (three submissions, a juror)."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx
from playwright.async_api import Browser, Page

from services.analytics.replay import replay
from shared.db import create_pool
from tests.integration.conftest import BROWSER_ONCE
from tests.integration.system import System
from tests.integration.test_console import add_staff, sign_in, sign_in_page
from tests.integration.test_hackathon_console import API, HACKATHON, invalid_field, ok, set_up
from tests.integration.test_hackathon_pages import axe, new_page, posted
from tests.unit.test_hackathon_mail import Inbox

pytestmark = BROWSER_ONCE

LEDGER = "/api/v1/budgets/hackathons/2026"
PAGE = "/console/budgets/hackathons/2026"
ENTRIES = "Kassenbuch 2026: Ausgaben, Stornos und Preise"


def expense(amount_cents: int, category: str = "venue", **more: Any) -> dict[str, Any]:
    return {"category": category, "spent_on": "2026-11-20", "amount_cents": amount_cents,
            "description": "Saalmiete Rathaus", "receipt": "RE-2026-0815", **more}  # fmt: skip


async def rows(page: Page, caption: str) -> list[str]:
    return await page.get_by_role("region", name=caption).locator("tbody tr").all_inner_texts()


async def book_in_console(page: Page, category: str, day: str, amount: str, description: str, receipt: str) -> int:
    await page.get_by_label("Kategorie", exact=True).select_option(label=category)
    await page.get_by_label("Datum", exact=True).fill(day)
    await page.get_by_label("Betrag in Euro").fill(amount)
    await page.get_by_label("Beschreibung", exact=True).fill(description)
    await page.get_by_label("Belegnummer").fill(receipt)
    return await posted(page, "Ausgabe buchen")


async def test_expenses_and_prizes_together_never_exceed_the_years_budget(
    mailing: tuple[System, Inbox], browser: Browser
) -> None:
    system, inbox = mailing
    add_staff(system, "hub", "organiser")
    add_staff(system, "analystin", "analyst")
    add_staff(system, "j1", "unit_staff", "abfallwirtschaft")
    submissions = await set_up(system, inbox)  # 2026, budget 3,000 euros, submissions closed, j1 in the jury
    origin = {"Origin": system.base_url, "Accept-Language": "de"}
    hub = await sign_in(system, "hub")
    try:
        # The year's budget back to the 10,000 euros of the measure; the event's expenses and a prize.
        await ok(await hub.put("/api/v1/hackathons/budgets/2026", json={"amount_cents": 1_000_000}, headers=origin))
        await ok(await hub.post(f"{LEDGER}/expenses", json=expense(400_000, hackathon_id=HACKATHON),
                                        headers=origin), 201)  # fmt: skip
        catering = await ok(await hub.post(f"{LEDGER}/expenses", headers=origin, json=expense(
            250_000, "catering", description="=Buffet für 80 Personen", receipt="+RE-17")), 201)  # fmt: skip
        await ok(await hub.post(f"{API}/phase", json={"phase": "jurierung"}, headers=origin))
        await ok(await hub.post(f"{API}/awards", headers=origin, json={
            "submission_id": submissions[0], "amount_cents": 300_000, "title": "1. Preis",
            "justification": "Überzeugt die Jury."}), 201)  # fmt: skip
        # 500 euros are left: 501 refused as an expense and as a prize, with the reason at the field.
        beyond = await hub.post(f"{LEDGER}/expenses", json=expense(50_100, "material"), headers=origin)
        assert beyond.status_code == 409 and beyond.headers["content-type"].startswith("application/problem+json")
        reason = "Das übersteigt das Hackathon-Budget 2026 (Ausgaben und Preise zusammen): es sind noch 500,00 € übrig."
        assert beyond.json()["title"] == reason
        assert beyond.json()["errors"] == [{"pointer": "/amount_cents", "field": "amount_cents", "detail": reason}]
        prize = await hub.post(f"{API}/awards", headers=origin, json={
            "submission_id": submissions[1], "amount_cents": 50_100, "title": "2. Preis",
            "justification": "Knapp dahinter."})  # fmt: skip
        assert prize.status_code == 409 and prize.json()["title"] == reason
        below = await hub.put("/api/v1/hackathons/budgets/2026", json={"amount_cents": 949_999}, headers=origin)
        assert below.status_code == 409 and below.json()["title"] == (
            "Das Hackathon-Budget 2026 kann nicht unter die bereits ausgegebenen und vergebenen 9.500,00 € sinken."
        )
        english = await hub.post(
            f"{LEDGER}/expenses", json=expense(50_100), headers={**origin, "Accept-Language": "en"}
        )
        assert "expenses and prizes together" in english.json()["title"]
        wrong_year = await hub.post(f"{LEDGER}/expenses", json={**expense(100), "spent_on": "2025-12-31"},
                                    headers=origin)  # fmt: skip
        assert wrong_year.status_code == 422 and wrong_year.json()["errors"][0]["field"] == "spent_on"
        ledger = await ok(await hub.get(LEDGER))
        assert (ledger["budget_cents"], ledger["total_cents"], ledger["left_cents"]) == (1_000_000, 950_000, 50_000)
        assert [e["kind"] for e in ledger["entries"]] == ["expense", "expense", "prize"]
        jury = await ok(await hub.get(f"{API}/jury"))
        assert (jury["ledger"]["expenses_cents"], jury["ledger"]["left_cents"]) == (650_000, 50_000)
    finally:
        await hub.aclose()

    # The console: the hackathon's overview links the ledger; booking beyond the budget is refused at the amount.
    dialogs: list[str] = []
    context, page = await new_page(browser, dialogs)
    await sign_in_page(page, system, "hub")
    await page.goto(f"{system.base_url}/console/hackathons/{HACKATHON}")
    main = await page.locator("main").inner_text()
    assert "Ausgaben\n6.500,00 €" in main and "Preise vergeben\n3.000,00 €" in main and "Übrig\n500,00 €" in main
    await page.get_by_role("link", name="Kassenbuch 2026: Ausgaben buchen und exportieren").click()
    await page.get_by_role("heading", level=1, name="Kassenbuch 2026: Hackathon-Veranstaltungen").wait_for()
    booked = await rows(page, ENTRIES)  # by day: the prize's is today's
    assert [r for r in booked if "\tAusgabe\t" in r] == [
        "20.11.2026\tAusgabe\tVeranstaltungsort\tSaalmiete Rathaus\tRE-2026-0815\tRathaus hackt 2026\t4.000,00 €",
        "20.11.2026\tAusgabe\tVerpflegung\t=Buffet für 80 Personen\t+RE-17\t–\t2.500,00 €",
    ]
    assert [r.split("\t", 1)[1] for r in booked if "\tPreis\t" in r] == [
        "Preis\t–\t1. Preis\t–\tRathaus hackt 2026\t3.000,00 €"]  # fmt: skip
    await axe(page)
    assert await book_in_console(page, "Material", "21.11.2026", "500,01", "Moderationskoffer", "RE-99") == 409
    await invalid_field(page, "Betrag in Euro", reason)
    assert await page.get_by_label("Beschreibung", exact=True).input_value() == "Moderationskoffer"  # kept
    await axe(page)
    assert await book_in_console(page, "Material", "31.02.2026", "zwei", " ", " ") == 422
    await invalid_field(page, "Datum", "Bitte geben Sie das Datum als TT.MM.JJJJ an, zum Beispiel 14.03.2026.")
    await invalid_field(page, "Betrag in Euro", "Bitte geben Sie den Betrag in Euro an, zum Beispiel 1.250 oder "
                        "89,90 (mehr als 0, höchstens 1.000.000).")  # fmt: skip
    await invalid_field(page, "Belegnummer", "Bitte geben Sie die Belegnummer an (höchstens 100 Zeichen).")
    await axe(page)
    # The catering was booked with the wrong amount: cancelled (a blank reason first), then booked anew.
    await page.get_by_label("Ausgabe", exact=True).select_option(value=catering["expense_id"])
    await page.get_by_label("Grund des Stornos").fill(" ")
    assert await posted(page, "Stornieren") == 422
    await invalid_field(page, "Grund des Stornos", "Bitte nennen Sie den Grund des Stornos.")
    await axe(page)
    await page.get_by_label("Ausgabe", exact=True).select_option(value=catering["expense_id"])
    await page.get_by_label("Grund des Stornos").fill("Betrag vertippt")
    assert await posted(page, "Stornieren") == 303
    await page.get_by_text("Die Ausgabe ist storniert.").wait_for()
    assert await book_in_console(page, "Verpflegung", "20.11.2026", "2.050", "Buffet für 80 Personen", "RE-17") == 303
    await page.get_by_text("Die Ausgabe ist gebucht.").wait_for()
    main = await page.locator("main").inner_text()
    assert "Ausgaben\n6.050,00 €" in main and "Übrig\n950,00 €" in main
    cancelled = [r for r in await rows(page, ENTRIES) if "Verpflegung" in r]
    assert [r.split("\t")[1] for r in cancelled] == ["Ausgabe (storniert)", "Ausgabe", "Storno"]
    assert cancelled[2].endswith("-2.500,00 €") and "Betrag vertippt" in cancelled[2]
    await axe(page)

    # The programmes of the measure: the feedback programme's budget entered (an invalid year first).
    await page.get_by_role("link", name="Budgets", exact=True).click()
    await page.get_by_role("heading", level=1, name="Budgets der Maßnahme").wait_for()
    await axe(page)
    await page.get_by_label("Programm", exact=True).select_option(label="Digitales Feedback")
    await page.get_by_label("Jahr", exact=True).fill("26")
    await page.get_by_label("Budget in Euro").fill("20.000")
    assert await posted(page, "Budget speichern") == 422
    await invalid_field(page, "Jahr", "Bitte geben Sie ein Jahr zwischen 2000 und 2100 an.")
    await axe(page)
    await page.get_by_label("Jahr", exact=True).fill("2026")
    assert await posted(page, "Budget speichern") == 303
    await page.get_by_text("Das Budget ist gespeichert.").wait_for()
    hackathons = "Programm „Hackathon-Veranstaltungen“: Budget, ausgegeben und übrig je Jahr"
    feedback = "Programm „Digitales Feedback“: Budget, ausgegeben und übrig je Jahr"
    assert "2026\t10.000,00 €\t9.050,00 €\t950,00 €" in "\n".join(await rows(page, hackathons))
    assert "2026\t20.000,00 €\t0,00 €\t20.000,00 €" in "\n".join(await rows(page, feedback))
    await page.get_by_role("link", name="Kassenbuch 2026 (Digitales Feedback)").click()
    await page.get_by_role("heading", level=1, name="Kassenbuch 2026: Digitales Feedback").wait_for()
    assert await page.get_by_label("Hackathon (freiwillig)").count() == 0
    assert await book_in_console(page, "Dienstleistungen", "02.03.2026", "25.000", "Befragungstool", "L-1") == 409
    await invalid_field(page, "Betrag in Euro", "Das übersteigt das Budget 2026 des Programms „Digitales Feedback“: "
                        "es sind noch 20.000,00 € übrig.")  # fmt: skip
    await axe(page)
    assert await book_in_console(page, "Dienstleistungen", "02.03.2026", "12.500", "Befragungstool", "L-1") == 303
    await page.get_by_text("Die Ausgabe ist gebucht.").wait_for()
    await axe(page)
    await context.close()
    assert dialogs == []

    # The CSV files: the ledger's cells neutralised, the summary per category; exports audited.
    hub = await sign_in(system, "hub")
    analyst = await sign_in(system, "analystin")
    try:
        answer = await hub.get(f"{PAGE}/kassenbuch.csv")
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
        lines = list(csv.reader(io.StringIO(answer.text.removeprefix("\ufeff")), delimiter=";"))
        assert lines[0][:3] == ["Datum", "Art", "Kategorie"]
        assert ["2026-11-20", "Ausgabe (storniert)", "Verpflegung", "'=Buffet für 80 Personen", "'+RE-17", "",
                "2500,00", catering["expense_id"]] in lines  # fmt: skip
        assert [line[6] for line in lines[1:]].count("-2500,00") == 1
        summary = (await hub.get(f"{LEDGER}/summary.csv")).text
        assert "Verpflegung;2050,00\r\n" in summary and "Preise;3000,00" in summary and "Übrig;950,00" in summary
        # The analyst reads the programmes, not the hackathon ledger; the organiser's changes are audited.
        programmes = await ok(await analyst.get("/api/v1/budgets"))
        assert programmes["feedback"]["total"]["spent_cents"] == 1_250_000
        assert [y for y in programmes["hackathons"]["years"] if y["year"] == 2026] == [
            {"year": 2026, "budget_cents": 1_000_000, "spent_cents": 905_000, "left_cents": 95_000}]  # fmt: skip
        assert (await analyst.get(PAGE)).status_code == 403
        assert (await analyst.get(LEDGER)).status_code == 403
        assert (await analyst.get("/console/budgets/feedback/2026")).status_code == 200
        refused = await analyst.post("/console/budgets/feedback/2026/ausgaben", headers=origin, data={})
        assert refused.status_code == 403
        ledger_before = await ok(await hub.get(LEDGER))
        feedback_before = await ok(await hub.get("/api/v1/budgets/feedback/2026"))
    finally:
        await hub.aclose()
        await analyst.aclose()

    pool = await create_pool(system.settings)
    try:
        async with pool.acquire() as conn:
            actions = {r["action"] for r in await conn.fetch("SELECT action FROM audit_log WHERE actor = 'hub'")}
            assert {"budget_expense", "budget_expense_cancelled", "budget_programme", "export"} <= actions
            money = await conn.fetchval("SELECT count(*) FROM hackathon_budget_event WHERE year = 2026")
        assert money == 8  # two budgets, two expenses, a cancellation and the new booking, the feedback's two
        # A replay of the topic rebuilds the same ledgers.
        system.stop("projector")
        await replay(system.settings, pool)
        async with pool.acquire() as conn:
            assert await conn.fetchval("SELECT count(*) FROM hackathon_budget_event WHERE year = 2026") == money
    finally:
        await pool.close()
    async with httpx.AsyncClient(base_url=system.base_url, timeout=30) as c:
        assert await ok(await c.get(LEDGER, headers=system.admin)) == ledger_before
        assert await ok(await c.get("/api/v1/budgets/feedback/2026", headers=system.admin)) == feedback_before
