"""The monthly report on the real system (issue 18): a unit's and the city's figures for the month, the contact
rate from imported page views, the pages with the most dissatisfaction, themes, survey answers and open comments,
all with the "< 5" rule; as a print-ready page (axe-checked), a CSV and a PDF; scoped like the dashboards."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import time
import uuid
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import asyncpg
import httpx
from playwright.async_api import Browser

from services.analytics import reports
from tests.browser.conftest import AXE, WCAG_TAGS
from tests.integration.conftest import BROWSER_ONCE, SERIOUS
from tests.integration.system import System
from tests.integration.test_console import add_staff, sign_in, sign_in_page
from tests.integration.test_inbox import SPERRMUELL, feedback
from tests.unit.test_hackathon_mail import Inbox

TERMINE = "https://abfall.musterstadt.de/abfuhrtermine"
FREIBAD = "https://www.baeder-musterstadt.de/freibad"


async def month_with_feedback(system: System) -> str:
    """Six answers on the Sperrmüll page (two of them "not helpful", five with a comment on "Termin"), two on the
    Abfuhrtermine page (fewer than five), one at the Bäder; 3,000 page views of the Sperrmüll page this month."""
    answers = [feedback(SPERRMUELL, "abfall", helpful=h, rating=r, comment=c) for h, r, c in (
        (True, 5, "Termin schnell bekommen"), (True, 4, "Termin online gebucht"), (True, 5, "Der Termin passte"),
        (True, 4, "Termin war gut"), (False, 1, "Kein Termin frei"), (False, 2, None))]  # fmt: skip
    answers += [feedback(TERMINE, "abfall", helpful=False, rating=1), feedback(TERMINE, "abfall", helpful=True)]
    answers += [feedback(FREIBAD, "baeder", helpful=True, rating=5)]
    async with httpx.AsyncClient(base_url=system.base_url) as client:
        for body in answers:
            assert (await client.post("/api/v1/feedback", json=body)).status_code == 202
    await system.wait_projected(len(answers), timeout=30)
    now = datetime.now(ZoneInfo(system.settings.timezone))
    conn = await asyncpg.connect(system.settings.database_url)
    try:  # the read model the page-view imports fill (tests/integration/test_pageviews.py tests the imports)
        await conn.execute(
            """INSERT INTO page_view_daily (page_url, day, site_id, views, source, import_id)
               VALUES ($1, $2, 'abfall', 3000, 'test', $3)""",
            SPERRMUELL, now.date().replace(day=1), uuid.uuid4(),
        )  # fmt: skip
        for _ in range(60):  # comments reach the inbox through their own projection
            if await conn.fetchval("SELECT count(*) FROM comment_inbox") >= 5:
                break
            await asyncio.sleep(0.25)
    finally:
        await conn.close()
    return now.strftime("%Y-%m")


async def test_a_units_and_the_citys_monthly_report(system: System) -> None:
    month = await month_with_feedback(system)
    add_staff(system, "presse", "pr_team")
    add_staff(system, "abfall-team", "unit_staff", "abfallwirtschaft")
    add_staff(system, "hub", "organiser")
    pr = await sign_in(system, "presse")
    chooser = await pr.get("/console/berichte")
    assert chooser.status_code == 200 and "Ganze Stadt" in chooser.text

    page = await pr.get(f"/console/berichte/abfallwirtschaft/{month}")
    assert page.status_code == 200, page.text
    html = page.text
    assert "Abfallwirtschaftsbetrieb Musterstadt" in html
    # Eight responses of the unit: 5 of 8 helpful answers, ratings 5+4+5+4+1+2+1 = 22 over 7.
    assert "<td>8</td>" in html and "<td>62 %</td>" in html and "<td>3,14</td>" in html
    # The Sperrmüll page: 6 responses, 3,000 views, 2.0 per 1,000; the Abfuhrtermine page: "< 5", nothing derived.
    assert "<td>3.000</td>" in html and "<td>2,0</td>" in html
    assert html.count("&lt; 5") >= 2
    assert "Termin (5 Kommentare)" in html
    assert "Neu: 5" in html

    city = await pr.get(f"/console/berichte/stadt/{month}")
    assert city.status_code == 200 and "<td>9</td>" in city.text and "ganze Stadt" in city.text

    exported = await pr.get(f"/console/berichte/abfallwirtschaft/{month}.csv")
    rows = list(csv.reader(io.StringIO(exported.text.lstrip("\ufeff")), delimiter=";"))
    assert rows[2][:2] == ["Rückmeldungen", "8"]
    sperrmuell = next(r for r in rows if len(r) > 1 and r[1] == SPERRMUELL)
    assert sperrmuell[2:] == ["6", "67 %", "3,50", "3.000", "2,0"]
    termine = next(r for r in rows if len(r) > 1 and r[1] == TERMINE)
    assert termine[2:] == ["< 5", "–", "–", "–", "–"]

    document = await pr.get(f"/console/berichte/abfallwirtschaft/{month}.pdf")
    assert document.status_code == 200 and document.headers["content-type"] == "application/pdf"
    assert document.content.startswith(b"%PDF-") and len(document.content) > 1000

    # Scoped: the unit sees its own report, not the city's or another unit's; the organiser none (themes come
    # from comments).
    unit = await sign_in(system, "abfall-team")
    assert (await unit.get(f"/console/berichte/abfallwirtschaft/{month}")).status_code == 200
    assert (await unit.get(f"/console/berichte/baeder/{month}")).status_code == 404
    assert (await unit.get(f"/console/berichte/stadt/{month}")).status_code == 404
    assert "Ganze Stadt" not in (await unit.get("/console/berichte")).text
    hub = await sign_in(system, "hub")
    assert (await hub.get(f"/console/berichte/abfallwirtschaft/{month}")).status_code == 403
    assert (await pr.get("/console/berichte/abfallwirtschaft/2026-13")).status_code == 404
    assert (await pr.get("/console/berichte", params={"monat": "gestern"})).status_code == 422
    for client in (pr, unit, hub):
        await client.aclose()


@BROWSER_ONCE
async def test_the_report_page_is_accessible(system: System, browser: Browser) -> None:
    month = await month_with_feedback(system)
    add_staff(system, "barrierefrei", "analyst")
    context = await browser.new_context(locale="de-DE", bypass_csp=True)  # bypass: to inject axe
    page = await context.new_page()
    await sign_in_page(page, system, "barrierefrei")
    await page.get_by_role("link", name="Berichte").click()
    await page.get_by_role("heading", name="Monatsberichte").wait_for()
    await page.add_script_tag(path=str(AXE))
    assert await page.evaluate(SERIOUS, WCAG_TAGS) == []
    await page.goto(f"{system.base_url}/console/berichte/abfallwirtschaft/{month}")
    await page.get_by_role("heading", name="Seiten mit der meisten Unzufriedenheit").wait_for()
    await page.add_script_tag(path=str(AXE))
    assert await page.evaluate(SERIOUS, WCAG_TAGS) == []
    await page.emulate_media(media="print")
    assert not await page.locator("header").is_visible()  # printed without the console's navigation
    await context.close()


async def test_the_monthly_reports_are_mailed_with_their_csv(mailing: tuple[System, Inbox], tmp_path: Path) -> None:
    """Published for a month (the command the projector worker's schedule runs), each report reaches the receivers
    whose routes match its unit through the notifier: an HTML mail with the key figures and the CSV attached."""
    system, inbox = mailing
    month = await month_with_feedback(system)
    config = tmp_path / "notifier.yaml"
    config.write_text(
        json.dumps(
            {
                "accessibility_officer": "presse",
                "receivers": [
                    {"name": "presse", "channel": {"type": "email", "to": ["presse@musterstadt.de"]}},
                    {"name": "abfall", "channel": {"type": "email", "to": ["abfall@musterstadt.de"]}},
                ],
                "route": {
                    "receiver": "presse",
                    "group_by": ["type", "unit"],
                    "group_wait": "1s",
                    "group_interval": "1s",
                    "routes": [{"name": "abfall", "matchers": ["unit = abfallwirtschaft"], "receiver": "abfall"}],
                },
            }
        )
    )  # fmt: skip  (JSON is YAML)
    system.settings = system.settings.model_copy(update={"notifier_poll_s": 0.2})
    system.start_notifier(config, {})
    conn = await asyncpg.connect(system.settings.database_url)
    try:  # the notifier reads from the end of the topic: wait until it holds its position
        deadline = time.monotonic() + 60
        while not await conn.fetchval("SELECT count(*) > 0 FROM consumer_offset WHERE consumer = 'notifier.reports'"):
            assert time.monotonic() < deadline, "the notifier did not start reading reports"
            await asyncio.sleep(0.2)
    finally:
        await conn.close()
    done = system.cli("reports", "publish", "--month", month)
    assert done.returncode == 0, done.stderr
    assert f"{month} abfallwirtschaft: 8" in done.stdout and f"{month} stadt: 9" in done.stdout

    (mail,) = await inbox.wait("abfall@musterstadt.de", timeout=60)
    assert "Abfallwirtschaftsbetrieb Musterstadt" in str(mail["Subject"])
    html = mail.get_body(preferencelist=("html",))
    assert html is not None and f"/console/berichte/abfallwirtschaft/{month}" in html.get_content()
    (attachment,) = list(mail.iter_attachments())
    assert attachment.get_filename() == f"stadtstimme-bericht-abfallwirtschaft-{month}.csv"
    rows = list(csv.reader(io.StringIO(str(attachment.get_content()).lstrip("\ufeff")), delimiter=";"))
    assert rows[2][:2] == ["Rückmeldungen", "8"] and any(r[1:3] == [SPERRMUELL, "6"] for r in rows if len(r) > 2)
    # The city's report and the other units' go to the default receiver.
    deadline = time.monotonic() + 60
    while not any("ganze Stadt" in str(m["Subject"]) for m in inbox.to("presse@musterstadt.de")):
        assert time.monotonic() < deadline, "the city's report was not mailed"
        await asyncio.sleep(0.2)
    assert not inbox.to("abfall@musterstadt.de")[1:], "one report, one mail"


async def test_due_reports_wait_for_the_projections_to_catch_up(system: System) -> None:
    """The worker publishes a due month only once every projection has read what was on its topic when the month
    became due (a restart with a backlog would otherwise mail reports missing part of their month)."""
    await month_with_feedback(system)
    targets = await reports.projected_to(system.settings)
    assert sum(targets["analytics.projector"].values()) >= 9, targets
    pool = await asyncpg.create_pool(system.settings.database_url, min_size=1, max_size=2)
    try:
        deadline = time.monotonic() + 60
        while not await reports.caught_up(system.settings, pool, targets):  # the projector reads to the end
            assert time.monotonic() < deadline, "the projections did not catch up"
            await asyncio.sleep(0.2)
        partition, end = next((p, e) for p, e in targets["analytics.projector"].items() if e > 0)
        ahead = {**targets, "analytics.projector": {partition: end + 1}}
        assert not await reports.caught_up(system.settings, pool, ahead)  # one record more than projected
    finally:
        await pool.close()
