"""Measures: their rules (refusals at their fields) and the statistics of their effect, against values worked out
by hand or published (Newcombe 1998, Statistics in Medicine 17: 857–872, tables I and II)."""

from __future__ import annotations

import math
import uuid
from dataclasses import replace
from datetime import date, timedelta

import pytest

from services.analytics.measure_domain import (
    Counts,
    check,
    effect,
    mean_interval,
    measure_from_form,
    newcombe,
    season_note,
    t975,
    variance,
    welch,
    wilson,
    window_figures,
    windows,
)
from shared.messages import CATALOGUE

TODAY = date(2026, 12, 7)
ID = uuid.UUID(int=7)
FORM = {
    "org_unit": "abfallwirtschaft",
    "title_de": "Abfallkalender als Liste",
    "description_de": "Der Kalender zeigt die Termine jetzt als Liste.",
    "live_on": "2026-10-01",
    "pages": "https://abfall.musterstadt.de/abfallkalender/\nhttps://ABFALL.musterstadt.de/abfallkalender",
}


def approx(value: tuple[float, float] | None, expected: tuple[float, float]) -> bool:
    return value is not None and all(math.isclose(a, b, abs_tol=5e-5) for a, b in zip(value, expected, strict=True))


def test_wilson_and_newcombe_give_the_published_values() -> None:
    assert approx(wilson(81, 263), (0.2553, 0.3662))  # Newcombe's table I, method 3
    assert approx(wilson(15, 148), (0.0624, 0.1605))
    assert approx(wilson(0, 20), (0.0, 0.1611))
    assert approx(newcombe(48, 80, 56, 70), (0.0524, 0.3339))  # table II, method 10: 56/70 − 48/80
    assert approx(newcombe(3, 10, 9, 10), (0.1705, 0.8090))  # 9/10 − 3/10
    assert approx(newcombe(0, 29, 5, 56), (-0.0381, 0.1926))  # 5/56 − 0/29


def test_the_mean_interval_uses_t_and_the_sample_variance() -> None:
    # Ratings 5, 4, 4, 3, 5: mean 4.2, s² = (0.64 + 0.04 + 0.04 + 1.44 + 0.64) / 4 = 0.7, s/√5 = 0.374166;
    # t(4) = 2.7764: 4.2 ± 1.038836 = 3.1612 … 5.2388, cut to the scale's 5.
    c = Counts(5, 0, 0, 5, 21, 25 + 16 + 16 + 9 + 25)
    assert math.isclose(variance(c), 0.7)
    assert approx(mean_interval(c), (3.1612, 5.0))
    assert (t975(1), t975(30)) == (12.7062, 2.0423)
    assert math.isclose(t975(40), 2.0211, abs_tol=1e-4) and math.isclose(t975(100), 1.9840, abs_tol=1e-4)


def test_welch_interval_by_hand() -> None:
    # Before: 20 ratings, ten 2s and ten 4s: mean 3, s² = 20/19; after: 20 ratings, ten 3s and ten 5s: mean 4,
    # s² = 20/19. se = √(2 · (20/19) / 20) = 0.324443; df = 38 (equal variances and sizes): t = 2.0244;
    # 1 ± 0.656800.
    before = Counts(20, 0, 0, 20, 60, 10 * 4 + 10 * 16)
    after = Counts(20, 0, 0, 20, 80, 10 * 9 + 10 * 25)
    assert approx(welch(before, after), (0.3432, 1.6568))


def test_windows_are_equal_and_cut_to_the_days_elapsed() -> None:
    w = windows(date(2026, 10, 1), TODAY)  # 67 whole days since go-live
    assert (w.before_start, w.after_end, w.days) == (date(2026, 7, 26), date(2026, 12, 7), 67)
    w = windows(date(2026, 3, 1), TODAY)
    assert (w.before_start, w.after_end, w.days) == (date(2025, 12, 1), date(2026, 5, 30), 90)
    assert windows(TODAY, TODAY).days == 0 and windows(date(2027, 1, 1), TODAY).days == 0


def test_the_verdicts() -> None:
    w = windows(date(2026, 3, 1), TODAY)
    better = effect(w, Counts(80, 48, 32), Counts(70, 56, 14))
    assert better.verdict == "better" and approx(better.share_interval, (0.0524, 0.3339))
    assert better.share_difference is not None and math.isclose(better.share_difference, 0.8 - 0.6)
    assert better.mean_interval is None  # no ratings: the share alone decides
    assert effect(w, Counts(70, 56, 14), Counts(80, 48, 32)).verdict == "worse"
    assert effect(w, Counts(80, 40, 40), Counts(80, 42, 38)).verdict == "none"
    assert effect(w, Counts(15, 10, 5), Counts(15, 14, 1)).verdict == "too_few"  # 15 < 20 answers a window
    # Helpful more often, but rated 3 instead of 5: the two point in different directions.
    mixed = effect(w, Counts(80, 48, 32, 30, 150, 750), Counts(70, 56, 14, 30, 90, 270))
    assert mixed.verdict == "mixed" and mixed.mean_interval == (-2.0, -2.0)
    assert effect(windows(TODAY, TODAY), Counts(80, 48, 32), Counts()).verdict == "pending"


def test_no_verdict_before_a_whole_week() -> None:
    """Found in review: a day before against a day after go-live gave 'deutlich besser' with enough answers, though
    the difference may be that of a Sunday's visitors and a Monday's."""
    strong = (Counts(200, 60, 140), Counts(200, 180, 20))
    found = {d: effect(windows(TODAY - timedelta(days=d), TODAY), *strong) for d in (0, 1, 6, 7)}
    assert {d: e.verdict for d, e in found.items()} == {0: "pending", 1: "early", 6: "early", 7: "better"}
    assert found[6].share_interval is None and found[6].after.helpful_share == 0.9  # the figures are shown
    assert set(CATALOGUE["measures.verdict.early"]) == {"de", "en"}


def test_fewer_than_five_responses_show_no_figures() -> None:
    assert window_figures(Counts(4, 4, 0, 4, 20, 100)) == window_figures(Counts())
    assert window_figures(Counts()).suppressed
    few_answers = window_figures(Counts(9, 3, 1, 6, 24, 100))  # 4 helpful answers: share withheld, mean shown
    assert few_answers.responses == 9 and few_answers.helpful_share is None and few_answers.rating_mean == 4.0
    shown = window_figures(Counts(70, 56, 14))
    assert shown.helpful_share == 0.8 and approx(shown.helpful_interval, (0.6918, 0.8770))


def test_seasonality_is_noted_where_seasons_or_the_turn_of_the_year_differ() -> None:
    note = season_note(windows(date(2026, 10, 1), TODAY))  # 26.7.–30.9. against 1.10.–6.12.
    assert note is not None and note.seasons_differ and note.year_end is None
    assert (note.before_months, note.after_months) == ((7, 8, 9), (10, 11, 12))
    note = season_note(windows(date(2026, 1, 20), date(2026, 2, 20)))  # 20.12.–19.1. against 20.1.–18.2.
    assert note is not None and not note.seasons_differ and note.year_end == "before"
    assert season_note(windows(date(2026, 5, 1), date(2026, 5, 15))) is None  # 14 days of spring each
    assert season_note(windows(TODAY, TODAY)) is None


def test_a_form_becomes_a_measure_with_normalised_pages() -> None:
    m, problems = measure_from_form(FORM, ID)
    assert problems == []
    assert m.pages == ("https://abfall.musterstadt.de/abfallkalender",) and m.window_days == 90
    assert check(m, ["abfallwirtschaft"], ["abfall"], TODAY) == []
    m, _ = measure_from_form(FORM | {"pages": "", "site": "abfall"}, ID)
    assert (m.site, m.path_prefix) == ("abfall", "/")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"live_on": "1.10.2026"}, "live_on"),
        ({"pages": "abfall.musterstadt.de/kalender"}, "pages"),
        ({"comment_ids": "not-an-id"}, "comment_ids"),
        ({"hackathon_id": "hack", "submission_id": "42"}, "submission_id"),
    ],
)
def test_what_cannot_be_read_is_refused_at_its_field(changes: dict[str, str], field: str) -> None:
    _, problems = measure_from_form(FORM | changes, ID)
    assert [p.field for p in problems] == [field]
    assert all(p.key in CATALOGUE and p.status == 422 for p in problems)


def test_every_rule_is_refused_at_its_field_in_german() -> None:
    m, _ = measure_from_form(FORM, ID)
    broken = replace(m, org_unit="kultur", title_de="", description_de="x" * 4001, live_on=date(2028, 1, 1),
                     window_days=3, pages=(), site=None, path_prefix="/x", theme="t" * 101,
                     challenge_id="c", submission_id=uuid.UUID(int=1))  # fmt: skip
    problems = check(broken, ["abfallwirtschaft"], ["abfall"], TODAY)
    fields = ["org_unit", "title_de", "description_de", "live_on", "window_days", "pages", "path_prefix", "theme",
              "challenge_id", "submission_id"]  # fmt: skip
    assert [p.field for p in problems] == fields
    assert all(p.key in CATALOGUE and p.reason("de") != p.reason("en") for p in problems)
    assert [p.field for p in check(replace(m, site="kultur"), ["abfallwirtschaft"], ["abfall"], TODAY)] == ["site"]
