"""Deletion codes: a part with free text is answered with a code that erases the text. The widget, the survey and
the form without JavaScript show it with a link to the erasure page (nothing when there is no text); the erasure
page (/feedback/loeschen) by keyboard, at 375 px, German and English. Everything axe-clean."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import pytest

from shared.messages import text
from tests.browser.conftest import DELETION_CODE, PAGE, FakeFeedback, FakeSurveys, WidgetServer
from tests.browser.pages import (
    ALL_TYPES,
    SURVEY_TITLE,
    SURVEY_TITLE_EN,
    CityPage,
    button,
    city_html,
    launcher,
    open_city,
    open_page,
    survey,
    survey_region,
    wait_for_parts,
)

HOST = "[data-stadtstimme-host]"
INLINE = "[data-stadtstimme-feedback]"
PAGE_LANG = {"de": "de", "en": "en-GB"}  # the city page's <html lang>, which the widget follows
TEXT_QUESTION = ALL_TYPES[5]  # "Möchten Sie uns noch etwas sagen?" (German only: shown in German on English pages)
SIDEWAYS = "() => document.documentElement.scrollWidth > innerWidth"
OUTLINE = "() => getComputedStyle(document.activeElement).outlineStyle"
# The erasure form's label, hint, field and button, each below the one before: none covers another.
STACKED = """
() => {
  const boxes = ["label[for=code]", "#code-hint", "#code", "form button"].map(
    (s) => document.querySelector(s).getBoundingClientRect());
  return boxes.every((b, i) => i == 0 || boxes[i - 1].bottom <= b.top + 0.5);
}
"""


def expect_no_violations(city: CityPage, state: str) -> None:
    violations = city.axe()
    assert violations == [], f"axe, state {state!r}: {violations}"


def tab_leads_from_to(city: CityPage, start: str, link: str) -> None:
    """Focus is on ``start`` (a step's text), and the next Tab reaches the link ``link``."""
    assert city.focused()["text"] == start
    city.page.keyboard.press("Tab")
    focused = city.focused()
    assert (focused["tag"], focused["text"]) == ("a", link)


# ---- The feedback widget ----


@pytest.mark.parametrize("lang", ["de", "en"])
def test_a_comment_is_answered_with_its_code_and_a_link_to_the_erasure_page(
    server: WidgetServer, fake: FakeFeedback, context: Any, lang: str
) -> None:
    city = open_city(context, city_html(server, lang=PAGE_LANG[lang]), axe=True)
    page = city.page
    launcher(page, text("widget.launcher", lang)).click()
    button(page, text("widget.yes", lang)).click()
    page.get_by_label(text("widget.comment", lang)).fill("Die Tonne in der Hauptstraße wurde nicht geleert.")
    button(page, text("widget.submit", lang)).click()
    page.get_by_text(text("widget.thanks", lang)).wait_for()

    first, second = fake.requests()
    assert first.deletion_code is None and second.deletion_code  # only the part with text has a code
    code = second.deletion_code
    assert re.fullmatch(DELETION_CODE, code)
    status = page.locator(HOST).get_by_role("status")  # the polite live region, there from the start
    status.filter(has_text=code).wait_for()
    assert status.text_content() == f"{text('widget.code', lang)} {code}"
    shown = page.locator(f"{HOST} .c")
    assert shown.text_content() == code
    assert shown.evaluate("e => getComputedStyle(e).userSelect") == "all"  # one click selects all of it
    link = page.get_by_role("link", name=text("widget.erase", lang), exact=True)
    assert link.get_attribute("href") == f"{server.url}/feedback/loeschen?lang={lang}"
    tab_leads_from_to(city, text("widget.thanks", lang), text("widget.erase", lang))
    expect_no_violations(city, f"thanks with code ({lang})")
    assert city.errors == []


def test_the_code_is_shown_once_the_retried_part_is_accepted(
    server: WidgetServer, fake: FakeFeedback, context: Any
) -> None:
    page = open_city(context, city_html(server, inline=True)).page
    button(page, "Nein").click()
    page.get_by_label("Ihr Verbesserungsvorschlag").fill("Eine Erinnerung per Kalenderdatei.")
    fake.answer_next(503, **{"Retry-After": "30"})
    button(page, "Absenden").click()
    page.get_by_role("alert").filter(has_text="nicht gesendet").wait_for()
    assert page.get_by_role("link", name="Text löschen").count() == 0
    button(page, "Erneut senden").click()
    page.get_by_text("Vielen Dank für Ihre Rückmeldung!").wait_for()
    code = fake.requests()[-1].deletion_code
    assert code and [r.status for r in fake.requests()] == [202, 503, 202]
    page.locator(INLINE).get_by_role("status").filter(has_text=code).wait_for()
    assert page.get_by_role("link", name="Text löschen").is_visible()


def test_a_part_without_text_shows_no_code(server: WidgetServer, fake: FakeFeedback, context: Any) -> None:
    page = open_city(context, city_html(server)).page
    launcher(page).click()
    button(page, "Ja").click()
    page.get_by_role("radio", name="4 – gut").check()
    page.get_by_label("Worum geht es?").select_option("content")
    button(page, "Absenden").click()
    page.get_by_text("Vielen Dank für Ihre Rückmeldung!").wait_for()
    page.wait_for_timeout(200)
    assert [(r.status, r.deletion_code) for r in fake.requests()] == [(202, None), (202, None)]
    assert page.locator(HOST).get_by_role("status").text_content() == ""
    assert page.locator(f"{HOST} .c").count() == 0
    assert page.get_by_role("link", name="Text löschen").count() == 0


# ---- The on-site survey ----


@pytest.mark.parametrize("lang", ["de", "en"])
def test_a_survey_text_answer_shows_its_code_on_the_next_question_and_the_thanks(
    server: WidgetServer, fake_surveys: FakeSurveys, fake_answers: FakeFeedback, context: Any, lang: str
) -> None:
    fake_surveys.serve(survey(questions=[TEXT_QUESTION, ALL_TYPES[1]]))  # text, then yes/no
    city = open_city(context, city_html(server, lang=PAGE_LANG[lang]), axe=True)
    page = city.page
    region = survey_region(page, SURVEY_TITLE if lang == "de" else SURVEY_TITLE_EN)
    region.wait_for()
    page.get_by_label("Möchten Sie uns noch etwas sagen?").fill("Mehr Termine am Samstag, bitte.")
    button(page, text("widget.survey.next", lang)).click()
    wait_for_parts(page, fake_answers, 1)
    code = fake_answers.requests()[0].deletion_code
    assert code and re.fullmatch(DELETION_CODE, code)
    status = region.get_by_role("status").filter(has_text=code)  # in the panel from the start, empty until now
    status.wait_for()
    assert status.text_content() == f"{text('widget.code', lang)} {code}"
    expect_no_violations(city, f"next question with code ({lang})")

    page.get_by_role("radio", name=text("widget.yes", lang)).check()
    button(page, text("widget.survey.submit", lang)).click()
    thanks = text("widget.survey.thanks", lang)
    page.get_by_text(thanks).wait_for()
    wait_for_parts(page, fake_answers, 2)
    assert fake_answers.requests()[1].deletion_code is None  # yes/no: no text, no new code
    assert status.text_content() == f"{text('widget.code', lang)} {code}"
    shown = region.locator(".c")
    assert shown.evaluate("e => getComputedStyle(e).userSelect") == "all"
    link = region.get_by_role("link", name=text("widget.erase", lang), exact=True)
    assert link.get_attribute("href") == f"{server.url}/feedback/loeschen?lang={lang}"
    tab_leads_from_to(city, thanks, text("widget.erase", lang))
    expect_no_violations(city, f"thanks with code ({lang})")
    assert city.errors == []


def test_each_text_answer_brings_a_new_code_and_the_latest_is_shown(
    server: WidgetServer, fake_surveys: FakeSurveys, fake_answers: FakeFeedback, context: Any
) -> None:
    # Ingest gives the response a new code with each part that has text; it replaces the one before.
    wish = {**TEXT_QUESTION, "id": "wunsch", "text": {"de": "Was wünschen Sie sich?"}}
    fake_surveys.serve(survey(questions=[TEXT_QUESTION, wish]))
    page = open_city(context, city_html(server)).page
    region = survey_region(page)
    region.wait_for()
    page.get_by_label("Möchten Sie uns noch etwas sagen?").fill("Kürzere Wartezeiten.")
    button(page, "Weiter").click()
    wait_for_parts(page, fake_answers, 1)
    first = fake_answers.requests()[0].deletion_code
    assert first
    region.get_by_role("status").filter(has_text=first).wait_for()
    page.get_by_label("Was wünschen Sie sich?").fill("Termine auch abends.")
    button(page, "Absenden").click()
    wait_for_parts(page, fake_answers, 2)
    latest = fake_answers.requests()[1].deletion_code
    assert latest and latest != first
    region.get_by_role("status").filter(has_text=latest).wait_for()
    assert region.locator(".c").count() == 1 and region.get_by_text(first).count() == 0


def test_a_survey_without_text_answers_shows_no_code(
    server: WidgetServer, fake_surveys: FakeSurveys, fake_answers: FakeFeedback, context: Any
) -> None:
    fake_surveys.serve(survey(questions=ALL_TYPES[:2]))  # rating, yes/no
    page = open_city(context, city_html(server)).page
    survey_region(page).wait_for()
    page.get_by_role("radio", name="4 – gut").check()
    button(page, "Weiter").click()
    page.get_by_role("radio", name="Ja").check()
    button(page, "Absenden").click()
    page.get_by_text("Vielen Dank für Ihre Teilnahme!").wait_for()
    wait_for_parts(page, fake_answers, 2)
    page.wait_for_timeout(200)
    assert [r.deletion_code for r in fake_answers.requests()] == [None, None]
    assert survey_region(page).locator(".c").count() == 0
    assert page.get_by_role("link", name="Text löschen").count() == 0


# ---- The form without JavaScript ----


def form_url(server: WidgetServer, lang: str) -> str:
    return f"{server.url}/feedback/form?site=abfall&page={quote(PAGE, safe='')}&lang={lang}"


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_form_thanks_page_shows_the_code_and_the_erasure_link(
    server: WidgetServer, fake: FakeFeedback, context: Any, lang: str
) -> None:
    city = open_page(context, form_url(server, lang), axe=True)
    page = city.page
    expect_no_violations(city, f"form ({lang})")
    page.get_by_role("radio", name=text("widget.no", lang), exact=True).check()
    page.get_by_label(text("widget.comment", lang)).fill("Die Abholung fehlt im Kalender.")
    page.get_by_role("button", name=text("form.submit", lang)).click()
    page.get_by_role("heading", level=1, name=text("widget.thanks", lang)).wait_for()

    ((submission, code),) = server.ingest.submissions
    assert submission.comment == "Die Abholung fehlt im Kalender." and code and re.fullmatch(DELETION_CODE, code)
    assert page.get_by_text(code, exact=True).is_visible()
    assert page.get_by_text(code, exact=True).evaluate("e => getComputedStyle(e).userSelect") == "all"
    link = page.get_by_role("link", name=text("erasure.code.link", lang), exact=True)
    assert link.get_attribute("href") == f"/feedback/loeschen?lang={lang}"
    expect_no_violations(city, f"thanks with code ({lang})")
    link.click()
    page.get_by_role("heading", level=1, name=text("erasure.page.title", lang)).wait_for()
    assert page.locator("html").get_attribute("lang") == lang
    assert city.errors == []


def test_the_form_thanks_page_without_text_shows_no_code(
    server: WidgetServer, fake: FakeFeedback, context: Any
) -> None:
    page = open_page(context, form_url(server, "de")).page
    page.get_by_role("radio", name="Ja", exact=True).check()
    page.get_by_role("radio", name="5 – sehr gut").check()
    page.get_by_role("button", name="Rückmeldung senden").click()
    page.get_by_role("heading", level=1, name="Vielen Dank für Ihre Rückmeldung!").wait_for()
    assert [code for _, code in server.ingest.submissions] == [None]
    assert page.get_by_text(text("erasure.code.intro", "de")).count() == 0
    assert page.get_by_role("link", name="Text löschen").count() == 0


# ---- The erasure page ----


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_erasure_page_by_keyboard_at_375_px(
    server: WidgetServer, fake: FakeFeedback, new_context: Any, lang: str
) -> None:
    context = new_context(viewport={"width": 375, "height": 667})
    city = open_page(context, f"{server.url}/feedback/loeschen?lang={lang}", axe=True)
    page, keys = city.page, city.page.keyboard
    assert page.locator("html").get_attribute("lang") == lang
    assert page.get_by_role("heading", level=1, name=text("erasure.page.title", lang)).is_visible()
    assert page.get_by_text(text("erasure.page.intro", lang)).is_visible()

    def check(state: str) -> None:
        expect_no_violations(city, f"{state} ({lang})")
        assert not city.js(SIDEWAYS), f"scrolls sideways at 375 px: {state}"
        assert city.js(STACKED), f"label, hint, field and button overlap: {state}"

    check("empty")
    # Sent empty: the page says what is missing, next to the field.
    keys.press("Tab")
    assert city.focused()["id"] == "code" and city.js(OUTLINE) == "solid"  # a visible focus
    keys.press("Enter")
    page.get_by_role("alert").filter(has_text=text("erasure.error.empty", lang)).wait_for()
    field = page.get_by_label(text("erasure.page.label", lang))
    assert field.get_attribute("aria-invalid") == "true"
    assert "code-error" in (field.get_attribute("aria-describedby") or "").split()
    check("error")
    # A code as people type it (any case, with a space), Tab to the button, Enter.
    keys.press("Tab")
    assert city.focused()["id"] == "code"
    keys.type("abcde fgh23")
    keys.press("Tab")
    assert city.focused() | {"id": ""} == {
        "tag": "button", "id": "", "text": text("erasure.page.button", lang), "label": "", "type": "submit"
    }  # fmt: skip
    assert city.js(OUTLINE) == "solid"
    keys.press("Enter")
    page.get_by_role("status").filter(has_text=text("erasure.page.done", lang)).wait_for()
    assert server.ingest.pool.lookups == 1  # the code was looked up (the answer is the same for any code)
    check("done")
    assert city.errors == [  # the console's note on the empty form's answer
        "Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)"
    ]
