"""The feedback projection's read models against straightforward queries over the archive (issue 20).

The projector keeps its read models incrementally, batch by batch, in one statement per batch
(``services.analytics.store.PROJECT_FEEDBACK``): every shortcut it takes for speed must leave them exactly what a
plain query over all archived events computes. Randomised streams (several seeds) of responses in one to three
parts, with duplicates, flagged parts, barrier reports on their own, texts and times around a change of daylight
saving time, are projected in batches of random size; then ``feedback_response``, ``page_satisfaction`` (hours),
``page_satisfaction_day``, ``org_unit_satisfaction`` (hours and days) and ``comment_item`` must equal what the
queries below compute from ``feedback_event`` alone, the day rollup must equal the hours summed per local day, and the
reads of whole days that use the rollup must return what they returned when they summed the hours.

As on the topic, the parts of a response are in the order they were received (one key, one partition); a
duplicate is the same record sent again, later in the stream.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import pytest

from services.analytics import dashboards, service_figures
from services.analytics.api import MetricsFilter
from services.analytics.dashboards import Filters, Period
from services.analytics.domain import stats
from services.analytics.store import FeedbackRow, project_feedback
from shared.contracts.feedback import BARRIER, CATEGORIES
from shared.db import migrate_url, migrations
from shared.orgmodel import PageAttributes
from tests.integration.conftest import once

pytestmark = once("the projection's arithmetic (PostgreSQL only, no broker)", broker="tansu")

TOPIC = "exactness.feedback"
ZONE = "Europe/Berlin"
PAGES = [  # (site, page, unit)
    ("abfall", "https://abfall.musterstadt.de/sperrmuell", "abfallwirtschaft"),
    ("abfall", "https://abfall.musterstadt.de/termine", "abfallwirtschaft"),
    ("portal", "https://www.musterstadt.de/buergerbuero", "stadtverwaltung"),
    ("portal", "https://www.musterstadt.de/wohnen", "stadtverwaltung"),
    ("portal", "https://www.musterstadt.de/bauen", "bauamt"),
    ("baeder", "https://baeder.musterstadt.de/freibad", "baeder"),
]
# Around the end of daylight saving time in Berlin (25 October 2026, 03:00 CEST -> 02:00 CET) and a day either side.
START = datetime(2026, 10, 24, 0, 0, tzinfo=UTC)
SPAN_S = 3 * 86400

# What the read models must hold, from the archive alone.
RESPONSES = f"""
WITH counted AS (
    SELECT * FROM feedback_event
    WHERE cardinality(flags) = 0 AND NOT (category IS NOT DISTINCT FROM '{BARRIER}' AND helpful IS NULL
                                          AND rating IS NULL)
)
SELECT response_id,
       (array_agg(page_url ORDER BY received_at, kafka_partition, kafka_offset))[1] AS page_url,
       (array_agg(org_unit_id ORDER BY received_at, kafka_partition, kafka_offset))[1] AS org_unit_id,
       (array_agg(site_id ORDER BY received_at, kafka_partition, kafka_offset))[1] AS site_id,
       min(received_at) AS first_at,
       (array_agg(helpful ORDER BY received_at, kafka_partition, kafka_offset)
           FILTER (WHERE helpful IS NOT NULL))[1] AS helpful,
       (array_agg(rating ORDER BY received_at, kafka_partition, kafka_offset)
           FILTER (WHERE rating IS NOT NULL))[1] AS rating
FROM counted GROUP BY response_id
"""
STATS = """count(*) AS responses, count(*) FILTER (WHERE helpful) AS helpful_yes,
    count(*) FILTER (WHERE NOT helpful) AS helpful_no, count(rating) AS rating_count,
    coalesce(sum(rating), 0) AS rating_sum, count(*) FILTER (WHERE rating = 1) AS rating_1,
    count(*) FILTER (WHERE rating = 2) AS rating_2, count(*) FILTER (WHERE rating = 3) AS rating_3,
    count(*) FILTER (WHERE rating = 4) AS rating_4, count(*) FILTER (WHERE rating = 5) AS rating_5"""
COUNTERS = (
    "responses, helpful_yes, helpful_no, rating_count, rating_sum, rating_1, rating_2, rating_3, rating_4, rating_5"
)
EXPECTED = {
    "feedback_response": (
        f"SELECT * FROM ({RESPONSES}) r",
        "SELECT response_id, page_url, org_unit_id, site_id, first_at, helpful, rating FROM feedback_response",
    ),
    "page_satisfaction": (
        f"""SELECT page_url, org_unit_id, min(site_id) AS site_id, date_trunc('hour', first_at, '{ZONE}') AS bucket,
                   {STATS} FROM ({RESPONSES}) r GROUP BY 1, 2, 4""",
        f"SELECT page_url, org_unit_id, site_id, bucket_start, {COUNTERS} FROM page_satisfaction",
    ),
    "page_satisfaction_day": (
        f"""SELECT page_url, org_unit_id, min(site_id) AS site_id, date_trunc('day', first_at, '{ZONE}') AS bucket,
                   {STATS} FROM ({RESPONSES}) r GROUP BY 1, 2, 4""",
        f"SELECT page_url, org_unit_id, site_id, bucket_start, {COUNTERS} FROM page_satisfaction_day",
    ),
    "page_satisfaction_day from the hours": (
        f"""SELECT page_url, org_unit_id, min(site_id), date_trunc('day', bucket_start, '{ZONE}'),
                   {", ".join(f"sum({c})" for c in COUNTERS.split(", "))}
            FROM page_satisfaction GROUP BY 1, 2, 4""",
        f"SELECT page_url, org_unit_id, site_id, bucket_start, {COUNTERS} FROM page_satisfaction_day",
    ),
    "org_unit_satisfaction": (
        f"""SELECT org_unit_id, g, date_trunc(g, first_at, '{ZONE}') AS bucket, {STATS}
            FROM ({RESPONSES}) r CROSS JOIN (VALUES ('hour'), ('day')) AS v(g) GROUP BY 1, 2, 3""",
        f"SELECT org_unit_id, granularity, bucket_start, {COUNTERS} FROM org_unit_satisfaction",
    ),
}


def stream(rng: random.Random, responses: int) -> list[FeedbackRow]:
    """The records of a topic with three partitions, in the order a consumer may get them: responses in parts
    received in time order, some parts flagged or barrier reports on their own, about 5 % sent twice."""
    parts: list[dict[str, Any]] = []
    for _ in range(responses):
        site, page, unit = rng.choice(PAGES)
        response = uuid.uuid4()
        at = START + timedelta(seconds=rng.uniform(0, SPAN_S))
        for n in range(rng.choice((1, 1, 1, 2, 2, 3))):
            barrier_only = rng.random() < 0.05
            part = {
                "event_id": response if n == 0 else uuid.uuid4(),
                "response_id": response,
                "received_at": at,
                "site_id": site,
                "page_url": page,
                "org_unit_id": unit,
                "helpful": None if barrier_only or rng.random() < 0.4 else rng.random() < 0.7,
                "rating": None if barrier_only or rng.random() < 0.5 else rng.randint(1, 5),
                "category": BARRIER if barrier_only else rng.choice((None, None, *CATEGORIES)),
                "comment": f"Kommentar {rng.randrange(10**6)}" if barrier_only or rng.random() < 0.25 else None,
                "suggestion": f"Vorschlag {rng.randrange(10**6)}" if rng.random() < 0.1 else None,
                "flags": rng.choice(("",) * 12 + ("honeypot", "too_fast", "honeypot,too_fast")),
            }
            parts.append(part)
            at += timedelta(seconds=rng.choice((0, 1, 30, 600, 3600, 7200)))  # the same second, or hours later
    parts.sort(key=lambda p: p["received_at"])
    for i in range(len(parts)):  # re-sent records: the same event again, later in the stream
        if rng.random() < 0.05:
            parts.insert(min(len(parts), i + rng.randint(1, 80)), parts[i])
    offsets = [0, 0, 0]
    rows = []
    for p in parts:
        partition = PAGES.index(next(x for x in PAGES if x[1] == p["page_url"])) % 3  # the key: the page
        rows.append(
            FeedbackRow(
                event_id=p["event_id"], partition=partition, offset=offsets[partition],
                received_at=p["received_at"], site_id=p["site_id"], page_url=p["page_url"],
                org_unit_id=p["org_unit_id"], helpful=p["helpful"], rating=p["rating"], category=p["category"],
                language="de", comment=p["comment"], suggestion=p["suggestion"], envelope="{}",
                response_id=p["response_id"], flags=p["flags"],
            )
        )  # fmt: skip
        offsets[partition] += 1
    return rows


async def rows_of(conn: asyncpg.Connection, query: str) -> list[tuple[Any, ...]]:
    return sorted(tuple(r) for r in await conn.fetch(query))


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_the_projection_equals_straightforward_queries_over_the_archive(database_url: str, seed: int) -> None:
    rng = random.Random(seed)
    rows = stream(rng, responses=1500)
    await migrate_url(database_url)
    conn = await asyncpg.connect(database_url)
    try:
        i = 0
        while i < len(rows):  # batches of random size, each in its own transaction, as the projector writes them
            size = rng.choice((1, 7, 50, 200, 600))
            async with conn.transaction():
                await project_feedback(conn, TOPIC, rows[i : i + size], ZONE)
            i += size

        # Not vacuous: the stream has what makes the projection hard.
        facts = await conn.fetchrow(
            f"""SELECT count(*) AS events, count(DISTINCT response_id) AS responses,
                       count(*) FILTER (WHERE cardinality(flags) > 0) AS flagged,
                       count(*) FILTER (WHERE category = '{BARRIER}' AND helpful IS NULL AND rating IS NULL) AS barrier,
                       (SELECT count(*) FROM (SELECT 1 FROM feedback_event GROUP BY response_id HAVING count(*) > 2) m)
                           AS three_parts
                FROM feedback_event"""
        )
        assert facts["events"] == len({r.event_id for r in rows}) < len(rows)  # duplicates archived once
        assert facts["flagged"] > 20 and facts["barrier"] > 10 and facts["three_parts"] > 20, dict(facts)

        for table, (expected, actual) in EXPECTED.items():
            want, got = await rows_of(conn, expected), await rows_of(conn, actual)
            assert want, table
            assert got == want, (table, [r for r in got if r not in want][:3], [r for r in want if r not in got][:3])

        await reads_of_whole_days_equal_the_hours_summed(conn, rng)

        # Migration 047's backfill of the day rollup from the hours gives what the projection kept.
        days = EXPECTED["page_satisfaction_day"][1]
        kept = await rows_of(conn, days)
        backfill = "LOCK TABLE" + next(sql for v, _, sql in migrations() if v == 47).split("LOCK TABLE", 1)[1]
        async with conn.transaction():
            await conn.execute("DELETE FROM page_satisfaction_day")
            await conn.execute("SELECT set_config('stadtstimme.timezone', $1, true)", ZONE)
            await conn.execute(backfill)
            assert await rows_of(conn, days) == kept

        # The inbox: what the batches left equals one refresh over every response with text.
        items = "SELECT * FROM comment_item"
        incremental = await rows_of(conn, items)
        async with conn.transaction():
            await conn.execute("DELETE FROM comment_item")
            await conn.execute("SELECT refresh_comment_items(ARRAY(SELECT DISTINCT response_id FROM feedback_event))")
            assert await rows_of(conn, items) == incremental != []
    finally:
        await conn.close()


# The reads of whole days as they were when they summed the hours of page_satisfaction (before migration 047).
_SUMMED = ", ".join(f"sum(p.{c})::bigint AS {c}" for c in COUNTERS.split(", "))
HOURS_BY_PAGE_DAILY = f"""SELECT org_unit_id, (bucket_start AT TIME ZONE $3)::date AS day, {_SUMMED.replace("p.", "")}
    FROM page_satisfaction WHERE bucket_start >= $1 AND bucket_start < $2 AND site_id = $4 GROUP BY 1, 2"""
HOURS_PAGE_TABLE = f"""SELECT p.page_url AS url, {_SUMMED} FROM page_satisfaction p
    WHERE p.org_unit_id = $1 AND p.bucket_start >= $2 AND p.bucket_start < $3 GROUP BY p.page_url"""
HOURS_SERVICE_ROWS = f"""SELECT p.page_url, min(p.site_id) AS site_id, p.org_unit_id,
           (p.bucket_start AT TIME ZONE $3)::date AS bucket, {_SUMMED}
    FROM page_satisfaction p WHERE p.bucket_start >= $1 AND p.bucket_start < $2
    GROUP BY p.page_url, p.org_unit_id, 4"""
HOURS_METRICS_SERIES = f"""SELECT p.page_url, p.org_unit_id, date_trunc('day', p.bucket_start, $3) AS bucket_start,
           {_SUMMED} FROM page_satisfaction p WHERE p.bucket_start >= $1 AND p.bucket_start < $2 GROUP BY 1, 2, 3"""
HOURS_METRICS_SERVICES = f"""SELECT p.page_url, min(p.site_id) AS site_id, p.org_unit_id,
           date_trunc('day', p.bucket_start, $3) AS bucket_start, {_SUMMED}
    FROM page_satisfaction p WHERE p.bucket_start >= $1 AND p.bucket_start < $2 GROUP BY p.page_url, p.org_unit_id, 4"""


class Services:
    """What the services' reads take of the org model: a service per page (two pages of one service on one site,
    one page of its own, the rest of none) and the pages' titles (none)."""

    def __init__(self) -> None:
        self.pages: dict[str, Any] = {}
        self.keys = {PAGES[0][1]: "stadt:abfall", PAGES[1][1]: "stadt:abfall", PAGES[4][1]: "99115001018000"}

    def attributes(self, site: str, url: str) -> PageAttributes:
        return PageAttributes(service_key=self.keys.get(url))


SERVICES = Services()


async def reads_of_whole_days_equal_the_hours_summed(conn: asyncpg.Connection, rng: random.Random) -> None:
    """Periods of random whole local days across the stream (and its change of daylight saving time): the by-page
    dashboards, a unit's page ranking, the services' page rows and the metrics API's day buckets, read from the day
    rollup, against the same reads summing the hours; the overview's sums in SQL against its sums of daily rows."""
    zone = ZoneInfo(ZONE)
    first = START.astimezone(zone).date()  # the stream's days: 24 to 27 October
    for _ in range(4):
        start = first + timedelta(days=rng.randrange(3))
        end = start + timedelta(days=rng.randint(1, 3))
        period = Period(start - (end - start), start, end, (end - start).days)
        since, until = (datetime.combine(d, time(), zone) for d in (start, end))
        site, unit = rng.choice(PAGES)[0], rng.choice(PAGES)[2]

        got = await dashboards.daily_rows(conn, ZONE, None, Filters(site=site), start, end)
        want = await conn.fetch(HOURS_BY_PAGE_DAILY, since, until, ZONE, site)
        assert sorted(map(tuple, (r.values() for r in got))) == sorted(map(tuple, want)) != [], (start, end, site)

        ranking = await dashboards.page_table(conn, ZONE, Filters(unit=unit), period)
        hours = [{"url": r["url"], **stats(r)} for r in await conn.fetch(HOURS_PAGE_TABLE, unit, since, until)]
        assert sorted(ranking, key=lambda r: r["url"]) == sorted(
            ({**r, "title": ""} for r in hours), key=lambda r: r["url"]
        ), (start, end, unit)

        local_day = "(p.bucket_start AT TIME ZONE $5)::date"
        rows = await service_figures.page_rows(conn, since, until, None, local_day, (ZONE,))
        assert sorted(map(tuple, rows)) == sorted(map(tuple, await conn.fetch(HOURS_SERVICE_ROWS, since, until, ZONE)))

        # The overview: its units' and its total figures summed in SQL, as figures() had them from the daily rows.
        units, days = await dashboards.overview_rows(conn, ZONE, None, period)
        daily = await dashboards.daily_rows(conn, ZONE, None, Filters(), period.previous, period.end)
        assert dashboards.figures(days, period) == dashboards.figures(daily, period) != dashboards.figures([], period)
        for unit in {r["org_unit_id"] for r in daily}:
            of_unit = [r for r in daily if r["org_unit_id"] == unit]
            summed = [r for r in units if r["org_unit_id"] == unit]
            assert dashboards.figures(summed, period, False) == dashboards.figures(of_unit, period, False), unit

        # The metrics API at granularity 'day' (services/analytics/api.py): its condition and table.
        f = MetricsFilter(None, None, None, since - timedelta(hours=rng.randint(0, 30)), until, "day", True)
        where, args = f.where_pages("p", ZONE)
        api = await conn.fetch(
            f"""SELECT p.page_url, p.org_unit_id, p.bucket_start, {_SUMMED} FROM {f.pages_table} p WHERE {where}
                GROUP BY 1, 2, 3""",
            *args,
        )
        assert sorted(map(tuple, api)) == sorted(map(tuple, await conn.fetch(HOURS_METRICS_SERIES, *args, ZONE)))

        # Its services: summed per service in the database, as they were from the rows per page, unit and day.
        for only in (None, "stadt:abfall"):
            groups = await service_figures.api_groups(conn, SERVICES, f.pages_table, where, args, only, True)
            rows = await conn.fetch(HOURS_METRICS_SERVICES, *args, ZONE)
            before = service_figures.group_by_service(rows, SERVICES.attributes, "bucket_start", only)
            assert (
                service_figures.api_items(groups, SERVICES, True)
                == service_figures.api_items(before, SERVICES, True)
                != []
            ), only
