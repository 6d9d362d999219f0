"""Measures on the real system: feedback seeded before and after a measure's go-live gives the hand-computed figures
and intervals in the console; published, the measure appears on /wirkung, in its Atom feed and in the open data;
audited with its unit, scoped to it, and rebuilt as it was by its projection. The pages in Chromium with axe."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

import asyncpg
import httpx
from playwright.async_api import Browser

from services.analytics.worker import MeasureProjector
from services.registry import PROJECTIONS, reset
from shared.contracts.envelope import encode_envelope
from shared.contracts.feedback import FEEDBACK_SUBMITTED
from shared.contracts.topics import FEEDBACK, topic_name
from shared.db import create_pool
from shared.kafka import start_producer
from tests.browser.conftest import AXE, WCAG_TAGS
from tests.integration.conftest import BROWSER_ONCE, SERIOUS
from tests.integration.system import System
from tests.integration.test_console import add_staff, sign_in, sign_in_page

PAGE = "https://abfall.musterstadt.de/abfallkalender"


def part(at: datetime, helpful: bool | None, rating: int | None, **extra: Any) -> tuple[bytes, bytes]:
    """A feedback response (its first part) received at ``at``, as ingest would publish it."""
    response = uuid.uuid4()
    data = {"response_id": str(response), "site": "abfall", "page_url": extra.pop("page_url", PAGE),
            "org_unit": "abfallwirtschaft", "helpful": helpful, "rating": rating, "comment": None,
            "suggestion": None, "category": None, "language": "de", "flags": [], "received_at": at} | extra  # fmt: skip
    return PAGE.encode(), encode_envelope(FEEDBACK_SUBMITTED, response, "/tests", at, data)


def seeded(today: date, tz: ZoneInfo) -> list[tuple[bytes, bytes]]:
    """Go-live 30 days ago (window 90 days, cut to 30). Before (45 days ago): 30 responses, 15 helpful, ten rated
    2,3,3,2,4,3,2,3,3,5. After (10 days ago): 30 responses, 26 helpful, ten rated 4,5,4,5,5,4,3,5,4,5, the last one
    answered "not helpful" in the category "Barriere melden" (counted, as on the dashboards: counts_in_figures). Not
    counted: a barrier report on its own and a flagged response after, another page, and a response before the
    before window."""
    before = datetime.combine(today - timedelta(days=45), time(12), tz).astimezone(UTC)
    after = datetime.combine(today - timedelta(days=10), time(12), tz).astimezone(UTC)
    ratings_before = [2, 3, 3, 2, 4, 3, 2, 3, 3, 5]
    ratings_after = [4, 5, 4, 5, 5, 4, 3, 5, 4, 5]
    events = [part(before, i < 15, ratings_before[i] if i < 10 else None) for i in range(30)]
    events += [part(after, i < 26, ratings_after[i] if i < 10 else None) for i in range(29)]
    events += [part(after, False, None, category="accessibility_barrier")]
    events += [
        part(after, None, None, category="accessibility_barrier"),
        part(after, False, 1, flags=["honeypot"]),
        part(after, False, 1, page_url="https://abfall.musterstadt.de/sperrmuell"),
        part(datetime.combine(today - timedelta(days=61), time(12), tz).astimezone(UTC), False, 1),
    ]
    return events


async def publish(system: System, events: list[tuple[bytes, bytes]]) -> None:
    producer = await start_producer(system.settings)
    try:
        for key, value in events:
            await producer.send(topic_name(FEEDBACK, system.settings.topic_prefix), value, key=key)
        await producer.flush()
    finally:
        await producer.stop()


def form(live_on: date, **changes: str) -> dict[str, str]:
    return {"org_unit": "abfallwirtschaft", "title_de": "Abfallkalender als Liste",
            "title_en": "Waste calendar as a list", "description_de": "Die Abholtermine stehen jetzt als Liste da.",
            "live_on": live_on.isoformat(), "window_days": "90", "pages": PAGE, "theme": "Abfallkalender",
            "revision": "0"} | changes  # fmt: skip


def cells(html: str) -> list[str]:
    return [re.sub(r"\s+", " ", c).strip() for c in re.findall(r"<td>(.*?)</td>", html, re.S)]


async def test_a_measure_with_seeded_feedback_gives_the_hand_computed_effect_and_is_published(system: System) -> None:
    tz = ZoneInfo(system.settings.timezone)
    today = datetime.now(tz).date()
    events = seeded(today, tz)
    await publish(system, events)
    await system.wait_projected(len(events), timeout=30)

    add_staff(system, "abfall.staff", "unit_staff", "abfallwirtschaft")
    add_staff(system, "baeder.staff", "unit_staff", "baeder")
    staff = await sign_in(system, "abfall.staff")
    other = await sign_in(system, "baeder.staff")
    origin = {"Origin": system.base_url}
    try:
        refused = await staff.post("/console/massnahmen/neu", data=form(today) | {"live_on": "1.10."}, headers=origin)
        assert refused.status_code == 422 and 'id="live_on-error"' in refused.text
        assert "Bitte geben Sie das Datum an" in refused.text
        created = await staff.post("/console/massnahmen/neu", data=form(today - timedelta(days=30)), headers=origin)
        assert created.status_code == 303, created.text
        detail_path = created.headers["location"].split("?")[0]
        measure_id = detail_path.rsplit("/", 1)[1]
        detail = await staff.get(detail_path)
        assert detail.status_code == 200
        # Hand-computed: Wilson 15/30 = 33.15 … 66.85 %, 26/30 = 70.32 … 94.69 %; means 3.00 ± t(9) 2.2622 ·
        # √(0.8889 / 10) = 2.33 … 3.67 and 4.40 ± 2.2622 · √(0.4889 / 10) = 3.90 … 4.90; Newcombe for 26/30 − 15/30:
        # +36.67 points, 13.19 … 55.33. Ten ratings a window are fewer than 20: the share alone decides.
        assert cells(detail.text) == ["30", "30", "50 % (33 % bis 67 %)", "87 % (70 % bis 95 %)",
                                      "3,00 (2,33 bis 3,67)", "4,40 (3,90 bis 4,90)"]  # fmt: skip
        assert "Ergebnis: deutlich besser" in detail.text
        assert "Anteil „hilfreich“: +37 Prozentpunkte (95-%-KI +13 bis +55)" in detail.text
        assert (await other.get(detail_path)).status_code == 404  # another unit's measure does not exist for them
        edit = f"{detail_path}/bearbeiten"
        moved = await staff.post(edit, data=form(today - timedelta(days=30)) | {"org_unit": "baeder", "revision": "1"},
                                 headers=origin)  # fmt: skip
        assert moved.status_code == 403 and 'id="org_unit-error"' in moved.text  # not to a unit not one's own
        stale = await staff.post(edit, data=form(today - timedelta(days=30)) | {"theme": "Kalender"}, headers=origin)
        assert stale.status_code == 409 and "inzwischen von jemand anderem geändert" in stale.text  # revision 0
        assert (await staff.get("/wirkung")).text.count("Abfallkalender als Liste") == 0  # not published yet

        published = await staff.post(f"{detail_path}/veroeffentlichen", data={"revision": "1"}, headers=origin)
        assert published.status_code == 303
    finally:
        await staff.aclose()
        await other.aclose()

    async with httpx.AsyncClient(base_url=system.base_url, timeout=30) as citizen:
        page = (await citizen.get("/wirkung")).text
        english = (await citizen.get("/wirkung", params={"lang": "en"})).text
        feed = await citizen.get("/wirkung/feed.atom")
        document = (await citizen.get("/wirkung/massnahmen.json")).json()
        exported = (await citizen.get("/wirkung/massnahmen.csv")).content.decode("utf-8-sig")
        nobody = (await citizen.get("/wirkung", params={"einheit": "baeder"})).text
    assert "Abfallkalender als Liste" in page and "Ergebnis: deutlich besser" in page
    assert "aus 60 Rückmeldungen zu „Abfallkalender“" in page
    assert cells(page) == cells(detail.text)
    assert "Waste calendar as a list" in english and "Result: clearly better" in english
    assert "Abfallkalender als Liste" not in nobody
    assert feed.headers["content-type"].startswith("application/atom+xml")
    entries = ET.fromstring(feed.content).findall("{http://www.w3.org/2005/Atom}entry")  # noqa: S314 (our own feed)
    assert [e.findtext("{http://www.w3.org/2005/Atom}id") for e in entries] == [f"urn:uuid:{measure_id}"]
    assert document["licence"]["id"] == "dl-de/by-2-0"
    [row] = document["items"]
    assert (row["measure_id"], row["verdict"], row["responses"], row["window_days"]) == (measure_id, "better", 60, 30)
    assert row["before"] | {"from": None, "to": None} == {
        "from": None, "to": None, "responses": 30, "suppressed": False, "helpful_share": 0.5,
        "helpful_share_ci95": [0.3315, 0.6685], "rating_mean": 3.0, "rating_mean_ci95": [2.3255, 3.6745],
    }  # fmt: skip
    assert row["after"]["helpful_share_ci95"] == [0.7032, 0.9469]
    assert row["after"]["rating_mean_ci95"] == [3.8998, 4.9002]
    assert row["helpful_share_difference_ci95"] == [0.1319, 0.5533] and row["rating_mean_difference"] is None
    assert row["before"]["from"] == (today - timedelta(days=60)).isoformat()
    assert exported.splitlines()[1].split(";")[4:9] == ["30", "30", "50,00", "33,15", "66,85"]

    conn = await asyncpg.connect(system.settings.database_url)
    try:
        audited = await conn.fetch("SELECT actor, action, org_unit FROM audit_log WHERE subject = $1 ORDER BY id",
                                   measure_id)  # fmt: skip
        key = uuid.UUID(measure_id)
        outcome = await conn.fetchrow("SELECT figures FROM measure_outcome WHERE measure_id = $1", key)
        archived = await conn.fetchval("SELECT count(*) FROM measure_event WHERE measure_id = $1", key)
    finally:
        await conn.close()
    assert [tuple(a) for a in audited] == [("abfall.staff", "measure_saved", "abfallwirtschaft"),
                                           ("abfall.staff", "measure_published", "abfallwirtschaft")]  # fmt: skip
    assert outcome is None  # the view shows measures that came from a hackathon only
    assert archived == 2

    # The measures' projection, emptied and replayed as `stadtstimme replay` does it (after the feedback's), rebuilds
    # the measure as it was and the stored effect of the published one. (The whole replay takes 25 s here.)
    [projection] = [p for p in PROJECTIONS if p.consumer is MeasureProjector]
    pool = await create_pool(system.settings)
    try:
        async with pool.acquire() as conn:
            before = [dict(r) for r in await conn.fetch("SELECT * FROM measure")]
            effect = await conn.fetchval("SELECT figures FROM measure_effect")
            system.stop("projector")
            await reset(conn, (projection,))
            assert await conn.fetchval("SELECT count(*) FROM measure") == 0
        assert await MeasureProjector(system.settings, pool).run(until_caught_up=True) == 2
        async with pool.acquire() as conn:
            assert [dict(r) for r in await conn.fetch("SELECT * FROM measure")] == before
            assert await conn.fetchval("SELECT figures FROM measure_effect") == effect
    finally:
        await pool.close()


@BROWSER_ONCE
async def test_the_measure_pages_in_chromium_with_axe(system: System, browser: Browser) -> None:
    add_staff(system, "abfall.axe", "unit_staff", "abfallwirtschaft")
    context = await browser.new_context(locale="de-DE", bypass_csp=True)  # bypass: to inject axe
    page = await context.new_page()
    try:
        await page.goto(f"{system.base_url}/wirkung")
        await page.add_script_tag(path=str(AXE))
        assert await page.evaluate(SERIOUS, WCAG_TAGS) == []
        await sign_in_page(page, system, "abfall.axe")
        await page.goto(f"{system.base_url}/console/massnahmen")  # no measure yet
        await page.add_script_tag(path=str(AXE))
        assert await page.evaluate(SERIOUS, WCAG_TAGS) == []
        await page.get_by_role("link", name="Neue Maßnahme erfassen").click()
        await page.get_by_role("heading", name="Neue Maßnahme erfassen").wait_for()
        await page.get_by_role("button", name="Speichern").click()  # nothing filled in: errors at the fields
        await page.locator("#title_de-error").wait_for()
        assert await page.get_by_label("Titel (deutsch)").get_attribute("aria-invalid") == "true"
        await page.add_script_tag(path=str(AXE))
        assert await page.evaluate(SERIOUS, WCAG_TAGS) == []
        values = form(date.today() - timedelta(days=10))  # no feedback yet: 'zu wenige Rückmeldungen'
        await page.get_by_label("Organisationseinheit").select_option("abfallwirtschaft")
        for field in ("title_de", "description_de", "pages", "theme"):
            await page.locator(f"#{field}").fill(values[field])
        await page.locator("#live_on").fill(values["live_on"])
        await page.get_by_role("button", name="Speichern").click()
        await page.get_by_role("button", name="Auf der Seite „Wirkung“ veröffentlichen").click()
        await page.get_by_text("Die Maßnahme steht jetzt auf der öffentlichen Seite").wait_for()
        await page.add_script_tag(path=str(AXE))
        assert await page.evaluate(SERIOUS, WCAG_TAGS) == []
        for path in ("/console/massnahmen", "/wirkung", "/wirkung?lang=en", "/wirkung?einheit=abfallwirtschaft"):
            await page.goto(f"{system.base_url}{path}")
            await page.get_by_text("Abfallkalender als Liste").first.wait_for()
            await page.add_script_tag(path=str(AXE))
            assert await page.evaluate(SERIOUS, WCAG_TAGS) == [], path
        await page.goto(f"{system.base_url}/wirkung?einheit=baeder&lang=en")  # filtered to a unit without any
        await page.get_by_text("No measures of this part of the city published yet.").wait_for()
        await page.add_script_tag(path=str(AXE))
        assert await page.evaluate(SERIOUS, WCAG_TAGS) == []
        await page.goto(f"{system.base_url}/wirkung")
        assert "zu wenige Rückmeldungen" in await page.content()
    finally:
        await context.close()
