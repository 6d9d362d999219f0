"""The console as staff use it, in headless Chromium against the real system: sign in, an open alert, dashboards
with their charts' data tables, the inbox with search, a comment worked through (status, assignment, tags, note),
the suspected-spam view, theme suggestions, another unit's comment refused; axe (WCAG 2.2 AA) on every page."""

from __future__ import annotations

import uuid

import httpx
from playwright.async_api import Browser, Page

from tests.browser.conftest import AXE, WCAG_TAGS
from tests.integration.conftest import SERIOUS, once
from tests.integration.system import System
from tests.integration.test_console import add_staff, sign_in_page
from tests.integration.test_dashboards import raise_alert

pytestmark = once("a page in a browser")

SPERRMUELL = "https://abfall.musterstadt.de/sperrmuell"


async def axe(page: Page) -> None:
    await page.add_script_tag(path=str(AXE))
    assert await page.evaluate(SERIOUS, WCAG_TAGS) == [], page.url


async def test_staff_work_through_the_console(system: System, browser: Browser) -> None:
    other = str(uuid.uuid4())
    async with httpx.AsyncClient(base_url=system.base_url, timeout=30) as client:
        bodies = [
            {"site": "abfall", "page_url": SPERRMUELL, "rating": 2, "category": "service",
             "comment": "Der Termin für den Sperrmüll ist online nicht buchbar."},
            {"site": "abfall", "page_url": SPERRMUELL, "rating": 1,
             "comment": "Termin buchen geht nicht, Formular bricht ab."},
            {"site": "abfall", "page_url": SPERRMUELL, "comment": "Günstige Uhren hier", "website": "spam.example"},
            {"site": "baeder", "page_url": "https://www.baeder-musterstadt.de/freibad", "rating": 5,
             "comment": "Schönes Freibad", "event_id": other},
        ]  # fmt: skip
        for body in bodies:
            body = {"event_id": str(uuid.uuid4()), "elapsed_ms": 20_000, **body}
            assert (await client.post("/api/v1/feedback", json=body)).status_code == 202
    await system.wait_projected(len(bodies), timeout=30)
    await raise_alert(system, "page", SPERRMUELL, "abfallwirtschaft", "abfall")
    add_staff(system, "anna", "unit_staff", "abfallwirtschaft")

    context = await browser.new_context(locale="de-DE", bypass_csp=True)  # bypass: to inject axe
    page = await context.new_page()
    await sign_in_page(page, system, "anna")
    await page.get_by_role("heading", name="Auffälligkeiten").wait_for()  # an open alert, first on the overview
    await axe(page)

    # Dashboards: the charts are images with a name; their figures are in a table behind a disclosure.
    await page.get_by_role("link", name="7 Tage").click()
    await page.get_by_role("link", name="Abfallwirtschaftsbetrieb Musterstadt").click()
    await page.get_by_role("heading", name="Abfallwirtschaftsbetrieb Musterstadt").wait_for()
    charts = page.get_by_role("img")
    assert await charts.count() == 4
    assert "Mittlere Bewertung (1–5) je Tag" in (await page.locator("svg title").first.text_content() or "")
    await page.get_by_text("Werte der Diagramme als Tabelle").click()
    table = page.get_by_role("table", name="Tageswerte")
    assert await table.locator("tbody tr").count() == 7
    assert "1,50" in await table.inner_text()  # (2 + 1) / 2 on today's row
    await axe(page)

    # The inbox: search finds both comments about the appointment ("Termin" in two forms of use).
    await page.get_by_role("link", name="Kommentare", exact=True).click()
    await page.get_by_role("heading", name="Kommentare und Vorschläge").wait_for()
    await axe(page)
    await page.get_by_label("Suche im Text").fill("Termine")
    await page.get_by_role("button", name="Filter anwenden").click()
    await page.get_by_text("2 Kommentare gefunden.").wait_for()
    await page.get_by_role("link", name="Sperrmüll anmelden").first.click()
    await page.get_by_role("heading", name="Kommentar bearbeiten").wait_for()
    await axe(page)
    await page.get_by_role("button", name="In Bearbeitung nehmen").click()
    await page.get_by_text("Der Status wurde geändert.").wait_for()
    await page.get_by_label("Zuständig").select_option("anna")
    await page.get_by_role("button", name="Zuständigkeit speichern").click()
    await page.get_by_text("Die Zuständigkeit wurde geändert.").wait_for()
    await page.get_by_label("Schlagwörter").fill("Online-Termin, Formular")
    await page.get_by_role("button", name="Schlagwörter speichern").click()
    await page.get_by_text("Die Schlagwörter wurden gespeichert.").wait_for()
    await page.get_by_label("Interne Notiz").fill("Fachverfahren prüft das Formular.")
    await page.get_by_role("button", name="Notiz speichern").click()
    await page.get_by_text("Die Notiz wurde gespeichert.").wait_for()
    history = await page.locator("ol.history li").all_inner_texts()
    assert len(history) == 4 and "anna zugewiesen" in history[1] and "formular, online-termin" in history[2]
    assert "Fachverfahren prüft das Formular." in await page.locator("main").inner_text()
    await axe(page)

    # Suspected spam: released into the inbox.
    await page.get_by_role("link", name="Zurück zu den Kommentaren").click()
    await page.get_by_role("link", name="Verdacht auf Spam (1)").click()
    await page.get_by_text("Günstige Uhren hier").wait_for()
    await axe(page)
    await page.get_by_role("button", name="Freigeben").click()
    await page.get_by_role("link", name="Verdacht auf Spam (0)").wait_for()

    # Themes: "termin" in both comments, linked to the inbox search.
    await page.get_by_role("link", name="Themen").click()
    await page.get_by_role("heading", name="Themenvorschläge").wait_for()
    await axe(page)
    await page.get_by_role("link", name="Termin", exact=True).click()
    await page.get_by_text("2 Kommentare gefunden.").wait_for()

    # The notifier's delivery log (empty here: no notifier runs in this test).
    await page.get_by_role("link", name="Benachrichtigungen").click()
    await page.get_by_role("heading", name="Versandte Benachrichtigungen").wait_for()
    await axe(page)

    # Another unit's comment: not found, exactly like one that does not exist.
    answer = await page.goto(f"{system.base_url}/console/inbox/{other}")
    assert answer is not None and answer.status == 404
    await page.get_by_role("heading", name="Nicht gefunden").wait_for()
    await context.close()
