"""The notifier on the real system: feedback through the public API, Kafka, the notifier process with a routing
file, PostgreSQL outbox, and webhook receivers on loopback that verify Standard Webhooks signatures. Grouping,
the accessibility default, a receiver answering 429 then 200, one that always fails (dead letter), and a
notifier killed mid-delivery that sends the same message again under the same id and loses nothing."""

from __future__ import annotations

import asyncio
import base64
import json
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from aiohttp import web

from services.notifier.channels import verify_webhook
from shared.settings import Settings
from stadtstimme.infra import free_port
from tests.integration.system import System
from tests.integration.test_console import add_staff, sign_in

SECRET = "whsec_" + base64.b64encode(b"stadtstimme-test-secret-32-bytes!").decode()
SPERRMUELL = "https://abfall.musterstadt.de/sperrmuell"
FREIBAD = "https://www.baeder-musterstadt.de/freibad"


class Receivers:
    """Webhook endpoints on loopback: /<name> records verified messages; behaviour per name can be set."""

    def __init__(self) -> None:
        self.port = free_port()
        self.got: dict[str, list[dict[str, Any]]] = {}
        self.plan: dict[str, list[int]] = {}  # status codes to answer first, then 200
        self.slow: dict[str, float] = {}  # seconds to stall the next request

    async def handle(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        body = await request.read()
        if not verify_webhook(SECRET, request.headers, body):
            return web.Response(status=401)
        if self.slow.get(name):
            await asyncio.sleep(self.slow.pop(name))
        planned = self.plan.get(name)
        if planned:
            status = planned.pop(0)
            if status != 200:
                headers = {"Retry-After": "1"} if status == 429 else {}
                return web.Response(status=status, headers=headers)
        self.got.setdefault(name, []).append({"id": request.headers["webhook-id"], **json.loads(body)})
        return web.Response(status=204)

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/{name}"


@pytest.fixture
async def receivers() -> AsyncIterator[Receivers]:
    r = Receivers()
    app = web.Application()
    app.router.add_post("/{name}", r.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", r.port).start()
    yield r
    await runner.cleanup()


def routing(r: Receivers, group_wait: str = "2s") -> str:
    def hook(name: str) -> dict[str, Any]:
        return {"name": name, "channel": {"type": "webhook", "url": r.url(name), "secret_env": "HOOK"}}

    return json.dumps(
        {
            "accessibility_officer": "barrierefreiheit",
            "receivers": [
                hook("pr-team"),
                hook("barrierefreiheit"),
                {**hook("abfall"), "include_text": True},
                hook("kaputt"),
            ],
            "route": {
                "receiver": "pr-team",
                "group_by": ["type", "unit"],
                "group_wait": group_wait,
                "group_interval": "1s",
                "routes": [
                    {"name": "abfall", "matchers": ["unit = abfallwirtschaft"], "receiver": "abfall"},
                    {"name": "bauen", "matchers": ["unit = bauamt"], "receiver": "kaputt"},
                ],
            },
        }
    )  # fmt: skip  (JSON is YAML)


async def until(check: Any, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.2)


async def post(system: System, page: str, site: str, **fields: Any) -> None:
    body = {"event_id": str(uuid.uuid4()), "site": site, "page_url": page, "elapsed_ms": 20_000, **fields}
    async with httpx.AsyncClient(base_url=system.base_url) as client:
        assert (await client.post("/api/v1/feedback", json=body)).status_code == 202


async def test_routed_grouped_retried_dead_lettered_and_crash_safe(
    system: System, receivers: Receivers, tmp_path: Path
) -> None:
    config = tmp_path / "notifier.yaml"
    # Long enough that both comments are in the group however the notifier's partitions are fetched on a busy machine
    # (with 2 s, CI once saw the second comment start a group of its own).
    config.write_text(routing(receivers, group_wait="6s"))
    fast = {"notifier_lease_s": 3, "notifier_max_attempts": 3, "notifier_backoff_s": 0.3, "notifier_poll_s": 0.2}
    system.settings = system.settings.model_copy(update=fast)
    system.start_notifier(config, {"HOOK": SECRET})
    conn = await asyncpg.connect(system.settings.database_url)
    try:
        # The notifier starts at the end of the topic: wait until it has stored its positions.
        await until(lambda: conn.fetchval("SELECT count(*) > 0 FROM consumer_offset WHERE consumer = 'notifier'"))
        receivers.plan["pr-team"] = [429]  # the first attempt is refused with Retry-After: 1
        receivers.plan["kaputt"] = [500] * 10  # always fails
        await post(system, SPERRMUELL, "abfall", rating=1, comment="Termin nicht buchbar")
        await post(system, SPERRMUELL, "abfall", rating=2, comment="Formular bricht ab")
        await post(system, SPERRMUELL, "abfall", rating=5)  # no text: no notification
        await post(system, FREIBAD, "baeder", category="accessibility_barrier", comment="Kein Alternativtext")
        await post(system, "https://www.musterstadt.de/bauen/bauantrag", "portal", comment="Formular fehlt")
        await post(system, SPERRMUELL, "abfall", comment="Bot", website="http://spam.example")  # flagged: nothing

        await until(lambda: _count(receivers, "abfall", "barrierefreiheit", "pr-team"), timeout=40)
        # Two comments within the group wait: one message, with the citizens' texts (include_text).
        got = [(m["type"], m["data"]["subject"]) for m in receivers.got["abfall"]]
        assert len(got) == 1, got
        (abfall,) = receivers.got["abfall"]
        assert abfall["type"] == "comment.new" and "2 neue Meldungen" in abfall["data"]["subject"], got
        assert any("Termin nicht buchbar" in item for item in abfall["data"]["items"])
        # The barrier report: to the accessibility officer by default, and on to the root route (Bäder).
        (barrier,) = receivers.got["barrierefreiheit"]
        assert barrier["type"] == "accessibility.barrier" and "Kein Alternativtext" not in json.dumps(barrier)
        (pr,) = receivers.got["pr-team"]  # after one 429: retried, delivered once
        assert pr["type"] == "accessibility.barrier"

        # The always failing receiver: three attempts, then a dead letter staff can see.
        await until(lambda: conn.fetchval("SELECT count(*) = 1 FROM notification_delivery WHERE status = 'dead'"))
        dead = await conn.fetchrow("SELECT receiver, attempts, last_error FROM notification_delivery "
                                   "WHERE status = 'dead'")  # fmt: skip
        assert dead["receiver"] == "kaputt" and dead["attempts"] == 3 and "500" in dead["last_error"]

        # Killed mid-delivery: the receiver stalls, the notifier dies, its lease runs out, a new notifier sends
        # the same message again under the same id; nothing is lost, nothing new is invented.
        receivers.slow["abfall"] = 4
        await post(system, SPERRMUELL, "abfall", rating=1, comment="Wieder kaputt")
        await until(lambda: conn.fetchval("SELECT count(*) = 1 FROM notification_delivery WHERE receiver = "
                                          "'abfall' AND status = 'pending' AND lease_until IS NOT NULL"))  # fmt: skip
        system.kill("notifier")
        await asyncio.sleep(4.5)  # the stalled request completes at the receiver after the kill
        system.start_notifier(config, {"HOOK": SECRET})
        await until(lambda: conn.fetchval("SELECT count(*) = 0 FROM notification_delivery WHERE status = 'pending'"))
        ids = [m["id"] for m in receivers.got["abfall"]]
        assert len(set(ids)) == 2 and len(ids) in (2, 3)  # at most the one repeat, under the same webhook-id
        rows = await conn.fetch("SELECT receiver, status, notifications FROM notification_delivery")
        assert sorted(tuple(r) for r in rows) == [("abfall", "sent", 1), ("abfall", "sent", 2),
                                                  ("barrierefreiheit", "sent", 1), ("kaputt", "dead", 1),
                                                  ("pr-team", "sent", 1)]  # fmt: skip

        # The delivery log: in the API (scoped: the Abfallwirtschaft's staff see their deliveries only) and in
        # the console; a dead letter sent again by an administrator fails again and is given up again.
        async with httpx.AsyncClient(base_url=system.base_url, timeout=30) as client:
            # The metrics token reads figures, not the delivery log (finding 10); a notifications.read token does.
            assert (await client.get("/api/v1/staff/notifications", headers=system.auth)).status_code == 403
            reader = await system.token("notifications.read")
            log = (await client.get("/api/v1/staff/notifications", headers=reader)).json()["items"]
            assert {(i["receiver"], i["status"]) for i in log} == {("abfall", "sent"), ("barrierefreiheit", "sent"),
                                                                   ("kaputt", "dead"), ("pr-team", "sent")}  # fmt: skip
            dead_id = next(i["id"] for i in log if i["status"] == "dead")
            retry = f"/api/v1/staff/notifications/{dead_id}/retry"
            assert (await client.post(retry, headers=reader)).status_code == 403  # a token that only reads
            assert (await client.post(retry, headers=system.admin)).status_code == 202
        await until(lambda: conn.fetchval("SELECT attempts = 3 AND status = 'dead' FROM notification_delivery "
                                          "WHERE receiver = 'kaputt'"))  # fmt: skip
        add_staff(system, "abfall", "unit_staff", "abfallwirtschaft")
        staff = await sign_in(system, "abfall")
        try:
            own = (await staff.get("/api/v1/staff/notifications")).json()["items"]
            assert own and {i["receiver"] for i in own} == {"abfall"}
            page = await staff.get("/console/notifications")
            assert page.status_code == 200 and "kaputt" not in page.text and "gesendet" in page.text
            assert (await staff.post(f"/console/notifications/{dead_id}/retry",
                                     headers={"Origin": system.base_url})).status_code == 403  # fmt: skip
        finally:
            await staff.aclose()
    finally:
        await conn.close()


async def _count(r: Receivers, *names: str) -> bool:
    return all(r.got.get(n) for n in names)


async def test_per_receiver_rate_limit_postpones_and_drops_nothing(settings: Settings) -> None:
    from datetime import UTC, datetime, timedelta

    from services.notifier import outbox
    from shared.db import migrate_url

    await migrate_url(settings.database_url)
    conn = await asyncpg.connect(settings.database_url)
    try:
        now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
        for minutes_ago in (50, 20, 5):  # three messages in the last hour
            await conn.execute(
                """INSERT INTO notification_delivery (id, receiver, route, group_key, subject, notifications, status,
                       attempts, next_attempt_at, sent_at) VALUES ($1, 'presse', 'root', 'g', 's', 1, 'sent', 1, $2,
                       $2)""",
                uuid.uuid4(), now - timedelta(minutes=minutes_ago),
            )  # fmt: skip
        waiting = uuid.uuid4()
        await conn.execute(
            """INSERT INTO notification_delivery (id, receiver, route, group_key, subject, notifications, status,
                   attempts, next_attempt_at) VALUES ($1, 'presse', 'root', 'g', 's', 1, 'pending', 1, $2)""",
            waiting, now,
        )  # fmt: skip
        assert not await outbox.postpone_if_over_limit(conn, waiting, "presse", 4, now)  # 3 of 4: goes out
        assert await outbox.postpone_if_over_limit(conn, waiting, "presse", 3, now)
        row = await conn.fetchrow("SELECT status, attempts, next_attempt_at FROM notification_delivery WHERE id = $1",
                                  waiting)  # fmt: skip
        # When the oldest of the three is an hour old; the attempt does not count, the delivery still waits.
        assert (row["status"], row["attempts"], row["next_attempt_at"]) == ("pending", 0, now + timedelta(minutes=10))
    finally:
        await conn.close()
