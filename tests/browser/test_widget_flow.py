"""The citizen's flow through the widget and exactly what it sends: floating, inline, English, own texts, privacy."""

from __future__ import annotations

import re
from typing import Any

from tests.browser.conftest import PAGE, FakeFeedback, WidgetServer
from tests.browser.pages import (
    PAGE_WITH_QUERY,
    UUID4,
    answer_yes_then_follow_up,
    button,
    city_html,
    launcher,
    open_city,
)

STEP1_KEYS = {"event_id", "response_id", "site", "page_url", "helpful", "language", "elapsed_ms"}
# A comment exercising the JSON encoder: quotes, backslash, line breaks, tab, umlauts, emoji, a control char.
COMMENT = 'Die Termine für die "Hauptstraße" fehlen.\nPfad: C:\\Abfall\r\n\tÄÖÜß 🗑️ Ende\x07'


def test_full_flow_sends_two_linked_parts_with_exact_bodies(
    server: WidgetServer, fake: FakeFeedback, context: Any
) -> None:
    city = open_city(context, city_html(server))
    page = city.page
    launcher(page).click()
    answer_yes_then_follow_up(page, comment=COMMENT, suggestion="Bitte als Kalenderdatei anbieten.")

    first, second = fake.requests()
    one, two = first.body, second.body
    assert set(one) == STEP1_KEYS
    assert UUID4.match(one["event_id"]) and one["response_id"] == one["event_id"]
    assert one["site"] == "abfall" and one["helpful"] is True and one["language"] == "de"
    assert one["page_url"] == PAGE  # origin + path: no query, no fragment
    assert isinstance(one["elapsed_ms"], int) and one["elapsed_ms"] >= 0

    assert set(two) == STEP1_KEYS - {"helpful"} | {"rating", "category", "comment", "suggestion", "website"}
    assert UUID4.match(two["event_id"]) and two["event_id"] != one["event_id"]
    assert two["response_id"] == one["event_id"]
    assert (two["rating"], two["category"]) == (2, "accessibility_barrier")
    # A textarea's value has \n line breaks; control characters other than \n \r \t are dropped.
    assert two["comment"] == COMMENT.replace("\r\n", "\n").replace("\x07", "")
    assert two["suggestion"] == "Bitte als Kalenderdatei anbieten."
    assert two["website"] == "" and two["page_url"] == PAGE and two["language"] == "de"
    assert first.status == second.status == 202  # the real FeedbackRequest model accepted both

    for request in (first, second):
        assert request.headers["content-type"] == "application/json"
        assert request.headers["origin"] == "https://abfall.musterstadt.de"
        assert "cookie" not in request.headers and "referer" not in request.headers
    assert city.errors == []


def test_no_answer_sends_helpful_false_and_an_empty_follow_up_sends_nothing(
    server: WidgetServer, fake: FakeFeedback, context: Any
) -> None:
    page = open_city(context, city_html(server)).page
    launcher(page).click()
    button(page, "Nein").click()
    page.get_by_text("Möchten Sie uns noch mehr sagen?").wait_for()
    page.get_by_label("Ihr Kommentar").fill("   \n  ")  # blank is empty
    button(page, "Absenden").click()
    page.get_by_text("Vielen Dank für Ihre Rückmeldung!").wait_for()
    page.wait_for_timeout(300)
    assert [b["helpful"] for b in fake.bodies()] == [False]


def test_only_a_comment_is_sent_without_the_fields_left_empty(
    server: WidgetServer, fake: FakeFeedback, context: Any
) -> None:
    page = open_city(context, city_html(server)).page
    launcher(page).click()
    button(page, "Ja").click()
    page.get_by_label("Ihr Verbesserungsvorschlag").fill("Mehr Wertstoffhöfe, bitte.")
    button(page, "Absenden").click()
    page.get_by_text("Vielen Dank für Ihre Rückmeldung!").wait_for()
    follow_up = fake.bodies()[1]
    assert "rating" not in follow_up and "comment" not in follow_up and "category" not in follow_up
    assert follow_up["suggestion"] == "Mehr Wertstoffhöfe, bitte."


def test_inline_container_renders_in_the_page_flow(server: WidgetServer, fake: FakeFeedback, context: Any) -> None:
    page = open_city(context, city_html(server, inline=True)).page
    assert launcher(page).count() == 0 and page.get_by_role("dialog").count() == 0
    question = page.get_by_text("War diese Seite hilfreich?")
    assert question.is_visible()
    # Inside the page's container, not floating on top.
    assert page.locator("[data-stadtstimme-feedback]").evaluate("e => !!e.shadowRoot")
    answer_yes_then_follow_up(page, comment="Gut gemacht.")
    bodies = fake.bodies()
    assert [b.get("helpful") for b in bodies] == [True, None]
    assert bodies[1]["response_id"] == bodies[0]["event_id"] and bodies[1]["comment"] == "Gut gemacht."


def test_english_when_the_page_is_english(server: WidgetServer, fake: FakeFeedback, context: Any) -> None:
    page = open_city(context, city_html(server, lang="en-GB")).page
    launcher(page, "Feedback on this page").click()
    assert page.get_by_text("Was this page helpful?").is_visible()
    assert page.locator("[data-stadtstimme-host] [lang]").first.get_attribute("lang") == "en"
    button(page, "Yes").click()
    page.get_by_role("radio", name="5 – very good").check()
    page.get_by_label("What is it about?").select_option(label="Report an accessibility barrier")
    button(page, "Send").click()
    page.get_by_text("Thank you for your feedback!").wait_for()
    assert [b["language"] for b in fake.bodies()] == ["en", "en"]
    assert fake.bodies()[1]["category"] == "accessibility_barrier"


def test_data_lang_and_text_overrides_on_the_script_tag(server: WidgetServer, fake: FakeFeedback, context: Any) -> None:
    attrs = 'data-lang="de" data-text-question="Hat Ihnen diese Seite geholfen?" data-text-launcher="Ihre Meinung"'
    page = open_city(context, city_html(server, lang="en", attrs=attrs)).page
    launcher(page, "Ihre Meinung").click()
    assert page.get_by_text("Hat Ihnen diese Seite geholfen?").is_visible()
    button(page, "Ja").click()  # everything not overridden stays in the catalogue's German
    page.get_by_text("Möchten Sie uns noch mehr sagen?").wait_for()
    assert fake.bodies()[0]["language"] == "de"


def test_data_page_url_replaces_the_address_and_is_cut_to_origin_and_path(
    server: WidgetServer, fake: FakeFeedback, context: Any
) -> None:
    attrs = 'data-page-url="https://abfall.musterstadt.de/sperrmuell?id=7#a"'
    page = open_city(context, city_html(server, attrs=attrs)).page
    launcher(page).click()
    button(page, "Ja").click()
    page.get_by_text("Möchten Sie uns noch mehr sagen?").wait_for()
    assert fake.bodies()[0]["page_url"] == "https://abfall.musterstadt.de/sperrmuell"


def test_nothing_but_the_script_before_interaction_and_no_storage_ever(
    server: WidgetServer, fake: FakeFeedback, context: Any
) -> None:
    city = open_city(context, city_html(server))
    page = city.page
    launcher(page).wait_for()
    page.wait_for_timeout(500)
    # Besides the script, only the site's survey definitions (no survey here): the same URL for every page and
    # visitor, see test_survey_targeting.py for what that request carries.
    definitions = f"{server.url}/api/v1/surveys?site=abfall"
    assert city.requests == [PAGE_WITH_QUERY.split("#")[0], server.script, definitions]
    launcher(page).click()  # opening the panel is not an answer: still nothing sent
    page.wait_for_timeout(300)
    assert city.widget_requests(server) == [server.script, definitions] and fake.bodies() == []

    answer_yes_then_follow_up(page, comment="Danke.")
    page.locator("[data-stadtstimme-host] .c").wait_for()  # the deletion code, shown by the lazily loaded bundle
    *sent, bundle = city.widget_requests(server)
    assert sent == [server.script, definitions] + [f"{server.url}/api/v1/feedback"] * 2
    assert re.fullmatch(re.escape(server.url) + r"/widget/v1/survey-[0-9a-f]{16}\.js", bundle)
    storage = page.evaluate(
        "async () => ({cookie: document.cookie, local: localStorage.length, session: sessionStorage.length,"
        " idb: indexedDB.databases ? (await indexedDB.databases()).length : 0})"
    )
    assert storage == {"cookie": "", "local": 0, "session": 0, "idb": 0}
    assert context.cookies() == []
    assert all("cookie" not in r.headers for r in fake.requests())
