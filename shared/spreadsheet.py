"""CSV for spreadsheets as German offices use them: semicolons, decimal commas, UTF-8 with BOM, and every cell
neutralised against formula injection (a cell starting with = + - @ tab or CR is text, not a formula)."""

from __future__ import annotations

import csv
import io
import re

_NUMBER = re.compile(r"[+-]?\d+(?:,\d+)?")
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
