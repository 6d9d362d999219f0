"""Ingest is stateless: two web processes against one database and one broker, requests alternating between them
as a round-robin proxy would send them. The per-client quota holds across both (each gives a client half of it),
the flood breaker counts the installation's acceptances and opens on both, and a proof of work issued by one is
accepted by the other, once (shared.abuse, services.ingest.pow)."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from services.ingest.pow import solve
from shared.settings import Settings
from tests.integration.system import System, with_http_port

ABFALL = "https://abfall.musterstadt.de"
SYNC_S = 0.2  # STADTSTIMME_LIMITS_SYNC_S here: the instances meet in PostgreSQL five times a second
BURST, PER_MINUTE = 4, 0.5  # a client's quota: four at once, then one every two minutes
FLOOD = 10  # accepted submissions a minute for the whole installation before the breaker opens


def feedback(**fields: Any) -> dict[str, Any]:
    return {"event_id": str(uuid.uuid4()), "site": "abfall", "page_url": f"{ABFALL}/sperrmuell", "rating": 4,
            **fields}  # fmt: skip


async def ingest_instances(database_url: str) -> int:
    conn = await asyncpg.connect(database_url)
    try:
        return int(
            await conn.fetchval(
                "SELECT count(*) FROM limit_replica WHERE service = 'ingest' AND seen > now() - interval '5 seconds'"
            )
        )
    finally:
        await conn.close()


async def counted(database_url: str, accepted: int) -> None:
    """Wait until the installation's flood count in PostgreSQL holds ``accepted`` (or the breaker opened), then
    for every instance to have read it."""
    conn = await asyncpg.connect(database_url)
    try:
        deadline = time.monotonic() + 10
        query = "SELECT accepted >= $1 OR open_until > now() FROM flood_breaker WHERE name = 'ingest'"
        while not await conn.fetchval(query, accepted):
            assert time.monotonic() < deadline, f"the instances never reported {accepted} acceptances"
            await asyncio.sleep(SYNC_S / 4)
    finally:
        await conn.close()
    await asyncio.sleep(3 * SYNC_S)


@pytest.fixture
async def replicas(settings: Settings, tmp_path: Path) -> AsyncIterator[tuple[System, list[str]]]:
    """Two web processes (ingest, analytics, hackathon) of one installation that requires proof of work; their
    base URLs, once each counts the other."""
    changes = {"rate_limit_burst": BURST, "rate_limit_per_minute": PER_MINUTE, "flood_per_minute": FLOOD,
               "pow_required": True, "pow_max_number": 3000, "limits_sync_s": SYNC_S}  # fmt: skip
    system = System(with_http_port(settings).model_copy(update=changes), tmp_path / "logs")
    await system.prepare()
    try:
        system.start_web()
        second = system.start_web_replica()
        deadline = time.monotonic() + 10
        while await ingest_instances(system.settings.database_url) < 2:
            assert time.monotonic() < deadline, "the two instances never counted each other"
            await asyncio.sleep(SYNC_S)
        await asyncio.sleep(3 * SYNC_S)  # the first has counted the second too
        yield system, [system.base_url, second]
    finally:
        system.stop_all()


async def send(c: httpx.AsyncClient, to: str, client: str, challenge_from: str) -> httpx.Response:
    """One feedback to ``to`` from the citizen at ``client`` (forwarded by the trusted proxy), with a proof of work
    for a challenge of ``challenge_from``."""
    challenge = await c.get(f"{challenge_from}/api/v1/challenge")
    body = feedback(altcha=solve(challenge.json()))
    return await c.post(f"{to}/api/v1/feedback", json=body, headers={"X-Forwarded-For": client})


async def test_two_ingest_instances_hold_one_quota_one_breaker_and_single_use_proofs_of_work(
    replicas: tuple[System, list[str]],
) -> None:
    system, (a, b) = replicas
    accepted = 0
    async with httpx.AsyncClient(timeout=30) as c:
        # Proof of work: a challenge issued by one instance is accepted by the other, and only once by either.
        challenge = (await c.get(f"{a}/api/v1/challenge")).json()
        solved = feedback(altcha=solve(challenge))
        first = await c.post(f"{b}/api/v1/feedback", json=solved, headers={"X-Forwarded-For": "198.51.100.1"})
        assert first.status_code == 202, first.text
        accepted += 1
        for instance in (a, b):
            replayed = await c.post(f"{instance}/api/v1/feedback", json=feedback(altcha=solved["altcha"]),
                                    headers={"X-Forwarded-For": "198.51.100.2"})  # fmt: skip
            assert replayed.status_code == 403, replayed.text
            assert replayed.json()["errors"][0]["detail"] == "already used"
        assert (await send(c, a, "198.51.100.3", challenge_from=b)).status_code == 202
        accepted += 1

        # The client's quota holds across both: four at once in all (two each), though each alone allows four.
        started = time.monotonic()
        statuses = [(await send(c, to, "203.0.113.7", challenge_from=other)).status_code
                    for to, other in [(a, b), (b, a)] * 4]  # fmt: skip
        within = BURST + PER_MINUTE * (time.monotonic() - started) / 60  # the stated bound, N = 2 <= BURST
        assert statuses.count(202) <= within and statuses == [202] * 4 + [429] * 4, statuses
        accepted += 4
        for instance in (a, b):  # refused by both, in the usual form
            refused = await send(c, instance, "203.0.113.7", challenge_from=instance)
            assert refused.status_code == 429 and refused.headers["content-type"] == "application/problem+json"
            assert int(refused.headers["retry-after"]) > 0
        assert (await send(c, b, "203.0.113.8", challenge_from=a)).status_code == 202  # a neighbour is not
        accepted += 1

        # The breaker counts what both accept: the installation's 11th acceptance within the minute opens it, on
        # the instance that took it at once and on the other at its next sync.
        opened = None
        for n in range(2 * FLOOD):
            to = (a, b)[n % 2]
            answer = await send(c, to, f"192.0.2.{n + 1}", challenge_from=to)
            if answer.status_code == 503:
                opened = n
                break
            assert answer.status_code == 202, answer.text
            accepted += 1
            await counted(system.settings.database_url, accepted)  # both know the count before the next one
        assert opened is not None, "the breaker never opened"
        # As one instance alone would (each alone would take 11); one more if a read came late on a busy machine.
        assert FLOOD + 1 <= accepted <= FLOOD + 2, accepted
        for instance in (a, b):
            refused = await send(c, instance, "192.0.2.200", challenge_from=instance)
            assert refused.status_code == 503 and refused.headers["content-type"] == "application/problem+json"
            assert 0 < int(refused.headers["retry-after"]) <= 30
            assert refused.json()["type"] == "/problems/service-unavailable"
