"""The citizen's path end to end, in headless Chromium against the real system (ingest, Kafka, projector,
PostgreSQL, metrics API): the widget on the demo city's Abfuhrkalender, and the form a browser without JavaScript
gets. The widget's own behaviour in detail is tested in tests/browser/ against a recording endpoint.

The citizen takes a human's time: the time trap leaves parts sent faster than a person could out of the figures.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
from playwright.async_api import Browser

from services.ingest.surveys import sdg_paths
from shared.orgmodel import load_org_yaml
from shared.settings import Settings
from tests.browser.conftest import AXE, WCAG_TAGS
from tests.integration.conftest import SERIOUS
from tests.integration.system import DEMO, System, with_http_port

PAGE = "https://abfall.musterstadt.de/abfuhrkalender"


async def page_totals(system: System) -> dict[str, Any] | None:
    async with httpx.AsyncClient(base_url=system.base_url, headers=system.auth) as client:
        pages = await client.get("/api/v1/metrics/pages", params={"url_prefix": PAGE, "granularity": "hour"})
    items = pages.json()["items"]
    return items[0]["totals"] if items else None


async def test_widget_on_the_demo_page_lands_in_the_read_model(system: System, browser: Browser) -> None:
    context = await browser.new_context(locale="de-DE", bypass_csp=True)  # to inject axe (CSP: tests/browser)
    page = await context.new_page()
    await page.goto(f"{system.base_url}/demo/abfall/abfuhrkalender")
    await page.get_by_role("button", name="Feedback zu dieser Seite", exact=True).click()
    await page.wait_for_timeout(1500)  # reading the question
    await page.get_by_role("button", name="Ja", exact=True).click()
    await page.get_by_role("radio", name="4 – gut").check()
    await page.get_by_label("Ihr Kommentar").fill("Gut erklärt, schreiben Sie mir: anna@example.org")
    await page.wait_for_timeout(4500)  # writing the comment
    await page.get_by_role("button", name="Absenden", exact=True).click()
    await page.get_by_text("Vielen Dank für Ihre Rückmeldung!").wait_for()
    await page.add_script_tag(path=str(AXE))
    assert await page.evaluate(SERIOUS, WCAG_TAGS) == []  # the thanks state on the real demo page
    assert await context.cookies() == []
    await context.close()

    await system.wait_projected(2, timeout=20)
    totals = await page_totals(system)
    assert totals is not None
    assert (totals["responses"], totals["helpful_yes"], totals["rating_sum"]) == (1, 1, 4)

    # The site's widget document carries its SDG pages (the demo's serviceportal: /ummelden, /hilfe), for the widget
    # to decide in the browser; without STADTSTIMME_SDG_SURVEY_URL no invitation, and ingest said so at start.
    async with httpx.AsyncClient(base_url=system.base_url) as citizen:
        sdg = (await citizen.get("/api/v1/surveys", params={"site": "serviceportal"})).json()["sdg"]
    assert [tuple(p) for p in sdg["paths"]] == sdg_paths(load_org_yaml(DEMO)[1], "serviceportal") != []
    assert sdg["url"] is None and "STADTSTIMME_SDG_SURVEY_URL is not set" in (system.logdir / "web.log").read_text()


async def test_without_javascript_the_form_lands_in_the_read_model(system: System, browser: Browser) -> None:
    context = await browser.new_context(java_script_enabled=False, locale="de-DE")
    page = await context.new_page()
    await page.goto(f"{system.base_url}/demo/abfall/abfuhrkalender")
    await page.get_by_role("link", name="Rückmeldung zu dieser Seite geben (Formular ohne JavaScript)").click()
    await page.get_by_role("heading", name="Rückmeldung zu einer Seite").wait_for()
    await page.get_by_role("radio", name="Nein").check()
    await page.get_by_role("radio", name="2 – schlecht").check()
    await page.get_by_label("Worum geht es?").select_option("accessibility_barrier")
    await page.get_by_label("Ihr Kommentar").fill("Die Tabelle hat keine Spaltenüberschriften.")
    await asyncio.sleep(4.5)  # a person writing
    await page.get_by_role("button", name="Rückmeldung senden").click()
    await page.get_by_role("heading", name="Vielen Dank für Ihre Rückmeldung!").wait_for()
    await context.close()

    checked = await browser.new_context(bypass_csp=True)  # axe needs JavaScript; the form never does
    form = await checked.new_page()
    await form.goto(f"{system.base_url}/feedback/form?site=abfall&page={PAGE}")
    await form.add_script_tag(path=str(AXE))
    assert await form.evaluate(SERIOUS, WCAG_TAGS) == []
    await checked.close()

    await system.wait_projected(1, timeout=20)
    totals = await page_totals(system)
    assert totals is not None
    assert (totals["responses"], totals["helpful_no"], totals["rating_sum"]) == (1, 1, 2)


async def test_under_attack_the_widget_solves_the_proof_of_work(
    settings: Settings, tmp_path: Path, browser: Browser
) -> None:
    guarded = settings.model_copy(update={"pow_required": True, "pow_max_number": 5000})
    system = System(with_http_port(guarded), tmp_path / "logs")
    await system.prepare()
    system.start_projector()
    system.start_web()
    try:
        context = await browser.new_context(locale="de-DE")
        page = await context.new_page()
        challenges: list[str] = []
        page.on("request", lambda r: challenges.append(r.url) if "/api/v1/challenge" in r.url else None)
        await page.goto(f"{system.base_url}/demo/abfall/abfuhrkalender")
        await page.get_by_role("button", name="Feedback zu dieser Seite", exact=True).click()
        await page.wait_for_timeout(1500)
        await page.get_by_role("button", name="Nein", exact=True).click()
        await page.get_by_role("radio", name="1 – sehr schlecht").wait_for()  # step 2: the first part was accepted
        assert len(challenges) == 1  # asked for work once, after the citizen's click, not before
        await context.close()
        await system.wait_projected(1, timeout=20)
        totals = await page_totals(system)
        assert totals is not None and (totals["responses"], totals["helpful_no"]) == (1, 1)
    finally:
        system.stop_all()
