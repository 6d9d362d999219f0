"""The penetration test's findings on staff access and the HTTP layer, each written as the attack against the
running system (real broker, real PostgreSQL), asserting the refusal and that nothing changed. The participants'
side of the hackathon is in ``test_hackathon_attacks``, OpenID Connect in ``test_oidc``, the API fuzzer in
``test_api_fuzz``."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from services.notifier import outbox
from shared.settings import Settings
from tests.integration.conftest import once, running
from tests.integration.system import System
from tests.integration.test_console import PASSWORD, add_staff, sign_in

pytestmark = once("staff access and the HTTP layer")

HACKATHON = "sicher-2026"
API = f"/api/v1/hackathons/{HACKATHON}"


async def fetch(system: System, query: str, *args: Any) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(system.settings.database_url)
    try:
        return list(await conn.fetch(query, *args))
    finally:
        await conn.close()


def challenge(unit: str, title: str, link: str) -> dict[str, Any]:
    return {"org_unit": unit, "title": title, "problem": "Wann kommt die Tonne?", "contact": "Team Digitales",
            "expected_outcome": "Ein offener Prototyp.", "data_links": [link]}  # fmt: skip


async def test_finding_1_a_unit_cannot_take_over_another_units_challenge(system: System) -> None:
    """A unit's staff member sends PUT …/challenges/abfallkalender (a challenge of the Abfallwirtschaft) with their
    own unit and a foreign link: refused, and the public hackathon page still shows the original."""
    add_staff(system, "abfall", "unit_staff", "abfallwirtschaft")
    add_staff(system, "buerger", "unit_staff", "buergeramt")
    origin = {"Origin": system.base_url}
    created = {"id": HACKATHON, "year": 2026, "title": "Sicher hackt 2026", "description": "Prüfung.",
               "criteria": [{"id": "nutzen", "name": "Nutzen", "weight": 1}]}  # fmt: skip
    async with httpx.AsyncClient(base_url=system.base_url, headers=system.admin, timeout=30) as admin:
        assert (await admin.post("/api/v1/hackathons", json=created)).status_code == 201
        assert (await admin.post(f"{API}/phase", json={"phase": "challenges_sammeln"})).status_code == 200
    abfall, buerger = await sign_in(system, "abfall"), await sign_in(system, "buerger")
    try:
        original = challenge("abfallwirtschaft", "Abfallkalender", "https://opendata.musterstadt.de/abfall")
        posted = await abfall.put(f"{API}/challenges/abfallkalender", json=original, headers=origin)
        assert posted.status_code == 200 and posted.json()["revision"] == 1, posted.text

        hijack = challenge("buergeramt", "Gekapert", "https://evil.example/phish")
        taken = await buerger.put(f"{API}/challenges/abfallkalender", json=hijack, headers=origin)
        assert taken.status_code == 403, taken.text
        assert taken.headers["content-type"] == "application/problem+json"
        assert "Organisationseinheiten" in taken.json()["title"]
        # Nor under the owner's unit name, nor as a new challenge of another unit.
        as_owner = await buerger.put(f"{API}/challenges/abfallkalender", json=original | {"title": "Gekapert"},
                                     headers=origin)  # fmt: skip
        assert as_owner.status_code == 403
        foreign = await buerger.put(f"{API}/challenges/neue-abfall-challenge", json=original, headers=origin)
        assert foreign.status_code == 403
        # A token that may read hackathons may not post challenges.
        reader = await system.token("hackathons.read")
        assert (await buerger.put(f"{API}/challenges/x", json=hijack, headers=reader)).status_code == 403
        # The own unit's challenge is fine.
        own = challenge("buergeramt", "Termine ohne Warten", "https://opendata.musterstadt.de/termine")
        assert (await buerger.put(f"{API}/challenges/termine", json=own, headers=origin)).status_code == 200

        public = (await httpx.AsyncClient(base_url=system.base_url).get(API)).json()
        shown = {c["challenge_id"]: c for c in public["challenges"]}
        assert shown["abfallkalender"]["title"] == "Abfallkalender"
        assert shown["abfallkalender"]["org_unit"] == "abfallwirtschaft" and shown["abfallkalender"]["revision"] == 1
        assert shown["abfallkalender"]["data_links"] == ["https://opendata.musterstadt.de/abfall"]
        assert "neue-abfall-challenge" not in shown and "x" not in shown
        page = await httpx.AsyncClient(base_url=system.base_url).get(f"/hackathons/{HACKATHON}")
        assert "evil.example" not in page.text and "Gekapert" not in page.text
    finally:
        await abfall.aclose()
        await buerger.aclose()


async def login(client: httpx.AsyncClient, system: System, username: str, password: str) -> httpx.Response:
    return await client.post("/console/login", data={"username": username, "password": password},
                             headers={"Origin": system.base_url})  # fmt: skip


async def test_finding_2_a_login_flood_is_throttled_and_typed_names_are_not_logged(system: System) -> None:
    """Wrong passwords for an administrator in a row: the fifth locks the name (429, Retry-After, even for the
    right password), and after ten attempts this client is refused for any name; names that are no account (often
    a password typed into the wrong field) never reach the append-only audit log."""
    add_staff(system, "flut-admin", "administrator")
    async with httpx.AsyncClient(base_url=system.base_url, timeout=30) as client:
        started = time.monotonic()
        answers = [await login(client, system, "flut-admin", f"falsch-{n}") for n in range(6)]
        assert [a.status_code for a in answers] == [401] * 5 + [429]
        assert "Zu viele fehlgeschlagene Anmeldungen für dieses Konto" in answers[-1].text
        assert 1 <= int(answers[-1].headers["retry-after"]) <= 60
        right = await login(client, system, "flut-admin", PASSWORD)
        assert right.status_code == 429  # locked: not even checked

        pasted = "Sommer2026!MeinGeheimesPasswort"
        names = [pasted, "niemand-0", "niemand-1"]
        further = [await login(client, system, name, "falsch") for name in names]
        assert [a.status_code for a in further] == [401] * 3  # ten attempts from this client so far
        # The client's quota (ten at once, five more a minute) is used up, but for what refilled meanwhile: every
        # refused answer takes a second, more on a busy machine.
        extra = 0
        while (blocked := await login(client, system, f"noch-jemand-{extra}", "falsch")).status_code == 401:
            extra += 1
            assert extra <= 1 + (time.monotonic() - started) * 5 / 60, "the client's quota never ran out"
        assert blocked.status_code == 429 and "von diesem Anschluss" in blocked.text

    failed = await fetch(system, "SELECT actor, detail::text AS detail FROM audit_log WHERE action = 'login_failed'")
    assert len(failed) == 8 + extra  # the checked passwords: five for the locked name, the others for no account
    assert {r["actor"] for r in failed} == {"flut-admin", "(unbekannt)"}
    logged = " ".join(f"{r['actor']} {r['detail']}" for r in await fetch(system, "SELECT * FROM audit_log"))
    assert pasted not in logged and "niemand-0" not in logged
    assert not await fetch(system, "SELECT 1 FROM audit_log WHERE detail::text LIKE '%falsch%'")

    # Eight guesses at the same moment from eight addresses: each attempt is counted before its password is
    # checked, so no more than five are checked, whatever the timing.
    add_staff(system, "flut-zwei", "administrator")
    async with httpx.AsyncClient(base_url=system.base_url, timeout=30) as client:

        async def guess(n: int) -> int:
            form = {"username": "flut-zwei", "password": f"falsch-{n}"}
            own_address = {"Origin": system.base_url, "X-Forwarded-For": f"203.0.113.{n}"}
            answer = await client.post("/console/login", data=form, headers=own_address)
            return answer.status_code

        statuses = sorted(await asyncio.gather(*(guess(n) for n in range(8))))
    assert statuses == [401] * 5 + [429] * 3, statuses
    checked = await fetch(system, "SELECT 1 FROM audit_log WHERE action = 'login_failed' AND actor = 'flut-zwei'")
    assert len(checked) == 5


async def test_finding_3_a_nul_byte_is_a_clear_refusal_not_a_server_error(system: System) -> None:
    async with httpx.AsyncClient(base_url=system.base_url, timeout=30) as client:
        form = await client.post("/console/login", content=b"username=a%00&password=x",
                                 headers={"Origin": system.base_url,
                                          "Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
        assert form.status_code == 400 and "Nullzeichen" in form.text
        assert (await client.get("/console/inbox", params={"q": "a\x00b"})).status_code == 400
        body = {"event_id": str(uuid.uuid4()), "site": "abfall", "page_url": "https://abfall.musterstadt.de/sperrmuell",
                "rating": 2, "comment": "Hallo\x00Welt"}  # fmt: skip
        feedback = await client.post("/api/v1/feedback", json=body)
        assert feedback.status_code == 400 and feedback.headers["content-type"] == "application/problem+json"
        api = await client.put("/api/v1/staff/surveys/x", json={"definition": "\x00"}, headers=system.admin)
        assert api.status_code == 400 and api.json()["type"] == "/problems/nul-character"
    assert not await fetch(system, "SELECT 1 FROM audit_log WHERE action = 'login_failed'")  # never got that far


async def test_inputs_that_were_server_errors_are_clear_refusals(system: System) -> None:
    """Found by the fuzzer and the review: half a surrogate pair, days outside any period, a URL prefix ending in
    the last code point, a score in superscript digits. Each is a 4xx (or a plain answer), never a 500."""
    add_staff(system, "rand-admin", "administrator")
    admin = await sign_in(system, "rand-admin")
    try:
        half = await admin.post("/api/v1/hackathons/x/participants/confirm", content=b'{"token":"\\ud800"}',
                                headers={"Content-Type": "application/json"})  # fmt: skip
        assert half.status_code == 400 and half.json()["type"] == "/problems/invalid-character"
        for params in ({"from": "0001-01-01", "to": "0001-01-02"}, {"to": "9999-12-31"}):
            assert (await admin.get("/console/", params=params)).status_code == 422
            assert (await admin.get("/console/inbox", params=params)).status_code == 422
        assert (
            await admin.get("/api/v1/metrics/pages", params={"url_prefix": "https://a\U0010ffff"})
        ).status_code == 200
        assert (await admin.get("/api/v1/metrics/pages", params={"from": "0001-01-01T00:00:00Z"})).status_code == 422
        assert (
            await admin.get("/api/v1/metrics/open-data/satisfaction.csv?from=0000-01&to=0000-01")
        ).status_code == 422
        budget = await admin.put(
            "/api/v1/hackathons/budgets/0", json={"amount_cents": 1}, headers={"Origin": system.base_url}
        )
        assert budget.status_code == 422
    finally:
        await admin.aclose()


async def announce(system: System, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
    """Send a request announcing ``body``'s length but none of it (the refusal must come from the announcement
    alone, and the server closes with nothing unread, so no reset can swallow its answer); (status, body)."""
    host, port = system.base_url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    try:
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        writer.write(f"{method} {path} HTTP/1.1\r\nHost: {host}:{port}\r\n{head}Content-Length: {len(body)}\r\n"
                     f"Connection: close\r\n\r\n".encode())  # fmt: skip
        await writer.drain()
        response = await asyncio.wait_for(reader.read(), 30)  # until the server closes
    finally:
        writer.close()
    status_line, _, rest = response.partition(b"\r\n")
    return int(status_line.split()[1]), rest.partition(b"\r\n\r\n")[2]


async def test_finding_4_and_11_bodies_and_headers_are_limited_before_they_are_read(system: System) -> None:
    megabyte = b"a=" + b"x" * 1_000_000
    async with httpx.AsyncClient(base_url=system.base_url, timeout=30) as client:
        form = {"Origin": system.base_url, "Content-Type": "application/x-www-form-urlencoded"}
        # A body announced too large is refused before any of it is read (a raw connection that sends none:
        # sending it all would race the server's close).
        status, body = await announce(system, "POST", "/console/login", form, megabyte)
        assert status == 413 and "zu groß" in body.decode()

        # Without Content-Length (chunked): refused as soon as the body grows beyond the limit, while reading.
        host, port = system.base_url.removeprefix("http://").split(":")
        reader, writer = await asyncio.open_connection(host, int(port))
        writer.write(
            f"POST /console/login HTTP/1.1\r\nHost: {host}:{port}\r\nOrigin: {system.base_url}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n".encode()
        )
        for _ in range(8):  # 80 KB, more than the console's 64 KB, in chunks of 10 KB
            writer.write(b"2710\r\n" + b"x" * 10_000 + b"\r\n")
        await writer.drain()
        status_line = await asyncio.wait_for(reader.readline(), 30)
        writer.close()
        assert status_line.startswith(b"HTTP/1.1 413"), status_line
        status, body = await announce(system, "PUT", "/api/v1/staff/surveys/x",
                                      system.admin | {"Content-Type": "application/json"},
                                      b'{"a":"' + b"x" * 300_000 + b'"}')  # fmt: skip
        assert status == 413 and json.loads(body)["type"] == "/problems/payload-too-large"
        challenge_text = {"definition": {"id": "x"}, "pad": "x" * 100_000}  # over 64 KB, under the survey limit
        assert (
            await client.put("/api/v1/staff/surveys/x", json=challenge_text, headers=system.admin)
        ).status_code == 422

        huge = {"X-Padding": "x" * 70_000}
        feedback = await client.post("/api/v1/feedback", json={}, headers=huge)
        assert feedback.status_code == 431
        assert (await client.get("/healthz", headers=huge)).status_code == 431
        assert (await client.get("/healthz")).status_code == 200


async def test_finding_11_the_nil_uuid_is_no_event_id(system: System) -> None:
    async with httpx.AsyncClient(base_url=system.base_url, timeout=30) as client:
        for nil in ("00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff"):
            body = {"event_id": nil, "site": "abfall", "page_url": "https://abfall.musterstadt.de/sperrmuell",
                    "rating": 2}  # fmt: skip
            answer = await client.post("/api/v1/feedback", json=body)
            assert answer.status_code == 422, answer.text
            assert "event_id" in {e["field"] for e in answer.json()["errors"]}


@pytest.fixture
async def strict_limits(settings: Settings, tmp_path: Path) -> AsyncIterator[System]:
    """The system with a tiny per-client quota: two submissions, then a wait."""
    async with running(settings, tmp_path / "logs", rate_limit_burst=2, rate_limit_per_minute=0.5) as s:
        yield s


async def test_finding_5_behind_the_trusted_proxy_each_citizen_has_a_bucket_and_https_works(
    strict_limits: System,
) -> None:
    """The test client is the trusted proxy here (127.0.0.1, the default STADTSTIMME_FORWARDED_ALLOW_IPS): the
    addresses it forwards count as clients of their own, and a console POST made over https with the https Origin
    is accepted."""
    system = strict_limits

    def feedback() -> dict[str, Any]:
        return {"event_id": str(uuid.uuid4()), "site": "abfall", "page_url": "https://abfall.musterstadt.de/sperrmuell",
                "rating": 4}  # fmt: skip

    async with httpx.AsyncClient(base_url=system.base_url, timeout=30) as proxy:
        first = {"X-Forwarded-For": "203.0.113.7"}
        second = {"X-Forwarded-For": "198.51.100.9"}
        statuses = [(await proxy.post("/api/v1/feedback", json=feedback(), headers=first)).status_code for _ in "abc"]
        assert statuses == [202, 202, 429]  # the first citizen used up their own quota …
        assert (await proxy.post("/api/v1/feedback", json=feedback(), headers=second)).status_code == 202  # … only

        add_staff(system, "https-admin", "administrator")
        host = system.base_url.removeprefix("http://")
        over_https = {"X-Forwarded-Proto": "https", "Origin": f"https://{host}"}
        signed = await proxy.post("/console/login", data={"username": "https-admin", "password": PASSWORD},
                                  headers=over_https)  # fmt: skip
        assert signed.status_code == 303 and signed.headers["location"] == "/console/", signed.text
        assert "__Host-" not in signed.headers["set-cookie"]  # the cookie's name follows the configured base URL


async def test_finding_10_unit_staff_do_not_read_digests_that_carry_other_units_items(system: System) -> None:
    conn = await asyncpg.connect(system.settings.database_url)
    try:
        deliveries = {"own": ["abfallwirtschaft"], "mixed": ["abfallwirtschaft", "buergeramt"], "none": [None]}
        ids = {}
        for name, units in deliveries.items():
            ids[name] = uuid.uuid4()
            await conn.execute(
                """INSERT INTO notification_delivery (id, receiver, route, group_key, subject, notifications, status,
                       attempts, next_attempt_at) VALUES ($1, 'pr', 'root', $2, $2, $3, 'pending', 0, now())""",
                ids[name], name, len(units),
            )  # fmt: skip
            for unit in units:
                labels = {"unit": unit} if unit else {}
                await conn.execute(
                    """INSERT INTO notification (id, event_id, receiver, route, group_key, labels, message, created_at,
                           due_at, delivery_id) VALUES ($1, $2, 'pr', 'root', $3, $4::jsonb, '{}', now(), now(), $5)""",
                    uuid.uuid4(), uuid.uuid4(), name, json.dumps(labels), ids[name],
                )  # fmt: skip
        seen = {r["id"] for r in await outbox.delivery_log(conn, frozenset({"abfallwirtschaft"}))}
        assert seen == {ids["own"]}
        everything = {r["id"] for r in await outbox.delivery_log(conn, None)}
        assert everything == set(ids.values())
    finally:
        await conn.close()
    add_staff(system, "abfall-log", "unit_staff", "abfallwirtschaft")
    staff = await sign_in(system, "abfall-log")
    try:
        items = (await staff.get("/api/v1/staff/notifications")).json()["items"]
        assert [i["subject"] for i in items] == ["own"]
        page = await staff.get("/console/notifications")
        assert "mixed" not in page.text
    finally:
        await staff.aclose()


async def test_api_tokens_are_scoped_hashed_revocable_and_expire(system: System) -> None:
    """Tokens made by the command line: the secret is never stored, a token reads only its scopes, a revoked or
    expired one is refused, and every use is attributed to its name."""
    import subprocess

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return system.cli("tokens", *args)

    made = cli("create", "open-data-portal", "--scope", "figures.read")
    assert made.returncode == 0, made.stderr
    secret = made.stdout.strip()
    assert secret.startswith("sst_") and len(secret) > 40
    assert cli("create", "kaputt", "--scope", "everything").returncode == 2
    stored = await fetch(system, "SELECT token_sha256, scopes FROM api_token WHERE name = 'open-data-portal'")
    assert stored[0]["scopes"] == ["figures.read"] and secret.encode() not in bytes(stored[0]["token_sha256"])
    bearer = {"Authorization": f"Bearer {secret}"}
    async with httpx.AsyncClient(base_url=system.base_url, timeout=30) as client:
        assert (await client.get("/api/v1/metrics/org-units", headers=bearer)).status_code == 200
        for path in ("/api/v1/staff/surveys", "/api/v1/staff/notifications"):
            assert (await client.get(path, headers=bearer)).status_code == 403
        listed = cli("list")
        assert "open-data-portal\tactive\tfigures.read" in listed.stdout and secret not in listed.stdout
        rotated = cli("rotate", "open-data-portal")
        assert rotated.returncode == 0
        assert (await client.get("/api/v1/metrics/org-units", headers=bearer)).status_code == 401
        bearer = {"Authorization": f"Bearer {rotated.stdout.strip()}"}
        assert (await client.get("/api/v1/metrics/org-units", headers=bearer)).status_code == 200
        assert cli("revoke", "open-data-portal").returncode == 0
        assert (await client.get("/api/v1/metrics/org-units", headers=bearer)).status_code == 401
        short = await system.token("figures.read")
        await fetch(system, "UPDATE api_token SET expires_at = now() - interval '1 second' WHERE revoked_at IS NULL "
                            "AND name LIKE 'test-%' AND scopes = '{figures.read}'")  # fmt: skip
        assert (await client.get("/api/v1/metrics/org-units", headers=short)).status_code == 401
    actors = {r["actor"] for r in await fetch(system, "SELECT actor FROM audit_log WHERE action LIKE 'token_%'")}
    assert actors and all(a.startswith("cli") for a in actors)
