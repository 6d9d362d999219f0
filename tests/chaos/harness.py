"""The chaos suite's moving parts: a steady load of feedback and survey answers (with duplicates) through a
round-robin over the ingest replicas, webhook receivers for the notifier, a monitor that measures how long the
system takes to recover from each fault, and the audit that compares what clients were told with what the read
models and the receivers hold.

Every loop here is bounded in count or time. An event belongs to the scenario in which it was first sent; answers
(503s, bad ones) to the scenario in which they came. What counts:

* acknowledged: a distinct event that got 202 at least once (a duplicate's 202 counts once);
* stored: a distinct event of the scenario in the read models (``feedback_event``, ``survey_response_event``);
* lost: acknowledged, but not stored, or stored with other figures than were sent;
* duplicated: counted more than once (the page figures, hourly and daily, against the distinct events stored);
* phantom: stored, but never acknowledged and never answered 503. A 503 means "maybe": ingest gave up waiting for
  the broker's acknowledgement (``STADTSTIMME_KAFKA_SEND_TIMEOUT_S``) but the producer may still deliver the event,
  which is why clients retry with the same ``event_id``. So an event answered 503 may be stored even if the client
  then gave up; anything else stored (never sent, or refused with another answer) is a phantom;
* notifications: every acknowledged comment reaches the receiver; "twice" means under two different
  ``webhook-id``s (a redelivery under the same id, after a notifier was killed mid-send, is what Standard Webhooks
  receivers drop; it is counted separately as a redelivery);
* answers: only 202, or 503 with ``Retry-After``; anything else (500, another status, a broken connection, a
  timeout) is counted as "bad", never as success.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import math
import random
import re
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from aiohttp import web

from services.notifier.channels import verify_webhook
from stadtstimme.infra import free_port
from tests.integration.test_notifier import SECRET
from tests.integration.test_pipeline import UNITS_BY_PAGE
from tests.integration.test_surveys import PAGE, SURVEY

REPORT: list[str] = []  # the printed tables (conftest shows them in pytest's summary)

FEEDBACK_PATH, SURVEY_PATH = "/api/v1/feedback", "/api/v1/survey-responses"
TOKEN = re.compile(r"ctk(\d+)")  # in comments: "Meldung ctk17 zur Seite" (redaction leaves it alone)
ATTEMPTS, EVENT_DEADLINE_S = 40, 90.0  # a client gives an event up after this many 503s, or this long
RETRY_CAP_S = 1.0  # a client retries after Retry-After seconds, at most this long here (ingest says 5)
REQUEST_TIMEOUT_S = 20.0  # ingest answers within its send timeout (5 s); no answer in 20 s is a bad answer


@dataclass
class Event:
    event_id: str
    kind: str  # "feedback" | "survey"
    body: dict[str, Any]
    phase: str
    token: int | None = None  # a comment's number, looked for in the notifications
    acked_at: float | None = None
    answered_503: bool = False


class RoundRobin:
    """The load balancer in front of the ingest replicas: each request to the next one."""

    def __init__(self, urls: list[str]) -> None:
        # Idle connections are dropped after 2 s, before uvicorn closes them (5 s): a request sent on a connection the
        # server is closing at that moment fails without an answer, a race of keep-alive, not of the server under test.
        limits = httpx.Limits(max_connections=64, max_keepalive_connections=32, keepalive_expiry=2.0)
        self.clients = [httpx.AsyncClient(base_url=u, timeout=REQUEST_TIMEOUT_S, limits=limits) for u in urls]
        self._turn = itertools.cycle(range(len(urls)))

    async def post(self, path: str, body: dict[str, Any]) -> httpx.Response:
        return await self.clients[next(self._turn)].post(path, json=body)

    async def aclose(self) -> None:
        for c in self.clients:
            await c.aclose()


def page_of(rng: random.Random, phase_index: int) -> tuple[str, str]:
    """A site and a page of the demo city that only this scenario's load uses (its figures are its own)."""
    (site, base), _unit = rng.choice(list(UNITS_BY_PAGE.items()))
    return site, f"{base.rstrip('/')}/lastprobe-{phase_index}-{rng.randint(1, 4)}"


class Load:
    """A steady stream of feedback parts (a fifth with a comment) and survey answers (a response's first question,
    often a second part), at ``rate`` per second, ``concurrency`` in flight at most, with duplicates: a tenth of
    the acknowledged ones sent again a little later, and one in thirty sent twice at once."""

    def __init__(self, rr: RoundRobin, rate: float, seed: int, on_ack: Callable[[Event], None]) -> None:
        self.rr, self.rate, self.rng, self.on_ack = rr, rate, random.Random(seed), on_ack
        self.phase, self.phase_index = "", 0
        self.events: dict[str, Event] = {}
        self.bad: list[tuple[str, str, str]] = []  # scenario when it came, event id, what the client got
        self.unavailable: Counter[str] = Counter()  # 503 answers per phase
        self.duplicates_sent = 0
        self._tokens = itertools.count(1)
        self._tasks: set[asyncio.Task[None]] = set()
        self._slots = asyncio.Semaphore(48)

    def new_phase(self, name: str) -> None:
        self.phase, self.phase_index = name, self.phase_index + 1

    def _feedback(self) -> Event:
        site, page = page_of(self.rng, self.phase_index)
        body: dict[str, Any] = {"event_id": str(uuid.uuid4()), "site": site, "page_url": page}
        kind = self.rng.random()
        if kind < 0.4:
            body["helpful"] = self.rng.random() < 0.7
        elif kind < 0.7:
            body["rating"] = self.rng.randint(1, 5)
        else:
            body["helpful"] = self.rng.random() < 0.5
            body["rating"] = self.rng.randint(1, 5)
        token = None
        if self.rng.random() < 0.2:
            token = next(self._tokens)
            body["comment"] = f"Meldung ctk{token} zur Seite"
        return Event(body["event_id"], "feedback", body, self.phase, token)

    def _survey_part(self, response_id: str, answers: dict[str, Any]) -> Event:
        body: dict[str, Any] = {"event_id": str(uuid.uuid4()), "response_id": response_id, "survey_id": SURVEY,
                                "version": 1, "site": "portal", "page_url": PAGE, "answers": answers,
                                "elapsed_ms": 8000}  # fmt: skip
        return Event(body["event_id"], "survey", body, self.phase)

    async def _send(self, ev: Event) -> float | None:
        """One request; None when accepted, else seconds to wait before the next attempt. Every answer other than
        202 or 503 with Retry-After is recorded as bad."""
        path = FEEDBACK_PATH if ev.kind == "feedback" else SURVEY_PATH
        try:
            response = await self.rr.post(path, ev.body)
        except httpx.HTTPError as exc:
            self.bad.append((self.phase, ev.event_id, f"{type(exc).__name__}: {exc}"[:300]))
            return 1.0
        if response.status_code == 202:
            answer = response.json()
            if answer.get("event_id") != ev.event_id or ("deletion_code" in answer) != ("comment" in ev.body):
                self.bad.append((self.phase, ev.event_id, f"202 with {answer}"[:300]))
            if ev.acked_at is None:
                ev.acked_at = time.monotonic()
                self.on_ack(ev)
            return None
        if response.status_code == 503:
            self.unavailable[self.phase] += 1
            ev.answered_503 = True
            retry = response.headers.get("retry-after", "")
            if not retry.isdigit():
                self.bad.append((self.phase, ev.event_id, f"503 without Retry-After: {response.headers}"[:300]))
                return 1.0
            return min(float(retry), RETRY_CAP_S)
        self.bad.append((self.phase, ev.event_id, f"{response.status_code}: {response.text}"[:300]))
        return 1.0

    async def deliver(self, ev: Event) -> bool:
        """Until acknowledged, like the widget: retries after a 503 (or a bad answer, which is still counted),
        ``ATTEMPTS`` times or ``EVENT_DEADLINE_S`` at most."""
        self.events[ev.event_id] = ev
        deadline = time.monotonic() + EVENT_DEADLINE_S
        concurrent = self.rng.random() < 1 / 30
        for _ in range(ATTEMPTS):
            if concurrent:  # the same event twice at once, to both replicas
                concurrent = False
                self.duplicates_sent += 1
                waits = await asyncio.gather(self._send(ev), self._send(ev))
                wait = None if None in waits else max(w or 0.0 for w in waits)
            else:
                wait = await self._send(ev)
            if wait is None or ev.acked_at is not None:
                break
            if time.monotonic() + wait > deadline:
                return False
            await asyncio.sleep(wait)
        if ev.acked_at is None:
            return False
        if self.rng.random() < 0.1:  # the answer "got lost": the client sends it again a little later
            await asyncio.sleep(self.rng.uniform(0.05, 2.0))
            self.duplicates_sent += 1
            await self._send(ev)
        return True

    async def _one(self) -> None:
        if self.rng.random() < 0.7:
            await self.deliver(self._feedback())
            return
        response_id = str(uuid.uuid4())
        first = await self.deliver(self._survey_part(response_id, {"zufrieden": self.rng.randint(1, 5)}))
        if first and self.rng.random() < 0.6:
            await self.deliver(self._survey_part(response_id, {"empfehlen": self.rng.randint(0, 10)}))

    async def run(self, stop: asyncio.Event) -> None:
        """New events at ``rate`` per second until ``stop`` (fewer while ``concurrency`` are in flight)."""
        interval = 1.0 / self.rate
        due = time.monotonic()
        while not stop.is_set():
            await self._slots.acquire()
            task = asyncio.create_task(self._one())
            self._tasks.add(task)
            task.add_done_callback(self._done)
            due = max(due + interval, time.monotonic() - 1.0)  # no burst to catch up after a stall
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), max(due - time.monotonic(), 0))

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        self._slots.release()
        if not task.cancelled() and task.exception() is not None:
            self.bad.append((self.phase, "-", f"load task failed: {task.exception()!r}"))

    async def drain(self, timeout: float = EVENT_DEADLINE_S + 2 * REQUEST_TIMEOUT_S) -> None:
        """Wait for the requests in flight (each bounded by its own deadline)."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout)


class Receivers:
    """Webhook endpoints on loopback: every signed message, with its ``webhook-id`` and the comment numbers in
    it."""

    def __init__(self, on_tokens: Callable[[str, set[int]], None]) -> None:
        self.port = free_port()
        self.messages: list[tuple[str, str, set[int]]] = []  # receiver, webhook-id, tokens
        self.unsigned = 0
        self.on_tokens = on_tokens
        self._runner: web.AppRunner | None = None

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        if not verify_webhook(SECRET, request.headers, body):
            self.unsigned += 1
            return web.Response(status=401)
        tokens = {int(n) for n in TOKEN.findall(body.decode())}
        self.messages.append((request.match_info["name"], request.headers["webhook-id"], tokens))
        self.on_tokens(request.headers["webhook-id"], tokens)
        return web.Response(status=204)

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/{name}"

    def routing(self) -> str:
        """Every comment to one receiver with its text (the comment numbers), without the default limit of 60
        messages an hour; barrier reports to the officer."""

        def hook(name: str) -> dict[str, Any]:
            return {"name": name, "channel": {"type": "webhook", "url": self.url(name), "secret_env": "HOOK"},
                    "include_text": True, "max_per_hour": 10_000}  # fmt: skip

        route = {"receiver": "alle", "group_by": ["type", "unit"], "group_wait": "1s", "group_interval": "1s"}
        receivers = [hook("alle"), hook("barrierefreiheit")]
        return json.dumps({"accessibility_officer": "barrierefreiheit", "receivers": receivers, "route": route})

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/{name}", self.handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


# Steady state, as the monitor judges it: a 202 within this long, projections and notifications this far behind.
ACK_GAP_S, LAG_S, NOTIFY_LAG_S = 1.5, 2.5, 6.0
SAMPLE_S = 0.25


@dataclass
class Monitor:
    """Samples every ``SAMPLE_S``: how long since the last 202, how far the read models are behind the oldest
    acknowledged event not yet stored, and the notifications behind the oldest acknowledged comment not yet
    received; a sample while the read models cannot be read at all is unhealthy too. ``recovery`` measures a fault's
    recovery time from these."""

    database_url: str
    progress: Path | None = None  # a line per second: what the monitor sees (for a look during a run)
    pending: dict[str, tuple[str, float]] = field(default_factory=dict)  # event id -> kind, acknowledged at
    pending_notes: dict[int, float] = field(default_factory=dict)  # comment number -> acknowledged at
    noted: set[int] = field(default_factory=set)
    last_ack: float = 0.0
    samples: list[tuple[float, bool]] = field(default_factory=list)  # time, healthy
    _conn: asyncpg.Connection | None = None

    def on_ack(self, ev: Event) -> None:
        assert ev.acked_at is not None
        self.last_ack = max(self.last_ack, ev.acked_at)
        self.pending[ev.event_id] = (ev.kind, ev.acked_at)
        if ev.token is not None and ev.token not in self.noted:
            self.pending_notes[ev.token] = ev.acked_at

    def on_tokens(self, _webhook_id: str, tokens: set[int]) -> None:
        self.noted |= tokens
        for t in tokens:
            self.pending_notes.pop(t, None)

    async def _stored(self) -> None:
        if self._conn is None or self._conn.is_closed():
            self._conn = await asyncpg.connect(self.database_url, timeout=2)
        ids = {k: [i for i, (kind, _) in self.pending.items() if kind == k] for k in ("feedback", "survey")}
        found = await self._conn.fetch(
            """SELECT event_id::text FROM feedback_event WHERE event_id = ANY($1::uuid[])
               UNION ALL SELECT event_id::text FROM survey_response_event WHERE event_id = ANY($2::uuid[])""",
            ids["feedback"],
            ids["survey"],
            timeout=5,
        )
        for row in found:
            self.pending.pop(row["event_id"], None)

    def say(self, line: str) -> None:
        if self.progress is not None:
            with self.progress.open("a") as out:
                out.write(f"{time.strftime('%H:%M:%S')} {line}\n")

    def status(self, now: float) -> str:
        lag = now - min((at for _, at in self.pending.values()), default=now)
        note_lag = now - min(self.pending_notes.values(), default=now)
        return (f"healthy={self.healthy(now)} last 202 {now - self.last_ack:.1f} s ago; {len(self.pending)} not "
                f"stored yet (oldest {lag:.1f} s); {len(self.pending_notes)} comments not notified yet (oldest "
                f"{note_lag:.1f} s)")  # fmt: skip

    def healthy(self, now: float) -> bool:
        lag = now - min((at for _, at in self.pending.values()), default=now)
        note_lag = now - min(self.pending_notes.values(), default=now)
        return now - self.last_ack <= ACK_GAP_S and lag <= LAG_S and note_lag <= NOTIFY_LAG_S

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self._stored()
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError):
                self._conn = None  # the database is away (restarting): the read models cannot be read, not healthy
                self.samples.append((time.monotonic(), False))
            else:
                now = time.monotonic()
                self.samples.append((now, self.healthy(now)))
                if self.progress is not None and len(self.samples) % round(1 / SAMPLE_S) == 0:
                    self.say(self.status(now))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), SAMPLE_S)
        if self._conn is not None:
            with contextlib.suppress(Exception):
                await self._conn.close()

    async def recovery(self, since: float, observe_s: float, stable_s: float = 3.0, timeout: float = 90) -> float:
        """Seconds from the fault (``since``) to the end of the last unhealthy sample after it, once the system has
        been healthy for ``stable_s`` and at least ``observe_s`` have passed; ``inf`` after ``timeout``."""
        deadline = since + timeout
        while time.monotonic() < deadline:
            await asyncio.sleep(SAMPLE_S)
            after = [(t, ok) for t, ok in self.samples if t >= since]
            if not after or after[-1][0] - since < observe_s:
                continue
            bad = [t for t, ok in after if not ok]
            last_bad = bad[-1] if bad else since
            if after[-1][0] - last_bad >= stable_s and all(ok for t, ok in after if t > last_bad):
                return last_bad - since + (SAMPLE_S if bad else 0.0)
        return math.inf


@dataclass
class Row:
    scenario: str
    acknowledged: int = 0
    stored: int = 0
    lost: int = 0
    duplicated: int = 0
    phantom: int = 0
    unavailable: int = 0
    bad: int = 0
    notified: int = 0
    notes_lost: int = 0
    notes_twice: int = 0
    recovery_s: float = 0.0


COLUMNS = ("scenario", "acknowledged", "stored", "lost", "duplicated", "phantom", "503s", "bad answers",
           "notified", "notif. lost", "notif. twice", "longest recovery")  # fmt: skip


def table(rows: list[Row], title: str, notes: list[str]) -> str:
    def cells(r: Row) -> list[str]:
        recovery = "not recovered" if math.isinf(r.recovery_s) else f"{r.recovery_s:.1f} s"
        return [r.scenario, *(str(v) for v in (r.acknowledged, r.stored, r.lost, r.duplicated, r.phantom,
                r.unavailable, r.bad, r.notified, r.notes_lost, r.notes_twice)), recovery]  # fmt: skip

    total = Row("total", recovery_s=max((r.recovery_s for r in rows), default=0.0))
    for r in rows:
        for name in ("acknowledged", "stored", "lost", "duplicated", "phantom", "unavailable", "bad", "notified",
                     "notes_lost", "notes_twice"):  # fmt: skip
            setattr(total, name, getattr(total, name) + getattr(r, name))
    body = [list(COLUMNS)] + [cells(r) for r in rows] + [cells(total)]
    widths = [max(len(line[i]) for line in body) for i in range(len(COLUMNS))]

    def line(values: list[str]) -> str:
        return "| " + " | ".join(v.ljust(w) if i == 0 else v.rjust(w) for i, (v, w) in
                                 enumerate(zip(values, widths, strict=True))) + " |"  # fmt: skip

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    out = [title, line(body[0]), rule, *(line(b) for b in body[1:-1]), rule, line(body[-1]), *notes]
    return "\n".join(out)


async def audit(
    database_url: str, load: Load, receivers: Receivers, phases: list[str], recovery: dict[str, float]
) -> tuple[list[Row], list[str], list[dict[str, Any]]]:
    """Per scenario: what was acknowledged against what the read models and the receivers hold (see the module's
    docstring for the rules). Also the notes under the table and the feedback bodies stored (for the figures)."""
    conn = await asyncpg.connect(database_url)
    try:
        feedback = {r["event_id"]: r for r in await conn.fetch(
            "SELECT event_id::text, page_url, helpful, rating, flags FROM feedback_event")}  # fmt: skip
        parts = {r["event_id"]: r for r in await conn.fetch(
            "SELECT event_id::text, response_id::text FROM survey_response_event")}  # fmt: skip
        answers = {(r["response_id"], r["question_id"]): json.loads(r["value"]) for r in await conn.fetch(
            "SELECT response_id::text, question_id, value::text FROM survey_answer")}  # fmt: skip
        buckets = await conn.fetch("SELECT page_url, sum(responses)::int AS n FROM page_satisfaction GROUP BY 1")
    finally:
        await conn.close()
    rows = {p: Row(p, recovery_s=recovery.get(p, 0.0)) for p in phases}
    events = load.events
    stored_ids = set(feedback) | set(parts)
    only_503 = 0
    stored_bodies: list[dict[str, Any]] = []
    for ev in events.values():
        row = rows[ev.phase]
        stored = ev.event_id in stored_ids
        row.acknowledged += ev.acked_at is not None
        row.stored += stored
        if stored and ev.acked_at is None:
            if ev.answered_503:
                only_503 += 1
            else:
                row.phantom += 1
        if ev.acked_at is not None and not (stored and same(ev, feedback, answers)):
            row.lost += 1
        if stored and ev.kind == "feedback":
            stored_bodies.append(ev.body)
    rows[phases[-1]].phantom += len(stored_ids - set(events))  # never sent by any client
    # Duplicates: a scenario's pages are its own, so their hourly figures count each of its stored events once
    # (the units' figures, hourly and daily, are compared with all stored events through the API afterwards).
    per_page = Counter(ev.body["page_url"] for ev in events.values() if ev.event_id in feedback)
    phase_of_page = {ev.body["page_url"]: ev.phase for ev in events.values() if ev.kind == "feedback"}
    for b in buckets:
        rows[phase_of_page.get(b["page_url"], phases[-1])].duplicated += max(b["n"] - per_page[b["page_url"]], 0)
    # Notifications: every acknowledged comment once, by webhook-id.
    ids_of: dict[int, set[str]] = defaultdict(set)
    receipts: Counter[int] = Counter()
    for _receiver, webhook_id, tokens in receivers.messages:
        for t in tokens:
            ids_of[t].add(webhook_id)
            receipts[t] += 1
    comments = {ev.token: ev for ev in events.values() if ev.token is not None}
    for token, ev in comments.items():
        row = rows[ev.phase]
        row.notified += token in ids_of
        row.notes_lost += ev.acked_at is not None and token not in ids_of
        row.notes_twice += len(ids_of.get(token, ())) > 1
    rows[phases[-1]].phantom += len(set(ids_of) - set(comments))  # notified, never sent
    for phase, _event, _what in load.bad:
        rows[phase].bad += 1
    for phase, count in load.unavailable.items():
        rows[phase].unavailable = count
    redelivered = sum(receipts[t] - len(ids_of[t]) for t in ids_of)
    notes = [
        f"{sum(r.acknowledged for r in rows.values())} events acknowledged, {load.duplicates_sent} duplicates sent; "
        f"{only_503} answered only 503 and stored anyway (allowed: 503 means maybe; the client may retry with the "
        f"same event_id); {redelivered} notifications redelivered under the same webhook-id (dropped by "
        f"Standard Webhooks receivers); {receivers.unsigned} unsigned webhook requests.",
    ]
    return list(rows.values()), notes, stored_bodies


def same(ev: Event, feedback: dict[str, Any], answers: dict[tuple[str, str], Any]) -> bool:
    """Whether the read models hold what the client sent: a feedback part's page and figures, unflagged; a survey
    part's answers."""
    if ev.kind == "feedback":
        row = feedback[ev.event_id]
        return bool(
            row["page_url"] == ev.body["page_url"]
            and row["helpful"] == ev.body.get("helpful")
            and row["rating"] == ev.body.get("rating")
            and not row["flags"]
        )
    return all(answers.get((ev.body["response_id"], q)) == v for q, v in ev.body["answers"].items())
