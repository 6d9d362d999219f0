"""Proof-of-work step-up in the ALTCHA format: solvable, checked, expiring, the same for every instance with the
key. That a solution is accepted once, by any instance, is ``spend``'s (PostgreSQL): tests/integration/
test_ingest_replicas.py."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import orjson
import pytest

from services.ingest.pow import InvalidSolution, ProofOfWork, Solved, solve
from services.ingest.service import IngestService, Refused
from shared.settings import Settings


class Clock:
    now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def test_a_solved_challenge_is_checked_alike_by_every_instance_with_the_key() -> None:
    pow_ = ProofOfWork(max_number=2000)
    challenge = pow_.challenge()
    assert set(challenge) == {"algorithm", "challenge", "maxnumber", "salt", "signature"}
    solution = solve(challenge)
    solved = pow_.verify(solution)
    assert solved == Solved(bytes.fromhex(challenge["signature"]), int(challenge["salt"].rpartition("=")[2]))
    assert ProofOfWork(max_number=2000, key=pow_.key).verify(solution) == solved  # what spend records, once


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
    with pytest.raises(InvalidSolution, match="not issued here"):
        pow_.verify(encoded(signature="ä" * 64))  # compared as bytes: no TypeError
    with pytest.raises(InvalidSolution, match="expired"):
        pow_.verify(encoded(salt=solution["salt"].rpartition("=")[0] + "=²"))  # not a number to int()
    clock.now += 61
    with pytest.raises(InvalidSolution, match="expired"):
        pow_.verify(encoded())


async def test_a_solution_that_cannot_be_recorded_now_is_a_503_not_a_500() -> None:
    class Away:
        @asynccontextmanager
        async def acquire(self) -> AsyncIterator[None]:
            raise ConnectionRefusedError("the database is restarting")
            yield

    ingest = IngestService(Settings(pow_required=True, pow_max_number=500))
    ingest.pool = Away()  # type: ignore[assignment]
    with pytest.raises(InvalidSolution, match="missing"):
        await ingest.prove(None)
    with pytest.raises(Refused) as refused:
        await ingest.prove(solve(ingest.pow.challenge()))
    assert refused.value.kind == "unavailable" and refused.value.retry_after == "5"
