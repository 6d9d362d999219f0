"""Abuse protection without tracking, for ingest, staff sign-in and hackathon registration: a per-client rate limit
that remembers no address, and a flood breaker.

Clients are told apart by a keyed hash of the address: BLAKE2b keyed with the secret of the day (a MAC like
HMAC-SHA256, in one C call). IPv6 addresses count by their /64 prefix (one household or device gets a whole
/64). The secret lives only in this process's memory and is replaced at every
UTC midnight, together with all counters: nothing written anywhere can be turned back into an address, and
yesterday's keys cannot be linked to today's.

Only accepted submissions use up a client's quota (the caller checks ``retry_after`` first and calls ``charge`` after
a 202), so a citizen whose form had a mistake is never locked out by it. The breaker counts every accepted
submission: when the whole installation accepts more than ``flood_per_minute`` in a minute, it answers 503 with
Retry-After for ``flood_cooldown_s``; the widget retries by itself, so real citizens lose nothing.
"""

from __future__ import annotations

import hashlib
import secrets
import socket
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

MAX_CLIENTS = 100_000  # least recently seen clients are forgotten beyond this (their quota starts full again)


_V4_MAPPED = bytes(10) + b"\xff\xff"


def client_network(address: str) -> bytes:
    """The part of an address that identifies a client: an IPv4 address, an IPv6 /64 prefix.
    (``inet_pton`` rather than ``ipaddress``: this runs for every submission, and is twenty times faster.)"""
    try:
        return socket.inet_pton(socket.AF_INET, address)
    except OSError:
        pass
    try:
        packed = socket.inet_pton(socket.AF_INET6, address)
    except OSError:
        return address.encode()[:64]  # not an IP (a unix socket, say): one client
    return packed[12:] if packed[:12] == _V4_MAPPED else packed[:8]


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float


@dataclass
class RateLimiter:
    """Token bucket per client key: ``burst`` submissions at once, refilled at ``per_minute``."""

    per_minute: float
    burst: float
    clock: Callable[[], float] = time.monotonic
    today: Callable[[], object] = lambda: int(time.time() // 86400)  # the UTC day
    _secret: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)
    _day: object = None
    _buckets: OrderedDict[bytes, _Bucket] = field(default_factory=OrderedDict, repr=False)

    def key(self, address: str) -> bytes:
        day = self.today()
        if day != self._day:  # a new secret and empty counters every day
            self._day, self._secret = day, secrets.token_bytes(32)
            self._buckets.clear()
        return hashlib.blake2b(client_network(address), key=self._secret, digest_size=16).digest()

    def _bucket(self, key: bytes) -> _Bucket:
        now = self.clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(self.burst, now)
            if len(self._buckets) > MAX_CLIENTS:
                self._buckets.popitem(last=False)
        else:
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.per_minute / 60)
            bucket.updated = now
            self._buckets.move_to_end(key)
        return bucket

    def retry_after(self, key: bytes) -> float:
        """0 if the client may submit now, else the seconds until it may."""
        bucket = self._bucket(key)
        return 0.0 if bucket.tokens >= 1 else (1 - bucket.tokens) * 60 / self.per_minute

    def charge(self, key: bytes) -> None:
        self._bucket(key).tokens -= 1

    def refund(self, key: bytes) -> None:
        """Give back a charge (an attempt counted up front that turned out fine)."""
        bucket = self._bucket(key)
        bucket.tokens = min(self.burst, bucket.tokens + 1)


@dataclass
class FloodBreaker:
    """Opens when more than ``per_minute`` submissions were accepted within a minute; stays open ``cooldown_s``."""

    per_minute: int
    cooldown_s: float
    clock: Callable[[], float] = time.monotonic
    _window_start: float = 0.0
    _count: int = 0
    _open_until: float = 0.0

    def retry_after(self) -> float:
        return max(0.0, self._open_until - self.clock())

    def charge(self) -> None:
        now = self.clock()
        if now - self._window_start >= 60:
            self._window_start, self._count = now, 0
        self._count += 1
        if self._count > self.per_minute:
            self._open_until = now + self.cooldown_s
            self._window_start, self._count = now, 0
