"""``FeedbackSubmitted``: a citizen rated a page or service and may have left a comment or suggestion."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, NamedTuple, Self
from uuid import UUID

import msgspec
from pydantic import BaseModel, ConfigDict, Field, model_validator

from shared.contracts.envelope import Envelope, EventType, decode_as
from shared.contracts.sealed import SealedText

COMMENT_MAX_CHARS = 2000
SUGGESTION_MAX_CHARS = 2000
PAGE_URL_MAX_CHARS = 2048

# Codes are stable identifiers; their German and English labels live in the UI message catalogue.
CATEGORIES = ("content", "technical", "accessibility_barrier", "service", "other")
LANGUAGES = ("de", "en")
# A barrier report on its own ("Barriere melden" next to the widget's question, or the API without an answer): a
# part in this category with neither a helpful answer nor a rating. It goes to the accessibility officer and is
# never counted in satisfaction figures (``counts_in_figures``).
BARRIER = "accessibility_barrier"
Category = Literal["content", "technical", "accessibility_barrier", "service", "other"]
Language = Literal["de", "en"]


class FeedbackSubmittedV1(BaseModel):
    """Data of ``de.stadtstimme.feedback.submitted`` v1. The event id is the envelope's ``id``.

    Free text arrives here already normalised and redacted (``shared.redaction``: e-mail addresses, phone
    numbers, IBANs, payment card and tax numbers).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    site: str = Field(min_length=1, max_length=64, description="Site id the widget was embedded in.")
    page_url: str = Field(
        min_length=1,
        max_length=PAGE_URL_MAX_CHARS,
        description="Normalised page URL (no query, no fragment).",
    )
    org_unit: str = Field(min_length=1, max_length=64, description="Org unit responsible, resolved at ingest.")
    helpful: bool | None = Field(None, description="Answer to 'Was this page helpful?'.")
    rating: int | None = Field(None, ge=1, le=5, description="Rating 1 (bad) to 5 (very good).")
    comment: str | None = Field(None, max_length=COMMENT_MAX_CHARS)
    suggestion: str | None = Field(None, max_length=SUGGESTION_MAX_CHARS)
    category: Category | None = None
    language: Language = "de"
    received_at: datetime = Field(description="When ingest accepted the feedback (UTC).")

    @model_validator(mode="after")
    def _helpful_or_rating(self) -> Self:
        if self.helpful is None and self.rating is None:
            raise ValueError("at least one of helpful or rating is required")
        return self


FLAGS = ("honeypot", "too_fast")
Flag = Literal["honeypot", "too_fast"]


class FeedbackSubmittedV2(BaseModel):
    """Data of ``de.stadtstimme.feedback.submitted`` v2: one part of a citizen's response.

    The widget sends a response in parts: the one-click "helpful?" answer first, then optionally a rating,
    comment, suggestion and category as a follow-up. Every part is an event of its own (its id is the envelope's
    ``id``); ``response_id`` links the parts and equals the id of the first part. Aggregates count a response
    once, in the bucket of its first counted part, and take each answer (helpful, rating) from the first part
    that gave it. Parts with ``flags`` (suspected automated submissions) are kept for staff but never counted.

    v1 events are read as v2 with ``response_id`` = event id and no flags (``upcast_feedback``).
    Free text arrives here already normalised and redacted (``shared.redaction``: e-mail addresses, phone
    numbers, IBANs, payment card and tax numbers).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    response_id: UUID = Field(description="Id of the response this part belongs to: the id of its first part.")
    site: str = Field(min_length=1, max_length=64, description="Site id the widget was embedded in.")
    page_url: str = Field(
        min_length=1,
        max_length=PAGE_URL_MAX_CHARS,
        description="Normalised page URL (no query, no fragment).",
    )
    org_unit: str = Field(min_length=1, max_length=64, description="Org unit responsible, resolved at ingest.")
    helpful: bool | None = Field(None, description="Answer to 'Was this page helpful?'.")
    rating: int | None = Field(None, ge=1, le=5, description="Rating 1 (bad) to 5 (very good).")
    comment: str | None = Field(None, max_length=COMMENT_MAX_CHARS)
    suggestion: str | None = Field(None, max_length=SUGGESTION_MAX_CHARS)
    category: Category | None = None
    language: Language = "de"
    flags: tuple[Flag, ...] = Field(
        (),
        description="Why ingest suspects an automated submission (honeypot filled, sent too fast); such "
        "parts are accepted and archived but left out of every aggregate.",
    )
    received_at: datetime = Field(description="When ingest accepted this part (UTC).")

    @model_validator(mode="after")
    def _some_answer(self) -> Self:
        if all(v is None for v in (self.helpful, self.rating, self.comment, self.suggestion, self.category)):
            raise ValueError("at least one of helpful, rating, comment, suggestion or category is required")
        return self


class FeedbackSubmittedV3(BaseModel):
    """Data of ``de.stadtstimme.feedback.submitted`` v3: v2 with the free text sealed (crypto-shredding).

    ``comment`` and ``suggestion`` travel encrypted with the data key of the response (``shared.shredding``):
    erasing that key erases the text on the topic, in the event archive and in every replay, while the part still
    counts with its answers. The text inside is normalised and redacted before it is sealed, as in v2. v1 and v2
    events (plain text, from before) are still read (``decode_feedback_event``).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    response_id: UUID = Field(description="Id of the response this part belongs to: the id of its first part.")
    site: str = Field(min_length=1, max_length=64, description="Site id the widget was embedded in.")
    page_url: str = Field(
        min_length=1,
        max_length=PAGE_URL_MAX_CHARS,
        description="Normalised page URL (no query, no fragment).",
    )
    org_unit: str = Field(min_length=1, max_length=64, description="Org unit responsible, resolved at ingest.")
    helpful: bool | None = Field(None, description="Answer to 'Was this page helpful?'.")
    rating: int | None = Field(None, ge=1, le=5, description="Rating 1 (bad) to 5 (very good).")
    comment: SealedText | None = Field(None, description="The comment, sealed with the response's data key.")
    suggestion: SealedText | None = Field(None, description="The suggestion, sealed with the response's data key.")
    category: Category | None = None
    language: Language = "de"
    flags: tuple[Flag, ...] = Field((), description="As in v2.")
    received_at: datetime = Field(description="When ingest accepted this part (UTC).")

    @model_validator(mode="after")
    def _some_answer(self) -> Self:
        # Spelled out: the projector runs this for every record, and a generator over the fields cost more than
        # the rest of the validation.
        if (
            self.helpful is None
            and self.rating is None
            and self.comment is None
            and self.suggestion is None
            and self.category is None
        ):
            raise ValueError("at least one of helpful, rating, comment, suggestion or category is required")
        return self


def counts_in_figures(helpful: bool | None, rating: int | None, category: str | None) -> bool:
    """Whether an unflagged part may open a response in the satisfaction figures: not a barrier report on its own
    (``BARRIER``), which answers no question; the projector's SQL and the aggregator apply the same rule."""
    return not (category == BARRIER and helpful is None and rating is None)


# What consumers get of any version: the answers as they are, the text plain (v1, v2) or sealed (v3).
FeedbackPart = FeedbackSubmittedV2 | FeedbackSubmittedV3
FEEDBACK_SUBMITTED_V1 = EventType("de.stadtstimme.feedback.submitted", 1, FeedbackSubmittedV1)
FEEDBACK_SUBMITTED_V2 = EventType("de.stadtstimme.feedback.submitted", 2, FeedbackSubmittedV2)
FEEDBACK_SUBMITTED = EventType("de.stadtstimme.feedback.submitted", 3, FeedbackSubmittedV3)


def upcast_feedback(data: BaseModel, event_id: UUID) -> FeedbackSubmittedV2:
    """Any version of ``FeedbackSubmitted`` data as v2 (a v1 event is a response of one part, unflagged)."""
    if isinstance(data, FeedbackSubmittedV2):
        return data
    if isinstance(data, FeedbackSubmittedV1):
        return FeedbackSubmittedV2.model_construct(
            response_id=event_id, flags=(), **{k: getattr(data, k) for k in FeedbackSubmittedV1.model_fields}
        )
    raise ValueError(f"not FeedbackSubmitted data: {type(data).__name__}")


def decode_feedback_event(raw: bytes) -> tuple[Envelope, FeedbackPart]:
    """Decode a ``FeedbackSubmitted`` record of any version (v1 read as v2); raises ``ValueError`` for anything else.

    One validation pass for current events; older ones cost a pass per newer version tried first."""
    try:
        envelope, current = decode_as(raw, FEEDBACK_SUBMITTED)
        assert isinstance(current, FeedbackSubmittedV3)
        return envelope, current
    except ValueError as current_error:
        for older in (FEEDBACK_SUBMITTED_V2, FEEDBACK_SUBMITTED_V1):
            try:
                envelope, data = decode_as(raw, older)
            except ValueError:
                continue
            return envelope, upcast_feedback(data, envelope.id)
        raise current_error from None


# --- Reading many events fast -------------------------------------------------------------------------------------


class FeedbackFields(NamedTuple):
    """The envelope's id and the data of a ``FeedbackSubmitted`` of any version, as consumers read it: the texts
    sealed, or plain in events from before sealing."""

    event_id: UUID
    response_id: UUID
    site: str
    page_url: str
    org_unit: str
    helpful: bool | None
    rating: int | None
    comment: str | SealedText | None
    suggestion: str | SealedText | None
    category: str | None
    language: str
    flags: tuple[str, ...]
    received_at: datetime


# The current version's envelope once more, as msgspec structs: decoding and validating it costs msgspec a fifth of
# what it costs pydantic, and the projector decodes every event. Strict (no coercion of JSON types; aware times;
# patterns anchored with \Z), so it reads nothing the models reject and nothing differently
# (tests/unit/test_feedback_fields.py); whatever it refuses, the models decide, with their error for a dead letter.
# Times are read by ``datetime.fromisoformat`` in the form ingest writes: msgspec rounds a seventh decimal of a
# second where pydantic cuts it off.
_TIME = Annotated[
    str,
    msgspec.Meta(
        pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?(Z|[+-][0-9]{2}:[0-9]{2})\Z"
    ),
]


class _Sealed(msgspec.Struct, forbid_unknown_fields=True):
    key_id: UUID
    nonce: Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9_-]{16}\Z")]
    ciphertext: Annotated[str, msgspec.Meta(min_length=22, max_length=16_000, pattern=r"^[A-Za-z0-9_-]+\Z")]


class _DataV3(msgspec.Struct, forbid_unknown_fields=True):
    response_id: UUID
    site: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    page_url: Annotated[str, msgspec.Meta(min_length=1, max_length=PAGE_URL_MAX_CHARS)]
    org_unit: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    received_at: _TIME
    helpful: bool | None = None
    rating: Annotated[int, msgspec.Meta(ge=1, le=5)] | None = None
    comment: _Sealed | None = None
    suggestion: _Sealed | None = None
    category: Category | None = None
    language: Language = "de"
    flags: tuple[Flag, ...] = ()


class _EnvelopeV3(msgspec.Struct, forbid_unknown_fields=True):
    id: UUID
    source: Annotated[str, msgspec.Meta(min_length=1)]
    type: Literal["de.stadtstimme.feedback.submitted"]
    schemaversion: Literal[3]
    time: _TIME
    data: _DataV3
    specversion: Literal["1.0"] = "1.0"
    subject: str | None = None
    datacontenttype: str = "application/json"


_DECODE_V3 = msgspec.json.Decoder(_EnvelopeV3)


def _sealed(text: _Sealed | None) -> SealedText | None:
    if text is None:
        return None
    return SealedText.model_construct(key_id=text.key_id, nonce=text.nonce, ciphertext=text.ciphertext)


def feedback_fields(raw: bytes) -> FeedbackFields:
    """A ``FeedbackSubmitted`` record of any version as its fields; raises ``ValueError`` for anything not a valid
    event. Current events go through the msgspec structs above, anything they refuse through the models
    (``decode_feedback_event``)."""
    try:
        envelope = _DECODE_V3.decode(raw)
        d = envelope.data
        received_at = datetime.fromisoformat(d.received_at)
        datetime.fromisoformat(envelope.time)
    except (msgspec.DecodeError, msgspec.ValidationError, ValueError):
        pass
    else:
        answered = (d.helpful, d.rating, d.comment, d.suggestion, d.category) != (None, None, None, None, None)
        if answered:  # the models' own rule (``_some_answer``)
            return FeedbackFields(
                envelope.id, d.response_id, d.site, d.page_url, d.org_unit, d.helpful, d.rating, _sealed(d.comment),
                _sealed(d.suggestion), d.category, d.language, d.flags, received_at,
            )  # fmt: skip
    event, data = decode_feedback_event(raw)
    return FeedbackFields(
        event.id, data.response_id, data.site, data.page_url, data.org_unit, data.helpful, data.rating,
        data.comment, data.suggestion, data.category, data.language, tuple(data.flags), data.received_at,
    )  # fmt: skip
