"""Proof-of-work step-up, self-hosted, in the format of ALTCHA (https://altcha.org): off unless the operator
switches it on under attack (``STADTSTIMME_POW_REQUIRED=true``).

A challenge is ``sha256(salt + number)`` for a secret random ``number`` below ``maxnumber``, signed with an
HMAC key that lives in this process only. The browser finds the number by trying (about ``maxnumber / 2``
hashes, a second or so on a phone for the default), then sends the solution with the submission. A solution is
accepted once: its challenge is remembered until the challenge expires, so it cannot be replayed. Nothing in it
identifies the citizen, and nobody has to solve a puzzle by hand.

With several ingest processes, each has its own key: a challenge must be solved for the process that issued it
(sticky routing), or the key must be shared through ``STADTSTIMME_POW_HMAC_KEY``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson

ALGORITHM = "SHA-256"


class InvalidSolution(ValueError):
    pass


@dataclass
class ProofOfWork:
    max_number: int = 100_000
    ttl_s: float = 600.0
    key: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)
    clock: Callable[[], float] = time.time
    _used: dict[str, float] = field(default_factory=dict, repr=False)  # challenge -> expiry

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

    def verify(self, payload: str) -> None:
        """Accept a base64 JSON solution once; raises ``InvalidSolution`` with the reason otherwise."""
        try:
            solution = orjson.loads(base64.b64decode(payload, validate=True))
            algorithm, challenge = solution["algorithm"], str(solution["challenge"])
            number, salt, signature = int(solution["number"]), str(solution["salt"]), str(solution["signature"])
        except (ValueError, KeyError, TypeError) as exc:
            raise InvalidSolution("malformed") from exc
        if algorithm != ALGORITHM or not hmac.compare_digest(signature, self._sign(challenge)):
            raise InvalidSolution("not issued here")
        expires = salt.rpartition("?expires=")[2]
        now = self.clock()
        if not expires.isdigit() or int(expires) < now:
            raise InvalidSolution("expired")
        if not 0 <= number <= self.max_number or hashlib.sha256(f"{salt}{number}".encode()).hexdigest() != challenge:
            raise InvalidSolution("wrong number")
        self._forget_expired(now)
        if challenge in self._used:
            raise InvalidSolution("already used")
        self._used[challenge] = float(expires)

    def _forget_expired(self, now: float) -> None:
        if len(self._used) > 1000:
            for challenge in [c for c, exp in self._used.items() if exp < now]:
                del self._used[challenge]


def solve(challenge: dict[str, Any]) -> str:
    """What the widget does in the browser, for the tests: try numbers until the hash matches; the payload."""
    for number in range(int(challenge["maxnumber"]) + 1):
        if hashlib.sha256(f"{challenge['salt']}{number}".encode()).hexdigest() == challenge["challenge"]:
            solution = {k: challenge[k] for k in ("algorithm", "challenge", "salt", "signature")} | {"number": number}
            return base64.b64encode(orjson.dumps(solution)).decode()
    raise InvalidSolution("no number solves this challenge")
