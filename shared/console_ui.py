"""What every staff console page module shares, whichever service adds the pages: rendering with the console's
headers, the one staff check (``shared.access.StaffAccess``), refusal and 404 pages, form bodies and CSV downloads.
The analytics console (``services.analytics.console.build_console_router``) makes one ``ConsoleUI`` and hands it to
the modules that add routes (``inbox``, ``notifications_page``); the hackathon console makes its own on the same
frame (``shared.templates.CONSOLE_FRAME``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from shared.access import StaffAccess
from shared.auth import Account, session_cookie
from shared.messages import text
from shared.orgmodel import split_origin
from shared.refusal import Refusal, forbidden
from shared.settings import Settings
from shared.templates import CONSOLE_FRAME, render_page, template_environment

PREFIX = "/console"


def console_renderer(settings: Settings, *templates: Path) -> Callable[..., HTMLResponse]:
    """``page(template, status=200, **context)``: a console page from ``templates`` (then the shared frame) with
    the console's headers: a nonce CSP that allows forms to post only to the console (and, for signing out, to the
    identity provider), no framing, and over https HSTS."""
    environment = template_environment(*templates, CONSOLE_FRAME)
    _, secure = session_cookie(settings.public_base_url)
    frame_headers = {"X-Frame-Options": "DENY"}
    if secure:
        frame_headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    # Signing out posts a form whose answer redirects to the provider's end-session endpoint; browsers apply
    # form-action to that redirect, so the provider's origin is allowed there.
    form_targets = f" {split_origin(settings.oidc_issuer)[0]}" if settings.oidc_issuer else ""
    csp = ("default-src 'none'; style-src 'nonce-{nonce}'; img-src 'self'; "
           f"form-action 'self'{form_targets}; frame-ancestors 'none'; base-uri 'none'")  # fmt: skip

    def page(
        template: str,
        status: int = 200,
        headers: dict[str, str] | None = None,
        frame_src: str | None = None,
        **context: Any,
    ) -> HTMLResponse:
        """``frame_src``: what the page may show in an iframe (the survey builder's preview: ``'self'``); none else."""
        context.setdefault("prefix", PREFIX)
        return render_page(
            environment,
            template,
            csp=csp if frame_src is None else f"{csp}; frame-src {frame_src}",
            status=status,
            headers=frame_headers | (headers or {}),
            t=lambda key, **v: text(key, "de", **v),
            oidc_enabled=bool(settings.oidc_issuer),
            **context,
        )

    return page


@dataclass(frozen=True)
class ConsoleUI:
    prefix: str
    tz: ZoneInfo
    page: Callable[..., HTMLResponse]
    access: StaffAccess

    @classmethod
    def build(cls, settings: Settings, access: StaffAccess, *templates: Path) -> ConsoleUI:
        return cls(PREFIX, ZoneInfo(settings.timezone), console_renderer(settings, *templates), access)

    async def require(self, request: Request, permission: str) -> Account:
        """The signed-in person with ``permission`` (``StaffAccess.require``); raises ``Refusal``, which the
        application renders as ``refused``: the sign-in page for 401, else the refusal page. The console is for
        people: an API token is refused here (pages mix what several permissions grant, a token has only its
        scopes)."""
        account = await self.access.require(request, permission)
        if account.is_token:
            raise forbidden("problem.console_token.title")
        return account

    def not_found(self, account: Account | None) -> HTMLResponse:
        return self.page("console_not_found.html", 404, account=account)

    def to_login(self) -> RedirectResponse:
        return RedirectResponse(f"{self.prefix}/login", status_code=303)

    def refused(self, request: Request, exc: Refusal) -> Response:
        return refused_page(self.page, request, exc)


def refused_page(page: Callable[..., HTMLResponse], request: Request, exc: Refusal) -> Response:
    """The console's answer to a refusal outside a form: the sign-in page (401), 404, or the German reason."""
    account = getattr(request.state, "account", None)
    if exc.status == 401:
        return RedirectResponse(f"{PREFIX}/login", status_code=303)
    if exc.status == 404:
        return page("console_not_found.html", 404, account=account)
    return page("console_refused.html", exc.status, account=account, error=exc.reason("de"), headers=exc.headers)


async def read_form(request: Request, limit: int = 16384) -> dict[str, str]:
    """An urlencoded form body (first value per field; anything beyond ``limit`` bytes is ignored)."""
    body = (await request.body())[:limit].decode(errors="replace")
    return {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}
