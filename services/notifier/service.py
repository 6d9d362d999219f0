"""The notifier process: consumers that turn events into outbox rows, and a dispatcher that sends them.

The consumers are the analytics projectors' loop (positions stored in PostgreSQL with the rows they produced)
over the feedback topic (comments, barrier reports), the alerts topic (satisfaction alerts raised and resolved)
and the comment-triage topic (which ends escalations). On its very first start each begins at the end of its
topic and remembers when it started:
events received before that never notify, so an installation that adds the notifier does not alert staff about
years of old feedback, not even when a broker that lost its log (Tansu restarted) is read from the start again.
Notifications recorded before are recognised by event and receiver and never sent twice.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar
from uuid import UUID
from zoneinfo import ZoneInfo

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from prometheus_client import Counter
from pydantic import BaseModel

from services.notifier import barrier_mail, followups, outbox
from services.notifier.channels import DeliveryError, Message, SmtpSettings, send
from services.notifier.config import NotifierConfig
from services.notifier.signals import (
    Signal,
    barrier_deadline,
    from_alert,
    from_feedback,
    from_quota,
    from_report,
    from_sdg_failure,
    from_submission,
    phase_due,
)
from shared.barriers import reminder_at, response_deadline
from shared.consumer import OffsetConsumer
from shared.contracts.alerts import SatisfactionAlertRaisedV1, SatisfactionAlertResolvedV1
from shared.contracts.barriers import BarrierAnsweredV1, BarrierClosedV1
from shared.contracts.envelope import decode_envelope
from shared.contracts.feedback import BARRIER, decode_feedback_event
from shared.contracts.hackathon import (
    PHASES,
    ChallengePostedV1,
    HackathonCreatedV1,
    HackathonPhaseChangedV1,
    SubmissionSavedV1,
    SubmissionSavedV2,
)
from shared.contracts.reports import ReportPublishedV1
from shared.contracts.sdg import SdgTransferFailedV1
from shared.contracts.surveys import SurveyResponseSubmittedV1, SurveyResponseSubmittedV2, SurveyVersionPublishedV1
from shared.contracts.topics import (
    ALERTS,
    BARRIERS,
    COMMENT_TRIAGE,
    EVENT_TYPES,
    FEEDBACK,
    HACKATHON,
    REPORTS,
    SDG,
    SURVEY_RESPONSES,
    SURVEYS,
)
from shared.contracts.triage import CommentAssignedV1, CommentSpamReviewedV1, CommentStatusChangedV1
from shared.settings import Settings
from shared.shredding import open_texts, secrets_of, unseal

log = logging.getLogger(__name__)
SENT = Counter("stadtstimme_notifier_sent_total", "Notifier deliveries sent", ["receiver"])
FAILED = Counter("stadtstimme_notifier_failed_total", "Notifier delivery attempts that failed", ["receiver"])
LIMITED = Counter("stadtstimme_notifier_rate_limited_total", "Deliveries postponed by a receiver's limit", ["receiver"])
DEAD = Counter("stadtstimme_notifier_dead_total", "Notifier deliveries given up (dead letters)", ["receiver"])


def event_of(record: ConsumerRecord[bytes, bytes]) -> tuple[UUID, BaseModel]:
    """Any event of our topics: its id and its data (``ValueError`` for anything else)."""
    if record.value is None:
        raise ValueError("empty record")
    envelope, data = decode_envelope(record.value, EVENT_TYPES)
    return envelope.id, data


@dataclass
class NotifierConsumer(OffsetConsumer):
    """Feedback events into notification rows (``outbox.enqueue``) and their escalations."""

    TOPIC = FEEDBACK
    NAME = "notifier"
    START_AT_END: ClassVar[bool] = True  # False: needs its topic's whole history (still notifies only what is new)
    config: NotifierConfig | None = None
    _units: dict[str, str] = field(default_factory=dict)
    _since: datetime | None = None
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))

    @staticmethod
    def decode(record: ConsumerRecord[bytes, bytes]) -> Any:
        if record.value is None:
            raise ValueError("empty record")
        envelope, data = decode_feedback_event(record.value)
        return envelope.id, data

    async def _seek_to_stored(self, consumer: AIOKafkaConsumer, partitions: list[TopicPartition]) -> None:
        async with self.pool.acquire() as conn:
            await conn.execute(
                "INSERT INTO notifier_start (consumer, started_at) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                self.NAME,
                self.clock(),
            )
            self._since = await conn.fetchval("SELECT started_at FROM notifier_start WHERE consumer = $1", self.NAME)
        await super()._seek_to_stored(consumer, partitions)

    def _old(self, at: str | datetime) -> bool:
        """Older than the notifier: never notified, also when read again after a broker restart."""
        moment = datetime.fromisoformat(at) if isinstance(at, str) else at
        return self._since is not None and moment < self._since

    async def _unit_name(self, conn: asyncpg.Connection, unit: str) -> str:
        if unit not in self._units:  # new units appear while the notifier runs
            self._units = {r["id"]: r["name"] for r in await conn.fetch("SELECT id, name FROM org_unit")}
        return self._units.get(unit, unit)

    async def _notify(self, conn: asyncpg.Connection, signal: Signal, item: str | None, *, repeat: bool) -> None:
        """Record ``signal`` for its receivers; ``item``: what staff can handle (escalation, repeats), if any."""
        assert self.config is not None
        include = {r.name: r.include_text for r in self.config.receivers}
        deliveries = self.config.deliveries(signal.labels)
        now = self.clock()
        await outbox.enqueue(conn, signal, deliveries, include, ZoneInfo(self.settings.timezone), now)
        if item is not None:
            await followups.schedule(conn, signal, deliveries, item, now, repeat=repeat)

    async def project(self, conn: asyncpg.Connection, rows: list[Any]) -> None:
        # The texts opened with their keys: a text erased before it is notified is not sent.
        texts = await open_texts(conn, [(d.response_id, {"comment": d.comment, "suggestion": d.suggestion})
                                        for _, d in rows])  # fmt: skip
        for (event_id, part), opened in zip(rows, texts, strict=True):
            data = part.model_dump(mode="json") | opened
            if self._old(data["received_at"]):
                continue
            unit = await self._unit_name(conn, str(data["org_unit"]))
            signal = from_feedback(event_id, data, unit, self.settings.public_base_url)
            if signal is not None:
                await self._notify(conn, signal, str(data.get("response_id") or event_id), repeat=False)
            if data.get("category") == BARRIER and data.get("comment") and not data.get("flags"):
                await self._remind_of_deadline(conn, part.response_id, part.received_at, data, unit)

    async def _remind_of_deadline(
        self, conn: asyncpg.Connection, response_id: UUID, received_at: datetime, data: dict[str, Any], unit: str
    ) -> None:
        """A reminder to the accessibility officer before a barrier report's deadline (closed when it is answered:
        ``BarrierConsumer``)."""
        assert self.config is not None
        days, lead = self.settings.barrier_response_days, self.settings.barrier_reminder_days
        deadline = response_deadline(received_at, days).astimezone(ZoneInfo(self.settings.timezone))
        signal = barrier_deadline(str(response_id), data, unit, deadline.strftime("%d.%m.%Y"),
                                  self.settings.public_base_url)  # fmt: skip
        officer = [d for d in self.config.deliveries(signal.labels) if d.receiver == self.config.accessibility_officer]
        at = reminder_at(received_at, days, lead)
        await followups.remind(conn, signal, officer, f"barrier:{response_id}", at, self.clock())


@dataclass
class EventConsumer(NotifierConsumer):
    """A notifier consumer of any of our topics but feedback (whose v1 events are upcast): (event id, data)."""

    decode = staticmethod(event_of)


@dataclass
class AlertConsumer(EventConsumer):
    """Satisfaction alerts: raised ones notify (and repeat while raised), resolved ones notify and end that."""

    TOPIC = ALERTS
    NAME = "notifier.alerts"

    async def project(self, conn: asyncpg.Connection, rows: list[Any]) -> None:
        for event_id, event in rows:
            if not isinstance(event, SatisfactionAlertRaisedV1 | SatisfactionAlertResolvedV1):
                continue
            raised, data = isinstance(event, SatisfactionAlertRaisedV1), event.model_dump(mode="json")
            item = str(data["alert_id"])
            if not raised:
                await followups.close(conn, item, self.clock(), "resolved")
            if self._old(data["at"]):
                continue
            unit = await self._unit_name(conn, str(data["org_unit"]))
            signal = from_alert(event_id, data, raised, unit, self.settings.public_base_url)
            await self._notify(conn, signal, item, repeat=raised)


@dataclass
class TriageConsumer(EventConsumer):
    """What staff do with comments: a comment taken on ends its escalation (see ``followups``)."""

    TOPIC = COMMENT_TRIAGE
    NAME = "notifier.triage"

    async def project(self, conn: asyncpg.Connection, rows: list[Any]) -> None:
        for _, data in rows:
            why = handled_by(data)
            if why is not None:
                await followups.close(conn, str(data.response_id), self.clock(), why)


@dataclass
class SurveyConsumer(EventConsumer):
    """Survey definitions (owner, title, quota of the latest version), read from the start of their topic."""

    TOPIC = SURVEYS
    NAME = "notifier.surveys"
    START_AT_END = False

    async def project(self, conn: asyncpg.Connection, rows: list[Any]) -> None:
        for _, data in rows:
            if isinstance(data, SurveyVersionPublishedV1):
                d = data.definition
                await conn.execute(
                    """INSERT INTO notifier_survey AS s (survey_id, version, org_unit, title, quota)
                       VALUES ($1, $2, $3, $4, $5)
                       ON CONFLICT (survey_id) DO UPDATE SET version = excluded.version, org_unit = excluded.org_unit,
                           title = excluded.title, quota = excluded.quota WHERE s.version < excluded.version""",
                    data.survey_id,
                    data.version,
                    d.org_unit,
                    d.title.de,
                    d.targeting.quota,
                )
                await self._check_quota(conn, data.survey_id, data.published_at)

    async def _check_quota(self, conn: asyncpg.Connection, survey_id: str, at: datetime) -> None:
        """Notify once when a survey's counted responses reach its quota (not for what happened before the
        notifier's first start)."""
        row = await conn.fetchrow(
            """SELECT s.*, (SELECT count(*) FROM notifier_survey_response r WHERE r.survey_id = s.survey_id) AS n
               FROM notifier_survey s WHERE s.survey_id = $1""",
            survey_id,
        )
        if row is None or row["quota"] is None or row["n"] < row["quota"] or self._old(at):
            return
        unit = await self._unit_name(conn, row["org_unit"])
        signal = from_quota(survey_id, row["title"], row["quota"], row["org_unit"], unit, self.settings.public_base_url)
        await self._notify(conn, signal, None, repeat=False)


@dataclass
class SurveyResponseConsumer(SurveyConsumer):
    """Counted survey responses (a response with an answer, not flagged), read from the start of their topic."""

    TOPIC = SURVEY_RESPONSES
    NAME = "notifier.survey-responses"

    async def project(self, conn: asyncpg.Connection, rows: list[Any]) -> None:
        latest: dict[str, datetime] = {}
        for _, data in rows:
            answered = isinstance(data, SurveyResponseSubmittedV1 | SurveyResponseSubmittedV2) and (
                data.answers or (isinstance(data, SurveyResponseSubmittedV2) and data.texts)
            )
            if answered and not data.flags:
                await conn.execute(
                    "INSERT INTO notifier_survey_response (survey_id, response_id) VALUES ($1, $2) "
                    "ON CONFLICT DO NOTHING",
                    data.survey_id,
                    data.response_id,
                )
                latest[data.survey_id] = max(latest.get(data.survey_id, data.received_at), data.received_at)
        for survey_id, at in latest.items():
            await self._check_quota(conn, survey_id, at)


@dataclass
class HackathonConsumer(EventConsumer):
    """Hackathons: challenges (who posted them) from the start of the topic, and new submissions notify."""

    TOPIC = HACKATHON
    NAME = "notifier.hackathon"
    START_AT_END = False

    async def project(self, conn: asyncpg.Connection, rows: list[Any]) -> None:
        for event_id, data in rows:
            if isinstance(data, HackathonCreatedV1):
                await conn.execute(
                    "INSERT INTO notifier_hackathon (hackathon_id, title) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                    data.hackathon_id,
                    data.title,
                )
                await self._reminders(conn, data)
            elif isinstance(data, HackathonPhaseChangedV1):
                reached = PHASES[: PHASES.index(data.phase) + 1]
                for phase in reached:
                    await followups.close(conn, f"hackathon:{data.hackathon_id}:{phase}", self.clock(), "reached")
            elif isinstance(data, ChallengePostedV1):
                await conn.execute(
                    """INSERT INTO notifier_hackathon_challenge (hackathon_id, challenge_id, org_unit, title)
                       VALUES ($1, $2, $3, $4) ON CONFLICT (hackathon_id, challenge_id)
                       DO UPDATE SET org_unit = excluded.org_unit, title = excluded.title""",
                    data.hackathon_id,
                    data.challenge_id,
                    data.org_unit,
                    data.title,
                )
            elif (
                isinstance(data, SubmissionSavedV1 | SubmissionSavedV2)
                and data.revision == 1
                and not self._old(data.at)
            ):
                row = await conn.fetchrow(
                    """SELECT c.org_unit, c.title, h.title AS hackathon FROM notifier_hackathon_challenge c
                       JOIN notifier_hackathon h USING (hackathon_id)
                       WHERE c.hackathon_id = $1 AND c.challenge_id = $2""",
                    data.hackathon_id,
                    data.challenge_id,
                )
                if row is None:
                    continue
                unit = await self._unit_name(conn, row["org_unit"])
                fields = data.model_dump(mode="json")
                if isinstance(data, SubmissionSavedV2):  # the title sealed with the submission's key
                    keys = await secrets_of(conn, [data.submission_id])
                    fields["title"] = unseal(keys.get(data.submission_id), data.title, "title")
                signal = from_submission(event_id, fields, row["hackathon"], row["title"], row["org_unit"], unit,
                                         self.settings.public_base_url)  # fmt: skip
                await self._notify(conn, signal, None, repeat=False)

    async def _reminders(self, conn: asyncpg.Connection, data: HackathonCreatedV1) -> None:
        """A reminder for each planned phase start (moving on is an explicit staff action)."""
        assert self.config is not None
        tz = ZoneInfo(self.settings.timezone)
        for planned in data.schedule:
            if self._old(planned.starts_at):
                continue
            when = planned.starts_at.astimezone(tz).strftime("%d.%m.%Y, %H:%M")
            signal = phase_due(data.hackathon_id, data.title, planned.phase, when, self.settings.public_base_url)
            item = f"hackathon:{data.hackathon_id}:{planned.phase}"
            deliveries = self.config.deliveries(signal.labels)
            await followups.remind(conn, signal, deliveries, item, planned.starts_at, self.clock())


def handled_by(event: Any) -> str | None:
    """Why a triage event means the comment is taken on (None: it does not)."""
    if isinstance(event, CommentStatusChangedV1) and event.status != "neu":
        return f"status {event.status} by {event.actor}"
    if isinstance(event, CommentAssignedV1) and event.assignee is not None:
        return f"assigned to {event.assignee}"
    if isinstance(event, CommentSpamReviewedV1) and event.verdict == "confirmed":
        return f"spam confirmed by {event.actor}"
    return None


@dataclass
class ReportConsumer(EventConsumer):
    """Monthly reports: each is mailed (with its CSV) to the receivers whose routes match it."""

    TOPIC = REPORTS
    NAME = "notifier.reports"

    async def project(self, conn: asyncpg.Connection, rows: list[Any]) -> None:
        for event_id, event in rows:
            if isinstance(event, ReportPublishedV1) and not self._old(event.at):
                signal = from_report(event_id, event.model_dump(mode="json"), self.settings.public_base_url)
                await self._notify(conn, signal, None, repeat=False)


@dataclass
class SdgConsumer(EventConsumer):
    """The monthly SDG/NFK transfer: a delivery run that finally failed alerts the routes matching it."""

    TOPIC = SDG
    NAME = "notifier.sdg"

    async def project(self, conn: asyncpg.Connection, rows: list[Any]) -> None:
        for event_id, event in rows:
            if isinstance(event, SdgTransferFailedV1) and not self._old(event.at):
                signal = from_sdg_failure(event_id, event.model_dump(mode="json"), self.settings.public_base_url)
                await self._notify(conn, signal, None, repeat=False)


@dataclass
class BarrierConsumer(EventConsumer):
    """Answers to barrier reports: each is mailed to the reporter (``barrier_mail``) and ends the report's
    deadline reminder; so does closing a report without an answer."""

    TOPIC = BARRIERS
    NAME = "notifier.barriers"

    async def project(self, conn: asyncpg.Connection, rows: list[Any]) -> None:
        for event_id, event in rows:
            if isinstance(event, BarrierClosedV1):
                await followups.close(conn, f"barrier:{event.response_id}", self.clock(), f"closed by {event.actor}")
                continue
            if not isinstance(event, BarrierAnsweredV1):
                continue
            now = self.clock()
            await followups.close(conn, f"barrier:{event.response_id}", now, f"answered by {event.actor}")
            if not self._old(event.answered_at):
                await barrier_mail.enqueue(conn, event_id, event, now)


CONSUMERS: tuple[type[NotifierConsumer], ...] = (
    NotifierConsumer,
    AlertConsumer,
    TriageConsumer,
    SurveyConsumer,
    SurveyResponseConsumer,
    HackathonConsumer,
    ReportConsumer,
    SdgConsumer,
    BarrierConsumer,
)


def smtp_settings(settings: Settings) -> SmtpSettings | None:
    if not settings.smtp_host:
        return None
    return SmtpSettings(
        host=settings.smtp_host,
        port=settings.smtp_port,
        username=settings.smtp_username or None,
        password=settings.smtp_password.get_secret_value() or None,
        starttls=settings.smtp_starttls,
        sender=settings.smtp_sender,
    )


def to_message(claimed: outbox.Claimed) -> Message:
    m = claimed.message
    return Message(
        delivery_id=str(claimed.id),
        subject=m["subject"],
        summary=m["summary"],
        facts=tuple((k, v) for k, v in m["facts"]),
        link=m.get("link"),
        items=tuple(m.get("items", [])) + tuple(m.get("texts", [])),
        event_type=m.get("type", ""),
        occurred_at=claimed.created_at,
        attachments=tuple((name, content) for name, content in m.get("attachments", [])),
    )


async def dispatch_once(
    pool: asyncpg.Pool,
    config: NotifierConfig,
    settings: Settings,
    client: httpx.AsyncClient,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> int:
    """Fire due follow-ups, batch what is due, send what is claimed; returns the number of attempts made."""
    now = clock()
    async with pool.acquire() as conn:
        await followups.fire_due(conn, config, ZoneInfo(settings.timezone), now)
        await outbox.batch_due(conn, now)
        claimed = await outbox.claim(conn, now, lease=timedelta(seconds=settings.notifier_lease_s))
    mailed = await barrier_mail.send_due(pool, settings, now, config)
    for c in claimed:
        spec = config.receiver(c.receiver)
        if spec is not None:
            async with pool.acquire() as conn:
                if await outbox.postpone_if_over_limit(conn, c.id, c.receiver, spec.max_per_hour, now):
                    LIMITED.labels(c.receiver).inc()
                    continue
        error: str | None = None
        permanent, retry_after = False, None
        try:
            if spec is None:
                raise DeliveryError(f"receiver {c.receiver!r} is no longer configured", permanent=True)
            await send(spec.channel, to_message(c), smtp=smtp_settings(settings), env=os.environ, client=client)
        except DeliveryError as exc:
            error, permanent, retry_after = str(exc), exc.permanent, exc.retry_after
        async with pool.acquire() as conn:
            status = await outbox.finish(
                conn,
                c.id,
                clock(),
                error,
                permanent=permanent,
                retry_after=retry_after,
                attempts=c.attempts,
                max_attempts=settings.notifier_max_attempts,
                backoff_s=settings.notifier_backoff_s,
            )
        if status == "sent":
            SENT.labels(c.receiver).inc()
        else:
            FAILED.labels(c.receiver).inc()
            if status == "dead":
                DEAD.labels(c.receiver).inc()
                log.error("delivery %s to %s given up: %s", c.id, c.receiver, error)
            else:
                log.warning("delivery %s to %s failed (attempt %d): %s", c.id, c.receiver, c.attempts, error)
    return len(claimed) + mailed


async def run(settings: Settings, pool: asyncpg.Pool, config: NotifierConfig, stop: asyncio.Event) -> None:
    """Consume and dispatch until ``stop`` is set."""
    consumers = [c(settings, pool, config=config) for c in CONSUMERS]

    async def dispatcher() -> None:
        async with httpx.AsyncClient(timeout=settings.notifier_send_timeout_s) as client:
            while not stop.is_set():
                try:
                    busy = await dispatch_once(pool, config, settings, client)
                except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
                    log.exception("dispatch failed; trying again")
                    busy = 0
                if not busy:
                    try:
                        await asyncio.wait_for(stop.wait(), timeout=settings.notifier_poll_s)
                    except TimeoutError:
                        pass

    await asyncio.gather(*(c.run(stop) for c in consumers), dispatcher())
