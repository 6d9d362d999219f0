"""Proof-of-work step-up in the ALTCHA format: solvable, checked, accepted once, expiring."""

from __future__ import annotations

import base64

import orjson
import pytest

from services.ingest.pow import InvalidSolution, ProofOfWork, solve


class Clock:
    now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def test_a_solved_challenge_is_accepted_once() -> None:
    pow_ = ProofOfWork(max_number=2000)
    challenge = pow_.challenge()
    assert set(challenge) == {"algorithm", "challenge", "maxnumber", "salt", "signature"}
    solution = solve(challenge)
    pow_.verify(solution)
    with pytest.raises(InvalidSolution, match="already used"):
        pow_.verify(solution)


def test_forged_wrong_and_expired_solutions_are_refused() -> None:
    clock = Clock()
    pow_ = ProofOfWork(max_number=500, ttl_s=60, clock=clock)
    challenge = pow_.challenge()
    solution = orjson.loads(base64.b64decode(solve(challenge)))

    def encoded(**changes: object) -> str:
        return base64.b64encode(orjson.dumps(solution | changes)).decode()

    with pytest.raises(InvalidSolution, match="wrong number"):
        pow_.verify(encoded(number=(solution["number"] + 1) % 501))
    with pytest.raises(InvalidSolution, match="not issued here"):
        ProofOfWork(max_number=500, clock=clock).verify(encoded())  # another key
    with pytest.raises(InvalidSolution, match="malformed"):
        pow_.verify("not base64 at all!")
    clock.now += 61
    with pytest.raises(InvalidSolution, match="expired"):
        pow_.verify(encoded())
