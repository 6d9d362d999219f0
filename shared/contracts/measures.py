"""Measure events on ``stadtstimme.measures.v1``: what staff changed on the city's pages ("Maßnahmen"), when it went
live and where it came from, and whether it is shown on the public page ``/wirkung``.

``MeasureSaved`` carries the whole measure, not a change, and its ``revision`` (1 when created, one more with every
change), like the org model's events: the projection applies it unless it holds a later revision, so a record read
twice, or an older one read after the console wrote a newer one through, changes nothing. ``MeasurePublished`` and
``MeasureUnpublished`` put it on the public page and take it off. Keyed by ``measure_id``: a measure's events stay
in order. No citizen text and no personal data: staff's texts, page addresses and ids only.
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.envelope import EventType


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MeasureSavedV1(_Strict):
    """Data of ``de.stadtstimme.measure.saved`` v1: a measure as staff recorded it."""

    measure_id: UUID
    revision: int = Field(ge=1, description="1 when created, one more with every change; a later one wins.")
    saved_by: str = Field(min_length=1, max_length=200, description="The staff account.")
    saved_at: datetime
    org_unit: str = Field(min_length=1, max_length=64, description="The unit responsible for it.")
    title_de: str = Field(min_length=1, max_length=200)
    title_en: str = Field("", max_length=200)
    description_de: str = Field(min_length=1, max_length=4000)
    description_en: str = Field("", max_length=4000)
    pages: list[str] = Field(default_factory=list, max_length=50, description="Normalised page URLs it changed.")
    site_id: str | None = Field(None, max_length=64, description="With ``path_prefix``: every page of a site under it.")
    path_prefix: str | None = Field(None, max_length=500)
    theme: str = Field("", max_length=100, description="What it is about, as the public page names it.")
    live_on: date = Field(description="The day it went live, in the city's time zone.")
    window_days: int = Field(ge=7, le=365, description="Length of the before and after windows.")
    comment_ids: list[UUID] = Field(default_factory=list, max_length=50, description="Comments it answers.")
    hackathon_id: str | None = Field(None, max_length=64, description="The hackathon it came from.")
    challenge_id: str | None = Field(None, max_length=64, description="The hackathon's challenge.")
    submission_id: UUID | None = Field(None, description="The (winning) submission it implements.")


class MeasurePublishedV1(_Strict):
    """Data of ``de.stadtstimme.measure.published`` v1: shown on ``/wirkung`` from now on."""

    measure_id: UUID
    revision: int = Field(ge=1, description="The revision the staff member saw when publishing.")
    by: str = Field(min_length=1, max_length=200)
    at: datetime


class MeasureUnpublishedV1(_Strict):
    """Data of ``de.stadtstimme.measure.unpublished`` v1: no longer shown on ``/wirkung``."""

    measure_id: UUID
    by: str = Field(min_length=1, max_length=200)
    at: datetime


MEASURE_SAVED = EventType("de.stadtstimme.measure.saved", 1, MeasureSavedV1)
MEASURE_PUBLISHED = EventType("de.stadtstimme.measure.published", 1, MeasurePublishedV1)
MEASURE_UNPUBLISHED = EventType("de.stadtstimme.measure.unpublished", 1, MeasureUnpublishedV1)
MEASURE_EVENT_TYPES: tuple[EventType, ...] = (MEASURE_SAVED, MEASURE_PUBLISHED, MEASURE_UNPUBLISHED)
MeasureEvent = MeasureSavedV1 | MeasurePublishedV1 | MeasureUnpublishedV1
