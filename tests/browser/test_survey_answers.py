"""Answering an on-site survey: every question type by keyboard only, exactly what each part sends, required
questions, closing (one dismissal), retries with the same event_id, English, a hostile page."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.browser.conftest import PAGE, FakeFeedback, FakeSurveys, WidgetServer
from tests.browser.pages import (
    ALL_TYPES,
    SURVEY_ID,
    SURVEY_TITLE,
    SURVEY_TITLE_EN,
    UUID4,
    CityPage,
    button,
    city_html,
    hostile_html,
    open_city,
    survey,
    survey_region,
    wait_for_parts,
)

PART_KEYS = {
    "event_id", "response_id", "survey_id", "version", "site", "page_url", "answers", "language", "elapsed_ms",
    "website",
}  # fmt: skip
FAILED = "Eine Antwort konnte leider nicht gesendet werden."


def tab_to(city: CityPage, match: dict[str, str], limit: int = 20) -> None:
    for _ in range(limit):
        city.page.keyboard.press("Tab")
        focused = city.focused()
        if all(focused.get(k) == v for k, v in match.items()):
            return
    raise AssertionError(f"{match} not reached with Tab; focus is on {city.focused()}")


def test_every_question_type_by_keyboard_only_with_exact_bodies(
    server: WidgetServer, fake_surveys: FakeSurveys, fake_answers: FakeFeedback, context: Any
) -> None:
    fake_surveys.serve(survey(questions=ALL_TYPES, thanks="Danke, das hilft dem Bürgeramt!"))
    city = open_city(context, city_html(server))
    page, keys = city.page, city.page.keyboard
    survey_region(page).wait_for()
    assert page.get_by_text("Frage 1 von 6").is_visible()

    # From the page into the panel: the launcher of the feedback widget first, then the survey's close button.
    tab_to(city, {"label": "Umfrage schließen"})
    keys.press("Tab")  # rating 1–5: one tab stop for the group
    assert city.focused()["type"] == "radio"
    keys.press("Space")  # 1
    for _ in range(3):
        keys.press("ArrowDown")  # 4
    keys.press("Tab")
    assert city.focused()["text"] == "Weiter"
    keys.press("Enter")
    assert city.focused()["text"] == "Frage 2 von 6"  # on to the next question

    keys.press("Tab")  # yes/no
    keys.press("Space")  # Ja
    keys.press("Tab")
    keys.press("Enter")
    assert city.focused()["text"] == "Frage 3 von 6"

    keys.press("Tab")  # nps 0–10
    keys.press("Space")  # 0
    for _ in range(9):
        keys.press("ArrowRight")  # 9
    tab_to(city, {"text": "Weiter"})
    keys.press("Enter")

    keys.press("Tab")  # single choice
    keys.press("Space")  # Online
    keys.press("ArrowDown")  # Telefon
    tab_to(city, {"text": "Weiter"})
    keys.press("Enter")

    keys.press("Tab")  # multiple choice: a tab stop per box
    keys.press("Space")  # Personalausweis
    keys.press("Tab")
    keys.press("Tab")
    keys.press("Space")  # Führerschein
    keys.press("Tab")
    assert city.focused()["text"] == "Weiter"
    keys.press("Enter")

    keys.press("Tab")  # text
    assert city.focused()["tag"] == "textarea"
    keys.type('  Mehr Termine am "Samstag", bitte.\nDanke!  ')
    tab_to(city, {"text": "Absenden"})  # the last question's button
    keys.press("Enter")
    assert city.focused()["text"] == "Danke, das hilft dem Bürgeramt!"  # the survey's own thanks, focused

    wait_for_parts(page, fake_answers, 6)
    parts = fake_answers.requests()
    assert [p.status for p in parts] == [202] * 6  # the real SurveyResponseRequest accepted every part
    bodies = [p.body for p in parts]
    assert [b["answers"] for b in bodies] == [
        {"zufrieden": 4},
        {"gefunden": True},
        {"empfehlen": 9},
        {"kanal": "telefon"},
        {"themen": ["ausweis", "fuehrerschein"]},
        {"anmerkung": 'Mehr Termine am "Samstag", bitte.\nDanke!'},  # trimmed
    ]
    for body in bodies:
        assert set(body) == PART_KEYS
        assert UUID4.match(body["event_id"]) and UUID4.match(body["response_id"])
        assert (body["survey_id"], body["version"], body["site"]) == (SURVEY_ID, 2, "abfall")
        assert body["page_url"] == PAGE and body["language"] == "de" and body["website"] == ""
        assert isinstance(body["elapsed_ms"], int) and body["elapsed_ms"] >= 0
    assert len({b["response_id"] for b in bodies}) == 1  # one response
    assert len({b["event_id"] for b in bodies}) == 6  # six parts
    for part in parts:
        assert part.headers["content-type"] == "application/json"
        assert "cookie" not in part.headers and "referer" not in part.headers

    keys.press("Escape")  # closed after the end: no dismissal
    assert survey_region(page).count() == 0
    page.wait_for_timeout(300)
    assert len(fake_answers.requests()) == 6
    assert city.errors == []


def test_required_question_left_empty_says_so_and_keeps_focus(
    server: WidgetServer, fake_surveys: FakeSurveys, fake_answers: FakeFeedback, context: Any
) -> None:
    fake_surveys.serve(survey(questions=ALL_TYPES[:2]))
    city = open_city(context, city_html(server))
    page = city.page
    region = survey_region(page)
    region.wait_for()
    assert button(page, "Überspringen").count() == 0  # required: no skipping
    button(page, "Weiter").focus()
    page.keyboard.press("Enter")
    error = page.get_by_role("alert").filter(has_text="Bitte beantworten Sie diese Frage.")
    error.wait_for()
    assert city.focused()["text"] == "Weiter"  # focus stays
    group = page.get_by_role("group", name="Wie zufrieden waren Sie mit der Terminvergabe? (Pflichtfrage)")
    described = group.evaluate(
        "g => g.getAttribute('aria-describedby').split(' ').map(id => g.getRootNode().getElementById(id).textContent)"
    )
    assert "Bitte beantworten Sie diese Frage." in described  # the group points at its error
    assert page.get_by_text("Frage 1 von 2").is_visible()
    page.wait_for_timeout(200)
    assert fake_answers.requests() == []

    page.get_by_role("radio", name="5 – sehr gut").check()
    button(page, "Weiter").click()
    page.get_by_text("Frage 2 von 2").wait_for()
    assert error.count() == 0 or error.text_content() == ""
    button(page, "Überspringen").click()  # optional: skipped, nothing sent for it
    page.get_by_text("Vielen Dank für Ihre Teilnahme!").wait_for()  # the catalogue's default thanks
    wait_for_parts(page, fake_answers, 1)
    page.wait_for_timeout(200)
    assert [b["answers"] for b in fake_answers.bodies()] == [{"zufrieden": 5}]


def test_optional_questions_left_empty_are_skipped(
    server: WidgetServer, fake_surveys: FakeSurveys, fake_answers: FakeFeedback, context: Any
) -> None:
    fake_surveys.serve(survey(questions=ALL_TYPES[4:]))  # multiple choice, text
    page = open_city(context, city_html(server)).page
    survey_region(page).wait_for()
    button(page, "Weiter").click()  # no box ticked
    page.get_by_label("Möchten Sie uns noch etwas sagen?").fill(" \n\t ")  # blank
    button(page, "Absenden").click()
    page.get_by_text("Vielen Dank für Ihre Teilnahme!").wait_for()
    page.wait_for_timeout(300)
    assert fake_answers.requests() == []


@pytest.mark.parametrize("how", ["close button", "Escape"])
def test_closing_before_the_end_sends_exactly_one_dismissal(
    server: WidgetServer, fake_surveys: FakeSurveys, fake_answers: FakeFeedback, context: Any, how: str
) -> None:
    fake_surveys.serve(survey(questions=ALL_TYPES[1:3]))
    city = open_city(context, city_html(server))
    page = city.page
    survey_region(page).wait_for()
    page.get_by_role("radio", name="Nein").check()
    button(page, "Weiter").click()
    page.get_by_text("Frage 2 von 2").wait_for()
    if how == "Escape":
        page.get_by_role("radio", name="7", exact=True).focus()  # Escape closes when focus is inside
        page.keyboard.press("Escape")
    else:
        button(page, "Umfrage schließen").click()
    assert survey_region(page).count() == 0
    wait_for_parts(page, fake_answers, 2)
    page.wait_for_timeout(300)
    answer, dismissal = fake_answers.bodies()
    assert answer["answers"] == {"gefunden": False}
    assert set(dismissal) == PART_KEYS | {"dismissed"}
    assert dismissal["dismissed"] is True and dismissal["answers"] == {}
    assert dismissal["response_id"] == answer["response_id"] and dismissal["event_id"] != answer["event_id"]
    assert [r.status for r in fake_answers.requests()] == [202, 202]
    assert city.errors == []


def test_escape_on_the_page_does_not_close_it(
    server: WidgetServer, fake_surveys: FakeSurveys, fake_answers: FakeFeedback, context: Any
) -> None:
    fake_surveys.serve(survey())
    city = open_city(context, city_html(server))
    survey_region(city.page).wait_for()
    city.page.get_by_role("link", name="Sperrmüll anmelden").focus()
    city.page.keyboard.press("Escape")
    assert survey_region(city.page).is_visible() and fake_answers.requests() == []


def test_503_is_retried_with_the_same_event_id_while_the_citizen_goes_on(
    server: WidgetServer, fake_surveys: FakeSurveys, fake_answers: FakeFeedback, context: Any
) -> None:
    fake_surveys.serve(survey(questions=ALL_TYPES[1:3]))
    city = open_city(context, city_html(server))
    page = city.page
    survey_region(page).wait_for()
    fake_answers.answer_next(503, **{"Retry-After": "1"})
    started = time.monotonic()
    page.get_by_role("radio", name="Ja").check()
    button(page, "Weiter").click()
    page.get_by_role("radio", name="10", exact=True).check()  # going on while the first part waits
    button(page, "Absenden").click()
    page.get_by_text("Vielen Dank für Ihre Teilnahme!").wait_for()
    wait_for_parts(page, fake_answers, 3)
    first, again, second = fake_answers.requests()
    assert time.monotonic() - started >= 1.9  # the first retry after 2 s (Retry-After 1 s is shorter)
    assert (first.status, again.status, second.status) == (503, 202, 202)
    assert first.raw == again.raw  # the very same body: the same event_id, counted once
    assert second.body["answers"] == {"empfehlen": 10}  # in order: only after the first part got through
    assert second.body["response_id"] == first.body["response_id"]
    assert page.get_by_text(FAILED).count() == 0  # retried: nothing to tell the citizen


def test_a_refused_part_is_reported_and_the_next_parts_still_go(
    server: WidgetServer, fake_surveys: FakeSurveys, fake_answers: FakeFeedback, context: Any
) -> None:
    fake_surveys.serve(survey(questions=ALL_TYPES[1:3]))
    city = open_city(context, city_html(server))
    page = city.page
    survey_region(page).wait_for()
    fake_answers.answer_next(422)
    page.get_by_role("radio", name="Nein").check()
    button(page, "Weiter").click()
    page.get_by_role("status").filter(has_text=FAILED).wait_for()
    page.get_by_role("radio", name="3", exact=True).check()
    button(page, "Absenden").click()
    wait_for_parts(page, fake_answers, 2)
    page.wait_for_timeout(2500)  # a refusal is final: not retried
    assert [r.status for r in fake_answers.requests()] == [422, 202]


def test_network_error_is_retried_with_the_same_body(
    server: WidgetServer, fake_surveys: FakeSurveys, fake_answers: FakeFeedback, context: Any
) -> None:
    fake_surveys.serve(survey())
    city = open_city(context, city_html(server))
    page = city.page
    survey_region(page).wait_for()
    api = f"{server.url}/api/v1/survey-responses"
    aborted: list[str] = []

    def offline_once(route: Any) -> None:
        if aborted:
            route.continue_()
        else:
            aborted.append(route.request.post_data or "")
            route.abort("internetdisconnected")

    page.route(api, offline_once)
    page.get_by_role("radio", name="Ja").check()
    button(page, "Absenden").click()
    wait_for_parts(page, fake_answers, 1, timeout_s=6)
    assert aborted == [fake_answers.requests()[0].raw.decode()]


def test_english(server: WidgetServer, fake_surveys: FakeSurveys, fake_answers: FakeFeedback, context: Any) -> None:
    fake_surveys.serve(survey(questions=ALL_TYPES[:3]))
    page = open_city(context, city_html(server, lang="en")).page
    region = survey_region(page, SURVEY_TITLE_EN)
    region.wait_for()
    assert page.get_by_text("Question 1 of 3").is_visible()
    assert region.evaluate("r => r.closest('[lang]').lang") == "en"
    page.get_by_role("radio", name="2 – poor").check()  # the rating labels of the catalogue
    button(page, "Next").click()
    # A question without English text is shown in German.
    assert page.get_by_text("Haben Sie einen passenden Termin gefunden?").is_visible()
    button(page, "Skip").click()
    assert page.get_by_text("0 = not likely").is_visible() and page.get_by_text("10 = very likely").is_visible()
    button(page, "Close survey").click()
    wait_for_parts(page, fake_answers, 2)
    assert [b["language"] for b in fake_answers.bodies()] == ["en", "en"]


@pytest.mark.parametrize("when", ["before", "after"])
def test_hostile_page_with_broken_built_ins_and_css(
    server: WidgetServer, fake_surveys: FakeSurveys, fake_answers: FakeFeedback, context: Any, when: str
) -> None:
    fake_surveys.serve(survey(questions=ALL_TYPES[3:6]))  # single, multiple, text
    city = open_city(context, hostile_html(server, when=when))
    page = city.page
    survey_region(page).wait_for()
    host = 'document.querySelector("[data-stadtstimme-survey-host]")'
    assert city.js(f"() => getComputedStyle({host}.shadowRoot.querySelector('.p')).fontSize") == "16px"
    page.get_by_role("radio", name="Vor Ort").check()
    button(page, "Weiter").click()
    page.get_by_role("checkbox", name="Ummeldung").check()
    page.get_by_role("checkbox", name="Personalausweis").check()
    button(page, "Weiter").click()
    page.get_by_label("Möchten Sie uns noch etwas sagen?").fill("  Danke.  ")
    button(page, "Absenden").click()
    page.get_by_text("Vielen Dank für Ihre Teilnahme!").wait_for()
    wait_for_parts(page, fake_answers, 3)
    # Polluting Object.prototype (credentials: "include", keepalive) changed nothing either.
    assert [r.status for r in fake_answers.requests()] == [202, 202, 202]
    assert [b["answers"] for b in fake_answers.bodies()] == [
        {"kanal": "vor-ort"}, {"themen": ["ausweis", "meldung"]}, {"anmerkung": "Danke."}
    ]  # fmt: skip
    assert all("cookie" not in r.headers for r in fake_answers.requests())
    code = fake_answers.requests()[2].deletion_code  # the text's deletion code, shown with broken built-ins too
    assert code
    survey_region(page).get_by_role("status").filter(has_text=code).wait_for()
    assert [e for e in city.errors if "hostile" in e] == []


def test_the_survey_panel_does_not_cover_the_feedback_launcher(
    server: WidgetServer, fake_surveys: FakeSurveys, new_context: Any
) -> None:
    fake_surveys.serve(survey(questions=ALL_TYPES[:1]))
    for viewport in ({"width": 320, "height": 640}, {"width": 1280, "height": 800}):
        page = open_city(new_context(viewport=viewport), city_html(server)).page
        survey_region(page).wait_for()
        panel = survey_region(page).bounding_box()
        launcher = page.get_by_role("button", name="Feedback zu dieser Seite").bounding_box()
        overlap_x = panel["x"] < launcher["x"] + launcher["width"] and launcher["x"] < panel["x"] + panel["width"]
        overlap_y = panel["y"] < launcher["y"] + launcher["height"] and launcher["y"] < panel["y"] + panel["height"]
        assert not (overlap_x and overlap_y), (viewport, panel, launcher)
        assert SURVEY_TITLE in survey_region(page).inner_text()
