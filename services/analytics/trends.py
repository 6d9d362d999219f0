"""Satisfaction trends for the staff console: daily series over 7/30/90 days, the change against the period
before, and the geometry of server-side SVG charts.

Everything here is pure (no I/O, no clock): the console fetches per-day counter rows, these functions turn them
into figures and into plain numbers and strings a Jinja macro (``console_charts.html``) draws. The console's CSP
allows neither scripts nor inline styles, so a chart is nothing but SVG elements with presentation attributes.
The charts are a visual aid; the console shows the same figures in a data table, and each chart's accessible
name carries a German one-sentence summary for screen-reader users.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime, timedelta
from typing import Any

from services.analytics.domain import COUNTERS, stats
from shared import formats
from shared.messages import text
from shared.spreadsheet import to_csv

PERIODS = (7, 30, 90)

# Plot area inside the SVG: room on the left for the y labels, below for the dates, right for the last date label.
_MARGIN = {"left": 52, "right": 28, "top": 12, "bottom": 30}
_MAX_TICKS = 8
# Horizontal bars (answer distributions of survey questions).
_BARS = {"width": 520, "label_w": 170, "bar_max": 290, "row": 26}


# --- German formats -------------------------------------------------------------------------------------------


def _short_day(day: date) -> str:
    """``dd.mm.``; the trailing dot also ends a sentence that ends with a date (German style: no second dot)."""
    return day.strftime("%d.%m.")


def _tidy(value: float, max_decimals: int = 2) -> str:
    """An axis label without trailing zeros: ``2.0`` → ``"2"``, ``2.5`` → ``"2,5"``."""
    shown = formats.number(value, max_decimals)
    return shown.rstrip("0").rstrip(",") if "," in shown else shown


# --- Periods and series ---------------------------------------------------------------------------------------


def period_bounds(today: date, days: int) -> tuple[date, date, date]:
    """``(previous_start, current_start, end_exclusive)``: the current period is the ``days`` days ending with
    ``today`` (inclusive, so today's partial figures count), the previous one the ``days`` days right before it,
    so both periods have the same length and are compared like for like."""
    if days < 1:
        raise ValueError("a period has at least one day")
    end = today + timedelta(days=1)
    current_start = end - timedelta(days=days)
    return current_start - timedelta(days=days), current_start, end


def _zero() -> dict[str, int]:
    return dict.fromkeys(COUNTERS, 0)


def _within(rows: Iterable[Mapping[str, Any]], start: date, end: date) -> Iterator[tuple[date, Mapping[str, Any]]]:
    """The rows whose day lies in [start, end), with their day."""
    for row in rows:
        day = row["day"]
        if isinstance(day, datetime):
            # A timestamp's date depends on its time zone; the caller must decide the local day, not us.
            raise TypeError("rows need a local calendar day (date), not a timestamp")
        if start <= day < end:
            yield day, row


def _by_day(rows: Iterable[Mapping[str, Any]], start: date, end: date) -> dict[date, dict[str, int]]:
    """Counters summed per day within [start, end): a day may come as several rows (several pages of a unit,
    several buckets), and rows outside the range are ignored."""
    days: dict[date, dict[str, int]] = {}
    for day, row in _within(rows, start, end):
        sums = days.get(day)
        if sums is None:
            sums = days[day] = _zero()
        for counter in COUNTERS:
            sums[counter] += row.get(counter) or 0
    return days


def per_day(rows: Iterable[Mapping[str, Any]], start: date, end: date) -> list[dict[str, Any]]:
    """The rows summed per day within [start, end), one row per day that has any (``{"day": date, **counters}``):
    for a caller that reads the same many rows more than once (``totals`` of two periods, ``daily_series``)."""
    return [{"day": day, **counters} for day, counters in _by_day(rows, start, end).items()]


def daily_series(rows: Iterable[Mapping[str, Any]], start: date, end: date) -> list[dict[str, Any]]:
    """One entry per day from ``start`` to ``end`` (exclusive), ``{"day": date, **stats(counters)}``; days without
    rows count zero, so that a chart's x axis is continuous and a quiet day shows as a gap, not as a jump."""
    days = _by_day(rows, start, end)
    return [
        {"day": start + timedelta(days=i), **stats(days.get(start + timedelta(days=i)) or _zero())}
        for i in range((end - start).days)
    ]


def totals(rows: Iterable[Mapping[str, Any]], start: date, end: date) -> dict[str, Any]:
    """``stats()`` of the counters summed over [start, end): a period's figures are computed from its counters,
    never averaged from daily means (which would weigh a quiet day like a busy one)."""
    summed = _zero()
    for _, row in _within(rows, start, end):
        for counter in COUNTERS:
            summed[counter] += row.get(counter) or 0
    return stats(summed)


def change(current: Mapping[str, Any], previous: Mapping[str, Any]) -> dict[str, float | None]:
    """The change from the previous period to the current one (both ``stats()`` results):

    - ``helpful_share``: difference in percentage points (0.80 → 0.75 is ``-5.0``);
    - ``rating_mean``: difference in stars;
    - ``responses``: relative change as a fraction (10 → 15 is ``0.5``), None when the previous period had none.

    None wherever either side has no figure; a change against nothing would be a made-up trend."""

    def difference(key: str, factor: float) -> float | None:
        now, before = current.get(key), previous.get(key)
        return None if now is None or before is None else round((now - before) * factor, 4)

    now, before = current.get("responses"), previous.get("responses")
    return {
        "helpful_share": difference("helpful_share", 100),
        "rating_mean": difference("rating_mean", 1),
        "responses": None if now is None or not before else round((now - before) / before, 4),
    }


# --- Chart geometry -------------------------------------------------------------------------------------------


def answers_behind(entry: Mapping[str, Any], key: str) -> int:
    """How many answers a day's figure ``key`` rests on: ``rating_count`` for ``rating_mean``, ``helpful_yes +
    helpful_no`` for ``helpful_share``, ``responses`` for anything else. ``line_chart`` leaves a gap on days where
    this is below ``min_count``, so that a mean of one or two answers does not pass for a trend."""
    if key == "rating_mean":
        return int(entry["rating_count"])
    if key == "helpful_share":
        return int(entry["helpful_yes"]) + int(entry["helpful_no"])
    return int(entry["responses"])


def _nice_step(raw: float) -> float:
    """The smallest of 1, 2, 2.5, 5 (times a power of ten) that is at least ``raw``: gridlines at round values."""
    power = 10.0 ** math.floor(math.log10(raw))
    return next(power * m for m in (1, 2, 2.5, 5, 10) if power * m >= raw * (1 - 1e-9))


def _grid_values(lo: float, hi: float, step: float) -> list[float]:
    first, last = math.ceil(lo / step - 1e-9), math.floor(hi / step + 1e-9)
    return [round(k * step, 10) for k in range(first, last + 1)]


def _tick_indexes(count: int) -> list[int]:
    """Which days get a date label: all of up to ten days, otherwise every n-th so that there are at most eight,
    always the first and the last day, and no label crowding the last one."""
    if count <= 10:
        return list(range(count))
    step = math.ceil((count - 1) / (_MAX_TICKS - 1))
    indexes = list(range(0, count - 1, step))
    if count - 1 - indexes[-1] < step / 2:
        indexes.pop()
    return [*indexes, count - 1]


def _frame(width: int, height: int) -> dict[str, Any]:
    plot = {
        "left": _MARGIN["left"],
        "right": width - _MARGIN["right"],
        "top": _MARGIN["top"],
        "bottom": height - _MARGIN["bottom"],
    }
    return {
        "width": width,
        "height": height,
        "view_box": f"0 0 {width} {height}",
        "plot": plot,
        "label_x": plot["left"] - 8,  # y labels end here (text-anchor="end")
        "tick_label_y": plot["bottom"] + 20,  # baseline of the date labels
    }


def _coord(value: float) -> float:
    return round(value, 1)


def _point(x: float, y: float) -> str:
    """An SVG coordinate pair; SVG wants decimal points, whatever the language of the page."""
    return f"{x:g},{y:g}"


def _gaps_sentence(gaps: int, what: str) -> str:
    if not gaps:
        return ""
    return f" An einem Tag {what}." if gaps == 1 else f" An {gaps} Tagen {what}."


def line_chart(
    series: list[dict[str, Any]],
    key: str,
    *,
    label: str,
    lo: float,
    hi: float,
    width: int = 640,
    height: int = 200,
    min_count: int = 1,
    percent: bool | None = None,
    decimals: int | None = None,
) -> dict[str, Any]:
    """Geometry of a line chart of ``series[i][key]`` between ``lo`` (bottom) and ``hi`` (top) for the
    ``line_chart`` macro.

    A day is a gap (the line breaks, no point is drawn) where the value is None or where it rests on fewer than
    ``min_count`` answers, counted by ``answers_behind`` (``rating_count`` for ``rating_mean``, ``helpful_yes +
    helpful_no`` for ``helpful_share``, ``responses`` otherwise). Values outside [lo, hi] are drawn at the edge.
    ``percent`` (default: the key ends in ``_share``) shows values 0..1 as ``"80 %"``; ``decimals`` is for the
    summary (default 0 for percentages, 1 otherwise).

    Returns ``width``, ``height``, ``view_box``, ``plot`` (left/right/top/bottom of the plot area), ``label_x``
    and ``tick_label_y`` (where axis labels go), ``segments`` (runs of at least two consecutive values, each a
    list of ``"x,y"`` strings for a polyline), ``points`` (``{"x", "y"}`` for every value, also isolated ones),
    ``gridlines`` (``{"y", "label"}``), ``ticks`` (``{"x", "label"}``, dates as ``dd.mm.``) and ``name``, the
    accessible name: ``label`` and a German summary of first, last, lowest and highest value.
    """
    if hi <= lo:
        raise ValueError("hi must be above lo")
    as_percent = key.endswith("_share") if percent is None else percent
    places = (0 if as_percent else 1) if decimals is None else decimals

    def shown(value: float) -> str:
        return formats.percent(value, places) if as_percent else formats.number(value, places)

    chart = _frame(width, height)
    plot = chart["plot"]
    plot_w, plot_h = plot["right"] - plot["left"], plot["bottom"] - plot["top"]
    count = len(series)

    def x_of(i: int) -> float:
        return _coord(plot["left"] + (plot_w * i / (count - 1) if count > 1 else plot_w / 2))

    def y_of(value: float) -> float:
        return _coord(plot["bottom"] - plot_h * (min(max(value, lo), hi) - lo) / (hi - lo))

    values: list[float | None] = [
        entry[key] if entry[key] is not None and answers_behind(entry, key) >= min_count else None for entry in series
    ]
    points: list[dict[str, float]] = []
    runs: list[list[str]] = [[]]
    for i, value in enumerate(values):
        if value is None:
            runs.append([])
            continue
        x, y = x_of(i), y_of(value)
        points.append({"x": x, "y": y})
        runs[-1].append(_point(x, y))

    step = _nice_step((hi - lo) / 5)
    chart["gridlines"] = [
        {"y": y_of(v), "label": f"{_tidy(v * 100)} %" if as_percent else _tidy(v)} for v in _grid_values(lo, hi, step)
    ]
    chart["ticks"] = [{"x": x_of(i), "label": _short_day(series[i]["day"])} for i in _tick_indexes(count)]
    chart["segments"] = [run for run in runs if len(run) >= 2]
    chart["points"] = points
    chart["name"] = _line_summary(series, values, label, shown)
    return chart


def _line_summary(
    series: list[dict[str, Any]], values: list[float | None], label: str, shown: Callable[[float], str]
) -> str:
    if not series:
        return f"{label}: keine Daten."
    head = f"{label} vom {_short_day(series[0]['day'])} bis {_short_day(series[-1]['day'])}"
    known = [(entry["day"], v) for entry, v in zip(series, values, strict=True) if v is not None]
    if not known:
        return f"{head}: an keinem Tag genug Antworten für einen Wert."
    gaps = _gaps_sentence(len(series) - len(known), "zu wenige Antworten für einen Wert")
    if len(known) == 1:
        return f"{head}: nur ein Wert, {shown(known[0][1])} am {_short_day(known[0][0])}{gaps}"
    low = min(known, key=lambda k: k[1])
    high = max(known, key=lambda k: k[1])
    return (
        f"{head}: von {shown(known[0][1])} auf {shown(known[-1][1])}; "
        f"niedrigster Wert {shown(low[1])} am {_short_day(low[0])}, "
        f"höchster {shown(high[1])} am {_short_day(high[0])}{gaps}"
    )


def volume_chart(series: list[dict[str, Any]], *, label: str, width: int = 640, height: int = 120) -> dict[str, Any]:
    """Geometry of a bar chart of responses per day for the ``volume_chart`` macro. Bar heights are proportional
    to the responses, against a y axis from 0 to a round value at or above the busiest day.

    Returns the frame keys of ``line_chart`` (``width``, ``height``, ``view_box``, ``plot``, ``label_x``,
    ``tick_label_y``, ``gridlines``, ``ticks``, ``name``) and ``bars``: ``{"x", "y", "width", "height",
    "value"}`` per day, zero height on days without responses.
    """
    chart = _frame(width, height)
    plot = chart["plot"]
    plot_w, plot_h = plot["right"] - plot["left"], plot["bottom"] - plot["top"]
    count = len(series)
    counts = [int(entry["responses"]) for entry in series]
    most = max(counts, default=0)
    step = max(1.0, _nice_step(most / 4)) if most else 1.0
    top = math.ceil(most / step) * step if most else 1.0
    slot = plot_w / count if count else 0.0
    bar_w = _coord(max(slot * 0.7, 1.0))

    def y_of(value: float) -> float:
        return _coord(plot["bottom"] - plot_h * value / top)

    chart["bars"] = [
        {
            "x": _coord(plot["left"] + i * slot + (slot - bar_w) / 2),
            "y": y_of(value),
            "width": bar_w,
            "height": _coord(plot_h * value / top),
            "value": value,
        }
        for i, value in enumerate(counts)
    ]
    chart["gridlines"] = [{"y": y_of(v), "label": formats.number(v)} for v in _grid_values(0, top if most else 0, step)]
    chart["ticks"] = [
        {"x": _coord(plot["left"] + (i + 0.5) * slot), "label": _short_day(series[i]["day"])}
        for i in _tick_indexes(count)
    ]
    chart["name"] = _volume_summary(series, counts, label)
    return chart


def _volume_summary(series: list[dict[str, Any]], counts: list[int], label: str) -> str:
    if not series:
        return f"{label}: keine Daten."
    head = f"{label} vom {_short_day(series[0]['day'])} bis {_short_day(series[-1]['day'])}"
    total = sum(counts)
    if not total:
        return f"{head}: keine Antworten."
    busiest = max(range(len(counts)), key=lambda i: counts[i])
    quiet = _gaps_sentence(counts.count(0), "keine Antworten")
    return (
        f"{head}: insgesamt {formats.number(total)} Antworten; "
        f"höchster Tageswert {formats.number(counts[busiest])} am {_short_day(series[busiest]['day'])}{quiet}"
    )


# --- Tables and export ----------------------------------------------------------------------------------------


def distribution(rows_total: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The rating distribution, 1 to 5 stars, as table rows ``{"stars", "count", "count_text", "share",
    "share_text"}``; shares are of all ratings (None / ``"–"`` without ratings). Takes a ``stats()`` result
    (``rating_distribution``) or raw counters (``rating_1`` … ``rating_5``)."""
    by_stars = rows_total.get("rating_distribution")
    counts = [int(by_stars[str(s)] if by_stars is not None else rows_total[f"rating_{s}"]) for s in range(1, 6)]
    rated = sum(counts)
    return [
        {
            "stars": stars,
            "count": n,
            "count_text": formats.number(n),
            "share": round(n / rated, 4) if rated else None,
            "share_text": formats.percent(n / rated if rated else None),
        }
        for stars, n in zip(range(1, 6), counts, strict=True)
    ]


CSV_HEADER = [
    "Tag",
    "Antworten",
    "Hilfreich ja",
    "Hilfreich nein",
    "Anteil hilfreich",
    "Bewertungen",
    "Mittlere Bewertung",
    "1 Stern",
    "2 Sterne",
    "3 Sterne",
    "4 Sterne",
    "5 Sterne",
]


def trend_csv(series: list[dict[str, Any]]) -> str:
    """A daily series as CSV for German spreadsheets (``shared.spreadsheet.to_csv``: semicolons, cells
    neutralised; the download adds the BOM). Days as ISO dates (YYYY-MM-DD, which no spreadsheet misreads), the helpful
    share in percent with one decimal (like the overview's CSV, percent without the sign), the mean rating with
    two, both with a decimal comma; empty cells where there is no figure."""
    rows = [CSV_HEADER]
    for entry in series:
        share = entry["helpful_share"]
        rows.append(
            [
                entry["day"].isoformat(),
                str(entry["responses"]),
                str(entry["helpful_yes"]),
                str(entry["helpful_no"]),
                formats.spreadsheet(None if share is None else share * 100, 1),
                str(entry["rating_count"]),
                formats.spreadsheet(entry["rating_mean"], 2),
                *(str(entry["rating_distribution"][str(s)]) for s in range(1, 6)),
            ]
        )
    return to_csv(rows)


def bar_chart(title: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Horizontal bars (``rows``: label, count, share as text) as plain numbers for the ``bar_chart`` macro; the
    table next to it stays the accessible source, the chart's name repeats its figures for screen readers."""
    most = max((r["count"] for r in rows), default=0)
    bars = []
    for i, r in enumerate(rows):
        width = round(_BARS["bar_max"] * r["count"] / most) if most else 0
        y = i * _BARS["row"]
        bars.append({"label": r["label"], "value": r["count"], "y": y, "text_y": y + 18, "width": width,
                     "value_x": _BARS["label_w"] + width + 6})  # fmt: skip
    summary = ", ".join(f"{r['label']}: {r['count']} ({r['share']})" for r in rows)
    return {
        "name": text("console.surveys.chart", "de", question=title, summary=summary),
        "width": _BARS["width"],
        "height": max(len(rows), 1) * _BARS["row"],
        "label_w": _BARS["label_w"],
        "bars": bars,
    }
