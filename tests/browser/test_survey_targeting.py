"""On-site surveys, which one is shown where and when: path targeting, time window, sampling, one per page view,
triggers, "Nicht mehr anzeigen", and what is fetched and stored for that (nothing but the definitions)."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from html import escape
from typing import Any

import pytest

from tests.browser.conftest import CITY, PAGE, FakeFeedback, FakeSurveys, WidgetServer
from tests.browser.pages import (
    PAGE_WITH_QUERY,
    SURVEY_ID,
    SURVEY_SCRIPTS,
    SURVEY_TITLE,
    CityPage,
    button,
    city_html,
    open_city,
    survey,
    survey_decided,
    survey_region,
    wait_for_parts,
)

TERMINE = f"{CITY}/abfall/termine?strasse=Hauptstra%C3%9Fe#heute"


def definitions_url(server: WidgetServer) -> str:
    return f"{server.url}/api/v1/surveys?site=abfall"


def shown(city: CityPage) -> bool:
    """Whether the widget decided to show a survey on this page view (delay 0), and it appeared."""
    if not survey_decided(city):
        return False
    survey_region(city.page).wait_for()
    return True


def storage(city: CityPage) -> dict[str, Any]:
    result: dict[str, Any] = city.js(
        "() => ({cookie: document.cookie, local: localStorage.length, session: sessionStorage.length,"
        " keys: Object.keys(sessionStorage)})"
    )
    return result


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (TERMINE, True),  # /abfall/* covers every page below /abfall/, query and fragment aside
        (f"{CITY}/abfall/a/b/c", True),  # "*" spans "/" too
        (f"{CITY}/abfall/intern/kalender", False),  # excluded
        (f"{CITY}/abfall", False),  # the whole path must match: /abfall/* needs the slash
        (f"{CITY}/sperrmuell", False),  # not included
    ],
)
def test_path_targeting(
    server: WidgetServer, fake_surveys: FakeSurveys, context: Any, url: str, expected: bool
) -> None:
    fake_surveys.serve(survey(include=["/abfall/*"], exclude=["/abfall/intern/*"]))
    city = open_city(context, city_html(server), url=url)
    assert shown(city) is expected
    assert city.errors == []


def test_data_page_url_is_the_path_targeted(server: WidgetServer, fake_surveys: FakeSurveys, context: Any) -> None:
    fake_surveys.serve(survey(include=["/abfall/*"]))
    attrs = 'data-page-url="https://abfall.musterstadt.de/abfall/termine"'
    assert shown(open_city(context, city_html(server, attrs=attrs), url=f"{CITY}/anderswo"))


@pytest.mark.parametrize(
    ("starts", "ends", "expected"),
    [
        (-1, 1, True),
        (None, 1, True),
        (1, None, False),  # not yet
        (-2, -1, False),  # over
        (1, 2, False),
    ],
    ids=["inside", "open start", "starts tomorrow", "ended yesterday", "later window"],
)
def test_time_window(
    server: WidgetServer,
    fake_surveys: FakeSurveys,
    context: Any,
    starts: int | None,
    ends: int | None,
    expected: bool,
) -> None:
    # The server leaves surveys out of their window too, but its document is cached for minutes: the browser checks.
    now = datetime.now(UTC)
    window = {
        "starts_at": now + timedelta(days=starts) if starts is not None else None,
        "ends_at": now + timedelta(days=ends) if ends is not None else None,
    }
    fake_surveys.serve(survey(**window))
    assert shown(open_city(context, city_html(server))) is expected


# Each frame is a page view of its own. Once every one has had the definitions: how many chose the survey.
FRAMES_FETCHED = """
(views) => {
  const frames = document.querySelectorAll("iframe");
  if (frames.length !== views) return false;
  for (const frame of frames) {
    const w = frame.contentWindow;
    const entries = w && w.performance.getEntriesByType("resource");
    if (!entries || !entries.some((e) => e.name.includes("/api/v1/surveys?"))) return false;
  }
  return true;
}
"""
FRAMES_CHOSEN = """
() => [...document.querySelectorAll("iframe")].filter(
  (f) => f.contentDocument.querySelector('script[src*="/widget/v1/survey-"]')).length
"""


def test_sampling_half_of_the_page_views(server: WidgetServer, fake_surveys: FakeSurveys, context: Any) -> None:
    """sampling_percent 50: drawn per page view; 200 views land within 4 sigma of 100 (binomial)."""
    fake_surveys.serve(survey(sampling_percent=50.0))
    views = 200
    # 200 page views at once: frames, each the cheapest page embedding the widget for a city page. They live in a
    # document of the Stadtstimme host's own origin, in a context without routing (Playwright's routing turns the
    # HTTP cache off): script, definitions and survey bundle come from the network once, then from the cache.
    view = (
        f'<!doctype html><html lang="de"><title>Termine</title><script src="{server.script}" data-site="abfall"'
        f' data-page-url="{CITY}/termine"></script>'
    )
    frames = "".join(f'<iframe srcdoc="{escape(view)}" title="Ansicht {i}"></iframe>' for i in range(views))
    page = context.new_page()
    page.goto(f"{server.url}/widget/v1/manifest.json")
    views_page = f'<!doctype html><html lang="de"><title>Ansichten</title><main>{frames}</main>'
    page.set_content(views_page, wait_until="commit")
    page.wait_for_function(FRAMES_FETCHED, arg=views, polling=100, timeout=60_000)
    page.wait_for_timeout(500)  # the choice follows the definitions within a task
    chosen = page.evaluate(FRAMES_CHOSEN)
    sigma = math.sqrt(views * 0.5 * 0.5)
    assert abs(chosen - views / 2) <= 4 * sigma, chosen
    assert len(fake_surveys.requests()) < views  # (cached: this test stays fast)


def test_at_most_one_survey_per_page_view(
    server: WidgetServer, fake_surveys: FakeSurveys, fake: FakeFeedback, context: Any
) -> None:
    first = survey("erste-umfrage", title="Erste Umfrage", exclude=["/sperrmuell"])
    second = survey("zweite-umfrage", title="Zweite Umfrage")
    fake_surveys.serve(first, second)
    city = open_city(context, city_html(server))
    survey_region(city.page, "Erste Umfrage").wait_for()  # the first in the document's order that applies
    city.page.wait_for_timeout(300)
    assert city.js(SURVEY_SCRIPTS) == 1 and city.page.locator("[data-stadtstimme-survey-host]").count() == 1
    assert survey_region(city.page, "Zweite Umfrage").count() == 0

    other = open_city(context, city_html(server), url=f"{CITY}/sperrmuell")  # the first excludes this page
    survey_region(other.page, "Zweite Umfrage").wait_for()
    assert survey_region(other.page, "Erste Umfrage").count() == 0


def test_no_survey_loads_nothing_but_the_definitions_and_they_carry_nothing_about_page_or_visitor(
    server: WidgetServer, fake_surveys: FakeSurveys, context: Any
) -> None:
    # A cookie the Stadtstimme host could have set: credentials "omit" never sends it.
    context.add_cookies([{"name": "tracker", "value": "1", "url": server.url}])
    fake_surveys.serve(survey(include=["/anderswo/*"]))
    city = open_city(context, city_html(server))
    assert survey_decided(city) == 0
    city.page.wait_for_timeout(300)
    assert city.requests == [PAGE_WITH_QUERY.split("#")[0], server.script, definitions_url(server)]
    (request,) = fake_surveys.requests()
    assert request.url == definitions_url(server)  # the site only: no page path, no query, no identifier
    assert "referer" not in request.headers and "cookie" not in request.headers
    assert request.headers["origin"] == CITY  # a CORS request, as any cross-origin fetch is
    assert storage(city) == {"cookie": "", "local": 0, "session": 0, "keys": []}
    assert city.errors == []


def test_data_surveys_off_fetches_no_definitions(server: WidgetServer, fake_surveys: FakeSurveys, context: Any) -> None:
    fake_surveys.serve(survey())
    city = open_city(context, city_html(server, attrs='data-surveys="off"'))
    city.page.get_by_role("button", name="Feedback zu dieser Seite").wait_for()
    city.page.wait_for_timeout(500)
    assert city.widget_requests(server) == [server.script] and fake_surveys.requests() == []


def test_inline_feedback_gets_surveys_too(server: WidgetServer, fake_surveys: FakeSurveys, context: Any) -> None:
    fake_surveys.serve(survey())
    assert shown(open_city(context, city_html(server, inline=True)))


def test_survey_bundle_is_loaded_only_when_shown_with_integrity_nonce_and_its_data(
    server: WidgetServer, fake_surveys: FakeSurveys, context: Any
) -> None:
    fake_surveys.serve(survey())
    nonce = "c3VydmV5LW5vbmNl"
    csp = (
        f"default-src 'none'; script-src 'nonce-{nonce}' {server.url}; connect-src {server.url}; "
        f"style-src 'nonce-{nonce}'"
    )
    city = open_city(
        context,
        city_html(server, nonce=nonce, lang="de"),
        url=TERMINE,
        headers={"Content-Security-Policy": csp},
        csp_recorder=True,
    )
    survey_region(city.page).wait_for()
    script = city.page.locator('script[src*="/widget/v1/survey-"]')
    manifest = city.page.request.get(f"{server.url}/widget/v1/manifest.json").json()["survey"]
    assert script.get_attribute("src") == server.url + manifest["script"]
    assert script.get_attribute("integrity") == manifest["integrity"]
    assert script.get_attribute("crossorigin") == "anonymous"
    assert script.get_attribute("referrerpolicy") == "no-referrer"
    assert script.evaluate("e => e.nonce") == nonce
    data = script.evaluate("e => Object.assign({}, e.dataset)")
    assert data == {
        "site": "abfall",
        "lang": "de",
        "pageUrl": f"{CITY}/abfall/termine",  # origin + path only
        "survey": SURVEY_ID,
        "version": "2",
    }
    # The survey bundle asked for the same definitions again (from the HTTP cache where the page allows caching).
    assert [r.url for r in fake_surveys.requests()] == [definitions_url(server)] * 2
    assert city.js("() => window.__csp") == [] and city.errors == []


def test_a_survey_gone_from_the_definitions_shows_nothing(
    server: WidgetServer, fake_surveys: FakeSurveys, context: Any
) -> None:
    fake_surveys.serve(survey(version=2))

    def newer_version(route: Any) -> None:
        fake_surveys.serve(survey(version=3))  # published between the two fetches
        route.continue_()

    context.route(f"{server.url}/widget/v1/survey-*", newer_version)
    city = open_city(context, city_html(server))
    assert survey_decided(city) == 1
    city.page.wait_for_timeout(500)
    assert len(fake_surveys.requests()) == 2
    assert survey_region(city.page).count() == 0 and city.page.locator("[data-stadtstimme-survey-host]").count() == 0
    assert city.errors == []


def test_dont_show_again_is_the_only_thing_stored_and_only_for_this_tab(
    server: WidgetServer, fake_surveys: FakeSurveys, fake_answers: FakeFeedback, context: Any
) -> None:
    fake_surveys.serve(survey())
    city = open_city(context, city_html(server))
    page = city.page
    survey_region(page).wait_for()
    # Shown, even answered: still nothing stored, no cookie.
    page.get_by_role("radio", name="Ja").check()
    assert storage(city) == {"cookie": "", "local": 0, "session": 0, "keys": []}
    assert context.cookies() == []

    button(page, "Nicht mehr anzeigen").click()
    assert survey_region(page).count() == 0
    assert storage(city) == {"cookie": "", "local": 0, "session": 1, "keys": [f"stadtstimme.survey.{SURVEY_ID}"]}
    assert city.js(f"() => sessionStorage.getItem('stadtstimme.survey.{SURVEY_ID}')") == "1"
    assert context.cookies() == []
    wait_for_parts(page, fake_answers, 1)
    (dismissal,) = fake_answers.bodies()  # closing before the end: one dismissal
    assert dismissal["dismissed"] is True and dismissal["answers"] == {}

    page.reload()  # the same tab: not again
    assert survey_decided(city) == 0
    page.goto(f"{CITY}/sperrmuell")
    assert survey_decided(city) == 0

    other_tab = open_city(context, city_html(server))  # another tab has its own sessionStorage
    assert shown(other_tab)


def test_dont_show_again_is_not_offered_when_the_survey_disallows_it(
    server: WidgetServer, fake_surveys: FakeSurveys, context: Any
) -> None:
    fake_surveys.serve(survey(allow_dont_show_again=False))
    city = open_city(context, city_html(server))
    survey_region(city.page).wait_for()
    assert button(city.page, "Nicht mehr anzeigen").count() == 0
    assert button(city.page, "Umfrage schließen").is_visible()


def test_delay_trigger_waits(server: WidgetServer, fake_surveys: FakeSurveys, context: Any) -> None:
    fake_surveys.serve(survey(trigger={"kind": "delay", "delay_s": 2}))
    city = open_city(context, city_html(server))
    city.page.wait_for_timeout(1200)
    assert city.js(SURVEY_SCRIPTS) == 0
    survey_region(city.page).wait_for(timeout=3000)


def test_scroll_trigger(server: WidgetServer, fake_surveys: FakeSurveys, context: Any) -> None:
    fake_surveys.serve(survey(trigger={"kind": "scroll", "delay_s": 0, "scroll_percent": 60}))
    long_page = city_html(server, body_end='<div style="height: 4000px">Ende der Seite</div>')
    city = open_city(context, long_page)
    city.page.wait_for_timeout(600)
    assert survey_region(city.page).count() == 0
    city.js("() => window.scrollTo(0, 1000)")  # about a third
    city.page.wait_for_timeout(300)
    assert survey_region(city.page).count() == 0
    city.js("() => window.scrollTo(0, document.documentElement.scrollHeight)")
    survey_region(city.page).wait_for()


def test_button_trigger_needs_no_luck_takes_focus_and_reopens(
    server: WidgetServer, fake_surveys: FakeSurveys, fake_answers: FakeFeedback, context: Any
) -> None:
    # A sampling of 0.001 % would practically never be drawn: a button trigger is not sampled, the citizen asked.
    fake_surveys.serve(survey(sampling_percent=0.001, trigger={"kind": "button", "delay_s": 0}))
    body_end = f'<button type="button" data-stadtstimme-survey="{SURVEY_ID}">Zur Umfrage</button>'
    city = open_city(context, city_html(server, body_end=body_end))
    page = city.page
    assert survey_decided(city) == 0  # nothing loaded before the click
    assert len(fake_surveys.requests()) == 1

    button(page, "Zur Umfrage").click()
    survey_region(page).wait_for()
    assert city.focused()["text"] == SURVEY_TITLE  # asked for: focus goes to it
    assert button(page, "Nicht mehr anzeigen").count() == 0  # it only ever appears on request

    page.keyboard.press("Escape")
    assert survey_region(page).count() == 0
    assert city.focused()["text"] == "Zur Umfrage"  # back where the citizen was

    page.keyboard.press("Enter")  # again: a new response
    survey_region(page).wait_for()
    button(page, "Umfrage schließen").click()
    wait_for_parts(page, fake_answers, 2)
    first, second = fake_answers.bodies()
    assert first["dismissed"] and second["dismissed"] and first["response_id"] != second["response_id"]
    assert city.js(SURVEY_SCRIPTS) == 1


def test_button_trigger_without_its_button_on_the_page_is_skipped(
    server: WidgetServer, fake_surveys: FakeSurveys, context: Any
) -> None:
    on_request = survey("auf-knopfdruck", title="Auf Knopfdruck", trigger={"kind": "button", "delay_s": 0})
    fake_surveys.serve(on_request, survey())
    city = open_city(context, city_html(server))
    survey_region(city.page).wait_for()  # the next survey in order gets its chance
    assert survey_region(city.page, "Auf Knopfdruck").count() == 0


def test_page_url_in_every_part_is_origin_and_path(
    server: WidgetServer, fake_surveys: FakeSurveys, fake_answers: FakeFeedback, context: Any
) -> None:
    fake_surveys.serve(survey())
    city = open_city(context, city_html(server), url=PAGE_WITH_QUERY)
    survey_region(city.page).wait_for()
    button(city.page, "Umfrage schließen").click()
    wait_for_parts(city.page, fake_answers, 1)
    assert fake_answers.bodies()[0]["page_url"] == PAGE
