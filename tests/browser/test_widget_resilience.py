"""The widget under adverse conditions: outages and retries, a hostile host page, a strict CSP, SRI."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.browser.conftest import CITY, PAGE, FakeFeedback, WidgetServer
from tests.browser.pages import (
    answer_yes_then_follow_up,
    button,
    city_html,
    hostile_html,
    launcher,
    open_city,
)

RETRYING = "Ihre Rückmeldung konnte gerade nicht gesendet werden. Wir versuchen es automatisch noch einmal."


def wait_for_posts(page: Any, fake: FakeFeedback, count: int, timeout_s: float = 10) -> None:
    deadline = time.monotonic() + timeout_s
    while len(fake.bodies()) < count:
        assert time.monotonic() < deadline, f"{count} posts expected, got {len(fake.bodies())}"
        page.wait_for_timeout(50)


def test_503_is_retried_automatically_with_the_same_event_id(
    server: WidgetServer, fake: FakeFeedback, context: Any
) -> None:
    page = open_city(context, city_html(server)).page
    launcher(page).click()
    fake.answer_next(503, **{"Retry-After": "1"})
    started = time.monotonic()
    button(page, "Ja").click()
    alert = page.get_by_role("alert")
    alert.filter(has_text=RETRYING).wait_for()
    assert button(page, "Erneut senden").is_visible()
    page.get_by_text("Möchten Sie uns noch mehr sagen?").wait_for()  # the automatic retry (after 2 s) got through
    assert time.monotonic() - started >= 1.9
    first, second = fake.requests()
    assert (first.status, second.status) == (503, 202)
    assert first.raw == second.raw  # the very same body: same event_id, so the server counts it once
    assert alert.text_content() == "" and not button(page, "Erneut senden").is_visible()


def test_network_error_then_manual_retry_resends_the_same_body(
    server: WidgetServer, fake: FakeFeedback, context: Any
) -> None:
    city = open_city(context, city_html(server))
    page = city.page
    launcher(page).click()
    button(page, "Ja").click()
    page.get_by_text("Möchten Sie uns noch mehr sagen?").wait_for()

    api = f"{server.url}/api/v1/feedback"
    aborted: list[str] = []

    def offline(route: Any) -> None:
        aborted.append(route.request.post_data or "")
        route.abort("internetdisconnected")

    page.route(api, offline)
    page.get_by_label("Ihr Kommentar").fill("Die PDF-Datei lässt sich nicht öffnen.")
    button(page, "Absenden").click()
    page.get_by_role("alert").filter(has_text=RETRYING).wait_for()
    page.unroute(api)
    button(page, "Erneut senden").click()  # the citizen doesn't wait for the automatic retry
    page.get_by_text("Vielen Dank für Ihre Rückmeldung!").wait_for()
    follow_up = fake.requests()[1]
    assert aborted == [follow_up.raw.decode()]
    assert follow_up.body["comment"] == "Die PDF-Datei lässt sich nicht öffnen."
    page.wait_for_timeout(2500)  # the automatic retry timer was cancelled: nothing is sent twice
    assert len(fake.bodies()) == 2


def test_a_client_error_is_shown_and_not_retried(server: WidgetServer, fake: FakeFeedback, context: Any) -> None:
    page = open_city(context, city_html(server)).page
    launcher(page).click()
    fake.answer_next(422)
    button(page, "Nein").click()
    page.get_by_role("alert").filter(has_text="konnte leider nicht angenommen werden").wait_for()
    assert not button(page, "Erneut senden").is_visible()
    form = page.get_by_role("link", name="Rückmeldung stattdessen über das Formular senden")
    assert form.get_attribute("href") == (
        f"{server.url}/feedback/form?site=abfall&page=https%3A%2F%2Fabfall.musterstadt.de%2Fabfuhrkalender&lang=de"
    )
    page.wait_for_timeout(2500)
    assert len(fake.bodies()) == 1


@pytest.mark.parametrize("when", ["before", "after"])
def test_hostile_page_with_broken_built_ins_and_css(
    server: WidgetServer, fake: FakeFeedback, context: Any, when: str
) -> None:
    city = open_city(context, hostile_html(server, when=when))
    page = city.page
    page.wait_for_load_state("load")
    assert city.js("() => { try { [1].map(String); return 'intact'; } catch (e) { return e.message; } }") == (
        "broken by the hostile page"
    )
    launcher(page).click()
    # The host page's `* {font-size: 4px}` and `button {display: none}` don't reach into the widget.
    question = 'document.querySelector("[data-stadtstimme-host]").shadowRoot.getElementById("q")'
    assert city.js(f"() => getComputedStyle({question}).fontSize") == "16px"
    answer_yes_then_follow_up(page, comment='Schrift zu klein, "Kontrast" zu schwach.')
    one, two = fake.bodies()
    assert one["helpful"] is True and one["page_url"] == PAGE
    assert two["response_id"] == one["event_id"] and two["comment"] == 'Schrift zu klein, "Kontrast" zu schwach.'
    # Polluting Object.prototype (credentials: "include", keepalive) changed nothing either.
    assert all(r.status == 202 and "cookie" not in r.headers for r in fake.requests())
    code = fake.requests()[1].deletion_code  # the comment's deletion code, shown with broken built-ins too
    assert code and page.locator("[data-stadtstimme-host] .c").text_content() == code
    page.keyboard.press("Escape")
    assert page.get_by_role("dialog").count() == 0
    assert [e for e in city.errors if "hostile" in e] == []


def test_strict_csp_with_nonce_causes_no_violation(server: WidgetServer, fake: FakeFeedback, context: Any) -> None:
    nonce = "cjRfMzJfc3RhZHRzdGltbWU"
    csp = (
        f"default-src 'none'; script-src 'nonce-{nonce}' {server.url}; connect-src {server.url}; "
        f"style-src 'nonce-{nonce}'"
    )
    head = f'<style nonce="{nonce}">body {{ font-family: Georgia, serif; }}</style>'
    city = open_city(
        context,
        city_html(server, nonce=nonce, head=head),
        headers={"Content-Security-Policy": csp},
        csp_recorder=True,
    )
    page = city.page
    launcher(page).click()
    answer_yes_then_follow_up(page, comment="Alles gut.")
    # The widget is styled (its constructed stylesheet applies) although the CSP allows no inline style.
    assert launcher(page).evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(0, 80, 140)"
    code = page.locator("[data-stadtstimme-host] .c")  # the comment's deletion code, styled as well
    assert code.text_content() == fake.requests()[1].deletion_code
    assert code.evaluate("e => getComputedStyle(e).userSelect") == "all"
    assert city.js("() => window.__csp") == []
    assert city.errors == []
    assert len(fake.bodies()) == 2


def test_demo_page_with_sri_and_its_own_csp(server: WidgetServer, fake: FakeFeedback, context: Any) -> None:
    city = open_city(context, "", url=f"{server.url}/demo/abfall/abfuhrkalender", csp_recorder=True)
    page = city.page
    script = page.locator("script[integrity]")
    assert script.get_attribute("integrity").startswith("sha384-")  # type: ignore[union-attr]
    launcher(page).click()  # the SRI-pinned script loaded and ran under the page's CSP
    button(page, "Ja").click()
    page.get_by_text("Möchten Sie uns noch mehr sagen?").wait_for()
    assert fake.bodies()[0]["page_url"] == "https://abfall.musterstadt.de/abfuhrkalender"
    assert fake.requests()[0].headers["origin"] == server.url
    assert city.js("() => window.__csp") == [] and city.errors == []

    inline = open_city(context, "", url=f"{server.url}/demo/abfall/sperrmuell").page
    assert inline.get_by_text("War diese Seite hilfreich?").is_visible()
    assert launcher(inline).count() == 0


def test_the_city_origin_must_be_allowed_by_the_server(server: WidgetServer, fake: FakeFeedback, context: Any) -> None:
    """If CORS fails (origin not allowed), the browser hides the answer: the widget treats it as an outage."""
    fake.allowed_origins.discard(CITY)
    try:
        page = open_city(context, city_html(server)).page
        launcher(page).click()
        button(page, "Ja").click()
        page.get_by_role("alert").filter(has_text=RETRYING).wait_for()
    finally:
        fake.allowed_origins.add(CITY)
