"""Trends for the staff console: periods, daily series, changes, chart geometry, CSV, and the SVG macros."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from services.analytics.domain import COUNTERS
from services.analytics.trends import (
    PERIODS,
    change,
    daily_series,
    distribution,
    line_chart,
    period_bounds,
    totals,
    trend_csv,
    volume_chart,
)
from shared.templates import template_environment

NOV = date(2024, 11, 1)


def counters(day: date, **values: int) -> dict[str, Any]:
    return {"day": day, **dict.fromkeys(COUNTERS, 0), **values}


def rated(day: date, *stars: int) -> dict[str, Any]:
    """A day's row with one response per rating given."""
    row = counters(day, responses=len(stars), rating_count=len(stars), rating_sum=sum(stars))
    for s in stars:
        row[f"rating_{s}"] += 1
    return row


def day_of(i: int) -> date:
    return NOV + timedelta(days=i)


def series_of(values: list[float | None], key: str = "rating_mean") -> list[dict[str, Any]]:
    """Series entries with ``key`` set directly, each resting on ten answers unless the value is None."""
    return [
        {
            "day": day_of(i),
            key: v,
            "responses": 0 if v is None else 10,
            "rating_count": 0 if v is None else 10,
            "helpful_yes": 0 if v is None else 5,
            "helpful_no": 0 if v is None else 5,
        }
        for i, v in enumerate(values)
    ]


def test_period_bounds_same_length_back_to_back() -> None:
    assert PERIODS == (7, 30, 90)
    assert period_bounds(date(2024, 11, 30), 30) == (date(2024, 10, 2), date(2024, 11, 1), date(2024, 12, 1))
    # Across a month boundary and the leap day: 7 days ending 5 March 2024 start on 28 February.
    assert period_bounds(date(2024, 3, 5), 7) == (date(2024, 2, 21), date(2024, 2, 28), date(2024, 3, 6))
    previous, current, end = period_bounds(date(2025, 1, 10), 90)
    assert (end - current).days == (current - previous).days == 90
    assert end == date(2025, 1, 11)
    with pytest.raises(ValueError):
        period_bounds(date(2024, 1, 1), 0)


def test_daily_series_sums_rows_and_fills_missing_days() -> None:
    rows = [
        rated(day_of(0), 5, 4),
        rated(day_of(0), 3),  # a second page of the same unit on the same day
        counters(day_of(2), responses=2, helpful_yes=1, helpful_no=1),
        rated(day_of(3), 1),  # outside [start, end)
        rated(NOV - timedelta(days=1), 1),
    ]
    series = daily_series(rows, NOV, day_of(3))
    assert [e["day"] for e in series] == [day_of(0), day_of(1), day_of(2)]
    assert series[0]["responses"] == 3
    assert series[0]["rating_count"] == 3
    assert series[0]["rating_mean"] == 4.0
    assert series[0]["rating_distribution"] == {"1": 0, "2": 0, "3": 1, "4": 1, "5": 1}
    assert series[1]["responses"] == 0
    assert series[1]["rating_mean"] is None
    assert series[1]["helpful_share"] is None
    assert series[2]["helpful_share"] == 0.5
    assert daily_series(rows, NOV, NOV) == []


def test_daily_series_refuses_timestamps() -> None:
    """A timestamp's calendar day depends on the time zone, which the caller has to settle."""
    with pytest.raises(TypeError):
        daily_series([counters(datetime(2024, 11, 1, 23, 30, tzinfo=UTC))], NOV, day_of(1))


def test_totals_sum_counters_over_the_period() -> None:
    rows = [rated(day_of(0), 5, 5, 5), rated(day_of(1), 1), rated(day_of(2), 2), rated(day_of(5), 4)]
    figures = totals(rows, NOV, day_of(2))
    assert figures["responses"] == 4
    assert figures["rating_mean"] == 4.0  # (15 + 1) / 4, not the mean of the daily means (3.0)
    assert figures["rating_distribution"]["5"] == 3
    empty = totals([], NOV, day_of(30))
    assert empty["responses"] == 0
    assert empty["rating_mean"] is None


def test_change_in_points_stars_and_relative_volume() -> None:
    current = {"responses": 15, "helpful_share": 0.75, "rating_mean": 4.1}
    previous = {"responses": 10, "helpful_share": 0.8, "rating_mean": 3.8}
    assert change(current, previous) == {"helpful_share": -5.0, "rating_mean": 0.3, "responses": 0.5}


def test_change_is_none_without_figures_on_either_side() -> None:
    current = {"responses": 4, "helpful_share": None, "rating_mean": 4.0}
    previous = {"responses": 0, "helpful_share": 0.5, "rating_mean": None}
    assert change(current, previous) == {"helpful_share": None, "rating_mean": None, "responses": None}
    assert change(previous, current)["responses"] == -1.0


def test_line_chart_maps_lo_and_hi_to_the_plot_edges() -> None:
    chart = line_chart(series_of([1, 2, 3, 4, 5]), "rating_mean", label="Mittlere Bewertung", lo=1, hi=5)
    plot = chart["plot"]
    assert chart["view_box"] == "0 0 640 200"
    assert (chart["width"], chart["height"]) == (640, 200)
    assert len(chart["segments"]) == 1
    first, *_, last = chart["segments"][0]
    assert first == f"{plot['left']},{plot['bottom']}"
    assert last == f"{plot['right']},{plot['top']}"
    ys = [p["y"] for p in chart["points"]]
    assert ys == sorted(ys, reverse=True)
    assert ys[2] == (plot["top"] + plot["bottom"]) / 2
    assert [g["label"] for g in chart["gridlines"]] == ["1", "2", "3", "4", "5"]
    assert chart["gridlines"][0]["y"] == plot["bottom"]


def test_line_chart_breaks_at_gaps_and_labels_first_and_last_day() -> None:
    chart = line_chart(series_of([3.8, 4.0, None, 3.2, 4.5]), "rating_mean", label="Mittlere Bewertung", lo=1, hi=5)
    assert len(chart["segments"]) == 2
    assert [len(s) for s in chart["segments"]] == [2, 2]
    assert len(chart["points"]) == 4
    assert [t["label"] for t in chart["ticks"]] == ["01.11.", "02.11.", "03.11.", "04.11.", "05.11."]
    assert chart["name"] == (
        "Mittlere Bewertung vom 01.11. bis 05.11.: von 3,8 auf 4,5; niedrigster Wert 3,2 am 04.11., "
        "höchster 4,5 am 05.11. An einem Tag zu wenige Antworten für einen Wert."
    )


def test_line_chart_gates_days_on_the_answers_behind_the_figure() -> None:
    series = series_of([4.0, 2.0, 4.0])
    series[1]["rating_count"] = 2  # two ratings: too few for a mean worth plotting
    chart = line_chart(series, "rating_mean", label="Mittlere Bewertung", lo=1, hi=5, min_count=5)
    assert chart["segments"] == []  # two isolated values, nothing to connect
    assert len(chart["points"]) == 2
    assert "niedrigster Wert 4,0" in chart["name"]
    assert line_chart(series, "rating_mean", label="M", lo=1, hi=5, min_count=1)["segments"][0][1].endswith(",130.5")


def test_share_chart_uses_percent_labels() -> None:
    chart = line_chart(series_of([0.8, 0.75, 0.9], "helpful_share"), "helpful_share", label="Anteil hilfreich",
                       lo=0, hi=1)  # fmt: skip
    labels = [g["label"] for g in chart["gridlines"]]
    assert labels[0] == "0 %"
    assert "80 %" in labels
    assert labels[-1] == "100 %"
    assert chart["name"].startswith("Anteil hilfreich vom 01.11. bis 03.11.: von 80 % auf 90 %; niedrigster Wert 75 %")


def test_line_chart_ticks_for_long_periods() -> None:
    for days in (30, 90):
        chart = line_chart(series_of([3.0] * days), "rating_mean", label="M", lo=1, hi=5)
        labels = [t["label"] for t in chart["ticks"]]
        assert 6 <= len(labels) <= 8
        assert labels[0] == "01.11."
        assert labels[-1] == day_of(days - 1).strftime("%d.%m.")
        xs = [t["x"] for t in chart["ticks"]]
        assert xs == sorted(xs)
        assert xs[-1] == chart["plot"]["right"]


def test_line_chart_without_values() -> None:
    assert line_chart([], "rating_mean", label="M", lo=1, hi=5)["name"] == "M: keine Daten."
    chart = line_chart(series_of([None, None]), "rating_mean", label="M", lo=1, hi=5)
    assert chart["points"] == []
    assert chart["name"] == "M vom 01.11. bis 02.11.: an keinem Tag genug Antworten für einen Wert."


def test_volume_chart_bars_are_proportional() -> None:
    series = [counters(day_of(i), responses=n) for i, n in enumerate([10, 20, 0, 40])]
    chart = volume_chart(series, label="Antworten pro Tag")
    bars = chart["bars"]
    assert [b["value"] for b in bars] == [10, 20, 0, 40]
    assert bars[1]["height"] == 2 * bars[0]["height"]
    assert bars[3]["height"] == 4 * bars[0]["height"]
    assert bars[2]["height"] == 0
    assert all(b["y"] + b["height"] == chart["plot"]["bottom"] for b in bars)
    assert [g["label"] for g in chart["gridlines"]] == ["0", "10", "20", "30", "40"]
    assert bars[3]["y"] == chart["plot"]["top"]
    assert chart["name"] == (
        "Antworten pro Tag vom 01.11. bis 04.11.: insgesamt 70 Antworten; höchster Tageswert 40 am 04.11. "
        "An einem Tag keine Antworten."
    )


def test_volume_chart_thousands_and_empty() -> None:
    series = [counters(day_of(i), responses=n) for i, n in enumerate([1200, 800])]
    assert "insgesamt 2.000 Antworten; höchster Tageswert 1.200 am 01.11." in volume_chart(series, label="A")["name"]
    quiet = volume_chart([counters(day_of(0))], label="A")
    assert quiet["name"] == "A vom 01.11. bis 01.11.: keine Antworten."
    assert quiet["bars"][0]["height"] == 0


def test_distribution_rows_with_german_shares() -> None:
    figures = totals([rated(day_of(0), 5, 5, 4, 1)], NOV, day_of(1))
    rows = distribution(figures)
    assert [r["stars"] for r in rows] == [1, 2, 3, 4, 5]
    assert [r["count"] for r in rows] == [1, 0, 0, 1, 2]
    assert [r["share_text"] for r in rows] == ["25 %", "0 %", "0 %", "25 %", "50 %"]
    assert distribution(counters(NOV, rating_3=2))[2]["share_text"] == "100 %"
    assert {r["share_text"] for r in distribution(counters(NOV))} == {"–"}


def test_trend_csv_is_for_german_excel() -> None:
    rows = [rated(day_of(0), 4, 4, 5), counters(day_of(0), responses=1, helpful_yes=2, helpful_no=1)]
    csv = trend_csv(daily_series(rows, NOV, day_of(2)))
    assert csv.startswith("Tag;Antworten;Hilfreich ja;Hilfreich nein;Anteil hilfreich;Bewertungen;")
    lines = csv.split("\r\n")
    assert lines[0].endswith("Mittlere Bewertung;1 Stern;2 Sterne;3 Sterne;4 Sterne;5 Sterne")
    assert lines[1] == "2024-11-01;4;2;1;66,7;3;4,33;0;0;0;2;1"
    assert lines[2] == "2024-11-02;0;0;0;;0;;0;0;0;0;0"
    assert lines[3] == ""
    assert len(lines) == 4


@pytest.fixture(scope="module")
def macros() -> Any:
    environment = template_environment(Path("services/analytics/templates"))
    return environment.from_string(
        '{% from "console_charts.html" import line_chart, volume_chart %}'
        '{{ line_chart(line, "trend-rating") }}{{ volume_chart(volume, "trend-volume") }}'
    )


def test_macros_render_accessible_svg_without_inline_styles(macros: Any) -> None:
    line = line_chart(series_of([3.8, 4.0, None, 3.2, 4.5]), "rating_mean", label="Mittlere <Bewertung>", lo=1, hi=5)
    volume = volume_chart([counters(day_of(i), responses=n) for i, n in enumerate([3, 0, 5])], label="Antworten")
    html = macros.render(line=line, volume=volume)
    assert html.count('role="img"') == 2
    assert 'aria-labelledby="trend-rating-title"' in html
    assert '<title id="trend-rating-title">Mittlere &lt;Bewertung&gt; vom 01.11.' in html
    assert 'aria-labelledby="trend-volume-title"' in html
    assert html.count('focusable="false"') == 2
    assert html.count("<polyline") == 2
    assert html.count("<rect") == 2  # the day without responses draws no bar
    for points in re.findall(r'points="([^"]*)"', html):  # SVG coordinates keep decimal points, German or not
        assert all(re.fullmatch(r"\d+(\.\d)?,\d+(\.\d)?", p) for p in points.split(" "))
    assert ">01.11.</text>" in html
    assert "style=" not in html
    assert "<script" not in html
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids))
