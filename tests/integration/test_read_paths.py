"""The fast read paths of issue 20 return exactly what the straightforward queries return, on randomised read
models in the real PostgreSQL: the inbox's page and count (titles looked up after the page is cut; filters only
triaged comments pass read from comment_triage) and a unit's newest comments (two index scans instead of a filter
on comment_inbox's coalesce())."""

from __future__ import annotations

import asyncio
import random
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg

from services.analytics import inbox, opendata, triage_store
from services.analytics.dashboards import newest_comments
from services.analytics.domain import COUNTERS, published
from services.analytics.triage_store import _ITEM_COLUMNS, _ITEM_FROM, InboxFilter, TriageRow, _where, apply_triage
from shared.contracts.triage import (
    TRIAGE_STATUSES,
    CommentAssignedV1,
    CommentMovedV1,
    CommentSpamReviewedV1,
    CommentStatusChangedV1,
)
from shared.db import migrate
from shared.messages import text
from shared.settings import Settings
from shared.spreadsheet import to_csv
from tests.integration.conftest import once, waits_for_a_lock

UNITS = ("amt-a", "amt-b", "amt-c", "amt-d", "amt-e")
WORDS = "Termin Formular kaputt Link Seite Gebühr Ausweis danke bitte leider nicht gefunden schnell langsam".split()


async def migrated_with_units(conn: asyncpg.Connection) -> None:
    """The schema, and the test's units."""
    await migrate(conn)
    await conn.executemany(
        "INSERT INTO org_unit (id, name, kind) VALUES ($1, $2, 'department')", [(u, u.upper()) for u in UNITS]
    )


async def fill(conn: asyncpg.Connection, rng: random.Random, items: int = 600) -> None:
    """The schema, units, a site, pages and randomised comments with triage rows."""
    await migrated_with_units(conn)
    await conn.execute("INSERT INTO site (id, name, org_unit_id, origins) VALUES ('s1', 'S1', 'amt-a', '{https://a}')")
    urls = [f"https://a/{d}/{n}" for d in ("x", "y", "z") for n in range(8)]
    await conn.executemany(  # some pages have no row (no title), one unit of the comments none either
        "INSERT INTO page (url, site_id, title) VALUES ($1, 's1', $2)", [(u, f"Titel {u[-3:]}") for u in urls[:18]]
    )
    start = datetime(2026, 1, 1, tzinfo=UTC)
    seconds = rng.sample(range(400 * 86400), items)  # distinct times: "newest first" has one answer
    rows, triage = [], []
    for n in range(items):
        response_id = uuid.UUID(int=rng.getrandbits(128))
        unit = rng.choice((*UNITS, "amt-gone"))

        def text() -> str | None:
            return " ".join(rng.choices(WORDS, k=rng.randint(1, 8))) if rng.random() < 0.7 else None

        comment, suggestion = text(), text()
        flags = ["honeypot"] if rng.random() < 0.1 else []
        rows.append((response_id, unit, "s1", rng.choice(urls), start + timedelta(seconds=seconds[n]), "de",
                     rng.choice((True, False, None)), rng.choice((1, 2, 3, 4, 5, None)),
                     rng.choice(("content", "technical", None)), comment or ("" if suggestion is None else None),
                     suggestion, flags))  # fmt: skip
        if rng.random() < 0.4:
            triage.append((response_id, rng.choice((unit, *UNITS)) if unit != "amt-gone" else rng.choice(UNITS),
                           rng.choice(("neu", "in_bearbeitung", "erledigt", "spam")), rng.choice((None, "anna", "bo")),
                           rng.sample(["termin", "link", "lob"], rng.randint(0, 2)),
                           rng.choice((None, None, "confirmed", "released")), rng.randint(1, 5),
                           start + timedelta(days=500), "anna"))  # fmt: skip
    await conn.executemany(
        """INSERT INTO comment_item (response_id, org_unit_id, site_id, page_url, received_at, language, helpful,
               rating, category, comment, suggestion, flags)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)""",
        rows,
    )
    await conn.executemany(
        """INSERT INTO comment_triage (response_id, org_unit_id, status, assignee, tags, verdict, sequence, updated_at,
               updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)""",
        triage,
    )
    await conn.execute("ANALYZE")


async def straightforward_inbox(
    conn: asyncpg.Connection, f: InboxFilter, units: frozenset[str] | None, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    """The inbox's page and count as they were read before issue 20."""
    where, args = _where(f, units)
    order = "i.received_at DESC, i.response_id"
    if f.query:
        order = f"ts_rank(i.search, websearch_to_tsquery('german', ${args.index(f.query) + 1})) DESC, {order}"
    rows = await conn.fetch(
        f"SELECT {_ITEM_COLUMNS} FROM {_ITEM_FROM} WHERE {where} ORDER BY {order} LIMIT {limit} OFFSET {offset}",
        *args,
    )
    total = await conn.fetchval(f"SELECT count(*) FROM {_ITEM_FROM} WHERE {where}", *args)
    return [dict(r) for r in rows], total


@once("read queries on PostgreSQL", "tansu")
async def test_fast_read_paths_equal_the_straightforward_queries(settings: Settings) -> None:
    rng = random.Random(20)
    conn = await asyncpg.connect(settings.database_url)
    try:
        await fill(conn, rng)
        since = datetime(2026, 3, 1, tzinfo=UTC)
        filters = [
            InboxFilter(),
            InboxFilter(statuses=()),
            InboxFilter(view="suspected"),
            InboxFilter(statuses=(), unit="amt-b"),
            InboxFilter(site="s1", url_prefix="https://a/y"),
            InboxFilter(statuses=("erledigt",), category="technical"),
            InboxFilter(statuses=(), tag="link"),
            InboxFilter(statuses=(), assignee="-"),
            InboxFilter(statuses=(), assignee="anna"),
            InboxFilter(statuses=(), query="Termin Formular"),
            InboxFilter(query="kaputt OR Link", since=since),
            InboxFilter(statuses=(), since=since, until=since + timedelta(days=60)),
            InboxFilter(statuses=("in_bearbeitung",), unit="amt-c"),
            InboxFilter(statuses=("erledigt", "spam"), query="Termin"),
            InboxFilter(view="suspected", tag="lob"),
            InboxFilter(view="suspected", statuses=("erledigt",)),
            InboxFilter(tag="termin", assignee="bo"),
        ]
        compared = 0
        for f in filters:
            for units in (None, frozenset({"amt-a", "amt-c"})):
                for limit, offset in ((50, 0), (7, 3), (50, 40), (10_000, 0)):
                    fast, total = await triage_store.inbox(conn, f, units, limit, offset)
                    expected, expected_total = await straightforward_inbox(conn, f, units, limit, offset)
                    assert [dict(r) for r in fast] == expected, (f, units, limit, offset)
                    assert total == expected_total, (f, units)
                    compared += len(expected)
        assert compared > 1000  # the filters found comments: the comparison compared something

        view = """SELECT i.response_id, i.received_at, i.page_url, i.rating, i.category, i.comment, i.suggestion
                  FROM comment_inbox i WHERE i.org_unit_id = $1 AND cardinality(i.flags) = 0 AND i.status <> 'spam'
                  ORDER BY i.received_at DESC LIMIT $2"""
        handed_over = 0
        for unit in (*UNITS, "amt-gone", "none"):
            for limit in (10, 1000):
                expected = [dict(r) for r in await conn.fetch(view, unit, limit)]
                assert [dict(r) for r in await newest_comments(conn, unit, limit)] == expected, (unit, limit)
                handed_over += await conn.fetchval(
                    """SELECT count(*) FROM comment_item i JOIN comment_triage t USING (response_id)
                       WHERE t.org_unit_id = $1 AND i.org_unit_id <> $1 AND response_id = ANY($2::uuid[])""",
                    unit,
                    [r["response_id"] for r in expected],
                )
        assert handed_over > 0  # comments handed over to another unit were among those compared
    finally:
        await conn.close()


COUNTS = """SELECT CASE WHEN {suspected} THEN 'suspected' ELSE i.status END AS bucket, i.org_unit_id, count(*) AS n
            FROM {item_from} GROUP BY 1, 2"""


async def rollup_equals_group_by(conn: asyncpg.Connection) -> int:
    """Whether comment_count gives what a GROUP BY over comment_inbox gives, per unit and bucket and in what
    counts() and the inbox's unfiltered totals return; the number of comments counted."""
    expected = {(r["bucket"], r["org_unit_id"]): r["n"] for r in await conn.fetch(
        COUNTS.format(suspected=triage_store.SUSPECTED, item_from=_ITEM_FROM))}  # fmt: skip
    rolled = await conn.fetch(
        f"""SELECT CASE WHEN i.suspected THEN 'suspected' ELSE i.status END AS bucket, i.org_unit_id, sum(i.n) AS n
            FROM {triage_store._COUNTED} i GROUP BY 1, 2 HAVING sum(i.n) <> 0"""
    )
    assert {(r["bucket"], r["org_unit_id"]): r["n"] for r in rolled} == expected
    by_page = """SELECT {unit}, {status}, {suspected}, i.site_id, i.page_url, i.category, {n} AS n FROM {source}
                 GROUP BY 1, 2, 3, 4, 5, 6 HAVING {n} <> 0"""
    counted = await conn.fetch(by_page.format(
        unit="coalesce(t.org_unit_id, i.org_unit_id)", status="coalesce(t.status, 'neu')",
        suspected="comment_suspected(i.flags, t.verdict, t.status)", n="count(*)",
        source="comment_item i LEFT JOIN comment_triage t ON t.response_id = i.response_id"))  # fmt: skip
    rolled = await conn.fetch(
        by_page.format(
            unit="i.org_unit_id",
            status="i.status",
            suspected="i.suspected",
            n="sum(i.n)",
            source="comment_count_page i",
        )
    )
    assert {tuple(r) for r in rolled} == {tuple(r) for r in counted} and len(rolled) == len(counted)  # one row a key
    for units in (None, frozenset({"amt-a", "amt-c"}), frozenset({"amt-gone"})):
        wanted: dict[str, int] = {}
        for (bucket, unit), n in expected.items():
            if units is None or unit in units:
                wanted[bucket] = wanted.get(bucket, 0) + n
        assert await triage_store.counts(conn, units) == wanted
        for f, rollup in ((InboxFilter(), "comment_count "), (InboxFilter(statuses=()), "comment_count "),
                          (InboxFilter(view="suspected"), "comment_count "),
                          (InboxFilter(statuses=("spam", "erledigt"), unit="amt-b"), "comment_count "),
                          (InboxFilter(site="s1"), "comment_count_page "),
                          (InboxFilter(statuses=(), url_prefix="https://a/y"), "comment_count_page "),
                          (InboxFilter(view="suspected", category="content"), "comment_count_page "),
                          (InboxFilter(statuses=("neu",), site="s2", url_prefix="https://b/x_"), "comment_count_page "),
                          (InboxFilter(unit="amt-a", url_prefix="https://a/x", category="technical"),
                           "comment_count_page ")):  # fmt: skip
            where, args = _where(f, units)
            count_sql = triage_store.inbox_statements(f, units, 10)[0]
            assert rollup in count_sql, (f, count_sql)
            assert await conn.fetchval(count_sql, *args) == await conn.fetchval(
                f"SELECT count(*) FROM {_ITEM_FROM} WHERE {where}", *args
            )
    return sum(expected.values())


def python_csv(rows: list[dict[str, Any]]) -> str:
    """The inbox CSV's lines as Python formatted them before issue 20 (``to_csv`` over these cells)."""
    tz = ZoneInfo("Europe/Berlin")
    return to_csv([[
        r["received_at"].astimezone(tz).strftime("%d.%m.%Y %H:%M"), r["org_unit_name"], r["page_url"],
        "" if r["rating"] is None else str(r["rating"]),
        "" if r["helpful"] is None else text("console.inbox.yes" if r["helpful"] else "console.inbox.no"),
        text(f"widget.category.{r['category']}") if r["category"] else "", r["comment"] or "", r["suggestion"] or "",
        text(f"console.inbox.status.{r['status']}"), r["assignee"] or "", ", ".join(r["tags"]),
        text("console.inbox.yes") if r["flags"] else "",
    ] for r in rows])  # fmt: skip


@once("the inbox CSV on PostgreSQL", "tansu")
async def test_inbox_csv_lines_equal_the_python_formatting(settings: Settings) -> None:
    """The inbox CSV's lines, formatted by PostgreSQL, against the straightforward query's rows formatted in
    Python, for filters with and without a search (ordered by rank)."""
    rng = random.Random(21)
    conn = await asyncpg.connect(settings.database_url)
    try:
        await fill(conn, rng)
        compared = 0
        searched = (InboxFilter(statuses=(), query="Termin Formular"), InboxFilter(tag="link", query="kaputt OR Link"))
        for f in (InboxFilter(statuses=()), InboxFilter(view="suspected"), *searched):
            for units in (None, frozenset({"amt-a", "amt-c"})):
                rows, _ = await straightforward_inbox(conn, f, units, 10_000, 0)
                for titles in (False, True):  # the export's page query has no titles; the inbox page's has
                    _, page_sql, args = triage_store.inbox_statements(f, units, 10_000, ranks=True, titles=titles)
                    sql, csv_args = inbox.csv_statement(page_sql, args, bool(f.query), "Europe/Berlin")
                    got = "".join(r["line"] for r in await conn.fetch(sql, *csv_args))
                    assert got == python_csv(rows), (f, units, titles)
                compared += len(rows)
        assert compared > 500
    finally:
        await conn.close()


@once("the inbox's count rollup on PostgreSQL", "tansu")
async def test_count_rollup_stays_equal_to_counting(settings: Settings) -> None:
    """Randomised feedback parts through refresh_comment_items (new comments, later parts that add flags or text),
    triage events through apply_triage (status changes, spam verdicts, hand-overs, assignments), erasures (deletes of
    comment_item rows), a reset of the triage projection (TRUNCATE), in transactions of several statements: after
    each, comment_count gives what counting the comments gives. A triage command does not wait for a feedback
    batch that has not committed yet."""
    rng = random.Random(46)
    conn = await asyncpg.connect(settings.database_url)
    other = await asyncpg.connect(settings.database_url)
    try:
        await migrated_with_units(conn)
        start = datetime(2026, 1, 1, tzinfo=UTC)
        responses: list[uuid.UUID] = []
        sequence: dict[uuid.UUID, int] = {}
        offset = 0

        def part(response_id: uuid.UUID, unit: str) -> tuple[Any, ...]:
            nonlocal offset
            offset += 1
            text = rng.choice(("Termin kaputt", None, None))
            return (uuid.uuid4(), offset, start + timedelta(seconds=offset), unit, text,
                    rng.choice(("Link", None)) if text is None else None, response_id,
                    ["honeypot"] if rng.random() < 0.3 else [], rng.choice(("s1", "s2")),
                    rng.choice(("https://a/x", "https://a/y", "https://b/x_1", "https://b/xy1")),
                    rng.choice(("content", "technical", None, None)))  # fmt: skip

        async def feedback(c: asyncpg.Connection, n: int) -> None:
            """A batch of parts: new responses and later parts of earlier ones, then refresh_comment_items."""
            parts = []
            for _ in range(n):
                if responses and rng.random() < 0.3:
                    parts.append(part(rng.choice(responses), "amt-a"))  # a later part: the first part's unit stays
                else:
                    responses.append(uuid.UUID(int=rng.getrandbits(128)))
                    parts.append(part(responses[-1], rng.choice((*UNITS, "amt-gone"))))
            await c.executemany(
                """INSERT INTO feedback_event (event_id, topic, kafka_partition, kafka_offset, received_at, org_unit_id,
                       comment, suggestion, response_id, flags, site_id, page_url, category, language, envelope)
                   VALUES ($1, 't', 0, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'de', '{}')""",
                parts,
            )
            await c.execute("SELECT refresh_comment_items($1::uuid[])", list({p[6] for p in parts}))

        def triage_event(response_id: uuid.UUID) -> TriageRow:
            sequence[response_id] = sequence.get(response_id, 0) + 1
            common = {"response_id": response_id, "org_unit": rng.choice(UNITS), "sequence": sequence[response_id],
                      "at": start + timedelta(days=400), "actor": "anna"}  # fmt: skip
            kind = rng.choice(("status", "status", "moved", "spam", "assigned"))
            d: Any
            if kind == "status":
                d = CommentStatusChangedV1(**common, status=rng.choice(TRIAGE_STATUSES), previous="neu")
            elif kind == "moved":
                d = CommentMovedV1(**common, previous_unit="amt-a")
            elif kind == "spam":
                d = CommentSpamReviewedV1(**common, verdict=rng.choice(("confirmed", "released")))
            else:
                d = CommentAssignedV1(**common, assignee=rng.choice(("bo", None)))
            return TriageRow(uuid.uuid4(), kind, d, "{}")

        counted = 0
        for round_ in range(12):
            async with conn.transaction():
                await feedback(conn, rng.randint(20, 120))
                if responses:  # triage, also of responses without text (no comment_item row)
                    recent = responses[-150:]  # several events for many comments
                    await apply_triage(conn, [triage_event(rng.choice(recent)) for _ in range(rng.randint(20, 80))])
                if rng.random() < 0.5:
                    await feedback(conn, rng.randint(1, 10))
                erased = rng.sample(responses, min(len(responses), rng.randint(0, 8)))
                await conn.execute("DELETE FROM comment_item WHERE response_id = ANY($1::uuid[])", erased)
                # An edited text: the first erased response's item made anew from its parts.
                await conn.execute("UPDATE feedback_event SET comment = 'neu' WHERE response_id = ANY($1)", erased[:1])
                await conn.execute("SELECT refresh_comment_items($1::uuid[])", erased[:1])
            if round_ == 6:  # the triage projection is rebuilt: its tables emptied, its events applied again
                await conn.execute("TRUNCATE comment_triage_event, comment_triage, comment_note")
                sequence.clear()
                assert await rollup_equals_group_by(conn) > 0
                await apply_triage(conn, [triage_event(r) for r in rng.sample(responses, 50)])
            counted = await rollup_equals_group_by(conn)
        assert counted > 200
        assert await conn.fetchval("SELECT count(*) FROM comment_triage") > 100

        # A feedback batch not committed yet holds no row a triage command waits for (rows are only added).
        triaged = next(r for r in responses if r in sequence)
        async with conn.transaction():
            await feedback(conn, 30)
            await asyncio.wait_for(apply_triage(other, [triage_event(triaged)]), timeout=10)
        counted = await rollup_equals_group_by(conn)

        # A later part flags a triaged comment in a batch not committed yet while its triage status changes: the
        # triage statement waits for the batch (it locks the comment), so neither counts the other's side as it was.
        flagged = await conn.fetchval(
            """SELECT i.response_id FROM comment_item i JOIN comment_triage t USING (response_id)
               WHERE cardinality(i.flags) = 0 AND t.verdict IS NULL LIMIT 1"""
        )
        first, then = TRIAGE_STATUSES[1], TRIAGE_STATUSES[2]
        await other.execute("UPDATE comment_triage SET status = $2 WHERE response_id = $1", flagged, first)
        await conn.execute("BEGIN")
        await conn.execute(
            """INSERT INTO feedback_event (event_id, topic, kafka_partition, kafka_offset, received_at, site_id,
                   page_url, org_unit_id, language, envelope, response_id, flags)
               VALUES ($1, 't', 1, 0, $2, 's1', 'https://a/x', 'amt-a', 'de', '{}', $3, '{honeypot}')""",
            uuid.uuid4(), start + timedelta(days=500), flagged,
        )  # fmt: skip
        await conn.execute("SELECT refresh_comment_items($1::uuid[])", [flagged])
        pid = await other.fetchval("SELECT pg_backend_pid()")
        changing = asyncio.create_task(
            other.execute("UPDATE comment_triage SET status = $2 WHERE response_id = $1", flagged, then)
        )
        assert await waits_for_a_lock(conn, pid, changing), "the triage statement did not wait for the batch"
        await conn.execute("COMMIT")
        await asyncio.wait_for(changing, timeout=10)
        counted = await rollup_equals_group_by(conn)

        # A fold leaves one row per key with the same sums; the reset of the feedback projection empties it.
        await conn.execute("SELECT comment_count_fold(), comment_count_page_fold()")
        assert await rollup_equals_group_by(conn) == counted
        keys = await conn.fetchval("SELECT count(DISTINCT (org_unit_id, status, suspected)) FROM comment_count")
        assert await conn.fetchval("SELECT count(*) FROM comment_count") == keys
        keys = await conn.fetchval(
            """SELECT count(DISTINCT (org_unit_id, status, suspected, site_id, page_url, coalesce(category, '')))
               FROM comment_count_page"""
        )
        assert await conn.fetchval("SELECT count(*) FROM comment_count_page") == keys > 20
        assert await conn.fetchval("SELECT last_value FROM comment_count_page_folded") == keys  # its next fold's chance
        await conn.execute("TRUNCATE feedback_event, comment_item")
        assert await conn.fetchval("SELECT count(*) FROM comment_count") == 0
        assert await conn.fetchval("SELECT count(*) FROM comment_count_page") == 0
    finally:
        await other.close()
        await conn.close()


@once("open data's months on PostgreSQL", "tansu")
async def test_open_data_months_equal_the_local_date_query(settings: Settings) -> None:
    """``opendata.monthly`` reads the months' day rows by a range of ``bucket_start``; the query it replaced
    compared each day row's local date. Both on randomised day rows (as the projector makes them: the local midnight
    of the day, ``date_trunc('day', …, zone)``) and hour rows, over months with a daylight-saving change, in three
    time zones, for several ranges and unit scopes."""
    rng = random.Random(47)
    conn = await asyncpg.connect(settings.database_url)
    try:
        await migrated_with_units(conn)
        start = datetime(2024, 12, 25, tzinfo=UTC)
        sums = ", ".join(f"sum(s.{c})::bigint AS {c}" for c in COUNTERS)
        old = f"""SELECT to_char(date_trunc('month', s.bucket_start AT TIME ZONE $3), 'YYYY-MM') AS month,
                        u.id, u.name, u.kind, {sums}
                 FROM org_unit_satisfaction s JOIN org_unit u ON u.id = s.org_unit_id
                 WHERE s.granularity = 'day'
                   AND (s.bucket_start AT TIME ZONE $3)::date >= $1 AND (s.bucket_start AT TIME ZONE $3)::date < $2
                   AND ($4::text[] IS NULL OR u.id = ANY($4::text[]))
                 GROUP BY 1, 2, 3, 4 ORDER BY 1, 2"""
        compared = 0
        for zone in ("Europe/Berlin", "America/Santiago", "Asia/Kolkata"):
            await conn.execute("TRUNCATE org_unit_satisfaction")
            moments = [(rng.choice(UNITS), start + timedelta(seconds=rng.randrange(460 * 86400)), rng.randint(1, 9))
                       for _ in range(3000)]  # fmt: skip
            truncs = (("day", "date_trunc('day', $2::timestamptz, $4::text)"),
                      ("hour", "date_trunc('hour', $2::timestamptz)"))  # fmt: skip
            for granularity, trunc in truncs:
                await conn.executemany(
                    f"""INSERT INTO org_unit_satisfaction VALUES ($1, '{granularity}', {trunc}, $3, 0, 0, $3, $3 * 3,
                            0, 0, $3, 0, 0)
                        ON CONFLICT (granularity, org_unit_id, bucket_start) DO UPDATE
                        SET responses = org_unit_satisfaction.responses + excluded.responses,
                            rating_sum = org_unit_satisfaction.rating_sum + excluded.rating_sum""",
                    [(*m, zone) for m in moments] if granularity == "day" else moments,
                )
            ranges = ((date(2025, 1, 1), date(2025, 12, 1)), (date(2025, 3, 1), date(2025, 3, 1)),
                      (date(2025, 9, 1), date(2025, 10, 1)), (date(2024, 11, 1), date(2026, 6, 1)))  # fmt: skip
            for first, last in ranges:
                for units in (None, ["amt-a", "amt-c"]):
                    got = await opendata.monthly(conn, first, last, zone, units)
                    rows = await conn.fetch(old, first, opendata._next_month(last), zone, units)
                    assert got == [{"month": r["month"], "org_unit": r["id"], "name": r["name"], "kind": r["kind"],
                                    **published(r)} for r in rows], (zone, first, last, units)  # fmt: skip
                    compared += len(rows)
        assert compared > 500
    finally:
        await conn.close()
