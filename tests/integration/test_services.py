"""Feedback per administrative service (issue 19) over the real system: answers on two sites' pages of one service
(the demo city's "Wohnsitz ummelden": a page of the portal with its own key, a page of the service portal under a
section with the same key) give one figure for the service in the metrics API and the console; staff of another
unit see the service not at all. The console's service pages in a browser with axe."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from playwright.async_api import Browser

from shared.contracts.envelope import encode_envelope
from shared.contracts.feedback import FEEDBACK_SUBMITTED_V2
from shared.contracts.topics import FEEDBACK, topic_name
from shared.kafka import start_producer
from tests.browser.conftest import AXE, WCAG_TAGS
from tests.integration.conftest import BROWSER_ONCE, SERIOUS
from tests.integration.system import System
from tests.integration.test_console import add_staff, sign_in, sign_in_page

BERLIN = ZoneInfo("Europe/Berlin")
UMMELDEN = "99115001018000"
PORTAL = "https://www.musterstadt.de/buergeramt/ummelden"
ONLINE = "https://serviceportal.musterstadt.de/ummelden/bestaetigung"
PARKEN = "https://www.musterstadt.de/ordnung/parken"


def part(site: str, page: str, unit: str, **answers: Any) -> bytes:
    """A counted response at noon (Berlin) yesterday."""
    day = datetime.now(BERLIN).date() - timedelta(days=1)
    received = datetime.combine(day, time(12), BERLIN).astimezone(UTC)
    event_id = uuid.uuid4()
    data = {"response_id": str(event_id), "site": site, "page_url": page, "org_unit": unit, "helpful": None,
            "rating": None, "comment": None, "suggestion": None, "category": None, "language": "de", "flags": [],
            "received_at": received, **answers}  # fmt: skip
    return encode_envelope(FEEDBACK_SUBMITTED_V2, event_id, "/test", received, data)


async def feedback(system: System) -> None:
    records = [
        part("portal", PORTAL, "buergeramt", helpful=True, rating=5),
        part("portal", PORTAL, "buergeramt", helpful=False, rating=2),
        part("serviceportal", ONLINE, "buergeramt", helpful=True, rating=4),
        part("portal", PARKEN, "ordnungsamt", helpful=True),
        part("portal", "https://www.musterstadt.de/", "stadtverwaltung", helpful=False),  # of no service
    ]
    producer = await start_producer(system.settings)
    try:
        for value in records:
            await producer.send_and_wait(topic_name(FEEDBACK, system.settings.topic_prefix), value)
    finally:
        await producer.stop()
    await system.wait_projected(len(records), timeout=30)


async def test_one_service_on_two_sites_is_one_figure_for_whom_may_see_it(system: System) -> None:
    await feedback(system)
    add_staff(system, "buergeramt", "unit_staff", "buergeramt")
    add_staff(system, "ordnung", "unit_staff", "ordnungsamt")
    buergeramt, ordnung = await sign_in(system, "buergeramt"), await sign_in(system, "ordnung")
    try:
        # The metrics API (a token sees every unit): one item per service, the page of no service left out.
        answer = await buergeramt.get("/api/v1/metrics/services", headers=system.auth, params={"granularity": "day"})
        assert answer.status_code == 200, answer.text
        items = answer.json()["items"]
        assert [(i["service_key"], i["totals"]["responses"]) for i in items] == [
            (UMMELDEN, 3),
            ("stadt:bewohnerparkausweis", 1),
        ]
        ummelden = items[0]
        assert ummelden["name"] == "Wohnsitz ummelden" and ummelden["sites"] == ["portal", "serviceportal"]
        assert ummelden["pages"] == [ONLINE, PORTAL] and ummelden["org_units"] == ["buergeramt"]
        totals = ummelden["totals"]
        assert (totals["helpful_yes"], totals["helpful_no"], totals["rating_sum"], totals["rating_count"]) == (
            2,
            1,
            11,
            3,
        )
        assert totals["helpful_share"] == 0.6667 and totals["rating_mean"] == 3.6667
        assert [b["responses"] for b in ummelden["series"]] == [3]  # one day
        only = await buergeramt.get("/api/v1/metrics/services", headers=system.auth,
                                    params={"service_key": "stadt:bewohnerparkausweis", "series": "false"})  # fmt: skip
        assert [(i["service_key"], "series" in i) for i in only.json()["items"]] == [("stadt:bewohnerparkausweis",
                                                                                     False)]  # fmt: skip
        bad = await buergeramt.get("/api/v1/metrics/services", headers=system.auth, params={"service_key": "12"})
        assert bad.status_code == 422

        # A console session is scoped to its units: the Ordnungsamt sees its own service only.
        scoped = await ordnung.get("/api/v1/metrics/services")
        assert [i["service_key"] for i in scoped.json()["items"]] == ["stadt:bewohnerparkausweis"]

        # The console: the list and the service's page, with both sites' pages in one figure.
        listing = await buergeramt.get("/console/leistungen", params={"days": "7"})
        assert listing.status_code == 200
        assert "Wohnsitz ummelden" in listing.text and UMMELDEN in listing.text
        assert "2 auf musterstadt.de, serviceportal.musterstadt.de" in listing.text
        assert "bewohnerparkausweis" not in listing.text
        page = await buergeramt.get(f"/console/leistungen/{UMMELDEN}", params={"days": "7"})
        assert page.status_code == 200
        for expected in ("3 (Veränderung: –)", "67 %", "3,67", PORTAL, ONLINE, "Verfahren (Anhang II)"):
            assert expected in page.text, expected
        csv = await buergeramt.get(f"/console/leistungen/{UMMELDEN}/verlauf.csv", params={"days": "7"})
        yesterday = (datetime.now(BERLIN).date() - timedelta(days=1)).isoformat()
        assert f"{yesterday};3;2;1;66,7;3;3,67;0;1;0;1;1" in csv.content.decode("utf-8-sig").splitlines()
        # The monthly report of the unit has the service, its three answers shown as "< 5" (published figures).
        month = (datetime.now(BERLIN).date() - timedelta(days=1)).strftime("%Y-%m")
        exported = await buergeramt.get(f"/console/berichte/buergeramt/{month}.csv")
        assert f"Wohnsitz ummelden;{UMMELDEN};2;< 5;–;–" in exported.content.decode("utf-8-sig").splitlines()
        # Another unit's service answers as if it did not exist.
        assert (await ordnung.get(f"/console/leistungen/{UMMELDEN}")).status_code == 404
        assert UMMELDEN not in (await ordnung.get("/console/leistungen")).text
    finally:
        await buergeramt.aclose()
        await ordnung.aclose()


@BROWSER_ONCE
async def test_service_pages_are_accessible(system: System, browser: Browser) -> None:
    await feedback(system)
    add_staff(system, "leistungen", "unit_staff", "buergeramt")
    context = await browser.new_context(locale="de-DE", bypass_csp=True)  # bypass: to inject axe
    page = await context.new_page()
    await sign_in_page(page, system, "leistungen")

    async def axe() -> None:
        await page.add_script_tag(path=str(AXE))
        assert await page.evaluate(SERIOUS, WCAG_TAGS) == []

    await page.get_by_role("link", name="Leistungen").click()
    await page.get_by_role("heading", name="Rückmeldungen je Verwaltungsleistung").wait_for()
    await axe()
    await page.get_by_role("link", name="Wohnsitz ummelden").click()
    await page.get_by_role("heading", name="Wohnsitz ummelden").wait_for()
    await axe()
    await page.goto(f"{system.base_url}/console/leistungen?days=7&from=2000-01-01&to=2000-01-02")  # no feedback
    await axe()
    await context.close()
