"""Schemathesis against the whole OpenAPI of the running system (real broker, PostgreSQL, services as processes),
anonymous, signed in to the console as each role, and with each operator token: no server error, no status code,
content type or body that the document does not describe. Fails listing every distinct failure."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import asyncpg
import httpx
import pytest

from shared.auth import create_account, session_cookie, start_session
from shared.db import create_pool
from shared.kafka import start_producer
from stadtstimme.demo_hackathon import publish_demo_hackathon
from stadtstimme.infra import REPO
from tests.integration.conftest import once
from tests.integration.fuzzing import Finding, Identity, Tally, fuzz, report, server_exceptions
from tests.integration.system import System

# The same requests on every run: Schemathesis derives each operation's seed from this one, Hypothesis derandomized.
SEED = 20260101
# Hypothesis cases per operation and identity, on top of the schema's examples and the coverage phase's boundary and
# negative cases (about 2,000 per identity, fixed). With 10: about 2,300 requests per identity, 6 identities in about
# 2 min on an idle 2-core machine, 3 min with one core busy elsewhere (the other broker pass). Each further example
# adds one request per operation and about 1 s per identity.
MAX_EXAMPLES = 10
# Never vacuous: each identity must reach every operation, with at least this many responses in all.
MIN_CASES_PER_IDENTITY = 2000
# Signed-in identities must be let in: 2xx responses from at least this many staff operations.
MIN_STAFF_OPERATIONS_ALLOWED = 3
STAFF_PREFIXES = ("GET /api/v1/staff/", "GET /api/v1/metrics/")

pytestmark = once("the HTTP contract", broker="tansu")


async def _seed(system: System) -> None:
    """Something to read: the demo city's surveys and hackathon, and a few answers on its pages."""
    surveys = REPO / "stadtstimme" / "demo-surveys.yaml"
    done = system.cli("surveys", "apply", str(surveys))
    assert done.returncode == 0, done.stderr
    pool = await create_pool(system.settings)
    producer = await start_producer(system.settings)
    try:
        await publish_demo_hackathon(system.settings, pool, producer)
    finally:
        await producer.stop()
        await pool.close()
    async with httpx.AsyncClient(base_url=system.base_url) as client:
        for site, page, rating in (
            ("abfall", "https://abfall.musterstadt.de/abfallkalender", 2),
            ("baeder", "https://www.baeder-musterstadt.de/freibad", 5),
            ("portal", "https://www.musterstadt.de/buergeramt/termine", 4),
        ):
            body = {"event_id": str(uuid.uuid4()), "site": site, "page_url": page, "rating": rating, "comment": "Gut"}
            assert (await client.post("/api/v1/feedback", json=body)).status_code == 202
    await system.wait_projected(3)


async def _signed_in(system: System, role: str, units: tuple[str, ...] = ()) -> Identity:
    """A console session of a new account (made just before its run: nothing an earlier run did can have ended it)."""
    conn = await asyncpg.connect(system.settings.database_url)
    try:
        account = await create_account(conn, f"fuzz-{role}-{uuid.uuid4().hex[:6]}", f"Fuzz {role}", role, units)
        token = await start_session(conn, account, timedelta(hours=2))
    finally:
        await conn.close()
    # A signed-in browser sends its Origin with every request that changes something.
    return Identity(role, {"Origin": system.base_url}, {session_cookie(system.base_url)[0]: token})


async def _identities(system: System) -> AsyncIterator[Identity]:
    """Administrators first: what they create (surveys, hackathons with odd values) gives the readers more to read."""
    yield await _signed_in(system, "administrator")
    yield Identity("admin-token", system.admin)
    yield await _signed_in(system, "analyst")
    yield Identity("metrics-token", system.auth)
    yield await _signed_in(system, "unit_staff", ("abfallwirtschaft",))
    yield Identity("anonymous")


def _probe(system: System, identity: Identity) -> None:
    """The identity is what it claims: staff read figures, anonymous does not."""
    answer = httpx.get(f"{system.base_url}/api/v1/metrics/org-units", headers=dict(identity.headers),
                       cookies=dict(identity.cookies))  # fmt: skip
    expected = 401 if identity.name == "anonymous" else 200
    assert answer.status_code == expected, f"{identity.name}: {answer.status_code} {answer.text[:200]}"


def _shortfalls(identity: Identity, tally: Tally, operations: set[str]) -> list[str]:
    out = []
    missed = operations - set(tally.cases)
    if missed:
        out.append(f"{identity.name}: no response from {', '.join(sorted(missed))}")
    total = sum(tally.cases.values())
    if total < MIN_CASES_PER_IDENTITY:
        out.append(f"{identity.name}: only {total} responses (at least {MIN_CASES_PER_IDENTITY} expected)")
    allowed = {label for label in tally.ok_cases if label.startswith(STAFF_PREFIXES)}
    if identity.name == "anonymous" and allowed:
        out.append(f"anonymous: 2xx from staff operations {', '.join(sorted(allowed))}")
    if identity.name != "anonymous" and len(allowed) < MIN_STAFF_OPERATIONS_ALLOWED:
        out.append(f"{identity.name}: let into only {sorted(allowed)} (sign-in not effective?)")
    return out


async def test_schemathesis_finds_nothing_as_any_identity(system: System) -> None:
    await _seed(system)
    openapi = httpx.get(f"{system.base_url}/api/openapi.json").raise_for_status().json()
    operations = {
        f"{method.upper()} {path}" for path, item in openapi["paths"].items() for method in item
        if method in ("get", "put", "post", "delete", "patch")
    }  # fmt: skip
    findings: dict[tuple[str, str, int | None], Finding] = {}
    shortfalls: list[str] = []
    summary = []
    async for identity in _identities(system):
        _probe(system, identity)
        started = time.monotonic()
        tally = fuzz(openapi, system.base_url, identity, findings, seed=SEED, max_examples=MAX_EXAMPLES)
        shortfalls += tally.errors + _shortfalls(identity, tally, operations)
        statuses = ", ".join(f"{status}: {n}" for status, n in sorted(tally.statuses.items()))
        summary.append(f"{identity.name}: {sum(tally.cases.values())} responses from {len(tally.cases)} operations "
                       f"in {time.monotonic() - started:.0f} s ({statuses})")  # fmt: skip
    print("\n" + "\n".join(summary))
    if not shortfalls and not findings:
        return
    lines = [f"Schemathesis (seed {SEED}, {MAX_EXAMPLES} examples): {len(findings)} distinct failures", *summary]
    if shortfalls:
        lines += ["", "Not exercised as required:", *shortfalls]
    if findings:
        lines += ["", "Failures (operation | check | status | identities):", report(list(findings.values()))]
    crashes = server_exceptions(system.logdir / "web.log", REPO)
    if crashes:
        lines += ["", "Unhandled exceptions in the server log:", *crashes]
    pytest.fail("\n".join(lines), pytrace=False)
