"""WCAG 2.2 AA of the on-site survey: axe-core in every state (also at 320 px and on a hostile page), focus is
never stolen, the live region announces it, target sizes, reflow at 320 px and 200 %."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import FakeFeedback, FakeSurveys, WidgetServer
from tests.browser.pages import (
    ALL_TYPES,
    MEASURE,
    SURVEY_TITLE,
    CityPage,
    button,
    city_html,
    hostile_html,
    open_city,
    survey,
    survey_region,
)

HOST = "[data-stadtstimme-survey-host]"


def expect_no_violations(city: CityPage, state: str, scope: str | None = None, hostile: bool = False) -> None:
    if hostile:
        city.js("() => __hostile.restore()")  # axe runs in the page's realm: mend the built-ins it needs
    violations = city.axe(scope)
    if hostile:
        city.js("() => __hostile.break()")
    assert violations == [], f"axe, state {state!r}: {violations}"


def walk_through_every_state(city: CityPage, scope: str | None = None, hostile: bool = False) -> None:
    page = city.page
    survey_region(page).wait_for()
    expect_no_violations(city, "rating", scope, hostile)
    button(page, "Weiter").click()
    page.get_by_role("alert").filter(has_text="Bitte beantworten").wait_for()
    expect_no_violations(city, "required error", scope, hostile)
    page.get_by_role("radio", name="3 – mittel").check()
    button(page, "Weiter").click()
    expect_no_violations(city, "yes/no", scope, hostile)
    button(page, "Überspringen").click()
    page.get_by_text("10 = sehr wahrscheinlich").wait_for()
    expect_no_violations(city, "nps", scope, hostile)
    button(page, "Überspringen").click()
    expect_no_violations(city, "single", scope, hostile)
    button(page, "Überspringen").click()
    expect_no_violations(city, "multiple", scope, hostile)
    button(page, "Überspringen").click()
    page.get_by_label("Möchten Sie uns noch etwas sagen?").fill("Alles bestens.")
    expect_no_violations(city, "text", scope, hostile)
    button(page, "Absenden").click()
    page.get_by_text("Vielen Dank für Ihre Teilnahme!").wait_for()
    expect_no_violations(city, "thanks", scope, hostile)


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 800}, {"width": 320, "height": 640}], ids=["desktop", "320 px"]
)
def test_axe_finds_no_serious_violation_in_any_state(
    server: WidgetServer, fake_surveys: FakeSurveys, new_context: Any, viewport: dict[str, int]
) -> None:
    fake_surveys.serve(survey(questions=ALL_TYPES))
    city = open_city(new_context(viewport=viewport), city_html(server), axe=True)
    walk_through_every_state(city)


def test_axe_on_a_hostile_page(server: WidgetServer, fake_surveys: FakeSurveys, context: Any) -> None:
    fake_surveys.serve(survey(questions=ALL_TYPES))
    city = open_city(context, hostile_html(server), axe=True)
    walk_through_every_state(city, HOST, hostile=True)


def test_appearing_steals_no_focus_and_is_announced_politely(
    server: WidgetServer, fake_surveys: FakeSurveys, fake: FakeFeedback, context: Any
) -> None:
    fake_surveys.serve(survey(trigger={"kind": "delay", "delay_s": 1}))
    city = open_city(context, city_html(server))
    page = city.page
    link = page.get_by_role("link", name="Sperrmüll anmelden")
    link.focus()
    # The live region (role status: polite) is there, empty, before the panel.
    live = city.js(
        """() => new Promise((resolve) => {
          const seen = [];
          const watch = () => {
            const host = document.querySelector("[data-stadtstimme-survey-host]");
            const root = host && host.shadowRoot;
            const status = root && root.querySelector("[role=status]");
            if (status) {
              seen.push({text: status.textContent, panel: !!root.querySelector("[role=region]")});
              if (status.textContent) return resolve(seen);
            }
            setTimeout(watch, 5);
          };
          watch();
        })"""
    )
    assert live[0]["text"] == ""  # the region first, empty (before the panel, unless this machine is very slow)
    assert live[-1] == {
        "text": f"Eine kurze Umfrage wurde unten links auf der Seite eingeblendet: {SURVEY_TITLE}",
        "panel": True,
    }
    survey_region(page).wait_for()
    assert city.focused()["text"] == "Sperrmüll anmelden"  # focus stayed where the citizen had it
    page.keyboard.type("x")  # typing goes on where it was, nothing happens in the survey
    assert city.focused()["text"] == "Sperrmüll anmelden"


def test_region_is_labelled_by_its_title_and_has_a_language(
    server: WidgetServer, fake_surveys: FakeSurveys, context: Any
) -> None:
    fake_surveys.serve(survey())
    page = open_city(context, city_html(server)).page
    region = survey_region(page)
    region.wait_for()
    assert region.evaluate("r => r.closest('[lang]').lang") == "de"
    assert page.get_by_role("dialog").count() == 0  # not modal: the page stays usable


@pytest.mark.parametrize("hostile", [False, True], ids=["normal page", "hostile page"])
def test_targets_are_at_least_24_by_24_px(
    server: WidgetServer, fake_surveys: FakeSurveys, context: Any, hostile: bool
) -> None:
    fake_surveys.serve(survey(questions=ALL_TYPES))
    city = open_city(context, hostile_html(server) if hostile else city_html(server))
    page = city.page
    survey_region(page).wait_for()
    sizes = []
    for question in ALL_TYPES:  # every question in turn, each with its controls
        sizes.append(city.js(MEASURE, HOST, ".p")["boxes"])
        if question.get("required"):
            page.get_by_role("radio", name="1 – sehr schlecht").check()
        page.get_by_role("button", name="Weiter").or_(page.get_by_role("button", name="Absenden")).click()
    small = [b for state in sizes for b in state if b["width"] < 24 or b["height"] < 24]
    assert len(sizes[0]) >= 8  # close, 5 radios, next, don't show again
    assert len(sizes[2]) >= 15  # close, 11 radios, next, skip, don't show again
    assert small == []


@pytest.mark.parametrize(
    ("viewport", "scale"),
    [({"width": 320, "height": 568}, 1), ({"width": 640, "height": 400}, 2)],
    ids=["320 px wide", "200 % zoom of 1280x800"],
)
def test_reflow_without_horizontal_scrolling(
    server: WidgetServer, fake_surveys: FakeSurveys, new_context: Any, viewport: dict[str, int], scale: int
) -> None:
    questions = [ALL_TYPES[2], ALL_TYPES[5]]  # nps (the widest), text
    fake_surveys.serve(survey(questions=questions, title="Ihre Meinung zur Abfallwirtschaftsbetriebsgebührensatzung"))
    city = open_city(new_context(viewport=viewport, device_scale_factor=scale), city_html(server))
    page = city.page
    survey_region(page, "Ihre Meinung zur Abfallwirtschaftsbetriebsgebührensatzung").wait_for()
    for step in range(2):
        measured = city.js(MEASURE, HOST, ".p")
        assert not measured["panelScrolls"] and measured["overflowing"] == [] and not measured["pageScrolls"]
        for box in measured["boxes"]:
            assert box["x"] >= 0 and box["right"] <= viewport["width"], box
        if step == 0:
            page.get_by_role("radio", name="10", exact=True).check()  # reachable (the panel scrolls inside)
            button(page, "Weiter").click()
    page.get_by_label("Möchten Sie uns noch etwas sagen?").fill("Ein langes Wort: Abfallwirtschaftsbetrieb " * 4)
    button(page, "Absenden").click()
    page.get_by_text("Vielen Dank für Ihre Teilnahme!").wait_for()
