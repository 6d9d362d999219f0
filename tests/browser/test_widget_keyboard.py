"""Keyboard only: Tab, Enter, Space, arrow keys and Escape reach everything; focus goes where it should."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import FakeFeedback, WidgetServer
from tests.browser.pages import CityPage, city_html, launcher, open_city


def tab_to(city: CityPage, text: str, limit: int = 12) -> None:
    for _ in range(limit):
        city.page.keyboard.press("Tab")
        if city.focused()["text"] == text:
            return
    raise AssertionError(f"{text!r} not reached with Tab; focus is on {city.focused()}")


def test_keyboard_only_flow_with_focus_management(server: WidgetServer, fake: FakeFeedback, context: Any) -> None:
    city = open_city(context, city_html(server))
    keys = city.page.keyboard
    tab_to(city, "Feedback zu dieser Seite")  # the launcher is in the page's tab order
    assert launcher(city.page).get_attribute("aria-expanded") == "false"

    keys.press("Enter")  # opens: focus moves to the question inside the panel
    assert launcher(city.page).get_attribute("aria-expanded") == "true"
    assert city.focused() == {"tag": "p", "id": "q", "text": "War diese Seite hilfreich?", "label": "", "type": ""}

    keys.press("Escape")  # closes and returns focus to the launcher
    assert city.page.get_by_role("dialog").count() == 0
    assert city.focused()["text"] == "Feedback zu dieser Seite"

    keys.press("Space")  # buttons work with Space as well
    assert city.focused()["id"] == "q"
    keys.press("Tab")
    assert city.focused()["text"] == "Ja"
    keys.press("Enter")
    city.page.get_by_text("Möchten Sie uns noch mehr sagen?").wait_for()
    assert city.focused()["id"] == "m"  # focus moved on to the next step

    keys.press("Tab")  # into the rating radio group
    assert city.focused()["type"] == "radio"
    keys.press("Space")  # 1
    for _ in range(3):
        keys.press("ArrowRight")  # arrows move the choice within the group: 4
    keys.press("Tab")  # one tab stop for the whole group: on to the category
    assert city.focused()["tag"] == "select"
    for _ in range(3):
        keys.press("ArrowDown")  # none -> content -> technical -> accessibility_barrier
    keys.press("Tab")
    assert city.focused()["id"] == "c"
    keys.type("Der Kontrast der Tabelle ist zu schwach.")
    keys.press("Tab")
    assert city.focused()["id"] == "s"
    keys.press("Tab")  # the honeypot is not in the tab order: next is the send button
    assert city.focused()["text"] == "Absenden"
    keys.press("Enter")
    city.page.get_by_text("Vielen Dank für Ihre Rückmeldung!").wait_for()
    assert city.focused()["text"] == "Vielen Dank für Ihre Rückmeldung!"

    follow_up = fake.bodies()[1]
    assert (follow_up["rating"], follow_up["category"]) == (4, "accessibility_barrier")
    assert follow_up["comment"] == "Der Kontrast der Tabelle ist zu schwach."

    keys.press("Escape")
    assert city.focused()["text"] == "Feedback zu dieser Seite"
    keys.press("Enter")  # reopening shows where the citizen left off
    assert city.focused()["text"] == "Vielen Dank für Ihre Rückmeldung!"


def test_close_button_returns_focus_to_the_launcher(server: WidgetServer, fake: FakeFeedback, context: Any) -> None:
    city = open_city(context, city_html(server))
    launcher(city.page).click()
    city.page.get_by_role("button", name="Schließen").click()
    assert city.page.get_by_role("dialog").count() == 0
    assert city.focused()["text"] == "Feedback zu dieser Seite"
