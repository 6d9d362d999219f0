"""CSV lines formatted by PostgreSQL (``shared.spreadsheet.sql_lines``, the inbox export) equal those
``to_csv`` writes in Python, cell for cell: neutralised against formula injection, quoted and ordered alike."""

from __future__ import annotations

import random

import asyncpg

from shared.db import migrate
from shared.settings import Settings
from shared.spreadsheet import sql_cell, sql_lines, to_csv
from tests.integration.conftest import once

EDGES = ["", "=1+1", "=HYPERLINK(\"http://x\")", "-5", "-5,5", "+5", "+", "-", "@SUM(A1)", "\tx", "\rx", "a;b",
         'a"b', '"', "a\nb", "a\r\nb", "'", "٣", "-٣", "-1,", ",5", "1,5", "- 5", "Straße ä ö ü ß €", " lead",
         "trail ", "x\\y", "1e5", "-1e5", "0", "-0,0"]  # fmt: skip
ALPHABET = "=+-@\t\r\n;\"',. 0123456789aZäß€\\"


def random_cell(rng: random.Random) -> str | None:
    if rng.random() < 0.1:
        return None
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 8)))


@once("CSV formatting in PostgreSQL", "tansu")
async def test_sql_lines_equal_to_csv(settings: Settings) -> None:
    rng = random.Random(20)
    cells = [*EDGES, *(random_cell(rng) for _ in range(3000))]
    rows = [(i, cells[i], cells[(i * 7 + 3) % len(cells)], rng.choice([None, 1, 5])) for i in range(len(cells))]
    conn = await asyncpg.connect(settings.database_url)
    try:
        await migrate(conn)
        query = "SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::int[]) AS t(n, a, b, k)"
        # Plain cells: a number, a fixed word, a catalogue word with text of any shape as its fall-back (sql_cell).
        word = f"coalesce(CASE WHEN r.n % 3 = 0 THEN 'Ja' END, {sql_cell('r.b')})"
        sql = sql_lines(query, ["r.a", "r.b", "r.k", "'x'", word], "k DESC NULLS LAST, n", plain={2, 3, 4})
        columns = [list(c) for c in zip(*rows, strict=True)]
        got = [r["line"] for r in await conn.fetch(sql, *columns)]
    finally:
        await conn.close()
    ordered = sorted(rows, key=lambda r: (-(r[3] if r[3] is not None else -1), r[0]))
    expected = [to_csv([[a or "", b or "", "" if k is None else str(k), "x", "Ja" if n % 3 == 0 else b or ""]])
                for n, a, b, k in ordered]  # fmt: skip
    assert len(got) == len(expected)
    for g, e in zip(got, expected, strict=True):
        assert g == e
