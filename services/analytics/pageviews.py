"""Page views from the city's web analytics, and the survey exposure estimate built on them.

Without a display beacon Stadtstimme never learns how often a survey was shown. What it knows: the answers and
explicit dismissals it received. What the city knows: how often each page was viewed per day (its web
analytics). The estimate combines the two:

    estimated displays = Σ over targeted pages and days of (page views × sampling percentage)

where a page is targeted if the survey's include/exclude patterns select its path on one of its sites, and a
day counts from when the version could first be shown (its publication or the survey's first activation,
whichever is later; not before the window's start) until the next version, the survey's close, the end of its
window, or today. Assumptions, shown with every estimate: every sampled page view stays long enough for the
trigger (so the estimate is an upper bound on displays and the response rate a lower bound); pauses are not
subtracted; the analytics count the same page views as Stadtstimme sees (no consent banner hides some of them).

Import formats (``stadtstimme pageviews import FILE --site ID``), detected from the header row:

* Matomo ``Actions.getPageUrls`` as CSV with ``flat=1`` and ``period=day`` over a date range: columns ``date``,
  ``url`` (or ``label``) and ``nb_hits`` (page views);
* a plain CSV with ``day``, ``page_url`` and ``views``.

Comma, semicolon or tab separated; UTF-8 (with or without BOM) or UTF-16 with BOM (spreadsheet exports).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg

from shared.contracts.surveys import SurveyDefinition, targets_path
from shared.orgmodel import InvalidUrl, split_page_url

# (day column, URL columns in order of preference, views column) of each known format.
_FORMATS = (
    ("date", ("url", "label"), "nb_hits"),  # Matomo Actions.getPageUrls, flat=1, period=day
    ("day", ("page_url",), "views"),  # plain
)
ASSUMPTIONS_DE = (
    "Jeder ausgewählte Seitenaufruf hat die Umfrage angezeigt bekommen (Obergrenze der Anzeigen; die "
    "Antwortquote ist daher eine Untergrenze).",
    "Pausen der Umfrage sind nicht abgezogen.",
    "Die Webanalyse zählt dieselben Seitenaufrufe, die Stadtstimme sieht (ohne Lücken durch Einwilligungsbanner).",
)


class PageViewFileError(ValueError):
    """A page-view file that cannot be read; the message names the line."""


@dataclass(frozen=True)
class PageViews:
    page_url: str
    day: date
    views: int


def _decode(raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PageViewFileError("the file is neither UTF-8 nor UTF-16") from exc


def parse(raw: bytes, origins: Sequence[str]) -> list[PageViews]:
    """Rows of a page-view export. A Matomo ``url`` without scheme or host (``label`` paths) is taken as a path
    on the site's first origin; URLs of other origins are an error. The same page and day twice are summed."""
    text = _decode(raw)
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    header = [h.strip().lower() for h in next(reader, [])]
    for day_col, url_cols, views_col in _FORMATS:
        url_col = next((c for c in url_cols if c in header), None)
        if day_col in header and url_col and views_col in header:
            break
    else:
        raise PageViewFileError(
            "line 1: unknown columns; expected Matomo (date, url, nb_hits) or plain (day, page_url, views), "
            f"found {', '.join(header) or 'nothing'}"
        )
    at = {name: header.index(name) for name in (day_col, url_col, views_col)}
    totals: dict[tuple[str, date], int] = {}
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        try:
            day = date.fromisoformat(row[at[day_col]].strip()[:10])
            views = int(float(row[at[views_col]].strip() or 0))
            url = row[at[url_col]].strip()
            if url.startswith("/"):
                url = origins[0] + url
            elif "://" not in url:
                url = "https://" + url  # Matomo writes page URLs without the scheme
            origin, path = split_page_url(url)
        except (IndexError, ValueError, InvalidUrl) as exc:
            raise PageViewFileError(f"line {number}: {exc}") from None
        if origin not in origins:
            raise PageViewFileError(f"line {number}: {origin} is not an origin of this site ({', '.join(origins)})")
        if views < 0:
            raise PageViewFileError(f"line {number}: negative page views")
        key = (origin + path, day)
        totals[key] = totals.get(key, 0) + views
    return [PageViews(url, day, views) for (url, day), views in sorted(totals.items())]


async def store(conn: asyncpg.Connection, site_id: str, rows: Sequence[PageViews], source: str) -> int:
    """Insert or replace the page views of each (page, day) in ``rows``; returns how many."""
    await conn.execute(
        """INSERT INTO page_view_daily (page_url, day, site_id, views, source)
           SELECT * FROM unnest($1::text[], $2::date[], $3::text[], $4::bigint[], $5::text[])
           ON CONFLICT (page_url, day) DO UPDATE SET views = excluded.views, site_id = excluded.site_id,
               source = excluded.source, imported_at = now()""",
        [r.page_url for r in rows],
        [r.day for r in rows],
        [site_id] * len(rows),
        [r.views for r in rows],
        [source] * len(rows),
    )
    return len(rows)


async def exposure(
    conn: asyncpg.Connection,
    definition: SurveyDefinition,
    shown_from: datetime | None,
    shown_until: datetime | None,
    responses: int,
    dismissals: int,
    timezone: str,
    today: datetime | None = None,
) -> dict[str, Any]:
    """The exposure estimate of one survey version (see the module docstring), with its assumptions.

    The days run from when the version could first be shown (``shown_from``; None: never active) to when it
    stopped (``shown_until``), the end of its window, or now, whichever comes first, in the city's time zone."""
    tz = ZoneInfo(timezone)
    t = definition.targeting
    now = today or datetime.now(UTC)
    start = shown_from or now
    if t.starts_at is not None:
        start = max(start, t.starts_at)
    ends = [e for e in (shown_until, t.ends_at, now) if e is not None]
    end = min(ends) if shown_from is not None else start
    first_day = start.astimezone(tz).date()
    last_day = (end - timedelta(microseconds=1)).astimezone(tz).date() if end > start else first_day - timedelta(1)
    rows = await conn.fetch(
        """SELECT page_url, sum(views)::bigint AS views FROM page_view_daily
           WHERE site_id = ANY($1::text[]) AND day BETWEEN $2 AND $3 GROUP BY page_url""",
        list(t.sites),
        first_day,
        last_day,
    )
    views = 0
    for r in rows:
        _, path = split_page_url(r["page_url"])
        if targets_path(t, path):
            views += r["views"]
    displays = views * t.sampling_percent / 100
    return {
        "first_day": first_day,
        "last_day": max(last_day, first_day),
        "page_views": views,
        "displays_estimate": round(displays),
        "response_rate_estimate": round(responses / displays, 4) if displays else None,
        "dismissal_rate_estimate": round(dismissals / displays, 4) if displays else None,
        "assumptions": list(ASSUMPTIONS_DE),
    }
