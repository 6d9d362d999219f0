"""Abuse protection without tracking, for ingest, staff sign-in and hackathon registration: a per-client rate limit
that remembers no address, and a flood breaker; both hold across any number of instances of a service.

Clients are told apart by a keyed hash of the address: BLAKE2b keyed with the secret of the day (a MAC like
HMAC-SHA256, in one C call). IPv6 addresses count by their /64 prefix (one household or device gets a whole
/64). The secret lives only in this process's memory and is replaced at every
UTC midnight, together with all counters: nothing written anywhere can be turned back into an address, and
yesterday's keys cannot be linked to today's.

**Several instances (replicas) behind a proxy.** A client's quota is shared out between the live instances of the
service (``Replicas``: each instance says every ``limits_sync_s`` in PostgreSQL that it is alive): with N of them,
each gives a client ``burst / N`` at once (at least one) and ``per_minute / N`` after that. However the proxy routes
a client's requests, all N together accept at most ``max(burst, N)`` at once and ``per_minute`` a minute after that,
and no client state leaves the process: there is nothing to share, and no round trip on the hot path. While an
instance starts, the others count it at their next sync: for that long (one interval) a client can get one share
more, and the new instance's buckets start full, so each start can give a client one more share. An instance that
stops or dies only makes the others stricter until it is counted out. The price: a proxy that sends all of a
client's requests to one instance (affinity by address) gives it only 1/N of its quota; route per request.

Only accepted submissions use up a client's quota (ingest charges its quota when it admits a submission, so that
requests at the same moment count too, and refunds it unless the submission is accepted), so a citizen whose form
had a mistake is never locked out by it. The breaker counts every accepted submission of the installation: when
all instances together accept more than ``flood_per_minute`` in a minute, it answers 503 with Retry-After for
``flood_cooldown_s``; the widget retries by itself, so real citizens lose nothing. Each instance counts its own
acceptances at once and adds them to the shared count in PostgreSQL at every sync (``share_flood``), learning the
others' and whether one of them opened the breaker: it opens everywhere at most two sync intervals after the
installation went over the limit.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import logging
import secrets
import socket
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import asyncpg

log = logging.getLogger(__name__)

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


def _one() -> int:
    return 1


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float


@dataclass
class RateLimiter:
    """Token bucket per client key: ``burst`` submissions at once, refilled at ``per_minute``, shared out between
    the ``replicas()`` live instances of the service (this one's share: ``share``)."""

    per_minute: float
    burst: float
    clock: Callable[[], float] = time.monotonic
    today: Callable[[], object] = lambda: int(time.time() // 86400)  # the UTC day
    replicas: Callable[[], int] = _one
    _secret: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)
    _day: object = None
    _buckets: OrderedDict[bytes, _Bucket] = field(default_factory=OrderedDict, repr=False)

    def key(self, address: str) -> bytes:
        day = self.today()
        if day != self._day:  # a new secret and empty counters every day
            self._day, self._secret = day, secrets.token_bytes(32)
            self._buckets.clear()
        return hashlib.blake2b(client_network(address), key=self._secret, digest_size=16).digest()

    def share(self) -> tuple[float, float]:
        """This instance's share of a client's quota: (burst, per minute). With N instances ``burst / N``, but at
        least one (else a quota smaller than N would admit nothing), and ``per_minute / N``."""
        n = max(1, self.replicas())
        return max(1.0, self.burst / n), self.per_minute / n

    def _bucket(self, key: bytes) -> tuple[_Bucket, float]:
        now = self.clock()
        burst, rate = self.share()
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(burst, now)
            if len(self._buckets) > MAX_CLIENTS:
                self._buckets.popitem(last=False)
        else:  # a share that shrank (one more instance) takes effect at once
            bucket.tokens = min(burst, bucket.tokens + (now - bucket.updated) * rate / 60)
            bucket.updated = now
            self._buckets.move_to_end(key)
        return bucket, rate

    def retry_after(self, key: bytes) -> float:
        """0 if the client may submit now, else the seconds until it may."""
        bucket, rate = self._bucket(key)
        return 0.0 if bucket.tokens >= 1 else (1 - bucket.tokens) * 60 / rate

    def charge(self, key: bytes) -> None:
        self._bucket(key)[0].tokens -= 1

    def take(self, key: bytes) -> float:
        """``retry_after`` and, if it is 0, ``charge``, in one step."""
        bucket, rate = self._bucket(key)
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        return (1 - bucket.tokens) * 60 / rate

    def refund(self, key: bytes) -> None:
        """Give back a charge (an attempt counted up front that turned out fine, or was not accepted)."""
        bucket = self._bucket(key)[0]
        bucket.tokens = min(self.share()[0], bucket.tokens + 1)


# The services' instances: one heartbeat row per (service, instance); the others count a row while it is fresh.
_BEAT = """
WITH beat AS (
    INSERT INTO limit_replica (service, instance, seen) SELECT s, $1, now() FROM unnest($2::text[]) AS s
    ON CONFLICT (service, instance) DO UPDATE SET seen = now()
), gone AS (
    DELETE FROM limit_replica WHERE seen < now() - $3::float8 * interval '1 second' AND instance <> $1
)
SELECT s AS service,
       1 + (SELECT count(*) FROM limit_replica r
            WHERE r.service = s AND r.instance <> $1 AND r.seen >= now() - $3::float8 * interval '1 second')
           AS replicas
FROM unnest($2::text[]) AS s"""


class Replicas:
    """How many instances serve each service now, from their heartbeats in PostgreSQL (``limit_replica``): each
    instance writes its own every ``interval`` and counts the others' fresh ones (seen within ``ttl``). Until
    ``start`` (or when the database cannot be reached at start), every service counts one instance; when the
    database cannot be reached later, the last counts stay."""

    def __init__(self) -> None:
        self.instance = uuid.uuid4()
        self.services: tuple[str, ...] = ()
        self.interval = 1.0
        self.counts: dict[str, int] = {}
        self._pool: asyncpg.Pool | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def ttl(self) -> float:
        """How long an instance counts after its last heartbeat: three intervals, at least 5 s (a busy or paused
        instance still counts; one that is gone only keeps the others stricter for that long)."""
        return max(5.0, 3 * self.interval)

    def count(self, service: str) -> int:
        return self.counts.get(service, 1)

    def of(self, service: str) -> Callable[[], int]:
        """``count`` of one service, for ``RateLimiter(replicas=...)``."""
        return functools.partial(self.count, service)

    async def start(self, pool: asyncpg.Pool, services: Iterable[str], interval: float) -> None:
        await self.stop()  # started before (another application in this process): one heartbeat at a time
        # A new id at each start, not at import: processes forked from one that imported this module (a pre-forking
        # server, the tests' fork server) would otherwise share one id and count as one instance.
        self.instance = uuid.uuid4()
        self._pool, self.services, self.interval = pool, tuple(services), interval
        await self.beat()  # counted by the others from now on, and counting them before serving anything
        self._task = asyncio.create_task(self._beat_forever())

    async def beat(self) -> None:
        assert self._pool is not None
        async with self._pool.acquire() as conn:
            rows = await conn.fetch(_BEAT, self.instance, list(self.services), self.ttl)
        self.counts = {r["service"]: int(r["replicas"]) for r in rows}

    async def _beat_forever(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                await self.beat()
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError):
                log.warning("could not share this instance's heartbeat; keeping the last replica counts")

    async def stop(self) -> None:
        """Stop beating and leave at once (the others' shares grow at their next sync)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._pool is not None:
            with contextlib.suppress(OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError):
                async with self._pool.acquire() as conn:
                    await conn.execute("DELETE FROM limit_replica WHERE instance = $1", self.instance)
        self.counts = {}


# This process's instance, started by the application with the services it serves (``stadtstimme.app``).
REPLICAS = Replicas()


@dataclass
class FloodBreaker:
    """Opens when more than ``per_minute`` submissions were accepted within a minute; stays open ``cooldown_s``.

    The count is the installation's: this instance's own acceptances at once, the other instances' as of the last
    ``adopt`` (``share_flood``). ``report`` hands over what this instance adds to the shared state."""

    per_minute: int
    cooldown_s: float
    clock: Callable[[], float] = time.monotonic
    _window_start: float = 0.0
    _count: int = 0
    _open_until: float = 0.0
    _pending: int = 0  # accepted here since the last report
    _opened: bool = False  # opened here since the last report

    def retry_after(self) -> float:
        return max(0.0, self._open_until - self.clock())

    def charge(self) -> None:
        now = self.clock()
        if now - self._window_start >= 60:
            self._window_start, self._count = now, 0
        self._count += 1
        self._pending += 1
        if self._count > self.per_minute:
            self._open_until = now + self.cooldown_s
            self._window_start, self._count = now, 0
            self._opened = True

    def report(self) -> tuple[int, float]:
        """(submissions accepted here since the last report, seconds for which this instance opened the breaker
        since then, 0 if it did not), to add to the shared state; ``unreport`` if that failed."""
        accepted, self._pending = self._pending, 0
        opened_for = max(0.0, self._open_until - self.clock()) if self._opened else 0.0
        self._opened = False
        return accepted, opened_for

    def unreport(self, accepted: int, opened_for: float) -> None:
        self._pending += accepted
        self._opened = self._opened or opened_for > 0

    def adopt(self, accepted: int, window_age_s: float, open_for_s: float) -> None:
        """Take over the installation's state after a report: the window's count and age (acceptances here since the
        report added) and how long the breaker is still open."""
        now = self.clock()
        self._open_until = max(self._open_until, now + open_for_s)
        if not self._opened:  # unless it opened here meanwhile (its fresh window stays until the next report)
            self._count = accepted + self._pending
            self._window_start = now - window_age_s


# One statement per sync: add this instance's acceptances to the current minute's (a window older than a minute
# starts again), open the breaker above the limit or when this instance opened it, and return the state.
_SHARE_FLOOD = """
WITH counted AS (
    SELECT name,
           CASE WHEN now() - window_start >= interval '1 minute' THEN 0 ELSE accepted END + $2::bigint AS accepted,
           CASE WHEN now() - window_start >= interval '1 minute' THEN now() ELSE window_start END AS window_start
    FROM flood_breaker WHERE name = $1 FOR UPDATE
), decided AS (
    SELECT name, accepted, window_start, accepted > $3::bigint OR $5::float8 > 0 AS opens FROM counted
)
UPDATE flood_breaker f SET
    accepted = CASE WHEN d.opens THEN 0 ELSE d.accepted END,
    window_start = CASE WHEN d.opens THEN now() ELSE d.window_start END,
    open_until = CASE WHEN d.opens THEN greatest(f.open_until, now() + greatest(
        CASE WHEN d.accepted > $3::bigint THEN $4::float8 ELSE 0 END, $5::float8) * interval '1 second')
        ELSE f.open_until END
FROM decided d WHERE f.name = d.name
RETURNING f.accepted, extract(epoch FROM now() - f.window_start)::float8 AS age,
          extract(epoch FROM f.open_until - now())::float8 AS open_for"""


async def share_flood(conn: asyncpg.Connection, breaker: FloodBreaker, name: str = "ingest") -> None:
    """Add this instance's acceptances to the installation's flood count and take over its state."""
    accepted, opened_for = breaker.report()
    args = (name, accepted, breaker.per_minute, breaker.cooldown_s, opened_for)
    try:
        row = await conn.fetchrow(_SHARE_FLOOD, *args)
        if row is None:  # the row is made by the migration; should it be gone, it starts again
            await conn.execute("INSERT INTO flood_breaker (name) VALUES ($1) ON CONFLICT (name) DO NOTHING", name)
            row = await conn.fetchrow(_SHARE_FLOOD, *args)
    except BaseException:
        breaker.unreport(accepted, opened_for)
        raise
    if row is not None:
        breaker.adopt(int(row["accepted"]), float(row["age"]), float(row["open_for"]))
