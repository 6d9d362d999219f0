"""Page views from the city's web analytics: reading them (a CSV file, or Matomo's JSON answer) and deciding what an
import takes (``plan``) and publishes (``import_events``). Pure: no I/O; the console upload, the command line and
the scheduled Matomo import all go through here (``services.analytics.pageviews`` runs it).

Formats, detected from the header row of a CSV:

* Matomo ``Actions.getPageUrls`` with ``flat=1`` and ``period=day`` over a date range: columns ``date``, ``url``
  (or ``label``) and ``nb_hits`` (page views); Matomo writes URLs without the scheme;
* a plain CSV with ``day``, ``page_url`` and ``views``.

Comma, semicolon or tab separated; UTF-8 (with or without BOM) or UTF-16 with BOM (spreadsheet exports). A file
that cannot be read at all is refused with a reason from the catalogue (``PageViewFileError``); a row that cannot
be taken is skipped and counted with its reason, so that staff see what was left out and why before they import.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from shared.contracts.pageviews import MAX_PAGES_PER_PART, PageCount, PageViewsImportedV1
from shared.orgmodel import InvalidUrl, OrgModel, Site, split_page_url
from shared.refusal import Refusal

MAX_FILE_BYTES = 10 * 1024 * 1024  # a month of a large portal, exported from Matomo, is a few MB
MAX_URL_CHARS = 2000
MAX_DAYS = 400  # one import: a year and a bit; more is surely a mistake (or a file for another purpose)
_PART_BYTES = 200_000  # a part's page URLs: within the producer's batch (256 KB) and the broker's 1 MB

# (day column, URL columns in order of preference, views column) of each known format.
_FORMATS = (
    ("date", ("url", "label"), "nb_hits"),  # Matomo Actions.getPageUrls, flat=1, period=day
    ("day", ("page_url",), "views"),  # plain
)
_GERMAN_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_COUNT = re.compile(r"\d{1,15}(?:\.0+)?")
# Why a row is skipped; each is a catalogue key ``pageviews.skip.<reason>``.
SKIP_REASONS = ("bad_date", "future", "bad_views", "no_url", "bad_url", "other_site", "unknown_origin")


class PageViewFileError(Refusal):
    """A page-view file (or Matomo answer) that cannot be read at all: the reason is catalogue key
    ``pageviews.error.<reason>``, shown at the file field."""

    def __init__(self, reason: str, **values: Any) -> None:
        super().__init__(f"pageviews.error.{reason}", 422, field="file", **values)
        self.reason_name = reason


@dataclass(frozen=True)
class RawRow:
    """One row as read: where it was (a CSV line number, or the position in Matomo's answer) and its texts."""

    line: int
    day: str
    url: str
    views: str


@dataclass(frozen=True)
class PageViews:
    page_url: str
    day: date
    views: int


@dataclass(frozen=True)
class Skipped:
    reason: str
    count: int
    lines: tuple[int, ...]  # the first few, to find them in the file


@dataclass
class Plan:
    """What an import of one site would take: the page views per page and day (rows of the same page and day
    summed), the days it replaces, and what it left out."""

    site_id: str
    rows: list[PageViews]
    days: list[date]
    read: int  # data rows read
    skipped: list[Skipped] = field(default_factory=list)
    known_pages: int = 0  # pages (of ``rows``) in the org model's page list
    other_pages: int = 0  # pages that are not: imported too (survey targeting works on any path)

    @property
    def views(self) -> int:
        return sum(r.views for r in self.rows)

    @property
    def skipped_rows(self) -> int:
        return sum(s.count for s in self.skipped)


def decode(raw: bytes) -> str:
    """The text of a file: UTF-16 with BOM, else UTF-8 (with or without BOM); anything else is refused."""
    if not raw.strip():
        raise PageViewFileError("empty")
    try:
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            text = raw.decode("utf-16")
        else:
            text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PageViewFileError("encoding") from None
    if "\x00" in text:  # UTF-16 without its BOM, or a binary file (a spreadsheet saved as .xlsx)
        raise PageViewFileError("encoding")
    return text


def read_csv(raw: bytes) -> list[RawRow]:
    """The data rows of a CSV export (Matomo or plain); refuses a file it cannot read at all."""
    if len(raw) > MAX_FILE_BYTES:
        raise PageViewFileError("too_large", limit=MAX_FILE_BYTES // (1024 * 1024))
    text = decode(raw)
    try:
        dialect: Any = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect, strict=True)
    try:
        header = [h.strip().lower() for h in next(reader, [])]
        for day_col, url_cols, views_col in _FORMATS:
            present = [c for c in url_cols if c in header]
            if day_col in header and present and views_col in header:
                break
        else:
            found = ", ".join(h for h in header if h)[:300] or "–"
            raise PageViewFileError("date_column" if "nb_hits" in header else "columns", found=found)
        at_day, at_views = header.index(day_col), header.index(views_col)
        at_urls = [header.index(c) for c in present]
        rows = []
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue

            def cell(i: int, cells: list[str] = cells) -> str:
                return cells[i].strip() if i < len(cells) else ""

            # Matomo's label is a path (flat=1): taken only where the row has no URL, and only when it is one.
            url = cell(at_urls[0]) or next((cell(i) for i in at_urls[1:] if cell(i).startswith("/")), "")
            rows.append(RawRow(reader.line_num, cell(at_day), url, cell(at_views)))
    except csv.Error as exc:
        raise PageViewFileError("csv", line=reader.line_num, detail=str(exc)[:200]) from None
    if not rows:
        raise PageViewFileError("no_rows")
    return rows


def read_matomo(answer: Any, day: date) -> list[RawRow]:
    """The rows of Matomo's JSON answer to ``Actions.getPageUrls`` (``flat=1``, ``period=day``, one day).
    ``line``: the row's position in the answer. A Matomo error answer is not rows: ``matomo.MatomoError``."""
    if not isinstance(answer, list):
        raise PageViewFileError("matomo_answer")
    rows = []
    for n, item in enumerate(answer, start=1):
        if not isinstance(item, dict):
            raise PageViewFileError("matomo_answer")
        url = str(item.get("url") or "").strip()
        label = str(item.get("label") or "").strip()
        if not url and label.startswith("/"):
            url = label
        rows.append(RawRow(n, day.isoformat(), url, str(item.get("nb_hits", "")).strip()))
    return rows


def parse_day(value: str) -> date | None:
    """A day as Matomo writes it (2026-11-01, also with a time) or as a German spreadsheet does (01.11.2026)."""
    german = _GERMAN_DATE.fullmatch(value)
    try:
        if german:
            return date(int(german[3]), int(german[2]), int(german[1]))
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def parse_views(value: str) -> int | None:
    """A count of page views: digits (Matomo may write ``12.0``); anything else is None."""
    return int(float(value)) if _COUNT.fullmatch(value) else None


def site_of(origin: str, model: OrgModel) -> Site | None:
    return next((s for s in model.sites.values() if origin in s.origins), None)


def _page_url(raw: str, site: Site, model: OrgModel) -> tuple[str | None, str | None]:
    """(normalised page URL, None) or (None, skip reason)."""
    if not raw:
        return None, "no_url"
    if len(raw) > MAX_URL_CHARS:
        return None, "bad_url"
    url = raw
    if url.startswith("/"):
        url = site.origins[0] + url  # a path (Matomo's label): on the site's main origin
    elif "://" not in url:
        url = "https://" + url  # Matomo writes page URLs without the scheme
    try:
        origin, path = split_page_url(url)
    except InvalidUrl:
        return None, "bad_url"
    if origin not in site.origins:
        return None, "other_site" if site_of(origin, model) else "unknown_origin"
    return origin + path, None


def plan(rows: Iterable[RawRow], site: Site, model: OrgModel, today: date, days: Iterable[date] = ()) -> Plan:
    """The import of ``rows`` for ``site``: rows of the same page and day summed, rows that cannot be taken
    skipped with their reason. ``days``: days the import replaces even if no row names them (a Matomo day without
    page views); otherwise the days of the rows it takes. Refused when the days span more than ``MAX_DAYS``."""
    totals: dict[tuple[str, date], int] = {}
    skipped: dict[str, list[int]] = {}
    read = 0
    for row in rows:
        read += 1
        day = parse_day(row.day)
        views = parse_views(row.views)
        url, reason = _page_url(row.url, site, model)
        if day is None:
            reason = "bad_date"
        elif day > today:
            reason = "future"
        elif views is None:
            reason = "bad_views"
        if reason or url is None or day is None or views is None:
            skipped.setdefault(reason or "bad_url", []).append(row.line)
            continue
        totals[(url, day)] = totals.get((url, day), 0) + views
    taken = [PageViews(url, day, views) for (url, day), views in sorted(totals.items())]
    all_days = sorted({r.day for r in taken} | set(days))
    if all_days and (all_days[-1] - all_days[0]).days >= MAX_DAYS:
        raise PageViewFileError("too_many_days", first=_de(all_days[0]), last=_de(all_days[-1]), limit=MAX_DAYS)
    pages = {r.page_url for r in taken}
    known = sum(1 for p in pages if p in model.pages)
    return Plan(
        site.id,
        taken,
        all_days,
        read,
        [Skipped(r, len(skipped[r]), tuple(skipped[r][:5])) for r in SKIP_REASONS if r in skipped],
        known,
        len(pages) - known,
    )


def _de(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def import_events(
    plan: Plan, source: str, source_name: str, actor: str, now: datetime, import_id: uuid.UUID | None = None
) -> list[tuple[uuid.UUID, PageViewsImportedV1]]:
    """The events that publish ``plan``: per day one or more parts (each under ``MAX_PAGES_PER_PART`` pages and
    about 400 KB), a day without page views as one empty part; (event id, data), in order per day."""
    import_id = import_id or uuid.uuid4()
    by_day: dict[date, list[PageCount]] = {d: [] for d in plan.days}
    for r in plan.rows:
        by_day[r.day].append(PageCount(page_url=r.page_url, views=r.views))
    events = []
    for day in plan.days:
        chunks = list(_chunks(by_day[day])) or [[]]
        for number, pages in enumerate(chunks, start=1):
            data = PageViewsImportedV1(
                import_id=import_id, site_id=plan.site_id, day=day, part=number, parts=len(chunks), pages=pages,
                source=source, source_name=source_name[:200], actor=actor[:200], imported_at=now,
            )  # fmt: skip
            events.append((uuid.uuid5(import_id, f"{day.isoformat()}/{number}"), data))
    return events


def _chunks(pages: Sequence[PageCount]) -> Iterable[list[PageCount]]:
    chunk: list[PageCount] = []
    size = 0
    for p in pages:
        cost = len(p.page_url) + 40
        if chunk and (len(chunk) >= MAX_PAGES_PER_PART or size + cost > _PART_BYTES):
            yield chunk
            chunk, size = [], 0
        chunk.append(p)
        size += cost
    if chunk:
        yield chunk


def days_between(first: date, last: date) -> list[date]:
    """Every day from ``first`` to ``last``, both included."""
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]
