"""Satisfaction dashboards of the staff console: the overview per org unit and the page of one unit, over 7, 30
or 90 days or a chosen date range, against the period of the same length before; filters by site, URL prefix
and category; trend charts (server-side SVG) with their data table and CSV; the rating distribution; the pages
with the most negative feedback; the newest comments.

Figures come from the read models: org units per day, pages per hour (summed to days in the city's time zone),
and, when a category is chosen, the counted responses themselves (the aggregates are not kept per category).
Scoping is applied to every query: unit staff see their units only, another unit's page answers 404.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

import asyncpg
import orjson
from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.analytics import alert_store, trends
from services.analytics.domain import COUNTERS, SMALL_NUMBER, published, stats
from shared import formats
from shared.access import check_units
from shared.auth import Account, audit
from shared.console_ui import ConsoleUI
from shared.contracts.feedback import CATEGORIES
from shared.db import Params, like_prefix
from shared.downloads import csv_download
from shared.messages import text
from shared.refusal import Refusal
from shared.settings import Settings
from shared.spreadsheet import to_csv

DEFAULT_DAYS = 30
MAX_RANGE_DAYS = 366
_DAY = re.compile(r"2[0-9]{3}-[0-9]{2}-[0-9]{2}")  # a day of 2000-2999 (beyond, period arithmetic overflows)
_SLUG = re.compile(r"[a-z0-9-]{1,64}")
_RESPONSE_COUNTERS = """count(*) AS responses, count(*) FILTER (WHERE r.helpful) AS helpful_yes,
    count(*) FILTER (WHERE NOT r.helpful) AS helpful_no, count(r.rating) AS rating_count,
    coalesce(sum(r.rating), 0) AS rating_sum, """ + ", ".join(
    f"count(*) FILTER (WHERE r.rating = {i}) AS rating_{i}" for i in range(1, 6)
)
_SUMMED = ", ".join(f"sum({c})::bigint AS {c}" for c in COUNTERS)


class BadPeriod(Refusal):
    """A period that is not one (422); ``key`` names the message."""

    def __init__(self, key: str) -> None:
        super().__init__(key, 422, slug="bad-period")


@dataclass(frozen=True)
class Period:
    """The current period [start, end) and the previous one [previous, start) of the same length, in days."""

    previous: date
    start: date
    end: date
    days: int
    custom: bool = False


@dataclass(frozen=True)
class Filters:
    unit: str | None = None
    site: str | None = None
    prefix: str | None = None
    category: str | None = None

    @property
    def by_page(self) -> bool:
        return bool(self.site or self.prefix)


def _day(raw: str, key: str) -> date | None:
    if not raw:
        return None
    try:
        if not _DAY.fullmatch(raw):
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except ValueError:
        raise BadPeriod(key) from None


def parse_period(params: dict[str, str], today: date) -> Period:
    """7, 30 or 90 days up to today (``days``), or ``from``–``to`` (both days included, at most a year)."""
    since, until = (
        _day(params.get("from", ""), "console.inbox.error.from"),
        _day(params.get("to", ""), "console.inbox.error.to"),
    )
    if since or until:
        since, until = since or (until or today) - timedelta(days=DEFAULT_DAYS - 1), until or today
        if until < since:
            raise BadPeriod("console.inbox.error.range")
        days = (until - since).days + 1
        if days > MAX_RANGE_DAYS:
            raise BadPeriod("console.dashboard.error.too_long")
        return Period(since - timedelta(days=days), since, until + timedelta(days=1), days, custom=True)
    try:
        days = int(params.get("days", DEFAULT_DAYS))
    except ValueError:
        days = DEFAULT_DAYS
    days = days if days in trends.PERIODS else DEFAULT_DAYS
    previous, start, end = trends.period_bounds(today, days)
    return Period(previous, start, end, days)


def parse_filters(params: dict[str, str]) -> Filters:
    site, unit, category = params.get("site", ""), params.get("unit", ""), params.get("category", "")
    return Filters(
        unit=unit if _SLUG.fullmatch(unit) else None,
        site=site if _SLUG.fullmatch(site) else None,
        prefix=params.get("prefix", "").strip()[:500] or None,
        category=category if category in CATEGORIES else None,
    )


def query_of(period: Period, filters: Filters, *, unit: bool = False) -> dict[str, str]:
    """The query parameters that reproduce a view (for links, the filter form and CSV downloads)."""
    q: dict[str, str] = {}
    if period.custom:
        q["from"], q["to"] = period.start.isoformat(), (period.end - timedelta(days=1)).isoformat()
    else:
        q["days"] = str(period.days)
    for key, value in (("unit", filters.unit if unit else None), ("site", filters.site),
                       ("prefix", filters.prefix), ("category", filters.category)):  # fmt: skip
        if value:
            q[key] = value
    return q


async def daily_rows(
    conn: asyncpg.Connection, tz: str, scope: frozenset[str] | None, filters: Filters, start: date, end: date
) -> list[dict[str, Any]]:
    """Counters per local day (and org unit) in [start, end) for the visible units matching ``filters``."""
    zone = ZoneInfo(tz)
    arg = Params(datetime.combine(start, time(), zone), datetime.combine(end, time(), zone), tz)
    where = []
    units = {filters.unit} if filters.unit else None
    if scope is not None:
        units = (units & scope) if units is not None else set(scope)
    if units is not None:
        where.append(f"org_unit_id = ANY({arg(sorted(units))}::text[])")
    if filters.site:
        where.append(f"site_id = {arg(filters.site)}")
    if filters.prefix:
        where.append(f"page_url LIKE {arg(like_prefix(filters.prefix))}")
    condition = "".join(f" AND {w}" for w in where)
    if filters.category:
        sql = f"""SELECT org_unit_id, (r.first_at AT TIME ZONE $3)::date AS day, {_RESPONSE_COUNTERS}
                  FROM feedback_response r WHERE r.first_at >= $1 AND r.first_at < $2{condition}
                  AND EXISTS (SELECT 1 FROM feedback_event e WHERE e.response_id = r.response_id
                              AND e.category = {arg(filters.category)})
                  GROUP BY 1, 2"""
    elif filters.by_page:
        sql = f"""SELECT org_unit_id, (bucket_start AT TIME ZONE $3)::date AS day, {_SUMMED}
                  FROM page_satisfaction_day WHERE bucket_start >= $1 AND bucket_start < $2{condition}
                  GROUP BY 1, 2"""
    else:
        sql = f"""SELECT org_unit_id, (bucket_start AT TIME ZONE $3)::date AS day, {_SUMMED}
                  FROM org_unit_satisfaction WHERE granularity = 'day' AND bucket_start >= $1
                  AND bucket_start < $2{condition} GROUP BY 1, 2"""
    return [dict(r) for r in await conn.fetch(sql, *arg.values)]


async def overview_rows(
    conn: asyncpg.Connection, tz: str, scope: frozenset[str] | None, period: Period
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """What the overview needs of its units' days, summed in SQL (at 90 days the Python sums over every unit's days
    were most of its time): per unit and period, the period's first day standing for it (``figures`` without its
    series reads them like daily rows); and per day, all units together (the total and its series). The same sums
    as ``daily_rows`` over [previous, end) without filters."""
    zone = ZoneInfo(tz)
    previous, start, end = (datetime.combine(d, time(), zone) for d in (period.previous, period.start, period.end))
    rows = await conn.fetch(
        f"""SELECT org_unit_id, (bucket_start AT TIME ZONE $3)::date AS day, bucket_start >= $4 AS current, {_SUMMED}
            FROM org_unit_satisfaction WHERE granularity = 'day' AND bucket_start >= $1 AND bucket_start < $2
              AND ($5::text[] IS NULL OR org_unit_id = ANY($5::text[]))
            GROUP BY GROUPING SETS ((org_unit_id, current), (day))""",
        previous, end, tz, start, sorted(scope) if scope is not None else None,
    )  # fmt: skip
    units, days = [], []
    for r in rows:
        counters = {c: r[c] for c in COUNTERS}
        if r["org_unit_id"] is None:
            days.append({"day": r["day"], **counters})
        else:
            first = period.start if r["current"] else period.previous
            units.append({"org_unit_id": r["org_unit_id"], "day": first, **counters})
    return units, days


def figures(rows: list[dict[str, Any]], period: Period, series: bool = True) -> dict[str, Any]:
    """Totals of the current and the previous period, the change, and the daily series of the current one (empty
    without ``series``). The rows are summed per day once (the overview's total reads every unit's days: three passes
    over them were most of its time at 90 days)."""
    days = trends.per_day(rows, period.previous, period.end)
    current = trends.totals(days, period.start, period.end)
    previous = trends.totals(days, period.previous, period.start)
    return {
        "current": current,
        "previous": previous,
        "change": trends.change(current, previous),
        "series": trends.daily_series(days, period.start, period.end) if series else [],
    }


def formatted(f: dict[str, Any]) -> dict[str, str]:
    """Key figures with their change, in German formats, for tables and CSV."""
    c, d = f["current"], f["change"]
    return {
        "responses": formats.number(c["responses"]),
        "helpful": formats.percent(c["helpful_share"]),
        "rating": formats.number(c["rating_mean"], 2),
        "responses_change": "–" if d["responses"] is None else formats.signed(d["responses"] * 100) + " %",
        "helpful_change": "–" if d["helpful_share"] is None else formats.signed(d["helpful_share"]) + " Pp.",
        "rating_change": "–" if d["rating_mean"] is None else formats.signed(d["rating_mean"], 2),
    }


def direction(value: float | None) -> str:
    return "" if not value else ("up" if value > 0 else "down")


def overview_row(unit: dict[str, Any]) -> list[str]:
    """One unit of the overview as a CSV row: numbers as spreadsheets read them (decimal comma, no sign
    characters other than the minus sign, empty where there is no figure)."""
    c, d = unit["figures"]["current"], unit["figures"]["change"]
    return [
        unit["name"],
        str(c["responses"]),
        formats.spreadsheet(None if c["helpful_share"] is None else c["helpful_share"] * 100),
        formats.spreadsheet(c["rating_mean"], 2),
        formats.spreadsheet(None if d["responses"] is None else d["responses"] * 100, sign=True),
        formats.spreadsheet(d["helpful_share"], 1, sign=True),
        formats.spreadsheet(d["rating_mean"], 2, sign=True),
    ]


def publication_row(unit: dict[str, Any]) -> list[str]:
    """One unit of the overview as it may be published (``domain.published``): fewer than five responses show
    as "< 5" with no share or mean; shares and means of fewer than five answers are left empty."""
    c = unit["figures"]["current"]
    counters = {k: c[k] for k in ("responses", "helpful_yes", "helpful_no", "rating_count", "rating_sum")}
    counters |= {f"rating_{i}": c["rating_distribution"][str(i)] for i in range(1, 6)}
    p = published(counters)
    share = formats.spreadsheet(None if p["helpful_share"] is None else p["helpful_share"] * 100)
    mean = formats.spreadsheet(p["rating_mean"], 2)
    return [unit["name"], f"< {SMALL_NUMBER}" if p["suppressed"] else str(p["responses"]), share, mean]


def charts(series: list[dict[str, Any]], name: str, key: str) -> dict[str, Any]:
    """The three trend charts of a view (mean rating, helpful share, volume), ids prefixed by ``key``."""
    period = text("console.dashboard.chart.period", first=series[0]["day"].strftime("%d.%m.%Y"),
                  last=series[-1]["day"].strftime("%d.%m.%Y")) if series else ""  # fmt: skip
    rating_label = text("console.dashboard.chart.rating", name=name)
    helpful_label = text("console.dashboard.chart.helpful", name=name)
    return {
        "rating": trends.line_chart(series, "rating_mean", label=rating_label, lo=1, hi=5),
        "helpful": trends.line_chart(series, "helpful_share", label=helpful_label, lo=0, hi=1),
        "volume": trends.volume_chart(series, label=text("console.dashboard.chart.volume", name=name)),
        "period": period,
        "key": key,
        "rows": [
            {
                "day": e["day"].strftime("%d.%m.%Y"),
                "responses": formats.number(e["responses"]),
                "helpful": formats.percent(e["helpful_share"]),
                "rating": formats.number(e["rating_mean"], 2),
            }
            for e in series
        ],
    }


def alert_items(rows: list[Any], names: dict[str, str], tz: ZoneInfo, prefix: str) -> list[dict[str, str]]:
    """Open satisfaction alerts as the console lists them: where, the figures that departed, since when, and a
    link to the unit's page (filtered to the page for a page alert)."""
    items = []
    for r in rows:
        reading = r["reading"] if isinstance(r["reading"], dict) else orjson.loads(r["reading"])
        unit = r["org_unit_id"]
        query = {"days": "7"} | ({"prefix": r["key"]} if r["scope"] == "page" else {})
        parts = []
        if "not_helpful_share" in r["reasons"]:
            parts.append(text("console.alerts.share", share=formats.percent(reading["not_helpful_share"]),
                              baseline=formats.percent(reading["baseline_share"])))  # fmt: skip
        if "mean_rating" in r["reasons"]:
            parts.append(text("console.alerts.mean", mean=formats.number(reading["mean_rating"], 1),
                              baseline=formats.number(reading["baseline_mean"], 1)))  # fmt: skip
        items.append({
            "where": r["key"] if r["scope"] == "page" else text("console.alerts.unit", unit=names.get(unit, unit)),
            "figures": ", ".join(parts),
            "since": r["raised_at"].astimezone(tz).strftime("%d.%m.%Y, %H:%M"),
            "link": f"{prefix}/units/{quote(unit, safe='')}?{urlencode(query)}",
        })  # fmt: skip
    return items


def add_dashboard_routes(router: APIRouter, ui: ConsoleUI, settings: Settings, pool: asyncpg.Pool) -> None:
    prefix = ui.prefix

    def today() -> date:
        return datetime.now(UTC).astimezone(ui.tz).date()

    def period_links(period: Period, filters: Filters, base: str, unit: bool = False) -> list[dict[str, Any]]:
        links = []
        for days in trends.PERIODS:
            q = query_of(Period(period.previous, period.start, period.end, days), filters, unit=unit)
            links.append({"days": days, "url": f"{base}?{urlencode(q)}",
                          "current": not period.custom and period.days == days})  # fmt: skip
        return links

    async def overview_data(account: Account, period: Period) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        units = account.units_visible()
        async with pool.acquire() as conn:
            names = await conn.fetch(
                "SELECT id, name, kind FROM org_unit WHERE $1::text[] IS NULL OR id = ANY($1::text[]) ORDER BY name",
                sorted(units) if units is not None else None,
            )
            unit_rows, rows = await overview_rows(conn, settings.timezone, units, period)
        by_unit: dict[str, list[dict[str, Any]]] = {}
        for r in unit_rows:
            by_unit.setdefault(r["org_unit_id"], []).append(r)
        table = []
        for n in names:
            f = figures(by_unit.get(n["id"], []), period, series=False)  # the units' table shows no charts
            table.append({"id": n["id"], "name": n["name"], "kind": n["kind"], "figures": f, "text": formatted(f),
                          "directions": {k: direction(v) for k, v in f["change"].items()}})  # fmt: skip
        return table, figures(rows, period)

    async def viewer(request: Request) -> tuple[Account, Period, dict[str, str]]:
        """The account (``figures.read``), the chosen period and the query parameters; raises ``Refusal``
        (``BadPeriod`` for a period that is not one)."""
        account = await ui.require(request, "figures.read")
        params = dict(request.query_params)
        return account, parse_period(params, today()), params

    @router.get("/")
    async def overview(request: Request) -> Response:
        account, period, _ = await viewer(request)
        table, total = await overview_data(account, period)
        query = query_of(period, Filters())
        async with pool.acquire() as conn:
            open_alerts = await alert_store.open_alerts(conn, account.units_visible())
        return ui.page(
            "console_overview.html",
            account=account,
            prefix=prefix,
            alerts=alert_items(open_alerts, {u["id"]: u["name"] for u in table}, ui.tz, prefix),
            units=table,
            total=formatted(total),
            charts=charts(total["series"], text("console.dashboard.all_units"), "all"),
            periods=period_links(period, Filters(), f"{prefix}/"),
            period=period,
            period_text=_period_text(period),
            csv_url=f"{prefix}/overview.csv?{urlencode(query)}",
            publication_csv_url=f"{prefix}/overview.csv?{urlencode({**query, 'publish': '1'})}",
            trend_csv_url=f"{prefix}/trend.csv?{urlencode(query)}",
        )

    @router.get("/overview.csv")
    async def overview_csv(request: Request) -> Response:
        """The overview's table as CSV for spreadsheets (German Excel: semicolons, decimal commas, UTF-8 BOM)."""
        account, period, params = await viewer(request)
        table, _ = await overview_data(account, period)
        publish = params.get("publish") == "1"
        columns = ("unit", "responses", "helpful", "rating", "responses_change", "helpful_change", "rating_change")
        header = [text(f"console.overview.csv.{k}") for k in columns[: 4 if publish else 7]]
        rows = [publication_row(u) if publish else overview_row(u) for u in table]
        async with pool.acquire() as conn:
            await audit(conn, account.username, "export", "overview.csv", units=[u["id"] for u in table],
                        start=period.start.isoformat(), days=period.days, publication=publish)  # fmt: skip
        name = "stadtstimme-veroeffentlichung.csv" if publish else "stadtstimme-uebersicht.csv"
        return csv_download(to_csv([header, *rows]), name)

    @router.get("/trend.csv")
    async def trend_csv(request: Request) -> Response:
        """The daily series behind a view's charts (all visible units, or one unit with its filters)."""
        account, period, params = await viewer(request)
        filters = parse_filters(params)
        if filters.unit:
            check_units(account, "figures.read", filters.unit)
        async with pool.acquire() as conn:
            rows = await daily_rows(conn, settings.timezone, account.units_visible(), filters, period.start,
                                    period.end)  # fmt: skip
            await audit(conn, account.username, "export", "trend.csv", **query_of(period, filters, unit=True))
        series = trends.daily_series(rows, period.start, period.end)
        return csv_download(trends.trend_csv(series), "stadtstimme-verlauf.csv")

    @router.get("/units/{unit_id}")
    async def unit(unit_id: str, request: Request) -> Response:
        """One unit: key figures and trend charts for the period and filters, the rating distribution, its pages
        with the most negative feedback first, and its newest comments. Another unit's page answers 404,
        exactly like a unit that does not exist."""
        account, period, params = await viewer(request)
        filters = replace(parse_filters(params), unit=unit_id[:64])
        async with pool.acquire() as conn:
            name = await conn.fetchval("SELECT name FROM org_unit WHERE id = $1", unit_id[:64])
            if name is None:
                return ui.not_found(account)
            check_units(account, "figures.read", unit_id)
            rows = await daily_rows(conn, settings.timezone, account.units_visible(), filters, period.previous,
                                    period.end)  # fmt: skip
            pages = await page_table(conn, settings.timezone, filters, period)
            # The newest comments, for who may read comments (figures alone do not grant their words).
            comments = await newest_comments(conn, unit_id) if account.may("comments.read") else []
            sites = await conn.fetch(
                """SELECT id, name FROM site WHERE org_unit_id = $1
                   OR id IN (SELECT site_id FROM site_section WHERE org_unit_id = $1) ORDER BY name""",
                unit_id,
            )
            if account.may("comments.read"):
                await audit(conn, account.username, "view_comments", unit_id, shown=len(comments))
            open_alerts = await alert_store.open_alerts(conn, frozenset({unit_id}))
        f = figures(rows, period)
        distribution = trends.distribution(f["current"])
        dist_rows = [{"label": text("console.dashboard.stars", stars=d["stars"]), "count": d["count"],
                      "share": d["share_text"]} for d in distribution]  # fmt: skip
        query = query_of(period, filters, unit=True)
        return ui.page(
            "console_unit.html",
            account=account,
            prefix=prefix,
            alerts=alert_items(open_alerts, {unit_id: name}, ui.tz, prefix),
            unit_id=unit_id,
            name=name,
            figures=formatted(f),
            directions={k: direction(v) for k, v in f["change"].items()},
            charts=charts(f["series"], name, "unit"),
            distribution=distribution,
            distribution_chart=trends.bar_chart(text("console.dashboard.distribution"), dist_rows)
            if f["current"]["rating_count"]
            else None,
            pages=pages,
            comments=comments,
            tz=ui.tz,
            periods=period_links(period, filters, f"{prefix}/units/{unit_id}"),
            period=period,
            period_text=_period_text(period),
            filters=filters,
            range_from=query.get("from", ""),
            range_to=query.get("to", ""),
            sites=sites,
            categories=CATEGORIES,
            trend_csv_url=f"{prefix}/trend.csv?{urlencode(query)}",
            page_query=lambda url: urlencode({**query_of(period, replace(filters, prefix=url, site=None))}),
            inbox_url=f"{prefix}/inbox?{urlencode({'unit': unit_id})}",
        )


_COMMENT_COLUMNS = "i.response_id, i.received_at, i.page_url, i.rating, i.category, i.comment, i.suggestion"
# The newest comments of a unit as comment_inbox has them (its unit: the one its triage names, else its page's),
# from two index scans: those without a triage row under their page's unit (comment_item_by_unit), and those whose
# triage names the unit (comment_triage_unit). The view's coalesce() hides both indexes: a filter on it read every
# comment (110 ms at 200,000). "Unflagged" is flags = '{}', not cardinality(flags) = 0: the planner estimates a
# function's result at 0.5 % of the rows, and the custom plans the pool forces then sorted all of a unit's comments
# instead of walking an index (34 ms instead of 0.3 ms at 1 million events). test_read_paths.py compares it with the
# view.
NEWEST_COMMENTS = f"""SELECT * FROM (
    (SELECT {_COMMENT_COLUMNS} FROM comment_item i LEFT JOIN comment_triage t ON t.response_id = i.response_id
     WHERE i.org_unit_id = $1 AND t.org_unit_id IS NULL AND i.flags = '{{}}'
       AND coalesce(t.status, 'neu') <> 'spam'
     ORDER BY i.received_at DESC LIMIT $2)
    UNION ALL
    (SELECT {_COMMENT_COLUMNS} FROM comment_triage t JOIN comment_item i ON i.response_id = t.response_id
     WHERE t.org_unit_id = $1 AND i.flags = '{{}}' AND coalesce(t.status, 'neu') <> 'spam'
     ORDER BY i.received_at DESC LIMIT $2)
) c ORDER BY received_at DESC LIMIT $2"""


async def newest_comments(conn: asyncpg.Connection, unit_id: str, limit: int = 10) -> list[asyncpg.Record]:
    """A unit's newest comments for its page: not suspected, not spam."""
    rows: list[asyncpg.Record] = await conn.fetch(NEWEST_COMMENTS, unit_id, limit)
    return rows


async def page_table(conn: asyncpg.Connection, tz: str, filters: Filters, period: Period) -> list[dict[str, Any]]:
    """The unit's pages in the current period, the most "not helpful" answers first, then the lowest mean."""
    zone = ZoneInfo(tz)
    arg = Params(filters.unit, datetime.combine(period.start, time(), zone), datetime.combine(period.end, time(), zone))
    where = ""
    if filters.site:
        where += f" AND p.site_id = {arg(filters.site)}"
    if filters.prefix:
        where += f" AND p.page_url LIKE {arg(like_prefix(filters.prefix))}"
    rows = await conn.fetch(
        f"""SELECT p.page_url, min(pg.title) AS title, {", ".join(f"sum(p.{c})::bigint AS {c}" for c in COUNTERS)}
            FROM page_satisfaction_day p LEFT JOIN page pg ON pg.url = p.page_url
            WHERE p.org_unit_id = $1 AND p.bucket_start >= $2 AND p.bucket_start < $3{where}
            GROUP BY p.page_url""",
        *arg.values,
    )
    out = [{"url": r["page_url"], "title": r["title"] or "", **stats(r)} for r in rows]
    out.sort(key=lambda r: (-r["helpful_no"], r["rating_mean"] if r["rating_mean"] is not None else 6, r["url"]))
    return out[:50]


def _period_text(period: Period) -> str:
    last = period.end - timedelta(days=1)
    before_last = period.start - timedelta(days=1)
    return text("console.dashboard.period", first=period.start.strftime("%d.%m.%Y"), last=last.strftime("%d.%m.%Y"),
                previous_first=period.previous.strftime("%d.%m.%Y"),
                previous_last=before_last.strftime("%d.%m.%Y"))  # fmt: skip
