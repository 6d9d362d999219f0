"""WCAG 2.2 AA: axe-core in every state on a normal and a hostile page, target sizes, reflow at 320 px and 200 %."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import FakeFeedback, WidgetServer
from tests.browser.pages import MEASURE, CityPage, button, city_html, hostile_html, launcher, open_city

HOST = "[data-stadtstimme-host]"
CONTROLS = "button, input:not([name=website]), select, textarea"


def expect_no_violations(city: CityPage, state: str, scope: str | None) -> None:
    violations = city.axe(scope)
    assert violations == [], f"axe, state {state!r}: {violations}"


@pytest.mark.parametrize("hostile", [False, True], ids=["normal page", "hostile page"])
def test_axe_finds_no_serious_violation_in_any_state(
    server: WidgetServer, fake: FakeFeedback, context: Any, hostile: bool
) -> None:
    html = hostile_html(server) if hostile else city_html(server)
    city = open_city(context, html, axe=True)
    page = city.page
    # The hostile page broke the built-ins axe itself needs (it runs in the page's realm): mend them for the scan.
    # On the hostile page only the widget is judged: the page's own content is deliberately broken.
    scope = HOST if hostile else None

    def check(state: str) -> None:
        if hostile:
            city.js("() => __hostile.restore()")
        expect_no_violations(city, state, scope)
        if hostile:
            city.js("() => __hostile.break()")

    launcher(page).wait_for()
    check("closed")
    launcher(page).click()
    check("open")
    fake.answer_next(503, **{"Retry-After": "30"})
    button(page, "Ja").click()
    page.get_by_role("alert").filter(has_text="nicht gesendet").wait_for()
    check("error")
    button(page, "Erneut senden").click()
    page.get_by_text("Möchten Sie uns noch mehr sagen?").wait_for()
    page.get_by_role("radio", name="3 – mittel").check()
    check("step 2")
    button(page, "Absenden").click()
    page.get_by_text("Vielen Dank für Ihre Rückmeldung!").wait_for()
    check("thanks")
    assert [r.status for r in fake.requests()] == [503, 202, 202]


def test_axe_inline_variant(server: WidgetServer, fake: FakeFeedback, context: Any) -> None:
    city = open_city(context, city_html(server, inline=True), axe=True)
    city.page.get_by_text("War diese Seite hilfreich?").wait_for()
    expect_no_violations(city, "inline question", None)
    button(city.page, "Nein").click()
    city.page.get_by_text("Möchten Sie uns noch mehr sagen?").wait_for()
    expect_no_violations(city, "inline step 2", None)


def open_step2(city: CityPage) -> None:
    launcher(city.page).click()
    button(city.page, "Ja").click()
    city.page.get_by_text("Möchten Sie uns noch mehr sagen?").wait_for()


@pytest.mark.parametrize("hostile", [False, True], ids=["normal page", "hostile page"])
def test_targets_are_at_least_24_by_24_px(
    server: WidgetServer, fake: FakeFeedback, context: Any, hostile: bool
) -> None:
    city = open_city(context, hostile_html(server) if hostile else city_html(server))
    launcher(city.page).wait_for()
    sizes = [city.js(MEASURE, HOST, "#p")["boxes"]]
    open_step2(city)
    sizes.append(city.js(MEASURE, HOST, "#p")["boxes"])
    small = [b for state in sizes for b in state if b["width"] < 24 or b["height"] < 24]
    assert len(sizes[1]) >= 11  # launcher, close, 5 radios, select, 2 text areas, send
    assert small == []


@pytest.mark.parametrize(
    ("viewport", "scale"),
    [({"width": 320, "height": 568}, 1), ({"width": 640, "height": 400}, 2)],
    ids=["320 px wide", "200 % zoom of 1280x800"],
)
def test_reflow_without_horizontal_scrolling(
    server: WidgetServer, fake: FakeFeedback, new_context: Any, viewport: dict[str, int], scale: int
) -> None:
    city = open_city(new_context(viewport=viewport, device_scale_factor=scale), city_html(server))
    open_step2(city)
    city.page.get_by_label("Ihr Kommentar").fill("Ein sehr langes Wort: Abfallwirtschaftsbetriebsgebührensatzung " * 3)
    measured = city.js(MEASURE, HOST, "#p")
    assert not measured["panelScrolls"] and measured["overflowing"] == [] and not measured["pageScrolls"]
    for box in measured["boxes"]:
        assert box["x"] >= 0 and box["right"] <= viewport["width"], box
    # Everything stays reachable: the last control scrolls into view inside the panel and can be used.
    button(city.page, "Absenden").click()
    city.page.get_by_text("Vielen Dank für Ihre Rückmeldung!").wait_for()
