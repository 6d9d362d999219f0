"""Staff console, first slice: sign-in with a local account, server-side session, sign-out, and the overview of
satisfaction per org unit (last 30 days against the 30 before), scoped to what the account may see.

Security: the session cookie is HttpOnly, SameSite=Strict and Secure whenever the console is served over https
(then also ``__Host-`` prefixed); every state-changing request must come from the console's own origin
(``Origin`` or ``Sec-Fetch-Site``), which stops cross-site request forgery without tokens; every page carries a
CSP with a nonce, ``frame-ancestors 'none'``, nosniff, no caching and, over https, HSTS. Sign-in, failed
sign-in and sign-out go to the append-only audit log.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

import asyncpg
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.analytics.domain import stats
from services.analytics.store import SUMS
from shared.auth import (
    Account,
    audit,
    authenticate,
    end_session,
    session_account,
    session_cookie,
    start_session,
)
from shared.auth import same_origin as auth_same_origin
from shared.messages import text
from shared.settings import Settings
from shared.templates import render_page, template_environment

PREFIX = "/console"
_TEMPLATES = template_environment(Path(__file__).parent / "templates")


def _decimal(value: float | None, pattern: str = "{:.2f}") -> str:
    return "" if value is None else pattern.format(value).replace(".", ",")


def overview_row(unit: dict[str, Any]) -> list[str]:
    current, previous = unit["current"], unit["previous"]
    share = current["helpful_share"]
    change = None
    if current["rating_mean"] is not None and previous["rating_mean"] is not None:
        change = current["rating_mean"] - previous["rating_mean"]
    return [
        unit["name"],
        str(current["responses"]),
        _decimal(None if share is None else share * 100, "{:.0f}"),
        _decimal(current["rating_mean"]),
        _decimal(change, "{:+.2f}"),
    ]


_NUMBER = re.compile(r"[+-]?\d+(?:,\d+)?")


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


def build_console_router(settings: Settings, pool: asyncpg.Pool) -> APIRouter:
    cookie, secure = session_cookie(settings.public_base_url)
    ttl = timedelta(hours=settings.session_ttl_hours)
    tz = ZoneInfo(settings.timezone)
    router = APIRouter(prefix=PREFIX, include_in_schema=False)

    extra_headers = {"X-Frame-Options": "DENY"}
    if secure:
        extra_headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"

    def page(template: str, status: int = 200, **context: Any) -> HTMLResponse:
        return render_page(
            _TEMPLATES,
            template,
            csp="default-src 'none'; style-src 'nonce-{nonce}'; img-src 'self'; form-action 'self'; "
            "frame-ancestors 'none'; base-uri 'none'",
            status=status,
            headers=extra_headers,
            t=lambda key, **v: text(key, "de", **v),
            **context,
        )

    def same_origin(request: Request) -> bool:
        """A state-changing request must come from the console itself (CSRF protection without tokens)."""
        return auth_same_origin(request.headers, request.url.scheme, request.url.netloc)

    async def current(request: Request) -> Account | None:
        async with pool.acquire() as conn:
            return await session_account(conn, request.cookies.get(cookie))

    @router.get("/login")
    async def login_form() -> HTMLResponse:
        return page("console_login.html")

    @router.post("/login")
    async def login(request: Request) -> Response:
        if not same_origin(request):
            return page("console_login.html", 403, error=text("console.error.origin", "de"))
        form = {k: v[0] for k, v in parse_qs((await request.body())[:4096].decode(errors="replace")).items()}
        username = form.get("username", "")[:200]
        async with pool.acquire() as conn:
            account = await authenticate(conn, username, form.get("password", ""))
            if account is None:
                await audit(conn, username.strip().lower() or "(empty)", "login_failed")
                return page("console_login.html", 401, error=text("console.error.login", "de"), username=username)
            token = await start_session(conn, account, ttl)
            await audit(conn, account.username, "login", method="password")
        response = RedirectResponse(f"{PREFIX}/", status_code=303)
        response.set_cookie(
            cookie, token, max_age=int(ttl.total_seconds()), path="/", secure=secure, httponly=True, samesite="strict"
        )
        return response

    @router.post("/logout")
    async def logout(request: Request) -> Response:
        if not same_origin(request):
            return page("console_login.html", 403, error=text("console.error.origin", "de"))
        token = request.cookies.get(cookie)
        async with pool.acquire() as conn:
            account = await session_account(conn, token)
            await end_session(conn, token)
            if account is not None:
                await audit(conn, account.username, "logout")
        response = RedirectResponse(f"{PREFIX}/login", status_code=303)
        response.delete_cookie(cookie, path="/", secure=secure, httponly=True, samesite="strict")
        return response

    async def unit_overview(account: Account) -> list[dict[str, Any]]:
        """Per visible org unit: figures of the last 30 days ("current") and of the 30 before ("previous")."""
        now = datetime.now(UTC)
        units = account.units_visible()
        async with pool.acquire() as conn:
            rows = await conn.fetch(
                f"""SELECT o.id, o.name, o.kind, period, {SUMS}
                    FROM org_unit o
                    CROSS JOIN (VALUES ('current'), ('previous')) AS p(period)
                    LEFT JOIN org_unit_satisfaction s ON s.org_unit_id = o.id AND s.granularity = 'day'
                        AND s.bucket_start >= CASE period WHEN 'current' THEN $1::timestamptz ELSE $2 END
                        AND s.bucket_start < CASE period WHEN 'current' THEN $3::timestamptz ELSE $1 END
                    WHERE $4::text[] IS NULL OR o.id = ANY($4::text[])
                    GROUP BY o.id, o.name, o.kind, period ORDER BY o.name""",
                now - timedelta(days=30),
                now - timedelta(days=60),
                now + timedelta(days=1),
                sorted(units) if units is not None else None,
            )
        by_unit: dict[str, dict[str, Any]] = {}
        for r in rows:
            entry = by_unit.setdefault(r["id"], {"id": r["id"], "name": r["name"], "kind": r["kind"]})
            entry[r["period"]] = stats(r)
        return list(by_unit.values())

    @router.get("/")
    async def overview(request: Request) -> Response:
        account = await current(request)
        if account is None:
            return RedirectResponse(f"{PREFIX}/login", status_code=303)
        return page("console_overview.html", account=account, units=await unit_overview(account), prefix=PREFIX)

    @router.get("/overview.csv")
    async def overview_csv(request: Request) -> Response:
        """The overview's table as CSV for spreadsheets (German Excel: semicolons, decimal commas, UTF-8 BOM)."""
        account = await current(request)
        if account is None:
            return RedirectResponse(f"{PREFIX}/login", status_code=303)
        units = await unit_overview(account)
        header = [text(f"console.overview.{k}", "de") for k in ("unit", "responses", "helpful", "rating", "change")]
        rows = [header] + [overview_row(u) for u in units]
        async with pool.acquire() as conn:
            await audit(conn, account.username, "export", "overview.csv", units=[u["id"] for u in units])
        return Response(
            "\ufeff" + to_csv(rows),
            media_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": 'attachment; filename="stadtstimme-uebersicht.csv"',
                "Cache-Control": "no-store",
                "X-Content-Type-Options": "nosniff",
            },
        )

    @router.get("/units/{unit_id}")
    async def unit(unit_id: str, request: Request) -> Response:
        """One unit: its pages over the last 30 days, lowest mean rating first, and its newest comments.
        Another unit's page answers 404, exactly like a unit that does not exist."""
        account = await current(request)
        if account is None:
            return RedirectResponse(f"{PREFIX}/login", status_code=303)
        since = datetime.now(UTC) - timedelta(days=30)
        async with pool.acquire() as conn:
            name = await conn.fetchval("SELECT name FROM org_unit WHERE id = $1", unit_id[:64])
            if name is None or not account.may_see(unit_id):
                return page("console_not_found.html", 404, account=account, prefix=PREFIX)
            pages = await conn.fetch(
                f"""SELECT p.page_url, min(pg.title) AS title, {SUMS} FROM page_satisfaction p
                    LEFT JOIN page pg ON pg.url = p.page_url
                    WHERE p.org_unit_id = $1 AND p.bucket_start >= $2
                    GROUP BY p.page_url""",
                unit_id,
                since,
            )
            comments = await conn.fetch(
                """SELECT received_at, page_url, rating, helpful, category, comment, suggestion, flags
                   FROM feedback_event
                   WHERE org_unit_id = $1 AND (comment IS NOT NULL OR suggestion IS NOT NULL)
                   ORDER BY received_at DESC LIMIT 50""",
                unit_id,
            )
            await audit(conn, account.username, "view_comments", unit_id, shown=len(comments))
        rows = [{"url": r["page_url"], "title": r["title"] or "", **stats(r)} for r in pages]
        rows.sort(key=lambda r: (r["rating_mean"] if r["rating_mean"] is not None else 6, -r["responses"]))
        return page(
            "console_unit.html", account=account, prefix=PREFIX, name=name, pages=rows, comments=comments, tz=tz
        )

    return router
