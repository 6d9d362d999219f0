"""What every console page module shares: rendering, the signed-in account, the same-origin check, 404 pages,
form bodies and CSV downloads. ``console.build_console_router`` makes one ``ConsoleUI`` and hands it to the
modules that add routes (``inbox``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from shared.auth import Account
from shared.messages import text

_BARS = {"width": 520, "label_w": 170, "bar_max": 290, "row": 26}


@dataclass(frozen=True)
class ConsoleUI:
    prefix: str
    tz: ZoneInfo
    page: Callable[..., HTMLResponse]
    current: Callable[[Request], Awaitable[Account | None]]
    same_origin: Callable[[Request], bool]

    def not_found(self, account: Account | None) -> HTMLResponse:
        return self.page("console_not_found.html", 404, account=account, prefix=self.prefix)

    def to_login(self) -> RedirectResponse:
        return RedirectResponse(f"{self.prefix}/login", status_code=303)


async def read_form(request: Request, limit: int = 16384) -> dict[str, str]:
    """An urlencoded form body (first value per field; anything beyond ``limit`` bytes is ignored)."""
    body = (await request.body())[:limit].decode(errors="replace")
    return {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}


def csv_download(body: str, filename: str) -> Response:
    """A CSV file for spreadsheets (``body`` from ``shared.spreadsheet.to_csv``), with a UTF-8 BOM for Excel."""
    return Response(
        "\ufeff" + body,
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


def bar_chart(title: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Horizontal bars (``rows``: label, count, share as text) as plain numbers for the ``bar_chart`` macro; the
    table next to it stays the accessible source, the chart's name repeats its figures for screen readers."""
    most = max((r["count"] for r in rows), default=0)
    bars = []
    for i, r in enumerate(rows):
        width = round(_BARS["bar_max"] * r["count"] / most) if most else 0
        y = i * _BARS["row"]
        bars.append({"label": r["label"], "value": r["count"], "y": y, "text_y": y + 18, "width": width,
                     "value_x": _BARS["label_w"] + width + 6})  # fmt: skip
    summary = ", ".join(f"{r['label']}: {r['count']} ({r['share']})" for r in rows)
    return {
        "name": text("console.surveys.chart", "de", question=title, summary=summary),
        "width": _BARS["width"],
        "height": max(len(rows), 1) * _BARS["row"],
        "label_w": _BARS["label_w"],
        "bars": bars,
    }
