"""A local mail catcher for `make run`: an SMTP server on loopback that keeps every message as a file, and a small
German web page listing them, so a new user sees what the notifier sends without a real mail server.

Development only: it listens on 127.0.0.1, accepts mail for anyone and delivers nowhere.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import html
import re
import time
from email.message import EmailMessage
from pathlib import Path

from aiohttp import web
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

_CSP = "default-src 'none'; style-src 'unsafe-inline'"
_NAME = re.compile(r"^[0-9]+-[0-9]+\.eml$")
_PAGE = """<!doctype html>
<html lang="de"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} – Stadtstimme</title>
<style>body{{font:1rem/1.5 system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:1rem;color:#1a1a1a}}
table{{border-collapse:collapse;width:100%}}th,td{{border-bottom:1px solid #b0b0b0;padding:.5rem;text-align:left}}
pre{{white-space:pre-wrap;overflow-wrap:anywhere}}a:focus-visible{{outline:3px solid #c25e00}}</style>
</head><body><main><h1>{title}</h1>{body}</main></body></html>"""


class Store:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self._n = 0

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self._n += 1
        content = envelope.original_content or b""
        (self.directory / f"{time.time_ns()}-{self._n}.eml").write_bytes(content)
        return "250 Nachricht angenommen"

    def messages(self) -> list[tuple[str, EmailMessage]]:
        found = []
        for path in sorted(self.directory.glob("*.eml"), reverse=True):
            parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            assert isinstance(parsed, EmailMessage)
            found.append((path.name, parsed))
        return found


def _page(title: str, body: str, status: int = 200) -> web.Response:
    return web.Response(
        text=_PAGE.format(title=html.escape(title), body=body),
        status=status,
        content_type="text/html",
        headers={"Content-Security-Policy": _CSP, "Cache-Control": "no-store"},
    )


def web_app(store: Store) -> web.Application:
    async def index(request: web.Request) -> web.Response:
        rows = "".join(
            f'<tr><td><a href="/mail/{name}">{html.escape(str(m["subject"] or "(ohne Betreff)"))}</a></td>'
            f"<td>{html.escape(str(m['to'] or ''))}</td><td>{html.escape(str(m['date'] or ''))}</td></tr>"
            for name, m in store.messages()
        )
        table = (
            "<table><caption>Nachrichten des Notifiers, die neuesten zuerst</caption><thead><tr>"
            '<th scope="col">Betreff</th><th scope="col">An</th><th scope="col">Datum</th></tr></thead>'
            f"<tbody>{rows or '<tr><td colspan=3>Noch keine Nachrichten.</td></tr>'}</tbody></table>"
        )
        return _page("Posteingang (Testpostfach)", table)

    async def show(request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if not _NAME.match(name) or not (store.directory / name).is_file():
            return _page("Nicht gefunden", '<p><a href="/">Zurück zum Posteingang</a></p>', 404)
        parsed = email.message_from_bytes((store.directory / name).read_bytes(), policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        part = parsed.get_body(preferencelist=("plain",))
        text = part.get_content() if part is not None else ""
        head = "".join(
            f"<dt>{key}</dt><dd>{html.escape(str(parsed[key] or ''))}</dd>" for key in ("From", "To", "Date", "Subject")
        )
        body = f'<p><a href="/">Zurück zum Posteingang</a></p><dl>{head}</dl><pre>{html.escape(text)}</pre>'
        return _page(str(parsed["subject"] or "Nachricht"), body)

    app = web.Application()
    app.router.add_get("/", index)
    app.router.add_get("/mail/{name}", show)
    return app


async def serve(directory: Path, smtp_port: int, http_port: int, stop: asyncio.Event) -> None:
    store = Store(directory)
    controller = Controller(store, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    runner = web.AppRunner(web_app(store), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", http_port).start()
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
        controller.stop()
