"""Ingest wiring: the Kafka producer and the org model it resolves sites against, kept fresh in the background."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import secrets
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaConnectionError, KafkaError

from services.ingest.abuse import FloodBreaker, RateLimiter
from services.ingest.domain import FeedbackRequest, accept_feedback
from services.ingest.pow import InvalidSolution, ProofOfWork
from shared.contracts import FEEDBACK_SUBMITTED, encode_envelope
from shared.contracts.topics import FEEDBACK, topic_name
from shared.kafka import start_producer
from shared.orgmodel import OrgModel, fetch_org_model
from shared.settings import Settings

log = logging.getLogger(__name__)
SOURCE = "/stadtstimme/ingest"


class Refused(Exception):
    """A valid submission not admitted now: the client's quota is used up, or the flood breaker is open."""

    def __init__(self, kind: str, wait_s: float) -> None:
        super().__init__(kind)
        self.kind = kind  # "rate_limited" | "flood"
        self.retry_after = str(math.ceil(wait_s))


class IngestService:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.pool: asyncpg.Pool | None = None
        self.org = OrgModel()
        self.producer: AIOKafkaProducer | None = None
        self.topic = topic_name(FEEDBACK, settings.topic_prefix)
        self._refresher: asyncio.Task[None] | None = None
        self._connector: asyncio.Task[None] | None = None
        self.limiter = RateLimiter(settings.rate_limit_per_minute, settings.rate_limit_burst)
        self.breaker = FloodBreaker(settings.flood_per_minute, settings.flood_cooldown_s)
        pow_key = settings.pow_hmac_key.get_secret_value().encode()
        self.pow = ProofOfWork(settings.pow_max_number, key=pow_key or secrets.token_bytes(32))

    async def start(self, pool: asyncpg.Pool) -> None:
        self.pool = pool
        await self.refresh_org()
        self._refresher = asyncio.create_task(self._refresh_forever())
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
        for task in (self._refresher, self._connector):
            if task:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        if self.producer:
            await self.producer.stop()  # flushes what is in flight

    async def refresh_org(self) -> None:
        assert self.pool is not None
        async with self.pool.acquire() as conn:
            self.org = await fetch_org_model(conn)

    async def _refresh_forever(self) -> None:
        while True:
            await asyncio.sleep(self.settings.org_refresh_s)
            try:
                await self.refresh_org()
            except (OSError, asyncpg.PostgresError):
                log.warning("could not refresh the org model; keeping the previous one", exc_info=True)

    async def publish_feedback(
        self, event_id: UUID, page_url: str, data: dict[str, Any], received_at: datetime
    ) -> None:
        """Write one event and wait for the broker's acks=all acknowledgement (raises on error or timeout)."""
        if self.producer is None:
            raise KafkaConnectionError("no connection to the broker yet")
        value = encode_envelope(FEEDBACK_SUBMITTED, event_id, SOURCE, received_at, data, subject=page_url)
        async with asyncio.timeout(self.settings.kafka_send_timeout_s):  # unlike wait_for, no extra task
            await self.producer.send_and_wait(self.topic, value, key=page_url.encode())

    async def submit(
        self,
        submission: FeedbackRequest,
        origin: str | None,
        client: str,
        received_at: datetime,
        proof_of_work: bool = False,
    ) -> str:
        """Everything after validation, the same for the JSON API and the form: resolve against the org model
        (raises ``Rejected``), check the proof of work if asked to and the operator requires one (raises
        ``InvalidSolution``), admit the client (raises ``Refused``), publish with acks=all (raises ``KafkaError``
        or ``TimeoutError``), and only then charge the client's quota and the flood breaker. The page URL."""
        page_url, data = accept_feedback(submission, self.org, origin, received_at)
        if proof_of_work and self.settings.pow_required:
            if not submission.altcha:
                raise InvalidSolution("missing")
            self.pow.verify(submission.altcha)
        key = self.limiter.key(client)
        flood = self.breaker.retry_after()
        if flood:
            raise Refused("flood", flood)
        wait = self.limiter.retry_after(key)
        if wait:
            raise Refused("rate_limited", wait)
        await self.publish_feedback(submission.event_id, page_url, data, received_at)
        self.limiter.charge(key)
        self.breaker.charge()
        return page_url

    async def broker_ready(self) -> bool:
        if self.producer is None:
            return False
        try:
            await asyncio.wait_for(self.producer.client.fetch_all_metadata(), timeout=2.0)
        except Exception:
            return False
        return True
