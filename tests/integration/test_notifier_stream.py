"""A stream of events through real Kafka and PostgreSQL produces exactly the expected notifications per receiver.

The notifier's consumers, the analytics projector and the alert evaluator run in this process against the real
broker and database, and deliveries go over HTTP to webhook receivers on loopback that verify signatures. Only
time is simulated: a clock the consumers and the dispatcher read, stepped through a Monday and a Tuesday morning,
so that group waits, intervals, digests, quiet hours, escalations, repeats, a survey's quota, a hackathon
submission and a phase reminder can be checked to the second.
At the end every topic is read again from its start and nothing is sent twice.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import httpx
from aiokafka import AIOKafkaProducer

from services.analytics import alerting
from services.analytics.worker import AlertProjector, Projector
from services.notifier.config import load_config
from services.notifier.service import CONSUMERS, dispatch_once
from services.registry import PROJECTIONS, reset
from shared.contracts.envelope import encode_envelope
from shared.contracts.feedback import FEEDBACK_SUBMITTED_V2
from shared.contracts.hackathon import (
    EVENT_TYPE_OF,
    ChallengePostedV1,
    HackathonCreatedV1,
    HackathonPhaseChangedV1,
    SubmissionSavedV2,
)
from shared.contracts.surveys import (
    SURVEY_RESPONSE_SUBMITTED_V1,
    SURVEY_VERSION_PUBLISHED,
    SurveyDefinition,
    SurveyResponseSubmittedV1,
    SurveyVersionPublishedV1,
)
from shared.contracts.topics import COMMENT_TRIAGE, FEEDBACK, HACKATHON, SURVEY_RESPONSES, SURVEYS, Topic, topic_name
from shared.contracts.triage import COMMENT_STATUS_CHANGED, CommentStatusChangedV1
from shared.db import create_pool
from shared.kafka import start_producer
from shared.settings import Settings
from shared.shredding import NewKeys
from tests.integration.system import System
from tests.integration.test_notifier import SECRET, Receivers
from tests.integration.test_notifier import receivers as receivers

BERLIN = ZoneInfo("Europe/Berlin")
SPERRMUELL = "https://abfall.musterstadt.de/sperrmuell"
FREIBAD = "https://www.baeder-musterstadt.de/freibad"
TERMINE = "https://www.musterstadt.de/buergeramt/termine"
STROM = "https://www.stadtwerke-musterstadt.de/strom/tarife"
SITES = {SPERRMUELL: ("abfall", "abfallwirtschaft"), FREIBAD: ("baeder", "baeder"),
         TERMINE: ("portal", "buergeramt"), STROM: ("stadtwerke", "stadtwerke")}  # fmt: skip


ROUTING = """
accessibility_officer: barrierefreiheit
receivers:
{receivers}
route:
  receiver: pr
  group_by: [type, unit]
  group_wait: 30s
  group_interval: 5m
  digest: daily
  routes:
    - {{name: lage, matchers: ["type = satisfaction.alert"], receiver: lage, digest: immediate, repeat_interval: 4h}}
    - {{name: umfragen, matchers: ["type = survey.quota_reached"], receiver: umfragen, digest: immediate}}
    - {{name: hackathon, matchers: ["type ^= hackathon."], receiver: hackathon, digest: immediate}}
    - name: abfall
      matchers: ["unit = abfallwirtschaft"]
      receiver: abfall
      digest: immediate
      group_wait: 1m
      escalate_after: 2h
      escalate_to: leitung
    - name: buergeramt
      matchers: ["unit = buergeramt"]
      receiver: buergeramt
      digest: hourly
      quiet_hours: {{start: "18:00", end: "08:00"}}
"""


def routing(r: Receivers) -> str:
    names = ("pr", "abfall", "leitung", "buergeramt", "lage", "umfragen", "hackathon", "barrierefreiheit")
    hooks = [f"  - {{name: {n}, channel: {{type: webhook, url: '{r.url(n)}', secret_env: HOOK}}}}" for n in names]
    return ROUTING.format(receivers="\n".join(hooks))


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


def local(day: int, clock: str) -> datetime:
    """A wall-clock time in Berlin on 30 November (day 0, a Monday) or 1 December 2026 (day 1), in UTC."""
    base = datetime(2026, 11, 30, tzinfo=BERLIN) + timedelta(days=day)
    hours, minutes, *seconds = (int(x) for x in clock.split(":"))
    return (base + timedelta(hours=hours, minutes=minutes, seconds=seconds[0] if seconds else 0)).astimezone(UTC)


def survey_published(at: datetime, quota: int) -> bytes:
    definition = SurveyDefinition.model_validate({
        "id": "termine", "org_unit": "stadtwerke", "title": {"de": "Online-Terminvergabe"},
        "questions": [{"id": "zufrieden", "type": "rating", "text": {"de": "Wie zufrieden sind Sie?"}}],
        "targeting": {"sites": ["stadtwerke"], "quota": quota},
    })  # fmt: skip
    data = SurveyVersionPublishedV1(survey_id="termine", version=1, sequence=1, definition=definition,
                                    published_at=at, published_by="test")  # fmt: skip
    return encode_envelope(SURVEY_VERSION_PUBLISHED, uuid.uuid4(), "/test", at, data.model_dump(mode="json"))


def survey_part(at: datetime, response: uuid.UUID, **fields: Any) -> tuple[bytes, bytes]:
    data = SurveyResponseSubmittedV1(response_id=response, survey_id="termine", survey_version=1, site="stadtwerke",
                                     page_url=STROM, org_unit="stadtwerke", received_at=at,
                                     **({"answers": {"zufrieden": 4}} | fields))  # fmt: skip
    raw = encode_envelope(SURVEY_RESPONSE_SUBMITTED_V1, uuid.uuid4(), "/test", at, data.model_dump(mode="json"))
    return str(response).encode(), raw


def hackathon_events(at: datetime, keys: NewKeys) -> list[tuple[bytes, bytes]]:
    """A hackathon with a challenge of the Stadtwerke and a submission saved twice (first version, then an edit),
    its texts sealed with ``keys`` as the hackathon service seals them (``SubmissionSaved`` v2)."""
    base = {"hackathon_id": "hack", "at": at, "actor": "test"}
    events = [
        HackathonCreatedV1(**base, sequence=1, year=2026, title="Musterstadt hackt", description="d",
                           criteria=[{"id": "nutzen", "name": "Nutzen", "weight": 1}],
                           schedule=[{"phase": "einreichung_geschlossen", "starts_at": local(0, "11:30")},
                                     {"phase": "jurierung", "starts_at": local(0, "11:45")}]),
        ChallengePostedV1(**base, sequence=2, challenge_id="zaehler", revision=1, org_unit="stadtwerke",
                          title="Zählerstand melden", problem="p", contact="c", expected_outcome="o"),
    ]  # fmt: skip
    submission_id = uuid.uuid4()
    texts = {f: keys.seal(submission_id, f, t) for f, t in (("title", "Zähler-App"), ("summary", "s"),
                                                              ("description", "d"))}  # fmt: skip
    submission = {"submission_id": submission_id, "team_id": uuid.uuid4(), "challenge_id": "zaehler",
                  "licence": "MIT", **texts}  # fmt: skip
    events += [SubmissionSavedV2(**base, sequence=3, revision=1, **submission),
               SubmissionSavedV2(**base, sequence=4, revision=2, **submission)]  # fmt: skip
    return [(b"hack", encode_envelope(EVENT_TYPE_OF[type(e)], uuid.uuid4(), "/test", at, e.model_dump(mode="json")))
            for e in events]  # fmt: skip


def feedback(at: datetime, page: str, **fields: Any) -> tuple[uuid.UUID, bytes]:
    site, unit = SITES[page]
    event_id = uuid.uuid4()
    data = {"response_id": str(event_id), "site": site, "page_url": page, "org_unit": unit, "helpful": None,
            "rating": None, "comment": None, "suggestion": None, "category": None, "language": "de", "flags": [],
            "received_at": at, **fields}  # fmt: skip
    return event_id, encode_envelope(FEEDBACK_SUBMITTED_V2, event_id, "/test", at, data)


class Stream:
    """Produce events, then let the consumers catch up and the dispatcher send what is due, at simulated times."""

    def __init__(self, settings: Settings, pool: asyncpg.Pool, producer: AIOKafkaProducer, receivers: Receivers,
                 config_text: str) -> None:  # fmt: skip
        self.settings, self.pool, self.producer, self.receivers = settings, pool, producer, receivers
        self.config = load_config(config_text)
        self.clock = Clock(local(0, "09:59"))
        self.received: list[tuple[str, datetime, dict[str, Any]]] = []  # receiver, simulated time, message

    async def send(self, topic: Topic, values: Iterable[tuple[bytes, bytes]]) -> None:
        for key, value in values:
            await self.producer.send_and_wait(topic_name(topic, self.settings.topic_prefix), value, key=key)

    async def consume(self) -> None:
        consumers = [c(self.settings, self.pool, config=self.config, clock=self.clock) for c in CONSUMERS]
        await asyncio.gather(*(c.run(until_caught_up=True) for c in consumers))

    async def at(self, when: datetime) -> list[tuple[str, dict[str, Any]]]:
        """Move the clock to ``when``, consume, dispatch until nothing is due; the messages that arrived."""
        self.clock.now = when
        await self.consume()
        before = {name: len(got) for name, got in self.receivers.got.items()}
        async with httpx.AsyncClient(timeout=10) as client:
            while await dispatch_once(self.pool, self.config, self.settings, client, clock=self.clock):
                pass
        arrived = [(name, m) for name, got in self.receivers.got.items() for m in got[before.get(name, 0) :]]
        self.received += [(name, when, m) for name, m in arrived]
        return arrived


def summary(arrived: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, str, int]]:
    """(receiver, subject, number of listed items) of each message, sorted."""
    return sorted((name, m["data"]["subject"], len(m["data"]["items"])) for name, m in arrived)


async def test_a_stream_gives_exactly_the_expected_notifications(
    settings: Settings,
    receivers: Receivers,
    tmp_path: Path,
    monkeypatch: Any,
) -> None:
    monkeypatch.setenv("HOOK", SECRET)
    await System(settings, tmp_path).prepare()
    pool = await create_pool(settings)
    producer = await start_producer(settings)
    s = Stream(settings, pool, producer, receivers, routing(receivers))
    try:
        await s.consume()  # first start at 09:59: the notifier begins at the end of each topic
        # Four weeks of content customers on the Stadtwerke's tariff page: the baseline of the burst rule.
        history = [feedback(local(0, "12:00") - timedelta(days=d), STROM, helpful=True, rating=5)
                   for d in range(1, 21)]  # fmt: skip
        await s.send(FEEDBACK, [(STROM.encode(), v) for _, v in history])

        a, raw = feedback(local(0, "10:00"), SPERRMUELL, rating=1, comment="Termin nicht buchbar")
        await s.send(FEEDBACK, [(SPERRMUELL.encode(), raw)])
        assert await s.at(local(0, "10:00")) == []  # waits a minute for more (group_wait)
        _, raw = feedback(local(0, "10:00:10"), SPERRMUELL, rating=2, comment="Formular bricht ab")
        await s.send(FEEDBACK, [(SPERRMUELL.encode(), raw)])
        assert await s.at(local(0, "10:00:10")) == []
        # Two comments within the group wait: one message.
        assert summary(await s.at(local(0, "10:01"))) == [
            ("abfall", "2 neue Meldungen für Abfallwirtschaftsbetrieb Musterstadt", 2)
        ]
        _, raw = feedback(local(0, "10:02"), SPERRMUELL, comment="Container voll")
        await s.send(FEEDBACK, [(SPERRMUELL.encode(), raw)])
        assert await s.at(local(0, "10:02")) == []  # not before the group interval (5 minutes after 10:01)

        # A comment for the Bäder goes the root route: the PR team's daily digest at 08:00.
        _, raw = feedback(local(0, "10:05"), FREIBAD, rating=4, suggestion="Längere Öffnungszeiten")
        burst = [feedback(local(0, f"10:0{m}"), STROM, helpful=False, rating=1)[1] for m in range(6)]
        await s.send(FEEDBACK, [(FREIBAD.encode(), raw)] + [(STROM.encode(), v) for v in burst])
        assert await s.at(local(0, "10:05")) == []

        # The burst: six "not helpful" with one star in the last hour against 20 content answers before.
        await Projector(settings, pool).run(until_caught_up=True)
        raised = await alerting.evaluate_once(pool, producer, settings, now=local(0, "10:06"))
        assert sorted((e.scope, e.key, e.reasons) for e in raised) == [  # type: ignore[union-attr]
            ("org_unit", "stadtwerke", ("not_helpful_share", "mean_rating")),
            ("page", STROM, ("not_helpful_share", "mean_rating")),
        ]
        assert await alerting.evaluate_once(pool, producer, settings, now=local(0, "10:07")) == []  # no repeat
        assert summary(await s.at(local(0, "10:06"))) == [
            ("abfall", "Neuer Kommentar für Abfallwirtschaftsbetrieb Musterstadt", 0)
        ]
        assert await s.at(local(0, "10:06:20")) == []
        lage = await s.at(local(0, "10:06:30"))
        assert summary(lage) == [("lage", "2 neue Meldungen für Stadtwerke Musterstadt", 2)]
        assert any("Auffällig viele negative Rückmeldungen" in i for i in lage[0][1]["data"]["items"])

        # A survey with a quota of 3: the response that reaches it notifies once (parts of one response count
        # once; a dismissal or a flagged response does not count; answers in the grace time notify no more).
        await s.send(SURVEYS, [(b"termine", survey_published(local(0, "10:10"), quota=3))])
        one, two, three = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
        await s.send(SURVEY_RESPONSES, [
            survey_part(local(0, "10:15"), one), survey_part(local(0, "10:16"), one, answers={"zufrieden": 2}),
            survey_part(local(0, "10:17"), uuid.uuid4(), answers={}, dismissed=True),
            survey_part(local(0, "10:18"), uuid.uuid4(), flags=("too_fast",)), survey_part(local(0, "10:19"), two),
        ])  # fmt: skip
        assert await s.at(local(0, "10:20")) == []
        await s.send(SURVEY_RESPONSES, [survey_part(local(0, "10:21"), three)])
        assert await s.at(local(0, "10:21")) == []
        assert summary(await s.at(local(0, "10:21:30"))) == [
            ("umfragen", "Umfrage vollständig: Online-Terminvergabe", 0)
        ]
        await s.send(SURVEY_RESPONSES, [survey_part(local(0, "10:25"), uuid.uuid4())])
        assert await s.at(local(0, "10:26")) == []

        # A hackathon team's first submission goes to the unit of the challenge (once; not again for its edit).
        keys = NewKeys("submission")  # type: ignore[arg-type]
        hackathon = hackathon_events(local(0, "10:27"), keys)
        async with pool.acquire() as conn:
            await keys.save(conn)
        await s.send(HACKATHON, hackathon)
        assert await s.at(local(0, "10:27")) == []
        assert summary(await s.at(local(0, "10:27:30"))) == [
            ("hackathon", "Neue Einreichung zur Challenge „Zählerstand melden“", 0)
        ]

        # Staff take on the first comment at 10:30; the other two stay unhandled.
        taken = CommentStatusChangedV1(response_id=a, org_unit="abfallwirtschaft", sequence=1, at=local(0, "10:30"),
                                       actor="anna", status="in_bearbeitung", previous="neu")  # fmt: skip
        event = encode_envelope(COMMENT_STATUS_CHANGED, uuid.uuid4(), "/test", taken.at, taken.model_dump(mode="json"))
        await s.send(COMMENT_TRIAGE, [(str(a).encode(), event)])
        assert await s.at(local(0, "10:30")) == []
        # The planned end of submissions has come and staff have not moved on: one reminder. They move the
        # hackathon to "Jurierung" just before its planned start: no reminder for that.
        assert await s.at(local(0, "11:30")) == []
        assert summary(await s.at(local(0, "11:30:30"))) == [
            ("hackathon", "Geplant: „Einreichung geschlossen“ im Hackathon „Musterstadt hackt“", 0)
        ]
        moved = HackathonPhaseChangedV1(hackathon_id="hack", sequence=5, at=local(0, "11:44"), actor="test",
                                        phase="jurierung", previous="einreichung_geschlossen")  # fmt: skip
        raw = encode_envelope(
            EVENT_TYPE_OF[type(moved)], uuid.uuid4(), "/test", moved.at, moved.model_dump(mode="json")
        )
        await s.send(HACKATHON, [(b"hack", raw)])
        assert await s.at(local(0, "11:44")) == []
        assert await s.at(local(0, "11:46")) == []

        # Two hours after each: escalated to the management, together (the second joins the waiting message).
        assert await s.at(local(0, "12:00:10")) == []
        escalated = await s.at(local(0, "12:02"))
        assert summary(escalated) == [("leitung", "2 neue Meldungen für Abfallwirtschaftsbetrieb Musterstadt", 2)]
        items = escalated[0][1]["data"]["items"]
        assert all(i.startswith("Unbearbeitet seit 2 Stunden: Neuer Kommentar") for i in items)
        assert await s.at(local(0, "12:30")) == []  # the comment taken on at 10:30 never escalates

        # Still raised four hours later: repeated; resolved at 15:00 (no answers in the last hour), then silence.
        assert await s.at(local(0, "14:06")) == []
        assert summary(await s.at(local(0, "14:06:30"))) == [("lage", "2 neue Meldungen für Stadtwerke Musterstadt", 2)]
        assert all(i.startswith("Weiterhin:") for i in s.received[-1][2]["data"]["items"])
        resolved = await alerting.evaluate_once(pool, producer, settings, now=local(0, "15:00"))
        assert sorted(e.scope for e in resolved) == ["org_unit", "page"]
        assert await s.at(local(0, "15:00")) == []
        back = await s.at(local(0, "15:00:30"))
        assert summary(back) == [("lage", "2 neue Meldungen für Stadtwerke Musterstadt", 2)]
        assert all(i.startswith("Wieder im üblichen Rahmen") for i in back[0][1]["data"]["items"])

        assert await s.at(local(0, "18:06:30")) == []  # no repeat of the resolved alert

        # Bürgeramt in the evening: quiet from 18:00 to 08:00, held (not dropped) and sent at 08:00 as one.
        for clock, text in (("19:30", "Keine Termine frei"), ("23:00", "Seite lädt langsam")):
            _, raw = feedback(local(0, clock), TERMINE, comment=text)
            await s.send(FEEDBACK, [(TERMINE.encode(), raw)])
            assert await s.at(local(0, clock)) == []
        assert await s.at(local(1, "07:59")) == []
        morning = await s.at(local(1, "08:00"))
        assert summary(morning) == [
            ("buergeramt", "2 neue Meldungen für Bürgeramt", 2),
            ("pr", "Neuer Kommentar für Bäderbetrieb Musterstadt", 0),
        ]

        expected = [(name, m["data"]["subject"]) for name, _, m in s.received]
        assert len(expected) == 11

        # Every topic read again from its start (a full replay, or a notifier whose positions were lost):
        # nothing is sent twice, nothing new is made.
        async with pool.acquire() as conn:
            before = await conn.fetchval("SELECT count(*) FROM notification")
            await conn.execute("UPDATE consumer_offset SET next_offset = 0 WHERE consumer LIKE 'notifier%'")
        assert await s.at(local(1, "09:00")) == []
        assert await s.at(local(2, "09:00")) == []
        async with pool.acquire() as conn:
            assert await conn.fetchval("SELECT count(*) FROM notification") == before
            assert await conn.fetchval("SELECT count(*) FROM notification_delivery WHERE status <> 'sent'") == 0

        # The alerts' read model is rebuilt by a replay of the alerts topic, exactly as the evaluator left it.
        query = "SELECT * FROM satisfaction_alert ORDER BY scope, key"
        async with pool.acquire() as conn:
            left = [dict(r) for r in await conn.fetch(query)]
            assert [(r["scope"], r["sequence"], r["raised"]) for r in left] == [
                ("org_unit", 1, False),
                ("page", 1, False),
            ]
            await reset(conn, tuple(p for p in PROJECTIONS if p.consumer is AlertProjector))
        assert await AlertProjector(settings, pool).run(until_caught_up=True) == 4
        async with pool.acquire() as conn:
            assert [dict(r) for r in await conn.fetch(query)] == left
            assert await conn.fetchval("SELECT count(*) FROM satisfaction_alert_event") == 4
    finally:
        await producer.stop()
        await pool.close()
