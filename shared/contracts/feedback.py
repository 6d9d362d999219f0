"""``FeedbackSubmitted``: a citizen rated a page or service and may have left a comment or suggestion."""

from __future__ import annotations

from datetime import datetime
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shared.contracts.envelope import EventType

COMMENT_MAX_CHARS = 2000
SUGGESTION_MAX_CHARS = 2000
PAGE_URL_MAX_CHARS = 2048

# Codes are stable identifiers; their German and English labels live in the UI message catalogue.
CATEGORIES = ("content", "technical", "accessibility_barrier", "service", "other")
LANGUAGES = ("de", "en")
Category = Literal["content", "technical", "accessibility_barrier", "service", "other"]
Language = Literal["de", "en"]


class FeedbackSubmittedV1(BaseModel):
    """Data of ``de.stadtstimme.feedback.submitted`` v1. The event id is the envelope's ``id``.

    Free text arrives here already redacted (``shared.redaction``): no e-mail addresses, phone numbers or IBANs.
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


FEEDBACK_SUBMITTED = EventType("de.stadtstimme.feedback.submitted", 1, FeedbackSubmittedV1)
