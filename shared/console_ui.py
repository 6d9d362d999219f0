"""What every staff console page module shares, whichever service adds the pages: rendering, the signed-in
account, the same-origin check, 404 pages, form bodies and CSV downloads. The analytics console
(``services.analytics.console.build_console_router``) makes one ``ConsoleUI`` and hands it to the modules that add
routes (``inbox``, ``notifications_page``); the hackathon console builds its own on the same frame
(``shared.templates.CONSOLE_FRAME``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from shared.auth import Account


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
