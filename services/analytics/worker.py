"""The analytics projectors: each consumes a topic and keeps its PostgreSQL read models effectively-once
(the loop is ``shared.consumer.OffsetConsumer``).

``Projector`` projects ``FeedbackSubmitted``; ``SurveyProjector``, ``SurveyResponseProjector``,
``TriageProjector`` and ``AlertProjector`` are the same loop over the survey, comment-triage and alert topics,
with their own decoding and statements. ``services.registry`` lists them (with the hackathon's) for the worker,
replay and restore.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Any, ClassVar

import asyncpg
import orjson
from aiokafka import ConsumerRecord

from services.analytics import (
    alert_store,
    barrier_store,
    org_store,
    pageview_store,
    store,
    survey_store,
    triage_store,
)
from services.analytics.alert_store import AlertRow
from services.analytics.barrier_store import AnswerRow, ClosingRow
from services.analytics.measure_store import MeasureRow
from services.analytics.measure_store import apply_events as apply_measure_events
from services.analytics.measures import refresh_effects
from services.analytics.org_store import OrgRow
from services.analytics.pageview_store import PageViewRow
from services.analytics.store import ErasureRow, FeedbackRow
from services.analytics.survey_store import LifecycleRow, ResponseRow
from services.analytics.triage_store import TriageRow
from shared.consumer import OffsetConsumer, decode_record
from shared.contracts.alerts import ALERT_EVENT_TYPES
from shared.contracts.barriers import BARRIER_EVENT_TYPES, BarrierAnsweredV1, BarrierClosedV1
from shared.contracts.envelope import decode_envelope
from shared.contracts.erasure import ERASURE_EVENT_TYPES, ResponseTextErasedV1, ResponseTextReplacedV1
from shared.contracts.feedback import feedback_fields
from shared.contracts.measures import MEASURE_EVENT_TYPES
from shared.contracts.org import ORG_EVENT_TYPES, upcast_org
from shared.contracts.pageviews import PAGE_VIEW_EVENT_TYPES, PageViewsImportedV1
from shared.contracts.surveys import (
    SURVEY_RESPONSE_SUBMITTED,
    SURVEY_RESPONSE_SUBMITTED_V1,
    SurveyResponseSubmittedV1,
    SurveyResponseSubmittedV2,
)
from shared.contracts.surveys import SurveyStatusChangedV1 as StatusChanged
from shared.contracts.surveys import SurveyVersionPublishedV1 as VersionPublished
from shared.contracts.topics import (
    ALERTS,
    BARRIERS,
    COMMENT_TRIAGE,
    ERASURES,
    EVENT_TYPES,
    FEEDBACK,
    MEASURES,
    ORG,
    PAGE_VIEWS,
    SURVEY_RESPONSES,
    SURVEYS,
    Topic,
)
from shared.contracts.triage import TRIAGE_EVENT_TYPES
from shared.shredding import open_texts

log = logging.getLogger(__name__)
CONSUMER = "analytics.projector"


def to_row(record: ConsumerRecord[bytes, bytes]) -> FeedbackRow:
    """Decode one record; raises ``ValueError`` (pydantic's included) for anything not a valid event."""
    if record.value is None:
        raise ValueError("empty record")
    f = feedback_fields(record.value)
    return FeedbackRow(
        event_id=f.event_id,
        partition=record.partition,
        offset=record.offset,
        received_at=f.received_at,
        site_id=f.site,
        page_url=f.page_url,
        org_unit_id=f.org_unit,
        helpful=f.helpful,
        rating=f.rating,
        category=f.category,
        language=f.language,
        comment=f.comment,
        suggestion=f.suggestion,
        envelope=record.value.decode(),
        response_id=f.response_id,
        flags=",".join(f.flags),
    )


def to_lifecycle_row(record: ConsumerRecord[bytes, bytes]) -> LifecycleRow:
    if record.value is None:
        raise ValueError("empty record")
    envelope, data = decode_envelope(record.value, EVENT_TYPES)
    if not isinstance(data, VersionPublished | StatusChanged):
        raise ValueError(f"not a survey lifecycle event: {envelope.type}")
    return LifecycleRow(envelope.id, data, record.value.decode())


def to_triage_row(record: ConsumerRecord[bytes, bytes]) -> TriageRow:
    envelope, data = decode_record(record, TRIAGE_EVENT_TYPES, "a comment triage event")
    return TriageRow(envelope.id, envelope.type, data, (record.value or b"").decode())  # type: ignore[arg-type]


def to_alert_row(record: ConsumerRecord[bytes, bytes]) -> AlertRow:
    envelope, data = decode_record(record, ALERT_EVENT_TYPES, "a satisfaction alert event")
    return AlertRow(envelope.id, envelope.type, data, (record.value or b"").decode())  # type: ignore[arg-type]


def to_response_row(record: ConsumerRecord[bytes, bytes]) -> ResponseRow:
    envelope, data = decode_record(record, (SURVEY_RESPONSE_SUBMITTED_V1, SURVEY_RESPONSE_SUBMITTED), "a survey part")
    assert isinstance(data, SurveyResponseSubmittedV1 | SurveyResponseSubmittedV2)
    return ResponseRow(
        event_id=envelope.id,
        response_id=data.response_id,
        partition=record.partition,
        offset=record.offset,
        received_at=data.received_at,
        envelope=record.value.decode(),
        survey_id=data.survey_id,
        survey_version=data.survey_version,
        site_id=data.site,
        page_url=data.page_url,
        org_unit_id=data.org_unit,
        language=data.language,
        dismissed=data.dismissed,
        flagged=bool(data.flags),
        answers=orjson.dumps(data.answers).decode(),
        texts=dict(data.texts) if isinstance(data, SurveyResponseSubmittedV2) else {},
    )


@dataclass
class Projector(OffsetConsumer):
    """``FeedbackSubmitted`` into the feedback read models."""

    TOPIC: ClassVar[Topic] = FEEDBACK
    NAME: ClassVar[str] = CONSUMER

    @staticmethod
    def decode(record: ConsumerRecord[bytes, bytes]) -> Any:
        return to_row(record)

    async def project(self, conn: asyncpg.Connection, rows: list[Any]) -> None:
        await store.project_feedback(conn, self.topic, rows, self.settings.timezone)


class SurveyProjector(Projector):
    """Survey definitions and lifecycle into ``survey``, ``survey_version`` and ``survey_event``."""

    TOPIC = SURVEYS
    NAME = "analytics.survey-projector"

    @staticmethod
    def decode(record: ConsumerRecord[bytes, bytes]) -> Any:
        return to_lifecycle_row(record)

    async def project(self, conn: asyncpg.Connection, rows: list[Any]) -> None:
        await survey_store.apply_lifecycle(conn, rows)


class SurveyResponseProjector(Projector):
    """Survey answers and dismissals into ``survey_response`` and ``survey_answer``."""

    TOPIC = SURVEY_RESPONSES
    NAME = "analytics.survey-response-projector"

    @staticmethod
    def decode(record: ConsumerRecord[bytes, bytes]) -> Any:
        return to_response_row(record)

    async def project(self, conn: asyncpg.Connection, rows: list[Any]) -> None:
        # Text answers opened with their keys; an erased one is still an answer (JSON null), without its words.
        opened = await open_texts(conn, [(r.response_id, dict(r.texts)) for r in rows])
        rows = [replace(r, answers=orjson.dumps(orjson.loads(r.answers) | texts).decode(), texts={}) if texts else r
                for r, texts in zip(rows, opened, strict=True)]  # fmt: skip
        await survey_store.project_responses(conn, rows)


class TriageProjector(Projector):
    """What staff did with comments into ``comment_triage``, ``comment_note`` and ``comment_triage_event``."""

    TOPIC = COMMENT_TRIAGE
    NAME = "analytics.triage-projector"

    @staticmethod
    def decode(record: ConsumerRecord[bytes, bytes]) -> Any:
        return to_triage_row(record)

    async def project(self, conn: asyncpg.Connection, rows: list[Any]) -> None:
        await triage_store.apply_triage(conn, rows)


class AlertProjector(Projector):
    """Satisfaction alerts into ``satisfaction_alert`` and ``satisfaction_alert_event`` (the evaluator writes
    through the same function; this projection makes them rebuildable by replay)."""

    TOPIC = ALERTS
    NAME = "analytics.alert-projector"

    @staticmethod
    def decode(record: ConsumerRecord[bytes, bytes]) -> Any:
        return to_alert_row(record)

    async def project(self, conn: asyncpg.Connection, rows: list[Any]) -> None:
        await alert_store.apply_alerts(conn, rows)


def to_erasure_row(record: ConsumerRecord[bytes, bytes]) -> ErasureRow:
    envelope, data = decode_record(record, ERASURE_EVENT_TYPES, "an erasure event")
    value = (record.value or b"").decode()
    if isinstance(data, ResponseTextReplacedV1):
        return ErasureRow(envelope.id, data.response_id, data.kind, "replaced", data.replaced_at, value, data)
    assert isinstance(data, ResponseTextErasedV1)
    return ErasureRow(envelope.id, data.response_id, data.kind, data.reason, data.erased_at, value)


class ErasureProjector(Projector):
    """Erasures of citizens' free text: the read models' plain copies dropped (the keys are gone already), and staff's
    edited versions put in their place."""

    TOPIC = ERASURES
    NAME = "analytics.erasure-projector"

    @staticmethod
    def decode(record: ConsumerRecord[bytes, bytes]) -> Any:
        return to_erasure_row(record)

    async def project(self, conn: asyncpg.Connection, rows: list[Any]) -> None:
        await store.apply_erasures(conn, rows)


def to_page_view_row(record: ConsumerRecord[bytes, bytes]) -> PageViewRow:
    envelope, data = decode_record(record, PAGE_VIEW_EVENT_TYPES, "a page-view event")
    assert isinstance(data, PageViewsImportedV1)
    return PageViewRow(envelope.id, data, (record.value or b"").decode())


class PageViewProjector(Projector):
    """Page views from the web analytics into ``page_view_daily`` and ``page_view_day`` (imports write through
    the same function; this projection makes them rebuildable by replay)."""

    TOPIC = PAGE_VIEWS
    NAME = "analytics.pageview-projector"

    @staticmethod
    def decode(record: ConsumerRecord[bytes, bytes]) -> Any:
        return to_page_view_row(record)

    async def project(self, conn: asyncpg.Connection, rows: list[Any]) -> None:
        await pageview_store.apply_imports(conn, rows)


def to_org_row(record: ConsumerRecord[bytes, bytes]) -> OrgRow:
    envelope, data = decode_record(record, ORG_EVENT_TYPES, "an org model event")
    return OrgRow(envelope.id, envelope.type, upcast_org(data), (record.value or b"").decode())


class OrgProjector(Projector):
    """The organisation model (units, sites with sections, pages) into its tables (the commands write through the
    same function; this projection makes them rebuildable by replay)."""

    TOPIC = ORG
    NAME = "analytics.org-projector"

    @staticmethod
    def decode(record: ConsumerRecord[bytes, bytes]) -> Any:
        return to_org_row(record)

    async def project(self, conn: asyncpg.Connection, rows: list[Any]) -> None:
        await org_store.apply_events(conn, rows)


def to_measure_row(record: ConsumerRecord[bytes, bytes]) -> MeasureRow:
    envelope, data = decode_record(record, MEASURE_EVENT_TYPES, "a measure event")
    return MeasureRow(envelope.id, envelope.type, data, (record.value or b"").decode())  # type: ignore[arg-type]


class MeasureProjector(Projector):
    """Measures and their publication into ``measure`` (the commands write through the same function; this
    projection makes them rebuildable by replay)."""

    TOPIC = MEASURES
    NAME = "analytics.measure-projector"

    @staticmethod
    def decode(record: ConsumerRecord[bytes, bytes]) -> Any:
        return to_measure_row(record)

    async def project(self, conn: asyncpg.Connection, rows: list[Any]) -> None:
        await apply_measure_events(conn, rows)
        await refresh_effects(conn, self.settings, {r.data.measure_id for r in rows})


def to_barrier_row(record: ConsumerRecord[bytes, bytes]) -> AnswerRow | ClosingRow:
    envelope, data = decode_record(record, BARRIER_EVENT_TYPES, "a barrier event")
    if isinstance(data, BarrierClosedV1):
        return ClosingRow(envelope.id, data, (record.value or b"").decode())
    assert isinstance(data, BarrierAnsweredV1)
    return AnswerRow(envelope.id, data, (record.value or b"").decode())


class BarrierProjector(Projector):
    """Answers to barrier reports into ``barrier_answer``, closings into ``barrier_closing`` (the console's commands
    write through the same functions; this projection makes them rebuildable by replay)."""

    TOPIC = BARRIERS
    NAME = "analytics.barrier-projector"

    @staticmethod
    def decode(record: ConsumerRecord[bytes, bytes]) -> Any:
        return to_barrier_row(record)

    async def project(self, conn: asyncpg.Connection, rows: list[Any]) -> None:
        await barrier_store.apply(conn, rows)
