"""Limits every HTTP request meets before any route sees it: header size, body size, and no NUL characters.

``RequestLimits`` wraps the whole ASGI application. It refuses

* headers over ``HEADER_LIMIT`` bytes in all, the request's path and query included (431),
* a body over the path's limit (413), announced by ``Content-Length`` or not: the body is read here, in chunks, and
  refused as soon as it grows beyond the limit, so a route never holds more than that in memory,
* a NUL character in the path, the query string or the body, raw, percent-encoded or as a JSON escape (400):
  PostgreSQL's text refuses it, and no person types one; likewise half a surrogate pair as a JSON escape.

The citizens' hot paths (``streamed``) read and limit their own bodies; only the header and query checks apply to
them. The reverse proxy (``deploy/caddy/Caddyfile``) sets the same body limits, so a large body is refused before it
even reaches a service.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Collection, MutableMapping
from typing import Any

from shared.messages import pick_language, text
from shared.problems import PROBLEM_JSON, problem_body

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

HEADER_LIMIT = 16 * 1024
BODY_LIMIT = 64 * 1024
# Longer texts: challenges, submissions and survey definitions (each field up to 10,000 characters).
BODY_LIMITS = {
    "/api/v1/hackathons": 256 * 1024,
    "/hackathons": 256 * 1024,
    "/console/hackathons": 256 * 1024,
    "/api/v1/staff/surveys": 256 * 1024,
    # The console's page-view upload reads its own body (streamed): files up to 10 MB, a larger one read and dropped
    # up to this much, so that the browser shows the German error instead of a broken connection.
    "/console/seitenaufrufe/vorschau": 40 * 1024 * 1024,
    "/console/surveys": 256 * 1024,  # the survey builder's form
}
_NUL = re.compile(rb"\x00|%00|(?:^|[^\\])(?:\\\\)*\\u0000", re.IGNORECASE)  # raw, percent-encoded, a JSON escape


def body_limit(path: str) -> int:
    for prefix, limit in BODY_LIMITS.items():
        if path == prefix or path.startswith(prefix + "/"):
            return limit
    return BODY_LIMIT


# A JSON escape of half a surrogate pair: Python's json accepts it, but the string it makes cannot be encoded
# (PostgreSQL, hashes, orjson all refuse it). A whole pair (an emoji, say) is fine.
_LONE_SURROGATE = re.compile(
    rb"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    rb"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)


def has_nul(data: bytes) -> bool:
    return _NUL.search(data) is not None


def has_lone_surrogate(data: bytes) -> bool:
    return _LONE_SURROGATE.search(data) is not None


class TooLarge(Exception):
    """The body is larger than its limit (announced, or found while reading)."""


async def read_body(receive: Receive, declared: str | None, limit: int) -> bytes | None:
    """The whole body, refusing (``TooLarge``) one announced or found to be over ``limit`` bytes as soon as that
    is known, so that no more than ``limit`` bytes are ever held; None when the client disconnected first."""
    if declared is not None and (not (declared.isascii() and declared.isdigit()) or int(declared) > limit):
        raise TooLarge
    chunks, size, more = [], 0, True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise TooLarge
        chunks.append(chunk)
        more = message.get("more_body", False)
    return b"".join(chunks)


class RequestLimits:
    def __init__(self, app: ASGIApp, streamed: Collection[str] = ()) -> None:
        self.app = app
        self.streamed = frozenset(streamed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers: list[tuple[bytes, bytes]] = scope["headers"]
        lang = next((pick_language(v.decode("latin-1")) for k, v in headers if k == b"accept-language"), "de")
        size = sum(len(k) + len(v) + 4 for k, v in headers) + len(scope.get("raw_path") or b"")
        if size + len(scope.get("query_string", b"")) > HEADER_LIMIT:  # the request line counts too
            await _refuse(send, scope["path"], 431, "headers-too-large", text("problem.headers_too_large.title", lang))
            return
        if has_nul(scope.get("raw_path") or scope["path"].encode()) or has_nul(scope.get("query_string", b"")):
            await _refuse(send, scope["path"], 400, "nul-character", text("problem.nul.title", lang))
            return
        if scope["path"] in self.streamed:
            await self.app(scope, receive, send)
            return
        limit = body_limit(scope["path"])
        declared = next((v.decode("latin-1") for k, v in headers if k == b"content-length"), None)
        try:
            body = await read_body(receive, declared, limit)
        except TooLarge:
            too_large = text("problem.too_large.title", lang), text("problem.too_large.detail", lang, limit=limit)
            await _refuse(send, scope["path"], 413, "payload-too-large", *too_large)
            return
        if body is None:  # the client went away
            return
        if has_nul(body):
            await _refuse(send, scope["path"], 400, "nul-character", text("problem.nul.title", lang))
            return
        if has_lone_surrogate(body):
            await _refuse(send, scope["path"], 400, "invalid-character", text("problem.surrogate.title", lang))
            return
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()  # after the body: wait for the disconnect, as the server would

        await self.app(scope, replay, send)


async def _refuse(send: Send, path: str, status: int, slug: str, title: str, detail: str | None = None) -> None:
    """An API gets an RFC 9457 problem; a page (a form in a browser) the plain German message."""
    if path.startswith("/api/"):
        body, media_type = problem_body(status, slug, title, detail), PROBLEM_JSON
    else:
        body, media_type = " ".join(filter(None, (title, detail))).encode(), "text/plain; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", media_type.encode()),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
