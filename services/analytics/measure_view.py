"""A measure's effect as people read it, in German or English, for the console and the public page ``/wirkung``:
formatted figures with their intervals, the verdict, the seasonality note and where the measure came from. Pure."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from services.analytics.domain import SMALL_NUMBER
from services.analytics.measure_domain import Effect, Interval, Measure, SeasonNote, WindowFigures, responses_shown
from shared import formats
from shared.messages import text

MONTHS = {
    "de": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
           "November", "Dezember"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
}  # fmt: skip


def day(d: date, lang: str) -> str:
    return d.strftime("%d.%m.%Y") if lang == "de" else d.isoformat()


def _share(value: float | None, interval: Interval | None, lang: str) -> tuple[str, str]:
    if value is None or interval is None:
        return formats.MISSING, ""
    low, high = (formats.percent(v, 0, lang) for v in interval)
    return formats.percent(value, 0, lang), text("measures.interval", lang, low=low, high=high)


def _mean(value: float | None, interval: Interval | None, lang: str) -> tuple[str, str]:
    if value is None or interval is None:
        return formats.MISSING, ""
    low, high = (formats.number(v, 2, lang) for v in interval)
    return formats.number(value, 2, lang), text("measures.interval", lang, low=low, high=high)


def window_view(f: WindowFigures, start: date, end: date, days: int, lang: str) -> dict[str, str]:
    share, share_ci = _share(f.helpful_share, f.helpful_interval, lang)
    mean, mean_ci = _mean(f.rating_mean, f.rating_interval, lang)
    period = (
        text("measures.period", lang, start=day(start, lang), end=day(end - timedelta(days=1), lang)) if days else ""
    )
    return {
        "period": period,
        "responses": f"< {SMALL_NUMBER}" if f.suppressed else formats.number(f.responses, 0, lang),
        "share": share,
        "share_ci": share_ci,
        "mean": mean,
        "mean_ci": mean_ci,
    }


def _season(note: SeasonNote | None, lang: str) -> list[str]:
    if note is None:
        return []
    names = MONTHS[lang]

    def months(m: tuple[int, ...]) -> str:
        return f"{names[m[0] - 1]}–{names[m[-1] - 1]}" if len(m) > 1 else names[m[0] - 1]

    notes = []
    if note.seasons_differ:
        notes.append(text("measures.season.seasons", lang, before=months(note.before_months),
                          after=months(note.after_months)))  # fmt: skip
    if note.year_end is not None:
        notes.append(text(f"measures.season.year_end_{note.year_end}", lang))
    return notes


def effect_view(e: Effect, lang: str) -> dict[str, Any]:
    """Everything the pages show of an effect, formatted."""
    w = e.windows
    share_d = mean_d = ""
    if e.share_difference is not None and e.share_interval is not None:
        low, high = (formats.signed(v * 100, 0, lang) for v in e.share_interval)
        share_d = text("measures.difference.share", lang, value=formats.signed(e.share_difference * 100, 0, lang),
                       low=low, high=high)  # fmt: skip
    if e.mean_difference is not None and e.mean_interval is not None:
        low, high = (formats.signed(v, 2, lang) for v in e.mean_interval)
        mean_d = text("measures.difference.mean", lang, value=formats.signed(e.mean_difference, 2, lang), low=low,
                      high=high)  # fmt: skip
    return {
        "days": w.days,
        "before": window_view(e.before, w.before_start, w.live_on, w.days, lang),
        "after": window_view(e.after, w.live_on, w.after_end, w.days, lang),
        "verdict": e.verdict,
        "verdict_text": text(f"measures.verdict.{e.verdict}", lang),
        "share_difference": share_d,
        "mean_difference": mean_d,
        "seasonality": _season(e.season, lang),
        "responses": responses_shown(e),
    }


def title(m: Measure, lang: str) -> str:
    return m.title_en if lang == "en" and m.title_en else m.title_de


def description(m: Measure, lang: str) -> str:
    return m.description_en if lang == "en" and m.description_en else m.description_de


def responses_text(e: Effect, lang: str) -> str:
    """Both windows' responses in words without giving a withheld window's count away: the sum where no window is
    withheld, "mindestens N" (the shown window's) where one is, and below where both are."""
    total = responses_shown(e)
    if total is not None:
        return formats.number(total, 0, lang)
    shown = [f.responses or 0 for f in (e.before, e.after) if not f.suppressed]
    if shown:
        return text("measures.at_least", lang, count=formats.number(shown[0], 0, lang))
    return f"< {SMALL_NUMBER if e.responses_total < SMALL_NUMBER else 2 * SMALL_NUMBER}"


def origin_lines(m: Measure, e: Effect, lang: str) -> list[str]:
    """Where the measure came from, in words ("aus 143 Rückmeldungen zum Abfallkalender"); small numbers as "< 5"."""
    about = m.theme or title(m, lang)
    count = responses_text(e, lang)
    lines = [text("measures.origin.responses", lang, count=count, about=about)]
    if m.comment_ids:
        n = len(m.comment_ids)
        shown = f"< {SMALL_NUMBER}" if n < SMALL_NUMBER else formats.number(n, 0, lang)
        lines.append(text("measures.origin.comments", lang, count=shown))
    if m.hackathon_id:
        lines.append(text("measures.origin.hackathon", lang, hackathon=m.hackathon_id))
    return lines
