"""The CloudEvents 1.0 envelope every Stadtstimme event travels in (JSON structured mode).

Extension attribute ``schemaversion`` carries the version of the ``data`` contract, so a consumer can tell
``FeedbackSubmitted`` v1 from a later v2 without guessing from the payload.
"""

from __future__ import annotations

import builtins
import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import orjson
from pydantic import BaseModel, ConfigDict, Field, create_model

SPECVERSION = "1.0"
DATACONTENTTYPE = "application/json"


class Envelope(BaseModel):
    """CloudEvents attributes plus ``schemaversion``; ``data`` is validated by the event's own model."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    specversion: str = Field(SPECVERSION, pattern=r"^1\.0$")
    id: UUID = Field(description="Stable event id; also the idempotency key (duplicates share it).")
    source: str = Field(min_length=1, description="URI reference of the producing service.")
    type: str = Field(min_length=1, description="Reverse-DNS event type, e.g. de.stadtstimme.feedback.submitted.")
    schemaversion: int = Field(ge=1, description="Version of the data contract for this type.")
    time: datetime
    subject: str | None = None
    datacontenttype: str = DATACONTENTTYPE
    data: dict[str, Any]


@dataclass(frozen=True)
class EventType:
    """An event type at one contract version, with the pydantic model of its ``data``."""

    type: str
    version: int
    data_model: builtins.type[BaseModel]  # builtins: the field `type` shadows the name in this class

    @property
    def name(self) -> str:
        return f"{self.type}.v{self.version}"


def encode_envelope(
    event_type: EventType,
    event_id: UUID,
    source: str,
    time: datetime,
    data: dict[str, Any],
    subject: str | None = None,
) -> bytes:
    """Serialise an already validated event. Hot path of ingest: no second validation here."""
    envelope: dict[str, Any] = {
        "specversion": SPECVERSION,
        "id": str(event_id),
        "source": source,
        "type": event_type.type,
        "schemaversion": event_type.version,
        "time": time,
        "datacontenttype": DATACONTENTTYPE,
        "data": data,
    }
    if subject is not None:
        envelope["subject"] = subject
    return orjson.dumps(envelope)


class UnknownEventType(ValueError):
    pass


@functools.cache
def _typed_envelope(event_type: EventType) -> builtins.type[Envelope]:
    model: builtins.type[Envelope] = create_model(
        f"{event_type.data_model.__name__}Envelope", __base__=Envelope, data=(event_type.data_model, ...)
    )
    return model


def decode_as(raw: bytes, event_type: EventType) -> tuple[Envelope, BaseModel]:
    """Decode an envelope that must carry ``event_type``: one validation pass, for consumers of one-type topics."""
    envelope = _typed_envelope(event_type).model_validate_json(raw)
    if (envelope.type, envelope.schemaversion) != (event_type.type, event_type.version):
        raise UnknownEventType(f"expected {event_type.name}, got {envelope.type} v{envelope.schemaversion}")
    data: BaseModel = envelope.data  # type: ignore[assignment]  # the typed envelope holds the model here
    return envelope, data


def decode_envelope(raw: bytes, known: dict[tuple[str, int], EventType]) -> tuple[Envelope, BaseModel]:
    """Parse and validate an envelope and its data; raises ``ValueError`` for anything malformed."""
    envelope = Envelope.model_validate_json(raw)
    event_type = known.get((envelope.type, envelope.schemaversion))
    if event_type is None:
        raise UnknownEventType(f"unknown event type {envelope.type} v{envelope.schemaversion}")
    return envelope, event_type.data_model.model_validate(envelope.data)
