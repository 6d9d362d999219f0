"""Erasure events on ``stadtstimme.erasures.v1`` (crypto-shredding, ``shared.shredding``).

``ResponseTextErased``: the free text of a citizen's response is erased. Its data key is deleted before the event
is published, so every sealed copy of the text, on any topic and in any archive, is unreadable already; the event
tells the read models to drop their plain copies, and records who asked (the citizen with their deletion code,
staff, or the retention job). It carries no text and no personal data.

``ResponseTextReplaced``: staff replaced a comment's text with an edited version they wrote (personal data taken
out). The response's data key was replaced by a new one before the event is published, so the original is as
unreadable as an erased text; the edited version travels sealed with the new key, and the citizen's deletion code
still erases it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.envelope import EventType
from shared.contracts.sealed import SealedText


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


class ResponseTextReplacedV1(BaseModel):
    """Data of ``de.stadtstimme.response.text-replaced`` v1."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    response_id: UUID = Field(description="The feedback response whose text is replaced (its data key's id).")
    kind: Literal["feedback"] = "feedback"
    actor: str = Field(min_length=1, max_length=200, description="The staff account that wrote the edited version.")
    replaced_at: datetime
    key_generation: int = Field(ge=2, description="The generation of the new data key the texts are sealed with.")
    comment: SealedText | None = Field(None, description="The edited comment, sealed; None: no comment.")
    suggestion: SealedText | None = Field(None, description="The edited suggestion, sealed; None: no suggestion.")


RESPONSE_TEXT_ERASED = EventType("de.stadtstimme.response.text-erased", 1, ResponseTextErasedV1)
RESPONSE_TEXT_REPLACED = EventType("de.stadtstimme.response.text-replaced", 1, ResponseTextReplacedV1)
ERASURE_EVENT_TYPES: tuple[EventType, ...] = (RESPONSE_TEXT_ERASED, RESPONSE_TEXT_REPLACED)
