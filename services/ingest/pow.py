"""Proof-of-work step-up, self-hosted, in the format of ALTCHA (https://altcha.org): off unless the operator
switches it on under attack (``STADTSTIMME_POW_REQUIRED=true``).

A challenge is ``sha256(salt + number)`` for a secret random ``number`` below ``maxnumber``, signed with an
HMAC key. The browser finds the number by trying (about ``maxnumber / 2`` hashes, a second or so on a phone for
the default), then sends the solution with the submission. Nothing in it identifies the citizen, and nobody has
to solve a puzzle by hand.

Several ingest instances work as one: the key is made once in PostgreSQL and shared by all of them
(``shared_key``; or set by the operator, ``STADTSTIMME_POW_HMAC_KEY``), so any instance accepts a challenge another
issued; and a solution is accepted once by any of them: ``spend`` records the challenge's signature in PostgreSQL
until the challenge expires (one round trip per solved submission, only while the operator requires proof of work).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import asyncpg
import orjson

from shared.db import installation_secret

ALGORITHM = "SHA-256"


class InvalidSolution(ValueError):
    pass


class Solved(NamedTuple):
    """A right solution of a challenge of ours: its signature (what ``spend`` records) and its expiry (Unix time)."""

    signature: bytes
    expires: int


@dataclass
class ProofOfWork:
    max_number: int = 100_000
    ttl_s: float = 600.0
    key: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)
    clock: Callable[[], float] = time.time

    def challenge(self) -> dict[str, Any]:
        expires = int(self.clock() + self.ttl_s)
        salt = f"{secrets.token_hex(12)}?expires={expires}"
        number = secrets.randbelow(self.max_number + 1)
        challenge = hashlib.sha256(f"{salt}{number}".encode()).hexdigest()
        return {
            "algorithm": ALGORITHM,
            "challenge": challenge,
            "maxnumber": self.max_number,
            "salt": salt,
            "signature": self._sign(challenge),
        }

    def _sign(self, challenge: str) -> str:
        return hmac.new(self.key, challenge.encode(), hashlib.sha256).hexdigest()

    def verify(self, payload: str) -> Solved:
        """Check a base64 JSON solution: signed with our key, not expired, the right number; raises
        ``InvalidSolution`` with the reason otherwise. Whether it was used before is ``spend``'s to say."""
        try:
            solution = orjson.loads(base64.b64decode(payload, validate=True))
            algorithm, challenge = solution["algorithm"], str(solution["challenge"])
            number, salt, signature = int(solution["number"]), str(solution["salt"]), str(solution["signature"])
        except (ValueError, KeyError, TypeError) as exc:
            raise InvalidSolution("malformed") from exc
        if algorithm != ALGORITHM or not hmac.compare_digest(signature.encode(), self._sign(challenge).encode()):
            raise InvalidSolution("not issued here")
        expires = salt.rpartition("?expires=")[2]
        now = self.clock()
        if not (expires.isascii() and expires.isdigit()) or int(expires) < now:
            raise InvalidSolution("expired")
        if not 0 <= number <= self.max_number or hashlib.sha256(f"{salt}{number}".encode()).hexdigest() != challenge:
            raise InvalidSolution("wrong number")
        return Solved(bytes.fromhex(signature), int(expires))


async def shared_key(conn: asyncpg.Connection) -> bytes:
    """The installation's key for signing challenges (made once; the same for every instance)."""
    return await installation_secret(conn, "pow-hmac")


async def spend(conn: asyncpg.Connection, solved: Solved) -> None:
    """Use a solution up, for every instance: raises ``InvalidSolution("already used")`` if one did before."""
    fresh = await conn.fetchval(
        """INSERT INTO pow_spent (signature, expires_at) VALUES ($1, to_timestamp($2::float8))
           ON CONFLICT (signature) DO NOTHING RETURNING true""",
        solved.signature,
        float(solved.expires),
    )
    if not fresh:
        raise InvalidSolution("already used")


async def forget_expired(conn: asyncpg.Connection) -> None:
    """Expired challenges are refused as such: their spent signatures need not be kept."""
    await conn.execute("DELETE FROM pow_spent WHERE expires_at < now()")


def solve(challenge: dict[str, Any]) -> str:
    """What the widget does in the browser, for the tests: try numbers until the hash matches; the payload."""
    for number in range(int(challenge["maxnumber"]) + 1):
        if hashlib.sha256(f"{challenge['salt']}{number}".encode()).hexdigest() == challenge["challenge"]:
            solution = {k: challenge[k] for k in ("algorithm", "challenge", "salt", "signature")} | {"number": number}
            return base64.b64encode(orjson.dumps(solution)).decode()
    raise InvalidSolution("no number solves this challenge")
