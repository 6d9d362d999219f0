"""Files staff and citizens download (CSV, PDF, YAML, JSON): one way to answer with a file, so every download is
named, never cached and never sniffed as something else, and a long one is streamed."""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi.responses import Response, StreamingResponse

from shared.spreadsheet import BOM

CSV = "text/csv; charset=utf-8"
YAML = "application/yaml; charset=utf-8"
PDF = "application/pdf"
JSON = "application/json"


def download(body: str | bytes | AsyncIterator[str], filename: str, media_type: str) -> Response:
    """A file to save, not to show. An async iterator is streamed as it is produced: memory stays flat however
    long the file (the audit log, the inbox)."""
    headers = {
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    }
    if isinstance(body, str | bytes):
        return Response(body, media_type=media_type, headers=headers)
    return StreamingResponse(body, media_type=media_type, headers=headers)


def csv_download(body: str | AsyncIterator[str], filename: str) -> Response:
    """A CSV file for spreadsheets: ``body`` from ``shared.spreadsheet.to_csv``, or an async iterator of such
    chunks; UTF-8 with a byte order mark, so that Excel reads it as UTF-8."""
    if isinstance(body, str):
        return download(BOM + body, filename, CSV)

    async def marked() -> AsyncIterator[str]:
        yield BOM
        async for chunk in body:
            yield chunk

    return download(marked(), filename, CSV)
