"""On-site surveys end to end in headless Chromium against the real system (staff API, ingest, Kafka, projector,
PostgreSQL): a survey targeted at /abfall/* with 50 % sampling appears only on matching pages, at about the sampled
rate, never on excluded pages, never after its quota or window; answers land in the results API with exact
counts; a paused survey disappears within a bounded time; a new version keeps the old results apart.

City pages are fulfilled by Playwright at the city's own origin, so the widget talks cross-origin to the system
as on a real city website. The widget's behaviour in detail is tested in tests/browser/.
"""

from __future__ import annotations

import asyncio
import math
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, BrowserContext, Page, Route

from stadtstimme.embedded import DEMO_SURVEYS
from tests.browser.conftest import AXE, WCAG_TAGS
from tests.integration.conftest import SERIOUS, SURVEY_TIMING
from tests.integration.system import System
from tests.integration.test_surveys import wait_parts

CITY = "https://abfall.musterstadt.de"
SURVEY = "abfall-online-dienste"
STAFF = f"/api/v1/staff/surveys/{SURVEY}"
TITLE = "Kurze Umfrage zu unseren Online-Diensten"
LOADS = 100  # page views for the sampling rate; 50 % of them: 50 ± 5 (one standard deviation)
REFRESH_S, CACHE_S = SURVEY_TIMING["survey_refresh_s"], SURVEY_TIMING["survey_cache_s"]


def definition(version_note: str = "", quota: int = 3, **targeting: Any) -> dict[str, Any]:
    return {
        "id": SURVEY,
        "org_unit": "abfallwirtschaft",
        "title": {"de": TITLE + version_note},
        "questions": [
            {"id": "gefunden", "type": "yes_no", "text": {"de": "Haben Sie gefunden, was Sie suchten?"}},
            {"id": "zufrieden", "type": "rating", "text": {"de": "Wie zufrieden sind Sie?"}, "required": True},
        ],
        "targeting": {
            "sites": ["abfall"],
            "include": ["/abfall/*"],
            "exclude": ["/abfall/intern/*"],
            "sampling_percent": 50,
            "trigger": {"kind": "delay", "delay_s": 0},
            "quota": quota,
            **targeting,
        },
    }


@pytest.fixture
def system(survey_system: System) -> System:
    return survey_system  # with ingest re-reading surveys every 0.2 s and a 1 s browser cache


class City:
    """A browser context in which every page of the city's origin embeds the real widget."""

    def __init__(self, system: System, context: BrowserContext) -> None:
        self.system, self.context = system, context
        self.tab: Page | None = None  # one tab reloaded for counting: a new page view each time

    @classmethod
    async def open(cls, system: System, browser: Browser) -> City:
        # The city pages pretend to be on the public internet and talk to 127.0.0.1: Chromium's Local Network
        # Access asks the user for that (see tests/browser/conftest.py). In production the host is public.
        context = await browser.new_context(locale="de-DE", permissions=["local-network-access"])
        context.set_default_timeout(10_000)
        city = cls(system, context)
        await context.route(f"{CITY}/**", city._page)
        return city

    async def _page(self, route: Route) -> None:
        html = f"""<!doctype html><html lang="de"><head><meta charset="utf-8"><title>Abfall</title>
<script src="{self.system.base_url}/widget/v1/stadtstimme.js" data-site="abfall" defer></script></head>
<body><main><h1>Abfallwirtschaft Musterstadt</h1><p>Inhalt der Seite.</p></main></body></html>"""
        await route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)

    async def visit(self, path: str, page: Page | None = None) -> tuple[Page, bool]:
        """Open a page (in ``page`` if given); whether the survey appeared. The widget decides within a task of
        receiving the site's definitions (from the server or the browser's cache)."""
        page = page or await self.context.new_page()
        async with page.expect_response(lambda r: "/api/v1/surveys?" in r.url):
            await page.goto(CITY + path)
        await page.wait_for_timeout(60)
        if await page.locator("script[src*='/widget/v1/survey-']").count() == 0:
            return page, False
        await page.get_by_role("region", name=TITLE, exact=False).wait_for()
        return page, True

    async def shown(self, path: str) -> bool:
        if self.tab is None:
            self.tab = await self.context.new_page()
        _, appeared = await self.visit(path, self.tab)
        return appeared

    async def count(self, path: str, loads: int) -> int:
        return sum([await self.shown(path) for _ in range(loads)])

    async def answer(self, path: str, helpful: bool, rating: int) -> None:
        """Load the page until the survey is drawn, then answer both questions as a person would."""
        for _ in range(40):
            page, appeared = await self.visit(path)
            if appeared:
                break
            await page.close()
        else:
            raise AssertionError("the survey was not drawn in 40 page views at 50 %")
        answered: list[int] = []  # ingest's answers to the widget's parts
        page.on(
            "response", lambda r: r.url.endswith(PARTS) and r.request.method == "POST" and answered.append(r.status)
        )
        region = page.get_by_role("region", name=TITLE, exact=False)
        await page.wait_for_timeout(1100)  # reading the question (the time trap wants a second)
        await region.get_by_role("radio", name="Ja" if helpful else "Nein", exact=True).check()
        await region.get_by_role("button", name="Weiter", exact=True).click()
        await page.wait_for_timeout(1100)
        await region.get_by_role("radio", name=f"{rating} –", exact=False).check()
        await region.get_by_role("button", name="Absenden", exact=True).click()
        await region.get_by_text("Vielen Dank", exact=False).wait_for()
        # The widget thanks at once and sends its parts from a queue: the page stays open until ingest has answered
        # both (closing it earlier cancels a request still queued; CI once lost a part so on a busy machine).
        deadline = time.monotonic() + 30
        while len(answered) < 2:
            assert time.monotonic() < deadline, f"ingest answered {answered} of the two parts"
            await page.wait_for_timeout(50)
        assert answered == [202, 202], answered
        await page.close()


PARTS = "/api/v1/survey-responses"


async def served_versions(client: httpx.AsyncClient) -> list[int]:
    body = (await client.get("/api/v1/surveys", params={"site": "abfall"})).json()
    return [s["version"] for s in body["surveys"] if s["id"] == SURVEY]


async def until(check: Any, timeout: float = 10.0) -> float:
    started = time.monotonic()
    while not await check():
        assert time.monotonic() - started < timeout, "condition not reached in time"
        await asyncio.sleep(0.05)
    return time.monotonic() - started


async def test_survey_targeting_sampling_answers_quota_versions_pause_window(system: System, browser: Browser) -> None:
    staff = httpx.AsyncClient(base_url=system.base_url, headers=system.admin, timeout=30)
    city = await City.open(system, browser)
    try:
        assert (await staff.put(STAFF, json={"definition": definition(), "status": "active"})).status_code == 200
        await until(lambda: _is(served_versions(staff), [1]))

        # Targeting and sampling: about half of the matching page views, none elsewhere.
        hits = await city.count("/abfall/termine", LOADS)
        sigma = math.sqrt(LOADS * 0.25)
        assert abs(hits - LOADS / 2) <= 4 * sigma, f"{hits} of {LOADS} page views showed the survey"
        for path in ("/abfall/intern/kalender", "/sperrmuell", "/abfall"):
            assert await city.count(path, 10) == 0, path

        # Three citizens answer: exact counts in the results API; then the quota (3) is reached.
        for helpful, rating in ((True, 5), (True, 4), (False, 2)):
            await city.answer("/abfall/termine", helpful, rating)
        await wait_parts(system, 6)
        v1 = (await staff.get(f"{STAFF}/results", params={"version": 1})).json()
        assert (v1["responses"], v1["completed"]) == (3, 3)
        helpful_q, rating_q = v1["questions"]
        assert [d["count"] for d in helpful_q["distribution"]] == [2, 1]
        assert [d["count"] for d in rating_q["distribution"]] == [0, 1, 0, 1, 1]
        await until(lambda: _is(served_versions(staff), []))  # quota reached
        await asyncio.sleep(CACHE_S + 0.2)  # what browsers cached has expired
        assert await city.count("/abfall/termine", 10) == 0

        # A new version (higher quota): served again, its answers kept apart from version 1.
        changed = await staff.put(STAFF, json={"definition": definition(" (2)", quota=100)})
        assert changed.json()["current_version"] == 2
        await until(lambda: _is(served_versions(staff), [2]))
        await asyncio.sleep(CACHE_S + 0.2)
        await city.answer("/abfall/sperrmuell/online", True, 3)  # any page below /abfall/
        await wait_parts(system, 8)
        v2 = (await staff.get(f"{STAFF}/results", params={"version": 2})).json()
        assert v2["responses"] == 1 and [d["count"] for d in v2["questions"][1]["distribution"]] == [0, 0, 1, 0, 0]
        assert (await staff.get(f"{STAFF}/results", params={"version": 1})).json()["responses"] == 3

        # Paused: gone from every page view within the refresh interval plus the age browsers may cache.
        assert (await staff.post(f"{STAFF}/status", json={"status": "paused"})).status_code == 200
        dropped = await until(lambda: _is(served_versions(staff), []), timeout=REFRESH_S + 2)
        await asyncio.sleep(CACHE_S)
        assert await city.count("/abfall/termine", 10) == 0
        print(f"paused survey dropped by ingest after {dropped:.2f} s; bound {REFRESH_S} s + cache {CACHE_S} s")

        # Active again, but its window has ended: never shown.
        ended = datetime.now(UTC) - timedelta(minutes=1)
        window = definition(
            " (3)", quota=100, starts_at=(ended - timedelta(days=7)).isoformat(), ends_at=ended.isoformat()
        )
        assert (await staff.put(STAFF, json={"definition": window, "status": "active"})).status_code == 200
        await until(lambda: _is(served_versions(staff), []))
        await asyncio.sleep(CACHE_S + 0.2)
        assert await city.count("/abfall/termine", 10) == 0
        assert await city.context.cookies() == []
    finally:
        await city.context.close()
        await staff.aclose()


async def _is(value: Any, expected: Any) -> bool:
    return bool(await value == expected)


async def test_the_demo_citys_survey_on_its_demo_page(system: System, browser: Browser) -> None:
    """What a new user sees after `make run`: the Bürgeramt page shows the survey from demo-surveys.yaml; it
    passes axe, and an answer given on it reaches the results."""
    applied = system.cli("surveys", "apply", str(DEMO_SURVEYS))
    assert applied.returncode == 0, applied.stderr
    context = await browser.new_context(locale="de-DE", bypass_csp=True)  # to inject axe
    page = await context.new_page()
    await page.goto(f"{system.base_url}/demo/buergeramt/termine")
    region = page.get_by_role("region", name="Kurze Umfrage zur Online-Terminvergabe", exact=True)
    await region.wait_for(timeout=15_000)  # after its 3 s delay
    await page.add_script_tag(path=str(AXE))
    assert await page.evaluate(SERIOUS, WCAG_TAGS) == []
    await page.wait_for_timeout(1100)
    await region.get_by_role("radio", name="4 –", exact=False).check()
    await region.get_by_role("button", name="Weiter", exact=True).click()
    await region.get_by_text("Frage 2 von 4").wait_for()
    assert await context.cookies() == [] and await page.evaluate("() => sessionStorage.length") == 0
    await context.close()
    await wait_parts(system, 1)
    async with httpx.AsyncClient(base_url=system.base_url, headers=system.admin, timeout=30) as staff:
        result = (await staff.get("/api/v1/staff/surveys/buergeramt-terminvergabe/results")).json()
    assert result["responses"] == 1 and result["questions"][0]["distribution"][3]["count"] == 1
