"""Password sign-in that a flood of attempts can neither guess through nor turn against citizens.

* **Per client:** failed sign-ins use up a small quota per client (``shared.abuse.RateLimiter``: a keyed hash of
  the address, nothing stored; shared out between the instances that serve the console, so that N of them together
  allow no more); beyond it the answer is 429 at once, without hashing anything.
* **Per account name:** after ``LOCK_AFTER`` failures in a row a name is locked for a minute, doubling with every
  further failure up to ``LOCK_MAX`` (a soft lockout, ASVS 2.2.1). Kept in PostgreSQL as the name's SHA-256, for
  names that exist and names that do not alike (so it reveals nothing), shared by every instance; a success
  clears it. While locked, no password is checked.
* **Off the event loop, behind it, and rationed:** argon2id is deliberately slow and memory-hard. It runs in a
  worker thread of the lowest priority (nice 19), one check at a time, at most ``CHECKS_PER_S`` checks a second
  per process, so the event loop that also takes citizens' feedback always gets the CPU first. A check that would
  have to wait longer than ``QUEUE_S`` for its turn is refused (503) before any database work. (People sign in a
  few times a day; only a flood needs more, and a flood must not get it.)
* **Failures are slow:** every refused sign-in is answered ``FAILURE_S`` after it arrived, never sooner. A flood's
  clients, which resend as soon as they are answered, can then send only a few attempts a second each, whatever
  they try; and the time of the answer tells nothing about why it failed.
* **The audit log** names an account only if it exists; anything else typed as a name (often a password pasted
  into the wrong field) is never written.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import math
import os
import threading
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import asyncpg

from shared.abuse import REPLICAS, RateLimiter
from shared.auth import (
    Account,
    audit,
    hash_password,
    needs_rehash,
    password_account,
    store_password_hash,
    verify_password,
)
from shared.refusal import Refusal

LOCK_AFTER = 5
LOCK_FIRST = timedelta(minutes=1)
LOCK_MAX = timedelta(minutes=15)
CHECKS_AT_ONCE = 1  # argon2 runs its 4 lanes in threads: one check already keeps 2 cores busy
CHECKS_PER_S = 2.0
QUEUE_S = 3.0
FAILURE_S = 1.0
UNKNOWN_ACTOR = "(unbekannt)"


def clean_username(typed: str) -> str | None:
    """The account name as stored (trimmed, lower case), or None for something no account can be called: empty,
    over 200 characters, or with control characters (a NUL byte would not even reach the database)."""
    name = typed.strip().lower()
    if not name or len(name) > 200 or any(unicodedata.category(c) in ("Cc", "Cf", "Cs") for c in name):
        return None
    return name


def lock_for(failures: int) -> timedelta | None:
    """How long a name is locked after ``failures`` failures in a row: nothing below ``LOCK_AFTER``, then a minute,
    doubling, at most ``LOCK_MAX``."""
    if failures < LOCK_AFTER:
        return None
    lock: timedelta = LOCK_FIRST * 2 ** (failures - LOCK_AFTER)
    return min(lock, LOCK_MAX)


def _retry_after(seconds: float) -> dict[str, str]:
    return {"Retry-After": str(max(1, math.ceil(seconds)))}


def _lowest_priority() -> None:
    """Run this worker thread (and the threads argon2 starts for its lanes, which inherit it) at nice 19: on Linux
    a thread's niceness is its own."""
    with contextlib.suppress(OSError, AttributeError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)


class SignIn:
    """One per process (its hashing slots are per process, its client quotas this instance's share of them; the
    name locks are shared)."""

    def __init__(
        self, pool: asyncpg.Pool, per_minute: float = 5.0, burst: float = 10.0, failure_s: float = FAILURE_S
    ) -> None:
        self.pool = pool
        self.clients = RateLimiter(per_minute, burst, replicas=REPLICAS.of("analytics"))
        self.failure_s = failure_s
        self._hashing = ThreadPoolExecutor(CHECKS_AT_ONCE, "argon2", initializer=_lowest_priority)
        self._next_turn = 0.0  # the loop time at which the next check may start

    async def check(self, typed_name: str, password: str, client: str) -> Account:
        """The account, if the password is right; raises ``Refusal``, ``failure_s`` after the call at the
        earliest: 401 wrong name or password (the same for both), 429 too many failures from this client or for
        this name (``Retry-After``), 503 too many sign-ins being checked at once."""
        started = asyncio.get_running_loop().time()
        try:
            return await self._check(typed_name, password, client)
        except Refusal:
            await asyncio.sleep(started + self.failure_s - asyncio.get_running_loop().time())
            raise

    async def _verify(self, stored: str | None, password: str) -> bool:
        """The argon2 check in its turn: at most ``CHECKS_PER_S`` a second, none waiting longer than ``QUEUE_S``."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        turn = max(now, self._next_turn)
        if turn - now > QUEUE_S:
            raise Refusal("console.error.sign_in.busy", 503, headers=_retry_after(QUEUE_S))
        self._next_turn = turn + 1 / CHECKS_PER_S
        await asyncio.sleep(turn - now)
        return await loop.run_in_executor(self._hashing, verify_password, stored, password)

    async def _check(self, typed_name: str, password: str, client: str) -> Account:
        if self._next_turn - asyncio.get_running_loop().time() > QUEUE_S:
            raise Refusal("console.error.sign_in.busy", 503, headers=_retry_after(QUEUE_S))
        client_key = self.clients.key(client)
        wait = self.clients.retry_after(client_key)
        if wait:
            raise Refusal("console.error.sign_in.client", 429, headers=_retry_after(wait))
        self.clients.charge(client_key)  # counted now, so that a burst at once is counted too; a success refunds it
        name = clean_username(typed_name)
        name_hash = hashlib.sha256((name or typed_name).encode(errors="replace")).digest()
        async with self.pool.acquire() as conn:
            attempt = await self._count_attempt(conn, name_hash)
            account, stored = await password_account(conn, name) if name else (None, None)
        right = await self._verify(stored, password)
        async with self.pool.acquire() as conn:
            if right and account is not None and stored is not None:
                await conn.execute("DELETE FROM sign_in_throttle WHERE name_sha256 = $1", name_hash)
                self.clients.refund(client_key)
                if needs_rehash(stored):
                    fresh = await asyncio.get_running_loop().run_in_executor(self._hashing, hash_password, password)
                    await store_password_hash(conn, account, fresh)
                return account
            await conn.execute("DELETE FROM sign_in_throttle WHERE last_failed < now() - $1::interval", LOCK_MAX * 2)
            actor = account.username if account is not None else UNKNOWN_ACTOR
            await audit(conn, actor, "login_failed", method="password", failures=attempt,
                        locked=lock_for(attempt) is not None)  # fmt: skip
        raise Refusal("console.error.login", 401)

    async def _count_attempt(self, conn: asyncpg.Connection, name_hash: bytes) -> int:
        """Count this attempt for the name before its password is checked (a success deletes the count), in one
        statement, so that attempts at the same moment get one number each; the attempt that reaches
        ``LOCK_AFTER``, and each one after it, locks the name at once. Raises ``Refusal`` (429) while it is
        locked: no more than one guess per lock."""
        attempt: int | None = await conn.fetchval(
            """INSERT INTO sign_in_throttle AS t (name_sha256, failures, last_failed) VALUES ($1, 1, now())
               ON CONFLICT (name_sha256) DO UPDATE SET
                   failures = CASE WHEN t.last_failed < now() - $2::interval THEN 1 ELSE t.failures + 1 END,
                   last_failed = now(),
                   locked_until = CASE WHEN t.last_failed >= now() - $2::interval AND t.failures + 1 >= $3
                       THEN now() + least($4 * power(2, t.failures + 1 - $3), $5) * interval '1 second' END
               WHERE t.locked_until IS NULL OR t.locked_until <= now()
               RETURNING failures""",
            name_hash, LOCK_MAX * 2, LOCK_AFTER, LOCK_FIRST.total_seconds(), LOCK_MAX.total_seconds(),
        )  # fmt: skip
        if attempt is not None:
            return attempt
        locked = await conn.fetchval("SELECT locked_until FROM sign_in_throttle WHERE name_sha256 = $1", name_hash)
        seconds = (locked - datetime.now(UTC)).total_seconds() if locked is not None else LOCK_FIRST.total_seconds()
        raise Refusal("console.error.sign_in.locked", 429, headers=_retry_after(seconds),
                      minutes=max(1, math.ceil(seconds / 60)))  # fmt: skip
