"""Measures ("Maßnahmen") and their measured effect, without I/O: what a measure is and the rules it keeps (each
broken rule a catalogue refusal at its form field), and the statistics of satisfaction before and after its
go-live.

The figures: two windows of equal length around the go-live day (``window_days``, 90 by default, cut to the whole
days elapsed since go-live), per window the responses, the helpful share with its Wilson 95 % interval and the mean
rating with a Student-t 95 % interval on the sample variance. The difference of the helpful shares gets Newcombe's
hybrid score interval (his method 10, built from the two Wilson intervals), the difference of the means Welch's
interval. A verdict is given only where the data carries it: at least ``MIN_FOR_VERDICT`` answers in each window,
and "deutlich" only where the difference's interval excludes 0. Windows with fewer than ``SMALL_NUMBER`` responses
show no figures at all (the "< 5" rule, as everywhere figures are published).
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal

from services.analytics.domain import SMALL_NUMBER
from shared.orgmodel import InvalidUrl, OrgModel, normalise_page_url, split_origin
from shared.refusal import Refusal

DEFAULT_WINDOW_DAYS = 90
MIN_WINDOW_DAYS, MAX_WINDOW_DAYS = 7, 365
MIN_FOR_VERDICT = 20  # answers per window (helpful or rating) before any verdict is given
# Whole days per window before any verdict is given: pages are used differently on each weekday (a Monday's
# visitors are not a Sunday's), so windows shorter than a week compare weekdays, not the measure.
MIN_DAYS_FOR_VERDICT = 7
MAX_PAGES = 50
MAX_COMMENTS = 50
Z95 = 1.959963984540054  # the standard normal's 97.5 % quantile
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")

# Student's t, 97.5 % quantiles for 1..30 degrees of freedom (two-sided 95 %); beyond 30 the Cornish-Fisher
# expansion around the normal quantile (error below 1e-5 there).
_T975 = (
    12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281,
    2.2010, 2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860,
    2.0796, 2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423,
)  # fmt: skip


@dataclass(frozen=True)
class Measure:
    """A measure as staff record it. ``pages``: exact, normalised page URLs; ``site`` with ``path_prefix``: every
    page of a site under that prefix ("/" for the whole site); at least one of the two. Origins are optional."""

    measure_id: uuid.UUID
    org_unit: str
    title_de: str
    description_de: str
    live_on: date
    title_en: str = ""
    description_en: str = ""
    pages: tuple[str, ...] = ()
    site: str | None = None
    path_prefix: str | None = None
    theme: str = ""
    window_days: int = DEFAULT_WINDOW_DAYS
    comment_ids: tuple[uuid.UUID, ...] = ()
    hackathon_id: str | None = None
    challenge_id: str | None = None
    submission_id: uuid.UUID | None = None


def refusal(rule: str, field: str, **values: str | int) -> Refusal:
    """A broken rule of a measure, at its form field (``measures.error.<rule>``)."""
    found = Refusal(f"measures.error.{rule}", 422, field=field)
    found.values = dict(values)
    return found


def _lines(value: str) -> list[str]:
    return [line.strip() for line in re.split(r"[\s,]+", value) if line.strip()]


def measure_from_form(form: Mapping[str, str], measure_id: uuid.UUID) -> tuple[Measure, list[Refusal]]:
    """The measure a posted form describes, and the refusals of what could not be read at all (a date, a number, an
    address, an id: left out of the measure, which must then not be saved). The measure's rules are ``check``'s."""
    problems: list[Refusal] = []
    raw_day = form.get("live_on", "").strip()
    live_on = date(1, 1, 1)
    try:
        live_on = date.fromisoformat(raw_day)
    except ValueError:
        problems.append(refusal("live_on", "live_on"))
    raw_days = form.get("window_days", "").strip() or str(DEFAULT_WINDOW_DAYS)
    window_days = int(raw_days) if raw_days.isdigit() and len(raw_days) < 5 else -1
    pages = []
    for url in _lines(form.get("pages", "")):
        try:
            pages.append(normalise_page_url(url))
        except InvalidUrl:
            problems.append(refusal("page_url", "pages", url=url[:200]))
            break
    comments = []
    for typed in _lines(form.get("comment_ids", "")):
        try:
            comments.append(uuid.UUID(typed))
        except ValueError:
            problems.append(refusal("comment_id", "comment_ids", id=typed[:60]))
            break
    submission = None
    if typed := form.get("submission_id", "").strip():
        try:
            submission = uuid.UUID(typed)
        except ValueError:
            problems.append(refusal("submission_id", "submission_id"))
    prefix = form.get("path_prefix", "").strip()
    site = form.get("site", "").strip()
    return Measure(
        measure_id=measure_id,
        org_unit=form.get("org_unit", "").strip(),
        title_de=form.get("title_de", "").strip(),
        title_en=form.get("title_en", "").strip(),
        description_de=form.get("description_de", "").strip(),
        description_en=form.get("description_en", "").strip(),
        live_on=live_on,
        pages=tuple(dict.fromkeys(pages)),
        site=site or None,
        path_prefix=(prefix or "/") if site else (prefix or None),
        theme=form.get("theme", "").strip(),
        window_days=window_days,
        comment_ids=tuple(dict.fromkeys(comments)),
        hackathon_id=form.get("hackathon_id", "").strip() or None,
        challenge_id=form.get("challenge_id", "").strip() or None,
        submission_id=submission,
    ), problems


def check(m: Measure, units: Sequence[str], sites: Sequence[str], today: date) -> list[Refusal]:
    """Every rule ``m`` breaks, each at its field (none: it may be saved). ``units`` and ``sites``: the ids the org
    model knows; ``today``: in the city's time zone (a go-live may be planned up to a year ahead)."""
    found: list[Refusal] = []
    if m.org_unit not in units:
        found.append(refusal("org_unit", "org_unit"))
    if not 1 <= len(m.title_de) <= 200:
        found.append(refusal("title_de", "title_de"))
    if len(m.title_en) > 200:
        found.append(refusal("title_en", "title_en"))
    if not 1 <= len(m.description_de) <= 4000:
        found.append(refusal("description_de", "description_de"))
    if len(m.description_en) > 4000:
        found.append(refusal("description_en", "description_en"))
    if not date(2000, 1, 1) <= m.live_on <= today + timedelta(days=365):
        found.append(refusal("live_on", "live_on"))
    if not MIN_WINDOW_DAYS <= m.window_days <= MAX_WINDOW_DAYS:
        found.append(refusal("window_days", "window_days", low=MIN_WINDOW_DAYS, high=MAX_WINDOW_DAYS))
    if not m.pages and m.site is None:
        found.append(refusal("no_pages", "pages"))
    if len(m.pages) > MAX_PAGES or any(len(p) > 2000 for p in m.pages):
        found.append(refusal("too_many_pages", "pages", most=MAX_PAGES))
    if m.site is not None and m.site not in sites:
        found.append(refusal("site", "site"))
    if m.path_prefix is not None and (m.site is None or not m.path_prefix.startswith("/") or len(m.path_prefix) > 500):
        found.append(refusal("path_prefix", "path_prefix"))
    if len(m.theme) > 100:
        found.append(refusal("theme", "theme"))
    if len(m.comment_ids) > MAX_COMMENTS:
        found.append(refusal("too_many_comments", "comment_ids", most=MAX_COMMENTS))
    if m.hackathon_id is not None and not _SLUG.match(m.hackathon_id):
        found.append(refusal("hackathon_id", "hackathon_id"))
    if m.challenge_id is not None and (m.hackathon_id is None or not _SLUG.match(m.challenge_id)):
        found.append(refusal("challenge_id", "challenge_id"))
    if m.submission_id is not None and m.hackathon_id is None:
        found.append(refusal("submission_id", "submission_id"))
    return found


def scope_units(m: Measure, model: OrgModel) -> dict[str, frozenset[str]]:
    """The org units whose feedback the measure would count, by form field: ``pages`` (each page's unit, as ingest
    resolves it: its site by origin, then the longest section), ``site`` (the unit at the path prefix and that of
    every section below it). A page of no known site has no feedback and no unit."""
    found: dict[str, frozenset[str]] = {}
    if m.pages:
        units = set()
        for url in m.pages:
            origin, path = split_origin(url)
            units |= {s.org_unit_for(path) for s in model.sites.values() if origin in s.origins}
        found["pages"] = frozenset(units)
    site = model.sites.get(m.site or "")
    if site is not None:
        stem = (m.path_prefix or "/").rstrip("/")
        below = {unit for prefix, unit in site.sections if prefix.rstrip("/") == stem or prefix.startswith(stem + "/")}
        found["site"] = frozenset({site.org_unit_for(m.path_prefix or "/"), *below})
    return found


# ---- Statistics ----


@dataclass(frozen=True)
class Windows:
    """The two windows, each ``days`` whole days: before ``[before_start, live_on)``, after
    ``[live_on, after_end)``. ``days`` 0: the measure has not been live for a whole day yet."""

    before_start: date
    live_on: date
    after_end: date
    days: int


def windows(live_on: date, today: date, window_days: int = DEFAULT_WINDOW_DAYS) -> Windows:
    """Windows of equal length around go-live, cut to the whole days elapsed since (today is not over yet)."""
    days = max(0, min(window_days, (today - live_on).days))
    return Windows(live_on - timedelta(days=days), live_on, live_on + timedelta(days=days), days)


@dataclass(frozen=True)
class Counts:
    """What one window holds: responses, helpful answers yes/no, ratings (count, sum, sum of squares)."""

    responses: int = 0
    helpful_yes: int = 0
    helpful_no: int = 0
    rating_count: int = 0
    rating_sum: int = 0
    rating_squares: int = 0

    @property
    def helpful_answers(self) -> int:
        return self.helpful_yes + self.helpful_no


Interval = tuple[float, float]


def wilson(successes: int, n: int, z: float = Z95) -> Interval:
    """Wilson's score interval for a proportion."""
    if n <= 0:
        raise ValueError("no answers")
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def newcombe(yes_before: int, n_before: int, yes_after: int, n_after: int) -> Interval:
    """Newcombe's hybrid score interval (1998, method 10) for p_after − p_before."""
    p1, p2 = yes_before / n_before, yes_after / n_after
    l1, u1 = wilson(yes_before, n_before)
    l2, u2 = wilson(yes_after, n_after)
    d = p2 - p1
    return d - math.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2), d + math.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2)


def t975(df: float) -> float:
    """Student's t 97.5 % quantile for ``df`` degrees of freedom (a fractional df is rounded down: wider)."""
    if df < 1:
        raise ValueError("at least one degree of freedom")
    whole = math.floor(df)
    if whole <= len(_T975):
        return _T975[whole - 1]
    z, v = Z95, float(whole)
    return (
        z
        + (z**3 + z) / (4 * v)
        + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * v**2)
        + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * v**3)
    )


def variance(c: Counts) -> float:
    """The sample variance of the ratings (n − 1 in the denominator)."""
    n = c.rating_count
    return max(0.0, (c.rating_squares - c.rating_sum * c.rating_sum / n) / (n - 1))


def mean_interval(c: Counts) -> Interval:
    """The mean rating ± t · s / √n, within the scale 1..5 (at least two ratings)."""
    n = c.rating_count
    mean = c.rating_sum / n
    half = t975(n - 1) * math.sqrt(variance(c) / n)
    return max(1.0, mean - half), min(5.0, mean + half)


def welch(before: Counts, after: Counts) -> Interval:
    """Welch's interval for mean_after − mean_before (Welch–Satterthwaite degrees of freedom)."""
    a, b = variance(before) / before.rating_count, variance(after) / after.rating_count
    d = after.rating_sum / after.rating_count - before.rating_sum / before.rating_count
    if a + b == 0:
        return d, d
    df = (a + b) ** 2 / (a * a / (before.rating_count - 1) + b * b / (after.rating_count - 1))
    half = t975(df) * math.sqrt(a + b)
    return d - half, d + half


@dataclass(frozen=True)
class WindowFigures:
    """One window as it may be shown: ``None`` where the "< 5" rule withholds a figure."""

    responses: int | None
    suppressed: bool
    helpful_share: float | None = None
    helpful_interval: Interval | None = None
    rating_mean: float | None = None
    rating_interval: Interval | None = None


def window_figures(c: Counts) -> WindowFigures:
    if c.responses < SMALL_NUMBER:
        return WindowFigures(None, True)
    share = interval = mean = mean_ci = None
    if c.helpful_answers >= SMALL_NUMBER:
        share, interval = c.helpful_yes / c.helpful_answers, wilson(c.helpful_yes, c.helpful_answers)
    if c.rating_count >= SMALL_NUMBER:
        mean, mean_ci = c.rating_sum / c.rating_count, mean_interval(c)
    return WindowFigures(c.responses, False, share, interval, mean, mean_ci)


Verdict = Literal["better", "worse", "none", "mixed", "too_few", "pending", "early"]


@dataclass(frozen=True)
class Effect:
    """A measure's effect: the windows, their figures, the differences with their intervals (``None`` where
    there are too few answers to say), the verdict and the seasonality note (``None``: none needed)."""

    windows: Windows
    before: WindowFigures
    after: WindowFigures
    responses_total: int
    share_difference: float | None = None
    share_interval: Interval | None = None
    mean_difference: float | None = None
    mean_interval: Interval | None = None
    verdict: Verdict = "too_few"
    season: SeasonNote | None = None


def _sign(interval: Interval) -> int:
    return 1 if interval[0] > 0 else -1 if interval[1] < 0 else 0


def effect(w: Windows, before: Counts, after: Counts) -> Effect:
    """The before/after comparison. "deutlich besser/schlechter" where an interval of a difference excludes 0
    (the other one not pointing the other way), "kein messbarer Unterschied" where every difference that has
    enough answers includes 0, "uneinheitlich" where share and mean point in opposite directions, "zu wenige
    Rückmeldungen" below ``MIN_FOR_VERDICT`` answers of either kind in either window; none before the windows
    are ``MIN_DAYS_FOR_VERDICT`` days long ("pending" on the go-live day, "early" after)."""
    total = before.responses + after.responses
    if w.days < MIN_DAYS_FOR_VERDICT:
        verdict: Verdict = "pending" if w.days == 0 else "early"
        return Effect(w, window_figures(before), window_figures(after), total, verdict=verdict)
    share_d = share_i = mean_d = mean_i = None
    signs = []
    if min(before.helpful_answers, after.helpful_answers) >= MIN_FOR_VERDICT:
        share_d = after.helpful_yes / after.helpful_answers - before.helpful_yes / before.helpful_answers
        share_i = newcombe(before.helpful_yes, before.helpful_answers, after.helpful_yes, after.helpful_answers)
        signs.append(_sign(share_i))
    if min(before.rating_count, after.rating_count) >= MIN_FOR_VERDICT:
        mean_d = after.rating_sum / after.rating_count - before.rating_sum / before.rating_count
        mean_i = welch(before, after)
        signs.append(_sign(mean_i))
    if not signs:
        verdict = "too_few"
    elif 1 in signs and -1 in signs:
        verdict = "mixed"
    elif 1 in signs:
        verdict = "better"
    elif -1 in signs:
        verdict = "worse"
    else:
        verdict = "none"
    return Effect(w, window_figures(before), window_figures(after), total, share_d, share_i, mean_d, mean_i,
                  verdict, season_note(w))  # fmt: skip


# ---- Seasonality ----

# Meteorological seasons, and the turn of the year (from 20 December to 6 January: offices closed, bills, waste
# calendars, moves), when satisfaction with many pages differs from the rest of the year.
SEASONS = {12: "winter", 1: "winter", 2: "winter", 3: "spring", 4: "spring", 5: "spring", 6: "summer", 7: "summer",
           8: "summer", 9: "autumn", 10: "autumn", 11: "autumn"}  # fmt: skip


@dataclass(frozen=True)
class SeasonNote:
    """Why a difference may be seasonal: the months each window covers, and which reason applies."""

    before_months: tuple[int, ...]
    after_months: tuple[int, ...]
    seasons_differ: bool
    year_end: Literal["before", "after", None] = field(default=None)


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days)]


def _year_end(d: date) -> bool:
    return (d.month == 12 and d.day >= 20) or (d.month == 1 and d.day <= 6)


def _months(days: list[date]) -> tuple[int, ...]:
    return tuple(dict.fromkeys(d.month for d in days))


def season_note(w: Windows) -> SeasonNote | None:
    """A note where the windows may differ by season: their middle days fall into different seasons, or only one
    of them covers the turn of the year. ``None`` otherwise (or without windows)."""
    if w.days == 0:
        return None
    before, after = _days(w.before_start, w.live_on), _days(w.live_on, w.after_end)
    differ = SEASONS[before[len(before) // 2].month] != SEASONS[after[len(after) // 2].month]
    in_before, in_after = any(map(_year_end, before)), any(map(_year_end, after))
    year_end: Literal["before", "after", None] = None
    if in_before != in_after:
        year_end = "before" if in_before else "after"
    if not differ and year_end is None:
        return None
    return SeasonNote(_months(before), _months(after), differ, year_end)


def responses_shown(e: Effect) -> int | None:
    """Both windows' responses together, or None where a window's count is withheld: with the other window's count
    shown next to it (or with both withheld, 8 = 4 + 4) the sum would give the withheld one away."""
    return None if e.before.suppressed or e.after.suppressed else e.responses_total


def _rounded(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def _pair(interval: Interval | None) -> list[float] | None:
    return None if interval is None else [round(interval[0], 4), round(interval[1], 4)]


def published(e: Effect) -> dict[str, Any]:
    """The effect as open data and the published view carry it: figures withheld by the "< 5" rule are ``None``."""
    w = e.windows

    def window(f: WindowFigures, start: date, end: date) -> dict[str, Any]:
        return {
            "from": start.isoformat(),
            "to": (end - timedelta(days=1)).isoformat() if w.days else None,
            "responses": f.responses,
            "suppressed": f.suppressed,
            "helpful_share": _rounded(f.helpful_share),
            "helpful_share_ci95": _pair(f.helpful_interval),
            "rating_mean": _rounded(f.rating_mean),
            "rating_mean_ci95": _pair(f.rating_interval),
        }

    return {
        "window_days": w.days,
        "before": window(e.before, w.before_start, w.live_on),
        "after": window(e.after, w.live_on, w.after_end),
        "responses": responses_shown(e),
        "helpful_share_difference": _rounded(e.share_difference),
        "helpful_share_difference_ci95": _pair(e.share_interval),
        "rating_mean_difference": _rounded(e.mean_difference),
        "rating_mean_difference_ci95": _pair(e.mean_interval),
        "verdict": e.verdict,
        "seasonality_note": e.season is not None,
    }
