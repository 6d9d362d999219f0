"""Barrier events on ``stadtstimme.barriers.v1``: what the accessibility officer's team did with a barrier report
(a ``FeedbackSubmitted`` part in the category ``accessibility_barrier``), keyed by the report's response id.

``BarrierClosed``: the team closed the report without (another) answer by mail: the barrier was removed, nothing
needs doing, or the reporter cannot be reached. No text, no address.

``BarrierAnswered``: the team answered the reporter. The answer and the reporter's address travel sealed with the
report's data key (``shared.shredding``): erasing the report's text (deletion code, staff, retention) makes both
unreadable on the topic and in every archive; the notifier opens them when it sends the mail.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.envelope import EventType
from shared.contracts.sealed import SealedText


class BarrierAnsweredV1(BaseModel):
    """Data of ``de.stadtstimme.barrier.answered`` v1."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    response_id: UUID = Field(description="The barrier report (its response id, which is its data key's id).")
    org_unit: str = Field(min_length=1, max_length=64, description="The report's org unit.")
    page_url: str = Field(min_length=1, max_length=2048, description="The page the report is about.")
    answer: SealedText = Field(description="The answer's text, sealed with the report's data key (field 'answer').")
    contact_email: SealedText = Field(
        description="The reporter's address, sealed with the report's data key (field 'contact_email')."
    )
    language: Literal["de", "en"] = Field("de", description="The report's language: the mail's frame is in it.")
    actor: str = Field(min_length=1, max_length=200, description="Who answered (staff username).")
    answered_at: datetime


CloseReason = Literal["fixed", "no_action", "unreachable"]
CLOSE_REASONS: tuple[CloseReason, ...] = ("fixed", "no_action", "unreachable")


class BarrierClosedV1(BaseModel):
    """Data of ``de.stadtstimme.barrier.closed`` v1."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    response_id: UUID = Field(description="The barrier report (its response id).")
    org_unit: str = Field(min_length=1, max_length=64, description="The report's org unit.")
    reason: CloseReason = Field(
        description="fixed: the barrier was removed; no_action: nothing needs doing; unreachable: no address to answer."
    )
    actor: str = Field(min_length=1, max_length=200, description="Who closed it (staff username).")
    closed_at: datetime


BARRIER_ANSWERED = EventType("de.stadtstimme.barrier.answered", 1, BarrierAnsweredV1)
BARRIER_CLOSED = EventType("de.stadtstimme.barrier.closed", 1, BarrierClosedV1)
BARRIER_EVENT_TYPES = (BARRIER_ANSWERED, BARRIER_CLOSED)
BarrierEvent = BarrierAnsweredV1 | BarrierClosedV1
