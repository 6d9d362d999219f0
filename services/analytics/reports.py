"""The monthly report, per org unit and for the whole city: responses, helpful share and mean rating against the
month before, each page with its contact rate (responses per 1,000 page views), each administrative service
(``service_figures``: its pages on every site summed), the pages with the most dissatisfaction, the month's themes,
the surveys' answers and the comments still open. Everything follows the "< 5" rule of publication
(``domain.published``): no figure describes fewer than five people.

``build`` reads the read models (the same queries as the dashboards: ``dashboards.daily_rows``); ``rows_csv`` and
``pdf`` render a built report; the console shows it as a print-ready page (``reports_page``), the notifier mails
it to the routes that subscribe to ``type = report.monthly`` (``publish``: a ``de.stadtstimme.report.published``
event per unit and month, with its CSV)."""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
from aiokafka import AIOKafkaProducer

from services.analytics import dashboards, service_figures, themes, trends
from services.analytics.domain import COUNTERS, SMALL_NUMBER, published
from shared import formats
from shared.auth import audit
from shared.consumer import load_offsets
from shared.contracts.envelope import encode_envelope
from shared.contracts.reports import REPORT_PUBLISHED, ReportPublishedV1
from shared.contracts.topics import REPORTS, topic_name
from shared.kafka import start_producer
from shared.messages import text
from shared.orgmodel import fetch_org_model
from shared.periodic import every
from shared.settings import Settings
from shared.spreadsheet import to_csv

log = logging.getLogger(__name__)

CITY = "stadt"  # the scope of the whole city's report
MONTHS_DE = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
             "November", "Dezember")  # fmt: skip
TOP_PAGES = 5
TOP_THEMES = 8


def month_bounds(month: date) -> tuple[date, date, date]:
    """(first day of the month before, first day of the month, first day of the month after)."""
    first = month.replace(day=1)
    before = (first.replace(year=first.year - 1, month=12) if first.month == 1
              else first.replace(month=first.month - 1))  # fmt: skip
    after = first.replace(year=first.year + 1, month=1) if first.month == 12 else first.replace(month=first.month + 1)
    return before, first, after


def parse_month(raw: str) -> date | None:
    """``2026-11`` → 1 November 2026; None for anything else (or a month outside 2000–2100)."""
    try:
        year, month = raw.split("-")
        found = date(int(year), int(month), 1)
    except ValueError:
        return None
    return found if 2000 <= found.year <= 2100 and len(raw) == 7 else None


def month_name(month: date) -> str:
    return f"{MONTHS_DE[month.month - 1]} {month.year}"


@dataclass(frozen=True)
class PageLine:
    url: str
    title: str
    responses: int | None  # None: fewer than five ("< 5")
    helpful_share: float | None
    rating_mean: float | None
    helpful_no: int | None
    views: int | None  # None: no page views imported for the page and month
    contact_rate: float | None  # responses per 1,000 page views


@dataclass(frozen=True)
class ServiceLine:
    key: str  # LeiKa key or the city's own id
    name: str
    sites: int  # on how many sites its pages with feedback are
    responses: int | None  # None: fewer than five ("< 5")
    helpful_share: float | None
    rating_mean: float | None


@dataclass(frozen=True)
class SurveyLine:
    survey_id: str
    title: str
    responses: int | None
    dismissed: int | None


@dataclass(frozen=True)
class Report:
    scope: str  # an org unit's id or CITY
    scope_name: str
    month: date
    current: dict[str, Any]  # published() figures of the month
    previous: dict[str, Any]
    change: dict[str, float | None]  # as trends.change, None where either month withholds the figure
    pages: tuple[PageLine, ...]
    dissatisfied: tuple[PageLine, ...]
    themes: tuple[tuple[str, int], ...]  # (label, comments), each at least five comments
    surveys: tuple[SurveyLine, ...]
    open_items: dict[str, int]  # triage status → comments still open now
    services: tuple[ServiceLine, ...] = ()  # the month's services of the scope's pages, most responses first

    @property
    def title(self) -> str:
        return text("console.reports.report_title", scope=self.scope_name, month=month_name(self.month))


def _small(value: int) -> int | None:
    return value if value >= SMALL_NUMBER or value == 0 else None  # zero describes nobody


def _published_change(current: dict[str, Any], previous: dict[str, Any]) -> dict[str, float | None]:
    """The change where both months publish the figure; a change out of a withheld figure would reveal it."""
    return trends.change(current, previous) if not (current["suppressed"] or previous["suppressed"]) else {
        "responses": None, "helpful_share": None, "rating_mean": None}  # fmt: skip


async def build(conn: asyncpg.Connection, tz: str, scope: str, month: date) -> Report | None:
    """The report of ``scope`` (an org unit or CITY) for the month; None for an unknown unit."""
    zone = ZoneInfo(tz)
    before, first, after = month_bounds(month)
    if scope == CITY:
        name, units = text("console.reports.city", city=await _city_name(conn)), None
    else:
        name = await conn.fetchval("SELECT name FROM org_unit WHERE id = $1", scope)
        if name is None:
            return None
        units = frozenset({scope})
    rows = await dashboards.daily_rows(conn, tz, units, dashboards.Filters(), before, after)
    current = trends.totals(rows, first, after)
    previous = trends.totals(rows, before, first)
    shown, shown_before = published(_counters(current)), published(_counters(previous))
    start, end = datetime.combine(first, time(), zone), datetime.combine(after, time(), zone)
    pages = await _pages(conn, units, start, end, first, after)
    dissatisfied = sorted((p for p in pages if p.helpful_no), key=lambda p: (-(p.helpful_no or 0), p.url))
    return Report(
        scope, name, first, shown, shown_before, _published_change(shown, shown_before), tuple(pages),
        tuple(dissatisfied[:TOP_PAGES]), await _themes(conn, units, start, end),
        await _surveys(conn, units, start, end), await _open_items(conn, units),
        await _services(conn, units, start, end),
    )  # fmt: skip


def _counters(figures: dict[str, Any]) -> dict[str, int]:
    counters = {c: figures[c] for c in ("responses", "helpful_yes", "helpful_no", "rating_count", "rating_sum")}
    return counters | {f"rating_{i}": figures["rating_distribution"][str(i)] for i in range(1, 6)}


async def _city_name(conn: asyncpg.Connection) -> str:
    name = await conn.fetchval("SELECT name FROM org_unit WHERE kind = 'city' ORDER BY id LIMIT 1")
    return str(name) if name else ""


async def _pages(
    conn: asyncpg.Connection, units: frozenset[str] | None, start: datetime, end: datetime, first: date, after: date
) -> list[PageLine]:
    rows = await conn.fetch(
        f"""WITH answered AS (
                SELECT p.page_url, {", ".join(f"sum(p.{c})::bigint AS {c}" for c in COUNTERS)}
                FROM page_satisfaction_day p
                WHERE ($1::text[] IS NULL OR p.org_unit_id = ANY($1)) AND p.bucket_start >= $2 AND p.bucket_start < $3
                GROUP BY p.page_url)
            SELECT a.*, pg.title, (SELECT sum(v.views) FROM page_view_daily v
                                   WHERE v.page_url = a.page_url AND v.day >= $4 AND v.day < $5)::bigint AS views
            FROM answered a LEFT JOIN page pg ON pg.url = a.page_url ORDER BY a.responses DESC, a.page_url""",
        sorted(units) if units is not None else None, start, end, first, after,
    )  # fmt: skip
    lines = []
    for r in rows:
        shown = published(r)
        views = r["views"]
        rate = round(r["responses"] * 1000 / views, 1) if views and not shown["suppressed"] else None
        lines.append(PageLine(r["page_url"], r["title"] or "", shown["responses"], shown["helpful_share"],
                              shown["rating_mean"], _small(r["helpful_no"]) if not shown["suppressed"] else None,
                              views, rate))  # fmt: skip
    return lines


async def _services(
    conn: asyncpg.Connection, units: frozenset[str] | None, start: datetime, end: datetime
) -> tuple[ServiceLine, ...]:
    """The month's services: the scope's pages grouped by their service (``service_figures``), published."""
    rows = await service_figures.page_rows(conn, start, end, sorted(units) if units is not None else None)
    model = await fetch_org_model(conn)
    titles = {url: page.title for url, page in model.pages.items()}
    lines = []
    for group in service_figures.ranked(service_figures.group_by_service(rows, model.attributes)):
        figures = published(group.counters)
        lines.append(ServiceLine(group.key, group.label(titles), len(group.sites), figures["responses"],
                                 figures["helpful_share"], figures["rating_mean"]))  # fmt: skip
    return tuple(lines)


async def _themes(
    conn: asyncpg.Connection, units: frozenset[str] | None, start: datetime, end: datetime
) -> tuple[tuple[str, int], ...]:
    """The month's most frequent themes in comments and suggestions (spam and suspected spam left out, erased texts
    gone), each named by at least five comments."""
    rows = await conn.fetch(
        """SELECT concat_ws(' ', comment, suggestion) AS text FROM comment_inbox
           WHERE ($1::text[] IS NULL OR org_unit_id = ANY($1)) AND received_at >= $2 AND received_at < $3
             AND status <> 'spam' AND cardinality(flags) = 0 AND (comment IS NOT NULL OR suggestion IS NOT NULL)""",
        sorted(units) if units is not None else None, start, end,
    )  # fmt: skip
    found = await asyncio.to_thread(themes.themes, [r["text"] for r in rows if r["text"]])  # CPU work off the loop
    return tuple((t.label, t.documents) for t in found if t.documents >= SMALL_NUMBER)[:TOP_THEMES]


async def _surveys(
    conn: asyncpg.Connection, units: frozenset[str] | None, start: datetime, end: datetime
) -> tuple[SurveyLine, ...]:
    rows = await conn.fetch(
        """SELECT r.survey_id, min(v.definition -> 'title' ->> 'de') AS title,
                  count(*) FILTER (WHERE r.counted)::int AS answered,
                  count(*) FILTER (WHERE r.dismissed_at IS NOT NULL AND NOT r.counted)::int AS dismissed
           FROM survey_response r LEFT JOIN survey s ON s.survey_id = r.survey_id
           LEFT JOIN survey_version v ON v.survey_id = r.survey_id AND v.version = s.current_version
           WHERE ($1::text[] IS NULL OR r.org_unit_id = ANY($1)) AND r.first_at >= $2 AND r.first_at < $3
           GROUP BY r.survey_id ORDER BY r.survey_id""",
        sorted(units) if units is not None else None, start, end,
    )  # fmt: skip
    return tuple(SurveyLine(r["survey_id"], r["title"] or r["survey_id"], _small(r["answered"]), _small(r["dismissed"]))
                 for r in rows)  # fmt: skip


async def _open_items(conn: asyncpg.Connection, units: frozenset[str] | None) -> dict[str, int]:
    rows = await conn.fetch(
        """SELECT status, count(*)::int AS n FROM comment_inbox
           WHERE ($1::text[] IS NULL OR org_unit_id = ANY($1)) AND status IN ('neu', 'in_bearbeitung')
             AND cardinality(flags) = 0 GROUP BY status""",
        sorted(units) if units is not None else None,
    )
    return {r["status"]: r["n"] for r in rows}


# ---- Rendering ----


def shown(value: int | None) -> str:
    return "< 5" if value is None else formats.number(value)


def key_figures(report: Report) -> list[tuple[str, str, str]]:
    """(label, this month, change against the month before) for the report's head."""
    c, d = report.current, report.change
    return [
        (text("console.reports.responses"), shown(c["responses"]),
         "–" if d["responses"] is None else formats.signed(d["responses"] * 100) + " %"),
        (text("console.reports.helpful"), formats.percent(c["helpful_share"]),
         "–" if d["helpful_share"] is None else formats.signed(d["helpful_share"]) + " Pp."),
        (text("console.reports.rating"), formats.number(c["rating_mean"], 2),
         "–" if d["rating_mean"] is None else formats.signed(d["rating_mean"], 2)),
    ]  # fmt: skip


def page_cells(p: PageLine) -> list[str]:
    return [p.title or p.url, p.url, shown(p.responses), formats.percent(p.helpful_share),
            formats.number(p.rating_mean, 2), formats.number(p.views) if p.views is not None else "–",
            formats.number(p.contact_rate, 1)]  # fmt: skip


PAGE_COLUMNS = ("page", "url", "responses", "helpful", "rating", "views", "contact_rate")
SERVICE_COLUMNS = ("service", "service_key", "sites", "responses", "helpful", "rating")


def service_cells(s: ServiceLine) -> list[str]:
    return [s.name, s.key, formats.number(s.sites), shown(s.responses), formats.percent(s.helpful_share),
            formats.number(s.rating_mean, 2)]  # fmt: skip


def rows_csv(report: Report) -> str:
    """The report as CSV: the key figures, then one row per page (neutralised against spreadsheet formulas)."""
    rows: list[list[str]] = [[report.title], [text("console.reports.figure"), text("console.reports.month"),
                                              text("console.reports.change")]]  # fmt: skip
    rows += [list(k) for k in key_figures(report)]
    if report.services:
        rows += [[], [text(f"console.reports.col.{c}") for c in SERVICE_COLUMNS]]
        rows += [service_cells(s) for s in report.services]
    rows += [[], [text(f"console.reports.col.{c}") for c in PAGE_COLUMNS]]
    rows += [page_cells(p) for p in report.pages]
    return to_csv(rows)


def _latin(value: str) -> str:
    """The PDF's core fonts know Latin-1 only (German letters included); other characters get a plain stand-in."""
    plain = value.replace("–", "-").replace("—", "-").replace("„", '"').replace("“", '"').replace("”", '"')
    plain = plain.replace("‚", "'").replace("‘", "'").replace("’", "'").replace("…", "...").replace("€", "EUR")
    return plain.encode("latin-1", "replace").decode("latin-1")


def pdf(report: Report) -> bytes:
    """The report as a PDF (A4, tagged with title and language), made with fpdf2."""
    from fpdf import FPDF  # here: fpdf2 and its font tools take a while to import, and few processes print

    doc = FPDF(format="A4")
    doc.set_title(_latin(report.title))
    doc.set_lang("de-DE")
    doc.set_creator("Stadtstimme")
    doc.set_auto_page_break(True, margin=15)
    doc.add_page()
    doc.set_font("Helvetica", "B", 16)
    doc.multi_cell(0, 8, _latin(report.title), new_x="LMARGIN", new_y="NEXT")
    doc.set_font("Helvetica", "", 10)
    doc.multi_cell(0, 5, _latin(text("console.reports.small_rule")), new_x="LMARGIN", new_y="NEXT")

    def heading(key: str) -> None:
        doc.ln(3)
        doc.set_font("Helvetica", "B", 12)
        doc.cell(0, 7, _latin(text(key)), new_x="LMARGIN", new_y="NEXT")
        doc.set_font("Helvetica", "", 9)

    def table(head: list[str], body: list[list[str]], widths: tuple[int, ...]) -> None:
        with doc.table(col_widths=widths, text_align="LEFT", first_row_as_headings=True) as t:
            for cells in [head, *body]:
                row = t.row()
                for cell in cells:
                    row.cell(_latin(cell))

    heading("console.reports.key_figures")
    table([text("console.reports.figure"), text("console.reports.month"), text("console.reports.change")],
          [list(k) for k in key_figures(report)], (3, 2, 2))  # fmt: skip
    heading("console.reports.dissatisfied")
    if report.dissatisfied:
        table([text("console.reports.col.page"), text("console.reports.col.not_helpful")],
              [[p.title or p.url, shown(p.helpful_no)] for p in report.dissatisfied], (5, 1))  # fmt: skip
    else:
        doc.multi_cell(0, 5, _latin(text("console.reports.none")), new_x="LMARGIN", new_y="NEXT")
    heading("console.reports.pages")
    if report.pages:
        cols = ("page", "responses", "helpful", "rating", "views", "contact_rate")
        body = [[c for i, c in enumerate(page_cells(p)) if i != 1] for p in report.pages]  # without the URL
        table([text(f"console.reports.col.{c}") for c in cols], body, (5, 2, 2, 2, 2, 2))
    else:
        doc.multi_cell(0, 5, _latin(text("console.reports.none")), new_x="LMARGIN", new_y="NEXT")
    if report.services:
        heading("console.reports.services")
        table([text(f"console.reports.col.{c}") for c in SERVICE_COLUMNS if c != "service_key"],
              [[c for i, c in enumerate(service_cells(s)) if i != 1] for s in report.services],
              (5, 1, 2, 2, 2))  # fmt: skip
    heading("console.reports.themes")
    doc.multi_cell(0, 5, _latin(", ".join(f"{label} ({n})" for label, n in report.themes)
                                or text("console.reports.none")), new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    heading("console.reports.surveys")
    if report.surveys:
        table([text("console.reports.col.survey"), text("console.reports.col.answered"),
               text("console.reports.col.dismissed")],
              [[s.title, shown(s.responses), shown(s.dismissed)] for s in report.surveys], (4, 2, 2))  # fmt: skip
    else:
        doc.multi_cell(0, 5, _latin(text("console.reports.none")), new_x="LMARGIN", new_y="NEXT")
    heading("console.reports.open")
    doc.multi_cell(0, 5, _latin(open_text(report)), new_x="LMARGIN", new_y="NEXT")
    return bytes(doc.output())


def open_text(report: Report) -> str:
    return text("console.reports.open_items", new=shown(_small(report.open_items.get("neu", 0))),
                working=shown(_small(report.open_items.get("in_bearbeitung", 0))))  # fmt: skip


# ---- Publishing (for the notifier) ----

SOURCE = "/stadtstimme/analytics/reports"
DUE_HOUR = 6  # last month's reports go out on the 1st at 6:00 in the city's time zone
REPORT_RETRY_S = 30.0  # while the projections catch up with a due month
_NAMESPACE = uuid.UUID("0b6a3a52-52a4-4b1e-9f0e-2f1c4c0b7d11")


def report_id(scope: str, month: date) -> uuid.UUID:
    return uuid.uuid5(_NAMESPACE, f"{scope}|{month:%Y-%m}")


def event_of(report: Report, at: datetime) -> ReportPublishedV1:
    month = report.month.strftime("%Y-%m")
    open_comments = _small(report.open_items.get("neu", 0) + report.open_items.get("in_bearbeitung", 0))
    return ReportPublishedV1(
        report_id=report_id(report.scope, report.month), scope=report.scope, scope_name=report.scope_name[:200],
        month=month, title=report.title[:300], responses=report.current["responses"],
        helpful_share=report.current["helpful_share"], rating_mean=report.current["rating_mean"],
        responses_change=report.change["responses"], open_comments=open_comments,
        path=f"/console/berichte/{report.scope}/{month}", csv=rows_csv(report)[:500_000], at=at,
    )  # fmt: skip


def due_month(now: datetime) -> date | None:
    """The month whose reports are due at ``now`` (local time): last month, from the 1st at ``DUE_HOUR``."""
    if now.day == 1 and now.hour < DUE_HOUR:
        return None
    before, _, _ = month_bounds(now.date())
    return before


async def publish_month(
    pool: asyncpg.Pool, producer: AIOKafkaProducer, settings: Settings, month: date, actor: str, *, again: bool = False
) -> list[ReportPublishedV1]:
    """Build and publish the month's reports (every org unit but the city's own, then the city), once per month
    across all instances (the month's row in ``report_run``, written after the last report went out; ``again``
    publishes a month once more, e.g. from the command line: the notifier sends a report it sent before only once).
    Returns what was published (nothing when the month was done already)."""
    async with pool.acquire() as conn, conn.transaction():
        if not await conn.fetchval("SELECT pg_try_advisory_xact_lock(hashtext('stadtstimme.reports'))"):
            return []  # another instance is at it
        if not again and await conn.fetchval("SELECT 1 FROM report_run WHERE month = $1", month):
            return []
        scopes = [r["id"] for r in await conn.fetch("SELECT id FROM org_unit WHERE kind <> 'city' ORDER BY id")]
        published = []
        now = datetime.now(UTC)
        for scope in [*scopes, CITY]:
            report = await build(conn, settings.timezone, scope, month)
            if report is None:
                continue
            event = event_of(report, now)
            envelope = encode_envelope(REPORT_PUBLISHED, event.report_id, SOURCE, now, event.model_dump(mode="json"),
                                       subject=scope)  # fmt: skip
            async with asyncio.timeout(settings.kafka_send_timeout_s):
                await producer.send_and_wait(topic_name(REPORTS, settings.topic_prefix), envelope, key=scope.encode())
            published.append(event)
        await conn.execute(
            """INSERT INTO report_run (month, reports, published_by) VALUES ($1, $2, $3)
               ON CONFLICT (month) DO UPDATE SET published_at = now(), reports = excluded.reports,
                   published_by = excluded.published_by""",
            month, len(published), actor,
        )  # fmt: skip
        await audit(conn, actor, "reports_published", month.strftime("%Y-%m"), reports=len(published))
    return published


async def projected_to(settings: Settings) -> dict[str, dict[int, int]]:
    """Where each projection's topic ends now (projection → partition → end offset)."""
    from services.analytics.replay import topic_extent
    from services.registry import PROJECTIONS

    return {p.name: {part: end for part, (_, end) in (await topic_extent(settings, p.topic)).items()}
            for p in PROJECTIONS}  # fmt: skip


async def caught_up(settings: Settings, pool: asyncpg.Pool, targets: dict[str, dict[int, int]]) -> bool:
    """Whether every projection has stored a position at or beyond ``targets`` (``projected_to`` taken when the
    month became due: everything received in that month was on its topic by then)."""
    from services.registry import PROJECTIONS

    async with pool.acquire() as conn:
        for p in PROJECTIONS:
            stored = await load_offsets(conn, p.name, topic_name(p.topic, settings.topic_prefix))
            if any(stored.get(part, 0) < end for part, end in targets.get(p.name, {}).items() if end > 0):
                return False
    return True


async def month_done(pool: asyncpg.Pool, month: date) -> bool:
    async with pool.acquire() as conn:
        return bool(await conn.fetchval("SELECT 1 FROM report_run WHERE month = $1", month))


class MonthGate:
    """Whether a due month may be worked on yet: once the projections have read everything that was on their topics
    when the month became due (everything received in that month was there by then; after a restart with a backlog,
    a month's report or transfer would otherwise miss part of it). The monthly reports and the SDG transfer wait
    for it."""

    def __init__(self, settings: Settings, pool: asyncpg.Pool) -> None:
        self.settings, self.pool = settings, pool
        self.targets: tuple[date, dict[str, dict[int, int]]] | None = None

    async def ready(self, month: date) -> bool:
        if self.targets is None or self.targets[0] != month:
            self.targets = (month, await projected_to(self.settings))
        return await caught_up(self.settings, self.pool, self.targets[1])


async def run_forever(settings: Settings, pool: asyncpg.Pool, stop: asyncio.Event) -> None:
    """Publish last month's reports when they are due, checking every ``retention_interval_s`` (in the projector
    worker). Due, the reports wait for the projections (``MonthGate``), checking every ``REPORT_RETRY_S``
    meanwhile; a failed attempt is tried again at the next check."""
    producer = await start_producer(settings)
    zone = ZoneInfo(settings.timezone)
    gate = MonthGate(settings, pool)

    async def step() -> float | None:
        month = due_month(datetime.now(zone))
        if month is None or await month_done(pool, month):
            return None
        if not await gate.ready(month):
            return REPORT_RETRY_S
        if await publish_month(pool, producer, settings, month, "(reports)"):
            log.info("monthly reports of %s published", month.strftime("%Y-%m"))
        return None

    try:
        await every(settings.retention_interval_s, stop, "monthly reports", step, retry=REPORT_RETRY_S)
    finally:
        await producer.stop()
