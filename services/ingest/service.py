"""Ingest wiring: the Kafka producer and the org model it resolves sites against, kept fresh in the background."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaConnectionError, KafkaError

from services.ingest.domain import FeedbackRequest, accept_feedback
from services.ingest.pow import InvalidSolution, ProofOfWork, forget_expired, shared_key, spend
from services.ingest.surveys import (
    LiveSurvey,
    SurveyCatalogue,
    SurveyResponseRequest,
    accept_survey_response,
)
from shared.abuse import REPLICAS, FloodBreaker, RateLimiter, share_flood
from shared.contracts import FEEDBACK_SUBMITTED, encode_envelope
from shared.contracts.envelope import EventType
from shared.contracts.surveys import SURVEY_RESPONSE_SUBMITTED, SurveyDefinition
from shared.contracts.topics import FEEDBACK, SURVEY_RESPONSES, topic_name
from shared.kafka import start_producer
from shared.orgmodel import OrgModel, fetch_org_model, org_revision
from shared.settings import Settings
from shared.shredding import Kind, code_secret, issue_code, seal_texts

log = logging.getLogger(__name__)
SOURCE = "/stadtstimme/ingest"
FORGET_SPENT_S = 60.0  # how often expired proof-of-work solutions are deleted


class Refused(Exception):
    """A valid submission not admitted now: the client's quota is used up, the flood breaker is open, or its proof
    of work cannot be checked now (the database is away)."""

    def __init__(self, kind: str, wait_s: float) -> None:
        super().__init__(kind)
        self.kind = kind  # "rate_limited" | "flood" | "unavailable"
        self.retry_after = str(math.ceil(wait_s))


@dataclass
class Sealing:
    """What sealing a part's texts leaves to do once the part is published: the deletion code to show."""

    service: IngestService
    response: UUID
    sealed: bool  # the part has text, sealed with the response's key
    made: str | None  # the code given with a key made just now

    async def code(self) -> str | None:
        """The response's deletion code for the citizen: the new key's, or for a later part a new one (the one
        before stops working only now, after the part was published); None for a part without text."""
        if not self.sealed:
            return None
        if self.made is not None:
            return self.made
        assert self.service.pool is not None and self.service.code_secret is not None
        async with self.service.pool.acquire() as conn:
            return await issue_code(conn, self.response, self.service.code_secret)


class IngestService:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.pool: asyncpg.Pool | None = None
        self.code_secret: bytes | None = None  # the deletion codes' hash key (from PostgreSQL, on first use)
        # Staff names the city wants kept in citizens' texts (one frozenset for the process: redaction caches it).
        self.keep_names = settings.keep_names
        self.org = OrgModel()
        self.org_revision: int | None = None  # the model's revision when it was read
        self.producer: AIOKafkaProducer | None = None
        self.topic = topic_name(FEEDBACK, settings.topic_prefix)
        self.survey_topic = topic_name(SURVEY_RESPONSES, settings.topic_prefix)
        self.surveys = SurveyCatalogue()
        self._refresher: asyncio.Task[None] | None = None
        self._connector: asyncio.Task[None] | None = None
        self._sharer: asyncio.Task[None] | None = None
        # Abuse limits that hold across instances (shared.abuse): a client's quota is shared out between the live
        # ingest instances, the breaker's count is the installation's, proof of work is signed with the shared key.
        self.limiter = RateLimiter(
            settings.rate_limit_per_minute, settings.rate_limit_burst, replicas=REPLICAS.of("ingest")
        )
        self.breaker = FloodBreaker(settings.flood_per_minute, settings.flood_cooldown_s)
        self.pow = ProofOfWork(settings.pow_max_number)  # its key: configured, or the installation's (``start``)

    async def start(self, pool: asyncpg.Pool) -> None:
        self.pool = pool
        if not self.settings.sdg_survey_url:
            log.warning(
                "STADTSTIMME_SDG_SURVEY_URL is not set: on SDG pages the widget shows no link to the common feedback "
                "tool's detailed survey (Implementing Regulation (EU) 2020/1121, Art. 7; docs/sdg-nfk.md)"
            )
        configured = self.settings.pow_hmac_key.get_secret_value().encode()
        async with pool.acquire() as conn:
            self.pow.key = configured or await shared_key(conn)
            await share_flood(conn, self.breaker)
        await self.refresh_org()
        await self.refresh_surveys()
        self._refresher = asyncio.create_task(self._refresh_forever())
        self._sharer = asyncio.create_task(self._share_forever())
        try:
            self.producer = await start_producer(self.settings)
        except (KafkaError, OSError, TimeoutError):
            # Serve anyway: submissions get 503 + Retry-After and /readyz says why, until the broker answers.
            log.exception("broker unreachable at start; retrying in the background")
            self._connector = asyncio.create_task(self._connect_forever())

    async def _connect_forever(self) -> None:
        while self.producer is None:
            await asyncio.sleep(2.0)
            try:
                self.producer = await start_producer(self.settings)
                log.info("connected to the broker")
            except (KafkaError, OSError, TimeoutError):
                log.warning("broker still unreachable")

    async def stop(self) -> None:
        for task in (self._refresher, self._connector, self._sharer):
            if task:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        if self.producer:
            await self.producer.stop()  # flushes what is in flight

    async def refresh_org(self) -> None:
        assert self.pool is not None
        async with self.pool.acquire() as conn, conn.transaction(isolation="repeatable_read"):
            revision = await org_revision(conn)
            self.org = await fetch_org_model(conn)
        self.org_revision = revision

    async def org_changed(self) -> bool:
        """Whether the org model changed since it was read (one small query: checked with every survey refresh, so
        a site saved in the console takes feedback within ``survey_refresh_s``)."""
        assert self.pool is not None
        async with self.pool.acquire() as conn:
            return await org_revision(conn) != self.org_revision

    async def refresh_surveys(self) -> None:
        """The surveys that are not drafts, their versions and counted responses, as served to the widget."""
        assert self.pool is not None
        async with self.pool.acquire() as conn:
            # The views analytics publishes for serving surveys (migration 028).
            surveys = await conn.fetch(
                """SELECT survey_id, status, current_version, updated_at, counted_responses AS n FROM served_survey"""
            )
            versions = await conn.fetch(
                "SELECT survey_id, version, definition::text AS definition FROM served_survey_version"
            )
        by_survey: dict[str, dict[int, SurveyDefinition]] = {}
        for v in versions:
            by_survey.setdefault(v["survey_id"], {})[v["version"]] = SurveyDefinition.model_validate_json(
                v["definition"]
            )
        live = [
            LiveSurvey(
                s["survey_id"], s["status"], s["current_version"], by_survey[s["survey_id"]], s["n"], s["updated_at"]
            )
            for s in surveys
            if s["current_version"] in by_survey.get(s["survey_id"], {})
        ]
        self.surveys = SurveyCatalogue.build(
            live, self.org.sites, datetime.now(UTC), self.org, self.settings.sdg_survey_url
        )

    async def _refresh_forever(self) -> None:
        org_due = 0.0
        while True:
            await asyncio.sleep(self.settings.survey_refresh_s)
            loop_time = asyncio.get_running_loop().time()
            try:
                if loop_time >= org_due or await self.org_changed():
                    await self.refresh_org()
                    org_due = loop_time + self.settings.org_refresh_s
                await self.refresh_surveys()
            except (OSError, asyncpg.PostgresError, ValueError):
                log.warning("could not refresh the org model or surveys; keeping the previous", exc_info=True)

    async def _share_forever(self) -> None:
        """Every ``limits_sync_s``: this instance's acceptances into the installation's flood count (and its state
        back); every minute, expired proof-of-work solutions out."""
        forget_due = 0.0
        while True:
            await asyncio.sleep(self.settings.limits_sync_s)
            assert self.pool is not None
            try:
                async with self.pool.acquire() as conn:
                    await share_flood(conn, self.breaker)
                    if asyncio.get_running_loop().time() >= forget_due:
                        await forget_expired(conn)
                        forget_due = asyncio.get_running_loop().time() + FORGET_SPENT_S
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError):
                log.warning("could not share the flood breaker's count; counting this instance's alone meanwhile")

    async def publish(
        self,
        topic: str,
        event_type: EventType,
        event_id: UUID,
        key: str,
        subject: str,
        data: dict[str, Any],
        received_at: datetime,
    ) -> None:
        """Write one event and wait for the broker's acks=all acknowledgement (raises on error or timeout)."""
        if self.producer is None:
            raise KafkaConnectionError("no connection to the broker yet")
        value = encode_envelope(event_type, event_id, SOURCE, received_at, data, subject=subject)
        async with asyncio.timeout(self.settings.kafka_send_timeout_s):  # unlike wait_for, no extra task
            await self.producer.send_and_wait(topic, value, key=key.encode())

    async def publish_feedback(
        self, event_id: UUID, page_url: str, data: dict[str, Any], received_at: datetime
    ) -> None:
        await self.publish(self.topic, FEEDBACK_SUBMITTED, event_id, page_url, page_url, data, received_at)

    async def submit(
        self,
        submission: FeedbackRequest,
        origin: str | None,
        client: str,
        received_at: datetime,
        proof_of_work: bool = False,
    ) -> tuple[str, str | None]:
        """Everything after validation, the same for the JSON API and the form: resolve against the org model
        (raises ``Rejected``), ``prove`` (the JSON API, when the operator requires proof of work) and ``admit``
        (which charges the client's quota), seal the free text, publish with acks=all (raises ``KafkaError`` or
        ``TimeoutError``; the quota is refunded), and only then charge the flood breaker. (The page URL, the
        deletion code of the response's text, if it has text.)"""
        page_url, data = accept_feedback(submission, self.org, origin, received_at, self.keep_names)
        if proof_of_work and self.settings.pow_required:
            await self.prove(submission.altcha)
        key = self.admit(client)
        try:
            sealing = await self.seal(data, UUID(data["response_id"]), "feedback", ("comment", "suggestion"))
            if all(data[f] is None for f in ("helpful", "rating", "comment", "suggestion", "category")):
                self.limiter.refund(key)
                return page_url, None  # only text, to a response whose text its author erased: nothing to record
            if submission.contact_email is not None and sealing.made is not None:
                await self.keep_contact(UUID(data["response_id"]), submission.contact_email, received_at)
            await self.publish_feedback(submission.event_id, page_url, data, received_at)
        except BaseException:
            self.limiter.refund(key)
            raise
        self.breaker.charge()
        return page_url, await sealing.code()

    async def keep_contact(self, response: UUID, email: str, consented_at: datetime) -> None:
        """A barrier report's contact address, given with consent: kept outside the event stream (migration 037),
        before the report is published. It goes with the report's data key, whichever way that is erased, so only a
        report with a key (with text) keeps one. Only the part that made the key gives it, and never replaces it:
        anyone who learns a response id (staff see them in the console's addresses) can send a later part of that
        response, and must not point the officer's answer, with the report's text, at an address of their own."""
        assert self.pool is not None
        async with self.pool.acquire() as conn:
            await conn.execute(
                """INSERT INTO barrier_contact (response_id, email, consented_at) VALUES ($1, $2, $3)
                   ON CONFLICT (response_id) DO NOTHING""",
                response,
                email,
                consented_at,
            )

    async def seal(self, data: dict[str, Any], response: UUID, kind: Kind, fields: tuple[str, ...]) -> Sealing:
        """Replace the free text in ``data`` by its sealed form (crypto-shredding: ``shared.shredding``). The
        returned ``Sealing`` gives the deletion code once the part is published (``code``). A response whose text
        was erased keeps none."""
        texts = {f: data[f] for f in fields if data.get(f) is not None}
        if not texts:
            return Sealing(self, response, False, None)
        assert self.pool is not None
        async with self.pool.acquire() as conn:
            if self.code_secret is None:
                self.code_secret = await code_secret(conn)
            sealed, code = await seal_texts(conn, response, kind, texts, self.code_secret)
        for f, value in sealed.items():
            data[f] = None if value is None else value.model_dump(mode="json")
        return Sealing(self, response, any(v is not None for v in sealed.values()), code)

    async def submit_survey_response(
        self, submission: SurveyResponseRequest, origin: str | None, client: str, received_at: datetime
    ) -> str | None:
        """One survey part, like ``submit``: resolved against the org model and the survey catalogue (raises
        ``Rejected`` or ``InvalidAnswer``); the same proof of work and rate limit as feedback; answers to text
        questions sealed (``texts``). The response's deletion code when the part has text."""
        grace = timedelta(seconds=self.settings.survey_grace_s)
        page_url, data = accept_survey_response(
            submission, self.surveys, self.org, origin, received_at, grace, self.keep_names
        )
        if self.settings.pow_required:
            await self.prove(submission.altcha)
        key = self.admit(client)
        try:
            definition = self.surveys.surveys[submission.survey_id].versions[submission.version]
            free = {q.id for q in definition.questions if q.type == "text"}
            data["texts"] = {q: v for q, v in data["answers"].items() if q in free}
            data["answers"] = {q: v for q, v in data["answers"].items() if q not in free}
            sealing = await self.seal(data["texts"], submission.response_id, "survey", tuple(data["texts"]))
            data["texts"] = {q: v for q, v in data["texts"].items() if v is not None}  # erased: not kept
            if not (data["answers"] or data["texts"] or data["dismissed"]):
                self.limiter.refund(key)
                return None  # only text, to a response whose text its author erased: nothing left to record
            await self.publish(self.survey_topic, SURVEY_RESPONSE_SUBMITTED, submission.event_id,
                               str(submission.response_id), page_url, data, received_at)  # fmt: skip
        except BaseException:
            self.limiter.refund(key)
            raise
        self.breaker.charge()
        return await sealing.code()

    async def prove(self, altcha: str | None) -> None:
        """Check the proof of work the operator requires (raises ``InvalidSolution``); a right solution is used up,
        for every instance."""
        if not altcha:
            raise InvalidSolution("missing")
        solved = self.pow.verify(altcha)
        assert self.pool is not None
        try:
            async with self.pool.acquire() as conn:
                await spend(conn, solved)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            raise Refused("unavailable", 5) from exc  # 503 + Retry-After: the widget retries

    def admit(self, client: str) -> bytes:
        """Check the flood breaker and the client's quota (raises ``Refused``). The client's quota is charged now,
        so that submissions at the same moment count too; the caller refunds it (``limiter.refund`` with the
        returned key) unless the submission is accepted, and charges the flood breaker if it is."""
        key = self.limiter.key(client)
        flood = self.breaker.retry_after()
        if flood:
            raise Refused("flood", flood)
        wait = self.limiter.take(key)
        if wait:
            raise Refused("rate_limited", wait)
        return key

    async def broker_ready(self) -> bool:
        if self.producer is None:
            return False
        try:
            await asyncio.wait_for(self.producer.client.fetch_all_metadata(), timeout=2.0)
        except Exception:
            return False
        return True
