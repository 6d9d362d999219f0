"""The fast read paths of issue 20 return exactly what the straightforward queries return, on randomised read
models in the real PostgreSQL: the inbox's page and count (titles looked up after the page is cut; filters only
triaged comments pass read from comment_triage) and a unit's newest comments (two index scans instead of a filter
on comment_inbox's coalesce())."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg

from services.analytics import triage_store
from services.analytics.dashboards import newest_comments
from services.analytics.triage_store import _ITEM_COLUMNS, _ITEM_FROM, InboxFilter, _where
from shared.db import migrate
from shared.settings import Settings
from tests.integration.conftest import once

UNITS = ("amt-a", "amt-b", "amt-c", "amt-d", "amt-e")
WORDS = "Termin Formular kaputt Link Seite Gebühr Ausweis danke bitte leider nicht gefunden schnell langsam".split()


async def fill(conn: asyncpg.Connection, rng: random.Random, items: int = 600) -> None:
    await conn.executemany(
        "INSERT INTO org_unit (id, name, kind) VALUES ($1, $2, 'department')", [(u, u.upper()) for u in UNITS]
    )
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
        await migrate(conn)
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
