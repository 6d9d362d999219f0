"""A minimal HTTP/1.1 keep-alive client on asyncio streams, and the feedback request bodies of the benchmark.

Deliberately tiny: one request at a time per connection (no pipelining), ``Content-Length`` bodies only (what
uvicorn sends for these endpoints), no redirects, no TLS. Low per-request overhead matters more here than
generality: the load generator shares two cores with the server under test.
"""

from __future__ import annotations

import asyncio
import uuid

FEEDBACK_PATH = "/api/v1/feedback"
SITE = "abfall"
ORIGIN = "https://abfall.musterstadt.de"
# Pages of the "abfall" site in the demo city plus sub-pages, so the load spreads over many page keys.
_PAGES = ("/abfallkalender", "/sperrmuell", "/wertstoffhoefe")
PAGE_PATHS = tuple(f"{p}/bezirk-{i:02d}" if i else p for p in _PAGES for i in range(40))


class HttpError(Exception):
    """The connection broke or the server answered something this client does not understand."""


class Connection:
    """One keep-alive connection to 127.0.0.1:port; reconnects transparently after a failure."""

    def __init__(self, port: int, timeout: float = 10.0) -> None:
        self.port = port
        self.timeout = timeout
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def connect(self) -> None:
        if self._writer is None:
            await self._connect()

    async def _connect(self) -> None:
        self._reader, self._writer = await asyncio.wait_for(
            asyncio.open_connection("127.0.0.1", self.port), self.timeout
        )

    async def request(self, raw: bytes) -> tuple[int, bytes]:
        """Send one complete request (head and body) and return (status, body)."""
        try:
            async with asyncio.timeout(self.timeout):  # a timer handle, no extra task per request
                return await self._exchange(raw)
        except (
            OSError,
            EOFError,
            asyncio.IncompleteReadError,
            asyncio.LimitOverrunError,
            TimeoutError,
        ) as exc:
            self.close()
            raise HttpError(f"{type(exc).__name__}: {exc}") from exc

    async def _exchange(self, raw: bytes) -> tuple[int, bytes]:
        if self._writer is None:
            await self._connect()
        assert self._reader is not None and self._writer is not None
        self._writer.write(raw)
        head = await self._reader.readuntil(b"\r\n\r\n")
        status_line, _, headers = head.partition(b"\r\n")
        parts = status_line.split(b" ", 2)
        if len(parts) < 2 or not parts[1].isdigit():
            raise EOFError(f"bad status line {status_line!r}")
        status = int(parts[1])
        length = 0
        close = False
        for line in headers.lower().split(b"\r\n"):
            if line.startswith(b"content-length:"):
                length = int(line[15:].strip())
            elif line.startswith(b"connection:") and b"close" in line:
                close = True
            elif line.startswith(b"transfer-encoding:"):
                raise EOFError("chunked responses are not supported by this client")
        body = await self._reader.readexactly(length) if length else b""
        if close:
            self.close()
        return status, body

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self._reader = self._writer = None


def post_json(port: int, path: str, body: bytes, extra_headers: bytes = b"") -> bytes:
    return _post(port, path, b"application/json", body, extra_headers)


def post_form(port: int, path: str, body: bytes, extra_headers: bytes = b"") -> bytes:
    """An HTML form's POST (``application/x-www-form-urlencoded``)."""
    return _post(port, path, b"application/x-www-form-urlencoded", body, extra_headers)


def _post(port: int, path: str, content_type: bytes, body: bytes, extra_headers: bytes) -> bytes:
    return b"POST %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: %s\r\n%sContent-Length: %d\r\n\r\n%s" % (
        path.encode(), port, content_type, extra_headers, len(body), body,
    )  # fmt: skip


def get(port: int, path_and_query: str, extra_headers: bytes = b"") -> bytes:
    return b"GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n%s\r\n" % (path_and_query.encode(), port, extra_headers)


def feedback_body(n: int, page_url: str | None = None) -> tuple[uuid.UUID, bytes]:
    """A valid ``POST /api/v1/feedback`` body with a fresh UUID; ``n`` varies page, rating and helpful."""
    event_id = uuid.uuid4()
    url = page_url or ORIGIN + PAGE_PATHS[n % len(PAGE_PATHS)]
    helpful = b"true" if n % 3 else b"false"
    body = b'{"event_id":"%s","site":"%s","page_url":"%s","rating":%d,"helpful":%s}' % (
        str(event_id).encode(),
        SITE.encode(),
        url.encode(),
        n % 5 + 1,
        helpful,
    )
    return event_id, body


def citizen_headers(n: int) -> bytes:
    """The widget's Origin, and the address of citizen ``n`` as the city's reverse proxy forwards it: every
    request comes from a client of its own, so the server pays for its per-client rate limit (a keyed hash
    and a bucket) without any client reaching its limit."""
    return b"Origin: %s\r\nX-Forwarded-For: 10.%d.%d.%d\r\n" % (ORIGIN.encode(), n >> 16 & 255, n >> 8 & 255, n & 255)


def feedback_request(port: int, n: int) -> tuple[bytes, bytes]:
    """(event id, complete feedback POST) as the widget on the abfall site sends it."""
    event_id, body = feedback_body(n)
    return str(event_id).encode(), post_json(port, FEEDBACK_PATH, body, citizen_headers(n))
