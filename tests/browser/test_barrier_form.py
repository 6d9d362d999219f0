"""The barrier report's form ("Barriere melden" next to the widget's question): loaded only when the citizen follows
the link, used by keyboard alone, every refusal at its field and announced, axe-core in every state (also at
320 px and on a hostile page), one part sent (no rating or helpful answer, the address only with consent), nothing
stored in the browser, focus back on the link when it closes."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from services.ingest.widget import DIST
from tests.browser.conftest import DELETION_CODE, FakeFeedback, WidgetServer
from tests.browser.pages import CityPage, button, city_html, hostile_html, launcher, open_city
from tests.browser.test_widget_bundle import MESSAGES

HOST = "[data-stadtstimme-barrier-host]"
DESCRIPTION = "Das Video zum Abfuhrkalender hat keine Untertitel."


def region(page: Any) -> Any:
    return page.get_by_role("region", name="Barriere melden")


def expect_no_violations(city: CityPage, state: str, scope: str | None = None, hostile: bool = False) -> None:
    if hostile:
        city.js("() => __hostile.restore()")  # axe runs in the page's realm: mend the built-ins it needs
    violations = city.axe(scope)
    if hostile:
        city.js("() => __hostile.break()")
    assert violations == [], f"axe, state {state!r}: {violations}"


def focused(city: CityPage, hostile: bool) -> dict[str, str]:
    if hostile:
        city.js("() => __hostile.restore()")  # the helper reading the focus needs the built-ins the page broke
    found = city.focused()
    if hostile:
        city.js("() => __hostile.break()")
    return found


def report_by_keyboard(city: CityPage, server: WidgetServer, scope: str | None = None, hostile: bool = False) -> None:
    page = city.page
    launcher(page).click()
    link = page.get_by_role("link", name="Barriere melden")
    link.wait_for()
    assert not [u for u in city.widget_requests(server) if "/widget/v1/survey" in u], "bundle loaded before use"
    link.focus()
    page.keyboard.press("Enter")
    region(page).wait_for()
    assert focused(city, hostile)["text"] == "Barriere melden"  # the form's title: the citizen asked for it
    expect_no_violations(city, "open", scope, hostile)

    send = button(page, "Meldung senden")
    send.focus()
    page.keyboard.press("Enter")
    page.get_by_role("alert").filter(has_text="Bitte beschreiben Sie die Barriere.").wait_for()
    description = page.get_by_label("Beschreibung der Barriere (Pflichtfeld)")
    assert focused(city, hostile)["tag"] == "textarea" and description.get_attribute("aria-invalid") == "true"
    expect_no_violations(city, "description missing", scope, hostile)

    page.keyboard.type(DESCRIPTION)
    page.keyboard.press("Tab")
    page.keyboard.type("leserin@example.org")
    send.focus()
    page.keyboard.press("Enter")
    page.get_by_role("alert").filter(has_text="Häkchen für die Einwilligung").wait_for()
    assert focused(city, hostile)["type"] == "checkbox"
    expect_no_violations(city, "consent missing", scope, hostile)

    page.keyboard.press("Space")  # the consent, by keyboard
    send.focus()
    page.keyboard.press("Enter")
    page.get_by_text("Vielen Dank! Ihre Meldung ist angekommen.").wait_for()
    page.get_by_text(re.compile(DELETION_CODE)).wait_for()
    expect_no_violations(city, "sent", scope, hostile)


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 800}, {"width": 320, "height": 640}], ids=["desktop", "320 px"]
)
def test_a_report_with_consent_by_keyboard_with_axe_in_every_state(
    server: WidgetServer, fake: FakeFeedback, new_context: Any, viewport: dict[str, int]
) -> None:
    city = open_city(new_context(viewport=viewport), city_html(server), axe=True)
    report_by_keyboard(city, server)
    (body,) = fake.bodies()
    assert body["category"] == "accessibility_barrier" and body["comment"] == DESCRIPTION
    assert (body["contact_email"], body["contact_consent"]) == ("leserin@example.org", True)
    assert "helpful" not in body and "rating" not in body and body["event_id"] == body["response_id"]
    # No cookie, nothing stored: the address lives in the request only.
    assert city.js("() => [document.cookie, localStorage.length, sessionStorage.length]") == ["", 0, 0]
    assert not city.errors


def test_on_a_hostile_page(server: WidgetServer, fake: FakeFeedback, context: Any) -> None:
    city = open_city(context, hostile_html(server), axe=True)
    report_by_keyboard(city, server, HOST, hostile=True)
    assert len(fake.bodies()) == 1


def test_without_an_address_no_consent_is_asked_and_escape_returns_to_the_link(
    server: WidgetServer, fake: FakeFeedback, context: Any
) -> None:
    city = open_city(context, city_html(server))
    page = city.page
    launcher(page).click()
    page.get_by_role("link", name="Barriere melden").click()
    region(page).wait_for()
    page.get_by_label("Beschreibung der Barriere (Pflichtfeld)").fill("Der Kontrast der Tabelle ist zu schwach.")
    button(page, "Meldung senden").click()
    page.get_by_text("Vielen Dank! Ihre Meldung ist angekommen.").wait_for()
    (body,) = fake.bodies()
    assert "contact_email" not in body and "contact_consent" not in body
    page.keyboard.press("Escape")
    region(page).wait_for(state="detached")
    assert city.focused() == {"tag": "a", "id": "", "text": "Barriere melden", "label": "", "type": ""}


def test_the_main_bundle_carries_none_of_the_forms_texts() -> None:
    main = (DIST / "stadtstimme.js").read_text(encoding="utf-8")
    lazy = (DIST / "survey.js").read_text(encoding="utf-8")
    messages = json.loads(MESSAGES.read_text(encoding="utf-8"))
    texts = [json.dumps(t[lang], ensure_ascii=False)[1:-1] for k, t in messages.items()
             if k.startswith("widget.barrier.") and k != "widget.barrier.title" for lang in ("de", "en")]  # fmt: skip
    assert texts and not [t for t in texts if t in main] and all(t in lazy for t in texts)
