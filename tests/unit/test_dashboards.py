"""Dashboard periods, filters and figures: known answers for the parts the console computes itself."""

from __future__ import annotations

from datetime import date

import pytest

from services.analytics.dashboards import (
    BadPeriod,
    Filters,
    figures,
    formatted,
    parse_filters,
    parse_period,
    publication_row,
    query_of,
)

TODAY = date(2026, 11, 28)


def test_periods_are_7_30_or_90_days_up_to_today_or_a_chosen_range() -> None:
    p = parse_period({"days": "7"}, TODAY)
    assert (p.previous, p.start, p.end, p.days, p.custom) == (
        date(2026, 11, 15), date(2026, 11, 22), date(2026, 11, 29), 7, False)  # fmt: skip
    assert parse_period({"days": "12"}, TODAY).days == 30  # not offered: the default
    assert parse_period({"days": "x"}, TODAY).days == 30
    r = parse_period({"from": "2026-10-01", "to": "2026-10-31"}, TODAY)
    assert (r.previous, r.start, r.end, r.days, r.custom) == (
        date(2026, 8, 31), date(2026, 10, 1), date(2026, 11, 1), 31, True)  # fmt: skip
    assert query_of(r, Filters(prefix="https://a.de/")) == {"from": "2026-10-01", "to": "2026-10-31",
                                                           "prefix": "https://a.de/"}  # fmt: skip
    for bad in ({"from": "2026-02-30"}, {"to": "morgen"}, {"from": "2026-11-02", "to": "2026-11-01"},
                {"from": "2024-01-01", "to": "2026-01-01"}):  # fmt: skip
        with pytest.raises(BadPeriod):
            parse_period(bad, TODAY)


def test_filters_keep_only_usable_values() -> None:
    f = parse_filters({"site": "abfall", "unit": "Bad Unit", "category": "technical", "prefix": "  https://x/ "})
    assert f == Filters(unit=None, site="abfall", prefix="https://x/", category="technical")
    assert f.by_page and not Filters(category="service").by_page
    assert parse_filters({"category": "<script>"}).category is None


def counters(day: date, responses: int, yes: int, no: int, ratings: dict[int, int]) -> dict[str, object]:
    row: dict[str, object] = {"day": day, "responses": responses, "helpful_yes": yes, "helpful_no": no,
                              "rating_count": sum(ratings.values()),
                              "rating_sum": sum(k * v for k, v in ratings.items())}  # fmt: skip
    row.update({f"rating_{i}": ratings.get(i, 0) for i in range(1, 6)})
    return row


def test_figures_compare_the_period_with_the_one_before() -> None:
    period = parse_period({"days": "7"}, TODAY)
    rows = [
        counters(date(2026, 11, 27), 2, 1, 1, {5: 1, 3: 1}),
        counters(date(2026, 11, 25), 1, 0, 1, {1: 1}),
        counters(date(2026, 11, 18), 1, 1, 0, {4: 1}),  # the previous period
        counters(date(2026, 11, 1), 9, 9, 0, {5: 9}),  # before both: ignored
    ]
    f = figures(rows, period)
    assert f["current"]["responses"] == 3 and f["current"]["rating_mean"] == 3.0
    assert f["previous"]["responses"] == 1 and f["previous"]["rating_mean"] == 4.0
    assert f["change"] == {"helpful_share": -66.67, "rating_mean": -1.0, "responses": 2.0}
    assert [d["responses"] for d in f["series"]] == [0, 0, 0, 1, 0, 2, 0]
    assert formatted(f) == {"responses": "3", "helpful": "33 %", "rating": "3,00", "responses_change": "+200 %",
                            "helpful_change": "−67 Pp.", "rating_change": "−1,00"}  # fmt: skip


def test_publication_rows_protect_small_numbers() -> None:
    period = parse_period({"days": "7"}, TODAY)
    few = figures([counters(date(2026, 11, 27), 4, 3, 1, {5: 4})], period)
    assert publication_row({"name": "Bäder", "figures": few}) == ["Bäder", "< 5", "", ""]
    many = figures([counters(date(2026, 11, 27), 9, 6, 2, {4: 3, 5: 1})], period)
    # Nine responses are published; the helpful share rests on 8 answers, the mean on only 4: left empty.
    assert publication_row({"name": "=Bäder", "figures": many}) == ["=Bäder", "9", "75", ""]
