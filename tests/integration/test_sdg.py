"""The SDG/NFK monthly transfer on the real system (issue 19), against a local receiver that answers like an upload
interface and fails twice for each new transfer before it takes it: the projector worker's monthly job builds and
delivers last month's transfer by itself; a month with feedback on SDG and other pages (a response in two parts,
free text, English) gives exactly the expected records and no free text, delivered once despite the failures;
a re-send is the same bytes under the same transfer id; a refusing receiver ends the run as failed (the event the
notifier alerts on); the stored transfer cannot be changed. The console's page of transfers and their delivery log
(administrators only, axe in every state)."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import httpx
import orjson
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from playwright.async_api import Browser
from pydantic import SecretStr

from services.analytics import reports, sdg, sdg_domain
from shared.contracts.envelope import decode_envelope
from shared.contracts.topics import EVENT_TYPES, SDG, topic_name
from shared.db import create_pool
from shared.kafka import start_producer
from shared.settings import Settings
from tests.integration.conftest import BROWSER_ONCE, running
from tests.integration.system import System
from tests.integration.test_console import add_staff, sign_in, sign_in_page
from tests.integration.test_console_browser import axe

TOKEN = "nfk-upload-token-0123456789"
SECRET = "Zauberwort-Kolibri"  # free text that must never leave
PORTAL, SERVICE = "https://www.musterstadt.de", "https://serviceportal.musterstadt.de"


class Receiver:
    """A local upload interface: the right bearer token or 401; the first ``failures`` requests of each transfer id
    (``Idempotency-Key``) answered 503; then 200, keeping each transfer id's body once (it deduplicates)."""

    def __init__(self, failures: int = 2) -> None:
        self.failures = failures
        self.refuse = False
        self.requests: list[dict[str, Any]] = []
        self.accepted: dict[str, bytes] = {}
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                key = self.headers.get("Idempotency-Key", "")
                receiver.requests.append({"key": key, "body": body, "headers": dict(self.headers)})
                if receiver.refuse or self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    return self.answer(401)
                if sum(r["key"] == key for r in receiver.requests) <= receiver.failures:
                    return self.answer(503)
                receiver.accepted.setdefault(key, body)
                self.answer(200)

            def answer(self, status: int) -> None:
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/nfk/upload"

    @contextlib.contextmanager
    def serving(self) -> Iterator[Receiver]:
        thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.server.shutdown()
            self.server.server_close()
            thread.join(10)

    def of(self, transfer_id: uuid.UUID) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["key"] == str(transfer_id)]


async def fetch(system: System, query: str, *args: Any) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(system.settings.database_url)
    try:
        return list(await conn.fetch(query, *args))
    finally:
        await conn.close()


async def wait_status(system: System, month: date, status: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = await fetch(system, "SELECT status FROM sdg_transfer_status WHERE month = $1", month)
        if rows and rows[0]["status"] == status:
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"the SDG transfer of {month:%Y-%m} was not {status!r} within {timeout} s")


async def sdg_events(settings: Settings) -> list[tuple[str, dict[str, Any]]]:
    """(type, data) of every event on the SDG topic, in order."""
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.kafka_bootstrap_servers, enable_auto_commit=False)
    await consumer.start()
    try:
        topic = topic_name(SDG, settings.topic_prefix)
        parts = [TopicPartition(topic, p) for p in range(settings.topic_partitions)]
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        ends = await consumer.end_offsets(parts)
        found: list[tuple[str, dict[str, Any]]] = []
        deadline = time.monotonic() + 30
        while [p for p in parts if await consumer.position(p) < ends[p]]:
            assert time.monotonic() < deadline, "the SDG topic was not read to its end"
            for records in (await consumer.getmany(timeout_ms=500)).values():
                for record in records:
                    assert record.value is not None
                    envelope, data = decode_envelope(record.value, EVENT_TYPES)
                    found.append((envelope.type, data.model_dump(mode="json")))
        return found
    finally:
        await consumer.stop()


async def post(client: httpx.AsyncClient, body: dict[str, Any]) -> None:
    answer = await client.post("/api/v1/feedback", json=body)
    assert answer.status_code == 202, answer.text


@pytest.fixture
async def nfk(settings: Settings, tmp_path: Path) -> Any:
    with Receiver().serving() as receiver:
        # retention_interval_s: the monthly jobs look again every 2 s while the projections catch up
        changes = {"sdg_upload_url": receiver.url, "sdg_upload_token": SecretStr(TOKEN), "sdg_upload_retry_s": 0.05,
                   "retention_interval_s": 2}  # fmt: skip
        async with running(settings, tmp_path / "logs", **changes) as system:
            yield system, receiver


async def test_a_months_sdg_transfer_is_built_stored_and_delivered_once(nfk: tuple[System, Receiver]) -> None:
    system, receiver = nfk
    zone = ZoneInfo(system.settings.timezone)
    # The worker's monthly job: last month is over, so its transfer (nothing in it: the database is new) is built,
    # stored and delivered, the receiver's two failures retried.
    last = reports.due_month(datetime.now(zone))
    assert last is not None
    await wait_status(system, last, "delivered")
    last_id = sdg_domain.transfer_id(last)
    assert [r["key"] for r in receiver.of(last_id)] == [str(last_id)] * 3
    assert orjson.loads(receiver.accepted[str(last_id)])["records"] == []

    # This month: SDG pages (a page's own marks, a section's, an assistance page) and pages that are not.
    today = datetime.now(zone).date()
    ids = {name: str(uuid.uuid4()) for name in ("ummelden", "two_parts", "ausweis", "online", "hilfe", "text_only",
                                                "termine", "parken", "strom")}  # fmt: skip
    async with httpx.AsyncClient(base_url=system.base_url, timeout=30) as client:
        await post(client, {"event_id": ids["ummelden"], "site": "portal", "page_url": f"{PORTAL}/buergeramt/ummelden",
                            "helpful": False, "rating": 2})  # fmt: skip
        await post(client, {"event_id": ids["two_parts"], "site": "portal",
                            "page_url": f"{PORTAL}/buergeramt/ummelden", "helpful": True})  # fmt: skip
        await post(client, {"event_id": str(uuid.uuid4()), "response_id": ids["two_parts"], "site": "portal",
                            "page_url": f"{PORTAL}/buergeramt/ummelden", "rating": 4, "comment": f"{SECRET} gut",
                            "suggestion": f"Mehr {SECRET}"})  # fmt: skip
        await post(client, {"event_id": ids["ausweis"], "site": "portal", "language": "en",
                            "page_url": f"{PORTAL}/buergeramt/personalausweis", "rating": 5})  # fmt: skip
        await post(client, {"event_id": ids["online"], "site": "serviceportal",
                            "page_url": f"{SERVICE}/ummelden/bestaetigung", "helpful": True})  # fmt: skip
        await post(client, {"event_id": ids["hilfe"], "site": "serviceportal", "page_url": f"{SERVICE}/hilfe",
                            "rating": 1, "comment": SECRET})  # fmt: skip
        await post(client, {"event_id": ids["text_only"], "site": "portal", "comment": SECRET,
                            "page_url": f"{PORTAL}/buergeramt/ummelden"})  # fmt: skip  # nothing comparable
        await post(client, {"event_id": ids["termine"], "site": "portal", "page_url": f"{PORTAL}/buergeramt/termine",
                            "helpful": True, "rating": 3})  # fmt: skip
        await post(client, {"event_id": ids["parken"], "site": "portal", "page_url": f"{PORTAL}/ordnung/parken",
                            "helpful": False})  # fmt: skip
        await post(client, {"event_id": ids["strom"], "site": "stadtwerke", "rating": 4,
                            "page_url": "https://www.stadtwerke-musterstadt.de/strom/tarife"})  # fmt: skip
    await system.wait_projected(10)

    pool = await create_pool(system.settings)
    producer = await start_producer(system.settings)
    try:
        # What the monthly job does once the month is over (shown above for last month), for this month.
        month = today.replace(day=1)
        stored = await sdg.store_month(pool, producer, system.settings, month, "(sdg)")
        assert stored is not None and stored.created and stored.due == sdg_domain.due_date(month)
        done = await sdg.deliver(pool, producer, system.settings, stored, "(sdg)")
        assert (done.run, done.attempts, done.delivered, done.status_code) == (1, 3, True, 200)
        transfer_id = sdg_domain.transfer_id(month)
        tries = receiver.of(transfer_id)
        assert len(tries) == 3 and len({r["body"] for r in tries}) == 1
        body = receiver.accepted[str(transfer_id)]
        assert tries[-1]["headers"]["Digest"] == f"sha-256={hashlib.sha256(body).hexdigest()}"
        assert SECRET.encode() not in b"".join(r["body"] for r in receiver.requests)

        payload = orjson.loads(body)
        assert (payload["transfer_id"], payload["month"]) == (str(transfer_id), f"{month:%Y-%m}")
        found = {(r["record_id"], r["date"], r["page_url"], r["language"], r["sdg_kind"], r["sdg_procedure"],
                  r["leika_key"], tuple((a["question_id"], a["value"]) for a in r["answers"]))
                 for r in payload["records"]}  # fmt: skip
        day, found_q, rating_q = today.isoformat(), "sdg.found-what-looking-for", "sdg.overall-rating"
        procedure, ummelden = ("procedure", "moving-address-change", "99115001018000"), f"{PORTAL}/buergeramt/ummelden"

        def record_id(name: str) -> str:
            return str(uuid.uuid5(sdg_domain._RECORDS, ids[name]))

        assert found == {
            (record_id("ummelden"), day, ummelden, "de", *procedure, ((found_q, False), (rating_q, 2))),
            (record_id("two_parts"), day, ummelden, "de", *procedure, ((found_q, True), (rating_q, 4))),
            (record_id("ausweis"), day, f"{PORTAL}/buergeramt/personalausweis", "en", "information", None,
             "99115009001000", ((rating_q, 5),)),
            (record_id("online"), day, f"{SERVICE}/ummelden/bestaetigung", "de", *procedure, ((found_q, True),)),
            (record_id("hilfe"), day, f"{SERVICE}/hilfe", "de", "assistance", None, None, ((rating_q, 1),)),
        }  # fmt: skip
        assert len(payload["records"]) == 5

        # A re-send is the same bytes under the same id (the receiver keeps one); a refusal fails the run at once.
        again = system.cli("sdg", "resend", f"{month:%Y-%m}")
        assert again.returncode == 0 and "run 2: delivered after 1 attempt(s)" in again.stdout, again.stdout
        assert receiver.of(transfer_id)[-1]["body"] == body and len(receiver.accepted) == 2
        receiver.refuse = True
        refused = await sdg.deliver(pool, producer, system.settings, stored, "(sdg)")
        assert (refused.run, refused.attempts, refused.delivered, refused.status_code) == (3, 1, False, 401)
        log = await fetch(system, "SELECT run, attempt, outcome, status_code, actor FROM sdg_delivery_attempt "
                                  "WHERE transfer_id = $1 ORDER BY run, attempt", transfer_id)  # fmt: skip
        assert [tuple(r) for r in log] == [(1, 1, "retry", 503, "(sdg)"), (1, 2, "retry", 503, "(sdg)"),
                                           (1, 3, "delivered", 200, "(sdg)"), (2, 1, "delivered", 200, "(cli)"),
                                           (3, 1, "refused", 401, "(sdg)")]  # fmt: skip
        events = [(kind, data["month"], data.get("run")) for kind, data in await sdg_events(system.settings)]
        this = f"{month:%Y-%m}"
        assert [e for e in events if e[1] == this] == [
            ("de.stadtstimme.sdg.transfer-stored", this, None), ("de.stadtstimme.sdg.transfer-delivered", this, 1),
            ("de.stadtstimme.sdg.transfer-delivered", this, 2), ("de.stadtstimme.sdg.transfer-failed", this, 3),
        ]  # fmt: skip
        audited = await fetch(system, "SELECT action FROM audit_log WHERE subject = $1 ORDER BY id", this)
        assert [r["action"] for r in audited] == ["sdg_transfer_stored", "sdg_transfer_delivered",
                                                  "sdg_transfer_delivered", "sdg_transfer_failed"]  # fmt: skip

    finally:
        await producer.stop()
        await pool.close()

    # Stored for good: the row cannot be changed or removed.
    conn = await asyncpg.connect(system.settings.database_url)
    try:
        for statement in (
            "UPDATE sdg_transfer SET records = 0",
            "DELETE FROM sdg_transfer",
            "TRUNCATE sdg_transfer CASCADE",
        ):
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await conn.execute(statement)
    finally:
        await conn.close()


@BROWSER_ONCE
async def test_the_sdg_page_lists_transfers_and_their_log_accessibly(system: System, browser: Browser) -> None:
    """Administrators only; empty, then a month delivered after two failures and an earlier one refused (overdue);
    the JSON sent is downloaded as stored; axe in every state."""
    add_staff(system, "sdg-admin", "administrator")
    add_staff(system, "sdg-unit", "unit_staff", "buergeramt")
    unit_staff = await sign_in(system, "sdg-unit")
    try:
        assert (await unit_staff.get("/console/sdg")).status_code == 403
    finally:
        await unit_staff.aclose()
    context = await browser.new_context(locale="de-DE", bypass_csp=True)  # bypass: to inject axe
    page = await context.new_page()
    await sign_in_page(page, system, "sdg-admin")
    await page.get_by_role("link", name="SDG-Übermittlung").click()
    await page.get_by_role("heading", name="SDG-Übermittlung an die NFK").wait_for()
    await page.get_by_text("Noch keine Übermittlung gespeichert.").wait_for()
    await axe(page)

    last = reports.due_month(datetime.now(ZoneInfo(system.settings.timezone)))
    assert last is not None
    before = reports.month_bounds(last)[0]
    with Receiver().serving() as receiver:
        settings = system.settings.model_copy(update={"sdg_upload_url": receiver.url, "sdg_upload_retry_s": 0.05,
                                                      "sdg_upload_token": SecretStr(TOKEN)})  # fmt: skip
        pool, producer = await create_pool(settings), await start_producer(settings)
        try:
            delivered = await sdg.store_month(pool, producer, settings, last, "(sdg)")
            refused = await sdg.store_month(pool, producer, settings, before, "(sdg)")
            assert delivered is not None and refused is not None
            assert (await sdg.deliver(pool, producer, settings, delivered, "(sdg)")).delivered
            receiver.refuse = True
            assert not (await sdg.deliver(pool, producer, settings, refused, "(sdg)")).delivered
        finally:
            await producer.stop()
            await pool.close()
    await page.reload()
    table = page.get_by_role("table", name="Übermittlungen je Monat")
    await table.wait_for()
    rows = await table.locator("tbody tr").all_inner_texts()
    assert [r.split("\t")[:3] for r in rows] == [[f"{last:%m/%Y}", "0", "zugestellt"],
                                                 [f"{before:%m/%Y}", "0", "überfällig"]]  # fmt: skip
    log = await page.locator("#sdg-log + div tbody tr").all_inner_texts()
    assert [r.split("\t")[4] for r in log] == ["abgelehnt", "angenommen", "vorübergehend gescheitert",
                                               "vorübergehend gescheitert"]  # fmt: skip
    await axe(page)
    admin = await sign_in(system, "sdg-admin")
    try:
        answer = await admin.get(f"/console/sdg/{last:%Y-%m}.json")
        assert answer.status_code == 200 and answer.content == delivered.payload
        assert (await admin.get("/console/sdg/2001-01.json")).status_code == 404
    finally:
        await admin.aclose()
    await context.close()
