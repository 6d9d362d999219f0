"""A measure's effect as the console, /wirkung and the hackathon's results page show it: formats, "< 5", origins,
staff texts kept text in the CSV and the feed."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime

from services.analytics.impact_page import as_csv, atom, item, open_data_row
from services.analytics.measure_domain import Counts, Measure, effect, published, windows
from services.analytics.measure_store import StoredMeasure
from services.analytics.measure_view import effect_view, origin_lines
from services.hackathon.pages import achieved

LIVE = date(2026, 10, 1)
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
MEASURE = Measure(uuid.UUID(int=3), "abfallwirtschaft", "Abfallkalender als Liste", "Jetzt als Liste.", LIVE,
                  title_en="Waste calendar as a list", theme="Abfallkalender",
                  comment_ids=(uuid.UUID(int=1), uuid.UUID(int=2)), hackathon_id="hack-2025")  # fmt: skip


def test_figures_in_german_and_english_with_intervals() -> None:
    shown = effect(windows(LIVE, date(2026, 12, 7)), Counts(30, 15, 15), Counts(30, 26, 4))
    de, en = effect_view(shown, "de"), effect_view(shown, "en")
    assert de["before"] | {"period": ""} == {"period": "", "responses": "30", "share": "50 %",
                                             "share_ci": "(33 % bis 67 %)", "mean": "–", "mean_ci": ""}  # fmt: skip
    assert de["before"]["period"] == "26.07.2026 bis 30.09.2026" and en["after"]["period"] == "2026-10-01 to 2026-12-06"
    assert de["verdict_text"] == "deutlich besser" and en["verdict_text"] == "clearly better"
    assert de["share_difference"] == "Anteil „hilfreich“: +37 Prozentpunkte (95-%-KI +13 bis +55)"
    assert de["seasonality"] == [
        "Hinweis: Die Zeiträume liegen in verschiedenen Jahreszeiten (vorher Juli–September, nachher "
        "Oktober–Dezember); ein Teil des Unterschieds kann jahreszeitlich bedingt sein."
    ]


def test_small_numbers_are_shown_as_fewer_than_five() -> None:
    shown = effect_view(effect(windows(LIVE, date(2026, 12, 7)), Counts(4, 4, 0), Counts(3, 1, 2)), "de")
    assert (shown["before"]["responses"], shown["before"]["share"], shown["verdict"]) == ("< 5", "–", "too_few")
    both_small = effect(windows(LIVE, date(2026, 12, 7)), Counts(4, 4, 0), Counts(3, 1, 2))
    assert origin_lines(MEASURE, both_small, "de") == [
        "aus < 10 Rückmeldungen zu „Abfallkalender“",  # 7 with both windows withheld; 8 would be 4 + 4
        "angeregt durch < 5 Kommentare aus dem Posteingang",
        "aus einer Lösung des Hackathons „hack-2025“",
    ]


def test_the_total_gives_no_withheld_window_away() -> None:
    """Found in review: "aus 103 Rückmeldungen" next to "nachher 100" told that 3 responses came before."""
    one_small = effect(windows(LIVE, date(2026, 12, 7)), Counts(3, 2, 1), Counts(100, 80, 20))
    assert effect_view(one_small, "de")["before"]["responses"] == "< 5"
    assert origin_lines(MEASURE, one_small, "de")[0] == "aus mindestens 100 Rückmeldungen zu „Abfallkalender“"
    assert origin_lines(MEASURE, one_small, "en")[0] == "from at least 100 responses on “Abfallkalender”"
    assert published(one_small)["responses"] is None and effect_view(one_small, "de")["responses"] is None
    stored = StoredMeasure(MEASURE, 1, NOW, "t", NOW, NOW, "t")
    assert open_data_row(stored, one_small, "Abfallwirtschaft")["responses"] is None
    page = item(stored, one_small, "Abfallwirtschaft", "de")
    assert "103" not in repr(page)
    nothing = effect(windows(LIVE, LIVE), Counts(), Counts())  # go-live today
    assert origin_lines(MEASURE, nothing, "de")[0] == "aus < 5 Rückmeldungen zu „Abfallkalender“"
    both = effect(windows(LIVE, date(2026, 12, 7)), Counts(30, 15, 15), Counts(30, 26, 4))
    assert origin_lines(MEASURE, both, "de")[0] == "aus 60 Rückmeldungen zu „Abfallkalender“"
    assert published(both)["responses"] == 60


def test_the_hackathon_page_shows_what_a_solution_achieved() -> None:
    figures = published(effect(windows(LIVE, date(2026, 12, 7)), Counts(4, 4, 0), Counts(30, 26, 4)))
    outcome = {"measure_id": MEASURE.measure_id, "title_de": MEASURE.title_de, "title_en": MEASURE.title_en,
               "live_on": LIVE, "figures": figures}  # fmt: skip
    assert achieved(outcome, "en") == {
        "title": "Waste calendar as a list", "link": f"/wirkung?lang=en#m-{MEASURE.measure_id}",
        "live_on": "01.10.2026",
        "effect": "Effect: too few responses (share “helpful” before < 5, after 87%)",
    }  # fmt: skip
    assert achieved(outcome | {"figures": None}, "de")["effect"] == ""  # type: ignore[index]
    assert achieved(None, "de") is None


def test_staff_texts_stay_text_in_the_csv_and_the_feed() -> None:
    hostile = replace(MEASURE, title_de='=HYPERLINK("https://evil.example")', description_de="<b>fett</b> & mehr")
    stored = StoredMeasure(hostile, 1, NOW, "t", NOW, NOW, "t")
    found = effect(windows(LIVE, date(2026, 12, 7)), Counts(30, 15, 15), Counts(30, 26, 4))
    row = open_data_row(stored, found, "Abfallwirtschaft")
    assert as_csv([row]).splitlines()[1].split(";")[2] == '"\'=HYPERLINK(""https://evil.example"")"'
    feed = atom([(stored, item(stored, found, "Abfallwirtschaft", "de"))], "https://stadt.example", "de")
    assert b"&lt;b&gt;fett&lt;/b&gt; &amp; mehr" in feed and b"<b>" not in feed
    assert feed.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
