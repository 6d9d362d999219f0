"""CSV for spreadsheets as German offices use them: semicolons, decimal commas, UTF-8 with BOM, and every cell
neutralised against formula injection (a cell starting with = + - @ tab or CR is text, not a formula)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection

_NUMBER = re.compile(r"[+-]?[0-9]+(?:,[0-9]+)?")  # ASCII digits: what spreadsheets read as numbers
BOM = "\ufeff"  # so that spreadsheets read the file as UTF-8


def spreadsheet_safe(cell: str) -> str:
    """A cell a spreadsheet will not run as a formula (CSV injection): text starting with = + - @ tab or CR gets a
    leading quote; plain numbers (also signed, with a decimal comma) stay numbers."""
    if cell[:1] in ("=", "+", "-", "@", "\t", "\r") and not _NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def to_csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerows([[spreadsheet_safe(c) for c in row] for row in rows])
    return out.getvalue()


# The same cells formatted by PostgreSQL, for exports too large to format row by row in Python (the inbox's 10,000
# comments): ``sql_lines`` turns a query's rows into the lines ``to_csv`` would write.
_SQL_NUMBER = "^[+-]?[0-9]+(,[0-9]+)?$"


def _sql_safe(column: str) -> str:
    """``spreadsheet_safe`` in SQL, on a text column (NULL: empty)."""
    return (f"CASE WHEN left({column}, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) AND {column} !~ '{_SQL_NUMBER}' "
            f"THEN chr(39) || {column} ELSE coalesce({column}, '') END")  # fmt: skip


def _sql_quoted(column: str) -> str:
    """A cell as ``csv.writer`` writes it (``QUOTE_MINIMAL``): quoted when it holds the delimiter, a quote, CR or
    LF, with its quotes doubled."""
    return (f"CASE WHEN strpos({column}, ';') + strpos({column}, '\"') + strpos({column}, chr(13)) "
            f"+ strpos({column}, chr(10)) > 0 THEN '\"' || replace({column}, '\"', '\"\"') || '\"' "
            f"ELSE {column} END")  # fmt: skip


def is_plain(cell: str) -> bool:
    """Whether ``to_csv`` writes this cell as it is: nothing to neutralise, nothing to quote."""
    return spreadsheet_safe(cell) == cell and not any(c in cell for c in ';"\r\n')


def sql_cell(expression: str) -> str:
    """``expression`` as ``to_csv`` writes it (neutralised, quoted), for a plain cell of ``sql_lines`` that falls
    back to text of unknown shape: ``coalesce(catalogue word, sql_cell(raw value))``."""
    return _sql_quoted(f"({_sql_safe(expression)})")


def sql_lines(query: str, cells: list[str], order: str, plain: Collection[int] = ()) -> str:
    """A statement whose one column ``line`` is each row of ``query`` as the CSV line ``to_csv`` writes (cells
    neutralised, ``;`` between them, CRLF at the end). ``cells`` are SQL expressions over ``query``'s columns (its
    rows aliased ``r``), cast to text, NULL an empty cell; ``order`` orders the lines (an ORDER BY list of ``query``'s
    columns, each a column name and its direction). ``plain``: the indexes of cells whose every value ``is_plain``
    (numbers, times, the catalogue's words checked with ``is_plain``): they are written without the checks."""
    keys = [term.split()[0] for term in order.split(",")]
    carried = ", ".join(keys)
    raw = ", ".join(f"({c})::text AS c{i}" for i, c in enumerate(cells))
    safe = ", ".join(
        (f"coalesce(c{i}, '')" if i in plain else _sql_safe(f"c{i}")) + f" AS c{i}" for i in range(len(cells))
    )
    line = ", ".join(f"c{i}" if i in plain else _sql_quoted(f"c{i}") for i in range(len(cells)))
    # OFFSET 0 keeps the planner from pulling the neutralised cells up into the line: it would compute each cell's
    # CASE again for every one of the five times the quoting names it (10,000 inbox rows: 170 ms instead of 100).
    # concat_ws writes the line at once (|| copied it once per cell); the cells are never NULL.
    return f"""SELECT concat_ws(';', {line}) || chr(13) || chr(10) AS line FROM (
        SELECT {carried}, {safe} FROM (SELECT {", ".join(f"r.{k}" for k in keys)}, {raw} FROM ({query}) r) raw OFFSET 0
    ) safe ORDER BY {order}"""
