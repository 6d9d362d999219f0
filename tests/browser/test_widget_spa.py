"""Single-page applications and SDG pages.

A city page that changes its route with the History API (pushState, back = popstate) without loading a new
document: feedback and surveys go to the page the citizen sees now (origin + path), a route change starts a fresh
response and evaluates the survey targeting again, a change of the fragment alone is no new page. And SDG pages
(marked in the org model, delivered with the site's document): the SDG-comparable question and, after the answer,
the link to the common feedback tool's detailed survey; on other pages neither. axe-clean throughout."""

from __future__ import annotations

from typing import Any

from services.ingest.surveys import sdg_delivery
from shared.messages import text
from shared.orgmodel import parse_org_yaml
from tests.browser.conftest import CITY, FakeFeedback, FakeSurveys, WidgetServer
from tests.browser.pages import (
    CityPage,
    button,
    city_html,
    launcher,
    open_city,
    survey,
    survey_decided,
    survey_region,
    wait_for_parts,
)

HOST = "[data-stadtstimme-host]"
QUESTION = text("widget.question", "de")
SDG_QUESTION = text("widget.sdg.question", "de")
SDG_LINK = text("widget.sdg.link", "de")
EU_SURVEY = "https://europa.example/feedback/detailed-survey"

# A small single-page application: its links change the route with pushState and the heading, nothing is loaded.
SPA = """
<style>nav { margin: 2em 0; } nav a { display: inline-block; padding: 12px; }</style>
<nav aria-label="Bereiche"><a href="/spa/start" data-route>Start</a> <a href="/spa/termine" data-route>Termine</a>
<a href="/abfuhrkalender" data-route>Abfuhrkalender</a></nav>
<script>
  document.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest("a[data-route]");
    if (!a) return;
    e.preventDefault();
    history.pushState({}, "", a.getAttribute("href"));
    document.querySelector("h1").textContent = a.textContent;
  });
  window.addEventListener("popstate", function () {
    document.querySelector("h1").textContent = location.pathname;
  });
</script>
"""


def expect_axe_clean(city: CityPage, state: str) -> None:
    violations = city.axe()
    assert violations == [], f"axe, state {state!r}: {violations}"


def route(city: CityPage, name: str) -> None:
    """Follows a link of the application (a client-side route change)."""
    city.page.get_by_role("navigation").get_by_role("link", name=name, exact=True).click()


def fresh_response(city: CityPage) -> None:
    """Waits until the widget shows its first question again, the follow-up's fields gone."""
    city.page.locator(HOST).get_by_text(QUESTION, exact=True).wait_for()
    city.page.get_by_label("Ihr Kommentar").wait_for(state="hidden")


def test_route_changes_attribute_feedback_and_surveys_to_the_page_shown(
    server: WidgetServer, fake: FakeFeedback, fake_surveys: FakeSurveys, fake_answers: FakeFeedback, context: Any
) -> None:
    fake_surveys.serve(survey(include=["/spa/termine"]))  # at once, on /spa/termine only
    city = open_city(context, city_html(server, body_end=SPA), url=f"{CITY}/spa/start?tab=2#oben", axe=True)
    page = city.page
    assert survey_decided(city) == 0  # not targeted at /spa/start

    launcher(page).click()
    button(page, "Ja").click()
    page.get_by_label("Ihr Kommentar").fill("Halb geschrieben, dann weitergeklickt")  # never sent

    route(city, "Termine")  # pushState: a new page view
    fresh_response(city)
    survey_region(page).wait_for()  # the targeting, evaluated again for the new path
    expect_axe_clean(city, "after pushState, with the survey")
    button(page, "Nein").click()
    page.get_by_label("Ihr Kommentar").wait_for()
    region = survey_region(page)
    region.get_by_role("radio", name="Ja", exact=True).check()
    region.get_by_role("button", name="Absenden", exact=True).click()
    wait_for_parts(page, fake_answers, 1)

    city.js("() => history.back()")  # popstate, back to /spa/start
    fresh_response(city)
    survey_region(page).wait_for(state="detached")  # the survey belonged to /spa/termine
    button(page, "Ja").click()
    page.get_by_role("radio", name="4 – gut").check()
    city.js("() => { location.hash = 'unten'; }")  # the fragment alone: the same page, the same response
    button(page, "Absenden").click()
    page.get_by_text("Vielen Dank für Ihre Rückmeldung!").wait_for()
    expect_axe_clean(city, "thanks after popstate")

    first, second, third, follow_up = fake.bodies()
    assert [b["page_url"] for b in (first, second, third, follow_up)] == [
        f"{CITY}/spa/start", f"{CITY}/spa/termine", f"{CITY}/spa/start", f"{CITY}/spa/start"
    ]  # fmt: skip
    assert (first["helpful"], second["helpful"], third["helpful"]) == (True, False, True)
    assert len({first["response_id"], second["response_id"], third["response_id"]}) == 3  # a fresh response each
    assert follow_up["response_id"] == third["event_id"] and follow_up["rating"] == 4
    assert all("comment" not in b for b in fake.bodies())  # the half-written text stayed behind
    (part,) = fake_answers.bodies()
    assert part["page_url"] == f"{CITY}/spa/termine" and part["answers"] == {"hilfreich": True}
    assert city.errors == []


SDG_CITY = f"""
city: Musterstadt
org_units: [{{id: city, name: Stadt, kind: city}}]
sites:
  - id: abfall
    name: Abfallwirtschaft
    org_unit: city
    origins: ["{CITY}"]
    sections:
      - {{path_prefix: /ummelden, org_unit: city, service_key: "99115001018000",
         sdg: {{kind: procedure, procedure: moving-address-change}}}}
"""


def serve_sdg(fake_surveys: FakeSurveys) -> None:
    """The site's document as ingest builds it for a site with the SDG section /ummelden."""
    _, model = parse_org_yaml(SDG_CITY)
    with fake_surveys.lock:
        fake_surveys.document = {"surveys": [], "sdg": sdg_delivery(model, "abfall", EU_SURVEY)}


def test_sdg_pages_ask_the_sdg_question_and_invite_to_the_detailed_survey(
    server: WidgetServer, fake: FakeFeedback, fake_surveys: FakeSurveys, context: Any
) -> None:
    serve_sdg(fake_surveys)
    city = open_city(context, city_html(server, body_end=SPA), url=f"{CITY}/ummelden/online?x=1#f", axe=True)
    page = city.page
    widget = page.locator(HOST)
    launcher(page).click()
    widget.get_by_text(SDG_QUESTION, exact=True).wait_for()
    invitation = page.get_by_role("link", name=SDG_LINK, exact=True)
    assert invitation.count() == 0  # only after the answer
    button(page, "Ja").click()
    invitation.wait_for()
    assert invitation.get_attribute("href") == EU_SURVEY
    expect_axe_clean(city, "SDG page, after the answer")
    (body,) = fake.bodies()
    assert body["helpful"] is True and body["page_url"] == f"{CITY}/ummelden/online"

    route(city, "Abfuhrkalender")  # to a page that is not SDG-relevant, in the same application
    widget.get_by_text(QUESTION, exact=True).wait_for()
    assert invitation.count() == 0
    button(page, "Ja").click()
    page.get_by_label("Ihr Kommentar").wait_for()
    assert invitation.count() == 0 and widget.get_by_text(SDG_QUESTION).count() == 0
    expect_axe_clean(city, "other page, after the answer")
    assert city.errors == []

    # A page loaded as such, not SDG-relevant: the usual question, no invitation.
    other = open_city(context, city_html(server), url=f"{CITY}/abfuhrkalender", axe=True)
    survey_decided(other)
    launcher(other.page).click()
    button(other.page, "Nein").click()
    other.page.get_by_label("Ihr Kommentar").wait_for()
    assert other.page.locator(f"{HOST} #q").text_content() == QUESTION
    assert other.page.get_by_role("link", name=SDG_LINK).count() == 0
    assert other.errors == []
