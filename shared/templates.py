"""Server-rendered HTML: one way to load a service's Jinja2 templates, always autoescaping (citizen text is
rendered as text, never as HTML)."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

# The staff console's frame (base layout, header with the navigation, "not found"), shared by every service that
# adds pages to the console.
CONSOLE_FRAME = Path(__file__).parent / "console_templates"


def template_environment(*directories: Path) -> Environment:
    """Templates from ``directories``, searched in order (a service's own, then e.g. ``CONSOLE_FRAME``)."""
    return Environment(
        loader=FileSystemLoader(list(directories)),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_page(
    environment: Environment,
    template: str,
    *,
    csp: str,
    status: int = 200,
    referrer_policy: str = "same-origin",
    headers: dict[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    """A page with a fresh CSP nonce (``{nonce}`` in ``csp``, ``nonce`` in the template), never cached, never
    sniffed: the headers every server-rendered page of Stadtstimme sends."""
    nonce = secrets.token_urlsafe(16)
    body = environment.get_template(template).render(nonce=nonce, **context)
    all_headers = {
        "Content-Security-Policy": csp.format(nonce=nonce),
        "Cache-Control": "no-store",
        "Referrer-Policy": referrer_policy,
        "X-Content-Type-Options": "nosniff",
    } | (headers or {})
    return HTMLResponse(body, status_code=status, headers=all_headers)
