"""``ResponseTextErased``: the free text of a citizen's response is erased (crypto-shredding, ``shared.shredding``).

Its data key is deleted before the event is published, so every sealed copy of the text, on any topic and in any
archive, is unreadable already; the event tells the read models to drop their plain copies, and records who asked
(the citizen with their deletion code, staff, or the retention job). It carries no text and no personal data.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.envelope import EventType


class ResponseTextErasedV1(BaseModel):
    """Data of ``de.stadtstimme.response.text-erased`` v1."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    response_id: UUID = Field(description="The response whose text is erased (its data key's id).")
    kind: Literal["feedback", "survey"] = Field(description="Feedback (comment, suggestion) or survey free text.")
    reason: Literal["citizen", "staff", "retention"] = Field(
        description="Who erased it: the citizen with their deletion code, staff, or the retention period."
    )
    actor: str | None = Field(None, max_length=200, description="The staff account, when staff erased it.")
    erased_at: datetime


RESPONSE_TEXT_ERASED = EventType("de.stadtstimme.response.text-erased", 1, ResponseTextErasedV1)
ERASURE_EVENT_TYPES: tuple[EventType, ...] = (RESPONSE_TEXT_ERASED,)
